package probe

import (
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Status is the outcome of one check.
type Status string

// Outcomes of a check.
const (
	Pass Status = "pass"
	Fail Status = "fail"
	Skip Status = "skip" // not run; Got says why
)

// Result is the outcome of one check.
type Result struct {
	// Name identifies the check, e.g. "headers/404" or
	// "cors/vary[https://evil.example]"; it is stable across runs.
	Name   string `json:"name"`
	Status Status `json:"status"`
	// Request is the request the check judged, e.g. "GET /api/hello".
	Request string `json:"request,omitempty"`
	// Want is what the baseline expects; Got is what was seen instead (for
	// a failure) or why the check did not run (for a skip).
	Want string `json:"want,omitempty"`
	Got  string `json:"got,omitempty"`
}

// Report is the outcome of one probe run.
type Report struct {
	URL     string   `json:"url"`
	Checks  []Result `json:"checks"`
	Passed  int      `json:"passed"`
	Failed  int      `json:"failed"`
	Skipped int      `json:"skipped"`
}

// OK reports whether no check failed.
func (r *Report) OK() bool { return r.Failed == 0 }

// Failures returns the names of the failed checks, in order.
func (r *Report) Failures() []string {
	var names []string
	for _, c := range r.Checks {
		if c.Status == Fail {
			names = append(names, c.Name)
		}
	}
	return names
}

// Result returns the check named name and whether there is one.
func (r *Report) Result(name string) (Result, bool) {
	for _, c := range r.Checks {
		if c.Name == name {
			return c, true
		}
	}
	return Result{}, false
}

// WriteText writes the report for a reader: one line per check, then the
// summary line "N passed, M failed, K skipped".
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "probe %s\n", r.URL)
	for _, c := range r.Checks {
		b.WriteString(strings.ToUpper(string(c.Status)))
		b.WriteString("  ")
		b.WriteString(c.Name)
		if c.Request != "" {
			b.WriteString(" (" + c.Request + ")")
		}
		switch c.Status {
		case Fail:
			fmt.Fprintf(&b, ": want %s; got %s", c.Want, c.Got)
		case Skip:
			b.WriteString(": " + c.Got)
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "%d passed, %d failed, %d skipped\n", r.Passed, r.Failed, r.Skipped)
	_, err := io.WriteString(w, b.String())
	return err
}

func (r *Report) count() {
	r.Passed, r.Failed, r.Skipped = 0, 0, 0
	for _, c := range r.Checks {
		switch c.Status {
		case Pass:
			r.Passed++
		case Fail:
			r.Failed++
		case Skip:
			r.Skipped++
		}
	}
}

// check records the check name on res: it passes when there are no
// problems, and fails when there are, or when the request itself failed.
func (p *prober) check(name string, res *response, want string, problems []string) {
	c := Result{Name: name, Status: Pass, Request: res.req.String(), Want: want}
	switch {
	case res.err != nil:
		c.Status, c.Got = Fail, "request failed: "+res.err.Error()
	case res.status == http.StatusTooManyRequests && !p.limiting && !strings.HasPrefix(name, "ratelimit/"):
		c.Status, c.Got = Skip, "rate limited before this check could run: the service's quota is smaller than the probe's requests; wait for RateLimit-Reset or probe with a larger RATE_LIMIT"
	case len(problems) > 0:
		c.Status, c.Got = Fail, strings.Join(problems, "; ")
	}
	p.report.Checks = append(p.report.Checks, c)
}

// skip records the check name as not run, for reason.
func (p *prober) skip(name, reason string) {
	p.report.Checks = append(p.report.Checks, Result{Name: name, Status: Skip, Got: reason})
}
