package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/securegen/securegen/generator/merge"
	"github.com/securegen/securegen/generator/project"
	"github.com/securegen/securegen/generator/render"
	"github.com/securegen/securegen/generator/spec"
)

// regenOptions holds the flags of `securegen regen`.
type regenOptions struct {
	sys     *IO
	version string
	dir     string
	sets    []string
	check   bool
	dryRun  bool
	force   bool
	noTidy  bool
	json    bool
	tidy    func(dir string, sys *IO) error
}

func newRegenCmd(sys *IO, version string) *cobra.Command {
	o := &regenOptions{sys: sys, version: version, tidy: goModTidy}
	cmd := &cobra.Command{
		Use:   "regen [DIR]",
		Short: "Bring a generated project forward to this securegen and its recorded answers",
		Long: `Re-render the project in DIR (default: the current directory) with this
version of securegen and the answers recorded in securegen.yaml (changed by
editing that file or with --set), then, file by file:

  not edited by you          replaced by the new render
  edited by you and changed  three-way merged against .securegen/base/;
  by the generator           overlapping changes get conflict markers (exit 1)
  owned by you ("user")      never touched
  deleted by you             stays deleted
  new in the generator       created
  go.mod                     pinned versions raised, never lowered; yours kept

Before writing (and with --dry-run, --check and --json) regen lists what
changes in the security posture: the answers --set changes, and what this
securegen changes in internal/server/testdata/posture.golden. A change that
weakens a control without being asked for with --set comes first, marked !.

--check writes nothing and exits 1 if regen would change anything (for CI).`,
		Example: `  securegen regen
  securegen regen --set cors.origins=https://a.example,https://b.example
  securegen regen --check`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			o.dir = "."
			if len(args) == 1 {
				o.dir = args[0]
			}
			if o.check && o.dryRun {
				return usageErr("--check and --dry-run do the same without writing; use one")
			}
			return runRegen(o)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&o.sets, "set", nil, "change an answer, key=value (repeatable)")
	f.BoolVar(&o.check, "check", false, "write nothing; exit 1 if regen would change anything")
	f.BoolVar(&o.dryRun, "dry-run", false, "print unified diffs of what regen would change; write nothing")
	f.BoolVar(&o.force, "force", false, "regenerate a project recorded by a newer securegen, or one with unresolved conflict markers")
	f.BoolVar(&o.noTidy, "skip-tidy", false, "do not run go mod tidy when go.mod changes")
	f.BoolVar(&o.json, "json", false, "print what happened to each file as JSON on stdout")
	return cmd
}

type regenResult struct {
	Dir       string                   `json:"dir"`
	From      string                   `json:"from_version"`
	To        string                   `json:"to_version"`
	Written   bool                     `json:"written"`
	Changed   bool                     `json:"changed"`
	Security  []project.SecurityChange `json:"security"`
	Files     []project.Change         `json:"files"`
	Conflicts []string                 `json:"conflicts"`
}

func runRegen(o *regenOptions) error {
	rec, err := project.Load(o.dir)
	if err != nil {
		return usageErr("%v", err)
	}
	sets := spec.Values{}
	for _, s := range o.sets {
		if err := spec.ParseSet(s, sets); err != nil {
			return usageErr("%v", err)
		}
	}
	layers := []spec.Layer{{Source: project.ManifestName, Values: rec.Values}, {Values: sets}}
	a, err := spec.Resolve(layers)
	if err != nil {
		return err
	}
	full, err := Generate(a, o.version, rec.Files)
	if err != nil {
		return err
	}
	plan, err := project.PlanRegen(o.dir, rec, full, o.version, o.force)
	if err != nil {
		if errors.Is(err, project.ErrNewerProject) {
			return usageErr("%v", err)
		}
		return err
	}
	res := &regenResult{Dir: o.dir, From: rec.Version, To: o.version, Changed: plan.Changed(), Files: plan.Changes, Conflicts: plan.Conflicts()}
	if res.Conflicts == nil {
		res.Conflicts = []string{}
	}
	res.Security = o.securityChanges(rec, layers, a, full)
	if !o.json {
		printSecurity(o.sys.Out, res.Security, rec.Version, o.version)
	}

	for _, c := range plan.Changes {
		if c.Path == "go.mod" && c.Writes() {
			warnGoVersion(o.sys, c.New, false)
		}
	}

	write := !o.check && !o.dryRun
	if write && plan.Changed() {
		if err := plan.Apply(); err != nil {
			return err
		}
		res.Written = true
		if !o.noTidy && goModChanged(plan) {
			if err := o.tidy(o.dir, o.sys); err != nil {
				return fmt.Errorf("regen is written, but go mod tidy failed: %w; fix the cause and run go mod tidy", err)
			}
		}
	}
	if o.json {
		enc := json.NewEncoder(o.sys.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false) // "->" in the security changes
		if err := enc.Encode(res); err != nil {
			return err
		}
	} else {
		printRegen(o.sys.Out, res, plan, o.dryRun)
	}
	switch {
	case len(res.Conflicts) > 0 && write:
		return &codeError{code: ExitFailure, err: fmt.Errorf("%d file(s) have conflicts, marked with <<<<<<< yours / >>>>>>> securegen: %v; resolve them, then run securegen regen --check", len(res.Conflicts), res.Conflicts)}
	case len(res.Conflicts) > 0:
		return &codeError{code: ExitFailure, err: fmt.Errorf("regen would leave conflicts in %v", res.Conflicts)}
	case o.check && plan.Changed():
		return &codeError{code: ExitFailure, err: errors.New("the project is not up to date with its securegen.yaml and this securegen; run securegen regen")}
	}
	return nil
}

