package project

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/securegen/securegen/generator/render"
)

// File and directory permissions of generated content.
const (
	filePerm = 0o644
	dirPerm  = 0o755
)

// beforeWrite is called before each file is written; tests replace it to
// make the file system fail at a chosen point.
var beforeWrite = func(path string) error { return nil }

// Result describes a write.
type Result struct {
	Written []string // paths written, sorted
	Skipped []string // paths that already held the exact content
}

// Write writes tree into dir, all or nothing:
//
//   - dir missing: the tree is written into a new directory beside dir and
//     renamed into place, so dir either appears complete or not at all;
//   - dir exists: refused unless empty or force; any existing file whose
//     content differs is a conflict that refuses the whole write, and files
//     and directories created before a failure are removed again.
//
// Nothing is written outside dir: every file goes through an os.Root, which
// refuses paths and symbolic links that lead out of it.
func Write(dir string, tree *render.Tree, force bool) (*Result, error) {
	for _, f := range tree.Files {
		if !fs.ValidPath(f.Path) || strings.Contains(f.Path, `\`) {
			return nil, fmt.Errorf("refusing to write %q: not a relative path inside the project", f.Path)
		}
	}
	info, err := os.Lstat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return writeFresh(dir, tree)
	case err != nil:
		return nil, err
	case !info.IsDir():
		return nil, fmt.Errorf("%s exists and is not a directory; choose another directory", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	if len(entries) > 0 && !force {
		return nil, fmt.Errorf("%s is not empty (%d entries); choose a new directory, or use --force to add the generated files to it (existing files are never overwritten)", dir, len(entries))
	}
	return writeInto(dir, tree)
}

// writeFresh renders into a temporary sibling directory and renames it into
// place.
func writeFresh(dir string, tree *render.Tree) (*Result, error) {
	parent := filepath.Dir(filepath.Clean(dir))
	if st, err := os.Stat(parent); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("parent directory %s does not exist; create it first", parent)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".securegen-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp) // no-op after a successful rename
	// The directory is new and ours alone: no conflict, no symbolic link
	// and no user file can be in it, so files are written directly.
	// Directories are made once each; the files, whose creation is most of
	// the time, are written in parallel.
	res := &Result{}
	made := map[string]bool{}
	for _, f := range tree.Files {
		dir := filepath.Dir(filepath.Join(tmp, filepath.FromSlash(f.Path)))
		if !made[dir] {
			if err := os.MkdirAll(dir, dirPerm); err != nil {
				return nil, err
			}
			made[dir] = true
		}
		if err := beforeWrite(f.Path); err != nil {
			return nil, fmt.Errorf("write %s: %w", f.Path, err)
		}
		res.Written = append(res.Written, f.Path)
	}
	errs := make([]error, len(tree.Files))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(8, len(tree.Files)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(tree.Files); i = int(next.Add(1) - 1) {
				f := tree.Files[i]
				if err := os.WriteFile(filepath.Join(tmp, filepath.FromSlash(f.Path)), f.Data, filePerm); err != nil {
					errs[i] = fmt.Errorf("write %s: %w", f.Path, err)
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(res.Written)
	if err := os.Chmod(tmp, dirPerm); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return nil, fmt.Errorf("move the generated project into %s: %w", dir, err)
	}
	return res, nil
}

// writeInto adds tree to an existing directory, refusing any conflict before
// writing and undoing its own writes on failure.
func writeInto(dir string, tree *render.Tree) (res *Result, err error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()

	res = &Result{}
	var todo []render.File
	var conflicts []string
	for _, f := range tree.Files {
		info, err := root.Lstat(f.Path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			todo = append(todo, f)
		case err != nil:
			conflicts = append(conflicts, f.Path+" ("+err.Error()+")")
		case !info.Mode().IsRegular():
			conflicts = append(conflicts, f.Path+" (exists and is not a regular file)")
		default:
			old, err := root.ReadFile(f.Path)
			if err != nil || !bytes.Equal(old, f.Data) {
				conflicts = append(conflicts, f.Path)
				continue
			}
			res.Skipped = append(res.Skipped, f.Path)
		}
	}
	if len(conflicts) > 0 {
		return nil, fmt.Errorf("refusing to overwrite existing files, nothing was written: %s", strings.Join(conflicts, ", "))
	}

	var created []string // files and directories, in creation order
	defer func() {
		if err != nil {
			for i := len(created) - 1; i >= 0; i-- {
				_ = root.Remove(created[i])
			}
		}
	}()
	for _, f := range todo {
		newDirs, err := mkdirs(root, path.Dir(f.Path))
		created = append(created, newDirs...)
		if err != nil {
			return nil, fmt.Errorf("create directory for %s: %w", f.Path, err)
		}
		if err := beforeWrite(f.Path); err != nil {
			return nil, fmt.Errorf("write %s: %w", f.Path, err)
		}
		if err := writeFile(root, f.Path, f.Data); err != nil {
			return nil, fmt.Errorf("write %s: %w", f.Path, err)
		}
		created = append(created, f.Path)
		res.Written = append(res.Written, f.Path)
	}
	sort.Strings(res.Written)
	return res, nil
}

// mkdirs creates dir and its missing parents inside root, returning the
// directories it created, outermost first.
func mkdirs(root *os.Root, dir string) ([]string, error) {
	if dir == "." {
		return nil, nil
	}
	var missing []string
	for d := dir; d != "."; d = path.Dir(d) {
		if _, err := root.Lstat(d); err == nil {
			break
		}
		missing = append([]string{d}, missing...)
	}
	var created []string
	for _, d := range missing {
		if err := root.Mkdir(d, dirPerm); err != nil {
			return created, err
		}
		created = append(created, d)
	}
	return created, nil
}

// writeFile writes data to name atomically: a temporary file in the same
// directory, synced, then renamed over name.
func writeFile(root *os.Root, name string, data []byte) (err error) {
	tmp := path.Join(path.Dir(name), "."+path.Base(name)+".securegen-tmp")
	_ = root.Remove(tmp) // left over by an interrupted run
	perm, keep := os.FileMode(filePerm), false
	if info, err := root.Lstat(name); err == nil && info.Mode().IsRegular() {
		perm, keep = info.Mode().Perm(), true // keep the user's mode
	}
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = root.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err = f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if keep {
		if err = root.Chmod(tmp, perm); err != nil { // not narrowed by the umask
			return err
		}
	}
	return root.Rename(tmp, name)
}
