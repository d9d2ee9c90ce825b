package prompt

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/securegen/securegen/generator/spec"
)

// What survey and Survey.Input draw around a question, in columns.
const (
	selectHint = "  [Use arrows to move, type to filter, ? for more help]"
	inputHint  = " [? for help] "
)

// Every line a prompt draws fits an 80-column terminal for every preset and
// auth mode: the question with its default, each choice with its
// description, the help. Every choice has a description.
func TestQuestionsFitOneLine(t *testing.T) {
	for _, preset := range spec.Presets {
		for _, auth := range spec.Auths {
			layers := []spec.Layer{{Values: spec.Values{"preset": preset, "auth": auth}}}
			s := &Script{}
			if _, err := Ask(s, layers, nil, "example.com/averyveryverylongservicename"); err != nil {
				t.Fatalf("preset %s, auth %s: %v", preset, auth, err)
			}
			for _, q := range s.Asked {
				var lines []string
				switch {
				case q.Options != nil:
					lines = append(lines, "? "+q.Message+selectHint)
					for _, o := range q.Options {
						d := q.Descriptions[o]
						if d == "" {
							t.Errorf("%s: choice %q has no description", q.Key, o)
						}
						lines = append(lines, "> "+o+" - "+d)
					}
				default:
					lines = append(lines, "? "+q.Message+inputHint+"("+q.Default+") ")
				}
				for _, l := range strings.Split(wrap(q.Help), "\n") {
					lines = append(lines, "? "+l)
				}
				for _, l := range lines {
					if n := utf8.RuneCountInString(l); n >= Width {
						t.Errorf("preset %s, auth %s, %s: %d columns: %q", preset, auth, q.Key, n, l)
					}
				}
			}
		}
	}
}

// A refused answer's error fits one line, however long the answer, and
// still names the value and what is wrong; the full sentence stays for
// flags.
func TestOneLine(t *testing.T) {
	long := "https://" + strings.Repeat("a", 200) + ".example.com/path"
	for _, tt := range []struct {
		key, value string
		want       []string
	}{
		{"cors.origins", "ftp://bad.example", []string{`"ftp://bad.example" has no http or https scheme; use scheme://host[:port]`}},
		{"cors.origins", long, []string{`"https://aaaa`, `.com/path" has a path; use scheme://host[:port]`}},
		{"cors.origins", "https://a.example,*", []string{"mixes * with exact origins"}},
		{"module", "Not A Module", []string{`"Not A Module" is not a valid Go module path; use e.g. example.com/orders`}},
		{"module", "", []string{"an answer is required; give a Go module path such as example.com/orders"}},
		{"rate_limit", "10", []string{`"10" is not a rate limit; use N/WINDOW`}},
		{"rate_limit", strings.Repeat("9", 300) + "/1m", []string{`"99`, "has a request count outside 1-1000000"}},
		{"trusted_proxies", "10.0.0.0/33", []string{`"10.0.0.0/33" is not a CIDR`}},
		{"body_limit", "lots", []string{`"lots" is not a size from 1KiB to 1GiB`}},
		{"name", "Bad_Name", []string{`"Bad_Name" is not a valid service name; use a-z, 0-9 and -`}},
	} {
		k, _ := spec.Lookup(tt.key)
		err := lineValidator(k.Validate)(tt.value)
		if err == nil {
			t.Errorf("%s %q accepted", tt.key, tt.value)
			continue
		}
		line := err.Error()
		if n := utf8.RuneCountInString("X " + line); n >= Width {
			t.Errorf("%s %q: error of %d columns: %q", tt.key, tt.value, n, line)
		}
		for _, w := range tt.want {
			if !strings.Contains(line, w) {
				t.Errorf("%s %q: error %q lacks %q", tt.key, tt.value, line, w)
			}
		}
		if full := k.Validate(tt.value); !strings.Contains(full.Error(), tt.key) || !strings.Contains(err.(*lineError).Unwrap().Error(), full.Error()) {
			t.Errorf("%s %q: the full error %q is not kept", tt.key, tt.value, full)
		}
	}
}

// No choice is offered that validation would refuse: an auth mode that
// keeps no accounts is asked no database.
func TestAskOffersOnlyAcceptedChoices(t *testing.T) {
	for _, auth := range spec.Auths {
		s := &Script{}
		if _, err := Ask(s, []spec.Layer{{Values: spec.Values{"auth": auth}}}, nil, "example.com/x"); err != nil {
			t.Fatal(err)
		}
		for _, q := range s.Asked {
			for _, o := range q.Options {
				k, _ := spec.Lookup(q.Key)
				a, err := spec.Merge([]spec.Layer{{Values: spec.Values{"module": "example.com/x", "auth": auth, q.Key: o}}})
				if err == nil {
					err = a.Validate()
				}
				if err != nil {
					t.Errorf("auth %s: %s offers %q, which is refused: %v", auth, k.Name, o, err)
				}
			}
		}
	}
}
