package cli

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"securegen": func() { os.Exit(Run(os.Args[1:], System(), "v0.1.0-test")) },
	})
}

// TestScripts runs the command-line cases in testdata/script: each one is a
// terminal session with the files it starts from and the checks on what the
// commands print and write. The scripts run without a terminal, so they also
// prove that no command waits for input.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		UpdateScripts:       os.Getenv("UPDATE_SCRIPTS") != "",
		Setup: func(env *testscript.Env) error {
			// go mod tidy in the generated project needs the module cache.
			for _, k := range []string{"GOPATH", "GOMODCACHE", "GOCACHE", "GOPROXY", "GOFLAGS", "HOME", "PATH"} {
				if v, ok := os.LookupEnv(k); ok {
					env.Setenv(k, v)
				}
			}
			return nil
		},
	})
}
