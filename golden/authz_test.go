package golden

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// API keys of the apikey services authzEnv configures: alice and bob may
// read and write notes, reader may only read them, admin has the scope
// admin.
var authzKeys = map[string]string{
	"alice":  "alice-key-0123456789abcdef0123456789:notes:read notes:write",
	"bob":    "bob-key-0123456789abcdef0123456789:notes:read notes:write",
	"reader": "reader-key-0123456789abcdef0123456789:notes:read",
	"admin":  "admin-key-0123456789abcdef0123456789:admin",
}

// authzEnv adds to env the keys of authzKeys for an apikey service, next
// to the probe's key, which has no scopes.
func authzEnv(auth string, env []string) []string {
	if auth != "apikey" {
		return env
	}
	sum := sha256.Sum256([]byte(testAPIKey))
	hashes := []string{"probe:" + hex.EncodeToString(sum[:])}
	for _, name := range []string{"admin", "alice", "bob", "reader"} {
		key, scopes, _ := strings.Cut(authzKeys[name], ":")
		sum := sha256.Sum256([]byte(key))
		hashes = append(hashes, name+":"+hex.EncodeToString(sum[:])+":"+scopes)
	}
	out := []string{"API_KEY_HASHES=" + strings.Join(hashes, ",")}
	for _, e := range env {
		if !strings.HasPrefix(e, "API_KEY_HASHES=") {
			out = append(out, e)
		}
	}
	return out
}

// principals are the credentials of the callers of a running service, as
// header lines: alice and bob may read and write notes; reader (jwt and
// apikey) only read them; admin (jwt and apikey) has the scope admin.
type principals struct {
	alice, bob, reader, admin string
	// aliceEmail is alice's account (session, oidc), which the users
	// command makes an admin.
	aliceEmail string
}

// newPrincipals returns the callers of the service at url with auth; op is
// the OpenID provider of an oidc service (nil for the other modes).
func newPrincipals(t *testing.T, url, auth string, op *oidcProvider) principals {
	t.Helper()
	switch auth {
	case "jwt":
		bearer := func(sub, scope string) string { return "Authorization: Bearer " + scopedJWT(t, sub, scope) }
		return principals{
			alice: bearer("alice", "notes:read notes:write"), bob: bearer("bob", "notes:read notes:write"),
			reader: bearer("reader", "notes:read"), admin: bearer("admin", "admin"),
		}
	case "apikey":
		key := func(name string) string { k, _, _ := strings.Cut(authzKeys[name], ":"); return "X-API-Key: " + k }
		return principals{alice: key("alice"), bob: key("bob"), reader: key("reader"), admin: key("admin")}
	case "session":
		const password = "correct horse battery staple"
		return principals{
			alice:      signInOver(t, url, "alice@example.com", password, true),
			bob:        signInOver(t, url, "bob@example.com", password, true),
			aliceEmail: "alice@example.com",
		}
	case "oidc":
		if op == nil {
			t.Fatal("auth oidc: no OpenID provider to sign in through")
		}
		// Two subjects at the provider, each with a verified email, which
		// the service records at sign-in and the users command finds.
		return principals{
			alice:      oidcSignIn(t, url, op, "alice-subject-7f3a", "alice@example.com"),
			bob:        oidcSignIn(t, url, op, "bob-subject-91c2", "bob@example.com"),
			aliceEmail: "alice@example.com",
		}
	}
	t.Fatalf("no principals for auth %s", auth)
	return principals{}
}

