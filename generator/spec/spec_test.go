package spec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseOrigins(t *testing.T) {
	ok := []struct{ in, want string }{
		{"https://app.example.com", "https://app.example.com"},
		{"HTTPS://App.Example.COM/", "https://app.example.com"},
		{"https://app.example.com:443", "https://app.example.com"},
		{"https://app.example.com:8443", "https://app.example.com:8443"},
		{"http://localhost:3000", "http://localhost:3000"},
		{"http://[::1]:3000", "http://[::1]:3000"},
		{"https://xn--bcher-kva.example", "https://xn--bcher-kva.example"},
		{"*", "*"},
	}
	for _, c := range ok {
		got, err := ParseOrigins([]string{c.in})
		if err != nil || len(got) != 1 || got[0] != c.want {
			t.Errorf("ParseOrigins(%q) = %v, %v; want %q", c.in, got, err, c.want)
		}
	}
	bad := []string{
		"app.example.com", "ftp://a.example", "https://a.example/path", "https://a.example?x=1",
		"https://a.example#f", "https://user@a.example", "https://a.example:0", "https://a.example:65536",
		"https://a.example:", "https://", `https://a.example"`, "https://a`b.example", "https://a.example\n//go:build x",
		"https://a.example*/", "https://аpple.com", "https://a..example", "https://-a.example", "https://a b.example",
		"https://a.example:08080", "javascript:alert(1)",
	}
	for _, in := range bad {
		if got, err := ParseOrigins([]string{in}); err == nil {
			t.Errorf("ParseOrigins(%q) = %v, want an error", in, got)
		} else if !strings.Contains(err.Error(), "cors.origins") || !strings.Contains(err.Error(), "scheme://host") {
			t.Errorf("ParseOrigins(%q) error %q does not name the key and the accepted form", in, err)
		}
	}
	if _, err := ParseOrigins([]string{"*", "https://a.example"}); err == nil {
		t.Error("* mixed with an exact origin accepted")
	}
	got, _ := ParseOrigins([]string{"https://a.example", "https://A.example/"})
	if len(got) != 1 {
		t.Errorf("duplicates kept: %v", got)
	}
}

