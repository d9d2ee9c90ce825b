package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	app   = "https://app.example"
	admin = "https://admin.example"
	evil  = "https://evil.example"
)

// baseConfig expects what refService does by default.
func baseConfig() Config {
	return Config{
		Origins:        []string{app, admin},
		Limit:          Limit{Requests: 40, Window: time.Minute},
		CheckRateLimit: true,
		BodyLimit:      4 << 10,
		Auth:           "jwt",
		Timeout:        5 * time.Second,
	}
}

// refFor returns a reference service configured as cfg expects.
func refFor(cfg Config) *refService {
	return &refService{origins: cfg.Origins, credentials: cfg.Credentials, limit: cfg.Limit, bodyLimit: cfg.BodyLimit}
}

// probe starts h on 127.0.0.1 and probes it with cfg.
func probe(t *testing.T, h http.Handler, cfg Config) *Report {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg.URL = srv.URL
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return rep
}

func dump(rep *Report) string {
	var b bytes.Buffer
	_ = rep.WriteText(&b)
	return b.String()
}

func skipped(rep *Report) []string {
	var names []string
	for _, c := range rep.Checks {
		if c.Status == Skip {
			names = append(names, c.Name)
		}
	}
	return names
}

// TestProbeReferencePasses proves the probe is passable: a service that
// does everything right passes every check, and only the 500 is skipped.
func TestProbeReferencePasses(t *testing.T) {
	withCreds := baseConfig()
	withCreds.Origins = []string{"http://localhost:3000"}
	withCreds.Credentials = true
	withCreds.Auth = "session"
	noOrigins := baseConfig()
	noOrigins.Origins = nil
	wildcard := baseConfig()
	wildcard.Origins = []string{"*"}
	for name, cfg := range map[string]Config{"allowlist": baseConfig(), "credentials": withCreds, "no-origins": noOrigins, "wildcard": wildcard} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ref := refFor(cfg)
			if name == "wildcard" {
				ref.wildcardCORS = true
				ref.credentials = false
			}
			rep := probe(t, wildcardWithoutCredentials(ref, name == "wildcard"), cfg)
			if !rep.OK() {
				t.Fatalf("the reference service failed:\n%s", dump(rep))
			}
			want := []string{"headers/500"}
			if cfg.Auth == "session" {
				want = append(want, "auth/several-credentials")
			}
			want = append(want, "authz") // no routes: authz_test.go runs them
			if got := skipped(rep); !slices.Equal(got, want) {
				t.Errorf("skipped %v, want only %v\n%s", got, want, dump(rep))
			}
			if rep.Passed < 40 {
				t.Errorf("only %d checks passed\n%s", rep.Passed, dump(rep))
			}
		})
	}
}

// wildcardWithoutCredentials strips the credentials header the wildcard
// knob adds, making a correct "*" service.
func wildcardWithoutCredentials(h http.Handler, on bool) http.Handler {
	if !on {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(stripCredentials{w}, r)
	})
}

type stripCredentials struct{ http.ResponseWriter }

func (s stripCredentials) WriteHeader(code int) {
	s.Header().Del("Access-Control-Allow-Credentials")
	s.ResponseWriter.WriteHeader(code)
}

