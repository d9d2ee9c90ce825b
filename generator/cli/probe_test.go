package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/securegen/securegen/generator/probe"
)

// runCLI runs securegen with args and returns the exit code, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(args, &IO{In: strings.NewReader(""), Out: &out, Err: &errb}, "v0.1.0-test")
	return code, out.String(), errb.String()
}

// fakeProbe replaces probe.Run for the test, recording the configuration
// and returning a report with the given failures.
func fakeProbe(t *testing.T, failed ...string) *probe.Config {
	t.Helper()
	var got probe.Config
	old := runProbe
	t.Cleanup(func() { runProbe = old })
	runProbe = func(_ context.Context, cfg probe.Config) (*probe.Report, error) {
		got = cfg
		rep := &probe.Report{URL: cfg.URL, Checks: []probe.Result{{Name: "headers/200", Status: probe.Pass}}, Passed: 1}
		for _, name := range failed {
			rep.Checks = append(rep.Checks, probe.Result{Name: name, Status: probe.Fail, Want: "w", Got: "g"})
			rep.Failed++
		}
		return rep, nil
	}
	return &got
}

func writeManifest(t *testing.T, text string) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "securegen.yaml")
	if err := os.WriteFile(name, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

const probeManifest = `securegen: v0.1.0
answers:
  module: example.com/orders
  cors:
    origins: [https://app.example.com]
    credentials: true
  rate_limit:
    limit: 100/15m
    scope: /api/
  auth: session
  body_limit: 512KiB
`

func TestProbeCmdConfig(t *testing.T) {
	manifest := writeManifest(t, probeManifest)
	tests := []struct {
		name string
		args []string
		want probe.Config
	}{
		{
			name: "flags only",
			args: []string{"http://127.0.0.1:8080", "--origins", "https://a.example,https://b.example:8443", "--limit", "10/1m", "--body-limit", "2MiB", "--auth", "jwt", "--rate-limit", "--timeout", "3s"},
			want: probe.Config{URL: "http://127.0.0.1:8080", Origins: []string{"https://a.example", "https://b.example:8443"}, Limit: probe.Limit{Requests: 10, Window: time.Minute}, BodyLimit: 2 << 20, Auth: "jwt", CheckRateLimit: true, Timeout: 3 * time.Second},
		},
		{
			name: "manifest",
			args: []string{"http://localhost:9000", "--manifest", manifest},
			want: probe.Config{URL: "http://localhost:9000", Origins: []string{"https://app.example.com"}, Credentials: true, Limit: probe.Limit{Requests: 100, Window: 15 * time.Minute}, LimitScope: "/api/", BodyLimit: 512 << 10, Auth: "session", Timeout: probe.DefaultTimeout},
		},
		{
			name: "flags override the manifest",
			args: []string{"http://[::1]:9000", "--manifest", manifest, "--origins", "", "--credentials=false", "--limit", "off", "--auth", "none", "--body-limit", "1MiB", "--rate-limit"},
			want: probe.Config{URL: "http://[::1]:9000", Origins: []string{}, LimitScope: "/api/", BodyLimit: 1 << 20, Auth: "none", CheckRateLimit: true, Timeout: probe.DefaultTimeout},
		},
		{
			name: "remote allowed",
			args: []string{"https://staging.example.com", "--allow-remote"},
			want: probe.Config{URL: "https://staging.example.com", AllowRemote: true, Timeout: probe.DefaultTimeout},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fakeProbe(t)
			code, out, errs := runCLI(t, append([]string{"probe"}, tt.args...)...)
			if code != ExitOK {
				t.Fatalf("exit %d, stderr %q", code, errs)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("config\n got  %+v\n want %+v", *got, tt.want)
			}
			if !strings.Contains(out, "1 passed, 0 failed, 0 skipped") {
				t.Errorf("stdout %q lacks the summary", out)
			}
		})
	}
}

