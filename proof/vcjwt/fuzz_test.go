package vcjwt

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/obadge/obadge/internal/testutil"
	"github.com/obadge/obadge/keys"
	"github.com/obadge/obadge/proof"
)

// sentinels are the errors every Verify failure must wrap at least one of.
var sentinels = []error{
	proof.ErrMalformedProof, proof.ErrInvalidSignature, proof.ErrAlgorithmRefused,
	proof.ErrKeyResolution, proof.ErrKeyNotAuthorized, proof.ErrClaimMismatch,
}

// sharedSeeds returns the 1EdTech JWT fixtures when ../shared/ref is present (through
// testutil.RepoRoot, the same place testutil.SharedRef looks); a fuzz target cannot
// skip only its fixture seeds, so absence just means fewer seeds.
func sharedSeeds(tb testing.TB) []string {
	base := filepath.Join(testutil.RepoRoot(tb), "..", "shared", "ref")
	var out []string
	for _, p := range []string{
		"test-vectors/ob-v3p0-vc-jwt/simple-jwt.png.extracted.jwt",
		"test-vectors/ob-v3p0-vc-jwt/simple-jwt_v1.png.extracted.jwt",
		"examples/1edtech-validator-ob30/simple.jwt",
		"examples/1edtech-validator-ob30/velocity.jwt",
	} {
		if b, err := os.ReadFile(filepath.Join(base, filepath.FromSlash(p))); err == nil {
			out = append(out, string(b))
		}
	}
	return out
}

func FuzzVerify(f *testing.F) {
	ed := testSigner(f, keys.AlgEdDSA, testKID)
	es := testSigner(f, keys.AlgES256, testIssuer+"#key-2")
	res := staticResolver{}
	for k, v := range resolverFor(ed, testIssuer) {
		res[k] = v
	}
	for k, v := range resolverFor(es, testIssuer) {
		res[k] = v
	}
	for _, s := range []keys.Signer{ed, es} {
		for _, embed := range []bool{false, true} {
			tok, err := Sign([]byte(testCredential), s, SignOptions{EmbedJWK: embed})
			if err != nil {
				f.Fatal(err)
			}
			f.Add(tok)
		}
	}
	good := payloadWith(f, testCredential, goodIss, goodJti, goodNbf, goodSub, goodExp)
	f.Add(craft(f, `{"alg":"none","kid":"`+testKID+`"}`, good, "", nil))
	f.Add(craft(f, `{"alg":"EdDSA","kid":"`+testKID+`","crit":["b64"],"b64":false}`, good, keys.AlgEdDSA, ed))
	f.Add(craft(f, `{"alg":"EdDSA","kid":"`+testKID+`"}`, `{"vc":{"@context":["https://www.w3.org/2018/credentials/v1"]},"nbf":1}`, keys.AlgEdDSA, ed))
	for _, s := range sharedSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		checkVerify(t, token, res)
	})
}

// FuzzVerifySigned mutates the header and payload JSON of tokens that carry a valid
// EdDSA signature, so the claim and credential checks behind the signature are fuzzed
// too, not only the parser in front of it.
func FuzzVerifySigned(f *testing.F) {
	ed := testSigner(f, keys.AlgEdDSA, testKID)
	res := resolverFor(ed, testIssuer)
	hdr := `{"alg":"EdDSA","kid":"` + testKID + `","typ":"JWT"}`
	good := payloadWith(f, testCredential, goodIss, goodJti, goodNbf, goodSub, goodExp)
	f.Add(hdr, good)
	f.Add(`{"alg":"EdDSA","jwk":{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}}`, good)
	f.Add(hdr, `{"vc":{"@context":["https://www.w3.org/2018/credentials/v1"],"id":"urn:uuid:1","issuer":"did:web:issuer.example","issuanceDate":"2010-01-01T00:00:00Z","credentialSubject":{"id":"a"}},"iss":"did:web:issuer.example","jti":"urn:uuid:1","nbf":1262304000,"sub":"a"}`)
	f.Add(hdr, payloadWith(f, testCredential, goodIss, goodJti, goodNbf, goodExp))
	f.Fuzz(func(t *testing.T, header, payload string) {
		checkVerify(t, craft(t, header, payload, keys.AlgEdDSA, ed), res)
	})
}

// checkVerify runs Verify and checks the invariants every outcome must hold.
func checkVerify(t *testing.T, token string, res proof.MethodResolver) {
	got, err := Verify(context.Background(), token, VerifyOptions{Resolver: res, MaxTokenBytes: 64 << 10})
	{
		if err != nil {
			known := false
			for _, s := range sentinels {
				known = known || errors.Is(err, s)
			}
			if !known {
				t.Fatalf("error wraps no proof sentinel: %v", err)
			}
		}
		if got == nil {
			if err == nil {
				t.Fatal("nil Result without error")
			}
			return
		}
		if err != nil && !errors.Is(err, proof.ErrClaimMismatch) {
			t.Fatalf("Result returned with %v", err)
		}
		if !json.Valid(got.Credential) {
			t.Fatalf("Credential is not JSON: %q", got.Credential)
		}
		if got.Version != Version1 && got.Version != Version2 {
			t.Fatalf("Version %q", got.Version)
		}
		if got.Version == Version2 {
			o, err := parseObject(got.Credential)
			if err != nil {
				t.Fatalf("Credential does not parse: %v", err)
			}
			for _, m := range o.members {
				if registeredClaims[m.name] {
					t.Fatalf("Credential keeps the claim %q", m.name)
				}
			}
		}
	}
}

// FuzzSign: whatever Sign accepts, Verify must accept and give back unchanged.
func FuzzSign(f *testing.F) {
	ed := testSigner(f, keys.AlgEdDSA, testKID)
	res := resolverFor(ed, testIssuer)
	f.Add(testCredential)
	f.Add(strings.Replace(testCredential, `"id": "did:example:alice",`, "", 1))
	f.Add(`{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"x","issuer":"did:web:issuer.example","validFrom":"2020-01-01T00:00:00"}`)
	f.Add(`{"@context":"https://www.w3.org/ns/credentials/v2","id":"x","issuer":"did:web:issuer.example","validFrom":"2020-01-01T00:00:00Z","credentialSubject":[{"id":"a"},{"id":"b"}]}`)
	f.Fuzz(func(t *testing.T, cred string) {
		tok, err := Sign([]byte(cred), ed, SignOptions{})
		if err != nil {
			// ErrKeyNotAuthorized: the credential names another issuer than the key's DID.
			if !errors.Is(err, ErrInvalidCredential) && !errors.Is(err, proof.ErrKeyNotAuthorized) {
				t.Fatalf("Sign error outside ErrInvalidCredential and ErrKeyNotAuthorized: %v", err)
			}
			return
		}
		got, err := Verify(context.Background(), tok, VerifyOptions{Resolver: res, RequireSubject: true})
		if err != nil {
			t.Fatalf("Verify of a token Sign made: %v\n%s", err, cred)
		}
		if want := compactCredential(t, cred); string(got.Credential) != want {
			t.Fatalf("Credential changed\n got %s\nwant %s", got.Credential, want)
		}
	})
}
