package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/obadge/obadge/issuer"
	"github.com/obadge/obadge/keys"
	"github.com/obadge/obadge/proof"
	"github.com/obadge/obadge/proof/dataintegrity"
	"github.com/obadge/obadge/proof/vcjwt"
	"github.com/obadge/obadge/store"
	"github.com/obadge/obadge/verifier"
)

var testKEK = bytes.Repeat([]byte{9}, store.KEKSize)

// server is one running service over a real loopback listener.
type server struct {
	t     testing.TB
	ts    *httptest.Server
	st    *store.Store
	svc   *issuer.Service
	base  string
	admin string
}

// startServer starts the service on addr ("127.0.0.1:0" for a new port) over the
// store at dbPath, bootstrapping it when empty; opts are added to the issuer's.
func startServer(t testing.TB, dbPath, addr string, opts ...issuer.Option) *server {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(dbPath, store.Options{KEK: testKEK})
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc, err := issuer.New(issuer.Config{BaseURL: base}, st, append([]issuer.Option{issuer.WithLogger(log)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := svc.Bootstrap(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(NewRouter(Deps{Issuer: svc, Logger: log, MaxBodyBytes: 64 << 10}))
	ts.Listener.Close()
	ts.Listener = ln
	ts.Start()
	s := &server{t: t, ts: ts, st: st, svc: svc, base: base, admin: tok}
	t.Cleanup(s.stop)
	return s
}

func (s *server) stop() {
	if s.ts != nil {
		s.ts.Close()
		s.st.Close()
		s.ts = nil
	}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (s *server) call(method, path, token, contentType string, body []byte, hdr ...string) response {
	s.t.Helper()
	req, err := http.NewRequest(method, s.base+path, bytes.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	if body == nil {
		req.Body = nil
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := s.ts.Client().Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return response{resp.StatusCode, resp.Header, raw}
}

func (s *server) postJSON(path, token string, v any, hdr ...string) response {
	s.t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		s.t.Fatal(err)
	}
	return s.call("POST", path, token, "application/json", raw, hdr...)
}

func decode[T any](t testing.TB, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
	return v
}

func wantStatus(t testing.TB, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
}

// wantProblem checks a problem+json answer: status, type slug and (if given) the
// pointer of the first field error.
func wantProblem(t testing.TB, r response, status int, slug, pointer string) {
	t.Helper()
	wantStatus(t, r, status)
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q for a %d", ct, status)
	}
	p := decode[Problem](t, r)
	if p.Type != ProblemTypeBase+slug || p.Status != status || p.RequestID == "" || p.Title == "" {
		t.Fatalf("problem %+v, want type %s", p, slug)
	}
	if pointer != "" && (len(p.Errors) == 0 || p.Errors[0].Path != pointer) {
		t.Fatalf("problem errors %+v, want pointer %s", p.Errors, pointer)
	}
}

// httpDIDWeb resolves did:web DIDs by fetching their did.json over plain HTTP
// (loopback tests only; did:web mandates HTTPS), checking the document id and the
// verification relationship: it proves the published document resolves the key.
type httpDIDWeb struct{ client *http.Client }

func (h httpDIDWeb) ResolveMethod(ctx context.Context, id, rel string) (*proof.VerificationMethod, error) {
	did, _, _ := strings.Cut(id, "#")
	parts := strings.Split(strings.TrimPrefix(did, "did:web:"), ":")
	host, err := url.PathUnescape(parts[0])
	if err != nil || !strings.HasPrefix(did, "did:web:") {
		return nil, fmt.Errorf("%w: %s", proof.ErrKeyResolution, id)
	}
	u := "http://" + host + "/" + strings.Join(parts[1:], "/") + "/did.json"
	req, _ := http.NewRequestWithContext(ctx, "GET", u, nil)
	resp, err := h.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", proof.ErrKeyResolution, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/did+json" {
		return nil, fmt.Errorf("%w: GET %s: %d %s", proof.ErrKeyResolution, u, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var doc keys.DIDDocument
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		return nil, fmt.Errorf("%w: %w", proof.ErrKeyResolution, err)
	}
	if doc.ID != did {
		return nil, fmt.Errorf("%w: document id %s for %s", proof.ErrKeyResolution, doc.ID, did)
	}
	vm, err := doc.Method(id)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", proof.ErrKeyResolution, err)
	}
	if !doc.Authorizes(rel, vm.ID) {
		return nil, fmt.Errorf("%w: %s", proof.ErrKeyNotAuthorized, id)
	}
	pub, err := vm.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", proof.ErrKeyResolution, err)
	}
	return &proof.VerificationMethod{ID: vm.ID, Type: vm.Type, Controller: vm.Controller, PublicKey: pub}, nil
}

type issuedResp struct {
	issuer.Issued
	Credential json.RawMessage `json:"credential"`
}

func credentialBytes(t testing.TB, r issuedResp) []byte {
	if r.Format == issuer.FormatJWT {
		var s string
		if err := json.Unmarshal(r.Credential, &s); err != nil {
			t.Fatal(err)
		}
		return []byte(s)
	}
	return r.Credential
}

var achievementBody = map[string]any{
	"name": "Classroom Assessment Literacy", "description": "Designs and uses formative assessments.",
	"criteria": map[string]any{"narrative": "Submit a portfolio reviewed by a panel."}, "achievementType": "MicroCredential",
	"creditsAvailable": 1.5, "tag": []string{"assessment"}, "humanCode": "TPD-01",
	"alignment":         []any{map[string]any{"targetName": "Standard 6", "targetUrl": "https://standards.example.gov/6"}},
	"resultDescription": []any{map[string]any{"id": "status", "name": "Completion", "resultType": "Status"}},
}

func countCredentials(t testing.TB, s *server, issuerID string) int {
	t.Helper()
	r := s.call("GET", "/api/v1/issuers/"+issuerID+"/credentials?limit=1000", s.admin, "", nil)
	wantStatus(t, r, 200)
	return len(decode[struct {
		Credentials []json.RawMessage `json:"credentials"`
	}](t, r).Credentials)
}

func TestEndToEnd(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "obadge.db")
	s := startServer(t, dbPath, "127.0.0.1:0")
	ctx := context.Background()
	resolver := httpDIDWeb{client: s.ts.Client()}
	ourVerifier, err := verifier.New(verifier.Options{Resolver: s.svc})
	if err != nil {
		t.Fatal(err)
	}

	// Issuers: an agency and a district, each with its own token.
	wantStatus(t, s.postJSON("/api/v1/issuers", s.admin, map[string]any{"id": "agency", "name": "State Department of Education", "url": "https://education.example.gov"}), 201)
	wantStatus(t, s.postJSON("/api/v1/issuers", s.admin, map[string]any{"id": "district", "name": "District 9"}), 201)
	r := s.postJSON("/api/v1/issuers/agency/tokens", s.admin, map[string]any{"name": "agency ci"})
	wantStatus(t, r, 201)
	agencyTok := decode[tokenResponse](t, r).Token
	r = s.postJSON("/api/v1/issuers/district/tokens", s.admin, map[string]any{"name": "district ci"})
	districtTok := decode[tokenResponse](t, r).Token

	r = s.postJSON("/api/v1/issuers/agency/achievements", agencyTok, achievementBody)
	wantStatus(t, r, 201)
	ach := decode[issuer.Achievement](t, r)
	pub := s.call("GET", strings.TrimPrefix(ach.URL, s.base), "", "", nil)
	wantStatus(t, pub, 200)
	if !bytes.Contains(pub.body, []byte(`"MicroCredential"`)) || pub.header.Get("Content-Type") != "application/ld+json" {
		t.Fatalf("public achievement: %s", pub.body)
	}

	issueReq := func(format, alg string) map[string]any {
		return map[string]any{"achievement": ach.ID, "recipient": map[string]any{"email": "ada@school.example.org", "id": "did:example:ada"},
			"results":  []any{map[string]any{"resultDescription": "status", "status": "Completed"}},
			"evidence": []any{map[string]any{"id": "https://portfolio.example.org/ada", "name": "Portfolio"}},
			"format":   format, "alg": alg, "validUntil": "2099-01-01T00:00:00Z"}
	}
	for _, tc := range []struct{ format, alg string }{{"ldp", ""}, {"jwt", "EdDSA"}, {"jwt", "ES256"}, {"jwt", "RS256"}} {
		t.Run("issue-"+tc.format+"-"+tc.alg, func(t *testing.T) {
			r := s.postJSON("/api/v1/issuers/agency/credentials", agencyTok, issueReq(tc.format, tc.alg))
			wantStatus(t, r, 201)
			got := decode[issuedResp](t, r)
			raw := credentialBytes(t, got)
			// Fetch by id: the exact bytes, at the credential's own id URL.
			fetched := s.call("GET", strings.TrimPrefix(got.URL, s.base), "", "", nil)
			wantStatus(t, fetched, 200)
			if !bytes.Equal(fetched.body, raw) || r.header.Get("Location") != got.URL {
				t.Fatalf("fetched bytes differ from issued")
			}
			// Our verifier accepts it (keys resolved from this server's issuers).
			rep, err := ourVerifier.Verify(ctx, raw, verifier.VerifyOptions{})
			if err != nil || !rep.Verified {
				t.Fatalf("verifier: %v %s", err, rep.JSON())
			}
			// Verify again, resolving the key through the published did:web document.
			if tc.format == "ldp" {
				res, err := dataintegrity.Verify(ctx, raw, dataintegrity.VerifyOptions{Resolver: resolver, Controller: "did:web:" + strings.ReplaceAll(strings.TrimPrefix(s.base, "http://"), ":", "%3A") + ":issuers:agency"})
				if err != nil || !res.Verified() {
					t.Fatalf("ldp verify: %v", err)
				}
				var doc map[string]any
				_ = json.Unmarshal(raw, &doc)
				if doc["id"] != got.URL {
					t.Fatalf("credential id %v, want %s", doc["id"], got.URL)
				}
			} else {
				res, err := vcjwt.Verify(ctx, string(raw), vcjwt.VerifyOptions{Resolver: resolver})
				if err != nil || res.Alg != tc.alg {
					t.Fatalf("jwt verify: %v", err)
				}
				if fetched.header.Get("Content-Type") != issuer.MediaTypeJWT {
					t.Fatalf("jwt served as %s", fetched.header.Get("Content-Type"))
				}
				// The kid's per-key JWK URL serves a single public JWK.
				kid := res.KeyID[strings.LastIndex(res.KeyID, "#")+1:]
				jwk := s.call("GET", "/issuers/agency/keys/"+kid, "", "", nil)
				wantStatus(t, jwk, 200)
				if _, err := keys.PublicKeyFromJWK(jwk.body); err != nil {
					t.Fatalf("per-key JWK: %v", err)
				}
			}
		})
	}

	// Idempotent retry: same bytes, one credential.
	before := countCredentials(t, s, "agency")
	r1 := s.postJSON("/api/v1/issuers/agency/credentials", agencyTok, issueReq("ldp", ""), "Idempotency-Key", "award-42")
	wantStatus(t, r1, 201)
	r2 := s.postJSON("/api/v1/issuers/agency/credentials", agencyTok, issueReq("ldp", ""), "Idempotency-Key", "award-42")
	wantStatus(t, r2, 200)
	if !bytes.Equal(decode[issuedResp](t, r1).Credential, decode[issuedResp](t, r2).Credential) || r2.header.Get("Idempotent-Replayed") != "true" {
		t.Fatal("idempotent retry returned a different credential")
	}
	other := issueReq("ldp", "")
	other["recipient"] = map[string]any{"email": "bob@school.example.org"}
	wantProblem(t, s.postJSON("/api/v1/issuers/agency/credentials", agencyTok, other, "Idempotency-Key", "award-42"), 422, "idempotency-key-reused", "")
	if n := countCredentials(t, s, "agency"); n != before+1 {
		t.Fatalf("%d credentials after idempotent retries, want %d", n, before+1)
	}

	// Scopes: the district token cannot act for the agency.
	wantProblem(t, s.postJSON("/api/v1/issuers/agency/credentials", districtTok, issueReq("ldp", "")), 403, "forbidden", "")
	wantProblem(t, s.call("GET", "/api/v1/issuers/agency/credentials", districtTok, "", nil), 403, "forbidden", "")
	wantProblem(t, s.postJSON("/api/v1/issuers/agency/achievements", districtTok, achievementBody), 403, "forbidden", "")
	wantProblem(t, s.postJSON("/api/v1/issuers", districtTok, map[string]any{"name": "x"}), 403, "forbidden", "")
	wantProblem(t, s.call("GET", "/api/v1/issuers", "", "", nil), 401, "unauthorized", "")
	wantProblem(t, s.call("GET", "/api/v1/issuers", "obt_wrong", "", nil), 401, "unauthorized", "")

	t.Run("bad input writes nothing", func(t *testing.T) { badInputs(t, s, agencyTok, ach.ID) })
	t.Run("vc api", func(t *testing.T) { vcAPI(t, s, agencyTok, districtTok, resolver) })

	// Update after awards: a new version; the old one stays served at its URL.
	updated := map[string]any{}
	for k, v := range achievementBody {
		updated[k] = v
	}
	updated["description"] = "Revised description."
	raw, _ := json.Marshal(updated)
	r = s.call("PUT", "/api/v1/issuers/agency/achievements/"+ach.ID, agencyTok, "application/json", raw)
	wantStatus(t, r, 200)
	if v := decode[issuer.Achievement](t, r); v.Version != 2 {
		t.Fatalf("version after update = %d", v.Version)
	}
	v1 := s.call("GET", strings.TrimPrefix(ach.URL, s.base)+"/versions/1", "", "", nil)
	latest := s.call("GET", strings.TrimPrefix(ach.URL, s.base), "", "", nil)
	if !bytes.Contains(v1.body, []byte("Designs and uses")) || !bytes.Contains(latest.body, []byte("Revised description.")) {
		t.Fatalf("versions: %s / %s", v1.body, latest.body)
	}
	wantProblem(t, s.call("GET", strings.TrimPrefix(ach.URL, s.base)+"/versions/9", "", "", nil), 404, "not-found", "")

	// Key rotation and profile update over the API; earlier credentials still verify.
	r = s.postJSON("/api/v1/issuers/agency/keys", agencyTok, map[string]any{"alg": "EdDSA"})
	wantStatus(t, r, 201)
	if k := decode[issuer.KeyInfo](t, r); k.ID != "ed25519-2" {
		t.Fatalf("rotated key %+v", k)
	}
	r = s.postJSON("/api/v1/issuers/agency/credentials", agencyTok, issueReq("ldp", ""))
	wantStatus(t, r, 201)
	if kid := decode[issuedResp](t, r).KeyID; !strings.HasSuffix(kid, "#ed25519-2") {
		t.Fatalf("issued with %s after rotation", kid)
	}
	raw, _ = json.Marshal(map[string]any{"name": "State Board of Education"})
	wantStatus(t, s.call("PUT", "/api/v1/issuers/agency", agencyTok, "application/json", raw), 200)
	wantProblem(t, s.call("PUT", "/api/v1/issuers/agency", districtTok, "application/json", raw), 403, "forbidden", "")

	// Listing with filters.
	r = s.call("GET", "/api/v1/issuers/agency/credentials?recipient=ADA@school.example.org&limit=2", agencyTok, "", nil)
	wantStatus(t, r, 200)
	page := decode[struct {
		Credentials []issuer.Issued `json:"credentials"`
		Next        string          `json:"next"`
	}](t, r)
	if len(page.Credentials) != 2 || page.Next == "" {
		t.Fatalf("filtered page: %s", r.body)
	}
	r = s.call("GET", "/api/v1/issuers/agency/credentials?limit=1000&recipientHash="+issuer.EmailLookupHash(" Ada@School.example.org"), agencyTok, "", nil)
	byHash := decode[struct {
		Credentials []issuer.Issued `json:"credentials"`
	}](t, r).Credentials
	r = s.call("GET", "/api/v1/issuers/agency/credentials?limit=1000&recipient=did:example:ada", agencyTok, "", nil)
	if n := len(decode[struct {
		Credentials []issuer.Issued `json:"credentials"`
	}](t, r).Credentials); n != len(byHash) {
		t.Fatalf("recipient id filter found %d, email hash %d (each credential has both)", n, len(byHash))
	}
	r = s.call("GET", "/api/v1/issuers/agency/credentials?limit=1000&recipient=did:example:nobody", agencyTok, "", nil)
	if len(byHash) < 5 || len(decode[struct {
		Credentials []issuer.Issued `json:"credentials"`
	}](t, r).Credentials) != 0 {
		t.Fatalf("recipientHash filter found %d", len(byHash))
	}
	wantProblem(t, s.call("GET", "/api/v1/issuers/agency/credentials?recipientHash=ADA", agencyTok, "", nil), 422, "invalid-request", "?recipientHash")
	wantProblem(t, s.call("GET", "/api/v1/issuers/agency/credentials?since=yesterday", agencyTok, "", nil), 422, "invalid-request", "?since")

	// Health and metrics.
	h := s.call("GET", "/healthz", "", "", nil)
	wantStatus(t, h, 200)
	m := s.call("GET", "/metrics", "", "", nil)
	for _, want := range []string{`obadge_credentials_issued_total{format="jwt",alg="ES256"} 1`,
		`obadge_http_requests_total{method="POST",route="/api/v1/issuers/{issuer}/credentials",status="201"}`,
		`obadge_http_request_duration_seconds_bucket{route="/credentials/{id}",le="+Inf"}`} {
		if !bytes.Contains(m.body, []byte(want)) {
			t.Errorf("metrics lack %s", want)
		}
	}

	// Restart on the same data and address: everything is still there.
	total := countCredentials(t, s, "agency")
	didBefore := s.call("GET", "/issuers/agency/did.json", "", "", nil).body
	addr := strings.TrimPrefix(s.base, "http://")
	s.stop()
	s2 := startServer(t, dbPath, addr)
	if s2.admin != "" {
		t.Fatal("restart bootstrapped again")
	}
	s2.admin = agencyTok
	if n := countCredentials(t, s2, "agency"); n != total {
		t.Fatalf("%d credentials after restart, want %d", n, total)
	}
	if got := s2.call("GET", "/issuers/agency/did.json", "", "", nil).body; !bytes.Equal(got, didBefore) {
		t.Fatal("DID document changed across restart")
	}
	wantStatus(t, s2.call("GET", "/api/v1/issuers/agency/achievements/"+ach.ID, agencyTok, "", nil), 200)
	r = s2.postJSON("/api/v1/issuers/agency/credentials", agencyTok, issueReq("ldp", ""), "Idempotency-Key", "award-42")
	wantStatus(t, r, 200) // the idempotency record survived too
	raw = credentialBytes(t, decode[issuedResp](t, r))
	if res, err := dataintegrity.Verify(ctx, raw, dataintegrity.VerifyOptions{Resolver: httpDIDWeb{client: s2.ts.Client()}}); err != nil || !res.Verified() {
		t.Fatalf("verify after restart: %v", err)
	}
}

func badInputs(t *testing.T, s *server, tok, achID string) {
	before := countCredentials(t, s, "agency")
	good := func() map[string]any {
		return map[string]any{"achievement": achID, "recipient": map[string]any{"email": "ada@school.example.org"}}
	}
	with := func(k string, v any) []byte {
		m := good()
		m[k] = v
		raw, _ := json.Marshal(m)
		return raw
	}
	goodRaw, _ := json.Marshal(good())
	tests := []struct {
		name        string
		contentType string
		body        []byte
		status      int
		slug        string
		pointer     string
	}{
		{"malformed JSON", "application/json", []byte(`{"achievement":`), 400, "malformed-request", ""},
		{"duplicate member", "application/json", []byte(`{"achievement":"a","achievement":"b"}`), 400, "malformed-request", ""},
		{"empty body", "application/json", nil, 400, "malformed-request", ""},
		{"wrong type", "application/json", with("format", 5), 400, "malformed-request", "/format"},
		{"unknown member", "application/json", with("colour", "red"), 400, "malformed-request", "/colour"},
		{"wrong content type", "text/plain", goodRaw, 415, "unsupported-media-type", ""},
		{"no content type", "", goodRaw, 415, "unsupported-media-type", ""},
		{"oversized body", "application/json", with("description", strings.Repeat("x", 70<<10)), 413, "payload-too-large", ""},
		{"unknown achievement", "application/json", with("achievement", "00000000-0000-4000-8000-000000000999"), 422, "invalid-request", "/achievement"},
		{"bad email", "application/json", with("recipient", map[string]any{"email": "ada.example.org"}), 422, "invalid-request", "/recipient/email"},
		{"bad validFrom", "application/json", with("validFrom", "2026-13-01T00:00:00Z"), 422, "invalid-request", "/validFrom"},
		{"validUntil before now", "application/json", with("validUntil", "2001-01-01T00:00:00Z"), 422, "invalid-request", "/validUntil"},
		{"bad format", "application/json", with("format", "pdf"), 422, "invalid-request", "/format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.call("POST", "/api/v1/issuers/agency/credentials", tok, tt.contentType, tt.body)
			wantProblem(t, r, tt.status, tt.slug, tt.pointer)
		})
	}
	wantProblem(t, s.postJSON("/api/v1/issuers/agency/achievements", tok, map[string]any{"name": "x"}), 422, "invalid-request", "/description")
	wantProblem(t, s.call("GET", "/credentials/00000000-0000-4000-8000-000000000999", "", "", nil), 404, "not-found", "")
	wantProblem(t, s.call("GET", "/issuers/nobody/did.json", "", "", nil), 404, "not-found", "")
	wantProblem(t, s.call("DELETE", "/healthz", "", "", nil), 405, "method-not-allowed", "")
	if n := countCredentials(t, s, "agency"); n != before {
		t.Fatalf("bad requests wrote credentials: %d -> %d", before, n)
	}
}

func vcAPI(t *testing.T, s *server, agencyTok, districtTok string, resolver proof.MethodResolver) {
	did := "did:web:" + strings.ReplaceAll(strings.TrimPrefix(s.base, "http://"), ":", "%3A") + ":issuers:agency"
	cred := func(mut func(m map[string]any)) map[string]any {
		m := map[string]any{
			"@context": []any{"https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"},
			"id":       "urn:uuid:9c8f0d5e-6a0c-4f55-9a57-3b7b1c1d2e3f", "type": []any{"VerifiableCredential"},
			"issuer": did, "validFrom": "2026-01-01T00:00:00Z",
			"credentialSubject": map[string]any{"id": "did:example:subject"},
		}
		m["@context"] = []any{"https://www.w3.org/ns/credentials/v2"}
		if mut != nil {
			mut(m)
		}
		return m
	}
	r := s.postJSON("/credentials/issue", agencyTok, map[string]any{"credential": cred(nil), "options": map[string]any{}})
	wantStatus(t, r, 201)
	vc := decode[struct {
		VerifiableCredential json.RawMessage `json:"verifiableCredential"`
	}](t, r).VerifiableCredential
	if res, err := dataintegrity.Verify(context.Background(), vc, dataintegrity.VerifyOptions{Resolver: resolver, Controller: did}); err != nil || !res.Verified() {
		t.Fatalf("VC API credential does not verify: %v", err)
	}
	in, _ := json.Marshal(cred(nil))
	if !bytes.HasPrefix(vc, append(in[:len(in)-1], []byte(`,"proof":[`)...)) {
		t.Fatalf("members or their order not kept:\n in: %s\nout: %s", in, vc)
	}
	// Options may be absent; a 1.1 credential gets the DI v2 context appended.
	v1 := map[string]any{"@context": []any{"https://www.w3.org/2018/credentials/v1"}, "type": []any{"VerifiableCredential"},
		"issuer": did, "issuanceDate": "2026-01-01T00:00:00Z", "credentialSubject": map[string]any{"id": "did:example:subject"}}
	r = s.postJSON("/credentials/issue", agencyTok, map[string]any{"credential": v1})
	wantStatus(t, r, 201)
	if !bytes.Contains(r.body, []byte(`["https://www.w3.org/2018/credentials/v1","https://w3id.org/security/data-integrity/v2"]`)) {
		t.Fatalf("1.1 context not extended: %s", r.body)
	}
	wantProblem(t, s.postJSON("/credentials/issue", districtTok, map[string]any{"credential": cred(nil)}), 403, "forbidden", "")

	tests := []struct {
		name    string
		mut     func(m map[string]any)
		pointer string
	}{
		{"missing base context", func(m map[string]any) {
			m["@context"] = []any{"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"}
		}, "/credential/@context"},
		{"no VerifiableCredential type", func(m map[string]any) { m["type"] = []any{"OpenBadgeCredential"} }, "/credential/type"},
		{"array id", func(m map[string]any) { m["id"] = []any{"urn:uuid:1"} }, "/credential/id"},
		{"non-URL issuer", func(m map[string]any) { m["issuer"] = "agency" }, "/credential/issuer"},
		{"empty subject", func(m map[string]any) { m["credentialSubject"] = map[string]any{} }, "/credential/credentialSubject"},
		{"bad validFrom", func(m map[string]any) { m["validFrom"] = "2026-01-01" }, "/credential/validFrom"},
		{"validUntil before validFrom", func(m map[string]any) { m["validUntil"] = "2025-01-01T00:00:00Z" }, "/credential/validUntil"},
		{"schema without type", func(m map[string]any) { m["credentialSchema"] = map[string]any{"id": "https://example.org/s.json"} }, "/credential/credentialSchema"},
		{"undefined term", func(m map[string]any) {
			m["credentialSubject"] = map[string]any{"id": "did:example:s", "favouriteColour": "red"}
		}, "/credential"},
		{"unknown issuer", func(m map[string]any) { m["issuer"] = "did:web:elsewhere.example" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.postJSON("/credentials/issue", agencyTok, map[string]any{"credential": cred(tt.mut)})
			if r.status != 400 {
				t.Fatalf("status %d, want 400: %s", r.status, r.body)
			}
			p := decode[Problem](t, r)
			if tt.pointer != "" && (len(p.Errors) == 0 || !strings.HasPrefix(p.Errors[0].Path, tt.pointer)) {
				t.Fatalf("errors %+v, want pointer %s", p.Errors, tt.pointer)
			}
		})
	}
	wantProblem(t, s.call("POST", "/credentials/issue", agencyTok, "application/json", []byte(`{"credential":{},"options":[]}`)), 400, "invalid-request", "/options")
}

// BenchmarkIssueHTTP measures issuing through the whole service over loopback
// HTTP: JSON decode, validation, signing and the bbolt write of each credential.
func BenchmarkIssueHTTP(b *testing.B) {
	s := startServer(b, filepath.Join(b.TempDir(), "obadge.db"), "127.0.0.1:0")
	r := s.postJSON("/api/v1/issuers/dev/achievements", s.admin, achievementBody)
	wantStatus(b, r, 201)
	ach := decode[issuer.Achievement](b, r)
	for _, tc := range []struct{ format, alg string }{{"ldp", ""}, {"jwt", "EdDSA"}, {"jwt", "ES256"}, {"jwt", "RS256"}} {
		body, _ := json.Marshal(map[string]any{"achievement": ach.ID, "recipient": map[string]any{"email": "ada@school.example.org"}, "format": tc.format, "alg": tc.alg})
		wantStatus(b, s.call("POST", "/api/v1/issuers/dev/credentials", s.admin, "application/json", body), 201) // lazy key creation outside the timing
		b.Run(strings.TrimSuffix(tc.format+"-"+tc.alg, "-"), func(b *testing.B) {
			for b.Loop() {
				if r := s.call("POST", "/api/v1/issuers/dev/credentials", s.admin, "application/json", body); r.status != 201 {
					b.Fatalf("status %d: %s", r.status, r.body)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "credentials/s")
		})
		b.Run(strings.TrimSuffix(tc.format+"-"+tc.alg, "-")+"-parallel", func(b *testing.B) {
			b.SetParallelism(4) // 4 clients per core: signing runs inside the single bbolt writer
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if r := s.call("POST", "/api/v1/issuers/dev/credentials", s.admin, "application/json", body); r.status != 201 {
						b.Errorf("status %d: %s", r.status, r.body)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "credentials/s")
		})
	}
}