func TestProbeCmdUsageErrors(t *testing.T) {
	manifest := writeManifest(t, probeManifest)
	badYAML := writeManifest(t, "answers: [")
	badLimit := writeManifest(t, "answers:\n  rate_limit:\n    limit: fast\n")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "one URL"},
		{[]string{"http://127.0.0.1:1", "http://127.0.0.1:2"}, "one URL"},
		{[]string{"127.0.0.1:8080"}, "not a URL"},
		{[]string{"ftp://127.0.0.1"}, "not http or https"},
		{[]string{"http://example.com"}, "--allow-remote"},
		{[]string{"http://10.1.2.3:8080"}, "--allow-remote"},
		{[]string{"http://127.0.0.1:8080/?x=1"}, "query"},
		{[]string{"http://127.0.0.1:8080", "--manifest", filepath.Join(t.TempDir(), "missing.yaml")}, "--manifest"},
		{[]string{"http://127.0.0.1:8080", "--manifest", badYAML}, "not a securegen.yaml"},
		{[]string{"http://127.0.0.1:8080", "--manifest", badLimit}, `"fast"`},
		{[]string{"http://127.0.0.1:8080", "--limit", "100"}, "N/WINDOW"},
		{[]string{"http://127.0.0.1:8080", "--body-limit", "lots"}, "1KiB to 1GiB"},
		{[]string{"http://127.0.0.1:8080", "--auth", "basic"}, "none, apikey, jwt, session, oidc"},
		{[]string{"http://127.0.0.1:8080", "--origins", "https://app.example/path"}, "not an origin"},
		{[]string{"http://127.0.0.1:8080", "--origins", "app.example"}, "not an origin"},
		{[]string{"http://127.0.0.1:8080", "--origins", "*", "--credentials"}, "credentials"},
		{[]string{"http://127.0.0.1:8080", "--manifest", manifest, "--origins", "*"}, "credentials"},
		{[]string{"http://127.0.0.1:8080", "--rate-limit"}, "--limit"},
		{[]string{"http://127.0.0.1:8080", "--timeout", "0s"}, "--timeout"},
		{[]string{"http://127.0.0.1:8080", "--no-such-flag"}, "unknown flag"},
	} {
		got := fakeProbe(t)
		code, out, errs := runCLI(t, append([]string{"probe"}, tt.args...)...)
		if code != ExitUsage || !strings.Contains(errs, tt.want) {
			t.Errorf("probe %q: exit %d, stderr %q; want exit 2 and %q", tt.args, code, errs, tt.want)
		}
		if got.URL != "" || out != "" {
			t.Errorf("probe %q ran the probe (stdout %q)", tt.args, out)
		}
	}
}

// TestProbeCmdWeakServer runs the real probe against a bare net/http
// server: it exits 1, the report names the failed checks, and --json is a
// valid report.
func TestProbeCmdWeakServer(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/hello", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"message":"hello"}`))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	code, out, errs := runCLI(t, "probe", srv.URL, "--limit", "100/15m", "--auth", "jwt")
	if code != ExitFailure {
		t.Fatalf("exit %d, want 1; stderr %q", code, errs)
	}
	for _, want := range []string{"FAIL  headers/200 (GET /api/hello): want ", "no Content-Security-Policy", "FAIL  error-json/404", "PASS  status/200", "SKIP  headers/500", " failed, 3 skipped\n", "SKIP  authz: the service's routes are unknown; give --routes FILE"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errs, "checks failed: headers/200,") {
		t.Errorf("stderr %q does not name the failed checks", errs)
	}

	code, out, _ = runCLI(t, "probe", srv.URL, "--json")
	var rep probe.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("--json output is not a report: %v\n%s", err, out)
	}
	if code != ExitFailure || rep.Failed == 0 || rep.Passed == 0 || rep.URL != srv.URL || len(rep.Checks) != rep.Passed+rep.Failed+rep.Skipped {
		t.Errorf("exit %d, report %d passed, %d failed, %d skipped, %d checks, url %s", code, rep.Passed, rep.Failed, rep.Skipped, len(rep.Checks), rep.URL)
	}
}

