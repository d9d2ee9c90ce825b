package render

import (
	"fmt"
	"slices"
)

// condition is true for the answers a template is rendered for.
type condition func(Data) bool

// when says which files a project gets. A template listed here is rendered
// only for the answers its condition accepts; a template not listed is
// rendered for every project of its framework. Templates never decide
// their own presence: one that renders empty is an error.
var when = map[string]condition{
	"chi/internal/middleware/auth.go.tmpl":                        auth("apikey", "jwt"),
	"common/cmd/__name__/users.go.tmpl":                           auth("session", "oidc"),
	"common/cmd/__name__/users_test.go.tmpl":                      auth("session", "oidc"),
	"common/deploy/kubernetes/pvc-acme.yaml.tmpl":                 tls("autocert"),
	"common/deploy/kubernetes/pvc-data.yaml.tmpl":                 db("sqlite"),
	"common/internal/auth/apikey.go.tmpl":                         auth("apikey"),
	"common/internal/auth/apikey_test.go.tmpl":                    auth("apikey"),
	"common/internal/auth/auth.go.tmpl":                           auth("apikey", "jwt", "session", "oidc"),
	"common/internal/auth/auth_test.go.tmpl":                      auth("apikey", "jwt"),
	"common/internal/auth/directory.go.tmpl":                      auth("session", "oidc"),
	"common/internal/auth/directory_test.go.tmpl":                 auth("session", "oidc"),
	"common/internal/auth/email.go.tmpl":                          auth("session", "oidc"),
	"common/internal/auth/jwks.go.tmpl":                           auth("jwt"),
	"common/internal/auth/jwks_test.go.tmpl":                      auth("jwt"),
	"common/internal/auth/jwt.go.tmpl":                            auth("jwt"),
	"common/internal/auth/jwt_test.go.tmpl":                       auth("jwt"),
	"common/internal/auth/oidc.go.tmpl":                           auth("oidc"),
	"common/internal/auth/oidc_accounts.go.tmpl":                  auth("oidc"),
	"common/internal/auth/oidc_accounts_sql.go.tmpl":              all(auth("oidc"), db("sqlite", "postgres")),
	"common/internal/auth/oidc_test.go.tmpl":                      auth("oidc"),
	"common/internal/auth/password.go.tmpl":                       auth("session"),
	"common/internal/auth/password_test.go.tmpl":                  auth("session"),
	"common/internal/auth/roles.go.tmpl":                          auth("session", "oidc"),
	"common/internal/auth/roles_sql.go.tmpl":                      all(auth("session", "oidc"), db("sqlite", "postgres")),
	"common/internal/auth/roles_test.go.tmpl":                     auth("session", "oidc"),
	"common/internal/auth/session.go.tmpl":                        auth("session", "oidc"),
	"common/internal/auth/session_redis.go.tmpl":                  all(auth("session", "oidc"), store("redis")),
	"common/internal/auth/session_sql.go.tmpl":                    all(auth("session", "oidc"), db("sqlite", "postgres")),
	"common/internal/auth/throttle.go.tmpl":                       auth("session"),
	"common/internal/auth/throttle_redis.go.tmpl":                 all(auth("session"), store("redis")),
	"common/internal/auth/users.go.tmpl":                          auth("session"),
	"common/internal/auth/users_sql.go.tmpl":                      all(auth("session"), db("sqlite", "postgres")),
	"common/internal/config/database.go.tmpl":                     db("sqlite", "postgres"),
	"common/internal/config/database_test.go.tmpl":                db("sqlite", "postgres"),
	"common/internal/config/jwt.go.tmpl":                          auth("jwt"),
	"common/internal/config/jwt_test.go.tmpl":                     auth("jwt"),
	"common/internal/config/oidc.go.tmpl":                         auth("oidc"),
	"common/internal/config/oidc_test.go.tmpl":                    auth("oidc"),
	"common/internal/config/redis.go.tmpl":                        store("redis"),
	"common/internal/config/redis_test.go.tmpl":                   store("redis"),
	"common/internal/config/secrets.go.tmpl":                      auth("apikey", "jwt"),
	"common/internal/config/session.go.tmpl":                      auth("session", "oidc"),
	"common/internal/config/tls.go.tmpl":                          tls("autocert"),
	"common/internal/config/tls_test.go.tmpl":                     tls("autocert"),
	"common/internal/database/database.go.tmpl":                   db("sqlite", "postgres"),
	"common/internal/database/migrate.go.tmpl":                    db("sqlite", "postgres"),
	"common/internal/database/migrations/00001_sessions.sql.tmpl": all(auth("session", "oidc"), db("sqlite", "postgres")),
	"common/internal/database/migrations/00002_accounts.sql.tmpl": all(auth("session"), db("sqlite", "postgres")),
	"common/internal/database/migrations/00003_roles.sql.tmpl":    all(auth("session", "oidc"), db("sqlite", "postgres")),
	"common/internal/database/migrations/00004_notes.sql.tmpl":    all(auth("apikey", "jwt", "session", "oidc"), db("sqlite", "postgres")),
	"common/internal/handlers/account.go.tmpl":                    auth("session"),
	"common/internal/handlers/admin.go.tmpl":                      all(framework("stdlib", "chi"), auth("apikey", "jwt", "session", "oidc")),
	"common/internal/handlers/logout.go.tmpl":                     all(framework("stdlib", "chi"), auth("session", "oidc")),
	"common/internal/handlers/notes.go.tmpl":                      all(framework("stdlib", "chi"), auth("apikey", "jwt", "session", "oidc")),
	"common/internal/handlers/notes_api_test.go.tmpl":             auth("apikey", "jwt", "session", "oidc"),
	"common/internal/handlers/notes_test.go.tmpl":                 all(framework("stdlib", "chi"), auth("apikey", "jwt", "session", "oidc")),
	"common/internal/handlers/oidc.go.tmpl":                       all(framework("stdlib", "chi"), auth("oidc")),
	"common/internal/handlers/results.go.tmpl":                    auth("apikey", "jwt", "session", "oidc"),
	"common/internal/handlers/session.go.tmpl":                    all(framework("stdlib", "chi"), auth("session")),
	"common/internal/httpjson/validate.go.tmpl":                   auth("apikey", "jwt", "session", "oidc"),
	"common/internal/httpjson/validate_test.go.tmpl":              auth("apikey", "jwt", "session", "oidc"),
	"common/internal/middleware/linger.go.tmpl":                   framework("stdlib", "chi", "gin", "echo"),
	"common/internal/middleware/linger_test.go.tmpl":              framework("stdlib", "chi", "gin", "echo"),
	"common/internal/middleware/status.go.tmpl":                   framework("stdlib", "chi"),
	"common/internal/middleware/request.go.tmpl":                  framework("stdlib", "chi", "gin", "echo"),
	"common/internal/middleware/session.go.tmpl":                  all(framework("stdlib", "chi"), auth("session", "oidc")),
	"common/internal/notes/notes.go.tmpl":                         auth("apikey", "jwt", "session", "oidc"),
	"common/internal/notes/notes_test.go.tmpl":                    auth("apikey", "jwt", "session", "oidc"),
	"common/internal/notes/sql.go.tmpl":                           all(auth("apikey", "jwt", "session", "oidc"), db("sqlite", "postgres")),
	"common/internal/notes/sql_test.go.tmpl":                      all(auth("apikey", "jwt", "session", "oidc"), db("sqlite", "postgres")),
	"common/internal/oidctest/provider.go.tmpl":                   auth("oidc"),
	"common/internal/oidctest/provider_test.go.tmpl":              auth("oidc"),
	"common/internal/security/csrf.go.tmpl":                       auth("session", "oidc"),
	"common/internal/ratelimit/redis.go.tmpl":                     store("redis"),
	"common/internal/ratelimit/redis_test.go.tmpl":                store("redis"),
	"common/internal/server/account_test.go.tmpl":                 auth("session"),
	"common/internal/server/auth_test.go.tmpl":                    auth("apikey", "jwt"),
	"common/internal/server/database.go.tmpl":                     db("sqlite", "postgres"),
	"common/internal/server/database_test.go.tmpl":                db("sqlite", "postgres"),
	"common/internal/server/oidc_test.go.tmpl":                    auth("oidc"),
	"common/internal/server/notes.go.tmpl":                        auth("apikey", "jwt", "session", "oidc"),
	"common/internal/server/notes_test.go.tmpl":                   auth("apikey", "jwt", "session", "oidc"),
	"common/internal/server/redis_test.go.tmpl":                   store("redis"),
	"common/internal/server/scopes_test.go.tmpl":                  auth("apikey", "jwt"),
	"common/internal/server/session_bench_test.go.tmpl":           auth("session"),
	"common/internal/server/session_limits_test.go.tmpl":          auth("session"),
	"common/internal/server/session_redis_test.go.tmpl":           all(auth("session"), store("redis")),
	"common/internal/server/session_test.go.tmpl":                 auth("session"),
	"common/internal/server/sessions.go.tmpl":                     auth("session", "oidc"),
	"common/internal/server/store.go.tmpl":                        store("redis"),
	"common/internal/server/tls_test.go.tmpl":                     tls("proxy", "files", "autocert"),
	"common/internal/server/tls.go.tmpl":                          tls("files", "autocert"),
	"common/internal/telemetry/http.go.tmpl":                      framework("stdlib", "chi", "gin", "echo"),
	"echo/internal/handlers/admin.go.tmpl":                        auth("apikey", "jwt", "session", "oidc"),
	"echo/internal/handlers/logout.go.tmpl":                       auth("session", "oidc"),
	"echo/internal/handlers/notes.go.tmpl":                        auth("apikey", "jwt", "session", "oidc"),
	"echo/internal/handlers/notes_test.go.tmpl":                   auth("apikey", "jwt", "session", "oidc"),
	"echo/internal/handlers/oidc.go.tmpl":                         auth("oidc"),
	"echo/internal/handlers/session.go.tmpl":                      auth("session"),
	"echo/internal/middleware/auth.go.tmpl":                       auth("apikey", "jwt"),
	"echo/internal/middleware/session.go.tmpl":                    auth("session", "oidc"),
	"fiber/internal/handlers/admin.go.tmpl":                       auth("apikey", "jwt", "session", "oidc"),
	"fiber/internal/handlers/notes.go.tmpl":                       auth("apikey", "jwt", "session", "oidc"),
	"fiber/internal/handlers/notes_test.go.tmpl":                  auth("apikey", "jwt", "session", "oidc"),
	"fiber/internal/handlers/oidc.go.tmpl":                        auth("oidc"),
	"fiber/internal/handlers/session.go.tmpl":                     auth("session", "oidc"),
	"fiber/internal/middleware/auth.go.tmpl":                      auth("apikey", "jwt"),
	"fiber/internal/middleware/session.go.tmpl":                   auth("session", "oidc"),
	"gin/internal/handlers/admin.go.tmpl":                         auth("apikey", "jwt", "session", "oidc"),
	"gin/internal/handlers/logout.go.tmpl":                        auth("session", "oidc"),
	"gin/internal/handlers/notes.go.tmpl":                         auth("apikey", "jwt", "session", "oidc"),
	"gin/internal/handlers/notes_test.go.tmpl":                    auth("apikey", "jwt", "session", "oidc"),
	"gin/internal/handlers/oidc.go.tmpl":                          auth("oidc"),
	"gin/internal/handlers/session.go.tmpl":                       auth("session"),
	"gin/internal/middleware/auth.go.tmpl":                        auth("apikey", "jwt"),
	"gin/internal/middleware/session.go.tmpl":                     auth("session", "oidc"),
	"stdlib/internal/middleware/auth.go.tmpl":                     auth("apikey", "jwt"),
}

