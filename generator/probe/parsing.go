package probe

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// Checks of SECURITY-BASELINE.md §7: requests two readers could take for
// two different requests are answered as one, or refused.

// checkSeveralOrigins sends GET /api/hello with two Origin fields, an
// allowed origin and another in both orders, and expects at most one
// Access-Control-Allow-Origin, naming an allowed origin (or "*").
func (p *prober) checkSeveralOrigins(ctx context.Context) {
	first, second := "https://evil.example", "http://localhost:3000"
	if len(p.allowed) > 0 {
		first = p.allowed[0]
		if len(p.denied) > 0 {
			second = p.denied[0]
		}
	}
	for _, pair := range [][2]string{{first, second}, {second, first}} {
		res := p.do(ctx, request{
			method: http.MethodGet,
			path:   pathHello,
			header: http.Header{"Origin": {pair[0], pair[1]}},
			note:   "a second Origin: " + pair[1],
		})
		p.check("cors/several-origins["+pair[0]+", "+pair[1]+"]", res,
			"at most one Access-Control-Allow-Origin, and only an allowed origin", p.severalOriginsProblems(res.header))
	}
}

func (p *prober) severalOriginsProblems(h http.Header) []string {
	vs := h.Values("Access-Control-Allow-Origin")
	switch {
	case len(vs) > 1:
		return []string{fmt.Sprintf("Access-Control-Allow-Origin sent %d times: %q", len(vs), vs)}
	case len(vs) == 1 && !(anyOrigin(p.cfg.Origins) && vs[0] == "*" || !anyOrigin(p.cfg.Origins) && contains(p.cfg.Origins, vs[0])):
		return []string{fmt.Sprintf("Access-Control-Allow-Origin: %q, not an allowed origin", vs[0])}
	}
	return nil
}

// checkAmbiguousJSON posts JSON objects that encoding/json and other
// parsers read differently: a member name twice, and a name that matches
// the field only when case is ignored. Both must get a 400 JSON error.
func (p *prober) checkAmbiguousJSON(ctx context.Context) {
	for _, c := range []struct{ label, body, note string }{
		{"duplicate-key", `{"message": "hello", "message": "hello"}`, `"message" twice`},
		{"case-folded-key", `{"MESSAGE": "hello"}`, `"MESSAGE" for "message"`},
	} {
		res := p.do(ctx, jsonPost(pathEcho, c.body, c.note))
		probs := statusProblems(res, http.StatusBadRequest)
		if res.status/100 == 4 {
			probs = append(probs, jsonErrorProblems(res)...)
		}
		p.check("json/"+c.label, res, "400 JSON error", probs)
		p.check("no-leak/"+c.label, res, wantNoLeak, leakProblems(res.body))
	}
}

// Values the several-credentials check sends as credentials no service
// accepts.
const (
	invalidToken  = "Bearer securegen-probe-invalid-token"
	invalidAPIKey = "securegen-probe-invalid-key"
)

// checkSeveralCredentials sends GET /api/me with two Authorization (jwt) or
// X-API-Key (apikey) fields and expects 401. With Config.Credential, one of
// the two is valid, in either order, or both are it; without, both are
// invalid, which only shows that two fields are refused cleanly.
func (p *prober) checkSeveralCredentials(ctx context.Context) {
	const name = "auth/several-credentials"
	var header, junk string
	switch p.cfg.Auth {
	case "":
		p.skip(name, "the auth mode is unknown; give --auth or --manifest")
		return
	case "none":
		p.skip(name, "the service has no auth")
		return
	case "jwt":
		header, junk = "Authorization", invalidToken
	case "apikey":
		header, junk = "X-API-Key", invalidAPIKey
	default:
		p.skip(name, "the service authenticates with a session cookie, not an Authorization or X-API-Key field")
		return
	}
	if p.cfg.Credential == "" {
		res := p.do(ctx, request{method: http.MethodGet, path: pathMe, header: http.Header{header: {junk, junk}}, note: "two invalid " + header + " fields"})
		p.check(name, res, "401 JSON error", append(statusProblems(res, http.StatusUnauthorized), jsonErrorProblems(res)...))
		return
	}
	credName, valid, ok := strings.Cut(p.cfg.Credential, ":")
	credName, valid = http.CanonicalHeaderKey(strings.TrimSpace(credName)), strings.TrimSpace(valid)
	if !ok || credName != http.CanonicalHeaderKey(header) || valid == "" {
		p.skip(name, fmt.Sprintf("the credential is not a %s field (%s: ...)", header, header))
		return
	}
	one := p.do(ctx, request{method: http.MethodGet, path: pathMe, header: http.Header{credName: {valid}}, note: "the credential given"})
	var probs []string
	if one.status/100 != 2 {
		probs = statusProblems(one)
	}
	p.check("auth/credential", one, "a 2xx answer to the credential given", probs)
	if len(probs) > 0 {
		p.skip(name, "the credential given is not accepted, so two fields cannot be told apart from one")
		return
	}
	for _, c := range []struct {
		label  string
		values []string
	}{
		{"twice", []string{valid, valid}},
		{"valid-first", []string{valid, junk}},
		{"valid-last", []string{junk, valid}},
	} {
		res := p.do(ctx, request{method: http.MethodGet, path: pathMe, header: http.Header{credName: c.values}, note: "two " + header + " fields, " + c.label})
		p.check(name+"["+c.label+"]", res, "401 JSON error", append(statusProblems(res, http.StatusUnauthorized), jsonErrorProblems(res)...))
	}
}
