package probe

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// refService is a compact service that meets the baseline. Each weakness
// knob breaks one control, which makes the deliberately weak servers the
// probe must fail for the right reason.
type refService struct {
	origins     []string
	credentials bool
	limit       Limit
	bodyLimit   int64

	reflectAnyOrigin bool              // CORS allows every origin, with credentials
	wildcardCORS     bool              // Access-Control-Allow-Origin: * with credentials
	noVary           bool              // no Vary: Origin
	noRateLimit      bool              // no rate limiting at all
	noRetryAfter     bool              // 429 without Retry-After
	goErrors         bool              // 400 bodies carry the JSON decoder's error text
	leakPanics       bool              // malformed JSON panics; the recovery prints the stack
	remainingPlusOne bool              // RateLimit-Remaining one higher than the truth
	headers          map[string]string // replace security headers; "" deletes one
	extra            http.Header       // headers added to every response, after the rest
	errorKey         string            // the key of error messages, if not "error"
	noAllow          bool              // 405 without Allow
	noExpose         bool              // no Access-Control-Expose-Headers
	noMaxAge         bool              // preflights without Access-Control-Max-Age
	echoReqHeaders   bool              // preflights allow any requested header, as Express's cors does
	allowHeaders     string            // the request headers preflights allow, if not the right ones
	policy           string            // a RateLimit-Policy other than the true one
	vagueValidation  bool              // validation errors do not name the field
	rejectValid      bool              // the validator refuses valid input too
	everyOrigin      bool              // every Origin value back as Access-Control-Allow-Origin, as rs/cors does
	lenientJSON      bool              // duplicate and case-folded member names accepted, as encoding/json does
	firstCredential  bool              // only the first X-API-Key field is read
	apiKey           string            // the X-API-Key /api/me accepts; "" accepts none

	mu      sync.Mutex
	windows map[string]*window // rate-limit windows by client IP
}

type window struct {
	start time.Time
	count int
}

var refSecurityHeaders = map[string]string{
	"Content-Security-Policy":           "default-src 'none'; frame-ancestors 'none'",
	"Cross-Origin-Opener-Policy":        "same-origin",
	"Cross-Origin-Resource-Policy":      "same-origin",
	"Origin-Agent-Cluster":              "?1",
	"Referrer-Policy":                   "no-referrer",
	"Strict-Transport-Security":         "max-age=63072000; includeSubDomains",
	"X-Content-Type-Options":            "nosniff",
	"X-Dns-Prefetch-Control":            "off",
	"X-Download-Options":                "noopen",
	"X-Frame-Options":                   "DENY",
	"X-Permitted-Cross-Domain-Policies": "none",
	"X-Xss-Protection":                  "0",
	"Permissions-Policy":                "camera=(), geolocation=(), microphone=(), payment=(), usb=()",
	"Cache-Control":                     "no-store",
}

func (s *refService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for k, v := range refSecurityHeaders {
		w.Header().Set(k, v)
	}
	for k, v := range s.headers {
		if v == "" {
			w.Header().Del(k)
		} else {
			w.Header().Set(k, v)
		}
	}
	for k, vs := range s.extra {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	defer func() {
		if v := recover(); v != nil {
			if s.leakPanics {
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				w.WriteHeader(http.StatusInternalServerError)
				fmt.Fprintf(w, "panic: %v\n\n%s", v, debug.Stack())
				return
			}
			s.writeError(w, http.StatusInternalServerError, "internal error")
		}
	}()
	if s.cors(w, r) {
		return
	}
	if strings.HasPrefix(r.URL.Path, "/api/") && !s.allow(w, r) {
		return
	}
	switch r.URL.Path {
	case "/api/hello":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if !s.noAllow {
				w.Header().Set("Allow", "GET, HEAD")
			}
			s.writeError(w, http.StatusMethodNotAllowed, "method not allowed")
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"message": "hello"})
	case "/api/echo":
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			s.writeError(w, http.StatusMethodNotAllowed, "method not allowed")
			return
		}
		s.echo(w, r)
	case "/api/me":
		keys := r.Header.Values("X-API-Key")
		if s.firstCredential && len(keys) > 0 {
			keys = keys[:1]
		}
		if s.apiKey != "" && len(keys) == 1 && keys[0] == s.apiKey {
			writeJSON(w, http.StatusOK, map[string]string{"subject": "probe"})
			return
		}
		s.writeError(w, http.StatusUnauthorized, "authentication required")
	default:
		s.writeError(w, http.StatusNotFound, "not found")
	}
}

