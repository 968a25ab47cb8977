package resolve_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/obadge/obadge/internal/fetch"
	"github.com/obadge/obadge/keys"
	"github.com/obadge/obadge/proof"
	"github.com/obadge/obadge/verifier/resolve"
)

// fixture keys: Ed25519 from fixed seeds, one P-256 key.
var (
	edKey1 = ed25519.NewKeyFromSeed(seed(1)).Public().(ed25519.PublicKey)
	edKey2 = ed25519.NewKeyFromSeed(seed(2)).Public().(ed25519.PublicKey)
	edKey3 = ed25519.NewKeyFromSeed(seed(3)).Public().(ed25519.PublicKey)
	p256   = mustP256()
)

func seed(b byte) []byte {
	s := make([]byte, ed25519.SeedSize)
	s[0] = b
	return s
}

func mustP256() *ecdsa.PublicKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return &k.PublicKey
}

func multibase(t testing.TB, pub crypto.PublicKey) string {
	t.Helper()
	s, err := keys.EncodePublicKeyMultibase(pub)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func jwkMap(t testing.TB, pub crypto.PublicKey) map[string]any {
	t.Helper()
	k, err := keys.JWKFromPublicKey(pub, "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(k)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// didDocument is the did:web document the test server publishes for did.
func didDocument(t testing.TB, did string) map[string]any {
	return map[string]any{
		"@context": []any{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"},
		"id":       did,
		"verificationMethod": []any{
			map[string]any{"id": "#key-1", "type": "Multikey", "controller": did, "publicKeyMultibase": multibase(t, edKey1)},
			map[string]any{"id": did + "#key-2", "type": "JsonWebKey", "controller": did, "publicKeyJwk": jwkMap(t, p256)},
			map[string]any{"id": did + "#key-2018", "type": "Ed25519VerificationKey2018", "controller": did, "publicKeyBase58": keys.Base58Encode(edKey2)},
			map[string]any{"id": did + "#auth-only", "type": "Multikey", "controller": did, "publicKeyMultibase": multibase(t, edKey2)},
			map[string]any{"id": did + "#foreign", "type": "Multikey", "controller": "did:web:evil.example", "publicKeyMultibase": multibase(t, edKey3)},
			map[string]any{"id": did + "#revoked", "type": "Multikey", "controller": did, "publicKeyMultibase": multibase(t, edKey3), "revoked": "2026-01-01T00:00:00Z"},
			map[string]any{"id": did + "#two-keys", "type": "Multikey", "controller": did, "publicKeyMultibase": multibase(t, edKey3), "publicKeyJwk": jwkMap(t, edKey3)},
			map[string]any{"id": did + "#odd-type", "type": "RsaVerificationKey2018", "controller": did, "publicKeyPem": "-----BEGIN..."},
		},
		"assertionMethod": []any{
			"#key-1",
			did + "#key-2",
			did + "#key-2018",
			map[string]any{"id": did + "#key-2020", "type": "Ed25519VerificationKey2020", "controller": did, "publicKeyMultibase": multibase(t, edKey3)},
			"#foreign", "#revoked", "#two-keys", "#odd-type",
			"#ghost", // referenced but listed nowhere
		},
		"authentication": []any{"#key-1", "#auth-only"},
	}
}

// server is a loopback TLS server publishing a did:web document, an issuer profile,
// a JWK, a method document and a few hostile documents; it counts requests by path.
type server struct {
	*httptest.Server
	did, origin string
	mu          sync.Mutex
	hits        map[string]int
	pool        *x509.CertPool
}

func (s *server) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func newServer(t *testing.T) *server {
	t.Helper()
	s := &server{hits: map[string]int{}}
	docs := map[string]func() (any, string){}
	s.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		f, ok := docs[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		v, cc := f()
		if cc != "" {
			w.Header().Set("Cache-Control", cc)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}))
	t.Cleanup(s.Close)
	s.pool = x509.NewCertPool()
	s.pool.AddCert(s.Certificate())
	s.origin = s.URL
	s.did = "did:web:" + strings.Replace(strings.TrimPrefix(s.URL, "https://"), ":", "%3A", 1)
	issuer := s.origin + "/issuer"
	docs["/.well-known/did.json"] = func() (any, string) { return didDocument(t, s.did), "" }
	docs["/user/alice/did.json"] = func() (any, string) {
		d := s.did + ":user:alice"
		return map[string]any{"id": d,
			"verificationMethod": []any{map[string]any{"id": d + "#k", "type": "Multikey", "controller": d, "publicKeyMultibase": multibase(t, edKey1)}},
			"assertionMethod":    []any{"#k"}}, ""
	}
	docs["/issuer"] = func() (any, string) {
		return map[string]any{
			"@context": []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
			"id":       issuer, "type": "Profile", "name": "Test issuer",
			"verificationMethod": []any{map[string]any{"id": issuer + "#" + multibase(t, edKey1), "type": "Multikey", "controller": issuer, "publicKeyMultibase": multibase(t, edKey1)}},
			"assertionMethod":    []any{issuer + "#" + multibase(t, edKey1), s.origin + "/vm"},
		}, "max-age=1"
	}
	docs["/vm"] = func() (any, string) {
		return map[string]any{"id": s.origin + "/vm", "type": "Multikey", "controller": issuer, "publicKeyMultibase": multibase(t, edKey2)}, ""
	}
	docs["/vm-unlisted"] = func() (any, string) {
		return map[string]any{"id": s.origin + "/vm-unlisted", "type": "Multikey", "controller": issuer, "publicKeyMultibase": multibase(t, edKey2)}, ""
	}
	docs["/keys/1"] = func() (any, string) { return jwkMap(t, p256), "" }
	docs["/slow/did.json"] = func() (any, string) {
		time.Sleep(150 * time.Millisecond) // long enough for concurrent resolutions to pile up
		d := s.did + ":slow"
		return map[string]any{"id": d,
			"verificationMethod": []any{map[string]any{"id": d + "#k", "type": "Multikey", "controller": d, "publicKeyMultibase": multibase(t, edKey1)}},
			"assertionMethod":    []any{"#k"}}, ""
	}
	docs["/keys/private"] = func() (any, string) {
		m := jwkMap(t, edKey1)
		m["d"] = base64.RawURLEncoding.EncodeToString(seed(1))
		return m, ""
	}
	docs["/wrong-id"] = func() (any, string) {
		d := didDocument(t, issuer) // claims to be the issuer
		return d, ""
	}
	docs["/no-store"] = func() (any, string) {
		id := s.origin + "/no-store"
		return map[string]any{"id": id,
			"verificationMethod": []any{map[string]any{"id": id + "#k", "type": "Multikey", "controller": id, "publicKeyMultibase": multibase(t, edKey1)}},
			"assertionMethod":    []any{"#k"}}, "no-store"
	}
	return s
}

// noDNS makes a fetch client fail any DNS lookup, and the test with it: these
// tests only talk to 127.0.0.1 by address.
func noDNS(t testing.TB) fetch.Option {
	return fetch.WithLookup(func(_ context.Context, host string) ([]netip.Addr, error) {
		t.Errorf("unexpected DNS lookup of %q", host)
		return nil, fmt.Errorf("test: no DNS (%s)", host)
	})
}

func (s *server) resolver(t testing.TB, now func() time.Time) *resolve.Resolver {
	return resolve.New(resolve.Options{
		Fetch: fetch.New(fetch.Policy{AllowPrivate: true, Timeout: 5 * time.Second}, fetch.WithRootCAs(s.pool), noDNS(t)),
		Now:   now,
	})
}

func TestResolveMethod(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	r := s.resolver(t, nil)
	did, issuer := s.did, s.origin+"/issuer"
	tests := []struct {
		name, id, rel string
		wantErr       []error
		wantType      string
		wantKey       crypto.PublicKey
		wantCtrl      string
	}{
		{"multikey relative ids", did + "#key-1", proof.AssertionMethod, nil, "Multikey", edKey1, did},
		{"multikey for authentication", did + "#key-1", proof.Authentication, nil, "Multikey", edKey1, did},
		{"jsonwebkey p256", did + "#key-2", proof.AssertionMethod, nil, "JsonWebKey", p256, did},
		{"ed25519 2018 base58", did + "#key-2018", proof.AssertionMethod, nil, "Ed25519VerificationKey2018", edKey2, did},
		{"ed25519 2020 embedded in relationship", did + "#key-2020", proof.AssertionMethod, nil, "Ed25519VerificationKey2020", edKey3, did},
		{"did:web with path", did + ":user:alice#k", proof.AssertionMethod, nil, "Multikey", edKey1, did + ":user:alice"},
		{"issuer profile multikey", issuer + "#" + multibase(t, edKey1), proof.AssertionMethod, nil, "Multikey", edKey1, issuer},
		{"method document listed by its controller", s.origin + "/vm", proof.AssertionMethod, nil, "Multikey", edKey2, issuer},
		{"jwk url", s.origin + "/keys/1", proof.AssertionMethod, nil, "JsonWebKey", p256, ""},

		{"wrong relationship", did + "#auth-only", proof.AssertionMethod, []error{proof.ErrKeyNotAuthorized}, "", nil, ""},
		{"not under authentication", did + "#key-2", proof.Authentication, []error{proof.ErrKeyNotAuthorized}, "", nil, ""},
		{"unknown relationship", did + "#key-1", "keyAgreement", []error{proof.ErrKeyNotAuthorized}, "", nil, ""},
		{"empty relationship", did + "#key-1", "", []error{proof.ErrKeyNotAuthorized}, "", nil, ""},
		{"controller mismatch", did + "#foreign", proof.AssertionMethod, []error{proof.ErrKeyNotAuthorized}, "", nil, ""},
		{"revoked method", did + "#revoked", proof.AssertionMethod, []error{proof.ErrKeyNotAuthorized}, "", nil, ""},
		{"referenced but not listed", did + "#ghost", proof.AssertionMethod, []error{proof.ErrKeyResolution, keys.ErrNotFound}, "", nil, ""},
		{"not in the document", did + "#nope", proof.AssertionMethod, []error{proof.ErrKeyResolution}, "", nil, ""},
		{"fragment names a key the document lacks", issuer + "#" + multibase(t, edKey3), proof.AssertionMethod, []error{proof.ErrKeyResolution}, "", nil, ""},
		{"two key members", did + "#two-keys", proof.AssertionMethod, []error{proof.ErrKeyResolution, resolve.ErrInvalidDocument}, "", nil, ""},
		{"unsupported type", did + "#odd-type", proof.AssertionMethod, []error{proof.ErrKeyResolution, keys.ErrUnsupportedKey}, "", nil, ""},
		{"method document not listed", s.origin + "/vm-unlisted", proof.AssertionMethod, []error{proof.ErrKeyNotAuthorized}, "", nil, ""},
		{"document id mismatch", s.origin + "/wrong-id#key-1", proof.AssertionMethod, []error{proof.ErrKeyResolution, resolve.ErrIDMismatch}, "", nil, ""},
		{"document named without fragment", did, proof.AssertionMethod, []error{proof.ErrKeyResolution}, "", nil, ""},
		{"jwk url with fragment", s.origin + "/keys/1#x", proof.AssertionMethod, []error{proof.ErrKeyResolution}, "", nil, ""},
		{"private jwk", s.origin + "/keys/private", proof.AssertionMethod, []error{proof.ErrKeyResolution, keys.ErrPrivateKeyMaterial}, "", nil, ""},
		{"404", s.origin + "/missing#k", proof.AssertionMethod, []error{proof.ErrKeyResolution, fetch.ErrStatus}, "", nil, ""},
		{"fragment only", "#key-1", proof.AssertionMethod, []error{proof.ErrKeyResolution}, "", nil, ""},
		{"bare name", "key-1", proof.AssertionMethod, []error{proof.ErrKeyResolution}, "", nil, ""},
		{"empty fragment", did + "#", proof.AssertionMethod, []error{proof.ErrKeyResolution}, "", nil, ""},
		{"unknown did method", "did:example:123#k", proof.AssertionMethod, []error{proof.ErrKeyResolution, resolve.ErrUnsupportedMethod}, "", nil, ""},
		{"http refused by policy", strings.Replace(issuer, "https:", "http:", 1) + "#k", proof.AssertionMethod, []error{proof.ErrKeyResolution, fetch.ErrScheme}, "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			vm, err := r.ResolveMethod(t.Context(), tt.id, tt.rel)
			if tt.wantErr != nil {
				for _, want := range tt.wantErr {
					if !errors.Is(err, want) {
						t.Fatalf("ResolveMethod(%q, %q) = %v, want %v", tt.id, tt.rel, err, want)
					}
				}
				if vm != nil {
					t.Fatalf("got a method with an error")
				}
				return
			}
			if err != nil {
				t.Fatalf("ResolveMethod(%q, %q): %v", tt.id, tt.rel, err)
			}
			if vm.ID != tt.id || vm.Type != tt.wantType || vm.Controller != tt.wantCtrl {
				t.Fatalf("method = {%s %s %s}, want {%s %s %s}", vm.ID, vm.Type, vm.Controller, tt.id, tt.wantType, tt.wantCtrl)
			}
			if k, ok := vm.PublicKey.(interface{ Equal(crypto.PublicKey) bool }); !ok || !k.Equal(tt.wantKey) {
				t.Fatalf("key = %v, want %v", vm.PublicKey, tt.wantKey)
			}
		})
	}
}

// TestLoopbackRefusedByDefault: the same server, did:web and URL are refused with the
// default fetch policy, before any request reaches it.
func TestLoopbackRefusedByDefault(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	r := resolve.New(resolve.Options{Fetch: fetch.New(fetch.Policy{}, fetch.WithRootCAs(s.pool), noDNS(t))})
	tests := []struct {
		id      string
		wantErr error
	}{
		{s.did + "#key-1", resolve.ErrInvalidDID},                      // did:web forbids IP hosts
		{s.origin + "/issuer#k", fetch.ErrForbiddenAddress},            // fetch refuses loopback
		{s.origin + "/keys/1", fetch.ErrForbiddenAddress},              // even a bare JWK
		{"did:web:169.254.169.254#k", resolve.ErrInvalidDID},           // metadata address
		{"did:web:2130706433#k", resolve.ErrInvalidDID},                // decimal IP
		{"did:web:localhost%3A8443#k", fetch.ErrForbiddenAddress},      // a name for loopback
		{"https://[::ffff:127.0.0.1]:1/#k", fetch.ErrForbiddenAddress}, // mapped loopback
		{"did:web:example.com%2F..%2Fadmin#k", resolve.ErrInvalidDID},  // path smuggled into the host
		{"did:web:user%40127.0.0.1#k", resolve.ErrInvalidDID},          // userinfo smuggled into the host
		{"did:web:example.com:..:admin#k", resolve.ErrInvalidDID},      // dot-segment
		{"did:web:example.com:a%2Fb#k", resolve.ErrInvalidDID},         // encoded slash in a segment
		{"did:web:example.com?service=files#k", resolve.ErrInvalidDID}, // query
		{"did:web:[::1]#k", resolve.ErrInvalidDID},                     // bracketed v6
		{"did:web:%5B%3A%3A1%5D%3A443#k", resolve.ErrInvalidDID},       // encoded v6
		{"did:web:example.com%3A0#k", resolve.ErrInvalidDID},           // port 0
		{"did:web:exa_mple.com#k", resolve.ErrInvalidDID},              // not a host name
		{"did:web:#k", resolve.ErrInvalidDID},                          // empty
		{"did:web:127.0.0.1%3A443:user#k", resolve.ErrInvalidDID},      // IP with path
		{"did:web:0x7f000001#k", resolve.ErrInvalidDID},                // hex IP
		{"did:web:example.com%3A443%3A80#k", resolve.ErrInvalidDID},    // two ports
		{"did:web:EXAMPLE.COM%0A#k", resolve.ErrInvalidDID},            // control character
		{"did:web:example.com%3Aabc#k", resolve.ErrInvalidDID},         // non-numeric port
		{"did:web:-example.com#k", resolve.ErrInvalidDID},              // bad label
		{"did:web:example.com:%2E%2E#k", resolve.ErrInvalidDID},        // encoded dot-segment
		{"did:web:example.com:a:#k", resolve.ErrInvalidDID},            // empty segment
		{"did:web:exam%ple.com#k", resolve.ErrInvalidDID},              // bad escape
		{"did:web:example.com%3A65536#k", resolve.ErrInvalidDID},       // port out of range
		{"did:web:example.com%3A%2B443#k", resolve.ErrInvalidDID},      // signed port
		{"did:web:127.0.0.1%3A" + s.URL[strings.LastIndex(s.URL, ":")+1:] + "#key-1", resolve.ErrInvalidDID},
	}
	for _, tt := range tests {
		_, err := r.ResolveMethod(t.Context(), tt.id, proof.AssertionMethod)
		if !errors.Is(err, proof.ErrKeyResolution) || !errors.Is(err, tt.wantErr) {
			t.Errorf("ResolveMethod(%q) = %v, want ErrKeyResolution and %v", tt.id, err, tt.wantErr)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.hits) != 0 {
		t.Fatalf("refused resolutions reached the server: %v", s.hits)
	}
}

func TestDIDKey(t *testing.T) {
	t.Parallel()
	r := resolve.New(resolve.Options{}) // no network at all
	mb := multibase(t, edKey1)
	did := "did:key:" + mb
	mbP := multibase(t, p256)
	tests := []struct {
		name, id string
		rel      string
		wantID   string
		wantKey  crypto.PublicKey
		wantErr  error
	}{
		{"bare did:key", did, proof.AssertionMethod, did + "#" + mb, edKey1, nil},
		{"did:key with its fragment", did + "#" + mb, proof.AssertionMethod, did + "#" + mb, edKey1, nil},
		{"authentication", did, proof.Authentication, did + "#" + mb, edKey1, nil},
		{"p-256", "did:key:" + mbP, proof.AssertionMethod, "did:key:" + mbP + "#" + mbP, p256, nil},
		{"w3c vc-di-eddsa vector", "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", proof.AssertionMethod,
			"did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", nil, nil},
		{"wrong fragment", did + "#key-1", proof.AssertionMethod, "", nil, proof.ErrKeyResolution},
		{"another key's fragment", did + "#" + multibase(t, edKey2), proof.AssertionMethod, "", nil, proof.ErrKeyResolution},
		{"keyAgreement not listed", did, "keyAgreement", "", nil, proof.ErrKeyNotAuthorized},
		{"garbage", "did:key:zzzz", proof.AssertionMethod, "", nil, keys.ErrInvalidDID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			vm, err := r.ResolveMethod(t.Context(), tt.id, tt.rel)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ResolveMethod(%q) = %v, want %v", tt.id, err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if vm.ID != tt.wantID || vm.Type != "Multikey" || vm.Controller != strings.SplitN(tt.id, "#", 2)[0] {
				t.Fatalf("method = %+v", vm)
			}
			if tt.wantKey != nil && !tt.wantKey.(interface{ Equal(crypto.PublicKey) bool }).Equal(vm.PublicKey) {
				t.Fatal("wrong key")
			}
		})
	}
}

func TestDIDJWK(t *testing.T) {
	t.Parallel()
	r := resolve.New(resolve.Options{})
	enc := func(m map[string]any) string {
		return "did:jwk:" + base64.RawURLEncoding.EncodeToString(mustJSON(t, m))
	}
	didP := enc(jwkMap(t, p256))
	didEd := enc(jwkMap(t, edKey1))
	priv := jwkMap(t, edKey1)
	priv["d"] = base64.RawURLEncoding.EncodeToString(seed(1))
	encUse := jwkMap(t, p256)
	encUse["use"] = "enc"
	tests := []struct {
		name, id, rel string
		wantKey       crypto.PublicKey
		wantErr       error
	}{
		{"p-256", didP + "#0", proof.AssertionMethod, p256, nil},
		{"ed25519", didEd + "#0", proof.Authentication, edKey1, nil},
		{"other fragment", didP + "#1", proof.AssertionMethod, nil, proof.ErrKeyResolution},
		{"no fragment", didP, proof.AssertionMethod, nil, proof.ErrKeyResolution},
		{"keyAgreement not listed for a signing key", didP + "#0", "keyAgreement", nil, proof.ErrKeyNotAuthorized},
		{"private key material", enc(priv) + "#0", proof.AssertionMethod, nil, keys.ErrPrivateKeyMaterial},
		{"encryption key", enc(encUse) + "#0", proof.AssertionMethod, nil, resolve.ErrInvalidDID},
		{"not base64url", "did:jwk:***#0", proof.AssertionMethod, nil, resolve.ErrInvalidDID},
		{"padded", "did:jwk:" + base64.URLEncoding.EncodeToString([]byte(`{"kty":"OKP"}`)) + "#0", proof.AssertionMethod, nil, resolve.ErrInvalidDID},
		{"not a jwk", "did:jwk:" + base64.RawURLEncoding.EncodeToString([]byte(`[1,2]`)) + "#0", proof.AssertionMethod, nil, resolve.ErrInvalidDID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			vm, err := r.ResolveMethod(t.Context(), tt.id, tt.rel)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ResolveMethod = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if vm.ID != tt.id || vm.Type != "JsonWebKey" || !tt.wantKey.(interface{ Equal(crypto.PublicKey) bool }).Equal(vm.PublicKey) {
				t.Fatalf("method = %+v", vm)
			}
		})
	}
}

