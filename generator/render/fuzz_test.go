package render

import (
	"bytes"
	"go/format"
	"go/scanner"
	"go/token"
	"slices"
	"strings"
	"testing"

	"github.com/securegen/securegen/generator/spec"
)

// reference answers: each fuzzed value replaces one of these.
var reference = spec.Values{
	"module":           "example.com/ref",
	"name":             "refsvc",
	"cors.origins":     "https://ref.example",
	"rate_limit":       "100/15m",
	"rate_limit.scope": "/api/",
	"trusted_proxies":  "10.0.0.0/8",
	"body_limit":       "1MiB",
	"auth":             "jwt",
}

// freeText are the answers whose values are text chosen by the user.
var freeText = map[string]bool{"module": true, "name": true, "cors.origins": true, "rate_limit": true, "rate_limit.scope": true, "trusted_proxies": true, "body_limit": true}

// shape is a Go file's token stream with the content of string literals
// blanked out and lists of string literals counted as one: two renders with
// the same shape differ only inside string literals.
func shape(t *testing.T, name string, src []byte) []string {
	t.Helper()
	var s scanner.Scanner
	fset := token.NewFileSet()
	file := fset.AddFile(name, -1, len(src))
	s.Init(file, src, func(pos token.Position, msg string) { t.Fatalf("%s: %s: %s", name, pos, msg) }, scanner.ScanComments)
	var out []string
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			return out
		}
		switch tok {
		case token.STRING:
			lit = `"…"`
		case token.INT:
			lit = "0" // validated numbers
		}
		item := tok.String() + " " + lit
		n := len(out)
		switch {
		case tok == token.STRING && n >= 2 && out[n-1] == ", " && out[n-2] == item:
			out = out[:n-1] // "a", "b" has the shape of "a"
			continue
		case tok == token.RBRACE && n >= 2 && out[n-1] == ", " && out[n-2] == `STRING "…"`:
			out = out[:n-1] // so has "a", "b",
		}
		out = append(out, item)
	}
}

func renderValues(t *testing.T, vals spec.Values) (*Tree, error) {
	t.Helper()
	a, err := spec.Resolve([]spec.Layer{{Values: vals}})
	if err != nil {
		return nil, err
	}
	d, err := NewData(a, "v0.1.0-test")
	if err != nil {
		return nil, err
	}
	tree, err := Render(d)
	if err != nil {
		t.Fatalf("valid answers %v do not render: %v", vals, err)
	}
	return tree, nil
}

// FuzzAnswers: any value of any answer is either refused by validation, or
// rendered into Go files that are gofmt-clean and whose tokens, outside
// string literals, are exactly those of a render with harmless values: no
// answer can add code, comments, build tags or imports.
func FuzzAnswers(f *testing.F) {
	hostile := []string{
		`https://a.example"`, "https://a.example`", "https://a.example\n//go:build ignore", "https://a.example*/",
		"https://a.example/*", `https://a.example"; os.Exit(1); "`, "https://аpple.example", "https://a.example:99999",
		"https://a.example:0", "https://../etc", "http://10.0.0.1", "\x00", "https://a.example\u202e", "*",
		"https://a.example,https://b.example", "https://[::1]:8080", "https://xn--80ak6aa92e.com",
		"example.com/../x", "example.com/a b", "Example.com/Upper", "example.com/x/v2", "example.com/x\"y",
		"../x", "a/b", "ok-name", "0/1m", "-5/1m", "99999999999/1m", "5/0s", "5/1ns", "off", "1e3/1m",
		"10.0.0.0/33", "10.0.0.0/8\n", "::/0", "fe80::1%eth0", "1MiB", "0", "-1", "99999999999999999999", "1 GiB",
	}
	keys := []string{"module", "name", "cors.origins", "rate_limit", "trusted_proxies", "body_limit", "rate_limit.scope"}
	for i, h := range hostile {
		f.Add(keys[i%len(keys)], h)
		f.Add("cors.origins", h)
	}
	shapes := map[string]map[string][]string{} // reference value -> path -> shape
	f.Fuzz(func(t *testing.T, key, value string) {
		if !freeText[key] {
			t.Skip() // enumerated answers select code by design
		}
		vals := spec.Values{}
		for k, v := range reference {
			vals[k] = v
		}
		vals[key] = value
		tree, err := renderValues(t, vals)
		if err != nil {
			return // refused by validation: fine
		}
		a, _ := spec.Resolve([]spec.Layer{{Values: vals}})

		// The reference: the same answer replaced by a harmless value of the
		// same kind (an empty list stays empty, off stays off).
		ref := benign(key, a)
		want, ok := shapes[key+"="+ref]
		if !ok {
			vals[key] = ref
			refTree, err := renderValues(t, vals)
			if err != nil {
				t.Fatal(err)
			}
			want = map[string][]string{}
			for _, file := range refTree.Files {
				if strings.HasSuffix(file.Path, ".go") {
					want[file.Path] = shape(t, file.Path, file.Data)
				}
			}
			shapes[key+"="+ref] = want
		}
		for _, file := range tree.Files {
			if !strings.HasSuffix(file.Path, ".go") {
				continue
			}
			if formatted, err := format.Source(file.Data); err != nil || !bytes.Equal(formatted, file.Data) {
				t.Fatalf("%s=%q: %s is not gofmt-clean Go: %v", key, value, file.Path, err)
			}
			w, ok := want[strings.ReplaceAll(file.Path, "/"+a.Name+"/", "/refsvc/")]
			if !ok {
				t.Fatalf("%s=%q: unexpected file %s", key, value, file.Path)
			}
			// The service name, a validated [a-z][a-z0-9-]* word, may stand
			// in comments ("Command orders runs ...").
			w = slices.Clone(w)
			for i, item := range w {
				if strings.HasPrefix(item, "COMMENT ") {
					w[i] = strings.ReplaceAll(item, "refsvc", a.Name)
				}
			}
			if got := shape(t, file.Path, file.Data); !slices.Equal(got, w) {
				t.Fatalf("%s=%q changes the code of %s outside string literals", key, value, file.Path)
			}
		}
	})
}

// benign returns a harmless value of the same kind as a's answer for key.
func benign(key string, a spec.Answers) string {
	switch key {
	case "cors.origins":
		switch {
		case len(a.CORS.Origins) == 0:
			return ""
		case a.CORS.Origins[0] == "*":
			return "*"
		}
		return "https://ref.example"
	case "rate_limit":
		if a.RateLimit.Limit == "off" {
			return "off"
		}
	case "trusted_proxies":
		if len(a.TrustedProxies) == 0 {
			return ""
		}
	}
	return reference[key]
}
