package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/securegen/securegen/generator/prompt"
)

// The prompt flow, driven by a scripted prompter: flags are not asked again,
// the preset's defaults are offered, and the printed equivalent command
// generates the very same project without a terminal.
func TestNewInteractiveScripted(t *testing.T) {
	t.Chdir(t.TempDir())
	script := &prompt.Script{Answers: map[string]string{
		"module":       "example.com/shop",
		"preset":       "internal",
		"cors.origins": "https://shop.example, http://localhost:3000",
		"rate_limit":   "50/1m",
		"tls":          "off",
	}}
	var out, errb bytes.Buffer
	code := Run([]string{"new", "shop", "--auth", "none", "--skip-tidy"}, &IO{In: strings.NewReader(""), Out: &out, Err: &errb, Prompter: script}, "v0.1.0-test")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var asked []string
	defaults := map[string]string{}
	for _, q := range script.Asked {
		asked = append(asked, q.Key)
		defaults[q.Key] = q.Default
		if q.Help == "" {
			t.Errorf("question %s has no ? help", q.Key)
		}
	}
	want := "module name preset framework cors.origins cors.credentials rate_limit rate_limit.store tls trusted_proxies body_limit"
	if got := strings.Join(asked, " "); got != want {
		t.Errorf("asked %s\nwant  %s", got, want)
	}
	if defaults["module"] != "example.com/shop" || defaults["name"] != "shop" || defaults["rate_limit"] != "1000/1m" || defaults["body_limit"] != "1MiB" {
		t.Errorf("defaults offered: %v", defaults)
	}

	text := out.String()
	const intro = "To generate the same service from a script:\n\n  "
	i := strings.Index(text, intro)
	if i < 0 {
		t.Fatalf("no equivalent command in output:\n%s", text)
	}
	line := strings.TrimSpace(text[i+len(intro):])
	wantCmd := "securegen new shop --module=example.com/shop --name=shop --preset=internal --framework=stdlib --origins=https://shop.example,http://localhost:3000 --credentials=false --rate-limit=50/1m --rate-limit-scope=/api/ --rate-limit-store=memory --auth=none --db=none --tls=off --trusted-proxies='' --body-limit=1MiB --yes"
	if line != wantCmd {
		t.Errorf("equivalent command:\n got %s\nwant %s", line, wantCmd)
	}

	// The equivalent command, run without a terminal, gives the same project.
	args := strings.Fields(strings.ReplaceAll(wantCmd, "''", ""))[1:]
	args[1] = "again"
	if code := Run(append(args, "--skip-tidy"), &IO{In: strings.NewReader(""), Out: &out, Err: &errb}, "v0.1.0-test"); code != 0 {
		t.Fatalf("equivalent command: exit %d: %s", code, errb.String())
	}
	first, _ := os.ReadFile(filepath.Join("shop", "securegen.yaml"))
	second, _ := os.ReadFile(filepath.Join("again", "securegen.yaml"))
	if len(first) == 0 || !bytes.Equal(first, second) {
		t.Errorf("securegen.yaml differs:\n%s\n---\n%s", first, second)
	}
}

// A scripted answer that fails validation stops the run with the
// validation message and writes nothing.
func TestNewInteractiveInvalidAnswer(t *testing.T) {
	t.Chdir(t.TempDir())
	script := &prompt.Script{Answers: map[string]string{"module": "example.com/x", "cors.origins": "ftp://nope"}}
	var out, errb bytes.Buffer
	code := Run([]string{"new", "x", "--skip-tidy"}, &IO{In: strings.NewReader(""), Out: &out, Err: &errb, Prompter: script}, "v0.1.0-test")
	if code == 0 || !strings.Contains(errb.String(), `"ftp://nope" has no http or https scheme`) {
		t.Errorf("exit %d, stderr %s", code, errb.String())
	}
	if _, err := os.Stat("x"); err == nil {
		t.Error("directory written after a failed prompt")
	}
}

// --yes never prompts, even with a terminal.
func TestNewYesNeverPrompts(t *testing.T) {
	t.Chdir(t.TempDir())
	script := &prompt.Script{}
	var out, errb bytes.Buffer
	if code := Run([]string{"new", "y", "--yes", "--skip-tidy"}, &IO{In: strings.NewReader(""), Out: &out, Err: &errb, Prompter: script}, "v0.1.0-test"); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if len(script.Asked) != 0 {
		t.Errorf("asked %d questions with --yes", len(script.Asked))
	}
}