func TestPinnedDocuments(t *testing.T) {
	t.Parallel()
	did := "did:web:badges.example.gov"
	doc := mustJSON(t, didDocument(t, did))
	profile := "https://issuer.example.org/profile"
	jwkURL := "https://issuer.example.org/keys/1"
	pinnedKey := "did:key:" + multibase(t, edKey2)
	other := didDocument(t, pinnedKey) // a pinned document overrides even did:key
	r := resolve.New(resolve.Options{
		Documents: map[string]json.RawMessage{
			did:       doc,
			profile:   mustJSON(t, map[string]any{"id": "https://elsewhere.example/profile"}), // lies about its id
			jwkURL:    mustJSON(t, jwkMap(t, p256)),
			pinnedKey: mustJSON(t, other),
		},
		Offline: true,
	})
	vm, err := r.ResolveMethod(t.Context(), did+"#key-1", proof.AssertionMethod)
	if err != nil || !edKey1.Equal(vm.PublicKey) {
		t.Fatalf("pinned did:web: %v %+v", err, vm)
	}
	if _, err := r.ResolveMethod(t.Context(), did+"#auth-only", proof.AssertionMethod); !errors.Is(err, proof.ErrKeyNotAuthorized) {
		t.Fatalf("pinned documents are still checked: %v", err)
	}
	if _, err := r.ResolveMethod(t.Context(), profile+"#k", proof.AssertionMethod); !errors.Is(err, resolve.ErrIDMismatch) {
		t.Fatalf("pinned profile with a wrong id: %v", err)
	}
	if vm, err := r.ResolveMethod(t.Context(), jwkURL, proof.AssertionMethod); err != nil || !p256.Equal(vm.PublicKey) || vm.Controller != "" {
		t.Fatalf("pinned JWK: %v %+v", err, vm)
	}
	if vm, err := r.ResolveMethod(t.Context(), pinnedKey+"#key-1", proof.AssertionMethod); err != nil || !edKey1.Equal(vm.PublicKey) {
		t.Fatalf("pinned document over did:key: %v %+v", err, vm)
	}
	for _, id := range []string{"did:web:other.example#k", "https://other.example/p#k"} {
		if _, err := r.ResolveMethod(t.Context(), id, proof.AssertionMethod); !errors.Is(err, fetch.ErrOffline) || !errors.Is(err, proof.ErrKeyResolution) {
			t.Fatalf("offline %s: %v", id, err)
		}
	}
	doc[0] = '[' // the resolver copied the pinned bytes
	if _, err := r.ResolveMethod(t.Context(), did+"#key-1", proof.AssertionMethod); err != nil {
		t.Fatalf("caller's later edits leaked into the resolver: %v", err)
	}
}

