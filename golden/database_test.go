package golden

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/securegen/securegen/generator/render"
)

// call sends a JSON request to a running service and returns the response
// with its body read.
func call(t *testing.T, base, method, path, body string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for _, h := range header {
		name, value, _ := strings.Cut(h, ": ")
		req.Header.Set(name, value)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, strings.TrimSpace(string(b))
}

// jsonOf encodes fields as a JSON object.
func jsonOf(fields map[string]string) string {
	b, _ := json.Marshal(fields)
	return string(b)
}

// signInOver registers email (unless exists) and signs in on base,
// returning the session cookie header.
func signInOver(t *testing.T, base, email, password string, register bool) string {
	t.Helper()
	creds := jsonOf(map[string]string{"email": email, "password": password})
	if register {
		if resp, body := call(t, base, "POST", "/api/register", creds); resp.StatusCode != http.StatusCreated {
			t.Fatalf("register %s on %s: %d %s", email, base, resp.StatusCode, body)
		}
	}
	resp, body := call(t, base, "POST", "/api/login", creds)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login %s on %s: %d %s", email, base, resp.StatusCode, body)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "__Host-session" {
			return "Cookie: __Host-session=" + c.Value
		}
	}
	t.Fatalf("login on %s set no session cookie", base)
	return ""
}

// meStatus returns the status of GET /api/me with cookie on base.
func meStatus(t *testing.T, base, cookie string) int {
	t.Helper()
	resp, _ := call(t, base, "GET", "/api/me", "", cookie)
	return resp.StatusCode
}

