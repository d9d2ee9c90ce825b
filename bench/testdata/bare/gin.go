// Bare gin server: handlers.Hello on GET /api/hello, no security middleware.
// bench/run.sh copies this file to cmd/bare/main.go of a generated project.
package main

import (
	"net/http"
	"os"

	"github.com/gin-gonic/gin"

	"example.com/bench/internal/handlers"
)

func main() {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/api/hello", handlers.Hello)
	panic(http.ListenAndServe(os.Getenv("ADDR"), r))
}
