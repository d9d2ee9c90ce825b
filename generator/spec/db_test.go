package spec

import (
	"strings"
	"testing"
)

func TestDBDefaultFollowsAuth(t *testing.T) {
	for _, c := range []struct {
		values Values
		want   string
	}{
		{Values{"preset": "spa-backend"}, "sqlite"},
		{Values{"preset": "spa-backend", "db": "postgres"}, "postgres"},
		{Values{"preset": "spa-backend", "db": "none"}, "none"},
		{Values{"preset": "spa-backend", "auth": "jwt"}, "none"}, // the preset's sqlite needs a stateful auth
		{Values{"preset": "api"}, "none"},
		{Values{"preset": "api", "auth": "session"}, "sqlite"},
		{Values{"preset": "api", "auth": "oidc"}, "sqlite"},
		{Values{"preset": "internal"}, "none"},
	} {
		c.values["module"] = "example.com/svc"
		a, err := Resolve([]Layer{{Source: "flags", Values: c.values}})
		if err != nil {
			t.Errorf("%v: %v", c.values, err)
			continue
		}
		if a.DB != c.want {
			t.Errorf("%v: db %q, want %q", c.values, a.DB, c.want)
		}
	}
}

func TestDBRefusedWithoutState(t *testing.T) {
	_, err := Resolve([]Layer{{Source: "flags", Values: Values{"module": "example.com/svc", "auth": "none", "db": "postgres"}}})
	if err == nil || !strings.Contains(err.Error(), `db: "postgres" keeps accounts, sessions and notes`) || !strings.Contains(err.Error(), "use db none with auth none") {
		t.Errorf("auth none with db postgres: %v", err)
	}
	for _, auth := range []string{"apikey", "jwt"} {
		a, err := Resolve([]Layer{{Source: "flags", Values: Values{"module": "example.com/svc", "auth": auth, "db": "postgres"}}})
		if err != nil || a.DB != "postgres" {
			t.Errorf("auth %s with db postgres (keeps its notes): %v, db %q", auth, err, a.DB)
		}
	}
	_, err = Resolve([]Layer{{Values: Values{"module": "example.com/svc", "db": "mysql"}}})
	if err == nil || err.Error() != `db: "mysql" is not accepted; use one of: none, sqlite, postgres` {
		t.Errorf("db mysql: %v", err)
	}
}
