package probe

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Access is the rule a route is declared with in the route manifest.
type Access string

// The rules of the route manifest.
const (
	Public        Access = "public"        // anyone, without credentials
	Authenticated Access = "authenticated" // any principal
	Scoped        Access = "scopes"        // a principal with every one of Route.Scopes
)

// Route is one line of a service's route manifest
// (internal/server/testdata/routes.golden in a generated project).
type Route struct {
	Method string
	// Path is the route's path, each parameter a whole segment written
	// {name}, e.g. /api/notes/{id}.
	Path   string
	Access Access
	Scopes []string // for Scoped, one or more
}

// String prints r as its manifest line, e.g. "GET /api/notes scopes notes:read".
func (r Route) String() string {
	s := r.Method + " " + r.Path + " " + string(r.Access)
	if len(r.Scopes) > 0 {
		s += " " + strings.Join(r.Scopes, " ")
	}
	return s
}

// routeMethods are the methods a route manifest may name.
var routeMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

var (
	paramRE   = regexp.MustCompile(`^\{[A-Za-z_][A-Za-z0-9_]*\}$`)
	literalRE = regexp.MustCompile(`^[A-Za-z0-9._~!$&'()*+,;=:@-]+$`)
)

// maxRouteScopeBytes bounds a scope, as the generated services do.
const maxRouteScopeBytes = 128

const routeFormat = "each line is METHOD PATH ACCESS separated by single spaces, " +
	"METHOD one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, PATH /a/{param}/b, " +
	"ACCESS public, authenticated or scopes S1 [S2 ...], e.g. \"GET /api/notes scopes notes:read\"; " +
	"lines starting with # are comments"

