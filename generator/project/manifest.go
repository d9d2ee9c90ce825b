// Package project is what a generated project holds on disk: securegen.yaml,
// and the all-or-nothing writing of a rendered tree.
package project

import (
	"bytes"
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/securegen/securegen/generator/spec"
)

// ManifestName is the file, at the project root, that records how the
// project was generated.
const ManifestName = "securegen.yaml"

// Manifest is the content of securegen.yaml.
type Manifest struct {
	Version string       `yaml:"securegen"` // generator version that last rendered the project
	Answers spec.Answers `yaml:"answers"`
}

const manifestHeader = `# securegen.yaml records how this project was generated.
# Edit an answer here (or use --set) and run "securegen regen" to apply it;
# the same keys are accepted by "securegen new --config".
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
