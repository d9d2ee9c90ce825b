// Package golden holds the expected output trees of securegen and the tests
// that compare them. Each case in cases/ is a txtar archive: its comment is
// the argument list of `securegen new` (without --skip-tidy, added by the
// test), its files the complete tree that must be generated (less the
// .securegen/base/ copies, checked to equal the files they copy). Run
//
//	go test ./golden -update
//
// to rewrite the archives, and review the diff like code: it is the change
// in what every user of securegen gets.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/securegen/securegen/generator/cli"
)

var update = flag.Bool("update", false, "rewrite the golden archives from the current output")

// testVersion is the generator version recorded by golden renders, so that
// they do not change with every release.
const testVersion = "v0.1.0-test"

func TestGoldenTrees(t *testing.T) {
	cases, err := filepath.Glob("cases/*.txtar")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, file := range cases {
		file, _ := filepath.Abs(file) // generate changes the working directory
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := generate(t, strings.Fields(string(ar.Comment)))
			if *update {
				ar.Files = ar.Files[:0]
				for _, p := range sortedKeys(got) {
					ar.Files = append(ar.Files, txtar.File{Name: p, Data: got[p]})
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want := map[string][]byte{}
			for _, f := range ar.Files {
				want[f.Name] = f.Data
			}
			for _, p := range sortedKeys(want) {
				if _, ok := got[p]; !ok {
					t.Errorf("%s: expected file not generated", p)
				}
			}
			for _, p := range sortedKeys(got) {
				w, ok := want[p]
				if !ok {
					t.Errorf("%s: unexpected file generated", p)
					continue
				}
				if d := cmp.Diff(string(w), string(got[p])); d != "" {
					t.Errorf("%s differs from the golden file (-want +got):\n%s", p, d)
				}
			}
		})
	}
}

// generate runs `securegen new` as a user would, in a temporary directory,
// and returns the tree it wrote.
func generate(t *testing.T, args []string) map[string][]byte {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	var out, errb bytes.Buffer
	args = append(args, "--skip-tidy")
	if code := cli.Run(args, &cli.IO{In: strings.NewReader(""), Out: &out, Err: &errb}, testVersion); code != 0 {
		t.Fatalf("securegen %s: exit %d\n%s", strings.Join(args, " "), code, errb.String())
	}
	tree := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		tree[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The base copies regen merges against are, right after new, the files
	// themselves: check that here rather than store every file twice.
	for p, data := range tree {
		dir, rel, ok := strings.Cut(p, ".securegen/base/")
		if !ok {
			continue
		}
		orig := dir + rel
		if !bytes.Equal(tree[orig], data) {
			t.Errorf("%s differs from %s", p, orig)
		}
		delete(tree, p)
	}
	return tree
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
