// Package probe checks a running HTTP service against securegen's security
// baseline (SECURITY-BASELINE.md §1–§4 and §7). It sends a fixed set of requests and
// judges what comes back; it knows nothing of how the service was made, so
// it holds every framework to the same contract.
//
// The requests, in order:
//
//	GET     /api/hello                           200 with the security headers
//	GET     /securegen-probe-not-found           404 JSON error
//	DELETE  /api/hello                           405 JSON error with Allow
//	POST    /api/echo, body over the limit       413 JSON error
//	POST    /api/echo, malformed JSON            400 JSON error
//	POST    /api/echo, JSON failing validation   400 or 422 JSON naming the field
//	POST    /api/echo, a key twice or in caps    400 JSON (§7)
//	GET     /api/hello with Origin               CORS for allowed and other origins
//	OPTIONS /api/echo preflights                 CORS preflight answers
//	GET     /api/hello with two Origin fields    at most one allowed origin back (§7)
//	GET     /api/me without credentials          401 JSON (services with auth)
//	GET     /api/me with two credential fields   401 JSON (jwt, apikey; §7)
//	each non-public route of Config.Routes       401 JSON without credentials (authz)
//	POST /api/notes as A; GET, PUT, DELETE       404 to B for A's note, absent from B's list,
//	/api/notes/{id} and GET /api/notes as B      unchanged for A, then deleted (with Config.Principals)
//	GET     /api/hello until refused             429 (only with CheckRateLimit)
//	(every response)                     each Set-Cookie Secure, HttpOnly, SameSite=Lax or Strict
//
// No response body may hold a stack trace or internal detail. A 500 cannot be
// provoked from outside a healthy service; its check is reported as skipped.
//
// The probe refuses a host that is not loopback unless Config.AllowRemote is
// set, and enforces that when dialing, so a name that resolves elsewhere is
// refused too.
package probe

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// DefaultTimeout bounds each request when Config.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// DefaultBodyLimit is the body limit assumed when Config.BodyLimit is zero:
// the default of generated services.
const DefaultBodyLimit = 1 << 20

// maxProbeBody bounds the oversized body the probe sends; a service with a
// larger body limit is not sent one.
const maxProbeBody = 64 << 20

// maxRateLimitRequests bounds the requests the rate-limit check sends.
const maxRateLimitRequests = 10_000

// maxBodyRead bounds how much of a response body the probe reads.
const maxBodyRead = 1 << 20

// Paths the probe requests, relative to the base URL.
const (
	pathHello    = "/api/hello"
	pathEcho     = "/api/echo"
	pathMe       = "/api/me"
	pathNotFound = "/securegen-probe-not-found"
)

// unknownField is the field the validation check sends and expects to be named.
const unknownField = "probe_unknown_field"

// Config is what the probe knows, and therefore expects, of the service.
type Config struct {
	// URL is the service's base URL, http or https; the probe's paths
	// (/api/hello, ...) are appended to its path.
	URL string
	// Origins are the allowed CORS origins; "*" allows any origin. Empty
	// means none: every origin is treated as disallowed.
	Origins []string
	// Credentials is whether CORS responses to allowed origins allow credentials.
	Credentials bool
	// Limit is the rate limit per client; the zero Limit means none.
	Limit Limit
	// LimitScope is the path prefix the rate limit applies to; "" means /api/.
	LimitScope string
	// CheckRateLimit spends the client's quota to check that the request
	// after the last allowed one is refused with 429.
	CheckRateLimit bool
	// BodyLimit is the largest request body the service accepts, in bytes;
	// zero means DefaultBodyLimit.
	BodyLimit int64
	// Auth is the service's auth mode: "" when unknown, "none", or a mode
	// (apikey, jwt, session, oidc) under which /api/me needs credentials.
	Auth string
	// Credential is a request header that /api/me accepts, "X-API-Key: KEY"
	// or "Authorization: Bearer TOKEN", or "". With it, the check of two
	// credential fields sends a valid one beside an invalid one. It never
	// appears in the report.
	Credential string
	// Routes are the service's routes as its route manifest lists them
	// (ParseRoutes); nil when unknown, which skips the authz checks.
	Routes []Route
	// Principals are the credentials of two principals, A then B, for the
	// checks that B cannot reach a note A creates; nil skips them. Their
	// values never appear in the report.
	Principals []Credential
	// AllowRemote permits a host that is not loopback.
	AllowRemote bool
	// Timeout bounds each request; zero means DefaultTimeout.
	Timeout time.Duration
}

