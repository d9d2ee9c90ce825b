// Bare fiber server: handlers.Hello on GET /api/hello, no security middleware.
// bench/run.sh copies this file to cmd/bare/main.go of a generated project.
package main

import (
	"os"

	"github.com/gofiber/fiber/v3"

	"example.com/bench/internal/handlers"
)

func main() {
	app := fiber.New()
	app.Get("/api/hello", handlers.Hello)
	panic(app.Listen(os.Getenv("ADDR"), fiber.ListenConfig{DisableStartupMessage: true}))
}