// securityChanges compares the security posture before and after the
// regeneration: the recorded answers against the ones rendered (--set), and
// the posture securegen generated last (its base copy) against what this
// securegen renders for the recorded answers (the upgrade).
func (o *regenOptions) securityChanges(rec *project.Recorded, layers []spec.Layer, a spec.Answers, full *render.Tree) []project.SecurityChange {
	was, err := spec.Resolve(layers[:1])
	if err != nil {
		was, _ = spec.Merge(layers[:1]) // valid only with the --set values: compare what there is
	}
	var newPosture []byte
	if len(o.sets) == 0 {
		if f, ok := full.Lookup(project.PosturePath); ok {
			newPosture = f.Data
		}
	} else if err == nil {
		if t, err := Generate(was, o.version, rec.Files); err == nil {
			if f, ok := t.Lookup(project.PosturePath); ok {
				newPosture = f.Data
			}
		}
	}
	oldPosture, err := os.ReadFile(filepath.Join(o.dir, project.BaseDir, project.PosturePath))
	if err != nil {
		oldPosture = nil
	}
	changes := project.SecurityChanges(was, a, oldPosture, newPosture, rec.Version != o.version)
	if changes == nil {
		changes = []project.SecurityChange{}
	}
	return changes
}

// printSecurity lists the security changes, marked ones first.
func printSecurity(w io.Writer, changes []project.SecurityChange, from, to string) {
	if len(changes) == 0 {
		return
	}
	fmt.Fprintln(w, "Security posture:")
	for _, c := range changes {
		switch {
		case c.Marked():
			fmt.Fprintf(w, "  ! %s  (weaker, from securegen %s -> %s, not asked for)\n", c.Change, from, to)
		default:
			fmt.Fprintf(w, "    %s\n", c.Change)
		}
	}
}

func goModChanged(p *project.Plan) bool {
	for _, c := range p.Changes {
		if c.Path == "go.mod" && c.Writes() {
			return true
		}
	}
	return false
}

func printRegen(w io.Writer, r *regenResult, p *project.Plan, diffs bool) {
	n := 0
	for _, c := range p.Changes {
		if c.Action == project.Unchanged {
			continue
		}
		n++
		fmt.Fprintf(w, "%-13s %s\n", c.Action, c.Path)
		if diffs && c.Writes() {
			fmt.Fprint(w, merge.Unified("a/"+c.Path, "b/"+c.Path, c.Old, c.New))
		}
	}
	if diffs {
		for _, c := range p.Record {
			fmt.Fprint(w, merge.Unified("a/"+c.Path, "b/"+c.Path, c.Old, c.New))
		}
	}
	switch {
	case !r.Changed:
		fmt.Fprintf(w, "%s is up to date (securegen %s).\n", r.Dir, r.To)
	case r.Written:
		fmt.Fprintf(w, "Regenerated %s: securegen %s -> %s, %d file(s) changed.\n", r.Dir, r.From, r.To, n)
	default:
		fmt.Fprintf(w, "regen would change %s (securegen %s -> %s); nothing written.\n", r.Dir, r.From, r.To)
	}
}
