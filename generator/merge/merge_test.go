package merge

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func j(ls ...string) []byte {
	if len(ls) == 0 {
		return nil
	}
	return []byte(strings.Join(ls, "\n") + "\n")
}

func TestThreeWay(t *testing.T) {
	base := j("package x", "", "func A() {}", "", "func B() {}", "", "func C() {}")
	cases := []struct {
		name         string
		ours, theirs []byte
		want         []byte
		conflicts    int
	}{
		{"nobody changed", base, base, base, 0},
		{"only ours", j("package x", "", "func A() { ours() }", "", "func B() {}", "", "func C() {}"), base,
			j("package x", "", "func A() { ours() }", "", "func B() {}", "", "func C() {}"), 0},
		{"only theirs", base, j("package x", "", "func A() {}", "", "func B() {}", "", "func C() { theirs() }"),
			j("package x", "", "func A() {}", "", "func B() {}", "", "func C() { theirs() }"), 0},
		{"separate edits merge", j("package x", "", "func A() { ours() }", "", "func B() {}", "", "func C() {}"),
			j("package x", "", "func A() {}", "", "func B() {}", "", "func C() { theirs() }"),
			j("package x", "", "func A() { ours() }", "", "func B() {}", "", "func C() { theirs() }"), 0},
		{"same edit on both sides", j("package x", "", "func A() { same() }", "", "func B() {}", "", "func C() {}"),
			j("package x", "", "func A() { same() }", "", "func B() {}", "", "func C() {}"),
			j("package x", "", "func A() { same() }", "", "func B() {}", "", "func C() {}"), 0},
		{"user adds at end, generator adds at top", append(append([]byte{}, base...), j("func Mine() {}")...),
			j("package x", "", "import \"os\"", "", "func A() {}", "", "func B() {}", "", "func C() {}"),
			j("package x", "", "import \"os\"", "", "func A() {}", "", "func B() {}", "", "func C() {}", "func Mine() {}"), 0},
		{"user deletes a function the generator keeps", j("package x", "", "func A() {}", "", "func C() {}"), base,
			j("package x", "", "func A() {}", "", "func C() {}"), 0},
		{"conflict", j("package x", "", "func A() {}", "", "func B() { ours() }", "", "func C() {}"),
			j("package x", "", "func A() {}", "", "func B() { theirs() }", "", "func C() {}"),
			j("package x", "", "func A() {}", "", "<<<<<<< yours", "func B() { ours() }", "=======", "func B() { theirs() }", ">>>>>>> securegen", "", "func C() {}"), 1},
	}
	for _, c := range cases {
		r := ThreeWay(base, c.ours, c.theirs, "yours", "securegen")
		if string(r.Data) != string(c.want) || r.Conflicts != c.conflicts {
			t.Errorf("%s: got %d conflicts:\n%s\nwant %d:\n%s", c.name, r.Conflicts, r.Data, c.conflicts, c.want)
		}
	}
}

func TestThreeWayMissingFinalNewline(t *testing.T) {
	r := ThreeWay([]byte("a\nb"), []byte("a\nours"), []byte("a\ntheirs"), "yours", "securegen")
	want := "a\n<<<<<<< yours\nours\n=======\ntheirs\n>>>>>>> securegen\n"
	if string(r.Data) != want || r.Conflicts != 1 {
		t.Errorf("got %q", r.Data)
	}
}

func randomLines(r *rand.Rand, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("line %d", r.Intn(8))
	}
	return out
}

func mutate(r *rand.Rand, ls []string) []string {
	out := append([]string{}, ls...)
	for e := r.Intn(4); e > 0; e-- {
		i := r.Intn(len(out) + 1)
		switch r.Intn(3) {
		case 0:
			out = append(out[:i], append([]string{fmt.Sprintf("new %d", r.Intn(100))}, out[i:]...)...)
		case 1:
			if i < len(out) {
				out = append(out[:i], out[i+1:]...)
			}
		default:
			if i < len(out) {
				out[i] = fmt.Sprintf("changed %d", r.Intn(100))
			}
		}
	}
	return out
}

// Properties that must hold for any inputs: a side that did not change
// yields the other side; identical sides yield themselves.
func TestThreeWayProperties(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for n := 0; n < 2000; n++ {
		base := j(randomLines(r, r.Intn(12))...)
		other := j(mutate(r, strings.Split(strings.TrimSuffix(string(base), "\n"), "\n"))...)
		for _, res := range []Result{ThreeWay(base, base, other, "o", "t"), ThreeWay(base, other, base, "o", "t"), ThreeWay(base, other, other, "o", "t")} {
			if res.Conflicts != 0 || string(res.Data) != string(other) {
				t.Fatalf("base %q other %q: got %q (%d conflicts)", base, other, res.Data, res.Conflicts)
			}
		}
	}
}

// Unified diffs apply with patch(1) and give the new content back.
func TestUnifiedAppliesWithPatch(t *testing.T) {
	patch, err := exec.LookPath("patch")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("patch(1) is not installed; .ci/run installs it")
		}
		t.Skip("patch(1) is not installed; install it (apt-get install patch) to run this test")
	}
	if Unified("a", "b", j("x", "y"), j("x", "y")) != "" {
		t.Error("diff of equal content is not empty")
	}
	r := rand.New(rand.NewSource(2))
	dir := t.TempDir()
	for n := 0; n < 200; n++ {
		old := randomLines(r, r.Intn(30))
		oldData, newData := j(old...), j(mutate(r, mutate(r, old))...)
		d := Unified("a/f", "b/f", oldData, newData)
		f := filepath.Join(dir, "f")
		if err := os.WriteFile(f, oldData, 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(patch, "-s", "-f", f)
		cmd.Stdin = strings.NewReader(d)
		if out, err := cmd.CombinedOutput(); err != nil && d != "" {
			t.Fatalf("patch failed: %v %s\ndiff:\n%s", err, out, d)
		}
		got, _ := os.ReadFile(f)
		if string(got) != string(newData) {
			t.Fatalf("patched %q\nwant %q\ndiff:\n%s", got, newData, d)
		}
	}
}
