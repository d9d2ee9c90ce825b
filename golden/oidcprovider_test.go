package golden

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The client the oidc services of the end-to-end tests are registered as
// at the provider: what authEnv("oidc") configures.
const (
	e2eOIDCClientID     = "svc"
	e2eOIDCRedirectURL  = "https://api.example.com/api/auth/callback"
	oidcPendingCookie   = "__Host-oidc-login" // auth.PendingLoginCookie of the generated service
	oidcCodeLifetime    = time.Minute
	oidcIDTokenLifetime = 5 * time.Minute
)

var e2eOIDCClientSecret = strings.Repeat("c", 32)

// oidcProvider is an OpenID Connect provider for the end-to-end tests,
// running in the test process on 127.0.0.1: discovery, a JWKS, an
// authorization endpoint that approves every valid request at once for the
// identity set by signInAs, and a token endpoint that checks the client
// (client_secret_basic or client_secret_post), the code, the redirect_uri
// and the PKCE verifier (S256), and issues an RS256 ID token. It approves
// everyone: test code only.
type oidcProvider struct {
	URL string // the issuer

	clientID, clientSecret, redirectURL string

	key   *rsa.PrivateKey
	keyID string

	mu        sync.Mutex
	subject   string // of the next sign-in
	email     string
	codes     map[string]oidcGrant
	exchanges int
}

// oidcGrant is an issued authorization code and what it was issued for.
type oidcGrant struct {
	redirectURI, challenge, nonce string
	subject, email                string
	expires                       time.Time
}

// oidcKey signs the ID tokens of every provider of the test process: RSA
// key generation is slow.
var oidcKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

