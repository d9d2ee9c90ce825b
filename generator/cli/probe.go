package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/signal"
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

With SECUREGEN_PROBE_CREDENTIAL set to a header /api/me accepts
("X-API-Key: KEY" or "Authorization: Bearer TOKEN"), the check that two
credential fields get 401 sends it beside an invalid one; it is never
printed.

Only loopback hosts (localhost, 127.0.0.0/8, ::1) are probed unless
--allow-remote is given. Exit status: 0 when every check passes, 1 when one
fails or the service cannot be reached, 2 on a usage error.`,
		Example: `  securegen probe http://127.0.0.1:8080 --manifest orders/securegen.yaml --rate-limit
  securegen probe http://localhost:8080 --origins https://app.example.com --limit 100/15m --auth jwt
  securegen probe https://staging.example.com --allow-remote --manifest securegen.yaml --json`,
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
	f.BoolVar(&o.allowRemote, "allow-remote", false, "allow a host that is not loopback")
	f.DurationVar(&o.timeout, "timeout", probe.DefaultTimeout, "time limit of each request")
	f.BoolVar(&o.json, "json", false, "print the report as JSON on stdout")
	_ = cmd.MarkFlagFilename("manifest", "yaml", "yml")
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
	return cfg, nil
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
