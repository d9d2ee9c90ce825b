package project

import (
	"bufio"
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/securegen/securegen/generator/spec"
)

// PosturePath is the generated file that records the service's answers to
// a fixed set of requests: its security posture as a client sees it.
const PosturePath = "internal/server/testdata/posture.golden"

// SecurityChange is one change in a project's security posture that a
// regeneration makes.
type SecurityChange struct {
	Change string `json:"change"` // e.g. "rate limit 100/15m -> 60/1m"
	Weaker bool   `json:"weaker"` // the change loosens a control
	Asked  bool   `json:"asked"`  // the user asked for it (--set), rather than the upgrade bringing it
}

// Marked reports whether c should be listed first and marked: it weakens a
// control the user did not ask to change.
func (c SecurityChange) Marked() bool { return c.Weaker && !c.Asked }

// SecurityChanges summarises what a regeneration changes in the security
// posture, marked changes first:
//
//   - from the answers recorded (was) to the answers regen renders (now),
//     which differ by what --set asked for;
//   - from the posture securegen generated last (oldPosture, the base copy
//     of PosturePath) to the posture this securegen renders for the
//     recorded answers (newPosture): what the upgrade itself changes, or,
//     when upgrade is false (same securegen), what editing securegen.yaml
//     by hand asked for.
//
// A nil posture skips the second part.
func SecurityChanges(was, now spec.Answers, oldPosture, newPosture []byte, upgrade bool) []SecurityChange {
	out := answerChanges(was, now)
	if oldPosture != nil && newPosture != nil {
		for _, c := range postureChanges(parsePosture(oldPosture), parsePosture(newPosture)) {
			c.Asked = !upgrade
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b SecurityChange) int {
		switch {
		case a.Marked() == b.Marked():
			return 0
		case a.Marked():
			return -1
		}
		return 1
	})
	return out
}

// answerLabels names the answers that make up the security posture, in
// the order changes are listed.
var answerLabels = []struct{ key, label string }{
	{"auth", "auth"},
	{"cors.origins", "CORS origins"},
	{"cors.credentials", "CORS credentials"},
	{"cors.allow_http", "CORS plain-http origins"},
	{"rate_limit", "rate limit"},
	{"rate_limit.scope", "rate limit scope"},
	{"rate_limit.store", "rate limit store"},
	{"tls", "TLS"},
	{"trusted_proxies", "trusted proxies"},
	{"body_limit", "body limit"},
	{"db", "database"},
}

func answerChanges(was, now spec.Answers) []SecurityChange {
	var out []SecurityChange
	for _, l := range answerLabels {
		k, ok := spec.Lookup(l.key)
		if !ok {
			continue
		}
		a, b := k.Get(&was), k.Get(&now)
		if a == b {
			continue
		}
		if k.Kind == spec.List {
			added, removed := listDiff(splitComma(a), splitComma(b))
			out = append(out, SecurityChange{Change: l.label + " " + plusMinus(added, removed), Weaker: len(added) > 0, Asked: true})
			continue
		}
		out = append(out, SecurityChange{Change: l.label + " " + orNone(a) + " -> " + orNone(b), Weaker: weakerAnswer(l.key, a, b), Asked: true})
	}
	return out
}

// weakerAnswer reports whether changing the answer key from a to b loosens
// the control behind it.
func weakerAnswer(key, a, b string) bool {
	switch key {
	case "cors.credentials", "cors.allow_http":
		return b == "true"
	case "auth":
		return b == "none"
	case "tls":
		return b == "off"
	case "rate_limit":
		return b == "off" || a != "off" && perSecond(b) > perSecond(a)
	case "rate_limit.scope":
		return !strings.HasPrefix(a, b) // b no longer covers every path a did
	case "body_limit":
		x, errA := spec.ParseSize(a)
		y, errB := spec.ParseSize(b)
		return errA == nil && errB == nil && y > x
	}
	return false
}

