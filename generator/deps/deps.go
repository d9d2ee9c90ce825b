// Package deps is the one place that names every module version securegen
// writes into a generated go.mod. Upgrading a pin is one edit here followed by
// `securegen regen` in each project.
package deps

import "sort"

// GoVersion is the go directive of generated modules. Go 1.25 is the first
// release whose TLS defaults and net/http.CrossOriginProtection the generated
// code relies on.
const GoVersion = "1.25.0"

// Versions maps module path to the version securegen pins.
var Versions = map[string]string{
	"github.com/rs/cors":           "v1.11.1", // >= v1.11.0 for CVE-2025-47908
	"github.com/golang-jwt/jwt/v5": "v5.3.1",

	// chi
	"github.com/go-chi/chi/v5": "v5.5.0",

	// gin, and the minimums its own go.mod leaves vulnerable
	"github.com/gin-gonic/gin":   "v1.12.0",
	"golang.org/x/net":           "v0.62.0",
	"golang.org/x/crypto":        "v0.59.0",
	"golang.org/x/text":          "v0.44.0",
	"golang.org/x/sys":           "v0.50.0",
	"github.com/quic-go/quic-go": "v0.65.0",

	// echo: v5, since v4 has advisories without a fix
	"github.com/labstack/echo/v5": "v5.4.5",

	// fiber, named exactly (@latest resolved to a vulnerable v3.1.0), and
	// the minimums of its compression dependencies
	"github.com/gofiber/fiber/v3":   "v3.4.0",
	"github.com/valyala/fasthttp":   "v1.72.0",
	"github.com/klauspost/compress": "v1.20.4",
	"github.com/andybalholm/brotli": "v1.3.0",

	// auth session and oidc: server-side sessions; argon2id (x/crypto, above)
	"github.com/alexedwards/scs/v2": "v2.9.0",
	// auth oidc: the OpenID Connect client, its OAuth 2 flow and JOSE,
	// raised above the versions go-oidc asks for
	"github.com/coreos/go-oidc/v3":  "v3.21.0",
	"golang.org/x/oauth2":           "v0.38.0",
	"github.com/go-jose/go-jose/v4": "v4.1.9",

	// db sqlite and postgres: the drivers (modernc's SQLite is pure Go, so
	// the binary stays CGO_ENABLED=0) and the migrations
	"modernc.org/sqlite":          "v1.62.0",
	"github.com/jackc/pgx/v5":     "v5.12.0",
	"github.com/pressly/goose/v3": "v3.30.0",

	// every auth mode but none: the one validator of request bodies (notes);
	// it asks for golang.org/x/crypto v0.58.0, raised to the pin above
	"github.com/go-playground/validator/v10": "v10.30.6",

	// rate_limit.store redis: the client and GCRA on top of it
	"github.com/redis/go-redis/v9":       "v9.23.0",
	"github.com/go-redis/redis_rate/v10": "v10.0.1",

	// metrics, in every project; so is klauspost/compress (above): the
	// v1.20.1 promhttp asks for has GO-2026-6865
	"github.com/prometheus/client_golang": "v1.25.0",

	// tracing (off unless OTEL_EXPORTER_OTLP_ENDPOINT is set): the API, the
	// SDK, the OTLP/HTTP exporter and net/http instrumentation; the OTLP
	// protobuf types and protobuf for the tests' receiver
	"go.opentelemetry.io/otel":                                        "v1.47.0",
	"go.opentelemetry.io/otel/metric":                                 "v1.47.0",
	"go.opentelemetry.io/otel/sdk":                                    "v1.47.0",
	"go.opentelemetry.io/otel/trace":                                  "v1.47.0",
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp": "v1.47.0",
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp":   "v0.72.0",
	"go.opentelemetry.io/proto/otlp":                                  "v1.11.0",
	"google.golang.org/protobuf":                                      "v1.36.12",
}

// GoVersions raises the go directive of a project that requires one of these
// modules to the version the module's own go.mod asks for, which `go mod
// tidy` would otherwise raise it to after generation.
var GoVersions = map[string]string{
	// in every project (metrics): the go directive is 1.26.0 throughout
	"github.com/prometheus/client_golang": "1.26.0",

	"github.com/redis/go-redis/v9":           "1.26.0",
	"modernc.org/sqlite":                     "1.26.0",
	"github.com/pressly/goose/v3":            "1.26.0",
	"github.com/go-playground/validator/v10": "1.26.0",
	"go.opentelemetry.io/otel":               "1.26.0",
}

// Tools are the checkers a generated project's Makefile and CI workflow run,
// as `go run` arguments (package@version). scripts/check-generated.sh, the
// gate on securegen's own output, runs the same versions.
var Tools = map[string]string{
	"staticcheck": "honnef.co/go/tools/cmd/staticcheck@v0.8.2",
	"gosec":       "github.com/securego/gosec/v2/cmd/gosec@v2.30.0",
	"govulncheck": "golang.org/x/vuln/cmd/govulncheck@v1.9.0",
}

// Version returns the pinned version of module and whether it is pinned.
func Version(module string) (string, bool) {
	v, ok := Versions[module]
	return v, ok
}

// Modules returns the pinned module paths in sorted order.
func Modules() []string {
	m := make([]string, 0, len(Versions))
	for k := range Versions {
		m = append(m, k)
	}
	sort.Strings(m)
	return m
}
