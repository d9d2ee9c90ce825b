package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// notesRoutesText is the route manifest of notesService, as a generated
// project's route test writes it.
const notesRoutesText = `# METHOD PATH ACCESS, sorted by path then method
GET /api/admin/accounts scopes admin
GET /api/echo public
GET /api/hello public
GET /api/me authenticated
GET /api/notes scopes notes:read
POST /api/notes scopes notes:write
DELETE /api/notes/{id} scopes notes:write
GET /api/notes/{id} scopes notes:read
PUT /api/notes/{id} scopes notes:write
`

var notesServiceRoutes = func() []Route {
	routes, err := ParseRoutes("routes.golden", []byte(notesRoutesText))
	if err != nil {
		panic(err)
	}
	return routes
}()

// Credentials of notesService's principals. tokenA2 is alice's too.
const (
	tokenA       = "alice-credential-0123456789abcdef"
	tokenA2      = "alice-second-credential-0123456789"
	tokenB       = "bob-credential-fedcba9876543210"
	tokenReader  = "carol-credential-reads-only-0123"
	tokenUnknown = "nobody-credential-0000000000000"
)

type notePrincipal struct {
	subject string
	scopes  []string
}

type storedNote struct {
	ID    string `json:"id"`
	Owner string `json:"-"`
	Title string `json:"title"`
	Body  string `json:"body"`
}

// notesService is the reference service with the example resource of
// issue 15: /api/me, /api/admin/accounts and /api/notes, each note
// reachable by its owner only. Each weakness knob breaks one rule.
type notesService struct {
	ref      *refService
	kind     CredentialKind
	pageSize int

	openRoute       string // "METHOD PATH" answered 200 without credentials
	forbiddenAnon   bool   // 403 instead of 401 without credentials
	leakGet         bool   // GET answers another owner's note
	leakList        bool   // the list holds every owner's notes, newest first
	leakLast        bool   // the list ends with the other owners' notes
	otherPut        bool   // PUT changes another owner's note, and says so
	silentPut       bool   // PUT changes another owner's note and answers 404
	otherDelete     bool   // DELETE removes another owner's note
	forbidden       bool   // another owner's note is 403, not 404
	echoCredential  bool   // another owner's note is 400 with the credential in the body
	meWithoutScopes bool   // /api/me does not list the caller's scopes

	// onRequest, if set, is called with each request to the notes.
	onRequest func(*http.Request)

	mu    sync.Mutex
	notes []*storedNote // oldest first
	seq   int
}

func newNotesService(kind CredentialKind) *notesService {
	cfg := authzConfig(kind)
	s := &notesService{ref: refFor(cfg), kind: kind, pageSize: 2}
	// Earlier notes of alice and bob, so that lists have several pages.
	for i := range 5 {
		for _, owner := range []string{"alice", "bob"} {
			s.add(owner, owner+"'s note "+strconv.Itoa(i))
		}
	}
	return s
}

var notePrincipals = map[string]notePrincipal{
	tokenA:      {"alice", []string{"notes:read", "notes:write"}},
	tokenA2:     {"alice", []string{"notes:read", "notes:write"}},
	tokenB:      {"bob", []string{"notes:read", "notes:write"}},
	tokenReader: {"carol", []string{"notes:read"}},
}

// authzConfig expects what notesService does, with alice and bob as A and B.
func authzConfig(kind CredentialKind) Config {
	cfg := baseConfig()
	cfg.Limit = Limit{}
	cfg.CheckRateLimit = false
	cfg.Auth = map[CredentialKind]string{BearerToken: "jwt", APIKey: "apikey", SessionCookie: "session"}[kind]
	cfg.Routes = slices.Clone(notesServiceRoutes)
	cfg.Principals = []Credential{{kind, tokenA}, {kind, tokenB}}
	return cfg
}

func (s *notesService) add(owner, title string) *storedNote {
	s.seq++
	n := &storedNote{ID: "n" + strconv.Itoa(s.seq) + "x" + randomHex(4), Owner: owner, Title: title}
	s.notes = append(s.notes, n)
	return n
}