func TestResolveDocumentReturnsFreshMaps(t *testing.T) {
	t.Parallel()
	did := "did:web:badges.example.gov"
	r := resolve.New(resolve.Options{Documents: map[string]json.RawMessage{did: mustJSON(t, didDocument(t, did))}})
	d1, err := r.ResolveDocument(t.Context(), did+"#ignored")
	if err != nil {
		t.Fatal(err)
	}
	d1["id"] = "mutated"
	d1["assertionMethod"] = []any{"#auth-only"}
	if _, err := r.ResolveMethod(t.Context(), did+"#auth-only", proof.AssertionMethod); !errors.Is(err, proof.ErrKeyNotAuthorized) {
		t.Fatalf("mutating a returned document changed the resolver: %v", err)
	}
}

func TestCache(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var mu sync.Mutex
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	r := s.resolver(t, clock)
	resolveN := func(id string, n int) {
		t.Helper()
		for range n {
			if _, err := r.ResolveMethod(t.Context(), id, proof.AssertionMethod); err != nil {
				t.Fatal(err)
			}
		}
	}
	const wk = "/.well-known/did.json"
	resolveN(s.did+"#key-1", 3)
	resolveN(s.did+"#key-2", 2)
	if got := s.count(wk); got != 1 {
		t.Fatalf("did.json fetched %d times within the TTL, want 1", got)
	}
	advance(resolve.DefaultCacheTTL + time.Second)
	resolveN(s.did+"#key-1", 1)
	if got := s.count(wk); got != 2 {
		t.Fatalf("did.json fetched %d times after the TTL, want 2", got)
	}
	// max-age=1 shortens the TTL.
	resolveN(s.origin+"/issuer#"+multibase(t, edKey1), 2)
	advance(2 * time.Second)
	resolveN(s.origin+"/issuer#"+multibase(t, edKey1), 1)
	if got := s.count("/issuer"); got != 2 {
		t.Fatalf("/issuer (max-age=1) fetched %d times, want 2", got)
	}
	// no-store is never cached.
	resolveN(s.origin+"/no-store#k", 3)
	if got := s.count("/no-store"); got != 3 {
		t.Fatalf("/no-store fetched %d times, want 3", got)
	}
	// Failures are not cached.
	for range 2 {
		_, _ = r.ResolveMethod(t.Context(), s.origin+"/missing#k", proof.AssertionMethod)
	}
	if got := s.count("/missing"); got != 2 {
		t.Fatalf("/missing fetched %d times, want 2", got)
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	r := resolve.New(resolve.Options{
		Fetch:     fetch.New(fetch.Policy{AllowPrivate: true}, fetch.WithRootCAs(s.pool), noDNS(t)),
		CacheSize: 2,
	})
	ids := []string{s.did + "#key-1", s.did + ":user:alice#k", s.origin + "/issuer#" + multibase(t, edKey1), s.origin + "/keys/1", s.origin + "/vm"}
	var wg sync.WaitGroup
	var failures atomic.Int64
	for i := range 40 {
		wg.Go(func() {
			if _, err := r.ResolveMethod(context.Background(), ids[i%len(ids)], proof.AssertionMethod); err != nil {
				failures.Add(1)
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if failures.Load() != 0 {
		t.Fatalf("%d failures", failures.Load())
	}
}

// TestSharedFetch: concurrent resolutions of one document make one request.
func TestSharedFetch(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	r := s.resolver(t, nil)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := r.ResolveMethod(context.Background(), s.did+":slow#k", proof.AssertionMethod); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := s.count("/slow/did.json"); got != 1 {
		t.Fatalf("20 concurrent resolutions made %d requests, want 1", got)
	}
	// A caller whose context ends stops waiting, without harming the others.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	r2 := s.resolver(t, nil)
	done := make(chan error, 1)
	go func() {
		_, err := r2.ResolveMethod(context.Background(), s.did+":slow#k", proof.AssertionMethod)
		done <- err
	}()
	time.Sleep(10 * time.Millisecond)
	if _, err := r2.ResolveMethod(ctx, s.did+":slow#k", proof.AssertionMethod); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiter with an expired context: %v", err)
	}
	if err := <-done; err != nil {
		t.Errorf("leader: %v", err)
	}
}

func TestDIDWebURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		did, want string
		allowIP   bool
		wantErr   error
	}{
		{"did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json", false, nil},
		{"did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json", false, nil},
		{"did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json", false, nil},
		{"did:web:example.com:a%20b", "https://example.com/a%20b/did.json", false, nil},
		{"did:web:example.com:%3F", "https://example.com/%3F/did.json", false, nil}, // stays a path character
		{"did:web:127.0.0.1%3A8443", "https://127.0.0.1:8443/.well-known/did.json", true, nil},
		{"did:web:127.0.0.1%3A8443", "", false, resolve.ErrInvalidDID},
		{"did:web:[::1]", "", true, resolve.ErrInvalidDID},
		{"did:web:example.com#frag", "", false, resolve.ErrInvalidDID},
		{"did:key:z6Mk", "", false, resolve.ErrInvalidDID},
		{"did:web:" + strings.Repeat("a", 3000), "", false, resolve.ErrInvalidDID},
		{"did:web:" + strings.Repeat("a", 64) + ".com", "", false, resolve.ErrInvalidDID},
	}
	for _, tt := range tests {
		got, err := resolve.DIDWebURL(tt.did, tt.allowIP)
		if !errors.Is(err, tt.wantErr) || got != tt.want {
			t.Errorf("DIDWebURL(%.40q, %v) = %q, %v; want %q, %v", tt.did, tt.allowIP, got, err, tt.want, tt.wantErr)
		}
	}
}

func ExampleDIDWebURL() {
	u, _ := resolve.DIDWebURL("did:web:example.com%3A3000:user:alice", false)
	fmt.Println(u)
	// Output: https://example.com:3000/user/alice/did.json
}

// TestDocumentRules exercises the checks on document contents through pinned
// documents (no network).
func TestDocumentRules(t *testing.T) {
	t.Parallel()
	const did = "did:web:rules.example"
	vm := func(frag string, extra map[string]any) map[string]any {
		m := map[string]any{"id": did + frag, "type": "Multikey", "controller": did, "publicKeyMultibase": multibase(t, edKey1)}
		for k, v := range extra {
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
		return m
	}
	doc := func(vms []any, rel any) json.RawMessage {
		return mustJSON(t, map[string]any{"id": did, "verificationMethod": vms, "assertionMethod": rel})
	}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		doc     json.RawMessage
		maxDoc  int64
		wantErr error
	}{
		{"baseline", doc([]any{vm("#k", nil)}, []any{"#k"}), 0, nil},
		{"relationship as a single string", doc([]any{vm("#k", nil)}, "#k"), 0, nil},
		{"relationship as a single embedded object", doc(nil, vm("#k", nil)), 0, nil},
		{"listed twice identically (relative and absolute)", doc([]any{vm("#k", nil)}, []any{vm("#k", map[string]any{"id": "#k"})}), 0, nil},
		{"listed twice with different keys", doc([]any{vm("#k", nil)}, []any{vm("#k", map[string]any{"publicKeyMultibase": multibase(t, edKey2)})}), 0, resolve.ErrInvalidDocument},
		{"expires in the future", doc([]any{vm("#k", map[string]any{"expires": "2027-01-01T00:00:00Z"})}, []any{"#k"}), 0, nil},
		{"expired", doc([]any{vm("#k", map[string]any{"expires": "2026-01-01T00:00:00Z"})}, []any{"#k"}), 0, proof.ErrKeyNotAuthorized},
		{"unparseable expires", doc([]any{vm("#k", map[string]any{"expires": "soon"})}, []any{"#k"}), 0, resolve.ErrInvalidDocument},
		{"no controller", doc([]any{vm("#k", map[string]any{"controller": nil})}, []any{"#k"}), 0, proof.ErrKeyNotAuthorized},
		{"relative controller", doc([]any{vm("#k", map[string]any{"controller": "#k"})}, []any{"#k"}), 0, proof.ErrKeyNotAuthorized},
		{"no key", doc([]any{vm("#k", map[string]any{"publicKeyMultibase": nil})}, []any{"#k"}), 0, resolve.ErrInvalidDocument},
		{"key of the wrong JSON type", doc([]any{vm("#k", map[string]any{"publicKeyMultibase": 42})}, []any{"#k"}), 0, resolve.ErrInvalidDocument},
		{"2020 type with a P-256 key", doc([]any{vm("#k", map[string]any{"type": "Ed25519VerificationKey2020", "publicKeyMultibase": multibase(t, p256)})}, []any{"#k"}), 0, keys.ErrInvalidKey},
		{"2018 key of the wrong length", doc([]any{vm("#k", map[string]any{"type": "Ed25519VerificationKey2018", "publicKeyMultibase": nil, "publicKeyBase58": keys.Base58Encode(edKey1[:31])})}, []any{"#k"}), 0, keys.ErrInvalidKey},
		{"jwk not an object", doc([]any{vm("#k", map[string]any{"type": "JsonWebKey", "publicKeyMultibase": nil, "publicKeyJwk": "x"})}, []any{"#k"}), 0, resolve.ErrInvalidDocument},
		{"missing type", doc([]any{vm("#k", map[string]any{"type": nil})}, []any{"#k"}), 0, keys.ErrUnsupportedKey},
		{"method id of another document", doc([]any{vm("#k", map[string]any{"id": "did:web:other.example#k"})}, []any{"did:web:other.example#k"}), 0, keys.ErrNotFound},
		{"not an object", json.RawMessage(`["id"]`), 0, resolve.ErrInvalidDocument},
		{"null", json.RawMessage(`null`), 0, resolve.ErrInvalidDocument},
		{"trailing garbage", json.RawMessage(`{"id":"` + did + `"} {}`), 0, resolve.ErrInvalidDocument},
		{"too large", doc([]any{vm("#k", nil)}, []any{"#k"}), 64, resolve.ErrInvalidDocument},
		{"a bare JWK for a DID", mustJSON(t, jwkMap(t, p256)), 0, resolve.ErrInvalidDocument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := resolve.New(resolve.Options{
				Documents:   map[string]json.RawMessage{did: tt.doc},
				Now:         func() time.Time { return now },
				MaxDocBytes: tt.maxDoc,
			})
			vm, err := r.ResolveMethod(t.Context(), did+"#k", proof.AssertionMethod)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ResolveMethod = %v, want %v", err, tt.wantErr)
			}
			if err == nil && (vm.ID != did+"#k" || vm.Controller != did || !edKey1.Equal(vm.PublicKey)) {
				t.Fatalf("method = %+v", vm)
			}
			if err != nil && !errors.Is(err, proof.ErrKeyResolution) && !errors.Is(err, proof.ErrKeyNotAuthorized) {
				t.Fatalf("error %v wraps neither proof sentinel", err)
			}
		})
	}
}

