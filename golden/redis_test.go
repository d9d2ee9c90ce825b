package golden

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/securegen/securegen/generator/render"
)

// redisServerPath returns the redis-server binary. Without one the test is
// skipped, except under CI, where .ci/run installs it.
func redisServerPath(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("redis-server")
	if err == nil {
		return path
	}
	if os.Getenv("CI") != "" {
		t.Fatal("redis-server is not installed; .ci/run installs it (apt-get install -y redis-server)")
	}
	t.Skip("needs redis-server: apt-get install -y redis-server (or put one on PATH), then go test ./golden -run Redis")
	return ""
}

// redisServer is a redis-server started by a test on a loopback port,
// keeping nothing on disk.
type redisServer struct {
	path, addr, dir string
	cmd             *exec.Cmd
	done            chan error
	logs            *strings.Builder
}

// startRedis starts redis-server on addr ("" for a free port) and waits
// until it answers PING.
func startRedis(t *testing.T, path, addr string) *redisServer {
	t.Helper()
	r := &redisServer{path: path, addr: addr, dir: t.TempDir()}
	if r.addr == "" {
		r.addr = freeAddr(t)
	}
	r.start(t)
	t.Cleanup(func() { r.stop(t) })
	return r
}

func (r *redisServer) start(t *testing.T) {
	t.Helper()
	_, port, _ := net.SplitHostPort(r.addr)
	r.cmd = exec.Command(r.path, "--bind", "127.0.0.1", "--port", port, "--save", "", "--appendonly", "no",
		"--dir", r.dir, "--daemonize", "no")
	r.logs = &strings.Builder{}
	r.cmd.Stdout, r.cmd.Stderr = r.logs, r.logs
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r.done = make(chan error, 1)
	go func() { r.done <- r.cmd.Wait() }()
	deadline := time.Now().Add(10 * time.Second)
	for !redisAnswers(r.addr) {
		select {
		case err := <-r.done:
			t.Fatalf("redis-server exited: %v\n%s", err, r.logs)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server not answering on %s after 10s\n%s", r.addr, r.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop stops redis-server with SIGTERM and waits for it to exit.
func (r *redisServer) stop(t *testing.T) {
	t.Helper()
	if r.cmd == nil {
		return
	}
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.done:
	case <-time.After(10 * time.Second):
		_ = r.cmd.Process.Kill()
		<-r.done
	}
	r.cmd = nil
}

// redisAnswers reports whether a Redis on addr answers PING.
func redisAnswers(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := io.WriteString(c, "PING\r\n"); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && line == "+PONG\r\n"
}

// answer is what the test saw of one response.
type answer struct {
	status int
	header http.Header
	body   string
}

func get(t *testing.T, url string, header ...string) answer {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range header {
		name, value, _ := strings.Cut(h, ": ")
		req.Header.Add(name, value)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header, strings.TrimSpace(string(body))}
}

// readiness is the body of a redis-store service's /readyz.
type readiness struct {
	Status         string `json:"status"`
	RateLimitStore struct {
		Reachable bool   `json:"reachable"`
		Failures  uint64 `json:"failures"`
	} `json:"rate_limit_store"`
}

func ready(t *testing.T, url string) (int, readiness) {
	t.Helper()
	a := get(t, url+"/readyz")
	var r readiness
	if err := json.Unmarshal([]byte(a.body), &r); err != nil {
		t.Fatalf("GET %s/readyz: %d %q: %v", url, a.status, a.body, err)
	}
	return a.status, r
}

// spend sends a client's quota of 10 requests, alternately to each
// instance, and checks that all pass, counting down; then the 11th is
// refused on every instance.
func spend(t *testing.T, instances []*service, client ...string) {
	t.Helper()
	for i := range 10 {
		s := instances[i%len(instances)]
		a := get(t, s.url+"/api/hello", client...)
		if a.status != http.StatusOK {
			t.Fatalf("%v request %d on %s: %d %s, want 200", client, i+1, s.addr, a.status, a.body)
		}
		if p, l, r := a.header.Get("RateLimit-Policy"), a.header.Get("RateLimit-Limit"), a.header.Get("RateLimit-Remaining"); p != "10;w=60" || l != "10" || r != strconv.Itoa(9-i) {
			t.Errorf("%v request %d: RateLimit-Policy %q, -Limit %q, -Remaining %q; want 10;w=60, 10, %d", client, i+1, p, l, r, 9-i)
		}
	}
	for _, s := range instances {
		a := get(t, s.url+"/api/hello", client...)
		if a.status != http.StatusTooManyRequests || a.body != `{"error":"too many requests"}` {
			t.Fatalf("%v request 11 on %s: %d %s, want 429", client, s.addr, a.status, a.body)
		}
		ra, _ := strconv.Atoi(a.header.Get("Retry-After"))
		reset, _ := strconv.Atoi(a.header.Get("RateLimit-Reset"))
		if a.header.Get("RateLimit-Limit") != "10" || a.header.Get("RateLimit-Remaining") != "0" || ra < 1 || ra > 6 || reset < 1 || reset > 60 {
			t.Errorf("%v request 11 on %s: RateLimit-Limit %q, -Remaining %q, -Reset %q, Retry-After %q; want 10, 0, 1-60, 1-6",
				client, s.addr, a.header.Get("RateLimit-Limit"), a.header.Get("RateLimit-Remaining"), a.header.Get("RateLimit-Reset"), a.header.Get("Retry-After"))
		}
	}
}

// Generated with --rate-limit-store redis, in every framework: the
// project's own tests pass against a real Redis; two instances against one
// redis-server grant each client the quota once; with Redis stopped the
// failure policy holds and /readyz says not ready; when Redis returns,
// limiting resumes.
func TestRedisStoreAcrossInstances(t *testing.T) {
	bin := endToEnd(t, "generates services and runs them against redis-server")
	redisPath := redisServerPath(t)
	for _, fw := range render.Supported["framework"] {
		t.Run(fw, func(t *testing.T) {
			redis := startRedis(t, redisPath, "")
			work := t.TempDir()
			run(t, work, bin, "new", "svc", "--module", "example.com/svc", "--yes", "--framework", fw,
				"--rate-limit-store", "redis", "--rate-limit", "10/1m", "--preset", "spa-backend") // sessions in Redis too
			dir := filepath.Join(work, "svc")
			redisURL := "REDIS_URL=redis://" + redis.addr + "/0"

			// The project's own tests, those of the Redis store included:
			// with CI set they fail rather than skip without a Redis.
			cmd := exec.Command("go", "test", "-count=1", "./...")
			cmd.Dir, cmd.Env = dir, append(os.Environ(), redisURL, "CI=true")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("go test in the generated project: %v\n%s", err, out)
			}

			env := []string{redisURL, "TRUSTED_PROXIES=127.0.0.1/32"}
			open := launch(t, dir, "svc", append(env, "RATE_LIMIT_FAILURE=open"))
			closed := launch(t, dir, "svc", append(env, "RATE_LIMIT_FAILURE=closed"))
			both := []*service{open, closed}

			// Two instances, one budget per client.
			spend(t, both)
			second := "X-Forwarded-For: 198.51.100.7"
			for i, s := range both {
				a := get(t, s.url+"/api/hello", second)
				if want := strconv.Itoa(9 - i); a.status != http.StatusOK || a.header.Get("RateLimit-Remaining") != want {
					t.Errorf("second client on %s: %d, remaining %q; want 200, %s", s.addr, a.status, a.header.Get("RateLimit-Remaining"), want)
				}
			}
			for _, s := range both {
				if status, r := ready(t, s.url); status != http.StatusOK || r.Status != "ready" || !r.RateLimitStore.Reachable {
					t.Errorf("/readyz on %s with Redis up: %d %+v", s.addr, status, r)
				}
			}

			// Redis stops: open serves without a limit, closed answers 503;
			// both say not ready.
			redis.stop(t)
			for range 3 {
				a := get(t, open.url+"/api/hello") // this client's budget is spent
				if a.status != http.StatusOK || a.header.Get("RateLimit-Limit") != "" {
					t.Errorf("fail open, Redis down: %d %s (RateLimit-Limit %q), want 200 without fields", a.status, a.body, a.header.Get("RateLimit-Limit"))
				}
				a = get(t, closed.url+"/api/hello", second)
				if a.status != http.StatusServiceUnavailable || !strings.HasPrefix(a.body, `{"error":"service unavailable"`) {
					t.Errorf("fail closed, Redis down: %d %s, want 503", a.status, a.body)
				}
			}
			if a := get(t, closed.url+"/healthz"); a.status != http.StatusOK {
				t.Errorf("fail closed, Redis down: /healthz %d, want 200 (not rate limited)", a.status)
			}
			for _, s := range both {
				status, r := ready(t, s.url)
				if status != http.StatusServiceUnavailable || r.Status != "not ready" || r.RateLimitStore.Reachable || r.RateLimitStore.Failures < 3 {
					t.Errorf("/readyz on %s with Redis down: %d %+v, want 503, not ready, at least 3 failures", s.addr, status, r)
				}
			}

			// Redis returns on the same port, empty: ready again, and
			// limiting resumes.
			redis.start(t)
			for _, s := range both {
				deadline := time.Now().Add(15 * time.Second)
				for {
					status, r := ready(t, s.url)
					if status == http.StatusOK && r.RateLimitStore.Reachable {
						break
					}
					if time.Now().After(deadline) {
						t.Fatalf("/readyz on %s still %d %+v 15s after Redis returned", s.addr, status, r)
					}
					time.Sleep(100 * time.Millisecond)
				}
			}
			spend(t, both, "X-Forwarded-For: 198.51.100.9")

			for _, s := range both {
				if err := s.stop(); err != nil {
					t.Errorf("instance %s after SIGTERM: %v, want exit status 0", s.addr, err)
				}
			}
			t.Logf("%s: 2 instances, one quota; Redis down: open 200, closed 503, /readyz 503; Redis back: limiting resumed", fw)
		})
	}
}