// credential returns the credential value the request carries.
func (s *notesService) credential(r *http.Request) string {
	switch s.kind {
	case BearerToken:
		v, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if ok {
			return v
		}
	case APIKey:
		return r.Header.Get("X-API-Key")
	case SessionCookie:
		if c, err := r.Cookie(SessionCookieName); err == nil {
			return c.Value
		}
	}
	return ""
}

func (s *notesService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if path != "/api/me" && path != "/api/admin/accounts" && path != "/api/notes" && !strings.HasPrefix(path, "/api/notes/") {
		s.ref.ServeHTTP(w, r)
		return
	}
	if s.onRequest != nil {
		s.onRequest(r)
	}
	for k, v := range refSecurityHeaders {
		w.Header().Set(k, v)
	}
	id := strings.TrimPrefix(path, "/api/notes/")
	pattern := path
	if strings.HasPrefix(path, "/api/notes/") {
		pattern = "/api/notes/{id}"
	}
	var route *Route
	methods := []string{}
	for i, rt := range notesServiceRoutes {
		if rt.Path == pattern {
			methods = append(methods, rt.Method)
			if rt.Method == r.Method {
				route = &notesServiceRoutes[i]
			}
		}
	}
	if route == nil {
		w.Header().Set("Allow", strings.Join(methods, ", "))
		s.ref.writeError(w, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	if s.openRoute == r.Method+" "+pattern {
		writeJSON(w, http.StatusOK, map[string]any{"accounts": []string{}})
		return
	}
	cred := s.credential(r)
	pr, ok := notePrincipals[cred]
	if !ok {
		if s.forbiddenAnon && pattern != "/api/me" {
			s.ref.writeError(w, http.StatusForbidden, "forbidden")
			return
		}
		s.ref.writeError(w, http.StatusUnauthorized, "authentication required")
		return
	}
	for _, scope := range route.Scopes {
		if !slices.Contains(pr.scopes, scope) {
			s.ref.writeError(w, http.StatusForbidden, "forbidden")
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case pattern == "/api/me":
		if s.meWithoutScopes {
			writeJSON(w, http.StatusOK, map[string]any{"subject": pr.subject})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"subject": pr.subject, "scopes": pr.scopes})
	case pattern == "/api/admin/accounts":
		writeJSON(w, http.StatusOK, map[string]any{"accounts": []string{}})
	case pattern == "/api/notes" && r.Method == http.MethodPost:
		var in struct{ Title, Body string }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Title == "" {
			s.ref.writeError(w, http.StatusUnprocessableEntity, "title is required")
			return
		}
		n := s.add(pr.subject, in.Title)
		n.Body = in.Body
		writeJSON(w, http.StatusCreated, n)
	case pattern == "/api/notes":
		s.list(w, r, pr.subject)
	default:
		s.note(w, r, pr.subject, id, cred)
	}
}

// list answers GET /api/notes: the owner's notes, newest first, pageSize a
// page, the cursor the offset.
func (s *notesService) list(w http.ResponseWriter, r *http.Request, owner string) {
	var mine, others []*storedNote
	for i := len(s.notes) - 1; i >= 0; i-- {
		n := s.notes[i]
		switch {
		case n.Owner == owner || s.leakList:
			mine = append(mine, n)
		case s.leakLast:
			others = append(others, n)
		}
	}
	mine = append(mine, others...)
	from := 0
	if c := r.URL.Query().Get("cursor"); c != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(c, "c"))
		if err != nil || n < 0 || n > len(mine) {
			s.ref.writeError(w, http.StatusBadRequest, "invalid cursor")
			return
		}
		from = n
	}
	to := min(from+s.pageSize, len(mine))
	out := map[string]any{"notes": mine[from:to]}
	if to < len(mine) {
		out["next"] = "c" + strconv.Itoa(to)
	}
	writeJSON(w, http.StatusOK, out)
}