func TestProbeCmdFailureExit(t *testing.T) {
	fakeProbe(t, "cors/vary[https://evil.example]")
	code, out, errs := runCLI(t, "probe", "http://127.0.0.1:8080")
	if code != ExitFailure || !strings.Contains(out, "FAIL  cors/vary[https://evil.example]: want w; got g") || !strings.Contains(errs, "1 of 2 checks failed: cors/vary[https://evil.example]") {
		t.Errorf("exit %d\nstdout %q\nstderr %q", code, out, errs)
	}
}

func TestProbeCmdUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	code, _, errs := runCLI(t, "probe", url, "--timeout", "2s")
	if code != ExitFailure || !strings.Contains(errs, "cannot reach "+url) {
		t.Errorf("exit %d, stderr %q; want 1 and cannot reach", code, errs)
	}
}

// Inside a project, without --manifest or expectation flags, the probe
// expects what ./securegen.yaml records.
func TestProbeCmdProjectManifest(t *testing.T) {
	t.Chdir(filepath.Dir(writeManifest(t, probeManifest)))
	got := fakeProbe(t)
	code, _, errs := runCLI(t, "probe", "http://127.0.0.1:8080", "--rate-limit")
	want := probe.Config{URL: "http://127.0.0.1:8080", Origins: []string{"https://app.example.com"}, Credentials: true, Limit: probe.Limit{Requests: 100, Window: 15 * time.Minute}, LimitScope: "/api/", BodyLimit: 512 << 10, Auth: "session", CheckRateLimit: true, Timeout: probe.DefaultTimeout}
	if code != ExitOK || !reflect.DeepEqual(*got, want) {
		t.Errorf("exit %d, stderr %q\nconfig\n got  %+v\n want %+v", code, errs, *got, want)
	}
	if !strings.Contains(errs, "expectations from ./securegen.yaml (origins https://app.example.com, limit 100/15m, auth session)") {
		t.Errorf("stderr %q does not name ./securegen.yaml", errs)
	}
}

// probeRoutes is a route manifest as a generated project's route test
// writes it.
const probeRoutes = `# routes of the service
GET /api/admin/stats scopes admin
GET /api/hello public
GET /api/me authenticated
GET /api/notes scopes notes:read
POST /api/notes scopes notes:write
DELETE /api/notes/{id} scopes notes:write
GET /api/notes/{id} scopes notes:read
PUT /api/notes/{id} scopes notes:write
`

// Credentials the probe must never print.
const (
	secretA = "probe-secret-of-alice-1234567890"
	secretB = "probe-secret-of-bob-0987654321"
)