// checkAuthorization checks, against the running service at url built
// from dir (binary bin), who reaches what: alice's note is invisible and
// unchangeable for bob; a caller without notes:write gets 403 on POST;
// the admin route is 403 for a plain caller and 200 for an admin (for
// session and oidc: after "svc users grant"); and securegen probe
// (securegen at sg) passes its authz checks with alice's and bob's
// credentials. op is the OpenID provider of an oidc service, nil otherwise.
func checkAuthorization(t *testing.T, sg, svcBin, dir, url, auth string, env []string, op *oidcProvider) (secrets []string) {
	t.Helper()
	p := newPrincipals(t, url, auth, op)
	accounts := auth == "session" || auth == "oidc" // roles stored with the account
	resp, body := call(t, url, "POST", "/api/notes", `{"title":"alice's","body":"private"}`, p.alice)
	var note struct{ ID string }
	if resp.StatusCode != http.StatusCreated || json.Unmarshal([]byte(body), &note) != nil || note.ID == "" {
		t.Fatalf("alice's POST /api/notes: %d %s, want 201 with the note", resp.StatusCode, body)
	}
	for _, c := range []struct{ method, body string }{{"GET", ""}, {"PUT", `{"title":"bob's","body":""}`}, {"DELETE", ""}} {
		if resp, body := call(t, url, c.method, "/api/notes/"+note.ID, c.body, p.bob); resp.StatusCode != http.StatusNotFound {
			t.Errorf("bob's %s of alice's note: %d %s, want 404", c.method, resp.StatusCode, body)
		}
	}
	if _, body := call(t, url, "GET", "/api/notes", "", p.bob); strings.Contains(body, note.ID) {
		t.Errorf("bob's list holds alice's note: %s", body)
	}
	if resp, body := call(t, url, "GET", "/api/notes/"+note.ID, "", p.alice); resp.StatusCode != http.StatusOK || !strings.Contains(body, `"title":"alice's"`) {
		t.Errorf("alice's note after bob's attempts: %d %s, want it unchanged", resp.StatusCode, body)
	}

	admin := "/api/admin/stats"
	if accounts {
		admin = "/api/admin/accounts"
	} else {
		if resp, body := call(t, url, "POST", "/api/notes", `{"title":"t"}`, p.reader); resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST /api/notes without notes:write: %d %s, want 403", resp.StatusCode, body)
		}
	}
	if resp, body := call(t, url, "GET", admin, "", p.alice); resp.StatusCode != http.StatusForbidden {
		t.Errorf("GET %s as a plain caller: %d %s, want 403", admin, resp.StatusCode, body)
	}
	if accounts {
		grant := exec.Command(svcBin, "users", "grant", p.aliceEmail, "admin")
		grant.Dir = dir
		grant.Env = append(os.Environ(), env...)
		if out, err := grant.CombinedOutput(); err != nil {
			t.Fatalf("svc users grant %s admin: %v\n%s", p.aliceEmail, err, out)
		}
		p.admin = p.alice // from its next request on, without signing in again
	}
	if resp, body := call(t, url, "GET", admin, "", p.admin); resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s as an admin: %d %s, want 200", admin, resp.StatusCode, body)
	}

	// The probe, given alice's and bob's credentials.
	flag := map[string]string{"jwt": "--token", "apikey": "--api-key", "session": "--session", "oidc": "--session"}[auth]
	value := func(header string) string {
		_, v, _ := strings.Cut(header, ": ")
		if accounts {
			v = strings.TrimPrefix(v, "__Host-session=")
		}
		if auth == "jwt" {
			v = strings.TrimPrefix(v, "Bearer ")
		}
		return v
	}
	cmd := exec.Command(sg, "probe", "--manifest", filepath.Join(dir, "securegen.yaml"), flag, value(p.alice), flag, value(p.bob), url)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("securegen probe with two principals: %v\n%s", err, out)
	}
	for _, want := range []string{" 0 failed", "PASS  authz/create", "PASS  authz/other-get", "PASS  authz/other-put", "PASS  authz/other-delete", "PASS  authz/other-list", "PASS  authz/owner-get", "PASS  authz/401[POST /api/notes]"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("probe report lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{value(p.alice), value(p.bob)} {
		if strings.Contains(string(out), secret) {
			t.Errorf("the probe report shows a credential:\n%s", out)
		}
	}
	t.Logf("authz: two principals kept apart, admin route guarded; probe %s", lastLine(string(out)))
	return []string{value(p.alice), value(p.bob)}
}
