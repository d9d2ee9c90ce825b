package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// headerRule is one row of the baseline's §1 table.
type headerRule struct {
	name string
	want string
	ok   func(string) bool
}

// securityHeaders are the headers every response must carry (§1, API presets).
var securityHeaders = []headerRule{
	{"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'", cspOK},
	{"Cross-Origin-Opener-Policy", "same-origin", equalFold("same-origin")},
	{"Cross-Origin-Resource-Policy", "same-origin", equalFold("same-origin")},
	{"Origin-Agent-Cluster", "?1", equalFold("?1")},
	{"Referrer-Policy", "no-referrer", equalFold("no-referrer")},
	{"Strict-Transport-Security", "max-age>=31536000; includeSubDomains", hstsOK},
	{"X-Content-Type-Options", "nosniff", equalFold("nosniff")},
	{"X-DNS-Prefetch-Control", "off", equalFold("off")},
	{"X-Download-Options", "noopen", equalFold("noopen")},
	{"X-Frame-Options", "DENY", equalFold("DENY")},
	{"X-Permitted-Cross-Domain-Policies", "none", equalFold("none")},
	{"X-XSS-Protection", "0", equalFold("0")},
	{"Permissions-Policy", "a deny-list of powerful features", func(v string) bool { return strings.TrimSpace(v) != "" }},
	{"Cache-Control", "no-store", func(v string) bool { return hasToken(splitList(v), "no-store") }},
}

// forbiddenHeaders must not be sent at all: they tell an attacker what runs.
var forbiddenHeaders = []string{"Server", "X-Powered-By"}

const wantSecurityHeaders = "the security headers of SECURITY-BASELINE §1, no Server or X-Powered-By"

func equalFold(want string) func(string) bool {
	return func(v string) bool { return strings.EqualFold(strings.TrimSpace(v), want) }
}

// cspOK reports whether a policy has default-src 'none' and
// frame-ancestors 'none'; further directives can only restrict more.
func cspOK(v string) bool {
	dirs := map[string]string{}
	for _, d := range strings.Split(v, ";") {
		f := strings.Fields(d)
		if len(f) == 0 {
			continue
		}
		name := strings.ToLower(f[0])
		if _, dup := dirs[name]; !dup { // the first occurrence wins
			dirs[name] = strings.ToLower(strings.Join(f[1:], " "))
		}
	}
	return dirs["default-src"] == "'none'" && dirs["frame-ancestors"] == "'none'"
}

// hstsOK reports whether an HSTS policy lasts at least a year and covers
// subdomains.
func hstsOK(v string) bool {
	var age int64 = -1
	sub := false
	for _, d := range strings.Split(v, ";") {
		k, val, _ := strings.Cut(strings.TrimSpace(d), "=")
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "max-age":
			n, err := strconv.ParseInt(strings.Trim(strings.TrimSpace(val), `"`), 10, 64)
			if err == nil {
				age = n
			}
		case "includesubdomains":
			sub = true
		}
	}
	return age >= 31536000 && sub
}

// headerProblems lists how h departs from §1.
func headerProblems(h http.Header) []string {
	var p []string
	for _, r := range securityHeaders {
		vs := h.Values(r.name)
		switch {
		case len(vs) == 0:
			p = append(p, "no "+r.name)
		case len(vs) > 1:
			p = append(p, fmt.Sprintf("%s sent %d times", r.name, len(vs)))
		case !r.ok(vs[0]):
			p = append(p, fmt.Sprintf("%s: %q (want %s)", r.name, vs[0], r.want))
		}
	}
	for _, name := range forbiddenHeaders {
		if v := h.Values(name); len(v) > 0 {
			p = append(p, fmt.Sprintf("%s: %q sent", name, strings.Join(v, ", ")))
		}
	}
	return p
}

