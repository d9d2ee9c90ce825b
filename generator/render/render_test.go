package render

import (
	"testing"

	"github.com/securegen/securegen/generator/spec"
)

// BenchmarkRender renders the project bench/run.sh times (stdlib, api
// preset, no auth).
func BenchmarkRender(b *testing.B) {
	a, err := spec.Resolve([]spec.Layer{{Values: spec.Values{
		"module": "example.com/bench", "framework": "stdlib", "preset": "api", "auth": "none",
		"cors.origins": "https://app.example.com", "rate_limit": "1000000/1m",
	}}})
	if err != nil {
		b.Fatal(err)
	}
	d, err := NewData(a, "v0.1.0-bench")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Render(d); err != nil {
			b.Fatal(err)
		}
	}
}
