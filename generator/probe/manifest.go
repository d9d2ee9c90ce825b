package probe

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Limit is a rate limit: Requests per Window per client. The zero Limit
// means no limit.
type Limit struct {
	Requests int
	Window   time.Duration
}

// String prints l as N/WINDOW, or "off".
func (l Limit) String() string {
	if l.Requests == 0 {
		return "off"
	}
	return strconv.Itoa(l.Requests) + "/" + l.Window.String()
}

// ParseLimit parses a rate limit "N/WINDOW" (e.g. 100/15m) or "off".
func ParseLimit(v string) (Limit, error) {
	v = strings.TrimSpace(v)
	if v == "off" {
		return Limit{}, nil
	}
	bad := fmt.Errorf("rate limit %q is not N/WINDOW with N from 1 to 1000000 and WINDOW a duration from 1s to 24h in whole seconds (e.g. 100/15m), or off", v)
	ns, ws, ok := strings.Cut(v, "/")
	if !ok {
		return Limit{}, bad
	}
	n, err := strconv.Atoi(ns)
	if err != nil || n < 1 || n > 1_000_000 || strings.HasPrefix(ns, "+") {
		return Limit{}, bad
	}
	w, err := time.ParseDuration(ws)
	if err != nil || w < time.Second || w > 24*time.Hour || w%time.Second != 0 {
		return Limit{}, bad
	}
	return Limit{Requests: n, Window: w}, nil
}

var sizeRE = regexp.MustCompile(`^([0-9]{1,10})\s*(B|KB|KiB|MB|MiB|GB|GiB)?$`)

var sizeUnits = map[string]int64{"": 1, "B": 1, "KB": 1000, "KiB": 1 << 10, "MB": 1000 * 1000, "MiB": 1 << 20, "GB": 1000 * 1000 * 1000, "GiB": 1 << 30}

// ParseSize parses a size such as 1MiB, 100KB or 4096 (bytes), from 1KiB
// to 1GiB.
func ParseSize(v string) (int64, error) {
	m := sizeRE.FindStringSubmatch(strings.TrimSpace(v))
	if m != nil {
		n, err := strconv.ParseInt(m[1], 10, 64)
		n *= sizeUnits[m[2]]
		if err == nil && n >= 1<<10 && n <= 1<<30 {
			return n, nil
		}
	}
	return 0, fmt.Errorf("body limit %q is not a size from 1KiB to 1GiB; use bytes or a unit B, KB, KiB, MB, MiB, GB, GiB, e.g. 1MiB", v)
}

// manifest is what the probe reads from a project's securegen.yaml: the
// answers that decide what the service must do. Other keys are ignored, so
// the probe keeps reading manifests of newer securegen versions.
type manifest struct {
	Answers struct {
		CORS struct {
			Origins     []string `yaml:"origins"`
			Credentials bool     `yaml:"credentials"`
		} `yaml:"cors"`
		RateLimit struct {
			Limit string `yaml:"limit"`
			Scope string `yaml:"scope"`
		} `yaml:"rate_limit"`
		Auth      string `yaml:"auth"`
		BodyLimit string `yaml:"body_limit"`
	} `yaml:"answers"`
}

// ParseManifest parses securegen.yaml and applies its answers to cfg:
// origins, credentials, rate limit and scope, auth and body limit. A value
// the manifest does not give leaves cfg unchanged.
func ParseManifest(data []byte, cfg *Config) error {
	var m manifest
	if err := yaml.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("not a securegen.yaml: %w", err)
	}
	a := m.Answers
	if a.CORS.Origins != nil {
		cfg.Origins = a.CORS.Origins
	}
	cfg.Credentials = a.CORS.Credentials
	if a.RateLimit.Limit != "" {
		l, err := ParseLimit(a.RateLimit.Limit)
		if err != nil {
			return fmt.Errorf("answers.rate_limit.limit: %w", err)
		}
		cfg.Limit = l
	}
	if s := a.RateLimit.Scope; s != "" {
		if !strings.HasPrefix(s, "/") {
			return fmt.Errorf("answers.rate_limit.scope %q is not a path prefix such as /api/", s)
		}
		cfg.LimitScope = s
	}
	if a.Auth != "" {
		cfg.Auth = a.Auth
	}
	if a.BodyLimit != "" {
		n, err := ParseSize(a.BodyLimit)
		if err != nil {
			return fmt.Errorf("answers.body_limit: %w", err)
		}
		cfg.BodyLimit = n
	}
	return nil
}
