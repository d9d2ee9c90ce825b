package probe

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// limits reports whether the configured rate limit applies to path.
func (p *prober) limits(path string) bool {
	return p.cfg.Limit.Requests > 0 && strings.HasPrefix(path, p.cfg.LimitScope)
}

// limitSkipReason says why the rate limit of GET /api/hello cannot be
// checked, or is "" when it can.
func (p *prober) limitSkipReason() string {
	switch {
	case p.cfg.Limit.Requests == 0:
		return "no rate limit is configured"
	case !p.limits(pathHello):
		return fmt.Sprintf("the rate limit applies to %s, which does not cover %s", p.cfg.LimitScope, pathHello)
	}
	return ""
}

func (p *prober) wantLimitFields(exhausted bool) string {
	l := p.cfg.Limit
	rem := fmt.Sprintf("0-%d", l.Requests-1)
	if exhausted {
		rem = "0"
	}
	return fmt.Sprintf("RateLimit-Limit: %d, RateLimit-Remaining: %s, RateLimit-Reset: 0-%d, RateLimit-Policy: %d;w=%d",
		l.Requests, rem, int(l.Window.Seconds()), l.Requests, int(l.Window.Seconds()))
}

// checkLimitFields checks the RateLimit fields on the response to GET
// /api/hello, which spends no more quota than the request already did.
func (p *prober) checkLimitFields(hello *response) {
	if why := p.limitSkipReason(); why != "" {
		p.skip("ratelimit/fields", why)
		return
	}
	p.check("ratelimit/fields", hello, p.wantLimitFields(false), p.limitFieldProblems(hello.header, false))
}

// limitFieldProblems lists how h departs from the draft-6 RateLimit fields
// of the configured limit; exhausted expects no request left.
func (p *prober) limitFieldProblems(h http.Header, exhausted bool) []string {
	n, window := p.cfg.Limit.Requests, int(p.cfg.Limit.Window.Seconds())
	var probs []string
	if v := h.Get("RateLimit-Limit"); v != strconv.Itoa(n) {
		probs = append(probs, fmt.Sprintf("RateLimit-Limit: %q", v))
	}
	rem, err := strconv.Atoi(h.Get("RateLimit-Remaining"))
	if err != nil || rem < 0 || rem >= n || (exhausted && rem != 0) {
		probs = append(probs, fmt.Sprintf("RateLimit-Remaining: %q", h.Get("RateLimit-Remaining")))
	}
	if reset, err := strconv.Atoi(h.Get("RateLimit-Reset")); err != nil || reset < 0 || reset > window {
		probs = append(probs, fmt.Sprintf("RateLimit-Reset: %q", h.Get("RateLimit-Reset")))
	}
	if pn, pw, ok := parsePolicy(h.Get("RateLimit-Policy")); !ok || pn != n || pw != window {
		probs = append(probs, fmt.Sprintf("RateLimit-Policy: %q", h.Get("RateLimit-Policy")))
	}
	return probs
}

// parsePolicy reads the quota and window of the first policy in a
// RateLimit-Policy field, in the draft-6 form `100;w=900` or the later
// `"name";q=100;w=900`.
func parsePolicy(v string) (n, w int, ok bool) {
	item, _, _ := strings.Cut(v, ",")
	parts := strings.Split(item, ";")
	n, err := strconv.Atoi(strings.TrimSpace(parts[0]))
	nOK, wOK := err == nil, false
	for _, param := range parts[1:] {
		k, val, _ := strings.Cut(strings.TrimSpace(param), "=")
		x, err := strconv.Atoi(strings.TrimSpace(val))
		if err != nil {
			continue
		}
		switch strings.TrimSpace(k) {
		case "w":
			w, wOK = x, true
		case "q":
			if !nOK {
				n, nOK = x, true
			}
		}
	}
	return n, w, nOK && wOK
}