// TestMethodDocumentConflict: a controller that embeds a different key under the id
// of a separately published method document does not authorize it.
func TestMethodDocumentConflict(t *testing.T) {
	t.Parallel()
	const issuer, vmURL = "https://issuer.example/profile", "https://issuer.example/keys/a"
	vmDoc := map[string]any{"id": vmURL, "type": "Multikey", "controller": issuer, "publicKeyMultibase": multibase(t, edKey1)}
	conflicting := map[string]any{"id": vmURL, "type": "Multikey", "controller": issuer, "publicKeyMultibase": multibase(t, edKey2)}
	for _, tt := range []struct {
		name    string
		listed  any
		wantErr error
	}{
		{"referenced", vmURL, nil},
		{"embedded identically", vmDoc, nil},
		{"embedded with another key", conflicting, proof.ErrKeyNotAuthorized},
		{"not listed", "https://issuer.example/keys/b", proof.ErrKeyNotAuthorized},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := resolve.New(resolve.Options{Documents: map[string]json.RawMessage{
				vmURL:  mustJSON(t, vmDoc),
				issuer: mustJSON(t, map[string]any{"id": issuer, "assertionMethod": []any{tt.listed}}),
			}})
			vm, err := r.ResolveMethod(t.Context(), vmURL, proof.AssertionMethod)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ResolveMethod = %v, want %v", err, tt.wantErr)
			}
			if err == nil && (vm.Controller != issuer || !edKey1.Equal(vm.PublicKey)) {
				t.Fatalf("method = %+v", vm)
			}
		})
	}
}

