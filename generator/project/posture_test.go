package project

import (
	"reflect"
	"testing"

	"github.com/securegen/securegen/generator/spec"
)

const postureBefore = `# Security posture
# Every response carries these headers; below, only differences are shown.
Cache-Control: no-store
Strict-Transport-Security: max-age=63072000; includeSubDomains
X-Frame-Options: DENY

=== hello from another origin
GET /api/hello
Origin: https://evil.example
--- 200 OK
Content-Type: application/json
Vary: Origin

{"message":"hello"}

=== cross-site POST
POST /api/echo
Origin: https://evil.example
--- 403 Forbidden
Content-Type: application/json

{"error":"forbidden"}

=== health check
GET /healthz
--- 200 OK

{"status":"ok"}
`

const postureAfter = `# Security posture
Strict-Transport-Security: max-age=31536000
X-Frame-Options: DENY
Permissions-Policy: camera=()

=== hello from another origin
GET /api/hello
Origin: https://evil.example
--- 200 OK
Access-Control-Allow-Origin: https://evil.example
Content-Type: application/json
Vary: Origin

{"message":"hello"}

=== cross-site POST
POST /api/echo
Origin: https://evil.example
--- 200 OK
Content-Type: application/json

{"message":"hi"}

=== readiness
GET /readyz
--- 200 OK

{"status":"ready"}
`

// What an upgrade changes in the posture golden file, each change judged:
// removed protections, CORS grants and refusals turned into success are
// weaker, and being unasked they come first.
func TestSecurityChangesPosture(t *testing.T) {
	a := spec.Answers{Auth: "jwt", RateLimit: spec.RateLimit{Limit: "100/15m"}}
	got := SecurityChanges(a, a, []byte(postureBefore), []byte(postureAfter), true)
	want := []SecurityChange{
		{Change: "HSTS max-age 63072000 -> 31536000, - includeSubDomains", Weaker: true},
		{Change: "- Cache-Control: no-store", Weaker: true},
		{Change: "hello from another origin (GET /api/hello, Origin: https://evil.example): + Access-Control-Allow-Origin: https://evil.example", Weaker: true},
		{Change: "cross-site POST (POST /api/echo, Origin: https://evil.example): 403 Forbidden -> 200 OK", Weaker: true},
		{Change: "check removed: health check (GET /healthz)", Weaker: true},
		{Change: "+ Permissions-Policy: camera=()"},
		{Change: `cross-site POST (POST /api/echo, Origin: https://evil.example): body "{\"error\":\"forbidden\"}" -> "{\"message\":\"hi\"}"`},
		{Change: "new check readiness (GET /readyz): 200 OK"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("changes:\n got  %+v\n want %+v", got, want)
	}

	// The same changes with the same securegen come from editing
	// securegen.yaml: asked for, so none is marked.
	for _, c := range SecurityChanges(a, a, []byte(postureBefore), []byte(postureAfter), false) {
		if c.Marked() {
			t.Errorf("marked without an upgrade: %q", c.Change)
		}
	}
	if got := SecurityChanges(a, a, []byte(postureBefore), []byte(postureBefore), true); len(got) != 0 {
		t.Errorf("an unchanged posture reports %+v", got)
	}
}

// What --set changes in the answers, each judged against the control.
func TestSecurityChangesAnswers(t *testing.T) {
	was := spec.Answers{Auth: "jwt", TLS: "proxy", BodyLimit: "1MiB",
		CORS:           spec.CORS{Origins: []string{"https://a.example"}},
		RateLimit:      spec.RateLimit{Limit: "100/15m", Scope: "/api/", Store: "memory"},
		TrustedProxies: []string{}}
	for _, tt := range []struct {
		set    func(a *spec.Answers)
		change string
		weaker bool
	}{
		{func(a *spec.Answers) { a.Auth = "session" }, "auth jwt -> session", false},
		{func(a *spec.Answers) { a.Auth = "none" }, "auth jwt -> none", true},
		{func(a *spec.Answers) { a.CORS.Origins = []string{"https://a.example", "https://b.example"} }, "CORS origins + https://b.example", true},
		{func(a *spec.Answers) { a.CORS.Origins = nil }, "CORS origins - https://a.example", false},
		{func(a *spec.Answers) { a.CORS.Credentials = true }, "CORS credentials false -> true", true},
		{func(a *spec.Answers) { a.RateLimit.Limit = "60/1m" }, "rate limit 100/15m -> 60/1m", true},
		{func(a *spec.Answers) { a.RateLimit.Limit = "10/1h" }, "rate limit 100/15m -> 10/1h", false},
		{func(a *spec.Answers) { a.RateLimit.Limit = "off" }, "rate limit 100/15m -> off", true},
		{func(a *spec.Answers) { a.RateLimit.Scope = "/api/v1/" }, "rate limit scope /api/ -> /api/v1/", true},
		{func(a *spec.Answers) { a.RateLimit.Scope = "/" }, "rate limit scope /api/ -> /", false},
		{func(a *spec.Answers) { a.TLS = "off" }, "TLS proxy -> off", true},
		{func(a *spec.Answers) { a.TrustedProxies = []string{"10.0.0.0/8"} }, "trusted proxies + 10.0.0.0/8", true},
		{func(a *spec.Answers) { a.BodyLimit = "10MiB" }, "body limit 1MiB -> 10MiB", true},
		{func(a *spec.Answers) { a.BodyLimit = "64KiB" }, "body limit 1MiB -> 64KiB", false},
	} {
		now := was
		now.CORS.Origins = append([]string{}, was.CORS.Origins...)
		tt.set(&now)
		got := SecurityChanges(was, now, nil, nil, true)
		want := []SecurityChange{{Change: tt.change, Weaker: tt.weaker, Asked: true}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v, want %+v", got, want)
		}
	}
}
