package spec

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Kind is the shape of an answer's value.
type Kind int

// Kinds of answer values.
const (
	String Kind = iota // free text, validated
	Enum               // one of Key.Values
	Bool               // true or false
	List               // comma-separated list
)

// Key describes one answer: its name in securegen.yaml and --set, its flag,
// how to parse and print it, and the help a prompt shows.
type Key struct {
	Name   string   // dotted name, e.g. "cors.origins"
	Flag   string   // flag of `securegen new`, "" if only settable with --set
	Kind   Kind     //
	Values []string // accepted values of an Enum
	Usage  string   // one-line flag usage
	Help   string   // what a prompt's "?" shows: the security meaning of the choice

	// Descriptions holds, for an Enum, one line per value that a prompt
	// shows beside it (choices.go).
	Descriptions map[string]string

	set func(a *Answers, v string) error
	get func(a *Answers) string
}

// Keys lists every answer in the order prompts ask them and files print them.
var Keys = []*Key{
	{Name: "module", Flag: "module", Kind: String,
		Usage: "Go module path of the new service, e.g. example.com/orders",
		Help:  "The module path goes into go.mod and every import. It is checked with golang.org/x/mod/module.CheckPath.",
		set:   func(a *Answers, v string) (err error) { a.Module, err = ParseModule(v); return },
		get:   func(a *Answers) string { return a.Module }},
	{Name: "name", Flag: "name", Kind: String,
		Usage: "service name, used for cmd/NAME and the binary (default: last element of the module path)",
		Help:  "Lower-case letters, digits and dashes. It names the binary, the cmd/ directory and the container.",
		set:   func(a *Answers, v string) (err error) { a.Name, err = ParseName(v); return },
		get:   func(a *Answers) string { return a.Name }},
	{Name: "preset", Flag: "preset", Kind: Enum, Values: Presets, Descriptions: presetChoices,
		Usage: "preset that sets the defaults of every answer below: " + strings.Join(Presets, ", "),
		Help:  "api: public JSON API, CORS allowlist without credentials, JWT auth, 100 requests/15 min.\ninternal: service-to-service, no CORS, API keys, a limit per key.\nspa-backend: the backend of a browser app on another origin, cookie sessions and CSRF protection.",
		set:   setEnum("preset", Presets, func(a *Answers) *string { return &a.Preset }),
		get:   func(a *Answers) string { return a.Preset }},
	{Name: "framework", Flag: "framework", Kind: Enum, Values: Frameworks, Descriptions: frameworkChoices,
		Usage: "web framework: " + strings.Join(Frameworks, ", "),
		Help:  "The security controls are the same for every framework; pick the one your team knows. stdlib is net/http with Go 1.22+ routing and no framework dependency.",
		set:   setEnum("framework", Frameworks, func(a *Answers) *string { return &a.Framework }),
		get:   func(a *Answers) string { return a.Framework }},
	{Name: "cors.origins", Flag: "origins", Kind: List,
		Usage: "comma-separated browser origins allowed by CORS, e.g. https://app.example.com (empty: none)",
		Help:  "Only these exact origins (scheme://host[:port]) may call the API from a browser; every other origin gets no CORS headers. Leave empty when no browser app on another origin calls the service. http:// is accepted only for localhost.",
		set:   func(a *Answers, v string) (err error) { a.CORS.Origins, err = ParseOrigins(splitList(v)); return },
		get:   func(a *Answers) string { return strings.Join(a.CORS.Origins, ",") }},
	{Name: "cors.credentials", Flag: "credentials", Kind: Bool,
		Usage: "allow credentials (cookies, Authorization) in cross-origin requests",
		Help:  "Only needed when the browser app sends cookies to this service. Never combined with the * origin.",
		set:   setBool("cors.credentials", func(a *Answers) *bool { return &a.CORS.Credentials }),
		get:   func(a *Answers) string { return strconv.FormatBool(a.CORS.Credentials) }},
	{Name: "cors.allow_http", Kind: Bool,
		Usage: "accept http:// origins other than localhost",
		Help:  "Plain-HTTP origins can be impersonated by anyone on the network path. Leave false.",
		set:   setBool("cors.allow_http", func(a *Answers) *bool { return &a.CORS.AllowHTTP }),
		get:   func(a *Answers) string { return strconv.FormatBool(a.CORS.AllowHTTP) }},
	{Name: "rate_limit", Flag: "rate-limit", Kind: String,
		Usage: "requests per client and window, N/WINDOW (e.g. 100/15m, 10/1s, 1000/1h) or off",
		Help:  "Each client (IP address, IPv6 /64, or API key) may make N requests per window on the limited paths; the next gets 429 with Retry-After. 100/15m is the classic Express setting.",
		set:   func(a *Answers, v string) (err error) { a.RateLimit.Limit, err = ParseLimit(v); return },
		get:   func(a *Answers) string { return a.RateLimit.Limit }},
	{Name: "rate_limit.scope", Flag: "rate-limit-scope", Kind: String,
		Usage: "path prefix the rate limit applies to (default /api/)",
		Help:  "Requests whose path starts with this prefix are rate limited. Health checks stay outside it.",
		set:   func(a *Answers, v string) (err error) { a.RateLimit.Scope, err = ParseScope(v); return },
		get:   func(a *Answers) string { return a.RateLimit.Scope }},
	{Name: "rate_limit.store", Flag: "rate-limit-store", Kind: Enum, Values: Stores, Descriptions: storeChoices,
		Usage: "where limits are counted: " + strings.Join(Stores, ", "),
		Help:  "memory counts in the process: right for one instance. redis shares the count between instances behind a load balancer.",
		set:   setEnum("rate_limit.store", Stores, func(a *Answers) *string { return &a.RateLimit.Store }),
		get:   func(a *Answers) string { return a.RateLimit.Store }},
	{Name: "auth", Flag: "auth", Kind: Enum, Values: Auths, Descriptions: authChoices,
		Usage: "authentication: " + strings.Join(Auths, ", "),
		Help:  "none: no authentication.\napikey: X-API-Key header, keys stored only as SHA-256 digests and compared in constant time.\njwt: Authorization: Bearer tokens, algorithm pinned, exp, issuer and audience required.\nsession: cookie sessions with argon2id passwords and CSRF protection.\noidc: login through an OpenID Connect provider, then a session.",
		set:   setEnum("auth", Auths, func(a *Answers) *string { return &a.Auth }),
		get:   func(a *Answers) string { return a.Auth }},
	{Name: "db", Flag: "db", Kind: Enum, Values: Databases, Descriptions: dbChoices,
		Usage: "where accounts, sessions and notes are kept: " + strings.Join(Databases, ", ") + " (default: sqlite for session and oidc auth, else none)",
		Help:  "sqlite: one embedded database file (pure Go, no cgo), for one instance; accounts, sessions and notes survive restarts.\npostgres: a PostgreSQL server (DATABASE_URL, TLS required off loopback), shared by several instances.\nnone: in memory, lost at every restart: for development and tests, or a stateless jwt or apikey service.",
		set:   setEnum("db", Databases, func(a *Answers) *string { return &a.DB }),
		get:   func(a *Answers) string { return a.DB }},
	{Name: "tls", Flag: "tls", Kind: Enum, Values: TLSModes, Descriptions: tlsChoices,
		Usage: "transport security: " + strings.Join(TLSModes, ", "),
		Help:  "proxy: TLS ends at a load balancer or proxy in front of the service (the usual choice).\nfiles: the service serves HTTPS itself from certificate files (TLS 1.2+).\nautocert: certificates from Let's Encrypt.\noff: plain HTTP, for development only.",
		set:   setEnum("tls", TLSModes, func(a *Answers) *string { return &a.TLS }),
		get:   func(a *Answers) string { return a.TLS }},
	{Name: "trusted_proxies", Flag: "trusted-proxies", Kind: List,
		Usage: "comma-separated CIDRs of proxies whose X-Forwarded-For is trusted (empty: trust none)",
		Help:  "Only a request arriving from one of these networks may name its client in X-Forwarded-For, and then the rightmost address not in these networks is taken. Empty means the TCP peer is the client; never list networks that untrusted clients can reach directly.",
		set:   func(a *Answers, v string) (err error) { a.TrustedProxies, err = ParseCIDRs(splitList(v)); return },
		get:   func(a *Answers) string { return strings.Join(a.TrustedProxies, ",") }},
	{Name: "body_limit", Flag: "body-limit", Kind: String,
		Usage: "largest request body accepted, e.g. 1MiB, 512KiB, 100KB (1KiB to 1GiB)",
		Help:  "Bodies over this size are refused with 413 before they are read whole.",
		set:   func(a *Answers, v string) (err error) { a.BodyLimit, err = ParseSizeText(v); return },
		get:   func(a *Answers) string { return a.BodyLimit }},
}