// ParseURL checks a base URL: http or https, a host, no user info, query or
// fragment, and a loopback host (localhost or a loopback address) unless
// allowRemote is set.
func ParseURL(raw string, allowRemote bool) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("URL %q is not a URL; use http://127.0.0.1:8080 or similar", raw)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("URL %q is not http or https; use http://HOST:PORT or https://HOST:PORT", raw)
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("URL %q has no host; use http://HOST:PORT", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return nil, fmt.Errorf("URL %q has user info, a query or a fragment; give only scheme, host, port and an optional path prefix", raw)
	}
	if !allowRemote && !isLoopbackHost(u.Hostname()) {
		return nil, fmt.Errorf("host %q is not loopback (localhost, 127.0.0.0/8 or ::1); pass --allow-remote to probe a remote service", u.Hostname())
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(h)
	return err == nil && ip.Unmap().IsLoopback()
}

// errNotLoopback is returned when dialing an address that is not loopback
// while remote hosts are not allowed.
var errNotLoopback = errors.New("address is not loopback and remote hosts are not allowed")

// loopbackOnly is a net.Dialer Control that refuses, before connecting,
// any address that is not loopback.
func loopbackOnly(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !ap.Addr().Unmap().IsLoopback() {
		return fmt.Errorf("dial %s: %w", address, errNotLoopback)
	}
	return nil
}

// newClient returns a client that follows no redirects, times every request
// out, and, unless allowRemote, dials loopback addresses only.
func newClient(timeout time.Duration, allowRemote bool) *http.Client {
	d := &net.Dialer{Timeout: timeout}
	if !allowRemote {
		d.Control = loopbackOnly
	}
	tr := &http.Transport{
		DialContext:           d.DialContext,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       30 * time.Second,
	}
	if allowRemote {
		tr.Proxy = http.ProxyFromEnvironment
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// request is one request the probe sends.
type request struct {
	method string
	path   string
	header http.Header
	body   []byte    // a small body, or nil
	stream io.Reader // a large body of length bytes, or nil
	length int64
	note   string // what is special about the request, for the report
}

// String names the request in the report, e.g. "GET /api/hello".
func (r request) String() string {
	s := r.method + " " + r.path
	if o := r.header.Get("Origin"); o != "" {
		s += " Origin: " + o
	}
	if r.note != "" {
		s += ", " + r.note
	}
	return s
}

// response is what came back, or the error that came instead.
type response struct {
	req    request
	status int
	header http.Header
	body   []byte
	err    error
}

// prober runs the checks of one Run and collects their results.
type prober struct {
	cfg     Config
	base    *url.URL
	client  *http.Client
	report  *Report
	allowed []string    // origins to probe as allowed
	denied  []string    // origins to probe as disallowed
	cors    []*response // every response to a request with an Origin
	cookies []*response // every response that set a cookie
	secrets []secret    // credential values, redacted from every body read
	// limiting is set while the rate-limit check runs: a 429 is what it
	// looks for, while any other check that meets one could not run.
	limiting bool
}

// Run probes the service at cfg.URL and returns the report. The error is
// non-nil only when the configuration is invalid or the service cannot be
// reached at all; failed checks are in the report.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	base, err := ParseURL(cfg.URL, cfg.AllowRemote)
	if err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = DefaultBodyLimit
	}
	if cfg.LimitScope == "" {
		cfg.LimitScope = "/api/"
	}
	if cfg.Credentials && anyOrigin(cfg.Origins) {
		return nil, errors.New("origins \"*\" with credentials is not a valid expectation: the baseline forbids a wildcard with credentials")
	}
	if err := checkPrincipals(cfg.Principals); err != nil {
		return nil, err
	}
	p := &prober{
		cfg:     cfg,
		base:    base,
		client:  newClient(cfg.Timeout, cfg.AllowRemote),
		report:  &Report{URL: base.String()},
		secrets: cfg.secrets(),
	}
	defer p.client.CloseIdleConnections()
	p.allowed, p.denied = originsToProbe(cfg.Origins)

	hello := p.do(ctx, request{method: http.MethodGet, path: pathHello})
	if hello.err != nil {
		return nil, fmt.Errorf("cannot reach %s: %w", base, hello.err)
	}
	p.checkStatusClasses(ctx, hello)
	p.checkValidation(ctx)
	p.checkAmbiguousJSON(ctx)
	p.checkCORS(ctx)
	p.checkSeveralOrigins(ctx)
	p.checkAuth(ctx)
	p.checkSeveralCredentials(ctx)
	p.checkAuthz(ctx)
	p.checkRateLimit(ctx)
	p.checkWildcardCredentials()
	p.checkCookies()
	p.report.redact(p.secrets)
	p.report.count()
	return p.report, nil
}