// ParseRoutes parses a route manifest: one route a line, METHOD PATH ACCESS,
// ACCESS one of public, authenticated or scopes S1 [S2 ...]; lines starting
// with # and empty lines are ignored. name is the file's name, for errors,
// which give the line and what is accepted. A manifest without any route,
// or with a method and path twice, is an error.
func ParseRoutes(name string, data []byte) ([]Route, error) {
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%s: not UTF-8 text; %s", name, routeFormat)
	}
	var routes []Route
	seen := map[string]int{}
	lines := strings.Split(string(data), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for i, line := range lines {
		n := i + 1
		line = strings.TrimSuffix(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r, err := parseRoute(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v in %q; %s", name, n, err, line, routeFormat)
		}
		key := r.Method + " " + r.Path
		if first, dup := seen[key]; dup {
			return nil, fmt.Errorf("%s:%d: %s is listed twice, first on line %d; each method and path is one line", name, n, key, first)
		}
		seen[key] = n
		routes = append(routes, r)
	}
	if len(routes) == 0 {
		return nil, fmt.Errorf("%s: no route; %s", name, routeFormat)
	}
	return routes, nil
}

func parseRoute(line string) (Route, error) {
	f := strings.Split(line, " ")
	for _, field := range f {
		if field == "" {
			return Route{}, errors.New("an empty field (two spaces, or a leading or trailing space)")
		}
		for _, c := range field {
			if c < ' ' || c == 0x7f {
				return Route{}, errors.New("a tab or control character")
			}
		}
	}
	if len(f) < 3 {
		return Route{}, fmt.Errorf("%d fields", len(f))
	}
	r := Route{Method: f[0], Path: f[1], Access: Access(f[2])}
	if !slices.Contains(routeMethods, r.Method) {
		return Route{}, fmt.Errorf("the method %q", r.Method)
	}
	if err := checkRoutePath(r.Path); err != nil {
		return Route{}, err
	}
	switch r.Access {
	case Public, Authenticated:
		if len(f) > 3 {
			return Route{}, fmt.Errorf("%q after %s", strings.Join(f[3:], " "), r.Access)
		}
	case Scoped:
		if len(f) == 3 {
			return Route{}, errors.New("scopes without a scope")
		}
		for _, s := range f[3:] {
			if !validScope(s) {
				return Route{}, fmt.Errorf("the scope %q (printable ASCII but space, \" and \\, at most %d bytes)", s, maxRouteScopeBytes)
			}
			if slices.Contains(r.Scopes, s) {
				return Route{}, fmt.Errorf("the scope %q twice", s)
			}
			r.Scopes = append(r.Scopes, s)
		}
	default:
		return Route{}, fmt.Errorf("the access %q", f[2])
	}
	return r, nil
}

// checkRoutePath accepts /, or segments that are literals or whole
// parameters {name}, each name once; a trailing slash is allowed.
func checkRoutePath(p string) error {
	if !strings.HasPrefix(p, "/") {
		return fmt.Errorf("the path %q, which does not start with /", p)
	}
	if p == "/" {
		return nil
	}
	segs := strings.Split(strings.TrimSuffix(p[1:], "/"), "/")
	var names []string
	for _, s := range segs {
		switch {
		case paramRE.MatchString(s):
			if slices.Contains(names, s) {
				return fmt.Errorf("the path %q, which names the parameter %s twice", p, s)
			}
			names = append(names, s)
		case s == "":
			return fmt.Errorf("the path %q, which has an empty segment", p)
		case strings.HasPrefix(s, ":") || strings.HasPrefix(s, "*"):
			return fmt.Errorf("the path %q, whose segment %q is a framework's parameter; the manifest writes parameters {name}", p, s)
		case !literalRE.MatchString(s) || s == "." || s == "..":
			return fmt.Errorf("the path %q, whose segment %q is neither a literal nor a parameter {name}", p, s)
		}
	}
	return nil
}

// validScope is the generated services' auth.ValidScope: an RFC 6749
// scope-token of at most maxRouteScopeBytes.
func validScope(s string) bool {
	if s == "" || len(s) > maxRouteScopeBytes {
		return false
	}
	for _, c := range []byte(s) {
		if c <= ' ' || c > '~' || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// CredentialKind says how a credential is sent.
type CredentialKind string

// The kinds of credentials, named as the flags of securegen probe.
const (
	BearerToken   CredentialKind = "token"   // Authorization: Bearer VALUE (auth jwt)
	APIKey        CredentialKind = "api-key" // X-API-Key: VALUE (auth apikey)
	SessionCookie CredentialKind = "session" // Cookie: __Host-session=VALUE (auth session, oidc)
)

// SessionCookieName is the cookie of generated services' sessions.
const SessionCookieName = "__Host-session"

// CredentialKindFor returns the kind of credential a service of the auth
// mode accepts, and false for none or an unknown mode.
func CredentialKindFor(auth string) (CredentialKind, bool) {
	switch auth {
	case "jwt":
		return BearerToken, true
	case "apikey":
		return APIKey, true
	case "session", "oidc":
		return SessionCookie, true
	}
	return "", false
}

// Credential is one principal's credential. Its value never appears in a
// report, an error or its own String.
type Credential struct {
	Kind  CredentialKind
	Value string
}

// String names the kind only, so that printing a Config shows no secret.
func (c Credential) String() string { return "--" + string(c.Kind) + " (value not shown)" }

// GoString is String, for %#v.
func (c Credential) GoString() string { return c.String() }

// header returns the request field that carries c.
func (c Credential) header() http.Header {
	switch c.Kind {
	case BearerToken:
		return http.Header{"Authorization": {"Bearer " + c.Value}}
	case APIKey:
		return http.Header{"X-Api-Key": {c.Value}}
	default:
		return http.Header{"Cookie": {SessionCookieName + "=" + c.Value}}
	}
}

// CheckCredentialValue says what is wrong with a credential value of kind,
// without repeating it: empty, or holding a character that cannot be sent
// in its field.
func CheckCredentialValue(kind CredentialKind, v string) error {
	if v == "" {
		return errors.New("is empty")
	}
	for _, c := range []byte(v) {
		if c <= ' ' || c >= 0x7f {
			return errors.New("holds a space, a control or a non-ASCII character; give the bare value (for --token, without \"Bearer \")")
		}
		if kind == SessionCookie && (c == ';' || c == ',' || c == '"' || c == '\\') {
			return errors.New("holds a character a cookie value cannot (; , \" \\); give the value of the " + SessionCookieName + " cookie alone")
		}
	}
	return nil
}

// checkPrincipals checks Config.Principals: none, or two distinct, valid
// credentials of one kind.
func checkPrincipals(cs []Credential) error {
	if len(cs) == 0 {
		return nil
	}
	if len(cs) != 2 {
		return fmt.Errorf("the authz checks need the credentials of two principals, A then B; got %d", len(cs))
	}
	a, b := cs[0], cs[1]
	if a.Kind != b.Kind {
		return errors.New("the two principals' credentials are of different kinds")
	}
	if a.Kind != BearerToken && a.Kind != APIKey && a.Kind != SessionCookie {
		return fmt.Errorf("the credential kind %q is not token, api-key or session", a.Kind)
	}
	for i, c := range cs {
		if err := CheckCredentialValue(c.Kind, c.Value); err != nil {
			return fmt.Errorf("credential %s %v", "AB"[i:i+1], err)
		}
	}
	if a.Value == b.Value {
		return errors.New("the two credentials are the same; give two different principals' credentials")
	}
	return nil
}

// secret is a credential value and what stands for it in bodies and the
// report.
type secret struct{ value, label string }

// secrets returns the credential values the report must not show, longest
// first, so that none is replaced in part.
func (cfg Config) secrets() []secret {
	var s []secret
	for i, c := range cfg.Principals {
		s = append(s, secret{c.Value, "[credential " + "AB"[i%2:i%2+1] + "]"})
	}
	if _, v, ok := strings.Cut(cfg.Credential, ":"); ok && strings.TrimSpace(v) != "" {
		v = strings.TrimSpace(v)
		s = append(s, secret{v, "[credential]"})
		if _, tok, ok := strings.Cut(v, " "); ok && strings.TrimSpace(tok) != "" {
			s = append(s, secret{strings.TrimSpace(tok), "[credential]"}) // the token of "Bearer TOKEN"
		}
	}
	slices.SortStableFunc(s, func(a, b secret) int { return len(b.value) - len(a.value) })
	return s
}

// redact replaces every secret in b, as it is and as strconv.Quote would
// print it.
func redact(b []byte, secrets []secret) []byte {
	for _, s := range secrets {
		if s.value == "" {
			continue
		}
		b = bytes.ReplaceAll(b, []byte(s.value), []byte(s.label))
		if q := strconv.Quote(s.value); q[1:len(q)-1] != s.value {
			b = bytes.ReplaceAll(b, []byte(q[1:len(q)-1]), []byte(s.label))
		}
	}
	return b
}

// redact removes every secret from the report's text.
func (r *Report) redact(secrets []secret) {
	if len(secrets) == 0 {
		return
	}
	s := func(v string) string { return string(redact([]byte(v), secrets)) }
	for i := range r.Checks {
		c := &r.Checks[i]
		c.Name, c.Request, c.Want, c.Got = s(c.Name), s(c.Request), s(c.Want), s(c.Got)
	}
}

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// fillParams replaces each {param} segment of path with a random value.
func fillParams(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if paramRE.MatchString(s) {
			segs[i] = "probe" + randomHex(8)
		}
	}
	return strings.Join(segs, "/")
}

// hasBody reports whether the probe sends a body with method.
func hasBody(method string) bool {
	return method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch
}

// checkAuthz runs the authorization checks: every non-public route of
// Config.Routes refuses a request without credentials with 401, and, with
// Config.Principals, one principal cannot reach another's note.
func (p *prober) checkAuthz(ctx context.Context) {
	if p.cfg.Routes == nil {
		p.skip("authz", "the service's routes are unknown; give --routes FILE, the project's internal/server/testdata/routes.golden (found by itself next to the securegen.yaml the probe reads), to check that every non-public route answers 401 without credentials")
		return
	}
	p.checkRoutes401(ctx)
	p.checkNotes(ctx)
}

// checkRoutes401 sends each non-public route a request without
// credentials, parameters filled with random values and a small JSON body
// where a body belongs, and expects 401 JSON.
func (p *prober) checkRoutes401(ctx context.Context) {
	n := 0
	for _, rt := range p.cfg.Routes {
		if rt.Access == Public {
			continue
		}
		n++
		req := request{method: rt.Method, path: fillParams(rt.Path), note: "no credentials"}
		if hasBody(rt.Method) {
			req.header = http.Header{"Content-Type": {"application/json"}}
			req.body = []byte(`{}`)
		}
		res := p.do(ctx, req)
		var probs []string
		switch res.status {
		case http.StatusUnauthorized:
			if rt.Method != http.MethodHead {
				probs = jsonErrorProblems(res)
			}
		case http.StatusForbidden:
			probs = []string{"status 403: a caller without credentials gets 401; 403 is for an authenticated caller without the scope or role, body " + snippet(res.body)}
		case http.StatusNotFound, http.StatusMethodNotAllowed:
			probs = []string{fmt.Sprintf("status %d: the service does not serve this route; is the route manifest the running service's?", res.status)}
		default:
			probs = statusProblems(res, http.StatusUnauthorized)
			if res.status/100 == 2 {
				probs[0] = fmt.Sprintf("status %d: the route answers without credentials, body %s", res.status, snippet(res.body))
			}
		}
		want := "401 JSON error without credentials (" + string(rt.Access) + ")"
		if rt.Access == Scoped {
			want = "401 JSON error without credentials (scopes " + strings.Join(rt.Scopes, " ") + ")"
		}
		p.check("authz/401["+rt.Method+" "+rt.Path+"]", res, want, probs)
	}
	if n == 0 {
		p.skip("authz/401", "the route manifest lists no route that needs credentials")
	}
}

// Paths of the example resource the owner checks use.
const (
	pathNotes = "/api/notes"
	pathNote  = "/api/notes/"
)

// maxNotePages bounds the pages of GET /api/notes the probe follows. The
// probe's note is the newest, and lists are newest first: a list that
// leaks it shows it on the first page.
const maxNotePages = 10

// notesRoutes returns the route manifest's routes of the example resource:
// POST /api/notes, GET /api/notes, and GET, PUT and DELETE /api/notes/{x}.
func notesRoutes(routes []Route) (create, list, get, put, del *Route) {
	for i := range routes {
		r := &routes[i]
		switch {
		case r.Path == pathNotes && r.Method == http.MethodPost:
			create = r
		case r.Path == pathNotes && r.Method == http.MethodGet:
			list = r
		case strings.HasPrefix(r.Path, pathNote) && paramRE.MatchString(strings.TrimPrefix(r.Path, pathNote)):
			switch r.Method {
			case http.MethodGet:
				get = r
			case http.MethodPut:
				put = r
			case http.MethodDelete:
				del = r
			}
		}
	}
	return
}

// as is req sent with c's credential; who names the principal in the report.
func as(req request, c Credential, who string) request {
	h := c.header()
	for k, v := range req.header {
		h[k] = v
	}
	req.header = h
	if req.note != "" {
		req.note = "as " + who + ", " + req.note
	} else {
		req.note = "as " + who
	}
	return req
}

// checked records a check, as check does, and returns its outcome.
func (p *prober) checked(name string, res *response, want string, probs []string) Status {
	p.check(name, res, want, probs)
	return p.report.Checks[len(p.report.Checks)-1].Status
}

// noteID reads the id of a note, a JSON string or number, from obj.
func noteID(obj map[string]json.RawMessage) string {
	raw, ok := obj["id"]
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// jsonObject parses body as a JSON object, or returns nil.
func jsonObject(body []byte) map[string]json.RawMessage {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil {
		return nil
	}
	return obj
}

// refusedProblem explains a 401 or 403 answer to a principal's request, or
// returns "".
func refusedProblem(res *response, who, scope string) string {
	switch res.status {
	case http.StatusUnauthorized:
		return fmt.Sprintf("status 401: %s's credential is not accepted (expired, revoked, or not the service's)", who)
	case http.StatusForbidden:
		if scope != "" {
			return fmt.Sprintf("status 403: %s's credential lacks the scope %s; give one that has it", who, scope)
		}
	}
	return ""
}

// checkNotes checks, with two principals A and B, that B can neither read,
// change, delete nor list a note A creates, and that A still reads it
// unchanged; the note is deleted at the end whatever the outcome.
func (p *prober) checkNotes(ctx context.Context) {
	const name = "authz/notes"
	create, list, get, put, del := notesRoutes(p.cfg.Routes)
	if len(p.cfg.Principals) != 2 {
		p.skip(name, "needs the credentials of two principals, A and B: --token A --token B (auth jwt), --api-key A --api-key B (apikey) or --session A --session B (session, oidc; the "+SessionCookieName+" cookie's value after signing in)")
		return
	}
	if create == nil || get == nil || del == nil {
		p.skip(name, "the route manifest lists no POST /api/notes with GET and DELETE /api/notes/{id}, the example resource the probe creates as A and reaches for as B")
		return
	}
	a, b := p.cfg.Principals[0], p.cfg.Principals[1]
	var need []string // the scopes of the notes routes
	for _, r := range []*Route{create, list, get, put, del} {
		if r != nil {
			for _, sc := range r.Scopes {
				if !slices.Contains(need, sc) {
					need = append(need, sc)
				}
			}
		}
	}
	if !p.checkTwoPrincipals(ctx, a, b, need) {
		p.skip(name, "the two credentials are not two accepted principals (authz/principals)")
		return
	}

	title := "securegen probe " + randomHex(6)
	const text = "written by securegen probe, which deletes it; delete it if the probe was interrupted"
	noteBody := func(title string) []byte {
		b, _ := json.Marshal(map[string]string{"title": title, "body": text})
		return b
	}
	withBody := func(method, path string, body []byte) request {
		return request{method: method, path: path, header: http.Header{"Content-Type": {"application/json"}}, body: body}
	}

	const wantCreate = "201 with the new note's id to A's POST /api/notes"
	res := p.do(ctx, as(withBody(http.MethodPost, pathNotes, noteBody(title)), a, "A"))
	var id string
	var probs []string
	switch {
	case res.err != nil || res.status == http.StatusTooManyRequests:
		// check reports the error or the rate limit.
	case refusedProblem(res, "A", "notes:write") != "":
		probs = []string{refusedProblem(res, "A", "notes:write") + ": the probe cannot create the note it checks with"}
	case res.status/100 != 2:
		probs = statusProblems(res, http.StatusCreated)
	default:
		if res.status != http.StatusCreated {
			probs = statusProblems(res, http.StatusCreated)
		}
		obj := jsonObject(res.body)
		id = noteID(obj)
		switch {
		case id == "":
			probs = append(probs, fmt.Sprintf("no id in the body %s; the note %q may be left on the service", snippet(res.body), title))
		case !idRE.MatchString(id):
			probs = append(probs, fmt.Sprintf("the id %q is not a plain path segment; the note %q is left on the service", id, title))
			id = ""
		}
	}
	p.check("authz/create", res, wantCreate, probs)
	if id == "" {
		p.skip(name, "no note to check with: authz/create did not pass")
		return
	}
	// The note exists: delete it whatever happens next, even when the
	// probe is interrupted.
	bDeleted := false
	defer func() { p.deleteNote(ctx, a, id, title, bDeleted) }()
	bDeleted = p.checkOtherNote(ctx, a, b, id, title, list, put, noteBody)
}

// idRE matches the note ids the probe puts in a path.
var idRE = regexp.MustCompile(`^[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,199}$`)

// checkTwoPrincipals checks, when the routes list GET /api/me, that both
// credentials are accepted and name different subjects, and, when /api/me
// lists the principal's scopes, that each has the scopes need: without
// them B's 403 would be the scope rule, not ownership.
func (p *prober) checkTwoPrincipals(ctx context.Context, a, b Credential, need []string) bool {
	const name = "authz/principals"
	want := "GET /api/me answers 2xx to A and to B, with different subjects"
	if len(need) > 0 {
		want += " and, where it lists scopes, " + strings.Join(need, " ")
	}
	me := false
	for _, r := range p.cfg.Routes {
		me = me || (r.Method == http.MethodGet && r.Path == pathMe && r.Access != Public)
	}
	if !me {
		return true
	}
	ra := p.do(ctx, as(request{method: http.MethodGet, path: pathMe}, a, "A"))
	rb := p.do(ctx, as(request{method: http.MethodGet, path: pathMe}, b, "B"))
	for _, c := range []struct {
		res *response
		who string
	}{{ra, "A"}, {rb, "B"}} {
		if c.res.err != nil || c.res.status/100 != 2 {
			probs := statusProblems(c.res)
			if why := refusedProblem(c.res, c.who, ""); why != "" {
				probs = []string{why}
			}
			return p.checked(name, c.res, want, probs) == Pass
		}
	}
	var probs []string
	if subject(ra.body) == subject(rb.body) {
		probs = []string{"both credentials are the same principal (GET /api/me names the same subject): give two different principals' credentials"}
	}
	res := rb
	for _, c := range []struct {
		res *response
		who string
	}{{ra, "A"}, {rb, "B"}} {
		var me struct {
			Scopes *[]string `json:"scopes"`
		}
		if json.Unmarshal(c.res.body, &me) != nil || me.Scopes == nil {
			continue // the scopes are not listed
		}
		var lacks []string
		for _, sc := range need {
			if !slices.Contains(*me.Scopes, sc) {
				lacks = append(lacks, sc)
			}
		}
		if len(lacks) > 0 {
			probs = append(probs, fmt.Sprintf("%s's credential lacks %s (GET /api/me lists %q): the checks need both principals allowed on the notes routes, so that a 404 is the ownership rule", c.who, strings.Join(lacks, " "), *me.Scopes))
			if res == rb && c.who == "A" {
				res = ra
			}
		}
	}
	return p.checked(name, res, want, probs) == Pass
}

// subject is the "subject" of a /api/me answer, or the whole body.
func subject(body []byte) string {
	if obj := jsonObject(body); obj != nil {
		if s, ok := obj["subject"]; ok {
			return string(s)
		}
	}
	return string(body)
}

// checkOtherNote runs the checks of B against A's note id, then A's read of
// it; it reports whether B's DELETE removed the note.
func (p *prober) checkOtherNote(ctx context.Context, a, b Credential, id, title string, list, put *Route, noteBody func(string) []byte) (bDeleted bool) {
	path := pathNote + id
	const want404 = "404 to B for A's note, as for a note that does not exist (403 would tell B it exists)"
	otherProblems := func(res *response, did string) []string {
		switch {
		case res.status == http.StatusNotFound:
			return nil
		case res.status/100 == 2:
			return []string{fmt.Sprintf("status %d: B %s A's note", res.status, did)}
		case res.status == http.StatusForbidden:
			return []string{"status 403: it tells B that A's note exists; answer 404, as for a note that does not exist (unless B lacks the route's scope)"}
		}
		if why := refusedProblem(res, "B", ""); why != "" {
			return []string{why}
		}
		return statusProblems(res, http.StatusNotFound)
	}

	if list != nil {
		p.checkList(ctx, "authz/owner-list", a, "A", id, true)
	}
	res := p.do(ctx, as(request{method: http.MethodGet, path: path}, b, "B"))
	p.check("authz/other-get", res, want404, otherProblems(res, "read"))
	if put != nil {
		req := request{method: http.MethodPut, path: path, header: http.Header{"Content-Type": {"application/json"}}, body: noteBody(title + " changed by B")}
		res = p.do(ctx, as(req, b, "B"))
		p.check("authz/other-put", res, want404, otherProblems(res, "changed"))
	}
	res = p.do(ctx, as(request{method: http.MethodDelete, path: path}, b, "B"))
	p.check("authz/other-delete", res, want404, otherProblems(res, "deleted"))
	bDeleted = res.err == nil && res.status/100 == 2
	if list != nil {
		p.checkList(ctx, "authz/other-list", b, "B", id, false)
	}

	res = p.do(ctx, as(request{method: http.MethodGet, path: path}, a, "A"))
	var probs []string
	if why := refusedProblem(res, "A", "notes:read"); why != "" {
		probs = []string{why}
	} else if res.status == http.StatusNotFound {
		probs = []string{"status 404: A's note is gone after B's requests"}
	} else if probs = statusProblems(res, http.StatusOK); probs == nil {
		var got struct {
			Title *string `json:"title"`
		}
		switch {
		case json.Unmarshal(res.body, &got) != nil || got.Title == nil:
			probs = []string{"no title in the body " + snippet(res.body)}
		case *got.Title != title:
			probs = []string{fmt.Sprintf("the title is %q, not %q: B's PUT changed A's note", *got.Title, title)}
		}
	}
	p.check("authz/owner-get", res, fmt.Sprintf("200 to A with the note as A wrote it (title %q)", title), probs)
	return bDeleted
}

// checkList follows GET /api/notes as who, up to maxNotePages pages, and
// checks that the note id is in it (owner) or not.
func (p *prober) checkList(ctx context.Context, name string, c Credential, who, id string, owner bool) {
	want := fmt.Sprintf("200 with {\"notes\": [...], \"next\": cursor}; %s's list, followed for up to %d pages, ", who, maxNotePages)
	if owner {
		want += "holds the new note"
	} else {
		want += "never holds A's note"
	}
	var first, last *response
	var cursors []string
	path := pathNotes
	for page := 1; page <= maxNotePages; page++ {
		res := p.do(ctx, as(request{method: http.MethodGet, path: path}, c, who))
		if first == nil {
			first = res
		}
		last = res
		fail := func(probs ...string) { p.check(name, res, want, probs) }
		if res.err != nil || res.status != http.StatusOK {
			if why := refusedProblem(res, who, "notes:read"); why != "" {
				fail(why)
			} else {
				fail(statusProblems(res, http.StatusOK)...)
			}
			return
		}
		var body struct {
			Notes []map[string]json.RawMessage `json:"notes"`
			Next  *string                      `json:"next"`
		}
		if json.Unmarshal(res.body, &body) != nil || body.Notes == nil && !bytes.Contains(res.body, []byte(`"notes"`)) {
			fail("the body is not {\"notes\": [...]}: " + snippet(res.body))
			return
		}
		for _, n := range body.Notes {
			if noteID(n) != id {
				continue
			}
			if owner {
				p.check(name, first, want, nil)
			} else {
				fail(fmt.Sprintf("A's note %s is in B's list, page %d", id, page))
			}
			return
		}
		if body.Next == nil || *body.Next == "" {
			break
		}
		if slices.Contains(cursors, *body.Next) {
			fail(fmt.Sprintf("the next cursor of page %d repeats an earlier one", page))
			return
		}
		cursors = append(cursors, *body.Next)
		path = pathNotes + "?" + url.Values{"cursor": {*body.Next}}.Encode()
	}
	if owner {
		p.check(name, last, want, []string{fmt.Sprintf("the new note %s is not in A's list (%d pages read): the list cannot show whether B's leaks it", id, len(cursors)+1)})
		return
	}
	p.check(name, last, want, nil)
}

// deleteNote deletes A's note and records authz/cleanup. It runs even when
// ctx is done, with a context of its own.
func (p *prober) deleteNote(ctx context.Context, a Credential, id, title string, bDeleted bool) {
	const name = "authz/cleanup"
	if bDeleted {
		p.skip(name, "B's DELETE removed A's note already (authz/other-delete)")
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.cfg.Timeout+time.Second)
	defer cancel()
	res := p.do(ctx, as(request{method: http.MethodDelete, path: pathNote + id}, a, "A"))
	var probs []string
	if res.status != http.StatusNoContent {
		probs = statusProblems(res, http.StatusNoContent)
		if why := refusedProblem(res, "A", "notes:write"); why != "" {
			probs = []string{why}
		}
		probs = append(probs, fmt.Sprintf("the probe's note %s (title %q) may be left on the service", id, title))
	}
	want := "204 to A's DELETE of the note, which leaves nothing behind"
	if res.status == http.StatusTooManyRequests {
		// check would call this a skip: it is a failure to clean up.
		p.report.Checks = append(p.report.Checks, Result{Name: name, Status: Fail, Request: res.req.String(), Want: want, Got: strings.Join(probs, "; ")})
		return
	}
	p.check(name, res, want, probs)
}
