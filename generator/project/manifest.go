// Package project is what a generated project holds on disk: securegen.yaml,
// the pristine copies of managed files under .securegen/base/, the
// all-or-nothing writing of a new project, and the plan of a regeneration.
package project

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
	"golang.org/x/mod/semver"

	"github.com/securegen/securegen/generator/render"
	"github.com/securegen/securegen/generator/spec"
)

// ManifestName is the file, at the project root, that records how the
// project was generated.
const ManifestName = "securegen.yaml"

// BaseDir holds the content securegen generated last time for every managed
// file, as plain text to review: regen's merge base. The go tool ignores
// directories whose name starts with a dot.
const BaseDir = ".securegen/base"

// Manifest is the content of securegen.yaml.
type Manifest struct {
	Version string                  `yaml:"securegen"` // generator version that last rendered the project
	Answers spec.Answers            `yaml:"answers"`
	Files   map[string]render.Owner `yaml:"files"` // owner of every generated file
}

const manifestHeader = `# securegen.yaml records how this project was generated.
# Edit an answer here (or use --set) and run "securegen regen" to apply it;
# the same answer keys are accepted by "securegen new --config".
# files: "managed" files are updated by regen with a three-way merge against
# their copy in .securegen/base/; change one to "user" to make it yours alone.
`

// Marshal renders m as securegen.yaml.
func (m *Manifest) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(manifestHeader)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("encode %s: %w", ManifestName, err)
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Recorded is securegen.yaml as read from a project.
type Recorded struct {
	Version string
	Values  spec.Values // answers, unvalidated
	Files   map[string]render.Owner
}

// ErrNotProject is returned by Load for a directory without securegen.yaml.
var ErrNotProject = errors.New("not a securegen project")

// Load reads dir's securegen.yaml. Errors name the file, line and key.
func Load(dir string) (*Recorded, error) {
	name := filepath.Join(dir, ManifestName)
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s is %w: it has no %s (create one with securegen new)", dir, ErrNotProject, ManifestName)
	}
	if err != nil {
		return nil, err
	}
	if len(data) > spec.MaxFileSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, spec.MaxFileSize)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: must be a mapping with keys securegen, answers and files", name)
	}
	r := &Recorded{Files: map[string]render.Owner{}}
	top := doc.Content[0]
	seen := map[string]bool{}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if seen[k.Value] {
			return nil, fmt.Errorf("%s:%d: key %q is defined twice", name, k.Line, k.Value)
		}
		seen[k.Value] = true
		switch k.Value {
		case "securegen":
			if v.Kind != yaml.ScalarNode || !semver.IsValid(v.Value) {
				return nil, fmt.Errorf("%s:%d: securegen: %q is not a version such as v0.1.0", name, v.Line, v.Value)
			}
			r.Version = v.Value
		case "answers":
			if r.Values, err = spec.ValuesFromNode(name, v); err != nil {
				return nil, err
			}
			if _, ok := r.Values["db"]; !ok {
				r.Values["db"] = "none" // recorded before the db answer: accounts were kept in memory
			}
		case "files":
			if err := loadFiles(name, v, r.Files); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("%s:%d: unknown key %q; accepted keys: securegen, answers, files", name, k.Line, k.Value)
		}
	}
	for _, key := range []string{"securegen", "answers"} {
		if !seen[key] {
			return nil, fmt.Errorf("%s: key %q is missing", name, key)
		}
	}
	return r, nil
}

func loadFiles(name string, n *yaml.Node, into map[string]render.Owner) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("%s:%d: files must map each path to managed or user", name, n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !fs.ValidPath(k.Value) || k.Value == "." || strings.HasPrefix(k.Value, ".securegen/") || path.Clean(k.Value) != k.Value {
			return fmt.Errorf("%s:%d: files: %q is not a relative path inside the project", name, k.Line, k.Value)
		}
		o := render.Owner(v.Value)
		if o != render.Managed && o != render.UserOwned {
			return fmt.Errorf("%s:%d: files.%s: %q is not an owner; use managed or user", name, v.Line, k.Value, v.Value)
		}
		into[k.Value] = o
	}
	return nil
}

// Layout returns the complete set of files of a project: the rendered tree,
// securegen.yaml, and the base copies of the managed files. owners, if not
// nil, are the owners recorded in the project, which win over the
// generator's defaults.
func Layout(tree *render.Tree, version string, a spec.Answers, owners map[string]render.Owner) (*render.Tree, error) {
	m := Manifest{Version: version, Answers: a, Files: map[string]render.Owner{}}
	out := &render.Tree{}
	for _, f := range tree.Files {
		if o, ok := owners[f.Path]; ok {
			f.Owner = o
		}
		m.Files[f.Path] = f.Owner
		out.Files = append(out.Files, f)
		if f.Owner == render.Managed {
			out.Files = append(out.Files, render.File{Path: BaseDir + "/" + f.Path, Data: f.Data, Owner: render.Managed})
		}
	}
	data, err := m.Marshal()
	if err != nil {
		return nil, err
	}
	out.Files = append(out.Files, render.File{Path: ManifestName, Data: data, Owner: render.Managed})
	sort.Slice(out.Files, func(i, j int) bool { return out.Files[i].Path < out.Files[j].Path })
	return out, nil
}