// TestProbeWeakServers checks that each weakness fails exactly the checks
// that name it, and nothing else.
func TestProbeWeakServers(t *testing.T) {
	allOrigins := func(prefix string) []string {
		return []string{prefix + "[" + app + "]", prefix + "[" + admin + "]"}
	}
	deniedOrigins := func(prefix string) []string {
		return []string{prefix + "[" + evil + "]", prefix + "[http://localhost:3000]", prefix + "[null]"}
	}
	join := func(lists ...[]string) []string { return slices.Concat(lists...) }

	tests := []struct {
		name    string
		weaken  func(*refService)
		cfg     func(*Config)
		want    []string // the failed checks, in any order
		wantGot string   // what the first of them must report seeing
	}{
		{
			name:   "reflects any origin with credentials",
			weaken: func(s *refService) { s.reflectAnyOrigin = true },
			want: join(
				allOrigins("cors/credentials"), deniedOrigins("cors/disallowed"),
				allOrigins("preflight/allowed"), deniedOrigins("preflight/disallowed"),
				[]string{"cors/429[" + app + "]", "cors/several-origins[" + evil + ", " + app + "]"},
			),
		},
		{
			name:   "wildcard with credentials",
			weaken: func(s *refService) { s.wildcardCORS = true },
			cfg:    func(c *Config) { c.Credentials = true },
			want: join(
				allOrigins("cors/allow-origin"), deniedOrigins("cors/disallowed"),
				allOrigins("preflight/allowed"), deniedOrigins("preflight/disallowed"),
				[]string{"cors/no-wildcard-with-credentials", "cors/429[" + app + "]"},
				[]string{"cors/several-origins[" + app + ", " + evil + "]", "cors/several-origins[" + evil + ", " + app + "]"},
			),
		},
		{
			name:   "no Vary: Origin",
			weaken: func(s *refService) { s.noVary = true },
			want:   join(allOrigins("cors/vary"), deniedOrigins("cors/vary"), []string{"cors/429[" + app + "]"}),
		},
		{
			name:   "leaks a panic and its stack in a 500",
			weaken: func(s *refService) { s.leakPanics = true },
			want:   []string{"status/400", "error-json/400", "no-leak/400", "validation/unknown-field", "no-leak/unknown-field"},
		},
		{
			name:   "Go error text in a 400",
			weaken: func(s *refService) { s.goErrors = true },
			want:   []string{"no-leak/400", "no-leak/unknown-field"},
		},
		{
			name:   "no rate limit",
			weaken: func(s *refService) { s.noRateLimit = true },
			want:   []string{"ratelimit/fields", "ratelimit/countdown", "ratelimit/429"},
		},
		{
			name: "helmet's defaults instead of the API headers",
			weaken: func(s *refService) {
				s.headers = map[string]string{
					"Content-Security-Policy": "default-src 'self';base-uri 'self';frame-ancestors 'self';object-src 'none'",
					"X-Frame-Options":         "SAMEORIGIN",
					"Permissions-Policy":      "",
					"Cache-Control":           "",
				}
			},
			want:    []string{"headers/200", "headers/404", "headers/405", "headers/413", "headers/400", "headers/401", "headers/429"},
			wantGot: `Content-Security-Policy: "default-src 'self';base-uri 'self';frame-ancestors 'self';object-src 'none'" (want default-src 'none'; frame-ancestors 'none'); X-Frame-Options: "SAMEORIGIN" (want DENY); no Permissions-Policy; no Cache-Control`,
		},
		{
			name:   "errors without an error key",
			weaken: func(s *refService) { s.errorKey = "detail" },
			want: []string{
				"error-json/404", "error-json/405", "error-json/413", "error-json/400", "error-json/401", "error-json/429",
				"validation/empty-message", "validation/long-message", "validation/unknown-field",
				"json/duplicate-key", "json/case-folded-key", "auth/several-credentials",
			},
			wantGot: `no "error" in the body "{\"detail\":\"not found\"}\n"`,
		},
		{
			name:    "405 without Allow",
			weaken:  func(s *refService) { s.noAllow = true },
			want:    []string{"allow/405"},
			wantGot: `Allow: ""`,
		},
		{
			name:    "no Access-Control-Expose-Headers",
			weaken:  func(s *refService) { s.noExpose = true },
			want:    allOrigins("cors/expose-headers"),
			wantGot: `Access-Control-Expose-Headers: "" lacks RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy, Retry-After, X-Request-Id`,
		},
		{
			name:    "preflight without Max-Age",
			weaken:  func(s *refService) { s.noMaxAge = true },
			want:    allOrigins("preflight/allowed"),
			wantGot: `Access-Control-Max-Age: ""`,
		},
		{
			name:    "preflight without content-type among the allowed headers",
			weaken:  func(s *refService) { s.allowHeaders = "Authorization" },
			want:    allOrigins("preflight/allowed"),
			wantGot: `Access-Control-Allow-Headers: "Authorization"`,
		},
		{
			name:    "conflicting X-Frame-Options from two layers",
			weaken:  func(s *refService) { s.extra = http.Header{"X-Frame-Options": {"SAMEORIGIN"}} },
			want:    []string{"headers/200", "headers/404", "headers/405", "headers/413", "headers/400", "headers/401", "headers/429"},
			wantGot: "X-Frame-Options sent 2 times",
		},
		{
			name:    "a cookie without Secure, HttpOnly and SameSite",
			weaken:  func(s *refService) { s.extra = http.Header{"Set-Cookie": {"sid=abc123; Path=/"}} },
			want:    []string{"cookies/attributes"},
			wantGot: `cookie "sid" lacks Secure, HttpOnly, SameSite=Lax or Strict`,
		},
		{
			name: "a cookie with SameSite=None",
			weaken: func(s *refService) {
				s.extra = http.Header{"Set-Cookie": {"sid=abc123; Path=/; Secure; HttpOnly; SameSite=None"}}
			},
			want:    []string{"cookies/attributes"},
			wantGot: `lacks SameSite=Lax or Strict`,
		},
		{
			name:    "preflight allows any requested header",
			weaken:  func(s *refService) { s.echoReqHeaders = true },
			want:    allOrigins("preflight/unlisted-header"),
			wantGot: `Access-Control-Allow-Headers: "content-type, x-evil"`,
		},
		{
			name:    "validation errors that name no field",
			weaken:  func(s *refService) { s.vagueValidation = true },
			want:    []string{"validation/empty-message", "validation/long-message", "validation/unknown-field"},
			wantGot: `the body does not name "message"`,
		},
		{
			name:    "validation refusing valid input",
			weaken:  func(s *refService) { s.rejectValid = true },
			want:    []string{"validation/valid-message"},
			wantGot: "status 422",
		},
		{
			name:    "the RateLimit-Policy of another limit",
			weaken:  func(s *refService) { s.policy = "100;w=900" },
			want:    []string{"ratelimit/fields", "ratelimit/fields-429"},
			wantGot: `RateLimit-Policy: "100;w=900"`,
		},
		{
			name:    "RateLimit-Remaining off by one",
			weaken:  func(s *refService) { s.remainingPlusOne = true },
			want:    []string{"ratelimit/fields", "ratelimit/countdown"},
			wantGot: `RateLimit-Remaining: "40"`,
		},
		{
			name:    "every Origin value sent back, as rs/cors does",
			weaken:  func(s *refService) { s.everyOrigin = true },
			want:    []string{"cors/several-origins[" + app + ", " + evil + "]"},
			wantGot: `Access-Control-Allow-Origin sent 2 times: ["https://app.example" "https://evil.example"]`,
		},
		{
			name:    "duplicate and case-folded JSON keys accepted, as encoding/json does",
			weaken:  func(s *refService) { s.lenientJSON = true },
			want:    []string{"json/duplicate-key", "json/case-folded-key"},
			wantGot: "status 200",
		},
		{
			name: "only the first of two X-API-Key fields read",
			weaken: func(s *refService) {
				s.apiKey = "probe-test-key"
				s.firstCredential = true
			},
			cfg: func(c *Config) {
				c.Auth = "apikey"
				c.Credential = "X-API-Key: probe-test-key"
			},
			want:    []string{"auth/several-credentials[twice]", "auth/several-credentials[valid-first]"},
			wantGot: "status 200",
		},
		{
			name:    "429 without Retry-After",
			weaken:  func(s *refService) { s.noRetryAfter = true },
			want:    []string{"ratelimit/retry-after"},
			wantGot: "no Retry-After",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := baseConfig()
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			ref := refFor(cfg)
			tt.weaken(ref)
			rep := probe(t, ref, cfg)
			got := rep.Failures()
			if !sameSet(got, tt.want) {
				t.Errorf("failed checks:\n got  %v\n want %v\n%s", got, tt.want, dump(rep))
			}
			if rep.OK() {
				t.Errorf("the weak server passed")
			}
			if tt.wantGot != "" {
				if r, _ := rep.Result(tt.want[0]); !strings.Contains(r.Got, tt.wantGot) {
					t.Errorf("%s got %q, want it to say %q", tt.want[0], r.Got, tt.wantGot)
				}
			}
		})
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestProbeBareNetHTTP probes a server written without any care and checks
// the failures name the missing controls.
func TestProbeBareNetHTTP(t *testing.T) {
	rep := probe(t, bareService(), baseConfig())
	failed := rep.Failures()
	for _, name := range []string{
		"headers/200", "headers/404", "error-json/404", "headers/405", "error-json/405",
		"status/413", "no-leak/400", "validation/empty-message", "validation/unknown-field",
		"cors/allow-origin[" + app + "]", "cors/vary[" + evil + "]", "preflight/allowed[" + app + "]",
		"status/401", "ratelimit/fields", "ratelimit/429",
	} {
		if !slices.Contains(failed, name) {
			t.Errorf("%s did not fail", name)
		}
	}
	r, _ := rep.Result("headers/404")
	for _, want := range []string{"no Content-Security-Policy", "no Strict-Transport-Security", "no X-Frame-Options"} {
		if !strings.Contains(r.Got, want) {
			t.Errorf("headers/404 got %q, want it to say %q", r.Got, want)
		}
	}
	r, _ = rep.Result("error-json/404")
	if !strings.Contains(r.Got, `Content-Type "text/plain; charset=utf-8"`) {
		t.Errorf("error-json/404 got %q, want the text/plain content type named", r.Got)
	}
	r, _ = rep.Result("no-leak/400")
	if !strings.Contains(r.Got, `"unexpected EOF"`) {
		t.Errorf("no-leak/400 got %q, want the decoder's text named", r.Got)
	}
	for _, name := range []string{"status/200", "no-leak/200", "validation/valid-message", "preflight/unlisted-header[" + app + "]"} {
		if slices.Contains(failed, name) {
			t.Errorf("%s failed, but the bare server does that right", name)
		}
	}
}

// TestProbeServerHeader fails a service that names itself.
func TestProbeServerHeader(t *testing.T) {
	cfg := baseConfig()
	ref := refFor(cfg)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", "Apache/2.4.1")
		w.Header().Set("X-Powered-By", "Express")
		ref.ServeHTTP(w, r)
	})
	rep := probe(t, h, cfg)
	for _, name := range []string{"headers/200", "headers/404", "headers/405", "headers/413", "headers/400", "headers/401", "headers/429"} {
		r, ok := rep.Result(name)
		if !ok || r.Status != Fail || !strings.Contains(r.Got, `Server: "Apache/2.4.1" sent`) || !strings.Contains(r.Got, "X-Powered-By") {
			t.Errorf("%s = %+v, want a failure naming Server and X-Powered-By", name, r)
		}
	}
}

