package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/obadge/obadge/bake"
	"github.com/obadge/obadge/issuer"
	"github.com/obadge/obadge/keys"
	"github.com/obadge/obadge/proof"
	"github.com/obadge/obadge/proof/dataintegrity"
	"github.com/obadge/obadge/proof/vcjwt"
	"github.com/obadge/obadge/store"
	"github.com/obadge/obadge/verifier"
)

// verifyServer is the service with its verify endpoints, over a real listener, and
// a did:key issuer whose credentials it verifies without any network.
type verifyServer struct {
	ts     *httptest.Server
	signer keys.Signer
	did    string
}

func startVerifyServer(t *testing.T) *verifyServer {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "obadge.db"), store.Options{KEK: testKEK})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc, err := issuer.New(issuer.Config{BaseURL: "http://127.0.0.1:1"}, st, issuer.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	v, err := verifier.Configure(verifier.Config{Local: svc, Offline: true, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(NewRouter(Deps{Issuer: svc, Verifier: v, Logger: log, MaxBodyBytes: 1 << 20}))
	t.Cleanup(ts.Close)
	signer, _ := keys.Generate(keys.AlgEdDSA, "")
	did, vm, _ := keys.DIDKey(signer.Public())
	return &verifyServer{ts: ts, signer: keys.WithKeyID(signer, vm), did: did}
}

func (s *verifyServer) credential(t *testing.T) []byte {
	t.Helper()
	c := fmt.Sprintf(`{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
"id":"urn:uuid:0b0e5f0e-44a6-4b5e-9a43-6d3c2a0f4c11","type":["VerifiableCredential","OpenBadgeCredential"],"name":"Guided Reading",
"issuer":{"id":"%s","type":["Profile"],"name":"State Board"},"validFrom":"2026-01-01T00:00:00Z",
"credentialSubject":{"id":"did:example:teacher","type":["AchievementSubject"],"achievement":{"id":"https://example.org/a/1","type":["Achievement"],"name":"Guided Reading","description":"d","criteria":{"narrative":"c"}}}}`, s.did)
	return []byte(c)
}

func (s *verifyServer) post(t *testing.T, path, contentType string, body []byte) (int, map[string]any, string) {
	t.Helper()
	resp, err := http.Post(s.ts.URL+path, contentType, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return resp.StatusCode, m, resp.Header.Get("Content-Type")
}

func TestVerifyEndpoints(t *testing.T) {
	ctx := context.Background()
	s := startVerifyServer(t)
	ldp, err := dataintegrity.Sign(ctx, s.credential(t), s.signer, dataintegrity.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	jwt, err := vcjwt.Sign(s.credential(t), s.signer, vcjwt.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tampered := bytes.Replace(ldp, []byte("State Board"), []byte("Other Board"), 1)
	wrap := func(member string, v []byte, options string) []byte {
		return []byte(fmt.Sprintf(`{%q:%s,"options":%s}`, member, v, options))
	}
	jwtJSON, _ := json.Marshal(jwt)

	// A presentation by the same key, bound to a domain and challenge.
	vp := fmt.Sprintf(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],"holder":%q,"verifiableCredential":[%s]}`, s.did, ldp)
	signedVP, err := dataintegrity.Sign(ctx, []byte(vp), s.signer, dataintegrity.SignOptions{ProofPurpose: proof.Authentication, Domain: "hr.district.example", Challenge: "c-123"})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, path, ct string
		body           []byte
		status         int
		verified       bool
	}{
		{"ldp verified", "/credentials/verify", "application/json", wrap("verifiableCredential", ldp, "{}"), 200, true},
		{"options absent", "/credentials/verify", "application/json", []byte(fmt.Sprintf(`{"verifiableCredential":%s}`, ldp)), 200, true},
		{"jwt string verified", "/credentials/verify", "application/json", wrap("verifiableCredential", jwtJSON, "{}"), 200, true},
		{"tampered", "/credentials/verify", "application/json", wrap("verifiableCredential", tampered, "{}"), 422, false},
		{"empty object", "/credentials/verify", "application/json", []byte(`{}`), 400, false},
		{"a string", "/credentials/verify", "application/json", []byte(`"hello"`), 400, false},
		{"not json", "/credentials/verify", "application/json", []byte(`{oops`), 400, false},
		{"an error body", "/credentials/verify", "application/json", []byte(`{"type":"https://example/problem","title":"Bad","status":500}`), 400, false},
		{"credential is a number", "/credentials/verify", "application/json", []byte(`{"verifiableCredential":42}`), 400, false},
		{"credential is junk object", "/credentials/verify", "application/json", []byte(`{"verifiableCredential":{"a":1}}`), 400, false},
		{"presentation verified", "/presentations/verify", "application/json", wrap("verifiablePresentation", signedVP, `{"domain":"hr.district.example","challenge":"c-123"}`), 200, true},
		{"presentation wrong challenge", "/presentations/verify", "application/json", wrap("verifiablePresentation", signedVP, `{"domain":"hr.district.example","challenge":"other"}`), 422, false},
		{"presentation junk", "/presentations/verify", "application/json", []byte(`{"verifiablePresentation":"x"}`), 400, false},
		{"raw json", "/api/v1/verify", "application/json", ldp, 200, true},
		{"raw jwt", "/api/v1/verify", "text/plain", []byte(jwt), 200, true},
		{"raw tampered is still 200", "/api/v1/verify", "application/json", tampered, 200, false},
		{"raw url to a private address", "/api/v1/verify", "application/json", []byte(`{"url":"https://10.0.0.1/badge.json"}`), 200, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, m, ct := s.post(t, tt.path, tt.ct, tt.body)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %v", status, tt.status, m)
			}
			if !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("content type %q", ct)
			}
			if m["verified"] != tt.verified {
				t.Fatalf("verified = %v, want %v: %v", m["verified"], tt.verified, m)
			}
			for _, k := range []string{"checks", "warnings", "errors"} {
				if _, ok := m[k].([]any); !ok {
					t.Fatalf("%s is not an array: %v", k, m)
				}
			}
			if tt.verified && len(m["errors"].([]any)) != 0 {
				t.Fatalf("errors on a verified credential: %v", m["errors"])
			}
		})
	}

	t.Run("baked png upload", func(t *testing.T) {
		img, err := bake.GeneratePNG("Guided Reading", "State Board")
		if err != nil {
			t.Fatal(err)
		}
		baked, err := bake.BakePNG(img, ldp)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "badge.png")
		fw.Write(baked)
		mw.Close()
		status, m, _ := s.post(t, "/api/v1/verify", mw.FormDataContentType(), buf.Bytes())
		if status != 200 || m["verified"] != true {
			t.Fatalf("%d %v", status, m)
		}
		status, m, _ = s.post(t, "/api/v1/verify", "image/png", baked)
		if status != 200 || m["verified"] != true {
			t.Fatalf("%d %v", status, m)
		}
	})
	t.Run("wrong content type", func(t *testing.T) {
		status, m, ct := s.post(t, "/api/v1/verify", "application/x-www-form-urlencoded", []byte("a=b"))
		if status != 415 || ct != "application/problem+json" {
			t.Fatalf("%d %s %v", status, ct, m)
		}
	})
	t.Run("at option", func(t *testing.T) {
		status, m, _ := s.post(t, "/credentials/verify", "application/json", wrap("verifiableCredential", ldp, `{"verificationTime":"2025-06-01T00:00:00Z"}`))
		if status != 422 || m["verified"] != false {
			t.Fatalf("before validFrom: %d %v", status, m)
		}
	})
}

// TestServesWhileVerifying: heavy verifications (5,000 evidence items each, the most
// obadge processes) run in their bounded pool while the server keeps answering other
// requests.
func TestServesWhileVerifying(t *testing.T) {
	if testing.Short() {
		t.Skip("heavy verifications; skipped with -short")
	}
	s := startVerifyServer(t)
	var ev []string
	for i := range 4999 {
		ev = append(ev, fmt.Sprintf(`{"type":["Evidence"],"name":"lesson %d"}`, i))
	}
	heavy := bytes.Replace(s.credential(t), []byte(`"validFrom"`), []byte(`"evidence":[`+strings.Join(ev, ",")+`],"validFrom"`), 1)
	heavy = bytes.TrimSuffix(bytes.TrimSpace(heavy), []byte("}"))
	heavy = append(heavy, []byte(`,"proof":{"type":"DataIntegrityProof","cryptosuite":"eddsa-rdfc-2022","verificationMethod":"`+s.signer.KeyID()+`","proofPurpose":"assertionMethod","proofValue":"z5x9aCBYovW3CQCbKdNyhEm7ffYSw1YpEdPywQJoNbzDD2gkzQDKJ1sYKJaWvqZtkMtSbz35HcbgXVEDYHxCzgkCr"}}`)...)

	const n = 4
	var done atomic.Int32
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer done.Add(1)
			resp, err := http.Post(s.ts.URL+"/api/v1/verify", "application/json", bytes.NewReader(heavy))
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			var m map[string]any
			if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != 200 || m["verified"] != false {
				t.Errorf("heavy verify: %d %v %v", resp.StatusCode, err, m["errors"])
			}
		}()
	}
	time.Sleep(50 * time.Millisecond)
	resp, err := http.Get(s.ts.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	inFlight := n - int(done.Load())
	if resp.StatusCode != 200 {
		t.Fatalf("healthz: %d", resp.StatusCode)
	}
	wg.Wait()
	if inFlight == 0 {
		t.Skip("every heavy verification finished before /healthz answered; nothing was shown")
	}
	t.Logf("/healthz answered while %d of %d heavy verifications were in flight", inFlight, n)
}
