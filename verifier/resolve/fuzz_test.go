package resolve_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/obadge/obadge/proof"
	"github.com/obadge/obadge/verifier/resolve"
)

// FuzzDIDWebURL: an accepted did:web maps to an https URL with a plain host, no
// userinfo, query or fragment, a path ending in /did.json, and whose host and path
// round-trip back to the same DID.
func FuzzDIDWebURL(f *testing.F) {
	for _, s := range []string{
		"did:web:w3c-ccg.github.io", "did:web:example.com%3A3000:user:alice", "did:web:127.0.0.1%3A8443",
		"did:web:example.com%2F..%2Fadmin", "did:web:user%40host", "did:web:example.com:%2E%2E", "did:web:a:b:c",
		"did:web:xn--bcher-kva.example", "did:web:example.com%3A%2B443", "did:web:0x7f.1",
	} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, did string, allowIP bool) {
		raw, err := resolve.DIDWebURL(did, allowIP)
		if err != nil {
			if !errors.Is(err, resolve.ErrInvalidDID) {
				t.Fatalf("error %v does not wrap ErrInvalidDID", err)
			}
			return
		}
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatalf("%q mapped to unparseable %q: %v", did, raw, err)
		}
		if u.Scheme != "https" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" ||
			!strings.HasSuffix(u.Path, "/did.json") || strings.Contains(u.Path, "/../") || strings.Contains(u.Path, "/./") {
			t.Fatalf("%q mapped to %q", did, raw)
		}
		// Invert the mapping: host (port colon as %3A) and path segments.
		segs := strings.Split(strings.TrimSuffix(strings.TrimPrefix(u.Path, "/"), "/did.json"), "/")
		back := "did:web:" + strings.ReplaceAll(u.Host, ":", "%3A")
		if u.Path != "/.well-known/did.json" {
			for _, s := range segs {
				back += ":" + idEscape(s)
			}
		}
		again, err := resolve.DIDWebURL(back, allowIP)
		if err != nil || again != raw {
			t.Fatalf("%q -> %q -> %q -> %q, %v", did, raw, back, again, err)
		}
	})
}

// FuzzResolveDocument: any pinned document either yields an authorized method of
// the document, with a key, or an error wrapping one of the two proof sentinels;
// never a panic.
func FuzzResolveDocument(f *testing.F) {
	const did = "did:web:fuzz.example"
	f.Add([]byte(`{"id":"did:web:fuzz.example","verificationMethod":[{"id":"#k","type":"Multikey","controller":"did:web:fuzz.example","publicKeyMultibase":"z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"}],"assertionMethod":["#k"]}`), "#k")
	f.Add([]byte(`{"id":"did:web:fuzz.example","assertionMethod":{"id":"did:web:fuzz.example#k","type":"JsonWebKey","controller":"did:web:fuzz.example","publicKeyJwk":{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}}}`), "#k")
	f.Add([]byte(`{"id":"did:web:fuzz.example","verificationMethod":[{"id":"#k","type":"Ed25519VerificationKey2018","controller":"did:web:fuzz.example","publicKeyBase58":"H3C2AVvLMv6gmMNam3uVAjZpfkcJCwDwnZn6z3wXmqPV"}],"assertionMethod":["#k"]}`), "#k")
	f.Add([]byte(`{"kty":"EC"}`), "")
	f.Add([]byte(`[]`), "#x")
	f.Fuzz(func(t *testing.T, doc []byte, frag string) {
		if !json.Valid(doc) {
			return
		}
		r := resolve.New(resolve.Options{Documents: map[string]json.RawMessage{did: doc}})
		id := did + frag
		vm, err := r.ResolveMethod(t.Context(), id, proof.AssertionMethod)
		if err != nil {
			if !errors.Is(err, proof.ErrKeyResolution) && !errors.Is(err, proof.ErrKeyNotAuthorized) {
				t.Fatalf("error %v wraps neither proof sentinel", err)
			}
			return
		}
		if vm.ID != id || vm.Controller != did || vm.PublicKey == nil || !strings.HasPrefix(frag, "#") {
			t.Fatalf("method %+v for %q", vm, id)
		}
		if _, err := r.ResolveDocument(t.Context(), did); err != nil {
			t.Fatalf("method resolved but document does not: %v", err)
		}
	})
}

// idEscape percent-encodes everything outside the DID idchar set.
func idEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// FuzzDIDJWK: any bytes as the JWK of a did:jwk either resolve to a key under
// "#0" or fail with a proof sentinel.
func FuzzDIDJWK(f *testing.F) {
	f.Add([]byte(`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`))
	f.Add([]byte(`{"kty":"EC","crv":"P-256","x":"","y":""}`))
	f.Add([]byte(`{"kty":"oct","k":"AAAA"}`))
	f.Add([]byte(`null`))
	r := resolve.New(resolve.Options{})
	f.Fuzz(func(t *testing.T, jwk []byte) {
		did := "did:jwk:" + base64.RawURLEncoding.EncodeToString(jwk)
		vm, err := r.ResolveMethod(t.Context(), did+"#0", proof.AssertionMethod)
		if err != nil {
			if !errors.Is(err, proof.ErrKeyResolution) && !errors.Is(err, proof.ErrKeyNotAuthorized) {
				t.Fatalf("error %v wraps neither proof sentinel", err)
			}
			return
		}
		if vm.Controller != did || vm.PublicKey == nil || vm.Type != "JsonWebKey" {
			t.Fatalf("method %+v", vm)
		}
	})
}
