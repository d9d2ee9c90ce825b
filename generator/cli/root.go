// Package cli is the securegen command line: one file per verb, each
// building a cobra command whose RunE parses and validates flags, then calls
// a run function that tests can drive directly.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/securegen/securegen/generator/prompt"
	"github.com/securegen/securegen/generator/spec"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitFailure = 1 // the command failed (including merge conflicts)
	ExitUsage   = 2 // bad flags, bad answers, missing answers
)

// devVersion is reported by builds that carry no module version, such as
// `go run` or `go build` in a checkout.
const devVersion = "v0.1.0-dev"

// Version returns securegen's version from the build information, so that
// `go install ...@vX.Y.Z` builds report vX.Y.Z.
func Version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return devVersion
}

// IO is where a command reads and writes.
type IO struct {
	In       io.Reader
	Out      io.Writer
	Err      io.Writer
	Prompter prompt.Prompter // nil when there is no terminal to ask on
	Color    bool
}

// System returns the process's IO, with a survey Prompter when stdin and
// stdout are terminals.
func System() *IO {
	sys := &IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}
	if term.IsTerminal(int(os.Stdin.Fd())) && term.IsTerminal(int(os.Stdout.Fd())) {
		sys.Prompter = &prompt.Survey{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}
		sys.Color = true
	}
	return sys
}

// Main runs securegen with the process's arguments and IO.
func Main() int {
	return Run(os.Args[1:], System(), Version())
}

// Run runs securegen with args and returns the exit code.
func Run(args []string, sys *IO, version string) int {
	root := NewRootCmd(sys, version)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	code := ExitFailure
	var ce *codeError
	var se *spec.Error
	var me *spec.MissingError
	switch {
	case errors.As(err, &ce):
		code = ce.code
	case errors.As(err, &se), errors.As(err, &me):
		code = ExitUsage
	}
	if !errors.Is(err, errSilent) {
		fmt.Fprintln(sys.Err, "securegen: "+err.Error())
	}
	return code
}

// codeError carries an exit code.
type codeError struct {
	code int
	err  error
}

func (e *codeError) Error() string { return e.err.Error() }
func (e *codeError) Unwrap() error { return e.err }

func usageErr(format string, a ...any) error {
	return &codeError{code: ExitUsage, err: fmt.Errorf(format, a...)}
}

// errSilent marks an error whose message has been printed already.
var errSilent = errors.New("")

// NewRootCmd builds the securegen command tree.
func NewRootCmd(sys *IO, version string) *cobra.Command {
	root := &cobra.Command{
		Use:   "securegen",
		Short: "Scaffold a Go HTTP service that is secure from the first commit",
		Long: `securegen generates a Go HTTP service with the security middleware already
wired, tested and documented: secure headers, CORS that checks origins, rate
limiting, body limits and input validation, secrets from the environment,
panic recovery that never leaks a stack trace, and authentication.

  securegen new orders                       # asks, with a ? help on each choice
  securegen new orders --module example.com/orders --preset api \
      --origins https://app.example.com --yes   # for scripts: never asks`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(sys.In)
	root.SetOut(sys.Out)
	root.SetErr(sys.Err)
	root.SetVersionTemplate("securegen {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &codeError{code: ExitUsage, err: err}
	})
	root.AddCommand(
		newNewCmd(sys, version),
		newRegenCmd(sys, version),
		newPresetsCmd(sys),
		newProbeCmd(sys),
		newVersionCmd(sys, version),
	)
	return root
}
