package server

// bench/run.sh copies this file into internal/server of a generated chi
// project. BenchmarkBare is BenchmarkChain without the security chain: the
// same request and writer, the router serving handlers.Hello alone.

import (
	"net/http"
	"testing"

	"github.com/go-chi/chi/v5"

	"example.com/bench/internal/handlers"
)

func BenchmarkBare(b *testing.B) {
	r := chi.NewRouter()
	r.Get("/api/hello", handlers.Hello)
	var h http.Handler = r
	req := request("GET", "/api/hello", "192.0.2.1:1234", "", "Origin: "+allowedOrigin)
	w := &benchWriter{header: make(http.Header, 32)}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.header)
		h.ServeHTTP(w, req)
	}
}