// TestProbeRateLimitNotRun checks the quota is left alone without
// CheckRateLimit, and the fields are still checked on the first response.
func TestProbeRateLimitNotRun(t *testing.T) {
	cfg := baseConfig()
	cfg.CheckRateLimit = false
	ref := refFor(cfg)
	rep := probe(t, ref, cfg)
	if !rep.OK() {
		t.Fatalf("failed:\n%s", dump(rep))
	}
	r, _ := rep.Result("ratelimit/429")
	if r.Status != Skip || !strings.Contains(r.Got, "--rate-limit") {
		t.Errorf("ratelimit/429 = %+v, want a skip pointing at --rate-limit", r)
	}
	if r, _ := rep.Result("ratelimit/fields"); r.Status != Pass {
		t.Errorf("ratelimit/fields = %+v, want pass", r)
	}
	ref.mu.Lock()
	defer ref.mu.Unlock()
	for ip, w := range ref.windows {
		if w.count > 20 {
			t.Errorf("%s spent %d requests of the quota without CheckRateLimit", ip, w.count)
		}
	}
}

// TestProbeQuotaPartlySpent starts the probe with part of the quota gone,
// as on a service in use: up to the point where the probe's own requests
// leave none for the rate-limit check, whose first request is then refused.
func TestProbeQuotaPartlySpent(t *testing.T) {
	for _, spent := range []int{10, 20, 21} {
		t.Run(strconv.Itoa(spent), func(t *testing.T) {
			t.Parallel()
			cfg := baseConfig()
			srv := httptest.NewServer(refFor(cfg))
			defer srv.Close()
			for range spent {
				resp, err := http.Get(srv.URL + "/api/hello")
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
			}
			cfg.URL = srv.URL
			rep, err := Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK() {
				t.Fatalf("failed:\n%s", dump(rep))
			}
			for _, name := range []string{"ratelimit/429", "ratelimit/retry-after", "ratelimit/fields-429", "headers/429", "cors/429[" + app + "]"} {
				if r, _ := rep.Result(name); r.Status != Pass {
					t.Errorf("%s = %+v, want pass", name, r)
				}
			}
		})
	}
}