func TestParseLimit(t *testing.T) {
	for in, want := range map[string]string{"100/15m": "100/15m", "100/900s": "100/15m", "5/1m": "5/1m", "10/1s": "10/1s", "1/24h": "1/24h", "7/90s": "7/90s", "off": "off"} {
		if got, err := ParseLimit(in); err != nil || got != want {
			t.Errorf("ParseLimit(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "100", "0/1m", "-1/1m", "+5/1m", "05/1m", "1000001/1m", "10/0s", "10/500ms", "10/25h", "10/15", "10/-1m", "x/1m", "10/1m/2", "10 /1m"} {
		if _, err := ParseLimit(in); err == nil || !strings.Contains(err.Error(), "N/WINDOW") {
			t.Errorf("ParseLimit(%q) error = %v, want one naming N/WINDOW", in, err)
		}
	}
}

func TestParseCIDRs(t *testing.T) {
	got, err := ParseCIDRs([]string{"10.0.0.0/8", "10.1.2.3/8", "192.168.1.1", "fd00::1/8", "::ffff:10.0.0.0/104"})
	want := []string{"10.0.0.0/8", "192.168.1.1/32", "fd00::/8"}
	if err != nil || !cmp.Equal(got, want) {
		t.Errorf("ParseCIDRs = %v, %v; want %v", got, err, want)
	}
	for _, in := range []string{"10.0.0.0/33", "10.0.0", "fe80::1%eth0/64", "example.com", "10.0.0.0/8,", "0.0.0.0/0", "::/0", "::ffff:0.0.0.0/96"} {
		if _, err := ParseCIDRs([]string{in}); err == nil || !strings.Contains(err.Error(), "trusted_proxies") {
			t.Errorf("ParseCIDRs(%q) error = %v", in, err)
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"1MiB": 1 << 20, "1024": 1024, "100KB": 100000, "512KiB": 512 << 10, "1GiB": 1 << 30, "2 MB": 2000000} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1MiB", "1023", "2GiB", "1.5MiB", "1mb", "99999999999GiB", "1 MiB junk"} {
		if _, err := ParseSize(in); err == nil || !strings.Contains(err.Error(), "body_limit") {
			t.Errorf("ParseSize(%q) error = %v", in, err)
		}
	}
	if got := FormatSize(100000); got != "100000B" {
		t.Errorf("FormatSize(100000) = %q", got)
	}
}

func TestNames(t *testing.T) {
	for mod, want := range map[string]string{"example.com/orders": "orders", "example.com/orders/v2": "orders", "example.com/Big_Svc.api": "big-svc-api"} {
		if got, err := NameFromModule(mod); err != nil || got != want {
			t.Errorf("NameFromModule(%q) = %q, %v; want %q", mod, got, err, want)
		}
	}
	for _, n := range []string{"", "A", "a/b", "../x", "a b", "-a", "a-", "1a", strings.Repeat("a", 64)} {
		if _, err := ParseName(n); err == nil {
			t.Errorf("ParseName(%q) accepted", n)
		}
	}
	for _, m := range []string{"", "svc", "example.com/../x", "example.com/a b", "example.com/x\"y", "/abs/path"} {
		if _, err := ParseModule(m); err == nil || !strings.Contains(err.Error(), "module") {
			t.Errorf("ParseModule(%q) error = %v", m, err)
		}
	}
}

func TestResolveLayersAndRules(t *testing.T) {
	layers := []Layer{
		{Source: "file", Values: Values{"module": "example.com/a", "auth": "apikey", "rate_limit": "5/1m"}},
		{Source: "flags", Values: Values{"auth": "none", "preset": "internal"}},
	}
	a, err := Resolve(layers)
	if err != nil {
		t.Fatal(err)
	}
	if a.Auth != "none" || a.RateLimit.Limit != "5/1m" || a.Preset != "internal" || a.Name != "a" {
		t.Errorf("Resolve = %+v", a)
	}
	// The internal preset's own defaults apply where no layer speaks.
	if a.RateLimit.Limit == "" || a.TLS != "proxy" {
		t.Errorf("preset defaults missing: %+v", a)
	}

	errCases := map[string]Values{
		"cors.credentials": {"module": "example.com/a", "cors.origins": "*", "cors.credentials": "true"},
		"cors.origins":     {"module": "example.com/a", "cors.origins": "http://app.example.com"},
		"module":           {"auth": "none"},
		"preset":           {"module": "example.com/a", "preset": "website"},
		"auth":             {"module": "example.com/a", "auth": "basic"},
		"framework":        {"module": "example.com/a", "framework": "django"},
		"rate_limit.scope": {"module": "example.com/a", "rate_limit.scope": "api"},
		"rate_limit.store": {"module": "example.com/a", "rate_limit.store": "disk"},
	}
	for key, vals := range errCases {
		_, err := Resolve([]Layer{{Source: "flags", Values: vals}})
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s: Resolve error = %v, want one naming %s", key, err, key)
		}
	}
	a, err = Resolve([]Layer{{Values: Values{"module": "example.com/a", "cors.origins": "http://app.example.com", "cors.allow_http": "true"}}})
	if err != nil || a.CORS.Origins[0] != "http://app.example.com" {
		t.Errorf("allow_http: %v %v", a.CORS.Origins, err)
	}
}

func TestEnumErrorListsAccepted(t *testing.T) {
	_, err := Resolve([]Layer{{Values: Values{"module": "example.com/a", "tls": "on"}}})
	want := `tls: "on" is not accepted; use one of: off, proxy, files, autocert`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}

func TestParseSet(t *testing.T) {
	v := Values{}
	for _, s := range []string{"cors.origins=https://a.example,https://b.example", "rate_limit.limit=5/1m", "auth=none"} {
		if err := ParseSet(s, v); err != nil {
			t.Fatal(err)
		}
	}
	if v["rate_limit"] != "5/1m" || v["cors.origins"] != "https://a.example,https://b.example" {
		t.Errorf("values = %v", v)
	}
	for _, s := range []string{"nokey", "color=blue"} {
		if err := ParseSet(s, v); err == nil || !strings.Contains(err.Error(), s) {
			t.Errorf("ParseSet(%q) = %v", s, err)
		}
	}
}

func TestParseFile(t *testing.T) {
	good := `
module: example.com/orders
cors:
  origins: [https://a.example, https://b.example]
  credentials: true
rate_limit:
  limit: 10/1m
  scope: /v1/
body_limit: 2097152
trusted_proxies:
  - 10.0.0.0/8
`
	v, err := ParseFile("a.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	want := Values{"module": "example.com/orders", "cors.origins": "https://a.example,https://b.example", "cors.credentials": "true",
		"rate_limit": "10/1m", "rate_limit.scope": "/v1/", "body_limit": "2097152", "trusted_proxies": "10.0.0.0/8"}
	if d := cmp.Diff(want, v); d != "" {
		t.Errorf("ParseFile (-want +got):\n%s", d)
	}
	if v, err := ParseFile("e.yaml", []byte("rate_limit: 5/1m\n")); err != nil || v["rate_limit"] != "5/1m" {
		t.Errorf("scalar rate_limit: %v %v", v, err)
	}
	if v, err := ParseFile("e.yaml", nil); err != nil || len(v) != 0 {
		t.Errorf("empty file: %v %v", v, err)
	}

	bad := map[string]string{
		"color: blue\n":                            `unknown key "color"`,
		"cors:\n  origin: [x]\n":                   `unknown key "cors.origin"`,
		"cors:\n  credentials: yes-please\n":       "want true or false",
		"cors:\n  origins: {a: b}\n":               "want a list",
		"module: [a, b]\n":                         "want a single value",
		"auth: none\nauth: jwt\n":                  "already defined",
		"- a\n- b\n":                               "must be a mapping",
		"module: x\n---\nmodule: y\n":              "more than one YAML document",
		"cors:\n  origins: ['a,b']\n":              "not a single value",
		"module: &a x\nname: *a\nauth: [*a, *a]\n": "want a single value",
		"module: 'unterminated\n":                  "a.yaml",
	}
	for in, want := range bad {
		_, err := ParseFile("a.yaml", []byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseFile(%q) error = %v, want it to contain %q", in, err, want)
		}
	}
	huge := []byte("module: example.com/a\n" + strings.Repeat("# padding\n", MaxFileSize/10+1))
	if _, err := ParseFile("big.yaml", huge); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("huge file error = %v", err)
	}
}

