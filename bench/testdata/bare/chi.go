// Bare chi server: handlers.Hello on GET /api/hello, no security middleware.
// bench/run.sh copies this file to cmd/bare/main.go of a generated project.
package main

import (
	"net/http"
	"os"

	"github.com/go-chi/chi/v5"

	"example.com/bench/internal/handlers"
)

func main() {
	r := chi.NewRouter()
	r.Get("/api/hello", handlers.Hello)
	panic(http.ListenAndServe(os.Getenv("ADDR"), r))
}