// writeProject writes a project directory with securegen.yaml (auth) and,
// unless routes is "", its route manifest; it returns the directory.
func writeProject(t *testing.T, auth, routes string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "securegen.yaml"), []byte("securegen: v0.1.0\nanswers:\n  auth: "+auth+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if routes != "" {
		name := filepath.Join(dir, routesFile)
		if err := os.MkdirAll(filepath.Dir(name), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(routes), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func noSecrets(t *testing.T, what string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(s, secretA) || strings.Contains(s, secretB) || strings.Contains(s, secretA[:16]) || strings.Contains(s, secretB[:16]) {
			t.Errorf("%s shows a credential: %q", what, s)
		}
	}
}

// The routes come from --routes, or else from routes.golden next to the
// manifest read; the credentials from --token, --api-key or --session.
func TestProbeCmdAuthzConfig(t *testing.T) {
	want, err := probe.ParseRoutes("r", []byte(probeRoutes))
	if err != nil {
		t.Fatal(err)
	}
	apikey := writeProject(t, "apikey", probeRoutes)
	session := writeProject(t, "session", probeRoutes)
	bare := writeProject(t, "jwt", "")
	other := filepath.Join(t.TempDir(), "other.golden")
	if err := os.WriteFile(other, []byte("GET /api/me authenticated\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name       string
		dir        string // to run in, or ""
		args       []string
		routes     int // how many, or -1 for none
		kind       probe.CredentialKind
		wantStderr string
	}{
		{"next to --manifest", "", []string{"--manifest", filepath.Join(apikey, "securegen.yaml"), "--api-key", secretA, "--api-key", secretB}, 8, probe.APIKey, "routes from " + filepath.Join(apikey, routesFile) + " (8 routes, 7 not public); --routes FILE chooses another"},
		{"inside the project", apikey, []string{"--api-key", secretA, "--api-key", secretB}, 8, probe.APIKey, "securegen: probe: routes from ./internal/server/testdata/routes.golden (8 routes, 7 not public)"},
		{"session cookies", session, []string{"--session", secretA, "--session", secretB}, 8, probe.SessionCookie, "routes from ./internal/server/testdata/routes.golden"},
		{"tokens and --routes", "", []string{"--routes", filepath.Join(apikey, routesFile), "--token", secretA, "--token", secretB, "--auth", "jwt"}, 8, probe.BearerToken, ""},
		{"--routes wins", apikey, []string{"--routes", other}, 1, "", ""},
		{"--routes none", apikey, []string{"--routes", ""}, -1, "", ""},
		{"no routes file", bare, nil, -1, "", ""},
		{"outside a project", "", nil, -1, "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.dir != "" {
				t.Chdir(tt.dir)
			}
			got := fakeProbe(t)
			code, out, errs := runCLI(t, append([]string{"probe", "http://127.0.0.1:8080"}, tt.args...)...)
			if code != ExitOK {
				t.Fatalf("exit %d, stderr %q", code, errs)
			}
			switch {
			case tt.routes < 0 && got.Routes != nil:
				t.Errorf("routes %v, want none", got.Routes)
			case tt.routes == 8 && !reflect.DeepEqual(got.Routes, want):
				t.Errorf("routes\n %v\nwant\n %v", got.Routes, want)
			case tt.routes >= 0 && len(got.Routes) != tt.routes:
				t.Errorf("%d routes, want %d", len(got.Routes), tt.routes)
			}
			wantPrincipals := []probe.Credential(nil)
			if tt.kind != "" {
				wantPrincipals = []probe.Credential{{Kind: tt.kind, Value: secretA}, {Kind: tt.kind, Value: secretB}}
			}
			if !reflect.DeepEqual(got.Principals, wantPrincipals) {
				t.Errorf("principals %v, want %v", got.Principals, wantPrincipals)
			}
			if tt.wantStderr != "" && !strings.Contains(errs, tt.wantStderr) {
				t.Errorf("stderr %q lacks %q", errs, tt.wantStderr)
			}
			if tt.wantStderr == "" && strings.Contains(errs, "routes from") {
				t.Errorf("stderr %q names a routes file", errs)
			}
			noSecrets(t, "the output", out, errs)
		})
	}
}

func TestProbeCmdAuthzUsageErrors(t *testing.T) {
	project := writeProject(t, "jwt", probeRoutes)
	manifest := filepath.Join(project, "securegen.yaml")
	none := writeProject(t, "none", probeRoutes)
	broken := writeProject(t, "jwt", "GET /api/hello public\nGET /api/me admin\n")
	missing := filepath.Join(t.TempDir(), "missing.golden")
	for _, tt := range []struct {
		dir  string
		args []string
		want string
	}{
		{"", []string{"--manifest", manifest, "--token", secretA}, "--token needs the credentials of two different principals, A then B (--token A --token B); got 1"},
		{"", []string{"--manifest", manifest, "--token", secretA, "--token", secretB, "--token", secretA + "x"}, "got 3"},
		{"", []string{"--manifest", manifest, "--token", secretA, "--token", secretA}, "--token was given the same credential twice"},
		{"", []string{"--manifest", manifest, "--token", secretA, "--api-key", secretB}, "--token and --api-key cannot be combined"},
		{"", []string{"--manifest", manifest, "--api-key", secretA, "--api-key", secretB}, "--api-key is for auth apikey, and the service's auth is jwt: use --token"},
		{"", []string{"--manifest", manifest, "--session", secretA, "--session", secretB}, "--session is for auth session or oidc, and the service's auth is jwt: use --token"},
		{"", []string{"--manifest", filepath.Join(none, "securegen.yaml"), "--token", secretA, "--token", secretB}, "the service's auth is none: the service has no auth"},
		{"", []string{"--manifest", manifest, "--token", "Bearer " + secretA, "--token", secretB}, "the first --token holds a space"},
		{"", []string{"--manifest", manifest, "--token", secretA, "--token", ""}, "the second --token is empty"},
		{"", []string{"--auth", "session", "--routes", filepath.Join(project, routesFile), "--session", secretA + ";x=y", "--session", secretB}, "the first --session holds a character a cookie value cannot"},
		{"", []string{"--token", secretA, "--token", secretB}, "need the service's routes: give --routes FILE"},
		{project, []string{"--routes", "", "--token", secretA, "--token", secretB}, "need the service's routes"},
		{"", []string{"--routes", missing}, "--routes " + missing + ": open "},
		{"", []string{"--manifest", filepath.Join(broken, "securegen.yaml")}, filepath.Join(broken, routesFile) + `:2: the access "admin" in "GET /api/me admin"; each line is METHOD PATH ACCESS`},
		{broken, nil, `./internal/server/testdata/routes.golden:2: the access "admin"`},
		{"", []string{"--routes", filepath.Join(broken, routesFile)}, "securegen: " + filepath.Join(broken, routesFile) + `:2: the access "admin"`},
	} {
		t.Run(tt.want, func(t *testing.T) {
			if tt.dir != "" {
				t.Chdir(tt.dir)
			}
			got := fakeProbe(t)
			code, out, errs := runCLI(t, append([]string{"probe", "http://127.0.0.1:8080"}, tt.args...)...)
			if code != ExitUsage || !strings.Contains(errs, tt.want) {
				t.Errorf("probe %q: exit %d, stderr %q; want exit 2 and %q", tt.args, code, errs, tt.want)
			}
			if got.URL != "" || out != "" {
				t.Errorf("probe %q ran the probe (stdout %q)", tt.args, out)
			}
			noSecrets(t, "the error", out, errs)
		})
	}
}

// TestProbeCmdAuthzNeverPrintsCredentials runs the real probe against a
// server that repeats every request's credentials in its answers: neither
// the text report nor --json shows them.
func TestProbeCmdAuthzNeverPrintsCredentials(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		cred := r.Header.Get("Authorization") + r.Header.Get("X-API-Key") + r.Header.Get("Cookie")
		if r.URL.Path == "/api/me" && cred != "" {
			_ = json.NewEncoder(w).Encode(map[string]string{"subject": cred})
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": "refused " + cred})
	}))
	defer srv.Close()
	routes := filepath.Join(writeProject(t, "jwt", probeRoutes), routesFile)
	for _, args := range [][]string{
		{"--token", secretA, "--token", secretB},
		{"--token", secretA, "--token", secretB, "--json"},
		{"--api-key", secretA, "--api-key", secretB, "--json"},
		{"--session", secretA, "--session", secretB},
	} {
		code, out, errs := runCLI(t, append([]string{"probe", srv.URL, "--routes", routes}, args...)...)
		if code != ExitFailure || !strings.Contains(out, "authz/401[GET /api/me]") || !strings.Contains(out, "authz/create") {
			t.Errorf("probe %s: exit %d, want 1 with authz checks\n%s", args[0], code, out)
		}
		if !strings.Contains(out, "[credential A]") {
			t.Errorf("probe %s: the credential the server repeated is not shown redacted\n%s", args[0], out)
		}
		noSecrets(t, "the report", out, errs)
	}
}
