package httpapi

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// durationBuckets are the upper bounds (seconds) of the request duration histogram.
var durationBuckets = []float64{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type reqKey struct {
	method, route string
	status        int
}

type histogram struct {
	counts []uint64 // per bucket (not cumulative)
	sum    float64
	count  uint64
}

// Metrics holds the service's Prometheus metrics, written by hand in the text
// exposition format (no client library). It is safe for concurrent use.
type Metrics struct {
	mu        sync.Mutex
	requests  map[reqKey]uint64
	durations map[string]*histogram
	issued    map[[2]string]uint64
	start     time.Time
}

// NewMetrics returns empty metrics.
func NewMetrics() *Metrics {
	return &Metrics{requests: map[reqKey]uint64{}, durations: map[string]*histogram{}, issued: map[[2]string]uint64{}, start: time.Now()}
}

func (m *Metrics) observeRequest(method, route string, status int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[reqKey{method, route, status}]++
	h := m.durations[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(durationBuckets))}
		m.durations[route] = h
	}
	s := d.Seconds()
	for i, b := range durationBuckets {
		if s <= b {
			h.counts[i]++
			break
		}
	}
	h.sum += s
	h.count++
}

// CredentialIssued counts one newly issued credential.
func (m *Metrics) CredentialIssued(format, alg string) {
	m.mu.Lock()
	m.issued[[2]string{format, alg}]++
	m.mu.Unlock()
}

func escapeLabel(v string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v)
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// WriteTo writes the metrics in the Prometheus text format, series sorted.
func (m *Metrics) WriteTo(w io.Writer) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var b strings.Builder
	b.WriteString("# HELP obadge_http_requests_total HTTP requests by method, route pattern and status.\n")
	b.WriteString("# TYPE obadge_http_requests_total counter\n")
	keys := make([]reqKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, c := keys[i], keys[j]
		if a.route != c.route {
			return a.route < c.route
		}
		if a.method != c.method {
			return a.method < c.method
		}
		return a.status < c.status
	})
	for _, k := range keys {
		fmt.Fprintf(&b, "obadge_http_requests_total{method=\"%s\",route=\"%s\",status=\"%d\"} %d\n", escapeLabel(k.method), escapeLabel(k.route), k.status, m.requests[k])
	}
	b.WriteString("# HELP obadge_http_request_duration_seconds HTTP request duration by route pattern.\n")
	b.WriteString("# TYPE obadge_http_request_duration_seconds histogram\n")
	routes := make([]string, 0, len(m.durations))
	for r := range m.durations {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	for _, r := range routes {
		h := m.durations[r]
		var cum uint64
		for i, ub := range durationBuckets {
			cum += h.counts[i]
			fmt.Fprintf(&b, "obadge_http_request_duration_seconds_bucket{route=\"%s\",le=\"%s\"} %d\n", escapeLabel(r), formatFloat(ub), cum)
		}
		fmt.Fprintf(&b, "obadge_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %d\n", escapeLabel(r), h.count)
		fmt.Fprintf(&b, "obadge_http_request_duration_seconds_sum{route=\"%s\"} %s\n", escapeLabel(r), formatFloat(h.sum))
		fmt.Fprintf(&b, "obadge_http_request_duration_seconds_count{route=\"%s\"} %d\n", escapeLabel(r), h.count)
	}
	b.WriteString("# HELP obadge_credentials_issued_total Credentials issued (idempotent replays excluded) by format and algorithm.\n")
	b.WriteString("# TYPE obadge_credentials_issued_total counter\n")
	ik := make([][2]string, 0, len(m.issued))
	for k := range m.issued {
		ik = append(ik, k)
	}
	sort.Slice(ik, func(i, j int) bool { return ik[i][0]+ik[i][1] < ik[j][0]+ik[j][1] })
	for _, k := range ik {
		fmt.Fprintf(&b, "obadge_credentials_issued_total{format=\"%s\",alg=\"%s\"} %d\n", escapeLabel(k[0]), escapeLabel(k[1]), m.issued[k])
	}
	b.WriteString("# HELP obadge_uptime_seconds Seconds since the process started serving.\n")
	b.WriteString("# TYPE obadge_uptime_seconds gauge\n")
	fmt.Fprintf(&b, "obadge_uptime_seconds %s\n", formatFloat(time.Since(m.start).Seconds()))
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

func (m *Metrics) handler(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_, _ = m.WriteTo(w)
}
