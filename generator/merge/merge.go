// Package merge is the three-way merge of one text file, as regen uses it:
// base is the content securegen generated last time, ours the file on disk
// (with the user's edits), theirs the content securegen generates now.
//
// Changes made on one side only are taken; identical changes on both sides
// are taken once; different changes to the same lines are a conflict,
// written with the usual markers:
//
//	<<<<<<< LABEL_OURS
//	the user's lines
//	=======
//	the generator's lines
//	>>>>>>> LABEL_THEIRS
package merge

import (
	"bytes"
	"strings"
)

// Result is the outcome of a merge.
type Result struct {
	Data      []byte // merged content, with conflict markers if Conflicts > 0
	Conflicts int    // number of conflicting regions
}

// ThreeWay merges ours and theirs, both derived from base. Labels name the
// two sides in conflict markers.
func ThreeWay(base, ours, theirs []byte, oursLabel, theirsLabel string) Result {
	b, o, t := lines(base), lines(ours), lines(theirs)
	mo, mt := match(b, o), match(b, t)

	var out bytes.Buffer
	conflicts := 0
	emit := func(ls []string) {
		for _, l := range ls {
			out.WriteString(l)
		}
	}
	i, j, k := 0, 0, 0
	for {
		// The next base line that is unchanged in both ours and theirs.
		n := i
		for n < len(b) && (mo[n] < 0 || mt[n] < 0) {
			n++
		}
		if n == i && n < len(b) && mo[n] == j && mt[n] == k {
			emit(b[i : i+1])
			i, j, k = i+1, j+1, k+1
			continue
		}
		// An unstable chunk: base[i:n], ours[j:oe], theirs[k:te].
		oe, te := len(o), len(t)
		if n < len(b) {
			oe, te = mo[n], mt[n]
		}
		bc, oc, tc := b[i:n], o[j:oe], t[k:te]
		switch {
		case equal(oc, bc):
			emit(tc)
		case equal(tc, bc), equal(oc, tc):
			emit(oc)
		default:
			conflicts++
			out.WriteString("<<<<<<< " + oursLabel + "\n")
			emitTerminated(&out, oc)
			out.WriteString("=======\n")
			emitTerminated(&out, tc)
			out.WriteString(">>>>>>> " + theirsLabel + "\n")
		}
		if n == len(b) {
			break
		}
		i, j, k = n, oe, te
	}
	return Result{Data: out.Bytes(), Conflicts: conflicts}
}

// emitTerminated writes lines, ending the last with a newline so that a
// conflict marker always starts a line.
func emitTerminated(out *bytes.Buffer, ls []string) {
	for _, l := range ls {
		out.WriteString(l)
	}
	if len(ls) > 0 && !strings.HasSuffix(ls[len(ls)-1], "\n") {
		out.WriteByte('\n')
	}
}

// lines splits data into lines that keep their newline.
func lines(data []byte) []string {
	s := string(data)
	var out []string
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// match returns, for each line of a, the index of the line of b it is
// matched with in a longest common subsequence, or -1.
func match(a, b []string) []int {
	m := make([]int, len(a))
	for i := range m {
		m[i] = -1
	}
	// Common prefix and suffix first: most edits are small.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		m[pre] = pre
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		m[len(a)-1-suf] = len(b) - 1 - suf
		suf++
	}
	a2, b2 := a[pre:len(a)-suf], b[pre:len(b)-suf]
	// Dynamic programming over the middle: lcs[x][y] is the LCS length of
	// a2[x:] and b2[y:].
	w := len(b2) + 1
	lcs := make([]int32, (len(a2)+1)*w)
	for x := len(a2) - 1; x >= 0; x-- {
		for y := len(b2) - 1; y >= 0; y-- {
			if a2[x] == b2[y] {
				lcs[x*w+y] = lcs[(x+1)*w+y+1] + 1
			} else {
				lcs[x*w+y] = max(lcs[(x+1)*w+y], lcs[x*w+y+1])
			}
		}
	}
	for x, y := 0, 0; x < len(a2) && y < len(b2); {
		switch {
		case a2[x] == b2[y]:
			m[pre+x] = pre + y
			x, y = x+1, y+1
		case lcs[(x+1)*w+y] >= lcs[x*w+y+1]:
			x++
		default:
			y++
		}
	}
	return m
}