// Every shipped preset loads, sets everything but module and name, and
// resolves to valid answers.
func TestPresets(t *testing.T) {
	avail := AvailablePresets()
	if len(avail) < 2 {
		t.Fatalf("presets = %v", avail)
	}
	for _, name := range avail {
		p, err := LoadPreset(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if p.Description == "" {
			t.Errorf("%s: no description", name)
		}
		for _, k := range []string{"framework", "cors.origins", "cors.credentials", "rate_limit", "rate_limit.scope", "rate_limit.store", "auth", "tls", "trusted_proxies", "body_limit"} {
			if _, ok := p.Values[k]; !ok {
				t.Errorf("preset %s does not set %s", name, k)
			}
		}
		if _, err := Resolve([]Layer{{Values: Values{"module": "example.com/x", "preset": name}}}); err != nil {
			t.Errorf("preset %s: %v", name, err)
		}
	}
	if _, err := LoadPreset("spa-backend"); err == nil && !contains(avail, "spa-backend") {
		t.Error("spa-backend loads but is not listed")
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// Values round-trip: every answer printed by Get is accepted by Set and
// gives the same answers back.
func TestValuesRoundTrip(t *testing.T) {
	a, err := Resolve([]Layer{{Values: Values{"module": "example.com/x", "cors.origins": "https://a.example,http://localhost:3000", "cors.credentials": "true", "trusted_proxies": "10.0.0.0/8,fd00::/8"}}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Resolve([]Layer{{Values: a.Values()}})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(a, b); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
}
