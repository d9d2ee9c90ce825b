// Package spec is the answers model of securegen: every choice a user makes
// about a new service, the rules that make a choice valid, and the merging of
// the places answers come from (preset < answers file < flags < prompts).
//
// It does no I/O beyond parsing bytes handed to it and knows nothing of the
// command line or the terminal.
package spec

import (
	"fmt"
	"strings"
)

// Enumerated values. The order is the order prompts and help show them.
var (
	Frameworks = []string{"stdlib", "chi", "gin", "echo", "fiber"}
	Presets    = []string{"api", "spa-backend", "internal"}
	Auths      = []string{"none", "apikey", "jwt", "session", "oidc"}
	TLSModes   = []string{"off", "proxy", "files", "autocert"}
	Stores     = []string{"memory", "redis"}
	Databases  = []string{"none", "sqlite", "postgres"}
)

// Answers is the complete, validated set of choices behind a generated
// project. It is what securegen.yaml records.
type Answers struct {
	Module         string    `yaml:"module" json:"module"`
	Name           string    `yaml:"name" json:"name"`
	Framework      string    `yaml:"framework" json:"framework"`
	Preset         string    `yaml:"preset" json:"preset"`
	CORS           CORS      `yaml:"cors" json:"cors"`
	RateLimit      RateLimit `yaml:"rate_limit" json:"rate_limit"`
	Auth           string    `yaml:"auth" json:"auth"`
	DB             string    `yaml:"db" json:"db"`
	TLS            string    `yaml:"tls" json:"tls"`
	TrustedProxies []string  `yaml:"trusted_proxies" json:"trusted_proxies"`
	BodyLimit      string    `yaml:"body_limit" json:"body_limit"`
}

// CORS holds the cross-origin answers.
type CORS struct {
	Origins     []string `yaml:"origins" json:"origins"`
	Credentials bool     `yaml:"credentials" json:"credentials"`
	AllowHTTP   bool     `yaml:"allow_http,omitempty" json:"allow_http,omitempty"`
}

// RateLimit holds the rate limiting answers.
type RateLimit struct {
	Limit string `yaml:"limit" json:"limit"`
	Scope string `yaml:"scope" json:"scope"`
	Store string `yaml:"store" json:"store"`
}

// Error is a validation error about one answer. Its message names the key,
// the bad value and what is accepted.
type Error struct {
	Key    string // answer key, e.g. "cors.origins"
	Value  string // the offending value as given
	Reason string // why, and what is accepted
}

func (e *Error) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("%s: %s", e.Key, e.Reason)
	}
	return fmt.Sprintf("%s: %q %s", e.Key, e.Value, e.Reason)
}

func oneOf(key, value string, allowed []string) error {
	for _, a := range allowed {
		if value == a {
			return nil
		}
	}
	return &Error{Key: key, Value: value, Reason: "is not accepted; use one of: " + strings.Join(allowed, ", ")}
}
