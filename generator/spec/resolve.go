package spec

import (
	"fmt"
	"strings"
)

// Layer is one source of answers: a preset, an answers file, flags, prompts.
type Layer struct {
	Source string // for error messages, e.g. "--config answers.yaml"
	Values Values
}

// DefaultPreset is the preset used when none is chosen.
const DefaultPreset = "api"

// Base holds the defaults below every preset.
func Base() Answers {
	return Answers{
		Framework: "stdlib",
		Preset:    DefaultPreset,
		CORS:      CORS{Origins: []string{}},
		RateLimit: RateLimit{Limit: "100/15m", Scope: "/api/", Store: "memory"},
		Auth:      "none",
		TLS:       "proxy",
		BodyLimit: "1MiB",

		TrustedProxies: []string{},
	}
}

// PresetOf returns the name of the preset the layers choose.
func PresetOf(layers []Layer) string {
	p := DefaultPreset
	for _, l := range layers {
		if v, ok := l.Values["preset"]; ok {
			p = strings.TrimSpace(v)
		}
	}
	return p
}

// Given reports whether any layer sets key.
func Given(layers []Layer, key string) bool {
	for _, l := range layers {
		if _, ok := l.Values[key]; ok {
			return true
		}
	}
	return false
}

// Resolve merges the layers over the chosen preset's defaults and validates
// the result. Later layers win.
func Resolve(layers []Layer) (Answers, error) {
	a, err := Merge(layers)
	if err != nil {
		return a, err
	}
	return a, a.Validate()
}

// Merge merges the layers over the chosen preset's defaults without the
// checks that need a complete set of answers (see Validate).
func Merge(layers []Layer) (Answers, error) {
	a := Base()
	name := PresetOf(layers)
	if err := oneOf("preset", name, Presets); err != nil {
		return a, err
	}
	p, err := LoadPreset(name)
	if err != nil {
		return a, err
	}
	if err := p.Values.Apply(&a, "preset "+name); err != nil {
		return a, err
	}
	for _, l := range layers {
		if err := l.Values.Apply(&a, l.Source); err != nil {
			return a, err
		}
	}
	if !Given(layers, "db") {
		a.DB = defaultDB(a.Auth, p.Values["db"])
	}
	return a, nil
}

// defaultDB is the database when no layer chose one: the preset's (or
// sqlite) for the auth modes that keep accounts or sessions; none for jwt
// and apikey, whose services stay stateless unless asked (their example
// notes are then kept in memory), and for auth none.
func defaultDB(auth, preset string) string {
	switch {
	case auth != "session" && auth != "oidc":
		return "none"
	case preset != "":
		return preset
	}
	return "sqlite"
}

// Validate checks the rules that involve more than one answer and fills the
// service name from the module path when it is not set.
func (a *Answers) Validate() error {
	if a.Module == "" {
		return &Error{Key: "module", Reason: "is required; give a Go module path such as example.com/orders"}
	}
	if a.Name == "" {
		n, err := NameFromModule(a.Module)
		if err != nil {
			return err
		}
		a.Name = n
	}
	if err := a.validateDB(); err != nil {
		return err
	}
	for _, o := range a.CORS.Origins {
		if o == "*" && a.CORS.Credentials {
			return &Error{Key: "cors.credentials", Value: "true", Reason: "cannot be combined with the * origin: browsers refuse it and it would let every site act as the user; list exact origins or set credentials to false"}
		}
		if strings.HasPrefix(o, "http://") && !IsLoopbackOrigin(o) && !a.CORS.AllowHTTP {
			return &Error{Key: "cors.origins", Value: o, Reason: "uses plain http on a host other than localhost; use https, or set cors.allow_http=true if you accept the risk"}
		}
	}
	return nil
}

// Values returns a's answers as raw values, one per key.
func (a *Answers) Values() Values {
	v := Values{}
	for _, k := range Keys {
		v[k.Name] = k.Get(a)
	}
	return v
}

// MissingError reports answers that are required but were not given and
// could not be asked for.
type MissingError struct{ Flags []string }

func (e *MissingError) Error() string {
	return fmt.Sprintf("missing required answer %s (no terminal to ask on); pass it, or --yes to take the defaults", strings.Join(e.Flags, ", "))
}

// validateDB refuses a database for auth none, which keeps nothing in it.
// An empty DB (answers built without Merge) takes the default.
func (a *Answers) validateDB() error {
	if a.DB == "" {
		a.DB = defaultDB(a.Auth, "")
	}
	if a.DB != "none" && a.Auth == "none" {
		return &Error{Key: "db", Value: a.DB, Reason: "keeps accounts, sessions and notes, which auth none does not have; use db none with auth none, or choose an auth"}
	}
	return nil
}