// originsToProbe returns the origins to probe as allowed and as disallowed.
// With "*" among the configured origins any origin is allowed, and the probe
// stands in an arbitrary one.
func originsToProbe(configured []string) (allowed, denied []string) {
	if anyOrigin(configured) {
		return []string{"https://any-origin.example"}, nil
	}
	allowed = append(allowed, configured...)
	for _, o := range []string{"https://evil.example", "http://localhost:3000", "null"} {
		if !contains(configured, o) {
			denied = append(denied, o)
		}
	}
	return allowed, denied
}

func anyOrigin(origins []string) bool { return contains(origins, "*") }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// do sends r and reads up to maxBodyRead bytes of the response body.
func (p *prober) do(ctx context.Context, r request) *response {
	res := &response{req: r}
	var body io.Reader
	switch {
	case r.stream != nil:
		body = r.stream
	case r.body != nil:
		body = bytes.NewReader(r.body)
	}
	u := *p.base
	path, query, _ := strings.Cut(r.path, "?")
	u.Path += path
	u.RawQuery = query
	req, err := http.NewRequestWithContext(ctx, r.method, u.String(), body)
	if err != nil {
		res.err = err
		return res
	}
	if r.stream != nil {
		req.ContentLength = r.length
	}
	req.Header.Set("User-Agent", "securegen-probe")
	req.Header.Set("Accept", "application/json")
	for k, v := range r.header {
		req.Header[k] = v
	}
	resp, err := p.client.Do(req)
	if err != nil {
		res.err = err
		return res
	}
	defer resp.Body.Close()
	res.status = resp.StatusCode
	res.header = resp.Header
	res.body, res.err = io.ReadAll(io.LimitReader(resp.Body, maxBodyRead))
	res.body = redact(res.body, p.secrets)
	if r.header.Get("Origin") != "" {
		p.cors = append(p.cors, res)
	}
	if len(resp.Header["Set-Cookie"]) > 0 {
		p.cookies = append(p.cookies, res)
	}
	return res
}

// jsonPost is a POST of body to path as application/json; note says what
// the body is.
func jsonPost(path, body, note string) request {
	return request{
		method: http.MethodPost,
		path:   path,
		header: http.Header{"Content-Type": {"application/json"}},
		body:   []byte(body),
		note:   note,
	}
}

// oversized is a POST to /api/echo of a JSON body one byte over limit,
// streamed rather than held in memory.
func oversized(limit int64) request {
	const head, tail = `{"message":"`, `"}`
	n := limit + 1
	fill := n - int64(len(head)+len(tail))
	r := jsonPost(pathEcho, "", "")
	r.body = nil
	r.stream = io.MultiReader(strings.NewReader(head), io.LimitReader(fillReader('a'), fill), strings.NewReader(tail))
	r.length = n
	r.note = fmt.Sprintf("%d-byte body", n)
	return r
}

// fillReader reads as an endless run of one byte.
type fillReader byte

func (f fillReader) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = byte(f)
	}
	return len(b), nil
}
