package server

// bench/run.sh copies this file into internal/server of a generated echo
// project. BenchmarkBare is BenchmarkChain without the security chain: the
// same request and writer, the router serving handlers.Hello alone.

import (
	"net/http"
	"testing"

	"github.com/labstack/echo/v5"

	"example.com/bench/internal/handlers"
)

func BenchmarkBare(b *testing.B) {
	e := echo.New()
	e.GET("/api/hello", handlers.Hello)
	var h http.Handler = e
	req := request("GET", "/api/hello", "192.0.2.1:1234", "", "Origin: "+allowedOrigin)
	w := &benchWriter{header: make(http.Header, 32)}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.header)
		h.ServeHTTP(w, req)
	}
}