var keysByName = func() map[string]*Key {
	m := make(map[string]*Key, len(Keys))
	for _, k := range Keys {
		m[k.Name] = k
	}
	m["rate_limit.limit"] = m["rate_limit"] // the name in securegen.yaml
	return m
}()

// Lookup returns the key with the given dotted name.
func Lookup(name string) (*Key, bool) {
	k, ok := keysByName[name]
	return k, ok
}

// KeyNames returns the accepted key names, sorted, for error messages.
func KeyNames() []string {
	names := make([]string, 0, len(Keys))
	for _, k := range Keys {
		names = append(names, k.Name)
	}
	sort.Strings(names)
	return names
}

// Set parses v and stores it in a.
func (k *Key) Set(a *Answers, v string) error { return k.set(a, v) }

// Get returns the value of k in a in the form Set accepts.
func (k *Key) Get(a *Answers) string { return k.get(a) }

// Validate reports whether v is acceptable for k, as a prompt validator.
func (k *Key) Validate(v string) error {
	var scratch Answers
	return k.set(&scratch, v)
}

func setEnum(key string, allowed []string, field func(*Answers) *string) func(*Answers, string) error {
	return func(a *Answers, v string) error {
		v = strings.TrimSpace(v)
		if err := oneOf(key, v, allowed); err != nil {
			return err
		}
		*field(a) = v
		return nil
	}
}

