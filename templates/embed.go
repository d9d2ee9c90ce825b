// Package templates embeds the templates securegen renders. common/ holds the
// files every framework shares; each framework directory holds its own files
// and overrides common/ files at the same path. Only files ending in .tmpl
// are rendered; the suffix is dropped and a path segment __name__ becomes the
// service name. A file that renders to nothing but white space is not
// generated.
package templates

import "embed"

// FS holds the template trees.
//
//go:embed all:common all:stdlib all:chi all:gin all:echo all:fiber
var FS embed.FS
