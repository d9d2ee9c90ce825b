package golden

import (
	"crypto/rand"
	"io"
	"net/http"
	"strings"
	"testing"
)

// checkMetrics starts the generated service in dir with its metrics on a
// free loopback port and checks them as an operator would: Prometheus
// text on METRICS_ADDR with the runtime collectors and the requests by
// route pattern, never a raw path; nothing else there; and no /metrics on
// the public address (404 in JSON). Then the service stops cleanly.
func checkMetrics(t *testing.T, dir, auth string) {
	t.Helper()
	metricsAddr := freeAddr(t)
	s := launch(t, dir, "svc", append(serviceEnv(auth), "METRICS_ADDR="+metricsAddr))

	random := "does-not-exist-" + rand.Text()
	for _, path := range []string{"/healthz", "/api/" + random} {
		metricsGet(t, s.url+path).Body.Close()
	}
	res := metricsGet(t, s.url+"/metrics")
	body := metricsBody(t, res)
	if res.StatusCode != http.StatusNotFound || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") ||
		strings.Contains(body, "go_goroutines") {
		t.Errorf("public GET /metrics: %d %q %q, want 404 in JSON", res.StatusCode, res.Header.Get("Content-Type"), body)
	}

	res = metricsGet(t, "http://"+metricsAddr+"/metrics")
	scrape := metricsBody(t, res)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics on METRICS_ADDR: %d %q, want 200 text/plain", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, want := range []string{
		"\ngo_goroutines ",
		"\nprocess_resident_memory_bytes ",
		`http_requests_total{code="2xx",method="GET",route="/healthz"} `,   // waitReady's too
		`http_requests_total{code="4xx",method="GET",route="unmatched"} 2`, // the random path, the public /metrics
		`http_request_duration_seconds_count{method="GET",route="/healthz"} `,
	} {
		if !strings.Contains(scrape, want) {
			t.Errorf("scrape of METRICS_ADDR lacks %q", want)
		}
	}
	if strings.Contains(scrape, random) {
		t.Errorf("scrape of METRICS_ADDR holds the raw path %q", random)
	}
	res = metricsGet(t, "http://"+metricsAddr+"/healthz")
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /healthz on METRICS_ADDR: %d, want 404 (it serves /metrics only)", res.StatusCode)
	}
	if err := s.stop(); err != nil {
		t.Errorf("after SIGTERM: %v, want exit status 0\n%s", err, s.logs.String())
	}
	t.Logf("metrics: %d lines on METRICS_ADDR, public /metrics 404", strings.Count(scrape, "\n"))
}

func metricsGet(t *testing.T, url string) *http.Response {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func metricsBody(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
