package render

// Data is everything a template sees. Every string in it has been validated by
// package spec; templates must still emit strings that reach Go code through
// the quote / quoteList functions, never raw.
type Data struct {
	Module    string // Go module path, e.g. "example.com/orders" (safe in go.mod unquoted)
	Name      string // service name: [a-z][a-z0-9-]*, used for cmd/<Name> and the binary
	Framework string // "stdlib" (later: chi, gin, echo, fiber)
	Preset    string // "api", "internal", "spa-backend"
	Auth      string // "none", "apikey", "jwt" (later: session, oidc)
	DB        string // "none", "sqlite", "postgres": where accounts and sessions are kept
	TLS       string // "off", "proxy", "files", "autocert"

	Origins     []string // exact CORS origins ("scheme://host[:port]") or ["*"]; empty = no cross-origin access
	Credentials bool     // Access-Control-Allow-Credentials; never true together with "*"

	RateLimit RateLimit

	TrustedProxies []string // CIDRs in canonical form, e.g. "10.0.0.0/8"; empty = trust no forwarding header
	BodyLimit      int64    // bytes
	BodyLimitText  string   // the same as the user wrote it, canonical, e.g. "1MiB"

	GoVersion        string // go directive for go.mod, e.g. "1.25.0"; raised after rendering for modules in deps.GoVersions
	GeneratorVersion string // securegen version that rendered the project
}

// RateLimit is the rendered form of the rate_limit answers.
type RateLimit struct {
	Off      bool   // rate limiting disabled
	Text     string // canonical "N/window" (e.g. "100/15m") or "off"
	Requests int    // N
	Seconds  int64  // window length in seconds
	Scope    string // path prefix the limit applies to, e.g. "/api/"
	Store    string // "memory" or "redis"
}
