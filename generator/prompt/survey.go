package prompt

import (
	"errors"
	"io"
	"os"

	"github.com/AlecAivazis/survey/v2"
	"github.com/AlecAivazis/survey/v2/terminal"
)

// Survey is a Prompter on a real terminal, built on survey/v2. It is the
// only code in securegen that imports survey: swapping the prompt library
// means rewriting this file alone.
type Survey struct {
	In  *os.File
	Out *os.File
	Err io.Writer
}

func (s *Survey) opts(q Question) []survey.AskOpt {
	o := []survey.AskOpt{survey.WithStdio(s.In, s.Out, s.Err), survey.WithShowCursor(true)}
	if q.Validate != nil {
		o = append(o, survey.WithValidator(func(ans interface{}) error {
			str, _ := ans.(string)
			return q.Validate(str)
		}))
	}
	return o
}

func mapErr(err error) error {
	if errors.Is(err, terminal.InterruptErr) || errors.Is(err, io.EOF) {
		return ErrInterrupted
	}
	return err
}

// Input asks for a line of text.
func (s *Survey) Input(q Question) (string, error) {
	var v string
	err := survey.AskOne(&survey.Input{Message: q.Message, Help: q.Help, Default: q.Default}, &v, s.opts(q)...)
	return v, mapErr(err)
}

// Select asks for one of q.Options.
func (s *Survey) Select(q Question) (string, error) {
	var v string
	sel := &survey.Select{Message: q.Message, Help: q.Help, Options: q.Options}
	for _, o := range q.Options {
		if o == q.Default {
			sel.Default = o
		}
	}
	err := survey.AskOne(sel, &v, s.opts(q)...)
	return v, mapErr(err)
}

// Confirm asks a yes/no question.
func (s *Survey) Confirm(q Question) (bool, error) {
	var v bool
	err := survey.AskOne(&survey.Confirm{Message: q.Message, Help: q.Help, Default: q.Default == "true"}, &v, survey.WithStdio(s.In, s.Out, s.Err))
	return v, mapErr(err)
}
