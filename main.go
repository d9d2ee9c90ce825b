// Command securegen scaffolds Go HTTP services that are secure from the
// first commit. See README.md, or run securegen --help.
package main

import (
	"os"
	"runtime/debug"

	"github.com/securegen/securegen/generator/cli"
)

func main() {
	// securegen is a short-lived process that allocates a few MB: with the
	// default GOGC it spends CPU on collections that free nothing it would
	// reuse. A goal of 4× the live heap (16 MB at the start) means new and
	// regen never collect. GOGC in the environment still wins.
	if _, ok := os.LookupEnv("GOGC"); !ok {
		debug.SetGCPercent(400)
	}
	os.Exit(cli.Main())
}
