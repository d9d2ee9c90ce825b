// Package render turns validated answers into the files of a new service, in
// memory. It never writes to disk: package project does that.
package render

import (
	"bytes"
	"fmt"
	"go/format"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/template"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"

	"github.com/securegen/securegen/generator/deps"
	"github.com/securegen/securegen/generator/spec"
	"github.com/securegen/securegen/templates"
)

// Owner says who owns a generated file after it is written.
type Owner string

// Owners of generated files.
const (
	// Managed files are updated by `securegen regen` with a three-way merge.
	Managed Owner = "managed"
	// UserOwned files are created once and never touched again.
	UserOwned Owner = "user"
)

// userOwned lists the files that belong to the user once created.
var userOwned = map[string]bool{}

// File is one generated file.
type File struct {
	Path  string // slash-separated, relative to the project root
	Data  []byte
	Owner Owner
}

// Tree is a rendered project: files sorted by path.
type Tree struct {
	Files []File
}

// Lookup returns the file at p.
func (t *Tree) Lookup(p string) (File, bool) {
	i := sort.Search(len(t.Files), func(i int) bool { return t.Files[i].Path >= p })
	if i < len(t.Files) && t.Files[i].Path == p {
		return t.Files[i], true
	}
	return File{}, false
}

// Supported is the part of the answers model this version renders.
var Supported = map[string][]string{
	"framework":        {"stdlib", "chi", "gin", "echo", "fiber"},
	"auth":             {"none", "apikey", "jwt", "session", "oidc"},
	"tls":              {"off", "proxy", "files", "autocert"},
	"rate_limit.store": {"memory", "redis"},
	"db":               {"none", "sqlite", "postgres"},
	"preset":           {"api", "spa-backend", "internal"},
}

// Check reports answers that are valid but not yet rendered by this version.
func Check(a spec.Answers) error {
	vals := a.Values()
	for _, key := range []string{"preset", "framework", "auth", "tls", "rate_limit.store", "db"} {
		ok := false
		for _, s := range Supported[key] {
			ok = ok || vals[key] == s
		}
		if !ok {
			return &spec.Error{Key: key, Value: vals[key], Reason: "is not supported by this version of securegen yet; use one of: " + strings.Join(Supported[key], ", ")}
		}
	}
	return nil
}

// NewData prepares the template data for validated answers.
func NewData(a spec.Answers, version string) (Data, error) {
	if err := Check(a); err != nil {
		return Data{}, err
	}
	body, err := spec.ParseSize(a.BodyLimit)
	if err != nil {
		return Data{}, err
	}
	rl := RateLimit{Off: a.RateLimit.Limit == "off", Text: a.RateLimit.Limit, Scope: a.RateLimit.Scope, Store: a.RateLimit.Store}
	if !rl.Off {
		n, w, err := spec.LimitParts(a.RateLimit.Limit)
		if err != nil {
			return Data{}, err
		}
		rl.Requests, rl.Seconds = n, int64(w/time.Second)
	}
	return Data{
		Module: a.Module, Name: a.Name, Framework: a.Framework, Preset: a.Preset, Auth: a.Auth, DB: a.DB, TLS: a.TLS,
		Origins: a.CORS.Origins, Credentials: a.CORS.Credentials,
		RateLimit:      rl,
		TrustedProxies: a.TrustedProxies,
		BodyLimit:      body, BodyLimitText: a.BodyLimit,
		GoVersion: deps.GoVersion, GeneratorVersion: version,
	}, nil
}

var funcs = template.FuncMap{
	"quote": strconv.Quote,
	"quoteList": func(l []string) string {
		q := make([]string, len(l))
		for i, s := range l {
			q[i] = strconv.Quote(s)
		}
		return strings.Join(q, ", ")
	},
	"add":   func(a, b int) int { return a + b },
	"join":  strings.Join,
	"lower": strings.ToLower,
	"upper": strings.ToUpper,
	"tool": func(name string) (string, error) {
		t, ok := deps.Tools[name]
		if !ok {
			return "", fmt.Errorf("tool %s has no pinned version in generator/deps", name)
		}
		return t, nil
	},
	"require": func(mod string) (string, error) {
		v, ok := deps.Version(mod)
		if !ok {
			return "", fmt.Errorf("module %s has no pinned version in generator/deps", mod)
		}
		return mod + " " + v, nil
	},
}

// Render renders every template for d's framework.
func Render(d Data) (*Tree, error) {
	sources := map[string]string{} // output path -> template path
	for _, root := range []string{"common", d.Framework} {
		err := fs.WalkDir(templates.FS, root, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || !strings.HasSuffix(p, ".tmpl") {
				return err
			}
			out := strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(p, root+"/"), ".tmpl"), "__name__", d.Name)
			if c, ok := when[p]; ok && !c(d) {
				delete(sources, out) // not even the common file a framework's would override
				return nil
			}
			sources[out] = p
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("templates for %s: %w", root, err)
		}
	}
	outs := make([]string, 0, len(sources))
	for out := range sources {
		outs = append(outs, out)
	}
	sort.Strings(outs)
	// Templates render independently and most of the time goes to gofmt:
	// render them on every CPU. The tree and the error reported (the first
	// by output path) do not depend on the order the work finishes in.
	datas := make([][]byte, len(outs))
	errs := make([]error, len(outs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(outs)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(outs); i = int(next.Add(1) - 1) {
				datas[i], errs[i] = renderFile(sources[outs[i]], outs[i], d)
			}
		})
	}
	wg.Wait()
	t := &Tree{Files: make([]File, 0, len(outs))}
	for i, out := range outs {
		if errs[i] != nil {
			return nil, errs[i]
		}
		owner := Managed
		if userOwned[out] {
			owner = UserOwned
		}
		t.Files = append(t.Files, File{Path: out, Data: datas[i], Owner: owner})
	}
	return t, nil
}

// isStatic reports whether a template has no actions: it renders as its
// own text, whatever the data.
func isStatic(text []byte) bool {
	return !bytes.Contains(text, []byte("{{"))
}

func renderFile(src, out string, d Data) ([]byte, error) {
	text, err := fs.ReadFile(templates.FS, src)
	if err != nil {
		return nil, err
	}
	data := text
	if !isStatic(text) {
		tmpl, err := template.New(path.Base(src)).Funcs(funcs).Option("missingkey=error").Parse(string(text))
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", src, err)
		}
		var buf bytes.Buffer
		buf.Grow(len(text))
		if err := tmpl.Execute(&buf, d); err != nil {
			return nil, fmt.Errorf("template %s: %w", src, err)
		}
		data = buf.Bytes()
	}
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return nil, fmt.Errorf("template %s renders empty: say when a project gets %s in the table in generator/render/files.go", src, out)
	case strings.HasSuffix(out, ".go"):
		formatted, err := format.Source(data)
		if err != nil {
			return nil, fmt.Errorf("template %s renders Go that does not parse: %w", src, err)
		}
		return formatted, nil
	case path.Base(out) == "go.mod":
		f, err := modfile.Parse(out, data, nil)
		if err != nil {
			return nil, fmt.Errorf("template %s renders an invalid go.mod: %w", src, err)
		}
		for _, r := range f.Require {
			if v, ok := deps.GoVersions[r.Mod.Path]; ok && f.Go != nil && semver.Compare("v"+v, "v"+f.Go.Version) > 0 {
				if err := f.AddGoStmt(v); err != nil {
					return nil, fmt.Errorf("template %s: go %s for %s: %w", src, v, r.Mod.Path, err)
				}
			}
		}
		f.Cleanup()
		return modfile.Format(f.Syntax), nil
	}
	return data, nil
}
