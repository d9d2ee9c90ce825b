package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/securegen/securegen/presets"
)

// MaxFileSize bounds answers files and presets.
const MaxFileSize = 1 << 20

// groups are the keys whose YAML value may be a mapping of sub-keys.
var groups = map[string]bool{"cors": true, "rate_limit": true}

// ParseFile reads an answers file: YAML whose top-level keys are answer keys,
// with cors and rate_limit as nested mappings. Unknown keys, wrong types and
// duplicate keys are errors naming the key and line.
func ParseFile(name string, data []byte) (Values, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s: file is larger than %d bytes; an answers file is a few lines of YAML", name, MaxFileSize)
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return Values{}, nil
		}
		return nil, fmt.Errorf("%s: %v", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: holds more than one YAML document; an answers file is one mapping", name)
	}
	return ValuesFromNode(name, &doc)
}

// ValuesFromNode reads answers from a YAML mapping node (or a document
// holding one), as in an answers file or securegen.yaml's answers block.
// file names the source in errors.
func ValuesFromNode(file string, root *yaml.Node) (Values, error) {
	vals := Values{}
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind == 0 || root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return vals, nil
	}
	if err := walk(file, "", root, vals); err != nil {
		return nil, err
	}
	return vals, nil
}

func walk(file, prefix string, n *yaml.Node, into Values) error {
	if n.Kind != yaml.MappingNode {
		what := "the file"
		if prefix != "" {
			what = strings.TrimSuffix(prefix, ".")
		}
		return fmt.Errorf("%s:%d: %s must be a mapping of answer keys", file, n.Line, what)
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		name := prefix + kn.Value
		if line, dup := seen[name]; dup {
			return fmt.Errorf("%s:%d: key %q is already defined at line %d", file, kn.Line, name, line)
		}
		seen[name] = kn.Line
		if groups[name] && vn.Kind == yaml.MappingNode {
			if err := walk(file, name+".", vn, into); err != nil {
				return err
			}
			continue
		}
		k, ok := Lookup(name)
		if !ok || kn.Kind != yaml.ScalarNode {
			return fmt.Errorf("%s:%d: unknown key %q; accepted keys: %s", file, kn.Line, name, strings.Join(KeyNames(), ", "))
		}
		v, err := scalarValue(k, vn)
		if err != nil {
			return fmt.Errorf("%s:%d: %s: %v", file, vn.Line, k.Name, err)
		}
		into[k.Name] = v
	}
	return nil
}

func scalarValue(k *Key, n *yaml.Node) (string, error) {
	if k.Kind == List {
		switch {
		case n.Kind == yaml.ScalarNode && n.Tag == "!!null":
			return "", nil
		case n.Kind == yaml.ScalarNode && n.Tag == "!!str":
			return n.Value, nil
		case n.Kind != yaml.SequenceNode:
			return "", errors.New("want a list of strings")
		}
		items := make([]string, 0, len(n.Content))
		for _, it := range n.Content {
			if it.Kind != yaml.ScalarNode || it.Tag != "!!str" {
				return "", fmt.Errorf("want a list of strings, found %q", it.Value)
			}
			if strings.Contains(it.Value, ",") || strings.TrimSpace(it.Value) == "" {
				return "", fmt.Errorf("%q is not a single value", it.Value)
			}
			items = append(items, it.Value)
		}
		return strings.Join(items, ","), nil
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", errors.New("want a single value")
	}
	switch k.Kind {
	case Bool:
		if n.Tag != "!!bool" {
			return "", fmt.Errorf("want true or false, found %q", n.Value)
		}
	default:
		if n.Tag != "!!str" && n.Tag != "!!int" {
			return "", fmt.Errorf("want a string, found %q", n.Value)
		}
	}
	return n.Value, nil
}

// Preset is a named set of default answers, loaded from presets/.
type Preset struct {
	Name        string
	Description string
	Values      Values
	Source      []byte // the preset file as shipped
}

// LoadPreset reads a shipped preset.
func LoadPreset(name string) (*Preset, error) {
	if err := oneOf("preset", name, Presets); err != nil {
		return nil, err
	}
	data, err := presets.FS.ReadFile(name + ".yaml")
	if err != nil {
		return nil, &Error{Key: "preset", Value: name, Reason: "is not available in this version of securegen; use one of: " + strings.Join(AvailablePresets(), ", ")}
	}
	var doc struct {
		Description string    `yaml:"description"`
		Answers     yaml.Node `yaml:"answers"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("preset %s: %v", name, err)
	}
	vals, err := ValuesFromNode("preset "+name, &doc.Answers)
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"module", "name", "preset"} {
		if _, ok := vals[k]; ok {
			return nil, fmt.Errorf("preset %s: sets %q, which a preset must leave to the user", name, k)
		}
	}
	return &Preset{Name: name, Description: strings.TrimSpace(doc.Description), Values: vals, Source: data}, nil
}

// AvailablePresets lists the presets shipped with this version.
func AvailablePresets() []string {
	var out []string
	for _, p := range Presets {
		if _, err := presets.FS.ReadFile(p + ".yaml"); err == nil {
			out = append(out, p)
		}
	}
	return out
}