// checkRateLimit spends the client's remaining quota on GET /api/hello and
// checks the countdown, then the 429 that follows (§3). The requests carry
// the first allowed origin, if any, to check CORS on the 429.
func (p *prober) checkRateLimit(ctx context.Context) {
	if why := p.limitSkipReason(); why != "" {
		p.skip("ratelimit/429", why)
		return
	}
	if !p.cfg.CheckRateLimit {
		p.skip("ratelimit/429", "not run: it spends the client's quota; pass --rate-limit to run it")
		return
	}
	p.limiting = true
	defer func() { p.limiting = false }()
	origin := ""
	if len(p.allowed) > 0 {
		origin = p.allowed[0]
	}
	get := func() *response {
		r := request{method: http.MethodGet, path: pathHello}
		if origin != "" {
			r = withOrigin(r, origin)
		}
		return p.do(ctx, r)
	}

	n := p.cfg.Limit.Requests
	wantCountdown := "status 200 with RateLimit-Limit: " + strconv.Itoa(n) + " and RateLimit-Remaining counting down by one to 0"
	first := get()
	var limited, last *response
	if first.err == nil && first.status == http.StatusTooManyRequests {
		limited = first
		p.skip("ratelimit/countdown", "the quota was already spent when the check began; run it again after RateLimit-Reset")
	} else {
		var probs []string
		limited, last, probs = p.countDown(first, get)
		p.check("ratelimit/countdown", first, wantCountdown, probs)
	}

	if limited == nil {
		if last == nil {
			last = first
		}
		p.check("ratelimit/429", last, "status 429 once RateLimit-Remaining reached 0", []string{fmt.Sprintf("status %d on the request after the quota", last.status)})
		return
	}
	p.check("ratelimit/429", limited, statusWant(http.StatusTooManyRequests), nil)
	p.check("ratelimit/retry-after", limited, fmt.Sprintf("Retry-After in seconds, 0-%d", int(p.cfg.Limit.Window.Seconds())), p.retryAfterProblems(limited.header))
	p.check("ratelimit/fields-429", limited, p.wantLimitFields(true), p.limitFieldProblems(limited.header, true))
	p.check("headers/429", limited, wantSecurityHeaders, headerProblems(limited.header))
	p.check("error-json/429", limited, wantJSONError, jsonErrorProblems(limited))
	p.check("no-leak/429", limited, wantNoLeak, leakProblems(limited.body))
	if origin != "" {
		probs := p.allowOriginProblems(origin, limited.header)
		probs = append(probs, varyProblems(limited.header)...)
		probs = append(probs, p.credentialsProblems(limited.header)...)
		p.check("cors/429["+origin+"]", limited, "the CORS headers of an allowed origin: Access-Control-Allow-Origin: "+p.wantAllowOrigin(origin)+", Vary: Origin"+p.wantCredentialsText(), probs)
	}
}

// countDown sends requests after first until one is refused, checking that
// RateLimit-Remaining counts down by one. It returns the 429 (nil if none
// came), the last other response, and the problems seen. One window reset
// during the run is tolerated.
func (p *prober) countDown(first *response, get func() *response) (limited, last *response, probs []string) {
	if first.err != nil {
		return nil, nil, nil // p.check reports the request error
	}
	n := p.cfg.Limit.Requests
	if first.status != http.StatusOK {
		probs = append(probs, fmt.Sprintf("status %d on the first request", first.status))
	}
	expect, err := strconv.Atoi(first.header.Get("RateLimit-Remaining"))
	if err != nil || expect < 0 || expect >= n {
		probs = append(probs, fmt.Sprintf("RateLimit-Remaining: %q on the first request", first.header.Get("RateLimit-Remaining")))
		expect = n - 1
	}
	if expect > maxRateLimitRequests {
		return nil, nil, append(probs, fmt.Sprintf("%d requests remain, more than the %d the probe sends", expect, maxRateLimitRequests))
	}
	problem := func(format string, a ...any) {
		if len(probs) < 5 {
			probs = append(probs, fmt.Sprintf(format, a...))
		}
	}
	resets := 0
	last = first
	maxSent := expect + n + 3 // the quota, one window reset, and the refused request
	for sent := 2; sent <= maxSent; sent++ {
		res := get()
		if res.err != nil {
			problem("request %d failed: %v", sent, res.err)
			return nil, last, probs
		}
		if res.status == http.StatusTooManyRequests {
			if expect > 0 {
				problem("429 on request %d while RateLimit-Remaining said %d were left", sent, expect)
			}
			return res, last, probs
		}
		last = res
		if res.status != http.StatusOK {
			problem("status %d on request %d", res.status, sent)
			return nil, last, probs
		}
		if v := res.header.Get("RateLimit-Limit"); v != strconv.Itoa(n) {
			problem("RateLimit-Limit: %q on request %d", v, sent)
		}
		rem, err := strconv.Atoi(res.header.Get("RateLimit-Remaining"))
		switch {
		case err != nil:
			problem("RateLimit-Remaining: %q on request %d", res.header.Get("RateLimit-Remaining"), sent)
			rem = expect - 1
		case expect > 0 && rem == expect-1:
		case rem == n-1 && resets == 0:
			resets++ // the window ended during the run
		case expect == 0:
			// The quota was spent and the request passed: ratelimit/429 fails.
			return nil, last, probs
		default:
			problem("RateLimit-Remaining: %d on request %d, want %d", rem, sent, expect-1)
		}
		if expect == 0 && err != nil {
			return nil, last, probs
		}
		expect = rem
	}
	return nil, last, probs
}

// retryAfterProblems checks Retry-After: delay-seconds within the window,
// or an HTTP date no further away than the window.
func (p *prober) retryAfterProblems(h http.Header) []string {
	v := h.Get("Retry-After")
	window := int(p.cfg.Limit.Window.Seconds())
	if s, err := strconv.Atoi(v); err == nil && s >= 0 && s <= window {
		return nil
	}
	if t, err := http.ParseTime(v); err == nil && time.Until(t) <= p.cfg.Limit.Window+time.Second {
		return nil
	}
	if v == "" {
		return []string{"no Retry-After"}
	}
	return []string{fmt.Sprintf("Retry-After: %q", v)}
}
