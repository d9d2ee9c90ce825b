package golden

import (
	"os"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"

	"github.com/securegen/securegen/generator/cli"
	"github.com/securegen/securegen/generator/deps"
	"github.com/securegen/securegen/generator/render"
	"github.com/securegen/securegen/generator/spec"
)

// Every module version a generated go.mod names comes from generator/deps,
// the one place pins are kept, for every combination this version renders;
// so does the go directive.
func TestGoModVersionsComeFromDeps(t *testing.T) {
	for _, fw := range render.Supported["framework"] {
		for _, preset := range render.Supported["preset"] {
			for _, auth := range render.Supported["auth"] {
				for _, tls := range render.Supported["tls"] {
					for _, store := range render.Supported["rate_limit.store"] {
						checkGoMod(t, fw, preset, auth, tls, store)
					}
				}
			}
		}
	}
}

func checkGoMod(t *testing.T, fw, preset, auth, tls, store string) {
	t.Helper()
	name := strings.Join([]string{fw, preset, auth, tls, store}, "/")
	a, err := spec.Resolve([]spec.Layer{{Values: spec.Values{
		"module": "example.com/svc", "framework": fw, "preset": preset, "auth": auth, "tls": tls,
		"cors.origins": "https://app.example.com", "rate_limit.store": store,
	}}})
	if err != nil {
		t.Fatal(err)
	}
	tree, err := cli.Generate(a, testVersion, nil)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	gomod, ok := tree.Lookup("go.mod")
	if !ok {
		t.Fatalf("%s: no go.mod", name)
	}
	f, err := modfile.Parse("go.mod", gomod.Data, nil)
	if err != nil {
		t.Fatal(err)
	}
	goVersion := deps.GoVersion
	for _, r := range f.Require {
		if v, ok := deps.Version(r.Mod.Path); !ok || v != r.Mod.Version {
			t.Errorf("%s: go.mod requires %s %s; generator/deps pins %q", name, r.Mod.Path, r.Mod.Version, v)
		}
		if v, ok := deps.GoVersions[r.Mod.Path]; ok && semver.Compare("v"+v, "v"+goVersion) > 0 {
			goVersion = v
		}
	}
	if f.Go == nil || f.Go.Version != goVersion {
		t.Errorf("%s: go directive %v, want %s", name, f.Go, goVersion)
	}
}

// The static gate runs the checkers at the versions generated projects run.
func TestGateRunsTheToolsProjectsRun(t *testing.T) {
	script, err := os.ReadFile("../scripts/check-generated.sh")
	if err != nil {
		t.Fatal(err)
	}
	for name, pkg := range deps.Tools {
		if !strings.Contains(string(script), "="+pkg+"\n") {
			t.Errorf("scripts/check-generated.sh does not install %s as %s", name, pkg)
		}
	}
}
