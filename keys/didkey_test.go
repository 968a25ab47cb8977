package keys_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/obadge/obadge/internal/testutil"
	"github.com/obadge/obadge/keys"
)

const (
	diDID = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
	diMB  = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
)

func TestResolveDIDKey(t *testing.T) {
	t.Parallel()
	p256 := p256Key(t)
	p256DID, p256VM, err := keys.DIDKey(&p256.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	ed := []byte{0xed, 0x01}
	tests := []struct {
		name     string
		in       string
		wantID   string
		wantErrs []error
	}{
		{name: "bare", in: diDID, wantID: diDID},
		{name: "DID URL of the method", in: diDID + "#" + diMB, wantID: diDID},
		{name: "p256", in: p256VM, wantID: p256DID},
		{name: "wrong fragment", in: diDID + "#key-1", wantErrs: []error{keys.ErrInvalidDID}},
		{name: "other key's fragment", in: diDID + "#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", wantErrs: []error{keys.ErrInvalidDID}},
		{name: "empty fragment", in: diDID + "#", wantErrs: []error{keys.ErrInvalidDID}},
		{name: "query", in: diDID + "?versionId=1", wantErrs: []error{keys.ErrInvalidDID}},
		{name: "path", in: diDID + "/path", wantErrs: []error{keys.ErrInvalidDID}},
		{name: "did:web", in: "did:web:example.org", wantErrs: []error{keys.ErrInvalidDID}},
		{name: "upper-case method", in: "did:KEY:" + diMB, wantErrs: []error{keys.ErrInvalidDID}},
		{name: "versioned form", in: "did:key:1.0:" + diMB, wantErrs: []error{keys.ErrInvalidDID}},
		{name: "empty key", in: "did:key:", wantErrs: []error{keys.ErrInvalidDID, keys.ErrInvalidMultibase}},
		{name: "not base58btc", in: "did:key:u7QE", wantErrs: []error{keys.ErrInvalidDID, keys.ErrInvalidMultibase}},
		{name: "short key", in: "did:key:" + multikeyOf(ed, make([]byte, 31)), wantErrs: []error{keys.ErrInvalidDID, keys.ErrInvalidMultibase}},
		{name: "long key", in: "did:key:" + multikeyOf(ed, make([]byte, 33)), wantErrs: []error{keys.ErrInvalidDID, keys.ErrInvalidMultibase}},
		{name: "x25519", in: "did:key:" + multikeyOf([]byte{0xec, 0x01}, make([]byte, 32)), wantErrs: []error{keys.ErrInvalidDID, keys.ErrUnsupportedKey}},
		{name: "too long", in: "did:key:z" + strings.Repeat("2", 400), wantErrs: []error{keys.ErrInvalidDID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc, err := keys.ResolveDIDKey(tt.in)
			for _, want := range tt.wantErrs {
				if !errors.Is(err, want) {
					t.Fatalf("error %v does not wrap %v", err, want)
				}
			}
			if len(tt.wantErrs) > 0 {
				if doc != nil {
					t.Fatal("document returned with an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkDIDKeyDoc(t, doc, tt.wantID)
		})
	}
}

func checkDIDKeyDoc(t *testing.T, doc *keys.DIDDocument, did string) {
	t.Helper()
	mb := strings.TrimPrefix(did, "did:key:")
	vmID := did + "#" + mb
	if doc.ID != did || len(doc.Context) != 2 || doc.Context[0] != keys.ContextDIDv1 || doc.Context[1] != keys.ContextMultikeyV1 {
		t.Fatalf("id %q context %v", doc.ID, doc.Context)
	}
	if len(doc.VerificationMethod) != 1 {
		t.Fatalf("%d verification methods", len(doc.VerificationMethod))
	}
	vm := doc.VerificationMethod[0]
	if vm.ID != vmID || vm.Type != keys.TypeMultikey || vm.Controller != did || vm.PublicKeyMultibase != mb || vm.PublicKeyJwk != nil {
		t.Fatalf("verification method %+v", vm)
	}
	for _, rel := range []string{keys.RelAuthentication, keys.RelAssertionMethod, keys.RelCapabilityInvocation, keys.RelCapabilityDelegation} {
		if !doc.Authorizes(rel, vmID) {
			t.Errorf("%s does not list %s", rel, vmID)
		}
	}
	if doc.Authorizes(keys.RelKeyAgreement, vmID) {
		t.Error("an Ed25519/P-256 signing key is listed for keyAgreement")
	}
	got, err := doc.Method(vmID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := got.PublicKey(); err != nil {
		t.Fatal(err)
	}
}

// TestResolveDIDKeyDocument pins the JSON of the did:key document of vc-di-eddsa's
// key pair (golden file) and checks its key is the one keyPair.json publishes.
func TestResolveDIDKeyDocument(t *testing.T) {
	t.Parallel()
	kp := readDIKeyPair(t)
	doc, err := keys.ResolveDIDKey("did:key:" + kp.PublicKeyMultibase)
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, "didkey-z6MkrJVn.json", append(out, '\n'))
	s, err := keys.ParseSecretKeyMultibase(kp.PrivateKeyMultibase, "k")
	if err != nil {
		t.Fatal(err)
	}
	pub, err := doc.VerificationMethod[0].PublicKey()
	if err != nil || !pub.(ed25519.PublicKey).Equal(s.Public()) {
		t.Fatalf("document key differs from the key pair: %v", err)
	}
	// The document decodes back to the same value.
	var back keys.DIDDocument
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	again, _ := json.MarshalIndent(&back, "", "  ")
	if string(again) != string(out) {
		t.Fatalf("JSON round trip changed the document:\n%s", again)
	}
}

func TestDIDKeyP256(t *testing.T) {
	t.Parallel()
	k := p256Key(t)
	did, vm, err := keys.DIDKey(&k.PublicKey)
	if err != nil || !strings.HasPrefix(did, "did:key:zDn") || vm != did+"#"+strings.TrimPrefix(did, "did:key:") {
		t.Fatalf("did %q vm %q err %v", did, vm, err)
	}
	doc, err := keys.ResolveDIDKey(vm)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := doc.VerificationMethod[0].PublicKey()
	if err != nil || !pub.(*ecdsa.PublicKey).Equal(&k.PublicKey) {
		t.Fatalf("key %v", err)
	}
	rsaStrong, _ := rsaKeys(t)
	if _, _, err := keys.DIDKey(&rsaStrong.PublicKey); !errors.Is(err, keys.ErrUnsupportedKey) {
		t.Fatalf("DIDKey(RSA): %v", err)
	}
}

// TestDIDDocumentJSON decodes a did:web style document using the other forms DID
// Core allows: a single @context string, relative method ids, an embedded method,
// publicKeyJwk, a controller set, services, alsoKnownAs.
func TestDIDDocumentJSON(t *testing.T) {
	t.Parallel()
	v := readOBVector(t).KeyPair
	pubHex := v.PublicKeyHex
	jwkX := jwkXFromHex(t, pubHex)
	in := `{
	  "@context": "https://www.w3.org/ns/did/v1",
	  "id": "did:web:example.org",
	  "alsoKnownAs": ["https://example.org/issuer"],
	  "controller": ["did:web:example.org", "did:web:other.example"],
	  "verificationMethod": [
	    {"id": "#key-1", "type": "Multikey", "controller": "did:web:example.org", "publicKeyMultibase": "` + v.PublicKeyMultibase + `"},
	    {"id": "did:web:example.org#jwk", "type": "JsonWebKey", "controller": "did:web:example.org",
	     "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": "` + jwkX + `"}}
	  ],
	  "assertionMethod": ["#key-1", {"id": "#embedded", "type": "Multikey", "controller": "did:web:example.org", "publicKeyMultibase": "` + v.PublicKeyMultibase + `"}],
	  "authentication": ["did:web:example.org#jwk"],
	  "service": [{"id": "#linked", "type": "LinkedDomains", "serviceEndpoint": {"origins": ["https://example.org"]}}],
	  "unknownMember": 1
	}`
	var doc keys.DIDDocument
	if err := json.Unmarshal([]byte(in), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Context) != 1 || doc.Context[0] != keys.ContextDIDv1 || len(doc.Controller) != 2 || doc.Service[0].Type[0] != "LinkedDomains" {
		t.Fatalf("decoded %+v", doc)
	}
	tests := []struct {
		id, rel string
		listed  bool
	}{
		{"did:web:example.org#key-1", keys.RelAssertionMethod, true},
		{"did:web:example.org#embedded", keys.RelAssertionMethod, true},
		{"did:web:example.org#jwk", keys.RelAssertionMethod, false},
		{"did:web:example.org#jwk", keys.RelAuthentication, true},
		{"did:web:example.org#key-1", keys.RelAuthentication, false},
		{"did:web:example.org#key-1", "noSuchRelationship", false},
		{"#key-1", keys.RelAssertionMethod, false}, // callers pass absolute ids
	}
	for _, tt := range tests {
		if got := doc.Authorizes(tt.rel, tt.id); got != tt.listed {
			t.Errorf("Authorizes(%s, %s) = %v", tt.rel, tt.id, got)
		}
	}
	for _, id := range []string{"did:web:example.org#key-1", "did:web:example.org#jwk", "did:web:example.org#embedded"} {
		vm, err := doc.Method(id)
		if err != nil {
			t.Fatalf("Method(%s): %v", id, err)
		}
		if vm.ID != id || vm.Controller != "did:web:example.org" {
			t.Errorf("method %+v", vm)
		}
		pub, err := vm.PublicKey()
		if err != nil || hex.EncodeToString(pub.(ed25519.PublicKey)) != pubHex {
			t.Errorf("Method(%s).PublicKey() = %v", id, err)
		}
	}
	if _, err := doc.Method("did:web:example.org#missing"); !errors.Is(err, keys.ErrNotFound) {
		t.Errorf("missing method: %v", err)
	}
	var nulls keys.DIDDocument
	if err := json.Unmarshal([]byte(`{"controller":null,"@context":null}`), &nulls); err != nil || nulls.Controller != nil || nulls.Context != nil {
		t.Errorf("null members: %+v, %v", nulls, err)
	}
	// Re-encoding writes @context as an array, a one-element type as a string, and
	// embedded methods as objects.
	out, err := json.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"@context":["https://www.w3.org/ns/did/v1"]`, `"type":"LinkedDomains"`, `"assertionMethod":["#key-1",{"id":"#embedded"`, `"controller":["did:web:example.org","did:web:other.example"]`, `"publicKeyJwk":{"kty":"OKP"`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("encoded document lacks %s:\n%s", want, out)
		}
	}
	bad := []struct {
		name string
		vm   keys.VerificationMethodDoc
	}{
		{"no key", keys.VerificationMethodDoc{ID: "x"}},
		{"both keys", keys.VerificationMethodDoc{ID: "x", PublicKeyMultibase: v.PublicKeyMultibase, PublicKeyJwk: json.RawMessage(`{"kty":"OKP","crv":"Ed25519","x":"` + jwkX + `"}`)}},
		{"private jwk", keys.VerificationMethodDoc{ID: "x", PublicKeyJwk: json.RawMessage(`{"kty":"OKP","crv":"Ed25519","x":"` + jwkX + `","d":"AA"}`)}},
	}
	for _, tt := range bad {
		if _, err := tt.vm.PublicKey(); !errors.Is(err, keys.ErrInvalidKey) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	for _, in := range []string{`{"assertionMethod":[1]}`, `{"assertionMethod":[null]}`, `{"assertionMethod":[""]}`, `{"assertionMethod":[{"type":"Multikey"}]}`, `{"controller":1}`, `{"controller":[null]}`, `{"@context":}`} {
		if err := json.Unmarshal([]byte(in), &keys.DIDDocument{}); err == nil {
			t.Errorf("decoded %s", in)
		}
	}
}

// FuzzResolveDIDKey: never panics; a resolved document is always the canonical one
// for its key, and its method id is what the input named.
func FuzzResolveDIDKey(f *testing.F) {
	f.Add(diDID)
	f.Add(diDID + "#" + diMB)
	f.Add("did:key:zDnaeaXwNaz3j2UYQ8YcB9S3V763u5QEcuUjRUf319bzDVYFk")
	f.Add("did:key:z6Mk#z6Mk")
	f.Add("did:key:")
	f.Fuzz(func(t *testing.T, in string) {
		doc, err := keys.ResolveDIDKey(in)
		if err != nil {
			if !errors.Is(err, keys.ErrInvalidDID) {
				t.Fatalf("error does not wrap ErrInvalidDID: %v", err)
			}
			return
		}
		did, _, _ := strings.Cut(in, "#")
		if doc.ID != did {
			t.Fatalf("document id %q for input %q", doc.ID, in)
		}
		pub, err := doc.VerificationMethod[0].PublicKey()
		if err != nil {
			t.Fatal(err)
		}
		wantDID, wantVM, err := keys.DIDKey(pub)
		if err != nil || wantDID != did || doc.VerificationMethod[0].ID != wantVM {
			t.Fatalf("document for %q is not canonical: %v", in, err)
		}
	})
}

func TestMethodHelpers(t *testing.T) {
	t.Parallel()
	v := readOBVector(t).KeyPair
	s, err := keys.ParseSecretKeyMultibase(v.SecretKeyMultibase, "k")
	if err != nil {
		t.Fatal(err)
	}
	const issuer = "https://example.edu/issuers/565049"
	vm, err := keys.MultikeyMethod(issuer, s.Public())
	if err != nil {
		t.Fatal(err)
	}
	if vm.ID != issuer+"#"+v.PublicKeyMultibase || vm.Type != "Multikey" || vm.Controller != issuer || vm.PublicKeyMultibase != v.PublicKeyMultibase {
		t.Fatalf("MultikeyMethod = %+v", vm)
	}
	rsaStrong, _ := rsaKeys(t)
	if _, err := keys.MultikeyMethod(issuer, &rsaStrong.PublicKey); !errors.Is(err, keys.ErrUnsupportedKey) {
		t.Fatalf("MultikeyMethod(RSA): %v", err)
	}
	jm, err := keys.JSONWebKeyMethod(issuer+"#rsa", issuer, &rsaStrong.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	if jm.Type != "JsonWebKey" || jm.PublicKeyMultibase != "" || strings.Contains(string(jm.PublicKeyJwk), `"kid"`) {
		t.Fatalf("JSONWebKeyMethod = %+v (%s)", jm, jm.PublicKeyJwk)
	}
	pub, err := jm.PublicKey()
	if err != nil || !rsaStrong.PublicKey.Equal(pub) {
		t.Fatalf("JsonWebKey method key: %v", err)
	}
	doc := keys.DIDDocument{
		Context:            keys.Contexts{keys.ContextDIDv1, keys.ContextMultikeyV1},
		ID:                 issuer,
		VerificationMethod: []keys.VerificationMethodDoc{vm, jm},
		AssertionMethod:    []keys.MethodRef{keys.RefTo(vm.ID), keys.RefTo(jm.ID)},
	}
	for _, id := range []string{vm.ID, jm.ID} {
		if !doc.Authorizes(keys.RelAssertionMethod, id) {
			t.Errorf("%s not authorized", id)
		}
	}
}
