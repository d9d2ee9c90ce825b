package merge

import (
	"fmt"
	"strings"
)

// Unified returns a unified diff from old to new with three lines of
// context, or "" when they are equal.
func Unified(oldName, newName string, oldData, newData []byte) string {
	a, b := lines(oldData), lines(newData)
	m := match(a, b)
	// ops: ' ' keep, '-' delete, '+' insert, in order.
	type op struct {
		kind byte
		text string
		ai   int // line index in a (for ' ' and '-')
		bi   int // line index in b (for ' ' and '+')
	}
	var ops []op
	j := 0
	for i := range a {
		if m[i] < 0 {
			ops = append(ops, op{'-', a[i], i, j})
			continue
		}
		for ; j < m[i]; j++ {
			ops = append(ops, op{'+', b[j], i, j})
		}
		ops = append(ops, op{' ', a[i], i, j})
		j++
	}
	for ; j < len(b); j++ {
		ops = append(ops, op{'+', b[j], len(a), j})
	}

	const context = 3
	var out strings.Builder
	for start := 0; start < len(ops); {
		// Find the next change.
		for start < len(ops) && ops[start].kind == ' ' {
			start++
		}
		if start == len(ops) {
			break
		}
		// Extend the hunk while changes are within 2*context of each other.
		end := start
		for k := start; k < len(ops); k++ {
			if ops[k].kind != ' ' {
				end = k + 1
			} else if k-end >= 2*context {
				break
			}
		}
		lo, hi := max(start-context, 0), min(end+context, len(ops))
		if out.Len() == 0 {
			fmt.Fprintf(&out, "--- %s\n+++ %s\n", oldName, newName)
		}
		na, nb := 0, 0
		for _, o := range ops[lo:hi] {
			if o.kind != '+' {
				na++
			}
			if o.kind != '-' {
				nb++
			}
		}
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", hunkRange(ops[lo].ai, na), hunkRange(ops[lo].bi, nb))
		for _, o := range ops[lo:hi] {
			out.WriteByte(o.kind)
			out.WriteString(o.text)
			if !strings.HasSuffix(o.text, "\n") {
				out.WriteString("\n\\ No newline at end of file\n")
			}
		}
		start = hi
	}
	return out.String()
}

func hunkRange(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	if n == 1 {
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}