// TestProbeAuthAndLimitUnknown skips what it was not told about.
func TestProbeAuthAndLimitUnknown(t *testing.T) {
	cfg := baseConfig()
	ref := refFor(cfg)
	cfg.Auth = ""
	cfg.Limit = Limit{}
	rep := probe(t, ref, cfg)
	for _, name := range []string{"auth/401", "ratelimit/fields", "ratelimit/429"} {
		if r, _ := rep.Result(name); r.Status != Skip {
			t.Errorf("%s = %+v, want skip", name, r)
		}
	}
	// Without a configured limit the RateLimit fields need not be exposed.
	if r, _ := rep.Result("cors/expose-headers[" + app + "]"); r.Status != Pass || strings.Contains(r.Want, "RateLimit") {
		t.Errorf("cors/expose-headers = %+v, want pass without RateLimit fields", r)
	}
}

func TestProbeUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err := Run(context.Background(), Config{URL: url, Timeout: time.Second})
	if err == nil || !strings.Contains(err.Error(), "cannot reach") {
		t.Fatalf("Run on a closed port: %v, want cannot reach", err)
	}
}

func TestProbeRefusesRemote(t *testing.T) {
	for _, u := range []string{"http://example.com", "https://10.0.0.1:8443", "http://[2001:db8::1]:80", "http://127.0.0.1.example.com"} {
		if _, err := Run(context.Background(), Config{URL: u}); err == nil || !strings.Contains(err.Error(), "--allow-remote") {
			t.Errorf("Run(%s): %v, want a refusal naming --allow-remote", u, err)
		}
	}
}

