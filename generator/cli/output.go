package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/securegen/securegen/generator/spec"
)

// newResult is what `securegen new --json` prints.
type newResult struct {
	Dir       string       `json:"dir"`
	DryRun    bool         `json:"dry_run"`
	Version   string       `json:"securegen_version"`
	Answers   spec.Answers `json:"answers"`
	Files     []fileResult `json:"files"`
	Tidied    bool         `json:"tidied"`
	Warnings  []string     `json:"warnings,omitempty"`
	NextSteps []string     `json:"next_steps"`
}

type fileResult struct {
	Path  string `json:"path"`
	Owner string `json:"owner"`
	Bytes int    `json:"bytes"`
}

func printNew(w io.Writer, r *newResult) {
	if r.DryRun {
		fmt.Fprintf(w, "Would generate %d files in %s (dry run, nothing written):\n", len(r.Files), r.Dir)
		for _, f := range r.Files {
			fmt.Fprintf(w, "  %-52s %7d bytes  %s\n", f.Path, f.Bytes, f.Owner)
		}
		return
	}
	a := r.Answers
	fmt.Fprintf(w, "Generated %s (%s, preset %s, auth %s) in %s: %d files.\n", a.Module, a.Framework, a.Preset, a.Auth, r.Dir, len(r.Files))
	fmt.Fprintln(w, "\nNext steps:")
	for _, s := range r.NextSteps {
		fmt.Fprintf(w, "  %s\n", s)
	}
}

func nextSteps(dir string, a spec.Answers, tidied bool) []string {
	steps := []string{"cd " + shellQuote(dir)}
	if !tidied {
		steps = append(steps, "go mod tidy")
	}
	switch a.Auth {
	case "jwt":
		steps = append(steps, "export JWT_SECRET=\"$(openssl rand -base64 48)\" JWT_ISSUER=https://issuer.example JWT_AUDIENCE="+a.Name)
	case "apikey":
		steps = append(steps, "export API_KEY_HASHES=\"$(printf %s \"$YOUR_API_KEY\" | sha256sum | cut -d' ' -f1)\"")
	}
	if a.TLS == "proxy" && len(a.TrustedProxies) == 0 {
		// Required with TLS at a proxy: its addresses, or none without one.
		steps = append(steps, "export TRUSTED_PROXIES=none  # in production: your TLS proxy's CIDRs, such as 10.0.0.0/8")
	}
	steps = append(steps, "go test ./...", "ADDR=127.0.0.1:8080 go run ./cmd/"+a.Name, "read README.md for every setting")
	return steps
}

// equivalentCommand prints the non-interactive command that generates the
// same project.
func equivalentCommand(dir string, a spec.Answers) string {
	parts := []string{"securegen", "new", shellQuote(dir)}
	for _, k := range spec.Keys {
		v := k.Get(&a)
		switch {
		case k.Flag != "":
			parts = append(parts, "--"+k.Flag+"="+shellQuote(v))
		case v != k.Get(&spec.Answers{}) && v != "":
			parts = append(parts, "--set", shellQuote(k.Name+"="+v))
		}
	}
	return strings.Join(append(parts, "--yes"), " ")
}

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:,=@%+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
