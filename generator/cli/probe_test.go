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
	for _, want := range []string{"FAIL  headers/200 (GET /api/hello): want ", "no Content-Security-Policy", "FAIL  error-json/404", "PASS  status/200", "SKIP  headers/500", " failed, 2 skipped\n"} {
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