func TestJWKSet(t *testing.T) {
	t.Parallel()
	const set = "https://issuer.example/.well-known/jwks.json"
	withKid := func(pub crypto.PublicKey, kid string) map[string]any {
		m := jwkMap(t, pub)
		m["kid"] = kid
		return m
	}
	r := resolve.New(resolve.Options{Documents: map[string]json.RawMessage{
		set: mustJSON(t, map[string]any{"keys": []any{
			withKid(p256, "es-1"), withKid(edKey1, set+"#ed-1"), withKid(edKey2, "dup"), withKid(edKey3, "dup"), "junk",
		}}),
		"did:web:jwks.example": mustJSON(t, map[string]any{"keys": []any{withKid(p256, "es-1")}}),
	}})
	tests := []struct {
		id      string
		want    crypto.PublicKey
		wantErr error
	}{
		{set + "#es-1", p256, nil},
		{set + "#ed-1", edKey1, nil}, // kid written as the whole URL
		{set + "#nope", nil, keys.ErrNotFound},
		{set + "#dup", nil, resolve.ErrInvalidDocument},
		{set, nil, resolve.ErrInvalidDocument},
		{"did:web:jwks.example#es-1", nil, resolve.ErrInvalidDocument}, // a DID must resolve to a DID document
	}
	for _, tt := range tests {
		vm, err := r.ResolveMethod(t.Context(), tt.id, proof.AssertionMethod)
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("ResolveMethod(%q) = %v, want %v", tt.id, err, tt.wantErr)
			continue
		}
		if err == nil && (vm.ID != tt.id || vm.Type != "JsonWebKey" || vm.Controller != "" ||
			!tt.want.(interface{ Equal(crypto.PublicKey) bool }).Equal(vm.PublicKey)) {
			t.Errorf("ResolveMethod(%q) = %+v", tt.id, vm)
		}
	}
}
