package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/creack/pty"
	"github.com/hinshun/vt10x"
)

// buildSecuregen builds the securegen binary once per test run.
var buildSecuregen = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "securegen-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "securegen")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/securegen/securegen").CombinedOutput()
	if err != nil {
		return "", &exec.ExitError{Stderr: out}
	}
	return bin, nil
})

// screenCols is the width of the pseudo-terminal: an ordinary terminal.
const screenCols, screenRows = 80, 60

// terminal is a securegen process on a pseudo-terminal, read as a person
// would read the screen: the output drives a terminal emulator (vt10x),
// which also answers the prompt library's cursor-position queries.
type terminal struct {
	t   *testing.T
	pty *os.File
	vt  vt10x.Terminal

	mu   sync.Mutex
	buf  bytes.Buffer // everything written, for expect
	seen int          // bytes of buf consumed by expect
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

// screen returns the emulated screen, one line per row, trailing blanks
// trimmed.
func (term *terminal) screen() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	term.vt.Lock()
	defer term.vt.Unlock()
	var lines []string
	for y := range screenRows {
		var b strings.Builder
		for x := range screenCols {
			c := term.vt.Cell(x, y).Char
			if c == 0 {
				c = ' '
			}
			b.WriteRune(c)
		}
		lines = append(lines, strings.TrimRight(b.String(), " "))
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}

// expect waits until text appears in the output after what earlier expects
// consumed.
func (term *terminal) expect(text string) {
	term.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		term.mu.Lock()
		raw := term.buf.String()[term.seen:]
		clean := ansi.ReplaceAllString(raw, "")
		if i := strings.Index(raw, text); i >= 0 {
			term.seen += i + len(text)
			term.mu.Unlock()
			return
		}
		if strings.Contains(clean, text) {
			term.seen = term.buf.Len()
			term.mu.Unlock()
			return
		}
		term.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	term.t.Fatalf("waited for %q; the screen shows:\n%s", text, term.screen())
}

// onScreen fails unless every line is on the screen now, each as a whole
// row of its own.
func (term *terminal) onScreen(when string, lines ...string) {
	term.t.Helper()
	time.Sleep(200 * time.Millisecond) // let the redraw finish
	screen := term.screen()
	rows := strings.Split(screen, "\n")
	for _, want := range lines {
		if !slices.Contains(rows, want) {
			term.t.Errorf("%s: the screen lacks the line %q; it shows:\n%s", when, want, screen)
		}
	}
}

// fits fails if a row of the screen is filled to the last column: a line
// that long wraps on an 80-column terminal.
func (term *terminal) fits(when string) {
	term.t.Helper()
	for _, row := range strings.Split(term.screen(), "\n") {
		if utf8.RuneCountInString(row) >= screenCols {
			term.t.Errorf("%s: a line fills all %d columns and wraps: %q", when, screenCols, row)
		}
	}
}

func (term *terminal) send(keys string) {
	term.t.Helper()
	// Let the prompt finish drawing (it queries the cursor position and
	// reads the answer) before typing, as a person would.
	time.Sleep(150 * time.Millisecond)
	if _, err := term.pty.WriteString(keys); err != nil {
		term.t.Fatal(err)
	}
}

// The prompts as a person meets them, on a real 80-column pseudo-terminal:
// ? shows the help, each choice has its description, a bad answer is
// refused on one line and asked again with every earlier answer still on
// the screen, Enter takes the default, and the equivalent command is
// printed at the end.
func TestNewOnPseudoTerminal(t *testing.T) {
	bin, err := buildSecuregen()
	if err != nil {
		t.Fatalf("build securegen: %v", err)
	}
	dir := t.TempDir()
	cmd := exec.Command(bin, "new", "ptysvc", "--skip-tidy", "--auth", "none")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TERM=xterm", "NO_COLOR=1")
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: screenRows, Cols: screenCols})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	term := &terminal{t: t, pty: f, vt: vt10x.New(vt10x.WithWriter(f), vt10x.WithSize(screenCols, screenRows))}
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := f.Read(b)
			term.mu.Lock()
			term.buf.Write(b[:n])
			_, _ = term.vt.Write(b[:n])
			term.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	term.expect("Go module path")
	term.send("?\r")
	term.expect("module.CheckPath")
	term.send("\r") // take the offered example.com/ptysvc
	term.expect("Service name")
	term.send("\r")
	term.expect("Preset")
	term.onScreen("the preset list", "> api - public JSON API: JWT auth, CORS allowlist, 100 req/15 min", "  internal - service to service: API keys, no CORS, 1000 req/min")
	term.fits("the preset list")
	term.send("\r") // api
	term.expect("Web framework")
	term.onScreen("the framework list", "> stdlib - net/http with Go 1.22+ routing, no framework dependency")
	term.send("\r") // stdlib
	term.expect("CORS origins")
	answered := []string{"? Go module path example.com/ptysvc", "? Service name ptysvc", "? Preset api", "? Web framework stdlib"}
	term.onScreen("before the origins", answered...)
	term.send("ftp://bad.example\r")
	term.expect("has no http or https scheme")
	term.onScreen("after a refused origin", append(answered, `X "ftp://bad.example" has no http or https scheme; use scheme://host[:port]`)...)
	term.fits("after a refused origin")
	long := "https://" + strings.Repeat("very-long-name.", 6) + "example.com/path"
	term.send(strings.Repeat("\b", 20) + long + "\r")
	term.expect("has a path")
	term.onScreen("after a long refused origin", answered...)
	term.fits("after a long refused origin")
	term.send(strings.Repeat("\b", len(long)) + "https://app.example.com\r")
	term.expect("Allow credentials")
	term.send("\r")
	answered = append(answered, "? CORS origins (comma-separated) https://app.example.com", "? Allow credentials (cookies) from these origins? No")
	term.expect("Rate limit per client")
	term.send("10\r")
	term.expect("is not a rate limit")
	term.onScreen("after a refused rate limit", answered...)
	term.fits("after a refused rate limit")
	term.send("\b\b100/15m\r")
	term.expect("Rate limit store")
	term.onScreen("the store list", "> memory - counts in the process: one instance")
	term.send("\r") // memory
	answered = append(answered, "? Rate limit per client (N/WINDOW or off) 100/15m", "? Rate limit store memory")
	term.expect("TLS")
	term.onScreen("the TLS list", "  off - plain HTTP: development only", "> proxy - TLS ends at a trusted proxy or load balancer (usual)")
	term.send("\r")
	term.expect("Trusted proxy")
	term.send("\r")
	term.expect("Largest request body")
	term.send("\r")
	term.expect("To generate the same service from a script")
	term.expect("--origins=https://app.example.com")
	term.onScreen("at the end", append(answered, "? TLS proxy")...)

	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("securegen: %v\n%s", err, term.screen())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("securegen did not exit")
	}
	yaml, err := os.ReadFile(filepath.Join(dir, "ptysvc", "securegen.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"module: example.com/ptysvc", "- https://app.example.com", "limit: 100/15m", "auth: none"} {
		if !strings.Contains(string(yaml), want) {
			t.Errorf("securegen.yaml lacks %q:\n%s", want, yaml)
		}
	}
}
