package golden

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/securegen/securegen/generator/render"
	"github.com/securegen/securegen/generator/spec"
)

// securegenBinary builds securegen once for the end-to-end tests.
var securegenBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "securegen-e2e-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "securegen")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/securegen/securegen").CombinedOutput(); err != nil {
		return "", &exec.ExitError{Stderr: out}
	}
	return bin, nil
})

// endToEnd skips t under -short, saying what it does, and otherwise returns
// the securegen binary the end-to-end tests run.
func endToEnd(t *testing.T, what string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end: " + what + "; run without -short")
	}
	bin, err := securegenBinary()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// run runs a command in dir and fails the test with its output if it fails.
func run(t *testing.T, dir string, name string, args ...string) string {
	t.Helper()
	return runEnv(t, dir, nil, name, args...)
}

// combinations lists, per framework, every preset with its own auth and
// the other auth modes on the api preset (so every framework × preset and
// every framework × auth is covered), plus a short rate limit with
// credentials, trusted proxies and plain HTTP.
func combinations() [][]string {
	var out [][]string
	for _, fw := range render.Supported["framework"] {
		for _, c := range [][2]string{
			{"api", "jwt"}, {"api", "none"}, {"api", "oidc"},
			{"internal", "apikey"},
			{"spa-backend", "session"},
		} {
			args := []string{"--framework", fw, "--preset", c[0], "--auth", c[1]}
			if c[0] == "api" {
				args = append(args, "--origins", "https://app.example.com")
			}
			out = append(out, args)
		}
		out = append(out, []string{"--framework", fw, "--preset", "api", "--auth", "none", "--origins", "https://app.example.com,http://localhost:3000",
			"--credentials", "--rate-limit", "5/1m", "--trusted-proxies", "10.0.0.0/8", "--tls", "off"})
	}
	return out
}

func TestCombinationsCoverEverything(t *testing.T) {
	seen := map[string]bool{}
	for _, args := range combinations() {
		for i := 0; i+1 < len(args); i += 2 {
			seen[args[i]+"="+args[i+1]] = true
		}
	}
	for _, key := range []string{"framework", "preset", "auth"} {
		for _, v := range render.Supported[key] {
			if !seen["--"+key+"="+v] {
				t.Errorf("no end-to-end case has --%s %s", key, v)
			}
		}
	}
}

// Every supported combination, generated as a user would (go mod tidy
// included), is gofmt-clean, builds, vets and passes its own tests, and the
// running service passes `securegen probe --rate-limit` and, with auth, the
// authorization checks of authz_test.go.
func TestGeneratedServicesBuildAndPass(t *testing.T) {
	bin := endToEnd(t, "generates, tidies, builds and tests every combination")
	for _, args := range combinations() {
		name := strings.Join([]string{args[1], args[3], args[5]}, "-")
		if len(args) > 8 {
			name += "-credentials-5per1m"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel() // two at a time on two cores: builds overlap with probes
			work := t.TempDir()
			run(t, work, bin, append([]string{"new", "svc", "--module", "example.com/svc", "--yes"}, args...)...)
			dir := filepath.Join(work, "svc")
			if out := run(t, dir, "gofmt", "-l", "."); out != "" {
				t.Errorf("gofmt would change: %s", out)
			}
			run(t, dir, "go", "build", "./...")
			run(t, dir, "go", "vet", "./...")
			run(t, dir, "go", "test", "-count=1", "./...")

			// TLS ends at a proxy by default: without TRUSTED_PROXIES, or
			// with one trusting every address, the service refuses to start.
			if args[3] == "api" && args[5] == "jwt" {
				refusesToStart(t, dir, "svc", authEnv(args[5]), "TRUSTED_PROXIES is required")
				refusesToStart(t, dir, "svc", append(authEnv(args[5]), "TRUSTED_PROXIES=0.0.0.0/0"), "trusts every address")
			}

			// Started as an operator would, it passes the conformance probe
			// (rate limit included) and stops cleanly on SIGTERM.
			env := append(authzEnv(args[5], serviceEnv(args[5])), auditEnv...)
			var op *oidcProvider
			if args[5] == "oidc" { // a real provider, in this process, to sign in through
				op = newOIDCProvider(t) // oidcprovider_test.go
				env = op.env(env)
			}
			if args[5] == "session" {
				env = append(env, "LOGIN_RATE_LIMIT=30/15m") // the sign-ins below are more than the default 10
			}
			svcBin := buildService(t, dir, "svc")
			svc := startBinary(t, svcBin, dir, env)
			url, stop := svc.url, svc.stop
			var cookie string
			if args[5] == "session" { // before the probe spends the /api/ budget
				checkSessions(t, url)
				cookie = signInOver(t, url, "restart@example.com", "correct horse battery staple", true)
			}
			var secrets []string // the credentials the service saw, never to be logged
			if args[5] != "none" {
				secrets = checkAuthorization(t, bin, svcBin, dir, url, args[5], env, op) // authz_test.go
			}
			probeService(t, bin, dir, url, args[5], len(args) > 8) // the 5/1m case
			if err := stop(); err != nil {
				t.Errorf("after SIGTERM: %v, want exit status 0", err)
			}
			// The log the probe left: request ids, security events, no secret (audit_test.go).
			secrets = append(secrets, testJWTSecret, testAPIKey, "correct horse battery staple", strings.TrimPrefix(cookie, "Cookie: __Host-session="))
			checkAuditTrail(t, svc.logs.String(), args[5], secrets...)
			if args[5] == "session" { // the spa-backend preset keeps them in SQLite
				checkRestart(t, dir, serviceEnv(args[5]), cookie)
			}
			checkMetrics(t, dir, args[5]) // metrics on METRICS_ADDR only (metrics_test.go)
		})
	}
	if len(spec.AvailablePresets()) != len(render.Supported["preset"]) {
		t.Errorf("shipped presets %v, rendered presets %v", spec.AvailablePresets(), render.Supported["preset"])
	}
}
