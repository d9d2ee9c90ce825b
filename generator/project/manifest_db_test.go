package project

import (
	"os"
	"path/filepath"
	"testing"
)

// A securegen.yaml written before the db answer existed records a project
// whose accounts were in memory: regen keeps it that way unless told.
func TestLoadWithoutDBMeansNone(t *testing.T) {
	dir := t.TempDir()
	manifest := "securegen: v0.1.0\nanswers:\n  module: example.com/svc\n  auth: session\nfiles: {}\n"
	if err := os.WriteFile(filepath.Join(dir, ManifestName), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Values["db"]; got != "none" {
		t.Errorf("db %q, want none", got)
	}
}