func setBool(key string, field func(*Answers) *bool) func(*Answers, string) error {
	return func(a *Answers, v string) error {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return &Error{Key: key, Value: v, Reason: "is not a boolean; use true or false"}
		}
		*field(a) = b
		return nil
	}
}

// splitList splits a comma-separated list, trimming spaces and dropping
// empty elements, so that "" is the empty list.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Values are raw answers from one source, by key name. Lists are
// comma-separated.
type Values map[string]string

// Apply parses every value into a, in the order of Keys, so that the first
// error reported is deterministic. source names where the values came from
// for error messages ("--set", "answers.yaml").
func (vals Values) Apply(a *Answers, source string) error {
	for _, k := range Keys {
		v, ok := vals[k.Name]
		if !ok {
			continue
		}
		if err := k.Set(a, v); err != nil {
			if source != "" {
				return fmt.Errorf("%s: %w", source, err)
			}
			return err
		}
	}
	return nil
}

// ParseSet parses a --set argument "key=value".
func ParseSet(arg string, into Values) error {
	name, v, ok := strings.Cut(arg, "=")
	if !ok {
		return fmt.Errorf("--set %q: want key=value, e.g. --set cors.origins=https://app.example.com", arg)
	}
	k, found := Lookup(strings.TrimSpace(name))
	if !found {
		return fmt.Errorf("--set %q: unknown key %q; accepted keys: %s", arg, name, strings.Join(KeyNames(), ", "))
	}
	into[k.Name] = v
	return nil
}
