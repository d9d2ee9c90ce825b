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

// Width is the terminal width every prompt line fits in: a question with
// its default, each choice with its description, and a refused answer's
// error. A line that wraps makes the prompt library's redraw erase the
// wrong lines, taking earlier answers off the screen.
const Width = 80

// Question is one prompt.
type Question struct {
	Key          string             // answer key, e.g. "cors.origins"
	Message      string             // the question
	Help         string             // shown on "?"
	Default      string             // pre-filled answer
	Options      []string           // choices of a Select
	Descriptions map[string]string  // one line beside each choice of a Select
	Validate     func(string) error // checks an Input before it is accepted; its errors fit one line
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
		q := Question{Key: k.Name, Message: message[k.Name], Help: k.Help, Default: k.Get(&a), Descriptions: k.Descriptions}
		switch k.Name {
		case "module":
			q.Default = defaultModule
		case "name":
			q.Default, _ = spec.NameFromModule(a.Module)
		case "cors.credentials":
			if len(a.CORS.Origins) == 0 || a.CORS.Origins[0] == "*" {
				continue
			}
		case "cors.allow_http", "rate_limit.scope":
			continue // expert settings: --set only
		}
		q.Validate = lineValidator(k.Validate)
		var v string
		var err error
		switch k.Kind {
		case spec.Enum:
			q.Options = k.Values
			if s, ok := supported[k.Name]; ok {
				q.Options = s
			}
			q.Options = allowed(k, a, q.Options)
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

// allowed returns the options of k that the answers so far accept, so
// that no choice is offered that validation would then refuse (a database
// for an auth mode that keeps no accounts, say). If the answers so far are
// not valid on their own, every option is offered.
func allowed(k *spec.Key, a spec.Answers, options []string) []string {
	if base := a; base.Validate() != nil {
		return options
	}
	var out []string
	for _, o := range options {
		b := a
		if k.Set(&b, o) == nil && b.Validate() == nil {
			out = append(out, o)
		}
	}
	if len(out) == 0 {
		return options
	}
	return out
}

// message holds the questions, short enough that each fits one line with
// its default (Width).
var message = map[string]string{
	"module":           "Go module path",
	"name":             "Service name",
	"preset":           "Preset",
	"framework":        "Web framework",
	"cors.origins":     "CORS origins (comma-separated)",
	"cors.credentials": "Allow credentials (cookies) from these origins?",
	"rate_limit":       "Rate limit per client (N/WINDOW or off)",
	"rate_limit.store": "Rate limit store",
	"auth":             "Authentication",
	"db":               "Database",
	"tls":              "TLS",
	"trusted_proxies":  "Trusted proxy CIDRs (comma-separated, empty: none)",
	"body_limit":       "Largest request body",
}
