package spec

import (
	"fmt"
	"net/netip"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/module"
)

// ParseModule checks a Go module path.
func ParseModule(v string) (string, error) {
	if v == "" {
		return "", &Error{Key: "module", Reason: "is required; give a Go module path such as example.com/orders"}
	}
	if err := module.CheckPath(v); err != nil {
		return "", &Error{Key: "module", Value: v, Reason: "is not a valid Go module path (" + err.Error() + "); use a path such as example.com/orders"}
	}
	return v, nil
}

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9-]{0,62}$`)

// ParseName checks a service name: it must be safe as a file name, a
// directory under cmd/ and a container name.
func ParseName(v string) (string, error) {
	if !nameRE.MatchString(v) || strings.HasSuffix(v, "-") {
		return "", &Error{Key: "name", Value: v, Reason: "is not a valid service name; use 1 to 63 lower-case letters, digits and dashes, starting with a letter"}
	}
	return v, nil
}

// NameFromModule derives the default service name from a module path: its
// last element without a major version suffix, lower-cased, with dots and
// underscores turned into dashes.
func NameFromModule(mod string) (string, error) {
	prefix, _, _ := module.SplitPathVersion(mod)
	n := strings.ToLower(path.Base(prefix))
	n = strings.NewReplacer(".", "-", "_", "-").Replace(n)
	if _, err := ParseName(n); err != nil {
		return "", &Error{Key: "name", Value: n, Reason: fmt.Sprintf("(derived from module %q) is not a valid service name; set one with --name", mod)}
	}
	return n, nil
}

// ParseOrigins checks and canonicalises CORS origins: scheme and host in
// lower case, no default port, no trailing slash, no duplicates. "*" is
// accepted alone.
func ParseOrigins(list []string) ([]string, error) {
	out := []string{}
	seen := map[string]bool{}
	for _, o := range list {
		c, err := parseOrigin(o)
		if err != nil {
			return nil, err
		}
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	if seen["*"] && len(out) > 1 {
		return nil, &Error{Key: "cors.origins", Value: strings.Join(list, ","), Reason: "mixes * with exact origins; use * alone or only exact origins"}
	}
	return out, nil
}

var hostRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$`)

const originForm = "; use scheme://host[:port] such as https://app.example.com"

