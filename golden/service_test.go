package golden

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
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

// Credentials of the services serviceEnv configures.
const (
	testJWTSecret = "s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t-"
	testAPIKey    = "test-api-key-0123456789abcdef0123456789"
)

// serviceEnv is what a generated service needs in its environment to start,
// by auth, with no proxy in front: TLS at a proxy needs TRUSTED_PROXIES.
func serviceEnv(auth string) []string {
	return append(authEnv(auth), "TRUSTED_PROXIES=none")
}

// authEnv is what a generated service with auth needs in its environment.
func authEnv(auth string) []string {
	switch auth {
	case "jwt":
		return []string{"JWT_SECRET=" + testJWTSecret, "JWT_ISSUER=https://issuer.example", "JWT_AUDIENCE=svc"}
	case "apikey":
		sum := sha256.Sum256([]byte(testAPIKey))
		return []string{"API_KEY_HASHES=" + hex.EncodeToString(sum[:])}
	case "oidc":
		// The provider is discovered at the first sign-in: this one is
		// unreachable. The end-to-end test points OIDC_ISSUER_URL at an
		// oidcProvider (oidcprovider_test.go), which knows this client.
		return []string{"OIDC_ISSUER_URL=https://login.example.com", "OIDC_CLIENT_ID=" + e2eOIDCClientID,
			"OIDC_CLIENT_SECRET=" + e2eOIDCClientSecret, "OIDC_REDIRECT_URL=" + e2eOIDCRedirectURL}
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
	done chan error
	logs *strings.Builder
}

func launch(t *testing.T, dir, name string, env []string) *service {
	t.Helper()
	return startBinary(t, buildService(t, dir, name), dir, env)
}

// buildService builds the service's command into a temporary directory.
func buildService(t *testing.T, dir, name string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), name)
	run(t, dir, "go", "build", "-o", bin, "./cmd/"+name)
	return bin
}

// startBinary starts bin in dir (where a SQLite service keeps its data/) on
// a free loopback port and waits until /healthz answers.
func startBinary(t *testing.T, bin, dir string, env []string) *service {
	t.Helper()
	s := spawn(t, bin, dir, env)
	s.waitReady(t)
	return s
}

// spawn starts bin in dir on a free loopback port without waiting for it.
func spawn(t *testing.T, bin, dir string, env []string) *service {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin)
	cmd.Dir = dir
	// No shutdown delay unless env asks for one: nothing balances the load here.
	// No metrics listener unless env asks for one (METRICS_ADDR=127.0.0.1:0
	// say): the default port, 9090, is one for all.
	cmd.Env = append(append(os.Environ(), "ADDR="+addr, "LOG_LEVEL=error", "SHUTDOWN_DELAY=0s", "METRICS_ADDR=off"), env...)
	logs := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = logs, logs
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
	return &service{url: "http://" + addr, addr: addr, cmd: cmd, stop: stop, done: done, logs: logs}
}

// waitReady waits up to 30s for /healthz to answer 200.
func (s *service) waitReady(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		res, err := http.Get(s.url + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case err := <-s.done:
			t.Fatalf("service exited before it was ready: %v\n%s", err, s.logs.String())
		case <-ctx.Done():
			t.Fatalf("service not ready after 30s\n%s", s.logs.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// probeService runs `securegen probe --rate-limit` against a running
// service with the expectations of its securegen.yaml, and a credential
// for auth (see serviceEnv).
// With a quota smaller than the probe's requests (smallQuota), the checks
// after the quota is spent are skipped, so only the rate limit ones are
// required.
func probeService(t *testing.T, bin, dir, url, auth string, smallQuota bool) {
	t.Helper()
	cmd := exec.Command(bin, "probe", "--manifest", filepath.Join(dir, "securegen.yaml"), "--rate-limit", url)
	cmd.Env = os.Environ()
	wants := []string{" 0 failed", "PASS  ratelimit/429", "PASS  headers/429"}
	if !smallQuota {
		wants = append(wants, "PASS  cors/several-origins", "PASS  json/duplicate-key", "PASS  json/case-folded-key")
	}
	switch auth {
	case "jwt":
		cmd.Env = append(cmd.Env, "SECUREGEN_PROBE_CREDENTIAL=Authorization: Bearer "+testJWT(t))
	case "apikey":
		cmd.Env = append(cmd.Env, "SECUREGEN_PROBE_CREDENTIAL=X-API-Key: "+testAPIKey)
	}
	if auth == "jwt" || auth == "apikey" {
		wants = append(wants, "PASS  auth/credential", "PASS  auth/several-credentials[valid-first]", "PASS  auth/several-credentials[valid-last]")
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("securegen probe failed: %v\n%s", err, out)
	}
	for _, want := range wants {
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

// testJWT is an HS256 token for the service serviceEnv("jwt") configures,
// valid for an hour, of the subject probe without scopes.
func testJWT(t *testing.T) string {
	t.Helper()
	return scopedJWT(t, "probe", "")
}

// scopedJWT is testJWT for sub with scope (none when "").
func scopedJWT(t *testing.T, sub, scope string) string {
	t.Helper()
	enc := base64.RawURLEncoding
	c := map[string]any{
		"sub": sub, "iss": "https://issuer.example", "aud": "svc",
		"iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix(),
	}
	if scope != "" {
		c["scope"] = scope
	}
	claims, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	signed := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc.EncodeToString(claims)
	mac := hmac.New(sha256.New, []byte(testJWTSecret))
	mac.Write([]byte(signed))
	return signed + "." + enc.EncodeToString(mac.Sum(nil))
}

// refusesToStart builds the service in dir and runs it with env, expecting
// exit status 2 and output containing want.
func refusesToStart(t *testing.T, dir, name string, env []string, want string) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), name)
	run(t, dir, "go", "build", "-o", bin, "./cmd/"+name)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(append(os.Environ(), "ADDR="+freeAddr(t)), env...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(string(out), want) {
		t.Errorf("started with %q: %v, want exit status 2 and %q in\n%s", env, err, want, out)
	}
}
