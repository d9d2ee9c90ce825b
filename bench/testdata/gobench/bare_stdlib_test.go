package server

// bench/run.sh copies this file into internal/server of a generated stdlib
// project. BenchmarkBare is BenchmarkChain without the security chain: the
// same request and writer, the router serving handlers.Hello alone.

import (
	"net/http"
	"testing"

	"example.com/bench/internal/handlers"
)

func BenchmarkBare(b *testing.B) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/hello", handlers.Hello)
	var h http.Handler = mux
	req := request("GET", "/api/hello", "192.0.2.1:1234", "", "Origin: "+allowedOrigin)
	w := &benchWriter{header: make(http.Header, 32)}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.header)
		h.ServeHTTP(w, req)
	}
}
