package probe

import (
	"net/http"
	"strconv"
	"strings"
)

// checkCookies requires every cookie the service set on the probe's
// requests to be Secure, HttpOnly and SameSite=Lax or Strict, as the MDN
// HTTP Observatory does for an A+ grade. A service that set none passes, as
// with the Observatory (session cookies are set at sign-in, which the probe
// does not do).
func (p *prober) checkCookies() {
	const want = "every Set-Cookie Secure, HttpOnly and SameSite=Lax or Strict"
	if len(p.cookies) == 0 {
		p.report.Checks = append(p.report.Checks, Result{Name: "cookies/attributes", Status: Pass, Want: want, Got: "no cookie set"})
		return
	}
	// One result: the first response whose cookies fall short, else the
	// first that set one.
	res, probs := p.cookies[0], []string(nil)
	for _, r := range p.cookies {
		for _, line := range r.header["Set-Cookie"] {
			if prob := cookieProblem(line); prob != "" {
				probs = append(probs, prob)
			}
		}
		if len(probs) > 0 {
			res = r
			break
		}
	}
	p.check("cookies/attributes", res, want, probs)
}

// cookieProblem says what line, a Set-Cookie value, lacks, or "".
func cookieProblem(line string) string {
	c, err := http.ParseSetCookie(line)
	if err != nil {
		return "unparsable Set-Cookie " + strconv.Quote(line)
	}
	var missing []string
	if !c.Secure {
		missing = append(missing, "Secure")
	}
	if !c.HttpOnly {
		missing = append(missing, "HttpOnly")
	}
	if c.SameSite != http.SameSiteLaxMode && c.SameSite != http.SameSiteStrictMode {
		missing = append(missing, "SameSite=Lax or Strict")
	}
	if len(missing) == 0 {
		return ""
	}
	return "cookie " + strconv.Quote(c.Name) + " lacks " + strings.Join(missing, ", ")
}
