package dataintegrity_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/obadge/obadge/internal/testutil"
	"github.com/obadge/obadge/keys"
	"github.com/obadge/obadge/proof"
	"github.com/obadge/obadge/proof/dataintegrity"
	"github.com/obadge/obadge/schema"
)

// pinned is a MethodResolver over a fixed set of controller documents, the way a
// state pins its partner issuers for air-gapped verification: each controller lists
// the multibase keys it authorizes for assertionMethod. did:key methods resolve from
// the DID itself, as the did:key method defines.
type pinned map[string][]string

func (p pinned) ResolveMethod(_ context.Context, id, rel string) (*proof.VerificationMethod, error) {
	controller, frag, _ := strings.Cut(id, "#")
	if strings.HasPrefix(controller, "did:key:") {
		mb := strings.TrimPrefix(controller, "did:key:")
		if frag != "" && frag != mb {
			return nil, fmt.Errorf("%w: fragment %q is not the key of %s", proof.ErrKeyResolution, frag, controller)
		}
		pub, err := keys.DecodePublicKeyMultibase(mb)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", proof.ErrKeyResolution, err)
		}
		return &proof.VerificationMethod{ID: controller + "#" + mb, Type: "Multikey", Controller: controller, PublicKey: pub}, nil
	}
	listed, ok := p[controller]
	if !ok {
		return nil, fmt.Errorf("%w: no document for %s", proof.ErrKeyResolution, controller)
	}
	if rel != proof.AssertionMethod {
		return nil, fmt.Errorf("%w: %s not listed under %s", proof.ErrKeyNotAuthorized, id, rel)
	}
	for _, mb := range listed {
		if mb == frag {
			pub, err := keys.DecodePublicKeyMultibase(mb)
			if err != nil {
				return nil, fmt.Errorf("%w: %v", proof.ErrKeyResolution, err)
			}
			return &proof.VerificationMethod{ID: id, Type: "Multikey", Controller: controller, PublicKey: pub}, nil
		}
	}
	return nil, fmt.Errorf("%w: %s is not listed by %s", proof.ErrKeyNotAuthorized, id, controller)
}

const obKey = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"

// fixtureIssuers pins the keys the 1EdTech fixtures are signed with to their issuers.
var fixtureIssuers = pinned{
	"https://example.com/issuers/876543": {obKey, "z6MknNHHrBzPytzu6CUBP9Lg7fg4KSBjzimc2Frh693YbMiv"},
	"https://example.edu/issuers/565049": {obKey},
	"https://1edtech.edu/issuers/565049": {obKey, "z6Mknyb2Gb4NxzW3xSr9ChTtdQZ1zs77piQ3r9SaJ9vMzmrs"},
	"https://state.gov/issuers/565049":   {"z6MkoMGF38Ck9xkdqrbZt4h9eHb1qc3GhAAkoSWa4Vy3SHRN", "z6MkmQ49FhpMN7V11B7Qzc6WC6Q3ymVW4xmHUsHBR2MWMMo1"},
	"did:web:dc.1edtech.org:wellspring2022:wellspring-portal:org:da1e96e9-afcc-4eed-b9a2-2ddf7353214c": {obKey},
}