func perSecond(limit string) float64 {
	n, w, err := spec.LimitParts(limit)
	if err != nil || w <= 0 {
		return 0
	}
	return float64(n) / w.Seconds()
}

// posture is a parsed posture golden file: the headers on every response,
// and each request with its response.
type posture struct {
	common map[string]string
	order  []string // header names in file order
	cases  []postureCase
}

type postureCase struct {
	title   string
	request []string // the request's lines
	status  string
	headers map[string]string
	order   []string
	body    string
}

func (c *postureCase) key() string { return c.title + "\n" + strings.Join(c.request, "\n") }

// name is how a change in the case is reported: its title and request line
// (and Origin, which tells the CORS cases apart).
func (c *postureCase) name() string {
	s := c.title
	if len(c.request) > 0 {
		s += " (" + c.request[0]
		for _, l := range c.request[1:] {
			if strings.HasPrefix(l, "Origin: ") {
				s += ", " + l
			}
		}
		s += ")"
	}
	return s
}

func parsePosture(data []byte) *posture {
	p := &posture{common: map[string]string{}}
	var c *postureCase
	phase := 0 // 0 common headers, 1 request, 2 response headers, 3 body
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "=== "):
			p.cases = append(p.cases, postureCase{title: strings.TrimPrefix(line, "=== "), headers: map[string]string{}})
			c, phase = &p.cases[len(p.cases)-1], 1
		case phase == 0:
			if name, v, ok := strings.Cut(line, ": "); ok && !strings.HasPrefix(line, "#") {
				p.common[name] = v
				p.order = append(p.order, name)
			}
		case phase == 1 && strings.HasPrefix(line, "--- "):
			c.status, phase = strings.TrimPrefix(line, "--- "), 2
		case phase == 1:
			if line != "" {
				c.request = append(c.request, line)
			}
		case phase == 2 && line == "":
			phase = 3
		case phase == 2:
			if name, v, ok := strings.Cut(line, ": "); ok {
				c.headers[name] = v
				c.order = append(c.order, name)
			}
		case phase == 3 && line != "":
			c.body += line
		}
	}
	return p
}

func postureChanges(old, new *posture) []SecurityChange {
	out := headerChanges("", old.common, old.order, new.common, new.order)
	oldCases := map[string]*postureCase{}
	for i := range old.cases {
		oldCases[old.cases[i].key()] = &old.cases[i]
	}
	seen := map[string]bool{}
	for i := range new.cases {
		n := &new.cases[i]
		seen[n.key()] = true
		o, ok := oldCases[n.key()]
		if !ok {
			out = append(out, SecurityChange{Change: "new check " + n.name() + ": " + n.status})
			continue
		}
		if o.status != n.status {
			out = append(out, SecurityChange{Change: n.name() + ": " + o.status + " -> " + n.status, Weaker: refused(o.status) && !refused(n.status)})
		}
		out = append(out, headerChanges(n.name()+": ", o.headers, o.order, n.headers, n.order)...)
		if o.body != n.body {
			out = append(out, SecurityChange{Change: n.name() + ": body " + clip(o.body) + " -> " + clip(n.body)})
		}
	}
	for i := range old.cases {
		if o := &old.cases[i]; !seen[o.key()] {
			out = append(out, SecurityChange{Change: "check removed: " + o.name(), Weaker: true})
		}
	}
	return out
}

// refused reports whether an HTTP status line is a 4xx or 5xx answer.
func refused(status string) bool {
	code, _ := strconv.Atoi(strings.SplitN(status, " ", 2)[0])
	return code >= 400
}

func headerChanges(prefix string, old map[string]string, oldOrder []string, new map[string]string, newOrder []string) []SecurityChange {
	var out []SecurityChange
	for _, name := range newOrder {
		o, had := old[name]
		n := new[name]
		switch {
		case !had:
			out = append(out, SecurityChange{Change: prefix + "+ " + name + ": " + n, Weaker: weakerAdded(name)})
		case o != n:
			out = append(out, headerChange(prefix, name, o, n))
		}
	}
	for _, name := range oldOrder {
		if _, ok := new[name]; !ok {
			out = append(out, SecurityChange{Change: prefix + "- " + name + ": " + old[name], Weaker: !weakerAdded(name)})
		}
	}
	return out
}

