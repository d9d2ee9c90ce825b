package probe

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Headers an allowed origin must be able to read (§2).
var (
	exposedAlways    = []string{"Retry-After", "X-Request-Id"}
	exposedRateLimit = []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy"}
)

// checkCORS checks simple requests and preflights from allowed and
// disallowed origins (§2).
func (p *prober) checkCORS(ctx context.Context) {
	for _, o := range p.allowed {
		res := p.do(ctx, withOrigin(request{method: http.MethodGet, path: pathHello}, o))
		p.checkAllowedOrigin(o, res)
	}
	for _, o := range p.denied {
		res := p.do(ctx, withOrigin(request{method: http.MethodGet, path: pathHello}, o))
		p.check("cors/disallowed["+o+"]", res, "no Access-Control-* header", accessControlHeaders(res.header))
		p.check("cors/vary["+o+"]", res, "Vary: Origin", varyProblems(res.header))
	}
	for _, o := range p.allowed {
		res := p.do(ctx, preflight(o, "content-type"))
		p.check("preflight/allowed["+o+"]", res,
			"204 or 200 with Access-Control-Allow-Origin: "+p.wantAllowOrigin(o)+", Allow-Methods with POST, Allow-Headers with content-type, Max-Age > 0"+p.wantCredentialsText(),
			p.preflightProblems(o, res))
		res = p.do(ctx, preflight(o, "content-type, x-evil"))
		var probs []string
		for _, h := range splitHeader(res.header, "Access-Control-Allow-Headers") {
			if strings.EqualFold(h, "x-evil") || h == "*" {
				probs = append(probs, fmt.Sprintf("Access-Control-Allow-Headers: %q", res.header.Get("Access-Control-Allow-Headers")))
				break
			}
		}
		p.check("preflight/unlisted-header["+o+"]", res, "x-evil, not among the allowed request headers, is not allowed", probs)
	}
	for _, o := range p.denied {
		res := p.do(ctx, preflight(o, "content-type"))
		p.check("preflight/disallowed["+o+"]", res, "no Access-Control-Allow-* header", allowHeaders(res.header))
	}
}

// checkAllowedOrigin checks a simple response to allowed origin o.
func (p *prober) checkAllowedOrigin(o string, res *response) {
	p.check("cors/allow-origin["+o+"]", res, "Access-Control-Allow-Origin: "+p.wantAllowOrigin(o), p.allowOriginProblems(o, res.header))
	p.check("cors/vary["+o+"]", res, "Vary: Origin", varyProblems(res.header))
	p.check("cors/credentials["+o+"]", res, p.wantCredentials(), p.credentialsProblems(res.header))
	want := slices.Clone(exposedAlways)
	if p.cfg.Limit.Requests > 0 {
		want = append(slices.Clone(exposedRateLimit), want...)
	}
	exposed := splitHeader(res.header, "Access-Control-Expose-Headers")
	var missing []string
	if !(hasToken(exposed, "*") && !p.cfg.Credentials) {
		for _, h := range want {
			if !hasToken(exposed, h) {
				missing = append(missing, h)
			}
		}
	}
	var probs []string
	if len(missing) > 0 {
		probs = append(probs, fmt.Sprintf("Access-Control-Expose-Headers: %q lacks %s", res.header.Get("Access-Control-Expose-Headers"), strings.Join(missing, ", ")))
	}
	p.check("cors/expose-headers["+o+"]", res, "Access-Control-Expose-Headers with "+strings.Join(want, ", "), probs)
}

// wantAllowOrigin is the Access-Control-Allow-Origin an allowed origin gets.
func (p *prober) wantAllowOrigin(o string) string {
	if anyOrigin(p.cfg.Origins) {
		return "*"
	}
	return o
}

func (p *prober) allowOriginProblems(o string, h http.Header) []string {
	vs := h.Values("Access-Control-Allow-Origin")
	want := p.wantAllowOrigin(o)
	if len(vs) == 1 && vs[0] == want {
		return nil
	}
	if len(vs) == 0 {
		return []string{"no Access-Control-Allow-Origin"}
	}
	return []string{fmt.Sprintf("Access-Control-Allow-Origin: %q", strings.Join(vs, ", "))}
}

