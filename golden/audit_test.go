package golden

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// auditEnv makes a started service log at info, where its security events
// are (startService's default, LOG_LEVEL=error, would hide them).
var auditEnv = []string{"LOG_LEVEL=info"}

// requestIDPattern is an id the service made: 128 random bits in hex.
var requestIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// checkAuditTrail reads the log of a service that the probe,
// checkAuthorization (auth other than none) and, for session auth,
// checkSessions have just exercised: every line is JSON;
// every access-log line and security event carries a request id the
// service made and the loopback client; the events the probe must have
// caused are there; and nothing in the log is a credential the tests sent.
func checkAuditTrail(t *testing.T, logs, auth string, secrets ...string) {
	t.Helper()
	seen := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var l map[string]any
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Errorf("log line is not JSON: %s", line)
			continue
		}
		switch l["msg"] {
		case "request", "security event":
			id, _ := l["request_id"].(string)
			if !requestIDPattern.MatchString(id) {
				t.Errorf("request_id %q, want one the service made: %s", id, line)
			}
			if l["client"] != "127.0.0.1" {
				t.Errorf("client %v, want 127.0.0.1: %s", l["client"], line)
			}
			if ev, ok := l["event"].(string); ok && l["msg"] == "security event" {
				seen[ev]++
				if l["level"] != "INFO" {
					t.Errorf("security event at %v, want INFO: %s", l["level"], line)
				}
			}
		}
	}
	want := []string{"rate_limited"} // the probe spends the quota of /api/
	switch auth {
	case "jwt", "apikey":
		want = append(want, "credentials_rejected") // the probe's several-credentials checks
	case "session":
		want = append(want, "registration", "login_succeeded", "login_failed", "logout", "csrf_refused")
	case "oidc":
		want = append(want, "login_succeeded") // checkAuthorization's sign-ins
	}
	if auth != "none" {
		want = append(want, "access_denied") // checkAuthorization's admin route as a plain caller
	}
	for _, ev := range want {
		if seen[ev] == 0 {
			t.Errorf("no %s security event in the log; events seen: %v", ev, seen)
		}
	}
	if n := seen["rate_limited"]; n > 20 {
		t.Errorf("%d rate_limited lines: they are sampled, at most one a second", n)
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(logs, s) {
			t.Errorf("the log holds a credential the test sent (%.12s...)", s)
		}
	}
}
