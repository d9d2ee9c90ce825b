// Package prompt asks a person for the answers that flags and files left
// open. Prompter is the only thing the rest of securegen knows about the
// terminal: survey.go is the one file that imports a prompt library, and
// Script is a scripted Prompter for tests.
package prompt

import (
	"errors"
	"fmt"
	"strings"

	"github.com/securegen/securegen/generator/spec"
)

// Question is one prompt.
type Question struct {
	Key      string             // answer key, e.g. "cors.origins"
	Message  string             // the question
	Help     string             // shown on "?"
	Default  string             // pre-filled answer
	Options  []string           // choices of a Select
	Validate func(string) error // checks an Input before it is accepted
}

// Prompter asks questions on a terminal.
type Prompter interface {
	Input(q Question) (string, error)
	Select(q Question) (string, error)
	Confirm(q Question) (bool, error)
}

// ErrInterrupted is returned when the person cancels the prompts.
var ErrInterrupted = errors.New("interrupted")

// Ask asks, in the order of spec.Keys, every question that the layers leave
// open, and returns the answers given. supported limits the choices of
// enumerated answers to what this version can render. defaultModule, if not
// empty, is offered as the module path.
func Ask(p Prompter, layers []spec.Layer, supported map[string][]string, defaultModule string) (spec.Values, error) {
	got := spec.Values{}
	current := func() spec.Answers {
		a, _ := spec.Merge(append(layers[:len(layers):len(layers)], spec.Layer{Source: "prompt", Values: got}))
		return a
	}
	for _, k := range spec.Keys {
		if spec.Given(layers, k.Name) {
			continue
		}
		a := current()
		q := Question{Key: k.Name, Message: message[k.Name], Help: k.Help, Default: k.Get(&a)}
		switch k.Name {
		case "module":
			q.Default = defaultModule
			q.Validate = k.Validate
		case "name":
			q.Default, _ = spec.NameFromModule(a.Module)
			q.Validate = k.Validate
		case "cors.credentials":
			if len(a.CORS.Origins) == 0 || a.CORS.Origins[0] == "*" {
				continue
			}
		case "cors.allow_http", "rate_limit.scope":
			continue // expert settings: --set only
		default:
			q.Validate = k.Validate
		}
		var v string
		var err error
		switch k.Kind {
		case spec.Enum:
			q.Options = k.Values
			if s, ok := supported[k.Name]; ok {
				q.Options = s
			}
			if len(q.Options) == 1 {
				continue
			}
			q.Validate = nil
			v, err = p.Select(q)
		case spec.Bool:
			var b bool
			b, err = p.Confirm(q)
			v = fmt.Sprint(b)
		default:
			v, err = p.Input(q)
			v = strings.TrimSpace(v)
		}
		if err != nil {
			return nil, err
		}
		if err := k.Validate(v); err != nil {
			return nil, err
		}
		got[k.Name] = v
	}
	return got, nil
}

var message = map[string]string{
	"module":           "Go module path",
	"name":             "Service name",
	"preset":           "Preset",
	"framework":        "Web framework",
	"cors.origins":     "Browser origins allowed by CORS (comma-separated, empty for none)",
	"cors.credentials": "Allow credentials (cookies) from these origins?",
	"rate_limit":       "Rate limit per client (N/WINDOW or off)",
	"rate_limit.store": "Rate limit store",
	"auth":             "Authentication",
	"tls":              "TLS",
	"trusted_proxies":  "Trusted proxy networks (comma-separated CIDRs, empty for none)",
	"body_limit":       "Largest request body",
}
