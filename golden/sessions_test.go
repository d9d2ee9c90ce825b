package golden

import (
	"net/http"
	"strings"
	"testing"
)

// checkSessions drives the running session service over real HTTP as a
// browser app on the spa-backend origin would: register, sign in, call
// /api/me with the cookie, be refused a cross-site POST, sign out.
func checkSessions(t *testing.T, url string) {
	t.Helper()
	send := func(method, path, body string, header ...string) (*http.Response, string) {
		t.Helper()
		return call(t, url, method, path, body, header...)
	}
	expect := func(what string, resp *http.Response, body string, status int) {
		t.Helper()
		if resp.StatusCode != status {
			t.Fatalf("%s: %d %s, want %d", what, resp.StatusCode, body, status)
		}
	}
	const creds = `{"email":"ada@example.com","password":"correct horse battery staple"}`
	app := "Origin: http://localhost:3000"

	resp, body := send("GET", "/api/me", "")
	expect("GET /api/me without a cookie", resp, body, http.StatusUnauthorized)
	if body != `{"error":"authentication required"}` {
		t.Errorf("401 body %s", body)
	}
	resp, body = send("POST", "/api/register", creds, app, "Sec-Fetch-Site: same-site")
	expect("register from the app's origin", resp, body, http.StatusCreated)
	resp, body = send("POST", "/api/login", `{"email":"ada@example.com","password":"wrong password, long enough"}`, app, "Sec-Fetch-Site: same-site")
	expect("login with a wrong password", resp, body, http.StatusUnauthorized)
	resp, body = send("POST", "/api/login", creds, app, "Sec-Fetch-Site: same-site")
	expect("login", resp, body, http.StatusOK)
	if got := resp.Header.Get("Access-Control-Allow-Credentials"); got != "true" {
		t.Errorf("login from the app's origin: Access-Control-Allow-Credentials %q", got)
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "__Host-session" {
			cookie = c
		}
	}
	if cookie == nil || !cookie.Secure || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" {
		t.Fatalf("session cookie %q: want __Host-session, Secure, HttpOnly, SameSite=Lax, Path=/", resp.Header.Values("Set-Cookie"))
	}
	session := "Cookie: __Host-session=" + cookie.Value

	resp, body = send("GET", "/api/me", "", session)
	expect("GET /api/me with the session", resp, body, http.StatusOK)
	resp, body = send("GET", "/api/me", "", "Cookie: __Host-session=forged-"+strings.Repeat("x", 36))
	expect("GET /api/me with a forged cookie", resp, body, http.StatusUnauthorized)
	resp, body = send("POST", "/api/echo", `{"message":"transfer"}`, session, "Origin: https://evil.example", "Sec-Fetch-Site: cross-site")
	expect("cross-site POST with the session cookie", resp, body, http.StatusForbidden)
	if body != `{"error":"cross-origin request refused"}` || resp.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("CSRF refusal: %s, CSP %q", body, resp.Header.Get("Content-Security-Policy"))
	}
	resp, body = send("POST", "/api/logout", "", session, app, "Sec-Fetch-Site: same-site")
	expect("logout", resp, body, http.StatusNoContent)
	resp, body = send("GET", "/api/me", "", session)
	expect("GET /api/me after logout", resp, body, http.StatusUnauthorized)
}