// weakerAdded reports whether a header's appearance loosens a control:
// CORS grants do; every other header the posture records is a protection.
func weakerAdded(name string) bool {
	return strings.HasPrefix(name, "Access-Control-Allow-") || name == "Access-Control-Expose-Headers"
}

func headerChange(prefix, name, o, n string) SecurityChange {
	switch name {
	case "Strict-Transport-Security":
		return hstsChange(prefix, o, n)
	case "X-Frame-Options":
		return SecurityChange{Change: prefix + name + " " + o + " -> " + n, Weaker: o == "DENY"}
	case "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Expose-Headers":
		added, removed := listDiff(splitComma(o), splitComma(n))
		return SecurityChange{Change: prefix + name + " " + plusMinus(added, removed), Weaker: len(added) > 0}
	case "Access-Control-Max-Age", "Ratelimit-Limit", "Ratelimit-Policy":
		a, _ := strconv.Atoi(strings.SplitN(o, ";", 2)[0])
		b, _ := strconv.Atoi(strings.SplitN(n, ";", 2)[0])
		return SecurityChange{Change: prefix + name + " " + o + " -> " + n, Weaker: b > a}
	}
	return SecurityChange{Change: prefix + name + ": " + strconv.Quote(o) + " -> " + strconv.Quote(n), Weaker: name == "Access-Control-Allow-Origin"}
}

// hstsChange reports a Strict-Transport-Security change directive by
// directive: max-age 31536000 -> 63072000, + includeSubDomains.
func hstsChange(prefix, o, n string) SecurityChange {
	od, nd := directives(o), directives(n)
	var parts []string
	weaker := false
	oa, _ := strconv.Atoi(od["max-age"])
	na, _ := strconv.Atoi(nd["max-age"])
	if od["max-age"] != nd["max-age"] {
		parts = append(parts, "max-age "+orNone(od["max-age"])+" -> "+orNone(nd["max-age"]))
		weaker = na < oa
	}
	for _, d := range []string{"includesubdomains", "preload"} {
		_, had := od[d]
		_, has := nd[d]
		switch {
		case had && !has:
			parts, weaker = append(parts, "- "+od["name:"+d]), true
		case has && !had:
			parts = append(parts, "+ "+nd["name:"+d])
		}
	}
	if len(parts) == 0 {
		return SecurityChange{Change: prefix + "Strict-Transport-Security: " + strconv.Quote(o) + " -> " + strconv.Quote(n)}
	}
	return SecurityChange{Change: prefix + "HSTS " + strings.Join(parts, ", "), Weaker: weaker}
}

// directives parses "max-age=600; includeSubDomains" by lower-case name;
// "name:"+d keeps each directive's spelling.
func directives(v string) map[string]string {
	m := map[string]string{}
	for _, d := range strings.Split(v, ";") {
		name, val, _ := strings.Cut(strings.TrimSpace(d), "=")
		if name == "" {
			continue
		}
		m[strings.ToLower(name)] = val
		m["name:"+strings.ToLower(name)] = name
	}
	return m
}

func splitComma(s string) []string {
	var out []string
	for _, e := range strings.Split(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

func listDiff(a, b []string) (added, removed []string) {
	for _, e := range b {
		if !slices.Contains(a, e) {
			added = append(added, e)
		}
	}
	for _, e := range a {
		if !slices.Contains(b, e) {
			removed = append(removed, e)
		}
	}
	return added, removed
}

func plusMinus(added, removed []string) string {
	var parts []string
	for _, e := range added {
		parts = append(parts, "+ "+e)
	}
	for _, e := range removed {
		parts = append(parts, "- "+e)
	}
	return strings.Join(parts, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// clip shortens a response body for a one-line summary.
func clip(s string) string {
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return fmt.Sprintf("%q", s)
}
