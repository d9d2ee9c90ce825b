package cli

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// No command ever waits for input without a terminal: each one is run with
// stdin closed, at EOF, and as a pipe that never delivers anything, and
// must finish on its own.
func TestNoCommandWaitsForInput(t *testing.T) {
	bin, err := buildSecuregen()
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	if out, err := exec.Command(bin, "new", filepath.Join(work, "proj"), "--module", "example.com/proj", "--auth", "none", "--yes", "--skip-tidy").CombinedOutput(); err != nil {
		t.Fatalf("setup: %v\n%s", err, out)
	}
	commands := []struct {
		args []string
		code int
	}{
		{[]string{"new", "svc"}, ExitUsage}, // a required answer is missing
		{[]string{"new", "svc", "--module", "example.com/svc", "--skip-tidy"}, ExitOK},
		{[]string{"new", "svc2", "--yes", "--skip-tidy"}, ExitOK},
		{[]string{"regen", "proj", "--check"}, ExitOK},
		{[]string{"regen", "proj", "--skip-tidy"}, ExitOK},
		{[]string{"presets"}, ExitOK},
		{[]string{"presets", "show", "api"}, ExitOK},
		{[]string{"version"}, ExitOK},
		{[]string{"--help"}, ExitOK},
		{[]string{"completion", "bash"}, ExitOK},
		{[]string{"probe", "http://127.0.0.1:1"}, ExitFailure}, // nothing listens there
	}
	stdins := map[string]func(cmd *exec.Cmd) (*exec.Cmd, func()){
		"eof": func(cmd *exec.Cmd) (*exec.Cmd, func()) { return cmd, func() {} }, // /dev/null
		"closed": func(cmd *exec.Cmd) (*exec.Cmd, func()) {
			sh := exec.Command("sh", append([]string{"-c", `exec "$0" "$@" <&-`}, cmd.Args...)...)
			sh.Dir = cmd.Dir
			return sh, func() {}
		},
		"silent-pipe": func(cmd *exec.Cmd) (*exec.Cmd, func()) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			cmd.Stdin = r
			return cmd, func() { r.Close(); w.Close() }
		},
	}
	for name, stdin := range stdins {
		for _, c := range commands {
			t.Run(name+"/"+strings.Join(c.args, "_"), func(t *testing.T) {
				dir := t.TempDir()
				if err := os.Symlink(filepath.Join(work, "proj"), filepath.Join(dir, "proj")); err != nil {
					t.Fatal(err)
				}
				cmd := exec.Command(bin, c.args...)
				cmd.Dir = dir
				cmd, cleanup := stdin(cmd)
				defer cleanup()
				var out strings.Builder
				cmd.Stdout, cmd.Stderr = &out, &out
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				done := make(chan error, 1)
				go func() { done <- cmd.Wait() }()
				select {
				case err := <-done:
					code := 0
					var ee *exec.ExitError
					if errors.As(err, &ee) {
						code = ee.ExitCode()
					} else if err != nil {
						t.Fatal(err)
					}
					if code != c.code {
						t.Errorf("exit %d, want %d\n%s", code, c.code, out.String())
					}
				case <-time.After(60 * time.Second):
					_ = cmd.Process.Kill()
					t.Fatalf("still running after 60s: it waits for input\n%s", out.String())
				}
			})
		}
	}
}
