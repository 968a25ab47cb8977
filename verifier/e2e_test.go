package verifier_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/obadge/obadge/internal/fetch"
	"github.com/obadge/obadge/keys"
	"github.com/obadge/obadge/proof"
	"github.com/obadge/obadge/proof/dataintegrity"
	"github.com/obadge/obadge/proof/vcjwt"
	"github.com/obadge/obadge/statuslist"
	"github.com/obadge/obadge/verifier"
)

// issuerSite is a did:web issuer served over TLS on loopback: its DID document and
// a revocation status list.
type issuerSite struct {
	srv     *httptest.Server
	did     string
	signer  keys.Signer
	revoked map[int]bool
	hits    atomic.Int64
}

func newIssuerSite(t *testing.T) *issuerSite {
	t.Helper()
	s := &issuerSite{revoked: map[int]bool{}}
	s.srv = httptest.NewTLSServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	u, _ := url.Parse(s.srv.URL)
	s.did = "did:web:" + strings.ReplaceAll(u.Host, ":", "%3A") + ":issuers:state"
	signer, err := keys.Generate(keys.AlgEdDSA, "")
	if err != nil {
		t.Fatal(err)
	}
	mb, _ := keys.EncodePublicKeyMultibase(signer.Public())
	s.signer = keys.WithKeyID(signer, s.did+"#"+mb)
	return s
}