// note answers GET, PUT and DELETE /api/notes/{id}.
func (s *notesService) note(w http.ResponseWriter, r *http.Request, owner, id, cred string) {
	i := slices.IndexFunc(s.notes, func(n *storedNote) bool { return n.ID == id })
	notFound := func() {
		s.ref.writeError(w, http.StatusNotFound, "not found")
	}
	if i < 0 {
		notFound()
		return
	}
	n := s.notes[i]
	other := n.Owner != owner
	if other && s.echoCredential {
		s.ref.writeError(w, http.StatusBadRequest, "note "+id+" is not the note of "+cred)
		return
	}
	if other && s.forbidden {
		s.ref.writeError(w, http.StatusForbidden, "forbidden")
		return
	}
	switch r.Method {
	case http.MethodGet:
		if other && !s.leakGet {
			notFound()
			return
		}
		writeJSON(w, http.StatusOK, n)
	case http.MethodPut:
		if other && !s.otherPut && !s.silentPut {
			notFound()
			return
		}
		var in struct{ Title, Body string }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Title == "" {
			s.ref.writeError(w, http.StatusUnprocessableEntity, "title is required")
			return
		}
		n.Title, n.Body = in.Title, in.Body
		if other && s.silentPut {
			notFound()
			return
		}
		writeJSON(w, http.StatusOK, n)
	case http.MethodDelete:
		if other && !s.otherDelete {
			notFound()
			return
		}
		s.notes = slices.Delete(s.notes, i, i+1)
		w.WriteHeader(http.StatusNoContent)
	}
}

// probeNotes counts the notes the probe left behind.
func (s *notesService) probeNotes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, note := range s.notes {
		if strings.HasPrefix(note.Title, "securegen probe") {
			n++
		}
	}
	return n
}

// authzResults returns the report's authz checks by status.
func authzResults(rep *Report, status Status) []string {
	var names []string
	for _, c := range rep.Checks {
		if strings.HasPrefix(c.Name, "authz") && c.Status == status {
			names = append(names, c.Name)
		}
	}
	return names
}

var allAuthzPasses = []string{
	"authz/401[GET /api/admin/accounts]", "authz/401[GET /api/me]", "authz/401[GET /api/notes]",
	"authz/401[POST /api/notes]", "authz/401[DELETE /api/notes/{id}]", "authz/401[GET /api/notes/{id}]",
	"authz/401[PUT /api/notes/{id}]",
	"authz/principals", "authz/create", "authz/owner-list", "authz/other-get", "authz/other-put",
	"authz/other-delete", "authz/other-list", "authz/owner-get", "authz/cleanup",
}

// TestAuthzReferencePasses: a service that keeps each principal's notes to
// itself passes every authz check, for each kind of credential, and the
// probe leaves no note behind; no credential is in the report.
func TestAuthzReferencePasses(t *testing.T) {
	for _, kind := range []CredentialKind{BearerToken, APIKey, SessionCookie} {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			svc := newNotesService(kind)
			cfg := authzConfig(kind)
			if kind == BearerToken {
				// With the rate limit checked after the authz checks.
				cfg.Limit, cfg.CheckRateLimit = Limit{Requests: 100, Window: time.Minute}, true
				svc.ref = refFor(cfg)
			}
			rep := probe(t, svc, cfg)
			if !rep.OK() {
				t.Fatalf("the reference service failed:\n%s", dump(rep))
			}
			if got := authzResults(rep, Pass); !slices.Equal(got, allAuthzPasses) {
				t.Errorf("authz passes\n %v\nwant\n %v\n%s", got, allAuthzPasses, dump(rep))
			}
			if n := svc.probeNotes(); n != 0 {
				t.Errorf("the probe left %d notes", n)
			}
			assertNoSecrets(t, rep)
		})
	}
}

func assertNoSecrets(t *testing.T, rep *Report) {
	t.Helper()
	js, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{dump(rep), string(js)} {
		for _, secret := range []string{tokenA, tokenB, tokenA2, tokenReader, tokenUnknown, tokenA[:20], tokenB[:20]} {
			if strings.Contains(out, secret) {
				t.Errorf("the report shows a credential (%.8s...):\n%s", secret, out)
			}
		}
	}
}

