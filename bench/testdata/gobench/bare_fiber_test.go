package server

// bench/run.sh copies this file into internal/server of a generated fiber
// project. BenchmarkBare is BenchmarkChain without the security chain: the
// same request context, the app serving handlers.Hello alone.

import (
	"net"
	"testing"

	"github.com/gofiber/fiber/v3"
	"github.com/valyala/fasthttp"

	"example.com/bench/internal/handlers"
)

func BenchmarkBare(b *testing.B) {
	app := fiber.New()
	app.Get("/api/hello", handlers.Hello)
	h := app.Handler()
	var req fasthttp.Request
	req.Header.SetMethod("GET")
	req.SetRequestURI("/api/hello")
	req.Header.Set("Origin", allowedOrigin)
	var ctx fasthttp.RequestCtx
	ctx.Init(&req, &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 1234}, nil)
	b.ReportAllocs()
	for b.Loop() {
		ctx.Response.Reset()
		h(&ctx)
	}
}