// checkRestart starts the SQLite session service in dir again, as after a
// restart: the account and the session made before still work, and the
// database file is private to the service's user.
func checkRestart(t *testing.T, dir string, env []string, cookie string) {
	t.Helper()
	s := launch(t, dir, "svc", env)
	if got := meStatus(t, s.url, cookie); got != http.StatusOK {
		t.Errorf("after a restart the session gives %d, want 200", got)
	}
	signInOver(t, s.url, "restart@example.com", "correct horse battery staple", false)
	if err := s.stop(); err != nil {
		t.Errorf("after SIGTERM: %v", err)
	}
	for p, want := range map[string]os.FileMode{"data": 0o700, "data/svc.db": 0o600} {
		fi, err := os.Stat(filepath.Join(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %o, want %o", p, got, want)
		}
	}
}

// For every framework, a --db postgres service: its own tests pass on a
// real PostgreSQL; two instances starting together on an empty database
// migrate it once and then share accounts, sessions, notes and roles (a
// grant by the users command applies on both); a password change
// on one ends the other sessions on both; while PostgreSQL is down both are
// not ready and answer 503 JSON, and they recover without a restart when it
// is back; hostile addresses and passwords are data.
func TestPostgresSharedByInstances(t *testing.T) {
	bin := endToEnd(t, "generates --db postgres services and runs two instances on one PostgreSQL")
	postgresBin(t) // skip or fail before generating anything
	for _, fw := range render.Supported["framework"] {
		t.Run(fw, func(t *testing.T) {
			t.Parallel()
			pg := startPostgres(t)
			work := t.TempDir()
			run(t, work, bin, "new", "svc", "--module", "example.com/svc", "--framework", fw, "--preset", "spa-backend",
				"--db", "postgres", "--rate-limit", "1000/1m", "--yes")
			dir := filepath.Join(work, "svc")
			runEnv(t, dir, []string{"TEST_DATABASE_URL=" + pg.url("postgres")}, "go", "test", "-count=1", "./...")

			pg.createDatabase(t, "shop")
			env := []string{"DATABASE_URL=" + pg.url("shop"), "TRUSTED_PROXIES=none", "LOGIN_RATE_LIMIT=1000/1m"}
			svcBin := buildService(t, dir, "svc")
			metricsA := freeAddr(t)
			a, b := spawn(t, svcBin, dir, append(env, "METRICS_ADDR="+metricsA)), spawn(t, svcBin, dir, env)
			a.waitReady(t)
			b.waitReady(t)
			out := runEnv(t, dir, env, svcBin, "migrate", "status")
			if strings.Count(out, "applied") != 4 { // sessions, accounts, roles, notes
				t.Errorf("migrate status after two concurrent starts:\n%s", out)
			}

			const password = "correct horse battery staple"
			cookieB := func() string {
				call(t, a.url, "POST", "/api/register", jsonOf(map[string]string{"email": "ada@example.com", "password": password}))
				return signInOver(t, b.url, "ada@example.com", password, false)
			}()
			if got := meStatus(t, a.url, cookieB); got != http.StatusOK {
				t.Fatalf("B's session on A: %d, want 200", got)
			}
			// A note written through B is read through A; an admin granted
			// by the users command is one on both instances.
			resp, body := call(t, b.url, "POST", "/api/notes", `{"title":"shared","body":""}`, cookieB)
			var note struct{ ID string }
			if resp.StatusCode != http.StatusCreated || json.Unmarshal([]byte(body), &note) != nil {
				t.Fatalf("POST /api/notes on B: %d %s", resp.StatusCode, body)
			}
			if resp, body := call(t, a.url, "GET", "/api/notes/"+note.ID, "", cookieB); resp.StatusCode != http.StatusOK {
				t.Errorf("B's note on A: %d %s, want 200", resp.StatusCode, body)
			}
			if resp, _ := call(t, a.url, "GET", "/api/admin/accounts", "", cookieB); resp.StatusCode != http.StatusForbidden {
				t.Errorf("admin route before the grant: %d, want 403", resp.StatusCode)
			}
			runEnv(t, dir, env, svcBin, "users", "grant", "ada@example.com", "admin")
			for name, base := range map[string]string{"A": a.url, "B": b.url} {
				if resp, body := call(t, base, "GET", "/api/admin/accounts", "", cookieB); resp.StatusCode != http.StatusOK || !strings.Contains(body, "ada@example.com") {
					t.Errorf("admin route on %s after the grant: %d %s, want 200 listing the account", name, resp.StatusCode, body)
				}
			}

			cookieA := signInOver(t, a.url, "ada@example.com", password, false)
			resp, body = call(t, a.url, "POST", "/api/password",
				jsonOf(map[string]string{"current_password": password, "new_password": "a new passphrase, long enough"}), cookieA)
			if resp.StatusCode != http.StatusNoContent {
				t.Fatalf("password change on A: %d %s", resp.StatusCode, body)
			}
			for name, base := range map[string]string{"A": a.url, "B": b.url} {
				if got := meStatus(t, base, cookieB); got != http.StatusUnauthorized {
					t.Errorf("B's session on %s after the password change on A: %d, want 401", name, got)
				}
			}

			for i, c := range [][2]string{
				{"o'brien@example.com", "' OR '1'='1' -- long enough"},
				{`"x'; DROP TABLE accounts; --"@example.com`, `"); DROP TABLE sessions; --`},
				{"robert');DROP TABLE accounts;--@example.com", "$1 $2 ? :name @p1 %s %d"},
			} {
				creds := jsonOf(map[string]string{"email": c[0], "password": c[1]})
				resp, body := call(t, []string{a.url, b.url}[i%2], "POST", "/api/register", creds)
				switch resp.StatusCode {
				case http.StatusCreated:
					if resp, _ := call(t, []string{b.url, a.url}[i%2], "POST", "/api/login", creds); resp.StatusCode != http.StatusOK {
						t.Errorf("%q registered but cannot sign in on the other instance: %d", c[0], resp.StatusCode)
					}
				case http.StatusUnprocessableEntity:
				default:
					t.Errorf("register %q: %d %s, want 201 or 422", c[0], resp.StatusCode, body)
				}
			}

			pg.stop(t)
			for name, s := range map[string]*service{"A": a, "B": b} {
				if resp, body := call(t, s.url, "GET", "/readyz", ""); resp.StatusCode != http.StatusServiceUnavailable {
					t.Errorf("%s /readyz with PostgreSQL down: %d %s, want 503", name, resp.StatusCode, body)
				}
				resp, body := call(t, s.url, "POST", "/api/login", jsonOf(map[string]string{"email": "ada@example.com", "password": password}))
				if resp.StatusCode != http.StatusServiceUnavailable || !strings.HasPrefix(body, `{"error":"service unavailable`) {
					t.Errorf("%s login with PostgreSQL down: %d %s, want 503 JSON", name, resp.StatusCode, body)
				}
			}
			scrape := metricsBody(t, metricsGet(t, "http://"+metricsA+"/metrics"))
			if !regexp.MustCompile(`\ndependency_failures_total\{dependency="database"\} [1-9]`).MatchString(scrape) {
				t.Errorf("A's metrics with PostgreSQL down count no database failure:\n%s", grepLines(scrape, "dependency_failures_total"))
			}
			pg.start(t)
			for name, s := range map[string]*service{"A": a, "B": b} {
				deadline := time.Now().Add(15 * time.Second)
				for {
					resp, _ := call(t, s.url, "GET", "/readyz", "")
					if resp.StatusCode == http.StatusOK {
						break
					}
					if time.Now().After(deadline) {
						t.Fatalf("%s not ready 15s after PostgreSQL came back", name)
					}
					time.Sleep(100 * time.Millisecond)
				}
			}
			signInOver(t, b.url, "ada@example.com", "a new passphrase, long enough", false)
			for name, s := range map[string]*service{"A": a, "B": b} {
				if err := s.stop(); err != nil {
					t.Errorf("%s after SIGTERM: %v, want exit status 0\n%s", name, err, s.logs)
				}
			}
		})
	}
}

// runEnv is run with env added to the environment.
func runEnv(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s in %s: %v\n%s", name, strings.Join(args, " "), dir, err, out)
	}
	return string(out)
}

// grepLines returns the lines of s that contain sub.
func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
