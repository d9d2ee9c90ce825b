package project

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/securegen/securegen/generator/render"
)

func testTree() *render.Tree {
	t := &render.Tree{}
	for _, p := range []string{"a.txt", "cmd/x/main.go", "internal/config/config.go", "internal/server/server.go", "z/deep/er/file.txt"} {
		t.Files = append(t.Files, render.File{Path: p, Data: []byte("content of " + p + "\n"), Owner: render.Managed})
	}
	return t
}

// snapshot records every path under dir with its mode and content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		v := info.Mode().String()
		if info.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			v += " " + string(data)
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			target, _ := os.Readlink(p)
			v += " -> " + target
		}
		out[rel] = v
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func failAt(t *testing.T, n int) {
	count := 0
	beforeWrite = func(p string) error {
		count++
		if count == n {
			return fmt.Errorf("simulated disk failure at %s", p)
		}
		return nil
	}
	t.Cleanup(func() { beforeWrite = func(string) error { return nil } })
}

func TestWriteFresh(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "svc")
	res, err := Write(dir, testTree(), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Written) != 5 {
		t.Errorf("written %v", res.Written)
	}
	data, err := os.ReadFile(filepath.Join(dir, "z/deep/er/file.txt"))
	if err != nil || string(data) != "content of z/deep/er/file.txt\n" {
		t.Errorf("file: %q %v", data, err)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 1 {
		t.Errorf("parent holds %d entries, want only svc", len(entries))
	}
}

// A failure at any point of writing leaves the target as it was: absent
// for a new project, unchanged for an existing directory.
func TestWriteFailureLeavesNothing(t *testing.T) {
	for n := 1; n <= 5; n++ {
		t.Run(fmt.Sprintf("new-fails-at-%d", n), func(t *testing.T) {
			failAt(t, n)
			parent := t.TempDir()
			_, err := Write(filepath.Join(parent, "svc"), testTree(), false)
			if err == nil || !strings.Contains(err.Error(), "simulated disk failure") {
				t.Fatalf("err = %v", err)
			}
			if entries, _ := os.ReadDir(parent); len(entries) != 0 {
				t.Errorf("left behind: %v", entries)
			}
		})
		t.Run(fmt.Sprintf("force-fails-at-%d", n), func(t *testing.T) {
			dir := t.TempDir()
			must(t, os.MkdirAll(filepath.Join(dir, "internal", "mine"), 0o755))
			must(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine\n"), 0o600))
			must(t, os.WriteFile(filepath.Join(dir, "a.txt"), []byte("content of a.txt\n"), 0o644)) // identical: skipped
			before := snapshot(t, dir)
			failAt(t, n)
			_, err := Write(dir, testTree(), true)
			if n <= 4 && (err == nil || !strings.Contains(err.Error(), "simulated disk failure")) {
				t.Fatalf("err = %v", err)
			}
			if err == nil {
				return // the failure point lies past the last file
			}
			if d := cmp.Diff(before, snapshot(t, dir)); d != "" {
				t.Errorf("directory changed by a failed write (-before +after):\n%s", d)
			}
		})
	}
}

func TestWriteRefusesConflictsAndSymlinks(t *testing.T) {
	outside := t.TempDir()
	cases := map[string]func(dir string){
		"existing file with other content": func(dir string) {
			must(t, os.MkdirAll(filepath.Join(dir, "internal/config"), 0o755))
			must(t, os.WriteFile(filepath.Join(dir, "internal/config/config.go"), []byte("user's\n"), 0o644))
		},
		"symlinked file": func(dir string) {
			must(t, os.Symlink(filepath.Join(outside, "a.txt"), filepath.Join(dir, "a.txt")))
		},
		"symlinked directory leading outside": func(dir string) {
			must(t, os.Symlink(outside, filepath.Join(dir, "internal")))
		},
		"a file where a directory must be": func(dir string) {
			must(t, os.WriteFile(filepath.Join(dir, "cmd"), []byte("x"), 0o644))
		},
	}
	for name, setup := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			setup(dir)
			before, beforeOut := snapshot(t, dir), snapshot(t, outside)
			if _, err := Write(dir, testTree(), true); err == nil {
				t.Fatal("write succeeded")
			}
			if d := cmp.Diff(before, snapshot(t, dir)); d != "" {
				t.Errorf("target changed (-before +after):\n%s", d)
			}
			if d := cmp.Diff(beforeOut, snapshot(t, outside)); d != "" {
				t.Errorf("written outside the target (-before +after):\n%s", d)
			}
		})
	}
}

func TestWriteRefusesBadPaths(t *testing.T) {
	for _, p := range []string{"../escape", "/abs", "a/../../b", `a\b`, ""} {
		tree := &render.Tree{Files: []render.File{{Path: p, Data: []byte("x")}}}
		if _, err := Write(filepath.Join(t.TempDir(), "svc"), tree, false); err == nil {
			t.Errorf("path %q accepted", p)
		}
	}
	if _, err := Write(filepath.Join(t.TempDir(), "missing", "svc"), testTree(), false); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing parent: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