// TestAuthzBrokenServices: each broken rule fails the checks that name it.
func TestAuthzBrokenServices(t *testing.T) {
	tests := []struct {
		name     string
		weaken   func(*notesService)
		cfg      func(*Config)
		fail     []string          // the authz checks that fail, in order
		got      map[string]string // what a failure must say
		skip     []string          // the authz checks skipped
		leftover int               // probe notes left behind
	}{
		{
			name:   "route open without credentials",
			weaken: func(s *notesService) { s.openRoute = "GET /api/admin/accounts" },
			fail:   []string{"authz/401[GET /api/admin/accounts]"},
			got:    map[string]string{"authz/401[GET /api/admin/accounts]": "status 200: the route answers without credentials"},
		},
		{
			name:   "403 without credentials",
			weaken: func(s *notesService) { s.forbiddenAnon = true },
			fail: []string{"authz/401[GET /api/admin/accounts]", "authz/401[GET /api/notes]",
				"authz/401[POST /api/notes]", "authz/401[DELETE /api/notes/{id}]", "authz/401[GET /api/notes/{id}]", "authz/401[PUT /api/notes/{id}]"},
			got: map[string]string{"authz/401[PUT /api/notes/{id}]": "status 403: a caller without credentials gets 401"},
		},
		{
			name: "a route the service does not serve",
			cfg: func(c *Config) {
				c.Routes = append(c.Routes, Route{Method: "GET", Path: "/api/reports/{id}", Access: Authenticated})
			},
			fail: []string{"authz/401[GET /api/reports/{id}]"},
			got:  map[string]string{"authz/401[GET /api/reports/{id}]": "status 404: the service does not serve this route; is the route manifest the running service's?"},
		},
		{
			name:   "another owner's note readable",
			weaken: func(s *notesService) { s.leakGet = true },
			fail:   []string{"authz/other-get"},
			got:    map[string]string{"authz/other-get": "status 200: B read A's note"},
		},
		{
			name:   "every owner's notes listed",
			weaken: func(s *notesService) { s.leakList = true },
			fail:   []string{"authz/other-list"},
			got:    map[string]string{"authz/other-list": "is in B's list, page 1"},
		},
		{
			name:   "other owners' notes on the last page",
			weaken: func(s *notesService) { s.leakLast = true },
			fail:   []string{"authz/other-list"},
			got:    map[string]string{"authz/other-list": "is in B's list, page 3"},
		},
		{
			name:   "another owner's note deletable",
			weaken: func(s *notesService) { s.otherDelete = true },
			fail:   []string{"authz/other-delete", "authz/owner-get"},
			got:    map[string]string{"authz/other-delete": "status 204: B deleted A's note", "authz/owner-get": "A's note is gone"},
			skip:   []string{"authz/cleanup"},
		},
		{
			name:   "another owner's note changeable",
			weaken: func(s *notesService) { s.otherPut = true },
			fail:   []string{"authz/other-put", "authz/owner-get"},
			got:    map[string]string{"authz/other-put": "status 200: B changed A's note", "authz/owner-get": "B's PUT changed A's note"},
		},
		{
			name:   "another owner's note changed behind a 404",
			weaken: func(s *notesService) { s.silentPut = true },
			fail:   []string{"authz/owner-get"},
			got:    map[string]string{"authz/owner-get": "changed by B"},
		},
		{
			name:   "403 instead of 404",
			weaken: func(s *notesService) { s.forbidden = true },
			fail:   []string{"authz/other-get", "authz/other-put", "authz/other-delete"},
			got:    map[string]string{"authz/other-delete": "status 403: it tells B that A's note exists"},
		},
		{
			name: "A without notes:write",
			cfg:  func(c *Config) { c.Principals[0].Value = tokenReader },
			fail: []string{"authz/principals"},
			got:  map[string]string{"authz/principals": `A's credential lacks notes:write`},
			skip: []string{"authz/notes"},
		},
		{
			name:   "A cannot create notes",
			weaken: func(s *notesService) { s.meWithoutScopes = true },
			cfg:    func(c *Config) { c.Principals[0].Value = tokenReader },
			fail:   []string{"authz/create"},
			got:    map[string]string{"authz/create": "status 403: A's credential lacks the scope notes:write"},
			skip:   []string{"authz/notes"},
		},
		{
			name: "B not accepted",
			cfg:  func(c *Config) { c.Principals[1].Value = tokenUnknown },
			fail: []string{"authz/principals"},
			got:  map[string]string{"authz/principals": "status 401: B's credential is not accepted"},
			skip: []string{"authz/notes"},
		},
		{
			name: "B without notes:write",
			cfg:  func(c *Config) { c.Principals[1].Value = tokenReader },
			fail: []string{"authz/principals"},
			got:  map[string]string{"authz/principals": `B's credential lacks notes:write (GET /api/me lists ["notes:read"])`},
			skip: []string{"authz/notes"},
		},
		{
			name: "one principal twice",
			cfg:  func(c *Config) { c.Principals[1].Value = tokenA2 },
			fail: []string{"authz/principals"},
			got:  map[string]string{"authz/principals": "both credentials are the same principal"},
			skip: []string{"authz/notes"},
		},
		{
			name:   "credentials echoed in bodies",
			weaken: func(s *notesService) { s.echoCredential = true },
			fail:   []string{"authz/other-get", "authz/other-put", "authz/other-delete"},
			got:    map[string]string{"authz/other-get": "status 400, body \"{\\\"error\\\":\\\"note n11", "authz/other-delete": "is not the note of [credential B]"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc := newNotesService(BearerToken)
			if tt.weaken != nil {
				tt.weaken(svc)
			}
			cfg := authzConfig(BearerToken)
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			rep := probe(t, svc, cfg)
			if got := authzResults(rep, Fail); !slices.Equal(got, tt.fail) {
				t.Errorf("authz failures\n %v\nwant\n %v\n%s", got, tt.fail, dump(rep))
			}
			for name, want := range tt.got {
				if r, _ := rep.Result(name); !strings.Contains(r.Got, want) {
					t.Errorf("%s got %q, want it to say %q", name, r.Got, want)
				}
			}
			if got := authzResults(rep, Skip); !slices.Equal(got, tt.skip) {
				t.Errorf("authz skips %v, want %v\n%s", got, tt.skip, dump(rep))
			}
			if slices.Equal(rep.Failures(), nil) != (len(tt.fail) == 0) {
				t.Errorf("failures %v", rep.Failures())
			}
			for _, f := range rep.Failures() {
				if !strings.HasPrefix(f, "authz") {
					t.Errorf("%s failed too\n%s", f, dump(rep))
				}
			}
			if n := svc.probeNotes(); n != tt.leftover {
				t.Errorf("the probe left %d notes, want %d", n, tt.leftover)
			}
			assertNoSecrets(t, rep)
		})
	}
}

