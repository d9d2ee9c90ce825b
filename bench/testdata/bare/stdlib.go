// Bare stdlib server: handlers.Hello on GET /api/hello, no security middleware.
// bench/run.sh copies this file to cmd/bare/main.go of a generated project.
package main

import (
	"net/http"
	"os"

	"example.com/bench/internal/handlers"
)

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/hello", handlers.Hello)
	panic(http.ListenAndServe(os.Getenv("ADDR"), mux))
}
