// Bare echo server: handlers.Hello on GET /api/hello, no security middleware.
// bench/run.sh copies this file to cmd/bare/main.go of a generated project.
package main

import (
	"net/http"
	"os"

	"github.com/labstack/echo/v5"

	"example.com/bench/internal/handlers"
)

func main() {
	e := echo.New()
	e.GET("/api/hello", handlers.Hello)
	panic(http.ListenAndServe(os.Getenv("ADDR"), e))
}
