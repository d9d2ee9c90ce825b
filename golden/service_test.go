package golden

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// serviceEnv is what a generated service needs in its environment to start,
// by auth.
func serviceEnv(auth string) []string {
	switch auth {
	case "jwt":
		return []string{"JWT_SECRET=" + strings.Repeat("s3cr3t-", 8), "JWT_ISSUER=https://issuer.example", "JWT_AUDIENCE=svc"}
	case "apikey":
		sum := sha256.Sum256([]byte("test-api-key-0123456789abcdef0123456789"))
		return []string{"API_KEY_HASHES=" + hex.EncodeToString(sum[:])}
	case "oidc":
		// The provider is discovered at the first sign-in, which these
		// tests leave to the project's own (oidc_test.go).
		return []string{"OIDC_ISSUER_URL=https://login.example.com", "OIDC_CLIENT_ID=svc",
			"OIDC_CLIENT_SECRET=" + strings.Repeat("c", 32), "OIDC_REDIRECT_URL=https://api.example.com/api/auth/callback"}
	}
	return nil
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startService builds the generated service in dir and starts it on a free
// loopback port. It returns the base URL and a stop function that sends
// SIGTERM and reports how the process ended.
func startService(t *testing.T, dir, name string, env []string) (string, func() error) {
	t.Helper()
	s := launch(t, dir, name, env)
	return s.url, s.stop
}

// service is a generated service running as a process.
type service struct {
	url  string
	addr string
	cmd  *exec.Cmd
	stop func() error // SIGTERM, then wait; the exit error
}

func launch(t *testing.T, dir, name string, env []string) *service {
	t.Helper()
	bin := filepath.Join(t.TempDir(), name)
	run(t, dir, "go", "build", "-o", bin, "./cmd/"+name)
	addr := freeAddr(t)
	cmd := exec.Command(bin)
	cmd.Env = append(append(os.Environ(), "ADDR="+addr, "LOG_LEVEL=error"), env...)
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			return fmt.Errorf("no exit within 30s of SIGTERM")
		}
	}
	t.Cleanup(func() { _ = stop() })
	url := "http://" + addr
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		res, err := http.Get(url + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return &service{url: url, addr: addr, cmd: cmd, stop: stop}
			}
		}
		select {
		case err := <-done:
			t.Fatalf("service exited before it was ready: %v\n%s", err, logs.String())
		case <-ctx.Done():
			t.Fatalf("service not ready after 30s\n%s", logs.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// probeService runs `securegen probe --rate-limit` against a running
// service with the expectations of its securegen.yaml.
func probeService(t *testing.T, bin, dir, url string) {
	t.Helper()
	cmd := exec.Command(bin, "probe", "--manifest", filepath.Join(dir, "securegen.yaml"), "--rate-limit", url)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("securegen probe failed: %v\n%s", err, out)
	}
	for _, want := range []string{" 0 failed", "PASS  ratelimit/429", "PASS  headers/429"} {
		if !strings.Contains(string(out), want) {
			t.Fatalf("probe report lacks %q:\n%s", want, out)
		}
	}
	t.Logf("probe: %s", lastLine(string(out)))
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return s[strings.LastIndex(s, "\n")+1:]
}
