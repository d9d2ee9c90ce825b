package prompt

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/AlecAivazis/survey/v2"
	"github.com/AlecAivazis/survey/v2/terminal"
	"golang.org/x/term"
)

// Survey is a Prompter on a real terminal: choices and confirmations are
// survey/v2's, lines of text are read with golang.org/x/term's editor. It
// is the only code in securegen that imports survey: swapping the prompt
// library means rewriting this file alone.
type Survey struct {
	In  *os.File
	Out *os.File
	Err io.Writer
}

func init() {
	// A refused confirmation's error on one line: survey's own template
	// adds "Sorry, your reply was invalid: ", 33 columns of the 80 (Width).
	survey.ErrorTemplate = `{{color .Icon.Format }}{{ .Icon.Text }} {{ .Error.Error }}{{color "reset"}}
`
}

// wrap breaks help text into lines that fit Width after survey's "? ".
func wrap(text string) string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			if line != "" && len(line)+1+len(w) > Width-3 {
				out = append(out, line)
				line = "  " + w
				continue
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

func (s *Survey) stdio() survey.AskOpt { return survey.WithStdio(s.In, s.Out, s.Err) }

func mapErr(err error) error {
	if errors.Is(err, terminal.InterruptErr) || errors.Is(err, io.EOF) {
		return ErrInterrupted
	}
	return err
}

// Input asks for a line of text until q.Validate accepts it.
//
// The line is read with x/term's line editor, not survey's: survey's
// editor loses track of the cursor when a typed answer wraps at the
// terminal's edge, and its redraw after a refused answer then erased the
// earlier answers from the screen. x/term wraps explicitly, so the rows an
// answer took are known, and the question, its answer and a refused
// answer's error are drawn here, within Width.
func (s *Survey) Input(q Question) (string, error) {
	shown := 0 // rows of the last error on the screen
	help := false
	for {
		prompt := s.paint("32", "?") + " " + q.Message + " "
		if q.Help != "" && !help {
			prompt += s.paint("36", "[? for help]") + " "
		}
		if q.Default != "" {
			prompt += "(" + q.Default + ") "
		}
		line, err := s.readLine(prompt)
		if err != nil {
			return "", err
		}
		s.erase(s.rows(visible(prompt)+line) + shown)
		shown = 0
		if line == "?" && q.Help != "" && !help {
			help = true
			fmt.Fprintln(s.Out, s.paint("36", "? "+wrap(q.Help)))
			continue
		}
		v := line
		if v == "" {
			v = q.Default
		}
		if q.Validate != nil {
			if verr := q.Validate(v); verr != nil {
				msg := s.paint("31", "X") + " " + verr.Error()
				fmt.Fprintln(s.Out, msg)
				shown = s.rows(visible(msg))
				continue
			}
		}
		fmt.Fprintln(s.Out, s.paint("32", "?")+" "+q.Message+" "+s.paint("36", v))
		return v, nil
	}
}

// readLine reads one line after prompt in raw mode, with x/term's editor
// sized to the terminal, and leaves the cursor at the start of the next
// row.
func (s *Survey) readLine(prompt string) (string, error) {
	fd := int(s.In.Fd())
	old, err := term.MakeRaw(fd)
	if err != nil {
		return "", err
	}
	defer func() { _ = term.Restore(fd, old) }()
	t := term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{s.In, s.Out}, prompt)
	if cols, rows, err := term.GetSize(int(s.Out.Fd())); err == nil && cols > 0 {
		_ = t.SetSize(cols, rows)
	}
	line, err := t.ReadLine()
	if err != nil {
		return "", ErrInterrupted // Ctrl-C, or Ctrl-D on an empty line
	}
	return strings.TrimSpace(line), nil
}

// paint colours text with the SGR code unless NO_COLOR is set.
func (s *Survey) paint(code, text string) string {
	if os.Getenv("NO_COLOR") != "" {
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}

var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

// visible is text without colour codes.
func visible(text string) string { return sgr.ReplaceAllString(text, "") }

// rows is the number of terminal rows a line of text took, the cursor
// having moved to the start of the row after it (x/term moves there
// itself when text ends at the right edge).
func (s *Survey) rows(text string) int {
	cols, _, err := term.GetSize(int(s.Out.Fd()))
	if err != nil || cols <= 0 {
		return 1
	}
	return terminal.StringWidth(text)/cols + 1
}

// erase clears the n rows above the cursor, which is at the start of an
// empty row, and leaves it at the first of them.
func (s *Survey) erase(n int) {
	c := &terminal.Cursor{In: s.In, Out: s.Out}
	for range n {
		if err := c.PreviousLine(1); err != nil {
			return
		}
		if err := terminal.EraseLine(s.Out, terminal.ERASE_LINE_ALL); err != nil {
			return
		}
	}
}

// Select asks for one of q.Options, each shown with its description.
func (s *Survey) Select(q Question) (string, error) {
	var v string
	sel := &survey.Select{Message: q.Message, Help: wrap(q.Help), Options: q.Options}
	if q.Descriptions != nil {
		sel.Description = func(v string, _ int) string { return q.Descriptions[v] }
	}
	for _, o := range q.Options {
		if o == q.Default {
			sel.Default = o
		}
	}
	err := survey.AskOne(sel, &v, s.stdio(), survey.WithShowCursor(true))
	return v, mapErr(err)
}

// Confirm asks a yes/no question.
func (s *Survey) Confirm(q Question) (bool, error) {
	var v bool
	err := survey.AskOne(&survey.Confirm{Message: q.Message, Help: wrap(q.Help), Default: q.Default == "true"}, &v, s.stdio())
	return v, mapErr(err)
}