func TestParseURL(t *testing.T) {
	for raw, want := range map[string]string{
		"http://127.0.0.1:8080":      "http://127.0.0.1:8080",
		"http://localhost:8080/":     "http://localhost:8080",
		"https://[::1]:8443/svc/":    "https://[::1]:8443/svc",
		"http://127.1.2.3":           "http://127.1.2.3",
		"http://[::ffff:127.0.0.1]/": "http://[::ffff:127.0.0.1]",
	} {
		u, err := ParseURL(raw, false)
		if err != nil || u.String() != want {
			t.Errorf("ParseURL(%q) = %v, %v; want %s", raw, u, err, want)
		}
	}
	for _, raw := range []string{"", "127.0.0.1:8080", "ftp://127.0.0.1", "http://", "http://u:p@127.0.0.1", "http://127.0.0.1/?a=1", "http://127.0.0.1/#x", "http://192.168.1.1", "http://example.com"} {
		if _, err := ParseURL(raw, false); err == nil {
			t.Errorf("ParseURL(%q) accepted", raw)
		}
	}
	if _, err := ParseURL("https://staging.example.com", true); err != nil {
		t.Errorf("ParseURL with allowRemote: %v", err)
	}
}

func TestLoopbackOnly(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:80": true, "[::1]:443": true, "127.9.9.9:1": true, "[::ffff:127.0.0.1]:80": true,
		"10.0.0.1:80": false, "[2001:db8::1]:80": false, "192.0.2.1:8080": false, "garbage": false,
	} {
		if err := loopbackOnly("tcp", addr, nil); (err == nil) != ok {
			t.Errorf("loopbackOnly(%s) = %v, want ok=%v", addr, err, ok)
		}
	}
}

func TestParseLimit(t *testing.T) {
	for v, want := range map[string]Limit{
		"100/15m": {100, 15 * time.Minute}, "1/1s": {1, time.Second}, "off": {}, " 5/1h ": {5, time.Hour},
	} {
		if got, err := ParseLimit(v); err != nil || got != want {
			t.Errorf("ParseLimit(%q) = %v, %v; want %v", v, got, err, want)
		}
	}
	for _, v := range []string{"", "100", "0/1m", "-1/1m", "+5/1m", "5/0s", "5/500ms", "5/48h", "5/15", "x/1m", "2000000/1m"} {
		if _, err := ParseLimit(v); err == nil {
			t.Errorf("ParseLimit(%q) accepted", v)
		}
	}
}