func (p *prober) wantCredentials() string {
	if p.cfg.Credentials {
		return "Access-Control-Allow-Credentials: true"
	}
	return "no Access-Control-Allow-Credentials (credentials are not configured)"
}

func (p *prober) wantCredentialsText() string {
	if p.cfg.Credentials {
		return ", Allow-Credentials: true"
	}
	return ", no Allow-Credentials"
}

func (p *prober) credentialsProblems(h http.Header) []string {
	vs := h.Values("Access-Control-Allow-Credentials")
	switch {
	case p.cfg.Credentials && (len(vs) != 1 || vs[0] != "true"):
		return []string{fmt.Sprintf("Access-Control-Allow-Credentials: %q", strings.Join(vs, ", "))}
	case !p.cfg.Credentials && len(vs) > 0:
		return []string{fmt.Sprintf("Access-Control-Allow-Credentials: %q sent", strings.Join(vs, ", "))}
	}
	return nil
}

func (p *prober) preflightProblems(o string, res *response) []string {
	probs := statusProblems(res, http.StatusNoContent, http.StatusOK)
	probs = append(probs, p.allowOriginProblems(o, res.header)...)
	if m := splitHeader(res.header, "Access-Control-Allow-Methods"); !hasToken(m, "POST") && !hasToken(m, "*") {
		probs = append(probs, fmt.Sprintf("Access-Control-Allow-Methods: %q", res.header.Get("Access-Control-Allow-Methods")))
	}
	if hs := splitHeader(res.header, "Access-Control-Allow-Headers"); !hasToken(hs, "content-type") {
		probs = append(probs, fmt.Sprintf("Access-Control-Allow-Headers: %q", res.header.Get("Access-Control-Allow-Headers")))
	}
	if age, err := strconv.Atoi(res.header.Get("Access-Control-Max-Age")); err != nil || age <= 0 {
		probs = append(probs, fmt.Sprintf("Access-Control-Max-Age: %q", res.header.Get("Access-Control-Max-Age")))
	}
	return append(probs, p.credentialsProblems(res.header)...)
}

// checkWildcardCredentials fails if any response allowed every origin
// together with credentials, which the baseline forbids outright.
func (p *prober) checkWildcardCredentials() {
	const name, want = "cors/no-wildcard-with-credentials", "never Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true"
	for _, res := range p.cors {
		if res.header.Get("Access-Control-Allow-Origin") == "*" && strings.EqualFold(res.header.Get("Access-Control-Allow-Credentials"), "true") {
			p.check(name, res, want, []string{"both sent"})
			return
		}
	}
	p.report.Checks = append(p.report.Checks, Result{Name: name, Status: Pass, Request: "every request with an Origin", Want: want})
}

func withOrigin(r request, origin string) request {
	if r.header == nil {
		r.header = http.Header{}
	}
	r.header.Set("Origin", origin)
	return r
}

// preflight is a CORS preflight for a POST to /api/echo with headers.
func preflight(origin, headers string) request {
	return request{method: http.MethodOptions, path: pathEcho, header: http.Header{
		"Origin":                         {origin},
		"Access-Control-Request-Method":  {"POST"},
		"Access-Control-Request-Headers": {headers},
	}}
}

// accessControlHeaders lists every Access-Control-* header in h.
func accessControlHeaders(h http.Header) []string {
	return headersWithPrefix(h, "Access-Control-")
}

// allowHeaders lists every Access-Control-Allow-* header in h.
func allowHeaders(h http.Header) []string {
	return headersWithPrefix(h, "Access-Control-Allow-")
}

func headersWithPrefix(h http.Header, prefix string) []string {
	var out []string
	for k, vs := range h {
		if strings.HasPrefix(k, prefix) {
			out = append(out, fmt.Sprintf("%s: %q sent", k, strings.Join(vs, ", ")))
		}
	}
	slices.Sort(out)
	return out
}

func varyProblems(h http.Header) []string {
	if hasToken(splitHeader(h, "Vary"), "Origin") {
		return nil
	}
	return []string{fmt.Sprintf("Vary: %q", strings.Join(h.Values("Vary"), ", "))}
}
