package spec

// One-line descriptions of the values of each enumerated answer, shown
// beside the value in a prompt's list (Key.Descriptions). Each fits a prompt
// line of 80 columns with its value; the ? help says more.
var (
	presetChoices = map[string]string{
		"api":         "public JSON API: JWT auth, CORS allowlist, 100 req/15 min",
		"spa-backend": "backend of a browser app: cookie sessions, CSRF checks",
		"internal":    "service to service: API keys, no CORS, 1000 req/min",
	}
	frameworkChoices = map[string]string{
		"stdlib": "net/http with Go 1.22+ routing, no framework dependency",
		"chi":    "go-chi/chi router on net/http",
		"gin":    "gin-gonic/gin on net/http",
		"echo":   "labstack/echo v5 on net/http",
		"fiber":  "gofiber/fiber v3 on fasthttp (not net/http)",
	}
	storeChoices = map[string]string{
		"memory": "counts in the process: one instance",
		"redis":  "counts in Redis, shared by every instance",
	}
	authChoices = map[string]string{
		"none":    "no authentication",
		"apikey":  "X-API-Key header, keys kept as SHA-256 digests",
		"jwt":     "bearer tokens: algorithm pinned, exp, iss and aud required",
		"session": "cookie sessions, argon2id passwords, CSRF protection",
		"oidc":    "sign-in through an OpenID Connect provider, then a session",
	}
	dbChoices = map[string]string{
		"none":     "in memory, lost at restart: development only",
		"sqlite":   "one embedded file: one instance",
		"postgres": "PostgreSQL server: instances share accounts and sessions",
	}
	tlsChoices = map[string]string{
		"off":      "plain HTTP: development only",
		"proxy":    "TLS ends at a trusted proxy or load balancer (usual)",
		"files":    "the service serves HTTPS (TLS 1.2+) from certificate files",
		"autocert": "certificates from Let's Encrypt, HTTP redirected to HTTPS",
	}
)