func TestParseSize(t *testing.T) {
	for v, want := range map[string]int64{"1MiB": 1 << 20, "100KB": 100000, "4096": 4096, "1 GiB": 1 << 30, "512KiB": 512 << 10} {
		if got, err := ParseSize(v); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", v, got, err, want)
		}
	}
	for _, v := range []string{"", "1", "1023", "2GiB", "1TB", "-1MiB", "1.5MiB", "MiB"} {
		if _, err := ParseSize(v); err == nil {
			t.Errorf("ParseSize(%q) accepted", v)
		}
	}
}

func TestParseManifest(t *testing.T) {
	data := []byte(`# securegen.yaml
securegen: v0.1.0
answers:
  module: example.com/orders
  framework: chi
  cors:
    origins: [https://app.example, https://b.example]
    credentials: true
  rate_limit:
    limit: 100/15m
    scope: /api/
    store: redis
  auth: session
  body_limit: 512KiB
  future_key: ignored
`)
	var cfg Config
	if err := ParseManifest(data, &cfg); err != nil {
		t.Fatal(err)
	}
	want := Config{
		Origins: []string{"https://app.example", "https://b.example"}, Credentials: true,
		Limit: Limit{100, 15 * time.Minute}, LimitScope: "/api/", Auth: "session", BodyLimit: 512 << 10,
	}
	if got, _ := json.Marshal(cfg); string(got) != string(must(json.Marshal(want))) {
		t.Errorf("ParseManifest = %+v, want %+v", cfg, want)
	}
	for _, bad := range []string{"answers: [", "answers:\n  rate_limit:\n    limit: lots\n", "answers:\n  body_limit: huge\n", "answers:\n  rate_limit:\n    scope: api\n"} {
		if err := ParseManifest([]byte(bad), &Config{}); err == nil {
			t.Errorf("ParseManifest(%q) accepted", bad)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestHeaderRules(t *testing.T) {
	for v, ok := range map[string]bool{
		"default-src 'none'; frame-ancestors 'none'":               true,
		"default-src 'none';frame-ancestors 'none';sandbox":        true,
		"DEFAULT-SRC 'NONE'; frame-ancestors 'none'":               true,
		"default-src 'self'; frame-ancestors 'none'":               false,
		"default-src 'none'":                                       false,
		"default-src 'none' https:; frame-ancestors 'none'":        false,
		"frame-ancestors 'none'; default-src 'none' 'unsafe-eval'": false,
	} {
		if cspOK(v) != ok {
			t.Errorf("cspOK(%q) = %v", v, !ok)
		}
	}
	for v, ok := range map[string]bool{
		"max-age=63072000; includeSubDomains":          true,
		"max-age=31536000; includeSubDomains; preload": true,
		`max-age="63072000"; includesubdomains`:        true,
		"max-age=31535999; includeSubDomains":          false,
		"max-age=63072000":                             false,
		"includeSubDomains":                            false,
	} {
		if hstsOK(v) != ok {
			t.Errorf("hstsOK(%q) = %v", v, !ok)
		}
	}
	for v, want := range map[string][3]int{
		"100;w=900":               {100, 900, 1},
		`"default";q=100;w=900`:   {100, 900, 1},
		"100;w=900, 1000;w=86400": {100, 900, 1},
		"100":                     {100, 0, 0},
		"":                        {0, 0, 0},
	} {
		n, w, ok := parsePolicy(v)
		if ok != (want[2] == 1) || (ok && (n != want[0] || w != want[1])) {
			t.Errorf("parsePolicy(%q) = %d, %d, %v; want %v", v, n, w, ok, want)
		}
	}
}

func TestLeakProblems(t *testing.T) {
	for _, body := range []string{
		"panic: runtime error: index out of range [3] with length 3\n\ngoroutine 7 [running]:\nmain.handler()\n\t/home/dev/svc/main.go:42 +0x1d",
		`{"error":"invalid character '}' looking for beginning of object key string"}`,
		`{"error":"json: cannot unmarshal number into Go struct field .message of type string"}`,
		"SyntaxError: Unexpected token } in JSON at position 9\n    at JSON.parse (<anonymous>)\n    at Object.parse (/app/node_modules/body-parser/lib/types/json.js:89:19)",
		`{"error":"open /var/lib/app/data.db: permission denied"}`,
	} {
		if len(leakProblems([]byte(body))) == 0 {
			t.Errorf("no leak found in %q", body)
		}
	}
	for _, body := range []string{`{"error":"malformed JSON"}`, `{"error":"not found","request_id":"01J9Z"}`, `{"message":"hello"}`, `{"error":"unknown field \"x\""}`} {
		if p := leakProblems([]byte(body)); len(p) > 0 {
			t.Errorf("leak found in %q: %v", body, p)
		}
	}
}

func TestReportText(t *testing.T) {
	rep := &Report{URL: "http://127.0.0.1:1", Checks: []Result{
		{Name: "headers/200", Status: Pass, Request: "GET /api/hello", Want: "x"},
		{Name: "headers/404", Status: Fail, Request: "GET /nope", Want: "the headers", Got: "no X-Frame-Options"},
		{Name: "headers/500", Status: Skip, Got: "cannot be provoked"},
	}}
	rep.count()
	want := `probe http://127.0.0.1:1
PASS  headers/200 (GET /api/hello)
FAIL  headers/404 (GET /nope): want the headers; got no X-Frame-Options
SKIP  headers/500: cannot be provoked
1 passed, 1 failed, 1 skipped
`
	if got := dump(rep); got != want {
		t.Errorf("WriteText:\n%s\nwant:\n%s", got, want)
	}
	if rep.OK() || !slices.Equal(rep.Failures(), []string{"headers/404"}) {
		t.Errorf("OK/Failures wrong: %v %v", rep.OK(), rep.Failures())
	}
}

// A quota smaller than the probe's own requests: checks that meet a 429
// before the rate-limit check are skipped, saying why, not failed; the
// rate-limit checks still run and pass.
func TestProbeSmallQuota(t *testing.T) {
	cfg := baseConfig()
	cfg.Limit = Limit{Requests: 5, Window: time.Minute}
	rep := probe(t, refFor(cfg), cfg)
	if !rep.OK() {
		t.Fatalf("failed:\n%s", dump(rep))
	}
	limited := 0
	for _, c := range rep.Checks {
		if c.Status == Skip && strings.Contains(c.Got, "rate limited before this check could run") {
			limited++
		}
	}
	if limited == 0 {
		t.Errorf("no check reported as rate limited:\n%s", dump(rep))
	}
	for _, name := range []string{"ratelimit/429", "ratelimit/retry-after", "ratelimit/fields-429", "headers/429"} {
		if r, _ := rep.Result(name); r.Status != Pass {
			t.Errorf("%s = %+v, want pass", name, r)
		}
	}
}

// With a credential, the reference service, which reads every X-API-Key
// field, passes the checks of two fields, and the credential never appears
// in the report.
func TestProbeSeveralCredentials(t *testing.T) {
	cfg := baseConfig()
	cfg.Auth = "apikey"
	cfg.Credential = "X-API-Key: probe-test-key"
	ref := refFor(cfg)
	ref.apiKey = "probe-test-key"
	rep := probe(t, ref, cfg)
	if !rep.OK() {
		t.Fatalf("failed:\n%s", dump(rep))
	}
	for _, name := range []string{"auth/credential", "auth/several-credentials[twice]", "auth/several-credentials[valid-first]", "auth/several-credentials[valid-last]"} {
		if r, _ := rep.Result(name); r.Status != Pass {
			t.Errorf("%s = %+v, want pass", name, r)
		}
	}
	if out := dump(rep); strings.Contains(out, "probe-test-key") {
		t.Errorf("the report shows the credential:\n%s", out)
	}
	// A credential the service refuses: said so, and the checks skipped.
	cfg.Credential = "X-API-Key: wrong"
	ref = refFor(cfg)
	ref.apiKey = "probe-test-key"
	rep = probe(t, ref, cfg)
	if r, _ := rep.Result("auth/credential"); r.Status != Fail {
		t.Errorf("auth/credential with a refused credential = %+v, want fail", r)
	}
	if r, _ := rep.Result("auth/several-credentials"); r.Status != Skip {
		t.Errorf("auth/several-credentials with a refused credential = %+v, want skip", r)
	}
}