func parseOrigin(o string) (string, error) {
	bad := func(why string) error { return &Error{Key: "cors.origins", Value: o, Reason: why + originForm} }
	if o == "*" {
		return o, nil
	}
	for _, r := range o {
		if r <= ' ' || r >= 0x7f {
			return "", bad("contains a space, control or non-ASCII character (write international names in punycode)")
		}
	}
	u, err := url.Parse(o)
	if err != nil || u.Opaque != "" {
		return "", bad("is not a URL origin")
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", bad("has no http or https scheme")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(o, "?#") {
		return "", bad("has user info, a query or a fragment")
	}
	if u.Path != "" && u.Path != "/" {
		return "", bad("has a path; an origin never has one")
	}
	host := strings.ToLower(u.Hostname())
	if strings.HasPrefix(u.Host, "[") {
		ip, err := netip.ParseAddr(host)
		if err != nil || !ip.Is6() || ip.Zone() != "" {
			return "", bad("has no valid IPv6 host")
		}
		host = "[" + ip.String() + "]"
	} else if !hostRE.MatchString(host) {
		return "", bad("has no valid host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 || p[0] == '0' {
			return "", bad("has a port outside 1-65535")
		}
		if !(scheme == "http" && p == "80" || scheme == "https" && p == "443") {
			host += ":" + p
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return "", bad("has an empty port")
	}
	return scheme + "://" + host, nil
}

// IsLoopbackOrigin reports whether an origin's host is localhost or a
// loopback address, where plain http is acceptable in development.
func IsLoopbackOrigin(o string) bool {
	u, err := url.Parse(o)
	if err != nil {
		return false
	}
	h := u.Hostname()
	if h == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(h)
	return err == nil && ip.IsLoopback()
}

// ParseLimit checks a rate limit "N/WINDOW" or "off" and returns its
// canonical text.
func ParseLimit(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "off" {
		return v, nil
	}
	n, w, err := LimitParts(v)
	if err != nil {
		return "", err
	}
	return strconv.Itoa(n) + "/" + FormatWindow(w), nil
}

// MaxRequests bounds N in a rate limit.
const MaxRequests = 1_000_000

// LimitParts splits a rate limit "N/WINDOW" into N and the window.
func LimitParts(v string) (int, time.Duration, error) {
	bad := func(why string) error {
		return &Error{Key: "rate_limit", Value: v, Reason: why + "; use N/WINDOW with N from 1 to 1000000 and WINDOW from 1s to 24h, e.g. 100/15m, or off"}
	}
	ns, ws, ok := strings.Cut(v, "/")
	if !ok {
		return 0, 0, bad("is not a rate limit")
	}
	n, err := strconv.Atoi(ns)
	if err != nil || n < 1 || n > MaxRequests || ns[0] == '+' || ns[0] == '0' {
		return 0, 0, bad("has a request count outside 1-1000000")
	}
	if ws != "" && ws[0] >= '0' && ws[0] <= '9' && strings.Trim(ws, "0123456789") == "" {
		return 0, 0, bad("has a window without a unit")
	}
	w, err := time.ParseDuration(ws)
	if err != nil || ws[0] == '-' || ws[0] == '+' {
		return 0, 0, bad("has a window that is not a duration such as 30s, 15m or 1h")
	}
	if w < time.Second || w > 24*time.Hour || w%time.Second != 0 {
		return 0, 0, bad("has a window outside 1s-24h or not in whole seconds")
	}
	return n, w, nil
}

// FormatWindow prints a whole-second duration in the largest exact unit.
func FormatWindow(w time.Duration) string {
	s := int64(w / time.Second)
	switch {
	case s%3600 == 0:
		return strconv.FormatInt(s/3600, 10) + "h"
	case s%60 == 0:
		return strconv.FormatInt(s/60, 10) + "m"
	default:
		return strconv.FormatInt(s, 10) + "s"
	}
}

var scopeRE = regexp.MustCompile(`^/([A-Za-z0-9._~-]+/)*$`)

// ParseScope checks a rate-limit path prefix such as /api/.
func ParseScope(v string) (string, error) {
	if !scopeRE.MatchString(v) || strings.Contains(v, "/./") || strings.Contains(v, "/../") {
		return "", &Error{Key: "rate_limit.scope", Value: v, Reason: "is not a path prefix; use one that starts and ends with / and holds only letters, digits and . _ ~ -, e.g. /api/ or / for every path"}
	}
	return v, nil
}

// ParseCIDRs checks trusted proxy networks. A bare address is taken as a
// single-host network. The result is canonical (masked) and de-duplicated.
func ParseCIDRs(list []string) ([]string, error) {
	out := []string{}
	seen := map[string]bool{}
	for _, c := range list {
		var p netip.Prefix
		var err error
		if strings.Contains(c, "/") {
			p, err = netip.ParsePrefix(c)
		} else {
			var a netip.Addr
			a, err = netip.ParseAddr(c)
			if err == nil {
				p = netip.PrefixFrom(a, a.BitLen())
			}
		}
		if err != nil || p.Addr().Zone() != "" {
			return nil, &Error{Key: "trusted_proxies", Value: c, Reason: "is not a CIDR; use networks such as 10.0.0.0/8 or fd00::/8, or single addresses"}
		}
		p = p.Masked()
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96).Masked()
		}
		if p.Bits() == 0 {
			return nil, &Error{Key: "trusted_proxies", Value: c, Reason: "trusts every address, so any client could choose its own; list the proxies' networks"}
		}
		if s := p.String(); !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out, nil
}

// Size limits of body_limit.
const (
	MinBodyLimit = 1 << 10
	MaxBodyLimit = 1 << 30
)

var sizeRE = regexp.MustCompile(`^([0-9]{1,10})\s*(B|KB|KiB|MB|MiB|GB|GiB)?$`)

var sizeUnits = map[string]int64{"": 1, "B": 1, "KB": 1000, "KiB": 1 << 10, "MB": 1000 * 1000, "MiB": 1 << 20, "GB": 1000 * 1000 * 1000, "GiB": 1 << 30}

// ParseSize returns the bytes of a size such as 1MiB, 100KB or 4096.
func ParseSize(v string) (int64, error) {
	m := sizeRE.FindStringSubmatch(strings.TrimSpace(v))
	bad := &Error{Key: "body_limit", Value: v, Reason: "is not a size from 1KiB to 1GiB; use bytes or a unit B, KB, KiB, MB, MiB, GB, GiB, e.g. 1MiB"}
	if m == nil {
		return 0, bad
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return 0, bad
	}
	n *= sizeUnits[m[2]]
	if n < MinBodyLimit || n > MaxBodyLimit {
		return 0, bad
	}
	return n, nil
}

// ParseSizeText checks a size and returns its canonical text.
func ParseSizeText(v string) (string, error) {
	n, err := ParseSize(v)
	if err != nil {
		return "", err
	}
	return FormatSize(n), nil
}

// FormatSize prints bytes in the largest binary unit that divides them.
func FormatSize(n int64) string {
	switch {
	case n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + "GiB"
	case n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + "MiB"
	case n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + "KiB"
	default:
		return strconv.FormatInt(n, 10) + "B"
	}
}
