package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/version"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/modfile"

	"github.com/securegen/securegen/generator/deps"
)

// localGoVersion is the version of the go command on PATH, such as
// "go1.26.8", as `go env GOVERSION` prints it. It runs outside any module
// (in the temporary directory), so no go.mod switches the toolchain; a
// GOTOOLCHAIN setting still counts, since it chooses the go that builds
// the project. Asked once per process.
var localGoVersion = sync.OnceValues(func() (string, error) {
	if _, err := exec.LookPath("go"); err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "env", "GOVERSION")
	cmd.Dir = os.TempDir()
	out, err := cmd.Output()
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
})

// goDirective returns the go version a go.mod asks for, such as "1.26.0",
// and the modules it requires.
func goDirective(gomod []byte) (string, []string) {
	f, err := modfile.ParseLax("go.mod", gomod, nil)
	if err != nil || f.Go == nil {
		return "", nil
	}
	var reqs []string
	for _, r := range f.Require {
		reqs = append(reqs, r.Mod.Path)
	}
	return f.Go.Version, reqs
}

// goVersionReason says why a generated go.mod asks for need: the modules
// of deps.GoVersions that raised it, if any.
func goVersionReason(need string, reqs []string) string {
	var by []string
	for _, m := range reqs {
		if v, ok := deps.GoVersions[m]; ok && v == need {
			by = append(by, m)
		}
	}
	if len(by) == 0 {
		return "the go directive of its go.mod"
	}
	slices.Sort(by)
	return "the go directive of its go.mod, for " + strings.Join(by, ", ")
}

// goVersionWarning returns the warning to print when local, the version of
// the local go command, is older than need, the project's go directive;
// reason says where need comes from. It is "" when local is new enough or
// unknown (a development build of Go has no comparable version).
//
// securegen warns and goes on rather than failing: since Go 1.21 the go
// command downloads the release a go.mod asks for (GOTOOLCHAIN=auto, the
// default), so an older local go usually still builds the project, and the
// project may well be built elsewhere (CI, a container). The generated
// files are right either way; only with GOTOOLCHAIN=local does go mod tidy
// then fail, and its error says why.
func goVersionWarning(local, need, reason string) string {
	if need == "" || !version.IsValid(local) || version.Compare(local, "go"+need) >= 0 {
		return ""
	}
	return fmt.Sprintf("warning: this project needs Go %s or newer (%s), and the local go is %s; go will download go%s to build it if GOTOOLCHAIN allows (auto, the default), else install Go %s or newer", need, reason, local, need, need)
}

// warnGoVersion prints, on stderr, a warning when the local go is older
// than gomod asks for, and returns it ("" for none). raised says that go
// mod tidy set the version, not securegen.
func warnGoVersion(sys *IO, gomod []byte, raised bool) string {
	need, reqs := goDirective(gomod)
	if need == "" {
		return ""
	}
	local, err := localGoVersion()
	if errors.Is(err, exec.ErrNotFound) {
		msg := fmt.Sprintf("warning: no go command on PATH; this project needs Go %s or newer to build", need)
		fmt.Fprintln(sys.Err, "securegen: "+msg)
		return msg
	}
	if err != nil {
		return "" // a go that cannot say its version fails go mod tidy with the reason
	}
	reason := goVersionReason(need, reqs)
	if raised {
		reason = "go mod tidy raised the go directive of its go.mod for a dependency"
	}
	msg := goVersionWarning(local, need, reason)
	if msg != "" {
		fmt.Fprintln(sys.Err, "securegen: "+msg)
	}
	return msg
}

// goModAfterTidy returns the go.mod in dir when go mod tidy raised its go
// directive above before's, else nil.
func goModAfterTidy(dir string, before []byte) []byte {
	after, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil || bytes.Equal(after, before) {
		return nil
	}
	was, _ := goDirective(before)
	now, _ := goDirective(after)
	if was == "" || now == "" || version.Compare("go"+now, "go"+was) <= 0 {
		return nil
	}
	return after
}
