package cli

import (
	"bytes"
	"path/filepath"
	"strconv"
	"testing"
)

// benchNewArgs are the arguments bench/run.sh times `securegen new` with.
var benchNewArgs = []string{"--module", "example.com/bench", "--framework", "stdlib", "--preset", "api", "--auth", "none",
	"--origins", "https://app.example.com", "--rate-limit", "1000000/1m", "--yes", "--skip-tidy"}

func benchRun(b *testing.B, args ...string) {
	b.Helper()
	var out, errs bytes.Buffer
	if code := Run(args, &IO{In: bytes.NewReader(nil), Out: &out, Err: &errs}, "v0.1.0-bench"); code != ExitOK {
		b.Fatalf("securegen %v: exit %d\n%s%s", args, code, out.Bytes(), errs.Bytes())
	}
}

// BenchmarkNew is `securegen new ... --yes --skip-tidy` in process (no
// process start), as bench/run.sh times it.
func BenchmarkNew(b *testing.B) {
	dir := b.TempDir()
	n := 0
	for b.Loop() {
		n++
		benchRun(b, append([]string{"new", filepath.Join(dir, strconv.Itoa(n))}, benchNewArgs...)...)
	}
}

// BenchmarkRegenCheck is `securegen regen --check` of an unchanged project in
// process.
func BenchmarkRegenCheck(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "p")
	benchRun(b, append([]string{"new", dir}, benchNewArgs...)...)
	for b.Loop() {
		benchRun(b, "regen", "--check", dir)
	}
}

// BenchmarkVersion is the cost of building the command tree and running the
// cheapest command.
func BenchmarkVersion(b *testing.B) {
	for b.Loop() {
		benchRun(b, "version")
	}
}
