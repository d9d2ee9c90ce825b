package golden

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/securegen/securegen/generator/cli"
	"github.com/securegen/securegen/generator/deps"
	"github.com/securegen/securegen/generator/render"
	"github.com/securegen/securegen/generator/spec"
)

// The generated Makefile's targets run: gofmt check, vet, tests with the
// race detector, and a static build.
func TestGeneratedMakefileTargetsRun(t *testing.T) {
	bin := endToEnd(t, "runs make in a generated project")
	if _, err := exec.LookPath("make"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("make is not installed; .ci/run installs it")
		}
		t.Skip("make is not installed (apt-get install make); .ci/run installs it")
	}
	work := t.TempDir()
	run(t, work, bin, "new", "svc", "--module", "example.com/svc", "--auth", "none", "--yes")
	dir := filepath.Join(work, "svc")
	run(t, dir, "make", "fmt", "vet", "test", "build")
	info := run(t, dir, "go", "version", "-m", "bin/svc")
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath=true"} {
		if !strings.Contains(info, want) {
			t.Errorf("bin/svc was not built with %s:\n%s", want, info)
		}
	}
}

// The Dockerfile's build steps match the project: what it copies exists,
// it builds the service's cmd/ package as a static binary, and the final
// image runs that binary as a non-root user in a distroless image.
func TestGeneratedDockerfileMatchesLayout(t *testing.T) {
	for _, fw := range render.Supported["framework"] {
		a, err := spec.Resolve([]spec.Layer{{Values: spec.Values{"module": "example.com/team/orders", "framework": fw}}})
		if err != nil {
			t.Fatal(err)
		}
		tree, err := cli.Generate(a, testVersion, nil)
		if err != nil {
			t.Fatal(err)
		}
		df, ok := tree.Lookup("Dockerfile")
		if !ok {
			t.Fatalf("%s: no Dockerfile", fw)
		}
		text := string(df.Data)
		for _, m := range regexp.MustCompile(`(?m)^COPY (\S+(?: \S+)*) \S+$`).FindAllStringSubmatch(text, -1) {
			if strings.HasPrefix(m[1], "--from=") {
				continue // from the build stage, checked below
			}
			for _, src := range strings.Fields(m[1]) {
				if src == "." || src == "go.sum" { // go.sum is written by go mod tidy
					continue
				}
				if _, ok := tree.Lookup(src); !ok {
					t.Errorf("%s: Dockerfile copies %s, which the project does not have", fw, src)
				}
			}
		}
		build := regexp.MustCompile(`CGO_ENABLED=0 go build .*-o (\S+) \./cmd/(\S+)`).FindStringSubmatch(text)
		if build == nil {
			t.Fatalf("%s: Dockerfile does not build ./cmd/... statically:\n%s", fw, text)
		}
		if _, ok := tree.Lookup("cmd/" + build[2] + "/main.go"); !ok || build[2] != a.Name {
			t.Errorf("%s: Dockerfile builds ./cmd/%s; the service is cmd/%s", fw, build[2], a.Name)
		}
		for _, want := range []string{"COPY --from=build " + build[1] + " ", "FROM gcr.io/distroless/static", "USER nonroot", "ENTRYPOINT [\"/" + a.Name + "\"]"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: Dockerfile lacks %q:\n%s", fw, want, text)
			}
		}
		// The CI workflow and the Makefile run the same checks.
		ci, _ := tree.Lookup(".github/workflows/ci.yml")
		mk, _ := tree.Lookup("Makefile")
		for _, tool := range deps.Tools {
			if !strings.Contains(string(ci.Data), tool) || !strings.Contains(string(mk.Data), tool) {
				t.Errorf("%s: CI workflow or Makefile does not run %s", fw, tool)
			}
		}
		for _, step := range []string{"go vet ./...", "go test -race ./...", "gofmt -l ."} {
			if !strings.Contains(string(ci.Data), step) || !strings.Contains(string(mk.Data), step) {
				t.Errorf("%s: CI workflow or Makefile does not run %s", fw, step)
			}
		}
	}
}
