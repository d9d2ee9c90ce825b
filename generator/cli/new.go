package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/securegen/securegen/generator/project"
	"github.com/securegen/securegen/generator/prompt"
	"github.com/securegen/securegen/generator/render"
	"github.com/securegen/securegen/generator/spec"
)

// newOptions holds the flags and dependencies of `securegen new`.
type newOptions struct {
	sys     *IO
	version string

	dir     string      // DIR argument, "" if not given
	flags   spec.Values // answers given as flags
	sets    []string    // --set key=value
	config  string      // --config FILE
	yes     bool
	noInput bool
	dryRun  bool
	force   bool
	noTidy  bool
	json    bool

	tidy func(dir string, sys *IO) error // go mod tidy, replaceable in tests
}

func newNewCmd(sys *IO, version string) *cobra.Command {
	o := &newOptions{sys: sys, version: version, tidy: goModTidy}
	flagVals := map[string]*string{}
	var credentials bool
	cmd := &cobra.Command{
		Use:   "new [DIR]",
		Short: "Generate a new secure Go HTTP service in DIR",
		Long: `Generate a new secure Go HTTP service in DIR (default: the service name).

Answers come from, lowest first: the preset's defaults, --config FILE, the
flags and --set key=value, then prompts for whatever is still open. Without a
terminal (or with --no-input) nothing is asked and a missing required answer
is an error; --yes takes the defaults for everything not given.

Keys for --set and --config: ` + strings.Join(spec.KeyNames(), ", ") + `.`,
		Example: `  securegen new orders
  securegen new orders --module example.com/orders --framework stdlib --preset api \
      --origins https://app.example.com --rate-limit 100/15m --auth jwt --yes`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.dir = args[0]
			}
			o.flags = spec.Values{}
			for _, k := range spec.Keys {
				if k.Flag == "" || !cmd.Flags().Changed(k.Flag) {
					continue
				}
				if k.Kind == spec.Bool {
					o.flags[k.Name] = fmt.Sprint(credentials)
				} else {
					o.flags[k.Name] = *flagVals[k.Name]
				}
			}
			if o.yes && o.noInput {
				return usageErr("--yes and --no-input contradict each other; --yes takes defaults, --no-input fails on a missing answer")
			}
			return runNew(o)
		},
	}
	f := cmd.Flags()
	for _, k := range spec.Keys {
		if k.Flag == "" {
			continue
		}
		if k.Kind == spec.Bool {
			f.BoolVar(&credentials, k.Flag, false, k.Usage)
			continue
		}
		flagVals[k.Name] = f.String(k.Flag, "", k.Usage)
		if k.Kind == spec.Enum {
			var values []string // each with its description, for shells that show one
			for _, v := range k.Values {
				values = append(values, cobra.CompletionWithDesc(v, k.Descriptions[v]))
			}
			_ = cmd.RegisterFlagCompletionFunc(k.Flag, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
				return values, cobra.ShellCompDirectiveNoFileComp
			})
		}
	}
	f.StringVar(&o.config, "config", "", "answers file (YAML, the keys of securegen.yaml's answers)")
	f.StringArrayVar(&o.sets, "set", nil, "set an answer, key=value (repeatable), e.g. --set cors.origins=https://a.example,https://b.example")
	f.BoolVarP(&o.yes, "yes", "y", false, "take the defaults for every answer not given; never prompt")
	f.BoolVar(&o.noInput, "no-input", false, "never prompt; fail if a required answer is missing")
	f.BoolVar(&o.dryRun, "dry-run", false, "print what would be generated; write nothing")
	f.BoolVar(&o.force, "force", false, "generate into a non-empty DIR (existing files are never overwritten)")
	f.BoolVar(&o.noTidy, "skip-tidy", false, "do not run go mod tidy after writing")
	f.BoolVar(&o.json, "json", false, "print a machine-readable result on stdout")
	_ = cmd.MarkFlagFilename("config", "yaml", "yml")
	_ = cmd.RegisterFlagCompletionFunc("set", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		var out []string
		for _, n := range spec.KeyNames() {
			out = append(out, n+"=")
		}
		return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// runNew is `securegen new` once flags are parsed.
func runNew(o *newOptions) error {
	layers, err := o.layers()
	if err != nil {
		return err
	}
	interactive := o.sys.Prompter != nil && !o.yes && !o.noInput
	if interactive {
		asked, err := prompt.Ask(o.sys.Prompter, layers, render.Supported, o.defaultModule())
		if err != nil {
			if errors.Is(err, prompt.ErrInterrupted) {
				return errors.New("interrupted; nothing was written")
			}
			return err
		}
		layers = append(layers, spec.Layer{Source: "prompt", Values: asked})
	} else if !spec.Given(layers, "module") {
		if !o.yes {
			return &spec.MissingError{Flags: []string{"--module"}}
		}
		mod := o.defaultModule()
		if mod == "" {
			return usageErr("give a directory or --module: with --yes the module path defaults to example.com/DIR")
		}
		layers = append(layers, spec.Layer{Source: "default", Values: spec.Values{"module": mod}})
	}

	a, err := spec.Resolve(layers)
	if err != nil {
		return err
	}
	if o.dir == "" {
		o.dir = a.Name
	}
	tree, err := Generate(a, o.version, nil)
	if err != nil {
		return err
	}

	res := &newResult{Dir: o.dir, DryRun: o.dryRun, Version: o.version, Answers: a}
	for _, f := range tree.Files {
		res.Files = append(res.Files, fileResult{Path: f.Path, Owner: string(f.Owner), Bytes: len(f.Data)})
	}
	gomod, _ := tree.Lookup("go.mod")
	if w := warnGoVersion(o.sys, gomod.Data, false); w != "" {
		res.Warnings = append(res.Warnings, w)
	}
	if !o.dryRun {
		if _, err := project.Write(o.dir, tree, o.force); err != nil {
			return err
		}
		if !o.noTidy {
			if err := o.tidy(o.dir, o.sys); err != nil {
				return fmt.Errorf("the project is written to %s, but go mod tidy failed: %w; fix the cause and run go mod tidy there", o.dir, err)
			}
			res.Tidied = true
			if raised := goModAfterTidy(o.dir, gomod.Data); raised != nil {
				if w := warnGoVersion(o.sys, raised, true); w != "" {
					res.Warnings = append(res.Warnings, w)
				}
			}
		}
	}
	res.NextSteps = nextSteps(o.dir, a, res.Tidied)
	if o.json {
		enc := json.NewEncoder(o.sys.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	printNew(o.sys.Out, res)
	if interactive {
		fmt.Fprintf(o.sys.Out, "\nTo generate the same service from a script:\n\n  %s\n", equivalentCommand(o.dir, a))
	}
	return nil
}

// Generate renders the project for answers a: the rendered files,
// securegen.yaml and the base copies regen merges against. owners are the
// file owners recorded in an existing project (nil for a new one).
func Generate(a spec.Answers, version string, owners map[string]render.Owner) (*render.Tree, error) {
	d, err := render.NewData(a, version)
	if err != nil {
		return nil, err
	}
	tree, err := render.Render(d)
	if err != nil {
		return nil, err
	}
	return project.Layout(tree, version, a, owners)
}

// layers collects the answers given by --config, flags and --set.
func (o *newOptions) layers() ([]spec.Layer, error) {
	var layers []spec.Layer
	if o.config != "" {
		data, err := readLimited(o.config, spec.MaxFileSize)
		if err != nil {
			return nil, usageErr("--config: %v", err)
		}
		vals, err := spec.ParseFile(o.config, data)
		if err != nil {
			return nil, usageErr("--config %v", err)
		}
		layers = append(layers, spec.Layer{Source: "--config " + o.config, Values: vals})
	}
	flags := spec.Values{}
	for k, v := range o.flags {
		flags[k] = v
	}
	for _, s := range o.sets {
		if err := spec.ParseSet(s, flags); err != nil {
			return nil, usageErr("%v", err)
		}
	}
	return append(layers, spec.Layer{Values: flags}), nil
}

// defaultModule is the module path offered when none is given:
// example.com/ followed by the directory or service name.
func (o *newOptions) defaultModule() string {
	base := o.flags["name"]
	if o.dir != "" {
		base = filepath.Base(filepath.Clean(o.dir))
	}
	if base == "" || base == "." || base == "/" {
		return ""
	}
	return "example.com/" + base
}

func readLimited(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, limit)
	}
	return data, nil
}
