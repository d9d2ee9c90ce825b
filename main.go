// Command securegen scaffolds Go HTTP services that are secure from the
// first commit. See README.md, or run securegen --help.
package main

import (
	"os"

	"github.com/securegen/securegen/generator/cli"
)

func main() { os.Exit(cli.Main()) }