// TestAuthzCleanupAfterInterrupt: interrupted after creating its note,
// the probe still deletes it.
func TestAuthzCleanupAfterInterrupt(t *testing.T) {
	svc := newNotesService(BearerToken)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	svc.onRequest = func(r *http.Request) {
		if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/notes/") && r.Header.Get("Authorization") != "" {
			cancel()
		}
	}
	srv := httptest.NewServer(svc)
	defer srv.Close()
	cfg := authzConfig(BearerToken)
	cfg.URL = srv.URL
	rep, err := Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := rep.Result("authz/cleanup"); r.Status != Pass {
		t.Errorf("authz/cleanup = %+v, want pass\n%s", r, dump(rep))
	}
	if n := svc.probeNotes(); n != 0 {
		t.Errorf("the probe left %d notes", n)
	}
}

// TestAuthzSkips: without routes, principals or notes routes, the checks
// that cannot run are skipped, saying how to run them.
func TestAuthzSkips(t *testing.T) {
	onlyMe, err := ParseRoutes("r", []byte("GET /api/hello public\nGET /api/me authenticated\n"))
	if err != nil {
		t.Fatal(err)
	}
	allPublic, err := ParseRoutes("r", []byte("GET /api/hello public\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		cfg   func(*Config)
		skips map[string]string
	}{
		{"no routes", func(c *Config) { c.Routes, c.Principals = nil, nil }, map[string]string{"authz": "--routes FILE"}},
		{"no principals", func(c *Config) { c.Principals = nil }, map[string]string{"authz/notes": "--token A --token B"}},
		{"no notes routes", func(c *Config) { c.Routes = onlyMe }, map[string]string{"authz/notes": "no POST /api/notes"}},
		{"all public", func(c *Config) { c.Routes, c.Principals = allPublic, nil }, map[string]string{"authz/401": "no route that needs credentials", "authz/notes": "two principals"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc := newNotesService(BearerToken)
			cfg := authzConfig(BearerToken)
			tt.cfg(&cfg)
			rep := probe(t, svc, cfg)
			if !rep.OK() {
				t.Errorf("failed:\n%s", dump(rep))
			}
			var names []string
			for name, want := range tt.skips {
				names = append(names, name)
				if r, _ := rep.Result(name); r.Status != Skip || !strings.Contains(r.Got, want) {
					t.Errorf("%s = %+v, want a skip saying %q", name, r, want)
				}
			}
			slices.Sort(names)
			if got := authzResults(rep, Skip); !slices.Equal(got, names) {
				t.Errorf("skipped %v, want %v", got, names)
			}
		})
	}
}

// TestAuthzConfigErrors: Run refuses principals that are not two distinct
// credentials of one kind, without showing them.
func TestAuthzConfigErrors(t *testing.T) {
	for _, tt := range []struct {
		principals []Credential
		want       string
	}{
		{[]Credential{{BearerToken, tokenA}}, "two principals, A then B; got 1"},
		{[]Credential{{BearerToken, tokenA}, {BearerToken, tokenA}}, "the same"},
		{[]Credential{{BearerToken, tokenA}, {APIKey, tokenB}}, "different kinds"},
		{[]Credential{{BearerToken, "Bearer " + tokenA}, {BearerToken, tokenB}}, "credential A holds a space"},
		{[]Credential{{SessionCookie, tokenA}, {SessionCookie, tokenB + ";x=1"}}, "credential B holds a character a cookie value cannot"},
		{[]Credential{{"basic", tokenA}, {"basic", tokenB}}, "not token, api-key or session"},
	} {
		cfg := authzConfig(BearerToken)
		cfg.URL = "http://127.0.0.1:1"
		cfg.Principals = tt.principals
		_, err := Run(context.Background(), cfg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Run with %v: %v, want %q", tt.principals, err, tt.want)
			continue
		}
		if strings.Contains(err.Error(), tokenA) || strings.Contains(err.Error(), tokenB) {
			t.Errorf("the error shows a credential: %v", err)
		}
	}
	// Printing a configuration shows no credential.
	cfg := authzConfig(APIKey)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(verb, cfg); strings.Contains(s, tokenA) || strings.Contains(s, tokenB) {
			t.Errorf("%s of a Config shows a credential: %s", verb, s)
		}
	}
}

