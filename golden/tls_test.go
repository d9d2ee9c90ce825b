package golden

import (
	"path/filepath"
	"testing"

	"github.com/securegen/securegen/generator/render"
)

// The services that terminate TLS themselves are not started by the
// end-to-end test (it speaks plain HTTP); their own tests serve HTTPS with a
// certificate made at test time (files: TLS 1.2 and 1.3 accepted, 1.0 and
// 1.1 refused, the headers on HTTPS responses) and exercise the autocert
// redirect listener, host policy and cache directory, all on 127.0.0.1.
func TestTLSModesPassTheirOwnTests(t *testing.T) {
	bin := endToEnd(t, "generates, tidies and tests a project per framework and TLS mode")
	for _, fw := range render.Supported["framework"] {
		for _, mode := range []string{"files", "autocert"} {
			t.Run(fw+"-"+mode, func(t *testing.T) {
				t.Parallel()
				work := t.TempDir()
				run(t, work, bin, "new", "svc", "--module", "example.com/svc", "--framework", fw, "--preset", "spa-backend", "--tls", mode, "--yes")
				dir := filepath.Join(work, "svc")
				run(t, dir, "go", "vet", "./...")
				run(t, dir, "go", "test", "-count=1", "./...")
			})
		}
	}
}