// newOIDCProvider starts a provider that knows the one client of
// authEnv("oidc"); it stops when t ends.
func newOIDCProvider(t *testing.T) *oidcProvider {
	t.Helper()
	key, err := oidcKey()
	if err != nil {
		t.Fatal(err)
	}
	p := &oidcProvider{
		clientID: e2eOIDCClientID, clientSecret: e2eOIDCClientSecret, redirectURL: e2eOIDCRedirectURL,
		key: key, keyID: randomText(8), codes: map[string]oidcGrant{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /keys", p.keys)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.ReadHeaderTimeout = 5 * time.Second
	srv.Start() // on 127.0.0.1
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

// env returns env, a generated oidc service's, with OIDC_ISSUER_URL set
// to the provider.
func (p *oidcProvider) env(env []string) []string {
	out := []string{"OIDC_ISSUER_URL=" + p.URL}
	for _, e := range env {
		if !strings.HasPrefix(e, "OIDC_ISSUER_URL=") {
			out = append(out, e)
		}
	}
	return out
}

// signInAs makes the next authorization requests approve subject, with a
// verified email.
func (p *oidcProvider) signInAs(subject, email string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.subject, p.email = subject, email
}

func (p *oidcProvider) discovery(w http.ResponseWriter, _ *http.Request) {
	writeJSONAnswer(w, http.StatusOK, map[string]any{
		"issuer":                                p.URL,
		"authorization_endpoint":                p.URL + "/authorize",
		"token_endpoint":                        p.URL + "/token",
		"jwks_uri":                              p.URL + "/keys",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported":      []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"scopes_supported":                      []string{"openid", "email"},
	})
}

func (p *oidcProvider) keys(w http.ResponseWriter, _ *http.Request) {
	enc := base64.RawURLEncoding
	pub := p.key.PublicKey
	writeJSONAnswer(w, http.StatusOK, map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": p.keyID,
		"n": enc.EncodeToString(pub.N.Bytes()),
		"e": enc.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}})
}

// authorize approves a valid request at once: 302 to the redirect_uri
// with a code and the state. Another client or redirect_uri is 400 without
// a redirect, as at a real provider; a request without state, nonce, the
// openid scope or an S256 challenge is sent back with error=invalid_request.
func (p *oidcProvider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != p.clientID || q.Get("redirect_uri") != p.redirectURL {
		http.Error(w, "unknown client_id or redirect_uri", http.StatusBadRequest)
		return
	}
	back, _ := neturl.Parse(p.redirectURL)
	answer := neturl.Values{}
	if s := q.Get("state"); s != "" {
		answer.Set("state", s)
	}
	p.mu.Lock()
	subject, email := p.subject, p.email
	p.mu.Unlock()
	switch {
	case q.Get("response_type") != "code" || q.Get("state") == "" || q.Get("nonce") == "" ||
		!slices.Contains(strings.Fields(q.Get("scope")), "openid") ||
		q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43:
		answer.Set("error", "invalid_request")
	case subject == "":
		answer.Set("error", "access_denied") // nobody told to sign in
	default:
		code := randomText(32)
		p.mu.Lock()
		p.codes[code] = oidcGrant{
			redirectURI: q.Get("redirect_uri"), challenge: q.Get("code_challenge"), nonce: q.Get("nonce"),
			subject: subject, email: email, expires: time.Now().Add(oidcCodeLifetime),
		}
		p.mu.Unlock()
		answer.Set("code", code)
	}
	back.RawQuery = answer.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// token redeems a code, once, for an access token and an ID token.
func (p *oidcProvider) token(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	r.Body = http.MaxBytesReader(w, r.Body, 1<<16)
	if err := r.ParseForm(); err != nil {
		writeJSONAnswer(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	id, secret, basic := r.BasicAuth()
	if basic { // RFC 6749, section 2.3.1: form-encoded first
		id, _ = neturl.QueryUnescape(id)
		secret, _ = neturl.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if !same(id, p.clientID) || !same(secret, p.clientSecret) {
		writeJSONAnswer(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	if r.PostForm.Get("grant_type") != "authorization_code" {
		writeJSONAnswer(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
		return
	}
	code := r.PostForm.Get("code")
	p.mu.Lock()
	g, ok := p.codes[code]
	delete(p.codes, code) // single use, even when the rest fails
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	if !ok || time.Now().After(g.expires) || r.PostForm.Get("redirect_uri") != g.redirectURI ||
		!same(base64.RawURLEncoding.EncodeToString(sum[:]), g.challenge) {
		writeJSONAnswer(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
		return
	}
	now := time.Now()
	idToken, err := p.sign(map[string]any{
		"iss": p.URL, "aud": p.clientID, "sub": g.subject,
		"iat": now.Unix(), "exp": now.Add(oidcIDTokenLifetime).Unix(), "nonce": g.nonce,
		"email": g.email, "email_verified": true,
	})
	if err != nil {
		writeJSONAnswer(w, http.StatusInternalServerError, map[string]string{"error": "server_error"})
		return
	}
	p.mu.Lock()
	p.exchanges++
	p.mu.Unlock()
	writeJSONAnswer(w, http.StatusOK, map[string]any{
		"access_token": randomText(32), "token_type": "Bearer", "expires_in": 300, "id_token": idToken,
	})
}

// sign returns claims as a compact JWT signed with RS256 (RFC 7515, 7518).
func (p *oidcProvider) sign(claims map[string]any) (string, error) {
	header, err := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": p.keyID})
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	signed := enc.EncodeToString(header) + "." + enc.EncodeToString(payload)
	digest := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, p.key, crypto.SHA256, digest[:])
	if err != nil {
		return "", err
	}
	return signed + "." + enc.EncodeToString(sig), nil
}

// oidcSignIn signs subject (email verified) in on the oidc service at
// base through p as a browser would, redirects by hand: the login's 302
// to the provider with the pending-login cookie, the provider's 302 back
// to OIDC_REDIRECT_URL, whose path and query go to the service, which
// answers 303 with the session cookie. It returns the session cookie as a
// header line.
func oidcSignIn(t *testing.T, base string, p *oidcProvider, subject, email string) string {
	t.Helper()
	p.signInAs(subject, email)
	noRedirects := &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	get := func(url string, header ...string) *http.Response {
		t.Helper()
		req, err := http.NewRequest("GET", url, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range header {
			name, value, _ := strings.Cut(h, ": ")
			req.Header.Set(name, value)
		}
		resp, err := noRedirects.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}

	login := get(base + "/api/auth/login")
	authURL, err := login.Location()
	if login.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(authURL.String(), p.URL+"/authorize?") {
		t.Fatalf("GET /api/auth/login: %d to %q, want 302 to %s/authorize", login.StatusCode, login.Header.Get("Location"), p.URL)
	}
	var pending string
	for _, c := range login.Cookies() {
		if c.Name == oidcPendingCookie {
			pending = c.Value
		}
	}
	if pending == "" {
		t.Fatalf("GET /api/auth/login set no %s cookie: %q", oidcPendingCookie, login.Header.Values("Set-Cookie"))
	}

	approved := get(authURL.String())
	back, err := approved.Location()
	if approved.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(back.String(), p.redirectURL+"?") || back.Query().Get("code") == "" {
		t.Fatalf("the provider's authorization: %d to %q, want 302 to %s with a code", approved.StatusCode, approved.Header.Get("Location"), p.redirectURL)
	}

	callback := get(base+back.RequestURI(), "Cookie: "+oidcPendingCookie+"="+pending)
	if callback.StatusCode != http.StatusSeeOther {
		t.Fatalf("GET %s as %s: %d, want 303 signed in (Set-Cookie %q)", back.Path, subject, callback.StatusCode, callback.Header.Values("Set-Cookie"))
	}
	for _, c := range callback.Cookies() {
		if c.Name == "__Host-session" && c.Value != "" {
			return "Cookie: __Host-session=" + c.Value
		}
	}
	t.Fatalf("the callback signed %s in without a session cookie: %q", subject, callback.Header.Values("Set-Cookie"))
	return ""
}

func same(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// randomText returns n random bytes, base64url-encoded.
func randomText(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func writeJSONAnswer(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
