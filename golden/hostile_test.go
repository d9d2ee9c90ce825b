package golden

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/securegen/securegen/generator/render"
)

// rss returns the resident memory of pid in KiB.
func rss(t *testing.T, pid int) int {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			n, _ := strconv.Atoi(f[1])
			return n
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// fds returns the number of open file descriptors of pid.
func fds(t *testing.T, pid int) int {
	t.Helper()
	entries, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// Each framework's service holds under hostile input, faults and load:
// slow headers are cut off, oversized headers get 431, oversized bodies 413
// without being read (a Go client streaming one reads its 413), deeply
// nested JSON is refused without exhausting memory, a flood of client
// addresses keeps the limiter's memory bounded, a short burst at
// saturation yields only 2xx and 429 and leaves no connections behind, and
// SIGTERM makes /readyz answer 503 at once while the service still serves
// for SHUTDOWN_DELAY, then lets an in-flight request finish while refusing
// new connections, and exits 0; a second signal exits at once, non-zero.
func TestGeneratedServiceUnderHostileInput(t *testing.T) {
	bin := endToEnd(t, "builds and attacks a generated service per framework")
	for _, fw := range render.Supported["framework"] {
		t.Run(fw, func(t *testing.T) {
			work := t.TempDir()
			run(t, work, bin, "new", "svc", "--module", "example.com/svc", "--framework", fw, "--auth", "none",
				"--origins", "https://app.example.com", "--rate-limit", "1000000/1h", "--yes")
			dir := filepath.Join(work, "svc")
			s := launch(t, dir, "svc", []string{"TRUSTED_PROXIES=127.0.0.1/32", "RATE_LIMIT_MAX_CLIENTS=1000",
				"ACCESS_LOG=off", "SHUTDOWN_TIMEOUT=10s", "SHUTDOWN_DELAY=2s"})
			pid := s.cmd.Process.Pid

			t.Run("slow headers are cut off", func(t *testing.T) {
				c, err := net.Dial("tcp", s.addr)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				start := time.Now()
				_, _ = io.WriteString(c, "GET /api/hello HTTP/1.1\r\nHost: x\r\n")
				closed := make(chan struct{})
				go func() {
					_, _ = io.Copy(io.Discard, c)
					close(closed)
				}()
				tick := time.NewTicker(time.Second)
				defer tick.Stop()
				for i := 0; ; i++ {
					select {
					case <-closed:
						if d := time.Since(start); d > 12*time.Second {
							t.Errorf("connection closed after %v, want within the read header timeout", d)
						}
						return
					case <-tick.C:
						if i > 30 {
							t.Fatal("a client trickling its headers was not cut off after 30s")
						}
						_, _ = fmt.Fprintf(c, "X-Slow-%d: 1\r\n", i)
					}
				}
			})

			t.Run("oversized headers get 431", func(t *testing.T) {
				// A raw connection: the service may answer and close
				// before the client has written every header (fiber does,
				// and the peer's reset then fails a Go client's write
				// before it reads the answer). The answer is what counts;
				// a reset that also loses it is retried.
				var status int
				var err error
				for range 3 {
					if status, err = oversizedHeaders(s.addr); err == nil {
						break
					}
				}
				if err != nil {
					t.Fatal(err)
				}
				if status != http.StatusRequestHeaderFieldsTooLarge {
					t.Errorf("status %d, want 431", status)
				}
			})

			t.Run("an announced huge body gets 413 unread", func(t *testing.T) {
				c, err := net.Dial("tcp", s.addr)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				_, _ = io.WriteString(c, "POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n{\"message\":\"")
				resp, err := http.ReadResponse(bufio.NewReader(c), nil)
				if err != nil {
					t.Fatalf("no response while the 1 GiB body is still unsent: %v", err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusRequestEntityTooLarge {
					t.Errorf("status %d, want 413", resp.StatusCode)
				}
			})

			t.Run("an unannounced huge body is refused unread", func(t *testing.T) {
				const size = 32 << 20
				sent := &countingReader{r: io.MultiReader(strings.NewReader(`{"message":"`), io.LimitReader(repeat('x'), size))}
				req, _ := http.NewRequest("POST", s.url+"/api/echo", sent)
				req.Header.Set("Content-Type", "application/json")
				req.ContentLength = -1 // chunked
				resp, err := http.DefaultClient.Do(req)
				switch {
				case err == nil:
					resp.Body.Close()
					if resp.StatusCode != http.StatusRequestEntityTooLarge {
						t.Errorf("status %d, want 413", resp.StatusCode)
					}
				case sent.n.Load() >= size:
					t.Errorf("the whole %d-byte body was read before the request failed: %v", size, err)
				default:
					// The server answered 413 and closed the connection
					// while the client was still sending (fasthttp does).
					t.Logf("connection closed after %d of %d bytes: %v", sent.n.Load(), size, err)
				}
				if resp, err := http.Get(s.url + "/healthz"); err != nil || resp.StatusCode != 200 {
					t.Errorf("service unhealthy after the huge body: %v", err)
				} else {
					resp.Body.Close()
				}
			})

			t.Run("a Go client streaming 2 MiB reads the 413", func(t *testing.T) {
				// The service answers 413 once the body passes BODY_LIMIT
				// (1 MiB) and then discards the rest within bounds, so that
				// the client, still sending, reads the answer instead of a
				// reset connection.
				for i := range 10 {
					body := io.MultiReader(strings.NewReader(`{"message":"`), io.LimitReader(repeat('x'), 2<<20))
					req, _ := http.NewRequest("POST", s.url+"/api/echo", body)
					req.Header.Set("Content-Type", "application/json")
					req.ContentLength = -1 // chunked
					client := &http.Client{Transport: &http.Transport{}, Timeout: 10 * time.Second}
					resp, err := client.Do(req)
					if err != nil {
						t.Fatalf("try %d: %v", i+1, err)
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusRequestEntityTooLarge {
						t.Fatalf("try %d: status %d, want 413", i+1, resp.StatusCode)
					}
				}
			})

			t.Run("deeply nested JSON is refused", func(t *testing.T) {
				before := rss(t, pid)
				for range 20 {
					body := `{"message":` + strings.Repeat("[", 500000) + strings.Repeat("]", 500000) + `}`
					resp, err := http.Post(s.url+"/api/echo", "application/json", strings.NewReader(body))
					if err != nil {
						t.Fatal(err)
					}
					b, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusBadRequest && resp.StatusCode != http.StatusUnprocessableEntity {
						t.Fatalf("status %d %s, want 400 or 422", resp.StatusCode, b)
					}
				}
				if grew := rss(t, pid) - before; grew > 64<<10 {
					t.Errorf("resident memory grew by %d KiB", grew)
				}
			})

			t.Run("a flood of client addresses keeps memory bounded", func(t *testing.T) {
				send := func(from, n int) {
					var wg sync.WaitGroup
					for w := range 8 {
						wg.Add(1)
						go func() {
							defer wg.Done()
							for i := from + w; i < from+n; i += 8 {
								req, _ := http.NewRequest("GET", s.url+"/api/hello", nil)
								req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.18.%d.%d", i>>8&255, i&255))
								if i >= 1<<16 {
									req.Header.Set("X-Forwarded-For", fmt.Sprintf("2001:db8:%x:%x::1", i>>16, i&0xffff))
								}
								resp, err := http.DefaultClient.Do(req)
								if err != nil {
									t.Error(err)
									return
								}
								_, _ = io.Copy(io.Discard, resp.Body)
								resp.Body.Close()
							}
						}()
					}
					wg.Wait()
				}
				send(0, 5000) // warm up past RATE_LIMIT_MAX_CLIENTS
				before := rss(t, pid)
				send(5000, 100000)
				grew := rss(t, pid) - before
				t.Logf("resident memory grew by %d KiB over 100000 new clients", grew)
				if grew > 8<<10 {
					t.Errorf("resident memory grew by %d KiB over 100000 new clients with a bound of 1000 (unbounded: about 24 MiB)", grew)
				}
			})

			t.Run("a burst at saturation yields only 2xx and 429", func(t *testing.T) {
				before := fds(t, pid)
				tr := &http.Transport{MaxIdleConnsPerHost: 64}
				client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
				var codes sync.Map
				var total atomic.Int64
				deadline := time.Now().Add(5 * time.Second)
				var wg sync.WaitGroup
				for range 64 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for time.Now().Before(deadline) {
							resp, err := client.Get(s.url + "/api/hello")
							if err != nil {
								t.Error(err)
								return
							}
							_, _ = io.Copy(io.Discard, resp.Body)
							resp.Body.Close()
							n, _ := codes.LoadOrStore(resp.StatusCode, new(atomic.Int64))
							n.(*atomic.Int64).Add(1)
							total.Add(1)
						}
					}()
				}
				wg.Wait()
				tr.CloseIdleConnections()
				codes.Range(func(k, v any) bool {
					if c := k.(int); c != 200 && c != 429 {
						t.Errorf("%d responses with status %d", v.(*atomic.Int64).Load(), c)
					}
					return true
				})
				t.Logf("%d requests in 5s", total.Load())
				time.Sleep(500 * time.Millisecond)
				if after := fds(t, pid); after > before+2 {
					t.Errorf("open descriptors %d after the burst, %d before: connections left behind", after, before)
				}
			})

			t.Run("SIGTERM: readyz 503 for the delay, then drains an in-flight request and exits 0", func(t *testing.T) {
				pr, pw := io.Pipe()
				req, _ := http.NewRequest("POST", s.url+"/api/echo", pr)
				req.Header.Set("Content-Type", "application/json")
				type result struct {
					status int
					body   string
					err    error
				}
				done := make(chan result, 1)
				go func() {
					resp, err := (&http.Client{Transport: &http.Transport{}}).Do(req)
					if err != nil {
						done <- result{err: err}
						return
					}
					b, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					done <- result{status: resp.StatusCode, body: string(b)}
				}()
				_, _ = io.WriteString(pw, `{"message":"in fl`)
				time.Sleep(300 * time.Millisecond) // the request is being read
				if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
					t.Fatal(err)
				}
				signalled := time.Now()
				// During SHUTDOWN_DELAY /readyz says 503 and the routes still serve.
				readyz := 0
				for range 50 {
					if readyz = status(s.url + "/readyz"); readyz == http.StatusServiceUnavailable {
						break
					}
					time.Sleep(10 * time.Millisecond)
				}
				if readyz != http.StatusServiceUnavailable {
					t.Errorf("GET /readyz after SIGTERM = %d, want 503", readyz)
				}
				if code := status(s.url + "/api/hello"); code != http.StatusOK {
					t.Errorf("GET /api/hello during the shutdown delay = %d, want 200", code)
				}
				if d := time.Since(signalled); d > 1500*time.Millisecond {
					t.Logf("checks took %v of the 2s delay", d)
				}
				time.Sleep(time.Until(signalled.Add(2 * time.Second)))
				// New connections are refused once the listener is closed.
				refused := false
				for range 50 {
					time.Sleep(40 * time.Millisecond)
					if c, err := net.DialTimeout("tcp", s.addr, time.Second); err != nil {
						refused = true
						break
					} else {
						c.Close()
					}
				}
				if !refused {
					t.Error("new connections still accepted 2s after SIGTERM")
				}
				_, _ = io.WriteString(pw, `ight"}`)
				pw.Close()
				r := <-done
				if r.err != nil || r.status != 200 || !bytes.Contains([]byte(r.body), []byte("in flight")) {
					t.Errorf("in-flight request: %d %q %v, want 200 echoing it", r.status, r.body, r.err)
				}
				select {
				case err := <-s.done: // a second SIGTERM would exit at once
					s.done <- err // for the clean-up's stop
					if err != nil {
						t.Errorf("exit: %v, want status 0", err)
					}
				case <-time.After(30 * time.Second):
					t.Fatal("no exit within 30s of SIGTERM")
				}
			})

			t.Run("a second signal exits at once, non-zero", func(t *testing.T) {
				s := launch(t, dir, "svc", []string{"TRUSTED_PROXIES=127.0.0.1/32", "SHUTDOWN_DELAY=1m"})
				if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
					t.Fatal(err)
				}
				for range 100 {
					if status(s.url+"/readyz") == http.StatusServiceUnavailable {
						break
					}
					time.Sleep(10 * time.Millisecond)
				}
				start := time.Now()
				if err := s.cmd.Process.Signal(syscall.SIGINT); err != nil {
					t.Fatal(err)
				}
				select {
				case err := <-s.done:
					s.done <- err // for the clean-up's stop
					var exit *exec.ExitError
					if !errors.As(err, &exit) || exit.ExitCode() != 1 {
						t.Errorf("exit after the second signal: %v, want status 1", err)
					}
					if d := time.Since(start); d > 2*time.Second {
						t.Errorf("exited %v after the second signal, want at once", d)
					}
				case <-time.After(10 * time.Second):
					t.Fatalf("still running 10s after the second signal (SHUTDOWN_DELAY=1m)\n%s", s.logs.String())
				}
			})
		})
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// repeat is an endless reader of one byte.
type repeat byte

func (r repeat) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

// status returns the status of GET url, or 0 when there is no answer.
func status(url string) int {
	resp, err := (&http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}).Get(url)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// oversizedHeaders sends GET /api/hello with 200 KiB of headers to addr,
// without waiting for the write to finish, and returns the status of the
// answer.
func oversizedHeaders(addr string) (int, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	go func() {
		_, _ = io.WriteString(c, "GET /api/hello HTTP/1.1\r\nHost: x\r\nX-Big: "+strings.Repeat("a", 200<<10)+"\r\n\r\n")
	}()
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