func (s *issuerSite) serve(w http.ResponseWriter, r *http.Request) {
	s.hits.Add(1)
	switch r.URL.Path {
	case "/issuers/state/did.json":
		mb, _ := keys.EncodePublicKeyMultibase(s.signer.Public())
		vm := s.did + "#" + mb
		json.NewEncoder(w).Encode(map[string]any{
			"@context":           []string{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"},
			"id":                 s.did,
			"verificationMethod": []map[string]string{{"id": vm, "type": "Multikey", "controller": s.did, "publicKeyMultibase": mb}},
			"assertionMethod":    []string{vm},
		})
	case "/status/1":
		bits := make([]byte, statuslist.MinEntries/8)
		for i := range s.revoked {
			statuslist.Set(bits, i, 1, 1)
		}
		enc, _ := statuslist.Encode(bits)
		list := fmt.Sprintf(`{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"%s/status/1","type":["VerifiableCredential","BitstringStatusListCredential"],"issuer":"%s","validFrom":"2026-01-01T00:00:00Z","credentialSubject":{"id":"%s/status/1#list","type":"BitstringStatusList","statusPurpose":"revocation","encodedList":"%s"}}`, s.srv.URL, s.did, s.srv.URL, enc)
		signed, err := dataintegrity.Sign(r.Context(), []byte(list), s.signer, dataintegrity.SignOptions{})
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Cache-Control", "max-age=0")
		w.Write(signed)
	default:
		http.NotFound(w, r)
	}
}

func (s *issuerSite) credential(index int, withStatus bool) []byte {
	status := ""
	if withStatus {
		status = fmt.Sprintf(`,"credentialStatus":{"id":"%s/status/1#%d","type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"%d","statusListCredential":"%s/status/1"}`, s.srv.URL, index, index, s.srv.URL)
	}
	return []byte(fmt.Sprintf(`{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
"id":"urn:uuid:6f2e33e5-7a29-4155-840a-59483ba1%04d","type":["VerifiableCredential","OpenBadgeCredential"],"name":"Guided Reading",
"issuer":{"id":"%s","type":["Profile"],"name":"State Board of Education"},"validFrom":"2026-01-01T00:00:00Z",
"credentialSubject":{"id":"did:example:teacher","type":["AchievementSubject"],"achievement":{"id":"https://example.org/achievements/1","type":["Achievement"],"name":"Guided Reading","description":"Leads guided reading groups.","criteria":{"narrative":"Lesson video scored against the rubric."}}}%s}`, index, s.did, status))
}

func siteVerifier(t *testing.T, s *issuerSite, allowPrivate bool) *verifier.Verifier {
	t.Helper()
	pool := s.srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	v, err := verifier.Configure(verifier.Config{AllowPrivate: allowPrivate, RootCAs: pool})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestDIDWebEndToEnd: a did:web issuer on a TLS server resolves, its status list is
// read, and a revoked index shows; by default the same loopback address is refused.
func TestDIDWebEndToEnd(t *testing.T) {
	ctx := context.Background()
	s := newIssuerSite(t)
	s.revoked[7] = true
	ldp, err := dataintegrity.Sign(ctx, s.credential(3, true), s.signer, dataintegrity.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	revoked, err := dataintegrity.Sign(ctx, s.credential(7, true), s.signer, dataintegrity.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	jwt, err := vcjwt.Sign(s.credential(5, false), s.signer, vcjwt.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}

	v := siteVerifier(t, s, true)
	for name, in := range map[string][]byte{"ldp": ldp, "jwt": []byte(jwt)} {
		r, err := v.Verify(ctx, in, verifier.VerifyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Verified {
			t.Fatalf("%s: not verified:\n%s", name, r.JSON())
		}
		if c := r.Check(verifier.CheckIssuerKey); c.Status != verifier.Pass {
			t.Errorf("%s: issuer key: %+v", name, c)
		}
	}
	r, _ := v.Verify(ctx, revoked, verifier.VerifyOptions{})
	if c := r.Check(verifier.CheckStatus); r.Verified || c == nil || !errors.Is(c.Err, verifier.ErrRevoked) || r.Summary.StatusState != verifier.StateRevoked {
		t.Fatalf("revoked credential: %s", r.JSON())
	}

	// Tampering after signing, each refused by the proof check.
	for name, edit := range map[string]func(string) string{
		"name": func(d string) string {
			return strings.Replace(d, "Guided Reading\",\n\"issuer", "Guided Writing\",\n\"issuer", 1)
		},
		"issuer": func(d string) string { return strings.Replace(d, "State Board of Education", "Another Board", 1) },
		"dates": func(d string) string {
			return strings.Replace(d, "2026-01-01T00:00:00Z\",\n\"credentialSubject", "2025-01-01T00:00:00Z\",\n\"credentialSubject", 1)
		},
	} {
		d := edit(string(ldp))
		if d == string(ldp) {
			t.Fatalf("%s: edit changed nothing", name)
		}
		r, _ := v.Verify(ctx, []byte(d), verifier.VerifyOptions{})
		if c := r.Check(verifier.CheckProof); r.Verified || c.Status != verifier.Fail || !errors.Is(c.Err, proof.ErrInvalidSignature) {
			t.Errorf("%s tampered: %s", name, r.JSON())
		}
	}

	// Default policy: the did:web host is a loopback address, so nothing is fetched.
	before := s.hits.Load()
	r, _ = siteVerifier(t, s, false).Verify(ctx, ldp, verifier.VerifyOptions{})
	if c := r.Check(verifier.CheckProof); r.Verified || c == nil || !errors.Is(c.Err, proof.ErrKeyResolution) {
		t.Fatalf("loopback did:web must be refused by default: %s", r.JSON())
	}
	if s.hits.Load() != before {
		t.Errorf("the refused verifier reached the server")
	}
}

// TestSSRFRefused: input URLs and status URLs naming private or metadata addresses
// are refused before any connection is made.
func TestSSRFRefused(t *testing.T) {
	ctx := context.Background()
	v, err := verifier.Configure(verifier.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"https://127.0.0.1/badge.json", "https://10.0.0.1/badge.json", "http://169.254.169.254/latest/meta-data/", "https://[::1]/x", "file:///etc/passwd"} {
		r, err := v.VerifyURL(ctx, u, verifier.VerifyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		c := r.Check(verifier.CheckParse)
		if r.Verified || c == nil || c.Status != verifier.Fail {
			t.Fatalf("%s: %s", u, r.JSON())
		}
		if !errors.Is(c.Err, fetch.ErrForbiddenAddress) && !errors.Is(c.Err, fetch.ErrScheme) {
			t.Errorf("%s: want a policy refusal, got %v", u, c.Err)
		}
	}

	// A credential whose status list lives on a private address: the status check
	// warns (never passes) and the credential is not verified as current.
	signer, _ := keys.Generate(keys.AlgEdDSA, "")
	did, vm, _ := keys.DIDKey(signer.Public().(ed25519.PublicKey))
	signer = keys.WithKeyID(signer, vm)
	cred := fmt.Sprintf(`{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
"id":"urn:uuid:1","type":["VerifiableCredential","OpenBadgeCredential"],"issuer":{"id":"%s","type":["Profile"],"name":"x"},"validFrom":"2026-01-01T00:00:00Z",
"credentialSubject":{"id":"did:example:t","type":["AchievementSubject"],"achievement":{"id":"https://example.org/a","type":["Achievement"],"name":"n","description":"d","criteria":{"narrative":"c"}}},
"credentialStatus":{"id":"https://10.0.0.1/status#1","type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"1","statusListCredential":"https://10.0.0.1/status"}}`, did)
	signed, err := dataintegrity.Sign(ctx, []byte(cred), signer, dataintegrity.SignOptions{Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := v.Verify(ctx, signed, verifier.VerifyOptions{})
	c := r.Check(verifier.CheckStatus)
	if r.Verified || c == nil || c.Status != verifier.Warn || !errors.Is(c.Err, fetch.ErrForbiddenAddress) {
		t.Fatalf("private status list: %s", r.JSON())
	}
	if p := r.Check(verifier.CheckProof); p.Status != verifier.Pass {
		t.Fatalf("proof should pass: %+v", p)
	}
}
