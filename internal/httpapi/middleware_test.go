package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/obadge/obadge/issuer"
	"github.com/obadge/obadge/proof"
	"github.com/obadge/obadge/schema"
	"github.com/obadge/obadge/store"
)

func serveWith(h http.Handler, req *http.Request) (*httptest.ResponseRecorder, *bytes.Buffer) {
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	rec := httptest.NewRecorder()
	requestID(log)(accessLog(NewMetrics())(recoverer(h))).ServeHTTP(rec, req)
	return rec, &logs
}

func TestRecovererWritesInternalProblemWithoutLeaking(t *testing.T) {
	h := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("secret-internal-state") })
	req := httptest.NewRequest("GET", "/boom", nil)
	req.Header.Set("X-Request-Id", "req-123")
	rec, logs := serveWith(h, req)
	if rec.Code != 500 || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("%d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	var p Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Type != ProblemTypeBase+"internal" || p.RequestID != "req-123" {
		t.Fatalf("problem %+v %v", p, err)
	}
	if strings.Contains(rec.Body.String(), "secret-internal-state") {
		t.Fatal("panic value leaked to the client")
	}
	if !strings.Contains(logs.String(), "secret-internal-state") || !strings.Contains(logs.String(), `"request_id":"req-123"`) {
		t.Fatalf("panic not logged with the request id: %s", logs)
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
		slug   string
	}{
		{"max bytes", &http.MaxBytesError{Limit: 10}, 413, "payload-too-large"},
		{"malformed", &malformedError{detail: "x"}, 400, "malformed-request"},
		{"media type", &mediaTypeError{got: "text/plain"}, 415, "unsupported-media-type"},
		{"request error", &issuer.RequestError{Errors: []issuer.FieldError{{Pointer: "/a", Detail: "b"}}}, 422, "invalid-request"},
		{"validation", &schema.ValidationError{Errors: []schema.FieldError{{Path: "/a", Message: "b"}}}, 422, "invalid-credential-request"},
		{"duplicate key", &schema.ValidationError{Cause: schema.ErrDuplicateKey}, 400, "malformed-request"},
		{"data loss", fmt.Errorf("sign: %w", proof.ErrDataLoss), 422, "invalid-credential-request"},
		{"idempotency", fmt.Errorf("x: %w", store.ErrIdempotencyMismatch), 422, "idempotency-key-reused"},
		{"unauthenticated", issuer.ErrUnauthenticated, 401, "unauthorized"},
		{"forbidden", fmt.Errorf("%w: no", issuer.ErrForbidden), 403, "forbidden"},
		{"not found", fmt.Errorf("issuer x: %w", store.ErrNotFound), 404, "not-found"},
		{"conflict", fmt.Errorf("issuer x: %w", store.ErrConflict), 409, "conflict"},
		{"anything else", errors.New("disk on fire"), 500, "internal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pt, detail, _ := classify(tt.err)
			if pt.Status != tt.status || pt.Slug != tt.slug {
				t.Fatalf("got %d %s, want %d %s", pt.Status, pt.Slug, tt.status, tt.slug)
			}
			if tt.status == 500 && strings.Contains(detail, "disk on fire") {
				t.Fatal("internal error text in the public detail")
			}
		})
	}
	seen := map[string]bool{}
	for _, p := range problemRegistry {
		if seen[p.Slug] {
			t.Fatalf("duplicate slug %s", p.Slug)
		}
		seen[p.Slug] = true
	}
}

func TestRequireJSONAndLimitBody(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			writeError(w, r, err)
			return
		}
		w.WriteHeader(204)
	})
	h := limitBody(16)(requireJSON(ok))
	tests := []struct {
		name, ct, body string
		chunked        bool
		status         int
	}{
		{"json", "application/json; charset=utf-8", `{}`, false, 204},
		{"ld+json", "application/ld+json", `{}`, false, 204},
		{"text", "text/plain", `{}`, false, 415},
		{"form", "application/x-www-form-urlencoded", `a=b`, false, 415},
		{"declared too long", "application/json", strings.Repeat("x", 17), false, 413},
		{"streamed too long", "application/json", strings.Repeat("x", 17), true, 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/x", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.ct)
			if tt.chunked {
				req.ContentLength = -1
			}
			rec, _ := serveWith(h, req)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
		})
	}
}

func TestMetricsText(t *testing.T) {
	m := NewMetrics()
	m.observeRequest("GET", "/credentials/{id}", 200, 3*time.Millisecond)
	m.observeRequest("GET", "/credentials/{id}", 404, 2*time.Second)
	m.CredentialIssued("ldp", "EdDSA")
	var b bytes.Buffer
	if _, err := m.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"# TYPE obadge_http_requests_total counter\n",
		`obadge_http_requests_total{method="GET",route="/credentials/{id}",status="404"} 1` + "\n",
		`obadge_http_request_duration_seconds_bucket{route="/credentials/{id}",le="0.005"} 1` + "\n",
		`obadge_http_request_duration_seconds_bucket{route="/credentials/{id}",le="2.5"} 2` + "\n",
		`obadge_http_request_duration_seconds_count{route="/credentials/{id}"} 2` + "\n",
		`obadge_credentials_issued_total{format="ldp",alg="EdDSA"} 1` + "\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("missing %q in\n%s", want, b.String())
		}
	}
}

func TestStatusErrorPicksRegistryEntry(t *testing.T) {
	tests := []struct {
		err    error
		status int
		slug   string
	}{
		{&statusError{status: 503, err: errors.New("httpapi: busy: retry shortly")}, 503, "unavailable"},
		{&statusError{status: 400, err: &issuer.RequestError{Errors: []issuer.FieldError{{Pointer: "/x", Detail: "y"}}}}, 400, "invalid-request"},
		{&statusError{status: 500, err: errors.New("secret")}, 500, "internal"},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		writeError(rec, httptest.NewRequest("GET", "/", nil), tt.err)
		var p Problem
		_ = json.Unmarshal(rec.Body.Bytes(), &p)
		if rec.Code != tt.status || p.Type != ProblemTypeBase+tt.slug || p.Status != tt.status {
			t.Errorf("%v: %d %+v", tt.err, rec.Code, p)
		}
		if strings.Contains(rec.Body.String(), "secret") {
			t.Errorf("internal text leaked: %s", rec.Body)
		}
	}
}