// is accepts the projects whose answer key is one of values. A value the
// answer does not have is a mistake in the table: it panics when the
// package is loaded, so every test catches it.
func is(key string, values ...string) condition {
	for _, v := range values {
		if !slices.Contains(Supported[key], v) {
			panic(fmt.Sprintf("render: %s has no value %q", key, v))
		}
	}
	return func(d Data) bool { return slices.Contains(values, d.answer(key)) }
}

func framework(v ...string) condition { return is("framework", v...) }
func auth(v ...string) condition      { return is("auth", v...) }
func db(v ...string) condition        { return is("db", v...) }
func tls(v ...string) condition       { return is("tls", v...) }
func store(v ...string) condition     { return is("rate_limit.store", v...) }

// all accepts the projects every one of cs accepts.
func all(cs ...condition) condition {
	return func(d Data) bool {
		for _, c := range cs {
			if !c(d) {
				return false
			}
		}
		return true
	}
}

// anyOf accepts the projects one of cs accepts.
func anyOf(cs ...condition) condition {
	return func(d Data) bool {
		for _, c := range cs {
			if c(d) {
				return true
			}
		}
		return false
	}
}

// answer returns the answer a condition names.
func (d Data) answer(key string) string {
	switch key {
	case "framework":
		return d.Framework
	case "auth":
		return d.Auth
	case "db":
		return d.DB
	case "tls":
		return d.TLS
	case "rate_limit.store":
		return d.RateLimit.Store
	}
	panic("render: no condition on answer " + key)
}
