// Package presets holds the shipped presets, one YAML file each. A preset
// sets the default of every answer except module and name.
package presets

import "embed"

// FS holds the preset files, named NAME.yaml.
//
//go:embed *.yaml
var FS embed.FS