// cors sets the CORS headers and reports whether it answered a preflight.
func (s *refService) cors(w http.ResponseWriter, r *http.Request) bool {
	h := w.Header()
	if !s.noVary {
		h.Add("Vary", "Origin")
	}
	origin := r.Header.Get("Origin")
	preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
	allowed := origin != "" && (slices.Contains(s.origins, origin) || s.reflectAnyOrigin || s.wildcardCORS)
	if allowed {
		h.Set("Access-Control-Allow-Origin", origin)
		if s.everyOrigin {
			h["Access-Control-Allow-Origin"] = r.Header.Values("Origin")
		}
		if s.wildcardCORS {
			h.Set("Access-Control-Allow-Origin", "*")
		}
		if s.credentials || s.reflectAnyOrigin || s.wildcardCORS {
			h.Set("Access-Control-Allow-Credentials", "true")
		}
		if preflight {
			h.Set("Access-Control-Allow-Methods", "GET, POST")
			h.Set("Access-Control-Allow-Headers", "Content-Type, Authorization")
			if s.allowHeaders != "" {
				h.Set("Access-Control-Allow-Headers", s.allowHeaders)
			}
			if s.echoReqHeaders {
				h.Set("Access-Control-Allow-Headers", r.Header.Get("Access-Control-Request-Headers"))
			}
			if !s.noMaxAge {
				h.Set("Access-Control-Max-Age", "600")
			}
		} else if !s.noExpose {
			h.Set("Access-Control-Expose-Headers", "RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy, Retry-After, X-Request-Id")
		}
	}
	if preflight {
		w.WriteHeader(http.StatusNoContent)
	}
	return preflight
}

// allow counts the request in its client's fixed window and reports whether
// it may proceed; a refused request has been answered with 429.
func (s *refService) allow(w http.ResponseWriter, r *http.Request) bool {
	if s.limit.Requests == 0 || s.noRateLimit {
		return true
	}
	ip, _, _ := net.SplitHostPort(r.RemoteAddr)
	now := time.Now()
	s.mu.Lock()
	if s.windows == nil {
		s.windows = map[string]*window{}
	}
	win := s.windows[ip]
	if win == nil || now.Sub(win.start) >= s.limit.Window {
		win = &window{start: now}
		s.windows[ip] = win
	}
	win.count++
	count, left := win.count, win.start.Add(s.limit.Window).Sub(now)
	s.mu.Unlock()

	n := s.limit.Requests
	reset := strconv.Itoa(int(math.Ceil(left.Seconds())))
	h := w.Header()
	h.Set("RateLimit-Policy", fmt.Sprintf("%d;w=%d", n, int(s.limit.Window.Seconds())))
	if s.policy != "" {
		h.Set("RateLimit-Policy", s.policy)
	}
	h.Set("RateLimit-Limit", strconv.Itoa(n))
	remaining := max(0, n-count)
	if s.remainingPlusOne && count <= n {
		remaining++
	}
	h.Set("RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("RateLimit-Reset", reset)
	if count > n {
		if !s.noRetryAfter {
			h.Set("Retry-After", reset)
		}
		s.writeError(w, http.StatusTooManyRequests, "too many requests")
		return false
	}
	return true
}

func (s *refService) echo(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, s.bodyLimit)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s.writeError(w, http.StatusRequestEntityTooLarge, "request body too large")
		return
	}
	if !s.lenientJSON && ambiguousKeys(body) {
		s.writeError(w, http.StatusBadRequest, "ambiguous JSON request body")
		return
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var in struct {
		Message string `json:"message"`
	}
	if err := dec.Decode(&in); err != nil {
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			s.writeError(w, http.StatusRequestEntityTooLarge, "request body too large")
		case s.leakPanics:
			panic(err)
		case s.goErrors:
			s.writeError(w, http.StatusBadRequest, err.Error())
		case strings.HasPrefix(err.Error(), "json: unknown field ") && !s.vagueValidation:
			s.writeError(w, http.StatusBadRequest, "unknown field "+strings.TrimPrefix(err.Error(), "json: unknown field "))
		default:
			s.writeError(w, http.StatusBadRequest, "malformed JSON")
		}
		return
	}
	if in.Message == "" || len(in.Message) > 1000 || s.rejectValid {
		if s.vagueValidation {
			s.writeError(w, http.StatusUnprocessableEntity, "invalid input")
			return
		}
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
			s.key():  "invalid input",
			"fields": map[string]string{"message": "must be 1 to 1000 characters"},
		})
		return
	}
	writeJSON(w, http.StatusOK, in)
}

// ambiguousKeys reports whether the top-level object in body has a member
// name twice or one that is "message" only when case is ignored.
func ambiguousKeys(body []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		key, ok := t.(string)
		if err != nil || !ok {
			return false
		}
		if seen[key] || key != "message" && strings.EqualFold(key, "message") {
			return true
		}
		seen[key] = true
		var v json.RawMessage
		if dec.Decode(&v) != nil {
			return false
		}
	}
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *refService) writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{s.key(): msg})
}

func (s *refService) key() string {
	if s.errorKey != "" {
		return s.errorKey
	}
	return "error"
}

// bareService is what net/http gives without any care: default 404 and 405
// text, no security headers, no CORS, no limits, decoder errors in 400s.
func bareService() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/hello", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"message": "hello"})
	})
	mux.HandleFunc("POST /api/echo", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Message string `json:"message"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		writeJSON(w, http.StatusOK, in)
	})
	return mux
}
