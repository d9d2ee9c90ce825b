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
