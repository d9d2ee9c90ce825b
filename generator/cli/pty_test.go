package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
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

// terminal is a securegen process on a pseudo-terminal, read as a person
// would read the screen.
type terminal struct {
	t    *testing.T
	pty  *os.File
	mu   sync.Mutex
	buf  bytes.Buffer
	seen int // bytes of buf consumed by expect
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

func (term *terminal) screen() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return ansi.ReplaceAllString(term.buf.String()[term.seen:], "")
}

// expect waits until text appears after what earlier expects consumed.
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

func (term *terminal) send(keys string) {
	term.t.Helper()
	// Let the prompt finish drawing (it queries the cursor position and
	// reads the answer) before typing, as a person would.
	time.Sleep(150 * time.Millisecond)
	if _, err := term.pty.WriteString(keys); err != nil {
		term.t.Fatal(err)
	}
}

// The prompts as a person meets them, on a real pseudo-terminal: ? shows the
// help, a bad answer is refused and asked again, Enter takes the default,
// and the equivalent command is printed at the end.
func TestNewOnPseudoTerminal(t *testing.T) {
	bin, err := buildSecuregen()
	if err != nil {
		t.Fatalf("build securegen: %v", err)
	}
	dir := t.TempDir()
	cmd := exec.Command(bin, "new", "ptysvc", "--skip-tidy", "--auth", "none")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TERM=xterm", "NO_COLOR=1")
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 200})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	term := &terminal{t: t, pty: f}
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := f.Read(b)
			// Answer cursor-position queries as a terminal emulator does.
			for i := 0; i < bytes.Count(b[:n], []byte("\x1b[6n")); i++ {
				_, _ = f.WriteString("\x1b[1;1R")
			}
			term.mu.Lock()
			term.buf.Write(b[:n])
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
	term.send("\r") // api
	term.expect("Web framework")
	term.send("\r") // stdlib
	term.expect("Browser origins")
	term.send("ftp://bad.example\r")
	term.expect("has no http or https scheme")
	term.send(strings.Repeat("\b", 20) + "https://app.example.com\r")
	term.expect("Allow credentials")
	term.send("\r")
	term.expect("Rate limit per client")
	term.send("\r") // 100/15m
	term.expect("Rate limit store")
	term.send("\r") // memory
	term.expect("TLS")
	term.send("\r")
	term.expect("Trusted proxy networks")
	term.send("\r")
	term.expect("Largest request body")
	term.send("\r")
	term.expect("To generate the same service from a script")
	term.expect("--origins=https://app.example.com")

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
