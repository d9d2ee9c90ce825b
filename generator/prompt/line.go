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

// OneLine shortens a validation error to errorWidth columns for a prompt,
// where the question says which answer it is about: the bad value (cut in
// the middle when long), what is wrong with it, and what is accepted while
// there is room; otherwise a pointer to the ? help, which says it in full.
func OneLine(err error) string {
	var se *spec.Error
	if !errors.As(err, &se) {
		return cut(err.Error(), errorWidth)
	}
	reason := strings.TrimSpace(se.Reason)
	short := stripParens(reason)
	wrong, _, _ := strings.Cut(short, ";")
	subject := func(v string) string {
		if se.Value == "" {
			return "an answer"
		}
		return strconv.Quote(v)
	}
	for _, text := range []string{reason, short} {
		if line := subject(se.Value) + " " + text; utf8.RuneCountInString(line) <= errorWidth {
			return line
		}
	}
	tail := " " + strings.TrimSpace(wrong) + " (? for help)"
	room := errorWidth - utf8.RuneCountInString(tail) - 2 // the quotes
	value := se.Value
	if utf8.RuneCountInString(strconv.Quote(value)) > room+2 {
		value = cut(value, max(room, 9))
	}
	return cut(subject(value)+tail, errorWidth)
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
