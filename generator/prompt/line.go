package prompt

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/securegen/securegen/generator/spec"
)

// errorWidth is the room for a validation error: the prompt library puts
// "X " before it, and the line stays shorter than Width.
const errorWidth = Width - 3

// lineError is a validation error shortened to one prompt line. Unwrap
// gives the full sentence that flags and files report.
type lineError struct {
	line string
	full error
}

func (e *lineError) Error() string { return e.line }
func (e *lineError) Unwrap() error { return e.full }

// lineValidator wraps validate so that its errors fit one prompt line.
func lineValidator(validate func(string) error) func(string) error {
	return func(v string) error {
		err := validate(v)
		if err == nil {
			return nil
		}
		return &lineError{line: OneLine(err), full: err}
	}
}

// accepted says briefly what an answer accepts, for errors that have no
// room for the full sentence.
var accepted = map[string]string{
	"module":          "use e.g. example.com/orders",
	"name":            "use a-z, 0-9 and -",
	"cors.origins":    "use scheme://host[:port]",
	"rate_limit":      "use N/WINDOW such as 100/15m, or off",
	"trusted_proxies": "use CIDRs such as 10.0.0.0/8",
	"body_limit":      "use e.g. 1MiB or 512KiB",
}

// OneLine shortens a validation error to errorWidth columns for a prompt,
// where the question says which answer it is about: the bad value (cut in
// the middle when long), what is wrong with it, and what is accepted, in
// full while there is room, else briefly, else as a pointer to the ? help.
func OneLine(err error) string {
	var se *spec.Error
	if !errors.As(err, &se) {
		return cut(err.Error(), errorWidth)
	}
	reason := strings.TrimSpace(se.Reason)
	short := stripParens(reason)
	wrong, _, _ := strings.Cut(short, ";")
	wrong = strings.TrimSpace(wrong)
	subject := func(v string) string {
		if se.Value == "" {
			return "an answer"
		}
		return strconv.Quote(v)
	}
	fits := func(s string) bool { return utf8.RuneCountInString(s) <= errorWidth }
	tails := []string{reason, short}
	if hint, ok := accepted[se.Key]; ok && wrong != short {
		tails = append(tails, wrong+"; "+hint)
	}
	tails = append(tails, wrong+" (? for help)")
	for _, tail := range tails {
		if line := subject(se.Value) + " " + tail; fits(line) {
			return line
		}
	}
	// Too long with the whole value: cut the value to make room for the
	// briefest tail that leaves at least a few of its characters.
	for _, tail := range tails[2:] {
		room := errorWidth - utf8.RuneCountInString(tail) - 3 // the quotes and a space
		if room >= 12 {
			return subject(cut(se.Value, room)) + " " + tail
		}
	}
	return cut(subject(se.Value)+" "+tails[len(tails)-1], errorWidth)
}

// stripParens drops parenthesised asides, such as the module checker's
// detail, from a reason.
func stripParens(s string) string {
	for {
		i := strings.Index(s, " (")
		if i < 0 {
			return s
		}
		j := strings.Index(s[i:], ")")
		if j < 0 {
			return s
		}
		s = s[:i] + s[i+j+1:]
	}
}

// cut shortens s to at most n runes, eliding its middle with "…".
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	head := (n - 1) * 2 / 3
	return string(r[:head]) + "…" + string(r[len(r)-(n-1-head):])
}
