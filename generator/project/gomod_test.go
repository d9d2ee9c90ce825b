package project

import (
	"strings"
	"testing"
)

// A requirement go mod tidy dropped is not added back unless the render
// asks for a newer version than last time or for a new module.
func TestRaiseGoModKeepsWhatTidyDropped(t *testing.T) {
	const ours = "module example.com/svc\n\ngo 1.26.0\n\nrequire example.com/a v1.0.0\n"
	base := []byte("module example.com/svc\n\ngo 1.26.0\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/dropped v1.2.0\n)\n")
	for _, c := range []struct {
		name, theirs string
		base         []byte
		want         bool // example.com/dropped in the result
	}{
		{"dropped by tidy, same pin", "require (\n\texample.com/a v1.0.0\n\texample.com/dropped v1.2.0\n)\n", base, false},
		{"pin raised", "require (\n\texample.com/a v1.0.0\n\texample.com/dropped v1.3.0\n)\n", base, true},
		{"no base", "require (\n\texample.com/a v1.0.0\n\texample.com/dropped v1.2.0\n)\n", nil, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := RaiseGoMod([]byte(ours), []byte("module example.com/svc\n\ngo 1.26.0\n\n"+c.theirs), c.base)
			if err != nil {
				t.Fatal(err)
			}
			if has := strings.Contains(string(got), "example.com/dropped"); has != c.want {
				t.Errorf("example.com/dropped in the result: %v, want %v:\n%s", has, c.want, got)
			}
		})
	}
}