func TestParseRoutes(t *testing.T) {
	routes, err := ParseRoutes("routes.golden", []byte(strings.ReplaceAll(notesRoutesText, "GET /api/hello", "\n# a comment\r\nGET /api/hello")+"HEAD /files/{path}/ authenticated\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Route{
		{"GET", "/api/admin/accounts", Scoped, []string{"admin"}},
		{"GET", "/api/echo", Public, nil},
		{"GET", "/api/hello", Public, nil},
		{"GET", "/api/me", Authenticated, nil},
		{"GET", "/api/notes", Scoped, []string{"notes:read"}},
		{"POST", "/api/notes", Scoped, []string{"notes:write"}},
		{"DELETE", "/api/notes/{id}", Scoped, []string{"notes:write"}},
		{"GET", "/api/notes/{id}", Scoped, []string{"notes:read"}},
		{"PUT", "/api/notes/{id}", Scoped, []string{"notes:write"}},
		{"HEAD", "/files/{path}/", Authenticated, nil},
	}
	if !slices.EqualFunc(routes, want, func(a, b Route) bool { return a.String() == b.String() }) {
		t.Errorf("routes\n %v\nwant\n %v", routes, want)
	}
	if s := routes[5].String(); s != "POST /api/notes scopes notes:write" {
		t.Errorf("String() = %q", s)
	}
	two, err := ParseRoutes("r", []byte("GET / public\nPOST /a scopes x y:z\n"))
	if err != nil || len(two) != 2 || !slices.Equal(two[1].Scopes, []string{"x", "y:z"}) {
		t.Errorf("ParseRoutes = %v, %v", two, err)
	}

	for _, tt := range []struct {
		text, want string
	}{
		{"", "r: no route"},
		{"# only a comment\n\n", "r: no route"},
		{"GET /a public\nget /b public\n", `r:2: the method "get" in "get /b public"`},
		{"BREW /a public", `r:1: the method "BREW"`},
		{"GET /a", "r:1: 2 fields"},
		{"GET /a admin", `r:1: the access "admin"`},
		{"GET /a scopes", "r:1: scopes without a scope"},
		{"GET /a public admin", `r:1: "admin" after public`},
		{"GET /a authenticated x", `r:1: "x" after authenticated`},
		{"GET /a scopes a\"b", `r:1: the scope "a\"b"`},
		{"GET /a scopes x x", `r:1: the scope "x" twice`},
		{"GET /a scopes " + strings.Repeat("s", 129), "at most 128 bytes"},
		{"GET  /a public", "r:1: an empty field"},
		{"GET /a public ", "r:1: an empty field"},
		{" GET /a public", "r:1: an empty field"},
		{"GET\t/a\tpublic", "r:1: a tab or control character"},
		{"GET a public", `the path "a", which does not start with /`},
		{"GET /a//b public", "which has an empty segment"},
		{"GET /a/{id}x public", `segment "{id}x" is neither a literal nor a parameter {name}`},
		{"GET /a/:id public", `segment ":id" is a framework's parameter`},
		{"GET /a/*rest public", `segment "*rest" is a framework's parameter`},
		{"GET /a/{path...} public", `segment "{path...}"`},
		{"GET /a/{1d} public", `segment "{1d}"`},
		{"GET /a/{id}/b/{id} public", "names the parameter {id} twice"},
		{"GET /a/../b public", `segment ".."`},
		{"GET /a?x=1 public", `segment "a?x=1"`},
		{"GET /a public\nGET /b public\nGET /a scopes x\n", "r:3: GET /a is listed twice, first on line 1"},
		{"GET /a public\n\xff\n", "r: not UTF-8"},
	} {
		_, err := ParseRoutes("r", []byte(tt.text))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseRoutes(%q) = %v, want %q", tt.text, err, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), "twice, first") && !strings.Contains(err.Error(), "ACCESS public, authenticated or scopes S1 [S2 ...]") {
			t.Errorf("ParseRoutes(%q) = %v, which does not say what is accepted", tt.text, err)
		}
	}
}

func TestFillParams(t *testing.T) {
	got := fillParams("/api/notes/{id}/parts/{part}")
	segs := strings.Split(got, "/")
	if len(segs) != 6 || segs[2] != "notes" || segs[4] != "parts" || !strings.HasPrefix(segs[3], "probe") || len(segs[3]) != 21 || segs[3] == segs[5] {
		t.Errorf("fillParams = %q", got)
	}
	if got := fillParams("/api/me"); got != "/api/me" {
		t.Errorf("fillParams(/api/me) = %q", got)
	}
}
