package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/securegen/securegen/generator/probe"
)

// runProbe is probe.Run; tests replace it to see the configuration a
// command line produces without a service to probe.
var runProbe = probe.Run

// probeAuths are the values of --auth, as in securegen.yaml.
var probeAuths = []string{"none", "apikey", "jwt", "session", "oidc"}

// maxManifestSize bounds the securegen.yaml the probe reads.
const maxManifestSize = 1 << 20

// probeOptions holds the flags of `securegen probe`.
type probeOptions struct {
	sys *IO

	url         string
	manifest    string
	origins     []string
	credentials bool
	limit       string
	bodyLimit   string
	auth        string
	rateLimit   bool
	routes      string
	tokens      []string
	apiKeys     []string
	sessions    []string
	allowRemote bool
	timeout     time.Duration
	json        bool

	changed func(flag string) bool // whether a flag was given
}

func newProbeCmd(sys *IO) *cobra.Command {
	o := &probeOptions{sys: sys}
	cmd := &cobra.Command{
		Use:   "probe URL",
		Short: "Check a running service against the security baseline",
		Long: `Send a fixed set of requests to the service at URL and check each response
against securegen's security baseline: the security headers on 200, 400, 404,
405, 413 and 429 responses; JSON errors without stack traces or internal
detail; input validation; CORS for allowed and other origins, and preflights;
401 on /api/me when the service has auth; and, with --rate-limit, the rate
limit itself (N requests pass with the RateLimit fields, the next gets 429
with Retry-After).

What the service should do comes from the project's securegen.yaml
(--manifest) and the flags, which override it. Run inside a project without
--manifest and without expectation flags (--origins, --credentials, --limit,
--body-limit, --auth), the probe reads ./securegen.yaml and says so on
stderr. Without a manifest or flags, no origin is allowed, and the rate
limit and auth checks are skipped.

--rate-limit spends the probing client's quota for the whole window: run it
against a service you own, not one your users depend on right now.

The authz checks read the service's route manifest (--routes FILE; found by
itself at internal/server/testdata/routes.golden next to the securegen.yaml
the probe reads): every route that is not public must answer 401 without
credentials. Given the credentials of two principals, A then B (--token A
--token B for auth jwt, --api-key A --api-key B for apikey, --session A
--session B, the __Host-session cookie's value, for session and oidc), A
creates a note with POST /api/notes; B's GET, PUT and DELETE of it must be
404 and B's GET /api/notes must not list it; A still reads it unchanged, and
A deletes it at the end, also when a check fails. Credentials are never
printed, but a command line is visible to the machine's other users: use
test principals.

With SECUREGEN_PROBE_CREDENTIAL set to a header /api/me accepts
("X-API-Key: KEY" or "Authorization: Bearer TOKEN"), the check that two
credential fields get 401 sends it beside an invalid one; it is never
printed.

Only loopback hosts (localhost, 127.0.0.0/8, ::1) are probed unless
--allow-remote is given. Exit status: 0 when every check passes, 1 when one
fails or the service cannot be reached, 2 on a usage error.`,
		Example: `  securegen probe http://127.0.0.1:8080 --manifest orders/securegen.yaml --rate-limit
  securegen probe http://localhost:8080 --origins https://app.example.com --limit 100/15m --auth jwt
  securegen probe https://staging.example.com --allow-remote --manifest securegen.yaml --json
  securegen probe http://127.0.0.1:8080 --manifest svc/securegen.yaml --api-key "$KEY_A" --api-key "$KEY_B"`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErr("probe takes one URL, the service's base address such as http://127.0.0.1:8080; got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.url = args[0]
			o.changed = cmd.Flags().Changed
			cfg, err := o.config()
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			return o.run(ctx, cfg)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.manifest, "manifest", "", "the project's securegen.yaml, for the expected origins, rate limit, auth and body limit")
	f.StringSliceVar(&o.origins, "origins", nil, "allowed CORS origins, comma-separated (overrides the manifest); every other origin must get no CORS headers")
	f.BoolVar(&o.credentials, "credentials", false, "CORS responses to allowed origins must allow credentials (overrides the manifest)")
	f.StringVar(&o.limit, "limit", "", "the service's rate limit, N/WINDOW (e.g. 100/15m) or off (overrides the manifest)")
	f.StringVar(&o.bodyLimit, "body-limit", "", "the service's largest accepted body, e.g. 1MiB (overrides the manifest; default 1MiB)")
	f.StringVar(&o.auth, "auth", "", "the service's auth: "+strings.Join(probeAuths, ", ")+" (overrides the manifest); other than none, /api/me must answer 401")
	f.BoolVar(&o.rateLimit, "rate-limit", false, "also exhaust the rate limit and check the 429 (spends the client's quota)")
	f.StringVar(&o.routes, "routes", "", "the service's route manifest, for the authz checks (default: internal/server/testdata/routes.golden next to the securegen.yaml read; \"\" reads none)")
	f.StringArrayVar(&o.tokens, "token", nil, "a JWT of principal A, then of B (give it twice), for the authz checks of auth jwt; sent as Authorization: Bearer")
	f.StringArrayVar(&o.apiKeys, "api-key", nil, "an API key of principal A, then of B (give it twice), for the authz checks of auth apikey; sent as X-API-Key")
	f.StringArrayVar(&o.sessions, "session", nil, "the "+probe.SessionCookieName+" cookie value of a signed-in principal A, then of B (give it twice), for the authz checks of auth session and oidc")
	f.BoolVar(&o.allowRemote, "allow-remote", false, "allow a host that is not loopback")
	f.DurationVar(&o.timeout, "timeout", probe.DefaultTimeout, "time limit of each request")
	f.BoolVar(&o.json, "json", false, "print the report as JSON on stdout")
	_ = cmd.MarkFlagFilename("manifest", "yaml", "yml")
	_ = cmd.MarkFlagFilename("routes", "golden")
	_ = cmd.RegisterFlagCompletionFunc("auth", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return probeAuths, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// config builds the probe's configuration: the manifest's answers, then
// the flags given. Every error is a usage error.
func (o *probeOptions) config() (probe.Config, error) {
	cfg := probe.Config{URL: o.url, AllowRemote: o.allowRemote, CheckRateLimit: o.rateLimit, Timeout: o.timeout}
	if _, err := probe.ParseURL(o.url, o.allowRemote); err != nil {
		return cfg, usageErr("%v", err)
	}
	found := false
	if o.manifest == "" {
		o.manifest = o.projectManifest()
		found = o.manifest != ""
	}
	if o.manifest != "" {
		source := "--manifest " + o.manifest
		if found {
			source = "./" + o.manifest
		}
		data, err := readLimited(o.manifest, maxManifestSize)
		if err != nil {
			return cfg, usageErr("%s: %v", source, err)
		}
		if err := probe.ParseManifest(data, &cfg); err != nil {
			return cfg, usageErr("%s: %v", source, err)
		}
		if found {
			origins := strings.Join(cfg.Origins, ",")
			if origins == "" {
				origins = "none"
			}
			auth := cfg.Auth
			if auth == "" {
				auth = "none"
			}
			fmt.Fprintf(o.sys.Err, "securegen: probe: expectations from ./%s (origins %s, limit %s, auth %s); --manifest FILE or the flags choose others\n", o.manifest, origins, limitText(cfg.Limit), auth)
		}
	}
	if o.changed("origins") {
		for _, origin := range o.origins {
			if err := checkOrigin(origin); err != nil {
				return cfg, err
			}
		}
		cfg.Origins = o.origins
	}
	if o.changed("credentials") {
		cfg.Credentials = o.credentials
	}
	if cfg.Credentials && slices.Contains(cfg.Origins, "*") {
		return cfg, usageErr("origins \"*\" with credentials is forbidden by the baseline; list the origins, or drop --credentials")
	}
	if o.changed("limit") {
		l, err := probe.ParseLimit(o.limit)
		if err != nil {
			return cfg, usageErr("--limit: %v", err)
		}
		cfg.Limit = l
	}
	if o.rateLimit && o.manifest == "" && !o.changed("limit") {
		return cfg, usageErr("--rate-limit needs the service's limit: give --limit N/WINDOW (e.g. 100/15m) or --manifest securegen.yaml")
	}
	if o.changed("body-limit") {
		n, err := probe.ParseSize(o.bodyLimit)
		if err != nil {
			return cfg, usageErr("--body-limit: %v", err)
		}
		cfg.BodyLimit = n
	}
	if o.changed("auth") {
		cfg.Auth = o.auth
	}
	if cfg.Auth != "" && !slices.Contains(probeAuths, cfg.Auth) {
		return cfg, usageErr("auth %q is not accepted; use one of: %s", cfg.Auth, strings.Join(probeAuths, ", "))
	}
	if o.timeout <= 0 {
		return cfg, usageErr("--timeout %s is not a positive duration; use e.g. 10s", o.timeout)
	}
	// From the environment, not a flag, so that it is not in the process list.
	cfg.Credential = os.Getenv(credentialEnv)
	routes, err := o.readRoutes()
	if err != nil {
		return cfg, err
	}
	cfg.Routes = routes
	if cfg.Principals, err = o.principals(cfg.Auth); err != nil {
		return cfg, err
	}
	if cfg.Principals != nil && cfg.Routes == nil {
		return cfg, usageErr("the credentials of --token, --api-key or --session are for the authz checks, which need the service's routes: give --routes FILE (a project's %s) or --manifest, or run inside the project", routesFile)
	}
	return cfg, nil
}

// routesFile is where a project keeps its route manifest, relative to its
// securegen.yaml.
var routesFile = filepath.Join("internal", "server", "testdata", "routes.golden")

// readRoutes returns the routes of --routes, or else of the route manifest
// next to the securegen.yaml the probe reads, if there is one; nil when
// there are none.
func (o *probeOptions) readRoutes() ([]probe.Route, error) {
	name, source, label := o.routes, "--routes "+o.routes, o.routes
	if o.changed("routes") {
		if name == "" {
			return nil, nil
		}
	} else {
		if o.manifest == "" {
			return nil, nil
		}
		name = filepath.Join(filepath.Dir(o.manifest), routesFile)
		if _, err := os.Stat(name); errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		source = name
		if !filepath.IsAbs(name) && !strings.HasPrefix(name, ".") {
			source = "." + string(filepath.Separator) + name
		}
		label = source
	}
	data, err := readLimited(name, maxManifestSize)
	if err != nil {
		return nil, usageErr("%s: %v", source, err)
	}
	routes, err := probe.ParseRoutes(label, data)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	if !o.changed("routes") {
		closed := 0
		for _, r := range routes {
			if r.Access != probe.Public {
				closed++
			}
		}
		fmt.Fprintf(o.sys.Err, "securegen: probe: routes from %s (%d routes, %d not public); --routes FILE chooses another\n", source, len(routes), closed)
	}
	return routes, nil
}

// credentialFlags are the flags of the two principals' credentials, and
// the auth modes each is for.
var credentialFlags = []struct {
	kind  probe.CredentialKind
	auths string
}{
	{probe.BearerToken, "jwt"},
	{probe.APIKey, "apikey"},
	{probe.SessionCookie, "session or oidc"},
}

// principals returns the credentials of --token, --api-key or --session:
// two different values of one flag. Errors never show a value.
func (o *probeOptions) principals(auth string) ([]probe.Credential, error) {
	values := map[probe.CredentialKind][]string{probe.BearerToken: o.tokens, probe.APIKey: o.apiKeys, probe.SessionCookie: o.sessions}
	var given []string
	var kind probe.CredentialKind
	for _, f := range credentialFlags {
		if o.changed(string(f.kind)) {
			given = append(given, "--"+string(f.kind))
			kind = f.kind
		}
	}
	switch {
	case len(given) == 0:
		return nil, nil
	case len(given) > 1:
		return nil, usageErr("%s cannot be combined: give the two principals' credentials of the service's auth with one of them", strings.Join(given, " and "))
	}
	flag, vs := given[0], values[kind]
	if len(vs) != 2 {
		return nil, usageErr("%s needs the credentials of two different principals, A then B (%s A %s B); got %d", flag, flag, flag, len(vs))
	}
	for i, v := range vs {
		if err := probe.CheckCredentialValue(kind, v); err != nil {
			return nil, usageErr("the %s %s %v", []string{"first", "second"}[i], flag, err)
		}
	}
	if vs[0] == vs[1] {
		return nil, usageErr("%s was given the same credential twice; give those of two different principals, A then B", flag)
	}
	if want, ok := probe.CredentialKindFor(auth); auth == "none" || (ok && want != kind) {
		hint := "the service has no auth"
		if ok {
			hint = "use --" + string(want)
		}
		for _, f := range credentialFlags {
			if f.kind == kind {
				return nil, usageErr("%s is for auth %s, and the service's auth is %s: %s", flag, f.auths, auth, hint)
			}
		}
	}
	return []probe.Credential{{Kind: kind, Value: vs[0]}, {Kind: kind, Value: vs[1]}}, nil
}

// credentialEnv names the environment variable holding a credential that
// /api/me accepts, for the check of two credential fields.
const credentialEnv = "SECUREGEN_PROBE_CREDENTIAL"

// limitText prints l as N/WINDOW the way securegen.yaml writes it (1m,
// not 1m0s).
func limitText(l probe.Limit) string {
	s := l.String()
	for _, unit := range []string{"m0s", "h0m"} {
		if strings.HasSuffix(s, unit) {
			s = strings.TrimSuffix(s, unit) + unit[:1]
		}
	}
	return s
}

// expectationFlags are the flags that say what the service should do; any
// of them keeps the probe from reading ./securegen.yaml on its own.
var expectationFlags = []string{"origins", "credentials", "limit", "body-limit", "auth"}

// projectManifest returns securegen.yaml when the probe runs inside a
// project and neither --manifest nor an expectation flag was given;
// otherwise "".
func (o *probeOptions) projectManifest() string {
	const name = "securegen.yaml"
	if _, err := os.Stat(name); err != nil {
		return ""
	}
	for _, f := range expectationFlags {
		if o.changed(f) {
			fmt.Fprintf(o.sys.Err, "securegen: probe: the expectations come from the flags only; ./%s is not read (add --manifest %s to combine them)\n", name, name)
			return ""
		}
	}
	return name
}

// checkOrigin accepts "*" or an origin scheme://host[:port].
func checkOrigin(origin string) error {
	if origin == "*" {
		return nil
	}
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.Path != "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return usageErr("--origins: %q is not an origin; use scheme://host[:port] such as https://app.example.com, or *", origin)
	}
	return nil
}

// run probes the service and prints the report; a failed check makes the
// error that exits 1.
func (o *probeOptions) run(ctx context.Context, cfg probe.Config) error {
	rep, err := runProbe(ctx, cfg)
	if err != nil {
		return err
	}
	if o.json {
		enc := json.NewEncoder(o.sys.Out)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		err = rep.WriteText(o.sys.Out)
	}
	if err != nil {
		return err
	}
	if !rep.OK() {
		names := rep.Failures()
		if len(names) > 5 {
			names = append(names[:5], "...")
		}
		return fmt.Errorf("%d of %d checks failed: %s", rep.Failed, rep.Passed+rep.Failed, strings.Join(names, ", "))
	}
	return nil
}