// leakPatterns are text that gives internals away: stack traces, panic
// messages, source positions, absolute paths and raw parser errors.
var leakPatterns = []string{
	// Go
	"goroutine ", "panic:", "runtime error", "runtime/", ".go:", "[recovered]",
	"invalid character", "looking for beginning of", "unexpected end of JSON input",
	"unexpected EOF", "json: ", "http: request body too large", "strconv.", "reflect.",
	// paths
	"/home/", "/root/", "/usr/", "/var/", "/opt/", "/tmp/", "/go/pkg/", `C:\`,
	// JavaScript, Python, Java
	"SyntaxError", "TypeError", "Error: ", "at Object.", "    at ", "node_modules",
	"Traceback (most recent call last)", "Exception in thread", "\tat ",
}

// leakProblems lists the leak patterns found in body.
func leakProblems(body []byte) []string {
	var p []string
	s := string(body)
	for _, pat := range leakPatterns {
		if i := strings.Index(s, pat); i >= 0 {
			p = append(p, fmt.Sprintf("%q in the body near %s", pat, excerpt(s, i)))
		}
	}
	return p
}

const wantNoLeak = "no stack trace, source position, path or raw parser error in the body"

// excerpt quotes a few dozen bytes of s around i.
func excerpt(s string, i int) string {
	lo, hi := max(0, i-30), min(len(s), i+50)
	return strconv.Quote(s[lo:hi])
}

// snippet quotes the start of a body.
func snippet(b []byte) string {
	if len(b) > 120 {
		return strconv.Quote(string(b[:120])) + "..."
	}
	return strconv.Quote(string(b))
}

const wantJSONError = `Content-Type: application/json and a JSON object with an "error" key`

// jsonErrorProblems lists how res departs from a JSON error response.
func jsonErrorProblems(res *response) []string {
	var p []string
	ct := res.header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		p = append(p, fmt.Sprintf("Content-Type %q", ct))
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(res.body, &obj); err != nil || obj == nil {
		return append(p, "body is not a JSON object: "+snippet(res.body))
	}
	if v, ok := obj["error"]; !ok || string(v) == "null" || string(v) == `""` {
		p = append(p, `no "error" in the body `+snippet(res.body))
	}
	return p
}

func statusProblems(res *response, want ...int) []string {
	for _, w := range want {
		if res.status == w {
			return nil
		}
	}
	return []string{fmt.Sprintf("status %d, body %s", res.status, snippet(res.body))}
}

func statusWant(want ...int) string {
	s := make([]string, len(want))
	for i, w := range want {
		s[i] = strconv.Itoa(w)
	}
	return "status " + strings.Join(s, " or ")
}

// checkErrorResponse records the checks every error response gets:
// status/L, headers/L, error-json/L and no-leak/L.
func (p *prober) checkErrorResponse(label string, res *response, status int) {
	p.check("status/"+label, res, statusWant(status), statusProblems(res, status))
	p.check("headers/"+label, res, wantSecurityHeaders, headerProblems(res.header))
	p.check("error-json/"+label, res, wantJSONError, jsonErrorProblems(res))
	p.check("no-leak/"+label, res, wantNoLeak, leakProblems(res.body))
}

// checkStatusClasses checks the security headers, JSON errors and bodies of
// responses of class 200, 404, 405, 413 and 400; hello is the GET /api/hello
// response already received.
func (p *prober) checkStatusClasses(ctx context.Context, hello *response) {
	p.check("status/200", hello, statusWant(http.StatusOK), statusProblems(hello, http.StatusOK))
	p.check("headers/200", hello, wantSecurityHeaders, headerProblems(hello.header))
	p.check("no-leak/200", hello, wantNoLeak, leakProblems(hello.body))
	p.checkLimitFields(hello)

	nf := p.do(ctx, request{method: http.MethodGet, path: pathNotFound})
	p.checkErrorResponse("404", nf, http.StatusNotFound)

	wm := p.do(ctx, request{method: http.MethodDelete, path: pathHello})
	p.checkErrorResponse("405", wm, http.StatusMethodNotAllowed)
	var allow []string
	if !hasToken(splitHeader(wm.header, "Allow"), http.MethodGet) {
		allow = append(allow, fmt.Sprintf("Allow: %q", wm.header.Get("Allow")))
	}
	p.check("allow/405", wm, "an Allow header listing GET", allow)

	if p.cfg.BodyLimit > maxProbeBody {
		p.skip("status/413", fmt.Sprintf("the body limit (%d bytes) is above the %d bytes the probe sends", p.cfg.BodyLimit, maxProbeBody))
	} else {
		big := p.do(ctx, oversized(p.cfg.BodyLimit))
		p.checkErrorResponse("413", big, http.StatusRequestEntityTooLarge)
	}

	bad := p.do(ctx, jsonPost(pathEcho, `{"message": "hello"`, "malformed JSON"))
	p.checkErrorResponse("400", bad, http.StatusBadRequest)

	p.skip("headers/500", "a 500 cannot be provoked from outside a healthy service; the service's own tests cover it")
}

// checkValidation sends valid JSON that breaks the rules of POST /api/echo
// and expects 400 or 422 naming the field, then a valid message.
func (p *prober) checkValidation(ctx context.Context) {
	cases := []struct {
		label, body, note, field string
	}{
		{"empty-message", `{"message": ""}`, "empty message", "message"},
		{"long-message", `{"message": "` + strings.Repeat("a", 1001) + `"}`, "1001-character message", "message"},
		{"unknown-field", `{"message": "hello", "` + unknownField + `": true}`, "unknown field " + unknownField, unknownField},
	}
	for _, c := range cases {
		res := p.do(ctx, jsonPost(pathEcho, c.body, c.note))
		probs := statusProblems(res, http.StatusBadRequest, http.StatusUnprocessableEntity)
		if res.status/100 == 4 {
			probs = append(probs, jsonErrorProblems(res)...)
		}
		if !strings.Contains(string(res.body), c.field) {
			probs = append(probs, fmt.Sprintf("the body does not name %q: %s", c.field, snippet(res.body)))
		}
		p.check("validation/"+c.label, res, fmt.Sprintf("400 or 422 JSON error naming %q", c.field), probs)
		p.check("no-leak/"+c.label, res, wantNoLeak, leakProblems(res.body))
	}
	ok := p.do(ctx, jsonPost(pathEcho, `{"message": "hello"}`, "valid message"))
	var probs []string
	if ok.status/100 != 2 {
		probs = statusProblems(ok)
	}
	p.check("validation/valid-message", ok, `a 2xx answer to {"message": "hello"}`, probs)
}

// checkAuth expects 401 JSON from /api/me without credentials when the
// service has auth.
func (p *prober) checkAuth(ctx context.Context) {
	switch p.cfg.Auth {
	case "":
		p.skip("auth/401", "the auth mode is unknown; give --auth or --manifest")
		return
	case "none":
		p.skip("auth/401", "the service has no auth")
		return
	}
	res := p.do(ctx, request{method: http.MethodGet, path: pathMe})
	p.checkErrorResponse("401", res, http.StatusUnauthorized)
}

// splitHeader returns the comma-separated elements of every name field in h.
func splitHeader(h http.Header, name string) []string {
	var out []string
	for _, v := range h.Values(name) {
		out = append(out, splitList(v)...)
	}
	return out
}

func splitList(v string) []string {
	var out []string
	for _, e := range strings.Split(v, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

func hasToken(list []string, tok string) bool {
	for _, e := range list {
		if strings.EqualFold(e, tok) {
			return true
		}
	}
	return false
}
