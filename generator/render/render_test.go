package render

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/securegen/securegen/generator/spec"
	"github.com/securegen/securegen/templates"
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

// TestWhenNamesTemplates fails when the table of files.go names a template
// that does not exist (a rename would otherwise silently render it always).
func TestWhenNamesTemplates(t *testing.T) {
	for p := range when {
		if _, err := fs.Stat(templates.FS, p); err != nil {
			t.Errorf("files.go lists %s: %v", p, err)
		}
	}
}

// TestEmptyTemplateIsAnError pins that a template cannot decide its own
// presence by rendering nothing: that decision belongs to files.go.
func TestEmptyTemplateIsAnError(t *testing.T) {
	a, err := spec.Resolve([]spec.Layer{{Values: spec.Values{"module": "example.com/svc", "framework": "stdlib", "auth": "jwt", "tls": "off"}}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewData(a, "v0.0.0-test")
	if err != nil {
		t.Fatal(err)
	}
	const tmpl = "common/internal/server/tls_test.go.tmpl" // empty with tls off
	c := when[tmpl]
	delete(when, tmpl)
	t.Cleanup(func() { when[tmpl] = c })
	_, err = Render(d)
	if err == nil || !strings.Contains(err.Error(), "tls_test.go.tmpl renders empty") {
		t.Fatalf("Render with a template that renders empty: %v, want the error naming it", err)
	}
}