func examplesLoader(t testing.TB) *schema.Loader {
	t.Helper()
	l, err := schema.NewLoader(map[string][]byte{
		"https://www.w3.org/ns/credentials/examples/v2": testutil.ReadShared(t, "contexts", "w3c-credentials-examples-v2.jsonld"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func readText(t *testing.T, parts ...string) string {
	return strings.TrimSpace(string(testutil.ReadShared(t, parts...)))
}

// TestW3CVector reproduces the vc-di-eddsa eddsa-rdfc-2022 test vector byte for byte:
// same proof from the same key, options and document.
func TestW3CVector(t *testing.T) {
	dir := []string{"test-vectors", "vc-di-eddsa"}
	var kp struct{ PrivateKeyMultibase string }
	if err := json.Unmarshal(testutil.ReadShared(t, append(dir, "keyPair.json")...), &kp); err != nil {
		t.Fatal(err)
	}
	var cfg struct{ VerificationMethod, Created string }
	if err := json.Unmarshal(testutil.ReadShared(t, append(dir, "eddsa-rdfc-2022", "proofConfigDataInt.json")...), &cfg); err != nil {
		t.Fatal(err)
	}
	signer, err := keys.ParseSecretKeyMultibase(kp.PrivateKeyMultibase, cfg.VerificationMethod)
	if err != nil {
		t.Fatal(err)
	}
	created, _ := time.Parse(time.RFC3339, cfg.Created)
	unsigned := testutil.ReadShared(t, append(dir, "unsigned.json")...)
	l := examplesLoader(t)

	signed, err := dataintegrity.Sign(context.Background(), unsigned, signer, dataintegrity.SignOptions{Created: created, Loader: l})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Proof []map[string]string }
	if err := json.Unmarshal(signed, &doc); err != nil {
		t.Fatal(err)
	}
	if got, want := doc.Proof[0]["proofValue"], readText(t, append(dir, "eddsa-rdfc-2022", "sigBTC58DataInt.txt")...); got != want {
		t.Errorf("proofValue = %s, want %s", got, want)
	}
	canon, err := dataintegrity.CanonicalDocument(unsigned, l)
	if err != nil {
		t.Fatal(err)
	}
	if want := testutil.ReadShared(t, append(dir, "eddsa-rdfc-2022", "canonDocDataInt.txt")...); !bytes.Equal(canon, want) {
		t.Errorf("canonical document differs:\n%s\nwant\n%s", canon, want)
	}
	sum := sha256.Sum256(canon)
	if got, want := hex.EncodeToString(sum[:]), readText(t, append(dir, "eddsa-rdfc-2022", "docHashDataInt.txt")...); got != want {
		t.Errorf("document hash = %s, want %s", got, want)
	}
	if _, err := dataintegrity.Verify(context.Background(), signed, dataintegrity.VerifyOptions{Resolver: pinned{}, Loader: l}); err != nil {
		t.Errorf("verify our signature: %v", err)
	}
	official := testutil.ReadShared(t, append(dir, "eddsa-rdfc-2022", "signedDataInt.json")...)
	if _, err := dataintegrity.Verify(context.Background(), official, dataintegrity.VerifyOptions{Resolver: pinned{}, Loader: l}); err != nil {
		t.Errorf("verify official signed vector: %v", err)
	}
}

// TestOBVector reproduces the 1EdTech OB 3.0 eddsa-rdfc-2022 test vector: canonical
// form, hashes and signature, from its 64-byte secret key.
func TestOBVector(t *testing.T) {
	dir := []string{"test-vectors", "ob-v3p0-eddsa-rdfc-2022"}
	var v struct {
		KeyPair struct {
			SecretKeyMultibase string
			VerificationMethod string
		}
		ProofOptions    struct{ Created string }
		DocumentHashHex string
		ProofHashHex    string
		SignatureHex    string
		ProofValue      string
	}
	if err := json.Unmarshal(testutil.ReadShared(t, append(dir, "vector.json")...), &v); err != nil {
		t.Fatal(err)
	}
	signer, err := keys.ParseSecretKeyMultibase(v.KeyPair.SecretKeyMultibase, v.KeyPair.VerificationMethod)
	if err != nil {
		t.Fatal(err)
	}
	unsigned := testutil.ReadShared(t, append(dir, "unsigned-credential.json")...)
	canon, err := dataintegrity.CanonicalDocument(unsigned, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := testutil.ReadShared(t, append(dir, "document-canon.txt")...); !bytes.Equal(bytes.TrimSpace(canon), bytes.TrimSpace(want)) {
		t.Errorf("canonical document differs from document-canon.txt")
	}
	sum := sha256.Sum256(canon)
	if got := hex.EncodeToString(sum[:]); got != v.DocumentHashHex {
		t.Errorf("document hash %s, want %s", got, v.DocumentHashHex)
	}
	created, _ := time.Parse(time.RFC3339, v.ProofOptions.Created)
	signed, err := dataintegrity.Sign(context.Background(), unsigned, signer, dataintegrity.SignOptions{Created: created})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Proof []map[string]string }
	if err := json.Unmarshal(signed, &doc); err != nil {
		t.Fatal(err)
	}
	if got := doc.Proof[0]["proofValue"]; got != v.ProofValue {
		t.Errorf("proofValue %s, want %s", got, v.ProofValue)
	}
	sig, _ := keys.Base58Decode(doc.Proof[0]["proofValue"][1:])
	if got := hex.EncodeToString(sig); got != v.SignatureHex {
		t.Errorf("signature %s, want %s", got, v.SignatureHex)
	}
	res := fixtureIssuers
	if _, err := dataintegrity.Verify(context.Background(), signed, dataintegrity.VerifyOptions{Resolver: res}); err != nil {
		t.Errorf("verify: %v", err)
	}
	official := testutil.ReadShared(t, append(dir, "signed-credential.json")...)
	if _, err := dataintegrity.Verify(context.Background(), official, dataintegrity.VerifyOptions{Resolver: res}); err != nil {
		t.Errorf("verify the vector's signed credential: %v", err)
	}
}

// TestFixtures gives every signed fixture the proof verdict ob3-spec.md §11 records.
func TestFixtures(t *testing.T) {
	tests := []struct {
		path    []string
		wantErr error // nil: the proof verifies
	}{
		{[]string{"examples", "1edtech-validator-ob30", "simple.json"}, nil},
		{[]string{"examples", "1edtech-validator-ob30", "simple-did-key-method.json"}, nil},
		{[]string{"examples", "1edtech-validator-ob30", "simple-did-web-method.json"}, nil},
		{[]string{"examples", "1edtech-validator-ob30", "complete.json"}, nil},
		{[]string{"examples", "1edtech-validator-ob30", "endorsement-valid.json"}, nil},
		{[]string{"examples", "1edtech-validator-ob30", "simple-context-alias.json"}, nil},
		{[]string{"examples", "1edtech-validator-ob30", "simple-context-version.json"}, nil},
		{[]string{"examples", "1edtech-validator-ob30", "simple_v1.json"}, nil},
		{[]string{"examples", "1edtech-validator-ob30", "simple-eddsa-2022.json"}, nil},
		{[]string{"examples", "1edtech-validator-ob30", "credential-status-revoked.json"}, nil},
		{[]string{"examples", "1edtech-validator-ob30", "bit-string-list", "credential-status-revoked.json"}, nil},
		{[]string{"examples", "1edtech-validator-ob30", "bit-string-list", "credential-status-revoked-blank-nodes.json"}, nil},
		{[]string{"examples", "1edtech-validator-ob30", "bit-string-list", "testlist"}, nil},
		{[]string{"test-vectors", "bitstring-status-list", "rec-example-revocable-credential.signed.json"}, nil},
		{[]string{"test-vectors", "bitstring-status-list", "rec-example-status-list-credential.signed.json"}, nil},
		{[]string{"test-vectors", "vc-di-eddsa", "Ed25519Signature2020", "signedEdSig.json"}, nil},
		{[]string{"test-vectors", "vc-di-eddsa", "proof-set-chain", "signedProofSet1.json"}, nil},
		{[]string{"test-vectors", "vc-di-eddsa", "proof-set-chain", "signedProofSet2.json"}, nil},
		{[]string{"test-vectors", "vc-di-eddsa", "proof-set-chain", "signedProofChain1.json"}, nil},
		{[]string{"test-vectors", "vc-di-eddsa", "proof-set-chain", "signedProofChain2.json"}, nil},
		{[]string{"examples", "1edtech-validator-ob30", "simple-err-proof-value.json"}, proof.ErrKeyNotAuthorized},
		{[]string{"examples", "1edtech-validator-ob30", "simple-multiple-proofs.json"}, proof.ErrDataLoss},
		{[]string{"examples", "1edtech-validator-ob30", "simple-err-proof-method.json"}, proof.ErrKeyNotAuthorized},
		{[]string{"examples", "1edtech-validator-ob30", "simple-err-proof-method-no-scheme.json"}, proof.ErrDataLoss}, // a relative IRI as verificationMethod,
		{[]string{"examples", "1edtech-validator-ob30", "simple-err-proof-method-unknown-did-method.json"}, proof.ErrKeyResolution},
		{[]string{"examples", "1edtech-validator-ob30", "simple-err-proof-method-unknown-scheme.json"}, proof.ErrKeyResolution},
		{[]string{"examples", "1edtech-validator-ob30", "simple-noproof.json"}, proof.ErrMalformedProof},
	}
	l := examplesLoader(t)
	for _, tt := range tests {
		t.Run(filepath.Join(tt.path...), func(t *testing.T) {
			doc := testutil.ReadShared(t, tt.path...)
			_, err := dataintegrity.Verify(context.Background(), doc, dataintegrity.VerifyOptions{Resolver: fixtureIssuers, Loader: l})
			if tt.wantErr == nil && err != nil {
				t.Fatalf("want verified, got %v", err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("want %v, got %v", tt.wantErr, err)
			}
		})
	}
}

func TestSignVerifyTamper(t *testing.T) {
	s, err := keys.Generate(keys.AlgEdDSA, "did:web:issuer.example#key-1")
	if err != nil {
		t.Fatal(err)
	}
	pub := s.Public().(ed25519.PublicKey)
	mb, err := keys.EncodePublicKeyMultibase(pub)
	if err != nil {
		t.Fatal(err)
	}
	s = keys.WithKeyID(s, "https://issuer.example/issuers/1#"+mb)
	res := pinned{"https://issuer.example/issuers/1": {mb}}
	unsigned := []byte(`{
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
  "id": "https://issuer.example/credentials/1",
  "type": ["VerifiableCredential", "OpenBadgeCredential"],
  "name": "Reading Workshop",
  "issuer": {"id": "https://issuer.example/issuers/1", "type": ["Profile"], "name": "State Board"},
  "validFrom": "2026-01-01T00:00:00Z",
  "credentialSubject": {"type": ["AchievementSubject"], "id": "did:example:teacher",
    "achievement": {"id": "https://issuer.example/achievements/1", "type": ["Achievement"], "name": "Guided Reading",
      "description": "Leads guided reading groups.", "criteria": {"narrative": "Submit a lesson video."}}}
}`)
	signed, err := dataintegrity.Sign(context.Background(), unsigned, s, dataintegrity.SignOptions{Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(signed, unsigned[:len(unsigned)-2]) {
		t.Errorf("Sign changed bytes of the input document")
	}
	opts := dataintegrity.VerifyOptions{Resolver: res, Controller: "https://issuer.example/issuers/1"}
	if _, err := dataintegrity.Verify(context.Background(), signed, opts); err != nil {
		t.Fatalf("verify: %v", err)
	}
	other, _ := keys.Generate(keys.AlgEdDSA, "")
	otherMB, _ := keys.EncodePublicKeyMultibase(other.Public())

	tests := []struct {
		name    string
		edit    func(string) string
		opts    func(o *dataintegrity.VerifyOptions)
		wantErr error
	}{
		{"field changed", func(d string) string { return strings.Replace(d, "Guided Reading", "Guided Writing", 1) }, nil, proof.ErrInvalidSignature},
		{"date changed", func(d string) string {
			return strings.Replace(d, "2026-01-01T00:00:00Z\",\n  \"credentialSubject", "2025-01-01T00:00:00Z\",\n  \"credentialSubject", 1)
		}, nil, proof.ErrInvalidSignature},
		{"proof value changed", func(d string) string {
			i := strings.Index(d, `"proofValue":"z`) + len(`"proofValue":"z`)
			c := "2"
			if d[i] == '2' {
				c = "3"
			}
			return d[:i] + c + d[i+1:]
		}, nil, proof.ErrInvalidSignature},
		{"proof created changed", func(d string) string {
			return strings.Replace(d, `"created":"2026-01-01T00:00:00Z"`, `"created":"2026-01-02T00:00:00Z"`, 1)
		}, nil, proof.ErrInvalidSignature},
		{"other key named", func(d string) string { return strings.ReplaceAll(d, "#"+mb, "#"+otherMB) }, nil, proof.ErrKeyNotAuthorized},
		{"undefined field added", func(d string) string {
			return strings.Replace(d, `"name": "Reading Workshop",`, `"name": "Reading Workshop", "bonus": 100,`, 1)
		}, nil, proof.ErrDataLoss},
		{"undefined type added", func(d string) string {
			return strings.Replace(d, `"OpenBadgeCredential"]`, `"OpenBadgeCredential", "LicenseCredential"]`, 1)
		}, nil, proof.ErrDataLoss},
		{"relative subject id", func(d string) string { return strings.Replace(d, `"did:example:teacher"`, `"teacher 1"`, 1) }, nil, proof.ErrDataLoss},
		{"unknown context", func(d string) string {
			return strings.Replace(d, `"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]`, `"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "https://evil.example/ctx.json"]`, 1)
		}, nil, proof.ErrCanonicalization},
		{"file context", func(d string) string {
			return strings.Replace(d, `"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]`, `"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "/etc/passwd"]`, 1)
		}, nil, proof.ErrCanonicalization},
		{"purpose changed", func(d string) string {
			return strings.Replace(d, `"proofPurpose":"assertionMethod"`, `"proofPurpose":"authentication"`, 1)
		}, nil, proof.ErrPurposeMismatch},
		{"wrong cryptosuite", func(d string) string {
			return strings.Replace(d, `"cryptosuite":"eddsa-rdfc-2022"`, `"cryptosuite":"ecdsa-rdfc-2019"`, 1)
		}, nil, proof.ErrUnsupportedProof},
		{"issuer not controller", nil, func(o *dataintegrity.VerifyOptions) { o.Controller = "https://other.example/issuers/2" }, proof.ErrKeyNotAuthorized},
		{"challenge required", nil, func(o *dataintegrity.VerifyOptions) { o.Challenge = "abc" }, proof.ErrInvalidChallenge},
		{"domain required", nil, func(o *dataintegrity.VerifyOptions) { o.Domain = "verifier.example" }, proof.ErrInvalidDomain},
		{"duplicate key", func(d string) string {
			return strings.Replace(d, `"name": "Reading Workshop",`, `"name": "Reading Workshop", "name": "x",`, 1)
		}, nil, proof.ErrMalformedProof},
		{"proof removed", func(d string) string { return string(unsigned) }, nil, proof.ErrMalformedProof},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := string(signed)
			if tt.edit != nil {
				doc = tt.edit(doc)
				if doc == string(signed) {
					t.Fatal("edit changed nothing")
				}
			}
			o := opts
			if tt.opts != nil {
				tt.opts(&o)
			}
			_, err := dataintegrity.Verify(context.Background(), []byte(doc), o)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("want %v, got %v", tt.wantErr, err)
			}
		})
	}

	t.Run("proof set", func(t *testing.T) {
		second, _ := keys.Generate(keys.AlgEdDSA, "")
		secondMB, _ := keys.EncodePublicKeyMultibase(second.Public())
		second = keys.WithKeyID(second, "https://issuer.example/issuers/1#"+secondMB)
		both, err := dataintegrity.Sign(context.Background(), signed, second, dataintegrity.SignOptions{})
		if err != nil {
			t.Fatal(err)
		}
		r := pinned{"https://issuer.example/issuers/1": {mb, secondMB}}
		got, err := dataintegrity.Verify(context.Background(), both, dataintegrity.VerifyOptions{Resolver: r})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Proofs) != 2 {
			t.Fatalf("want 2 proofs, got %d", len(got.Proofs))
		}
	})

	t.Run("non-Ed25519 signer refused", func(t *testing.T) {
		p256, err := keys.Generate(keys.AlgES256, "did:web:x#k")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := dataintegrity.Sign(context.Background(), unsigned, p256, dataintegrity.SignOptions{}); !errors.Is(err, proof.ErrUnsupportedProof) {
			t.Fatalf("want ErrUnsupportedProof, got %v", err)
		}
	})
	t.Run("undefined term refused at signing", func(t *testing.T) {
		bad := bytes.Replace(unsigned, []byte(`"name": "Reading Workshop",`), []byte(`"name": "Reading Workshop", "bonus": 1,`), 1)
		if _, err := dataintegrity.Sign(context.Background(), bad, s, dataintegrity.SignOptions{}); !errors.Is(err, proof.ErrDataLoss) {
			t.Fatalf("want ErrDataLoss, got %v", err)
		}
	})
}

// FuzzVerify feeds mutated credentials through the whole proof path: it must never
// panic, and nothing but the unmodified seed may verify.
func FuzzVerify(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "fuzz-seeds", "*.json"))
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"@context":"https://www.w3.org/ns/credentials/v2","proof":{"type":"DataIntegrityProof","cryptosuite":"eddsa-rdfc-2022","verificationMethod":"did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi","proofPurpose":"assertionMethod","proofValue":"z1111"}}`))
	f.Add([]byte(`{"@context":[{"@vocab":"http://x/"}],"proof":[]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, _ = dataintegrity.Verify(ctx, doc, dataintegrity.VerifyOptions{Resolver: fixtureIssuers})
	})
}

// TestFuzzSeedVerifies keeps the fuzz corpus meaningful: the seed credential must
// verify, so mutations start from a document that reaches the signature check.
func TestFuzzSeedVerifies(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "fuzz-seeds", "educator-didkey.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dataintegrity.Verify(context.Background(), b, dataintegrity.VerifyOptions{Resolver: fixtureIssuers}); err != nil {
		t.Fatal(err)
	}
}
