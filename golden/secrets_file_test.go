package golden

import (
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A generated JWT service started with its secret only in a file, as a
// Docker or Kubernetes secret: it serves and verifies tokens with the
// file's secret; a file others may read is accepted with a warning; with
// the secret set both ways it refuses to start naming both variables, and
// no output holds the secret.
func TestSecretFromFileStartsTheService(t *testing.T) {
	bin := endToEnd(t, "generates a JWT service and starts it with JWT_SECRET_FILE")
	work := t.TempDir()
	run(t, work, bin, "new", "svc", "--module", "example.com/svc", "--framework", "stdlib", "--preset", "api", "--auth", "jwt", "--yes")
	dir := filepath.Join(work, "svc")
	svcBin := buildService(t, dir, "svc")

	secrets := t.TempDir()
	private := filepath.Join(secrets, "jwt-secret")
	if err := os.WriteFile(private, []byte(testJWTSecret+"\n"), 0o400); err != nil {
		t.Fatal(err)
	}
	env := []string{"JWT_SECRET_FILE=" + private, "JWT_ISSUER=https://issuer.example", "JWT_AUDIENCE=svc", "TRUSTED_PROXIES=none"}

	s := startBinary(t, svcBin, dir, append(env, "LOG_LEVEL=warn"))
	if resp, body := call(t, s.url, "GET", "/healthz", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz: %d %s, want 200", resp.StatusCode, body)
	}
	if resp, body := call(t, s.url, "GET", "/api/me", "", "Authorization: Bearer "+testJWT(t)); resp.StatusCode != http.StatusOK {
		t.Errorf("GET /api/me with a token signed with the file's secret: %d %s, want 200", resp.StatusCode, body)
	}
	if resp, body := call(t, s.url, "GET", "/api/me", ""); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /api/me without a token: %d %s, want 401", resp.StatusCode, body)
	}
	if err := s.stop(); err != nil {
		t.Errorf("after SIGTERM: %v", err)
	}
	if logs := s.logs.String(); strings.Contains(logs, "JWT_SECRET_FILE") || strings.Contains(logs, testJWTSecret) {
		t.Errorf("a private secret file made the service log about it:\n%s", logs)
	}

	// As Kubernetes mounts a secret without defaultMode: accepted, warned about.
	shared := filepath.Join(secrets, "shared-jwt-secret")
	if err := os.WriteFile(shared, []byte(testJWTSecret+"\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(shared, 0o644); err != nil {
		t.Fatal(err)
	}
	s = startBinary(t, svcBin, dir, append(env, "JWT_SECRET_FILE="+shared, "LOG_LEVEL=warn"))
	if resp, body := call(t, s.url, "GET", "/api/me", "", "Authorization: Bearer "+testJWT(t)); resp.StatusCode != http.StatusOK {
		t.Errorf("GET /api/me, secret in a CRLF file: %d %s, want 200", resp.StatusCode, body)
	}
	if err := s.stop(); err != nil {
		t.Errorf("after SIGTERM: %v", err)
	}
	logs := s.logs.String()
	if !strings.Contains(logs, `"level":"WARN"`) || !strings.Contains(logs, "JWT_SECRET_FILE") || !strings.Contains(logs, "0644") {
		t.Errorf("a secret file of mode 0644: logs lack a warning naming JWT_SECRET_FILE and the mode:\n%s", logs)
	}
	if strings.Contains(logs, testJWTSecret) {
		t.Errorf("the logs hold the secret:\n%s", logs)
	}

	refuses(t, svcBin, dir, append(env, "JWT_SECRET="+testJWTSecret), testJWTSecret, "JWT_SECRET and JWT_SECRET_FILE are both set")
	missing := filepath.Join(secrets, "missing")
	refuses(t, svcBin, dir, append(env, "JWT_SECRET_FILE="+missing), testJWTSecret, `JWT_SECRET_FILE="`+missing+`": cannot read it`)
}

// A generated PostgreSQL service reads DATABASE_URL from a file in its
// migrate command as in the service itself.
func TestDatabaseURLFromFile(t *testing.T) {
	bin := endToEnd(t, "generates a --db postgres service, migrates and starts it with DATABASE_URL_FILE")
	pg := startPostgres(t)
	pg.createDatabase(t, "shop")
	work := t.TempDir()
	run(t, work, bin, "new", "svc", "--module", "example.com/svc", "--framework", "chi", "--preset", "spa-backend", "--db", "postgres", "--yes")
	dir := filepath.Join(work, "svc")
	svcBin := buildService(t, dir, "svc")

	file := filepath.Join(t.TempDir(), "database-url")
	if err := os.WriteFile(file, []byte(pg.url("shop")+"\n"), 0o400); err != nil {
		t.Fatal(err)
	}
	env := []string{"DATABASE_URL_FILE=" + file}
	if out := runEnv(t, dir, env, svcBin, "migrate", "up"); !strings.Contains(out, "applied ") {
		t.Errorf("migrate up with DATABASE_URL_FILE: %s, want the migrations applied", out)
	}
	s := startBinary(t, svcBin, dir, append(env, "TRUSTED_PROXIES=none", "MIGRATE=off"))
	signInOver(t, s.url, "file@example.com", "correct horse battery staple", true)
	if err := s.stop(); err != nil {
		t.Errorf("after SIGTERM: %v", err)
	}
	refuses(t, svcBin, dir, append(env, "DATABASE_URL="+pg.url("shop")), pg.url("shop"), "DATABASE_URL and DATABASE_URL_FILE are both set", "migrate", "status")
}

// refuses runs bin in dir with env and args, expecting exit status 2 and
// output containing want but not secret.
func refuses(t *testing.T, bin, dir string, env []string, secret, want string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "ADDR="+freeAddr(t)), env...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(string(out), want):
		t.Errorf("started with %q: %v, want exit status 2 and %q in\n%s", env, err, want, out)
	case strings.Contains(string(out), secret):
		t.Errorf("the refusal shows the secret:\n%s", out)
	}
}
