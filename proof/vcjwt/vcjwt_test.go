package vcjwt

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/obadge/obadge/internal/testutil"
	"github.com/obadge/obadge/keys"
	"github.com/obadge/obadge/proof"
)

var algs = []string{keys.AlgEdDSA, keys.AlgES256, keys.AlgRS256}

const (
	goodIss = `"iss":"did:web:issuer.example"`
	goodJti = `"jti":"urn:uuid:6a9c92a9-2530-4e2b-9776-530467e9bbe0"`
	goodNbf = `"nbf":1767225600`
	goodSub = `"sub":"did:example:alice"`
	goodExp = `"exp":1798806600`
)

func decodeJSONPart(t *testing.T, part string) map[string]any {
	t.Helper()
	raw, err := b64.DecodeString(part)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSignVerifyRoundTrip(t *testing.T) {
	t.Parallel()
	noSubjectID := strings.Replace(testCredential, `"id": "did:example:alice",`,
		`"identifier": [{"type": "IdentityObject", "identityHash": "sha256$abc", "identityType": "emailAddress", "hashed": true}],`, 1)
	noValidUntil := strings.Replace(testCredential, `"validUntil": "2027-01-01T12:30:00.5Z",`, "", 1)
	issuerString := strings.Replace(testCredential, `{"id": "did:web:issuer.example", "type": ["Profile"], "name": "Example Agency"}`, `"did:web:issuer.example"`, 1)
	for _, alg := range algs {
		for _, tt := range []struct {
			name    string
			cred    string
			opts    SignOptions
			wantSub bool
			wantExp bool
		}{
			{name: "kid", cred: testCredential, wantSub: true, wantExp: true},
			{name: "kid+jwk", cred: testCredential, opts: SignOptions{EmbedJWK: true}, wantSub: true, wantExp: true},
			{name: "opts kid", cred: testCredential, opts: SignOptions{KeyID: testIssuer + "#other"}, wantSub: true, wantExp: true},
			{name: "subject without id", cred: noSubjectID, wantExp: true},
			{name: "no validUntil", cred: noValidUntil, wantSub: true},
			{name: "issuer string", cred: issuerString, wantSub: true, wantExp: true},
		} {
			t.Run(alg+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				s := testSigner(t, alg, testKID)
				kid := testKID
				if tt.opts.KeyID != "" {
					kid = tt.opts.KeyID
				}
				tok, err := Sign([]byte(tt.cred), s, tt.opts)
				if err != nil {
					t.Fatalf("Sign: %v", err)
				}
				res := staticResolver{kid: {ID: kid, Type: "Multikey", Controller: testIssuer, PublicKey: s.Public()}}
				got, err := Verify(context.Background(), tok, VerifyOptions{Resolver: res})
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if want := compactCredential(t, tt.cred); string(got.Credential) != want {
					t.Errorf("Credential\n got %s\nwant %s", got.Credential, want)
				}
				if got.Version != Version2 || got.Alg != alg || got.KeyID != kid || got.SelfAssertedKey || got.Method == nil || got.Method.ID != kid {
					t.Errorf("Result = %+v", got)
				}
				if want := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC); !got.NotBefore.Equal(want) {
					t.Errorf("NotBefore = %v, want %v", got.NotBefore, want)
				}
				if tt.wantExp != !got.Expires.IsZero() {
					t.Errorf("Expires = %v", got.Expires)
				}
				parts := strings.Split(tok, ".")
				hdr := decodeJSONPart(t, parts[0])
				wantHdr := map[string]bool{"alg": true, "kid": true, "typ": true, "jwk": tt.opts.EmbedJWK}
				for k := range hdr {
					if !wantHdr[k] {
						t.Errorf("unexpected header member %q", k)
					}
				}
				if hdr["alg"] != alg || hdr["kid"] != kid || hdr["typ"] != "JWT" {
					t.Errorf("header = %v", hdr)
				}
				if j, ok := hdr["jwk"].(map[string]any); ok {
					if _, hasD := j["d"]; hasD {
						t.Error("jwk header carries d")
					}
				}
				claims := decodeJSONPart(t, parts[1])
				if _, ok := claims["sub"]; ok != tt.wantSub {
					t.Errorf("sub present = %v, want %v", ok, tt.wantSub)
				}
				for _, c := range []string{"iss", "jti", "nbf"} {
					if _, ok := claims[c]; !ok {
						t.Errorf("claim %s missing", c)
					}
				}
				if _, ok := claims["iat"]; ok {
					t.Error("iat added")
				}
			})
		}
	}
}

// TestSignGolden pins the EdDSA token (Ed25519 is deterministic): any change to the
// header or payload layout shows up here.
func TestSignGolden(t *testing.T) {
	t.Parallel()
	s, err := keys.Ed25519FromSeed(bytes.Repeat([]byte{7}, 32), testKID)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := Sign([]byte(testCredential), s, SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, "eddsa.jwt", []byte(tok+"\n"))
	if _, err := Verify(context.Background(), tok, VerifyOptions{Resolver: resolverFor(s, testIssuer)}); err != nil {
		t.Fatal(err)
	}
}

func TestSignErrors(t *testing.T) {
	t.Parallel()
	s := testSigner(t, keys.AlgEdDSA, testKID)
	noKID := testSigner(t, keys.AlgEdDSA, "")
	v1 := strings.Replace(testCredential, ContextV2, ContextV1, 1)
	tests := []struct {
		name    string
		cred    string
		s       keys.Signer
		opts    SignOptions
		wantErr error
	}{
		{"not JSON", `{"id":`, s, SignOptions{}, ErrInvalidCredential},
		{"array", `[]`, s, SignOptions{}, ErrInvalidCredential},
		{"VCDM 1.1", v1, s, SignOptions{}, ErrInvalidCredential},
		{"no validFrom", strings.Replace(testCredential, `"validFrom"`, `"validFromX"`, 1), s, SignOptions{}, ErrInvalidCredential},
		{"bad validFrom", strings.Replace(testCredential, `"2026-01-01T00:00:00Z"`, `"yesterday"`, 1), s, SignOptions{}, ErrInvalidCredential},
		{"validUntil before validFrom", strings.Replace(testCredential, `"2027-01-01T12:30:00.5Z"`, `"2025-01-01T00:00:00Z"`, 1), s, SignOptions{}, ErrInvalidCredential},
		{"no id", strings.Replace(testCredential, `"id": "urn:uuid:`, `"idx": "urn:uuid:`, 1), s, SignOptions{}, ErrInvalidCredential},
		{"no issuer", strings.Replace(testCredential, `"issuer"`, `"issuerX"`, 1), s, SignOptions{}, ErrInvalidCredential},
		{"claim member", strings.Replace(testCredential, `"name": "Teamwork <&>`, `"iat": 1, "name": "Teamwork <&>`, 1), s, SignOptions{}, ErrInvalidCredential},
		{"vc member", strings.Replace(testCredential, `"name": "Teamwork <&>`, `"vc": {}, "name": "Teamwork <&>`, 1), s, SignOptions{}, ErrInvalidCredential},
		{"duplicate member", strings.Replace(testCredential, `"name": "Teamwork <&>`, `"name": "x", "name": "Teamwork <&>`, 1), s, SignOptions{}, ErrInvalidCredential},
		{"no kid, no jwk", testCredential, noKID, SignOptions{}, ErrNoKeyReference},
		{"kid of another DID", testCredential, s, SignOptions{KeyID: "did:web:other.example#key-1"}, proof.ErrKeyNotAuthorized},
		{"kid of another origin", strings.Replace(testCredential, `"id": "did:web:issuer.example"`, `"id": "https://issuer.example/p"`, 1), s,
			SignOptions{KeyID: "https://cdn.example/key"}, proof.ErrKeyNotAuthorized},
		{"relative kid", testCredential, s, SignOptions{KeyID: "key-1"}, proof.ErrKeyResolution},
		{"nil signer", testCredential, nil, SignOptions{}, keys.ErrInvalidKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Sign([]byte(tt.cred), tt.s, tt.opts)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Sign error = %v, want %v", err, tt.wantErr)
			}
		})
	}
	t.Run("no kid but jwk", func(t *testing.T) {
		t.Parallel()
		if _, err := Sign([]byte(testCredential), noKID, SignOptions{EmbedJWK: true}); err != nil {
			t.Fatal(err)
		}
	})
}

// hmacToken is the classic key-confusion forgery: HS256 keyed with public bytes.
func hmacToken(header, payload string, secret []byte) string {
	input := b64.EncodeToString([]byte(header)) + "." + b64.EncodeToString([]byte(payload))
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(input))
	return input + "." + b64.EncodeToString(mac.Sum(nil))
}

// replacePart swaps part i of a compact token.
func replacePart(tok string, i int, part string) string {
	p := strings.Split(tok, ".")
	p[i] = part
	return strings.Join(p, ".")
}

func TestVerifyRefuses(t *testing.T) {
	t.Parallel()
	ed := testSigner(t, keys.AlgEdDSA, testKID)
	es := testSigner(t, keys.AlgES256, testKID)
	rs := testSigner(t, keys.AlgRS256, testKID)
	otherEd, err := keys.Generate(keys.AlgEdDSA, testKID)
	if err != nil {
		t.Fatal(err)
	}
	edRes := resolverFor(ed, testIssuer)
	rsRes := resolverFor(rs, testIssuer)
	good := payloadWith(t, testCredential, goodIss, goodJti, goodNbf, goodSub, goodExp)
	edHdr := `{"alg":"EdDSA","kid":"` + testKID + `","typ":"JWT"}`
	valid, err := Sign([]byte(testCredential), ed, SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	validParts := strings.Split(valid, ".")
	sig, _ := b64.DecodeString(validParts[2])
	sig[0] ^= 1
	httpsCred := strings.Replace(testCredential, `"id": "did:web:issuer.example"`, `"id": "https://issuer.example/profile"`, 1)
	httpsPayload := payloadWith(t, httpsCred, `"iss":"https://issuer.example/profile"`, goodJti, goodNbf, goodSub, goodExp)

	tests := []struct {
		name    string
		token   func(t *testing.T) string
		res     proof.MethodResolver
		max     int
		wantErr error
	}{
		{"valid control", func(t *testing.T) string { return valid }, edRes, 0, nil},
		{"tampered payload", func(t *testing.T) string {
			return replacePart(valid, 1, b64.EncodeToString([]byte(strings.Replace(good, "Teamwork", "Teamwerk", 1))))
		}, edRes, 0, proof.ErrInvalidSignature},
		{"tampered signature", func(t *testing.T) string { return replacePart(valid, 2, b64.EncodeToString(sig)) }, edRes, 0, proof.ErrInvalidSignature},
		{"tampered header", func(t *testing.T) string {
			return replacePart(valid, 0, b64.EncodeToString([]byte(`{"typ":"JWT","kid":"`+testKID+`","alg":"EdDSA"}`)))
		}, edRes, 0, proof.ErrInvalidSignature},
		{"wrong key", func(t *testing.T) string { return valid }, resolverFor(otherEd, testIssuer), 0, proof.ErrInvalidSignature},
		{"alg none", func(t *testing.T) string {
			return craft(t, `{"alg":"none","kid":"`+testKID+`","typ":"JWT"}`, good, "", nil)
		}, edRes, 0, proof.ErrAlgorithmRefused},
		{"alg none with jwk", func(t *testing.T) string {
			return craft(t, `{"alg":"none","jwk":{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}}`, good, "", nil)
		}, edRes, 0, proof.ErrAlgorithmRefused},
		{"HS256 with the Ed25519 public key as secret", func(t *testing.T) string {
			return hmacToken(`{"alg":"HS256","kid":"`+testKID+`","typ":"JWT"}`, good, ed.Public().(ed25519.PublicKey))
		}, edRes, 0, proof.ErrAlgorithmRefused},
		{"HS256 with the RSA public key PEM as secret", func(t *testing.T) string {
			der, err := x509.MarshalPKIXPublicKey(rs.Public())
			if err != nil {
				t.Fatal(err)
			}
			return hmacToken(`{"alg":"HS256","kid":"`+testKID+`","typ":"JWT"}`, good, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
		}, rsRes, 0, proof.ErrAlgorithmRefused},
		{"HS256 with an oct jwk", func(t *testing.T) string {
			return hmacToken(`{"alg":"HS256","jwk":{"kty":"oct","k":"c2VjcmV0"}}`, good, []byte("secret"))
		}, edRes, 0, proof.ErrAlgorithmRefused},
		{"EdDSA with an oct jwk", func(t *testing.T) string {
			return craft(t, `{"alg":"EdDSA","jwk":{"kty":"oct","k":"c2VjcmV0"}}`, good, keys.AlgEdDSA, ed)
		}, edRes, 0, proof.ErrMalformedProof},
		{"RS256 header on an Ed25519 key", func(t *testing.T) string {
			return craft(t, `{"alg":"RS256","kid":"`+testKID+`","typ":"JWT"}`, good, keys.AlgRS256, rs)
		}, edRes, 0, proof.ErrAlgorithmRefused},
		{"EdDSA header on an RSA key", func(t *testing.T) string {
			return craft(t, edHdr, good, keys.AlgEdDSA, ed)
		}, rsRes, 0, proof.ErrAlgorithmRefused},
		{"ES256 header on an Ed25519 key", func(t *testing.T) string {
			return craft(t, `{"alg":"ES256","kid":"`+testKID+`"}`, good, keys.AlgES256, es)
		}, edRes, 0, proof.ErrAlgorithmRefused},
		{"PS256 refused", func(t *testing.T) string {
			return craft(t, `{"alg":"PS256","kid":"`+testKID+`"}`, good, keys.AlgRS256, rs)
		}, rsRes, 0, proof.ErrAlgorithmRefused},
		{"kid of another DID", func(t *testing.T) string {
			return craft(t, `{"alg":"EdDSA","kid":"did:web:evil.example#key-1"}`, good, keys.AlgEdDSA, ed)
		}, staticResolver{"did:web:evil.example#key-1": {ID: "did:web:evil.example#key-1", Controller: "did:web:evil.example", PublicKey: ed.Public()}}, 0, proof.ErrKeyNotAuthorized},
		{"kid from another origin", func(t *testing.T) string {
			return craft(t, `{"alg":"EdDSA","kid":"https://evil.example/keys/1"}`, httpsPayload, keys.AlgEdDSA, ed)
		}, staticResolver{"https://evil.example/keys/1": {ID: "https://evil.example/keys/1", PublicKey: ed.Public()}}, 0, proof.ErrKeyNotAuthorized},
		{"kid on another port", func(t *testing.T) string {
			return craft(t, `{"alg":"EdDSA","kid":"https://issuer.example:8443/keys/1"}`, httpsPayload, keys.AlgEdDSA, ed)
		}, staticResolver{"https://issuer.example:8443/keys/1": {ID: "https://issuer.example:8443/keys/1", PublicKey: ed.Public()}}, 0, proof.ErrKeyNotAuthorized},
		{"https kid for a DID issuer", func(t *testing.T) string {
			return craft(t, `{"alg":"EdDSA","kid":"https://issuer.example/keys/1"}`, good, keys.AlgEdDSA, ed)
		}, staticResolver{"https://issuer.example/keys/1": {ID: "https://issuer.example/keys/1", PublicKey: ed.Public()}}, 0, proof.ErrKeyNotAuthorized},
		{"same origin, other controller", func(t *testing.T) string {
			return craft(t, `{"alg":"EdDSA","kid":"https://issuer.example/keys/2"}`, httpsPayload, keys.AlgEdDSA, ed)
		}, staticResolver{"https://issuer.example/keys/2": {ID: "https://issuer.example/keys/2", Controller: "https://issuer.example/other", PublicKey: ed.Public()}}, 0, proof.ErrKeyNotAuthorized},
		{"same origin, no controller", func(t *testing.T) string {
			return craft(t, `{"alg":"EdDSA","kid":"HTTPS://Issuer.Example:443/keys/1"}`, httpsPayload, keys.AlgEdDSA, ed)
		}, staticResolver{"HTTPS://Issuer.Example:443/keys/1": {ID: "x", PublicKey: ed.Public()}}, 0, nil},
		{"DID kid, controller not the issuer", func(t *testing.T) string { return valid },
			resolverFor(ed, "did:web:someone.else"), 0, proof.ErrKeyNotAuthorized},
		{"relative kid", func(t *testing.T) string {
			return craft(t, `{"alg":"EdDSA","kid":"#key-1"}`, good, keys.AlgEdDSA, ed)
		}, edRes, 0, proof.ErrKeyResolution},
		{"unknown kid", func(t *testing.T) string { return valid }, staticResolver{}, 0, proof.ErrKeyResolution},
		{"no resolver", func(t *testing.T) string { return valid }, nil, 0, proof.ErrKeyResolution},
		{"jwk differs from kid's key", func(t *testing.T) string {
			tok, err := Sign([]byte(testCredential), otherEd, SignOptions{EmbedJWK: true})
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}, edRes, 0, proof.ErrKeyNotAuthorized},
		{"too long", func(t *testing.T) string { return valid }, edRes, 100, proof.ErrMalformedProof},
		{"two parts", func(t *testing.T) string { return strings.Join(validParts[:2], ".") }, edRes, 0, proof.ErrMalformedProof},
		{"four parts", func(t *testing.T) string { return valid + ".x" }, edRes, 0, proof.ErrMalformedProof},
		{"padded base64", func(t *testing.T) string { return replacePart(valid, 0, validParts[0]+"=") }, edRes, 0, proof.ErrMalformedProof},
		{"std base64 alphabet", func(t *testing.T) string {
			return replacePart(valid, 2, strings.NewReplacer("-", "+", "_", "/").Replace(validParts[2])+"+")
		}, edRes, 0, proof.ErrMalformedProof},
		{"empty signature", func(t *testing.T) string { return replacePart(valid, 2, "") }, edRes, 0, proof.ErrMalformedProof},
		{"header not JSON", func(t *testing.T) string { return craft(t, `{alg:EdDSA}`, good, keys.AlgEdDSA, ed) }, edRes, 0, proof.ErrMalformedProof},
		{"header array", func(t *testing.T) string { return craft(t, `["EdDSA"]`, good, keys.AlgEdDSA, ed) }, edRes, 0, proof.ErrMalformedProof},
		{"duplicate alg", func(t *testing.T) string {
			return craft(t, `{"alg":"none","kid":"`+testKID+`","alg":"EdDSA"}`, good, keys.AlgEdDSA, ed)
		}, edRes, 0, proof.ErrMalformedProof},
		{"no alg", func(t *testing.T) string { return craft(t, `{"kid":"`+testKID+`"}`, good, keys.AlgEdDSA, ed) }, edRes, 0, proof.ErrMalformedProof},
		{"no kid, no jwk", func(t *testing.T) string { return craft(t, `{"alg":"EdDSA"}`, good, keys.AlgEdDSA, ed) }, edRes, 0, proof.ErrMalformedProof},
		{"typ vc+jwt", func(t *testing.T) string {
			return craft(t, `{"alg":"EdDSA","kid":"`+testKID+`","typ":"vc+jwt"}`, good, keys.AlgEdDSA, ed)
		}, edRes, 0, proof.ErrMalformedProof},
		{"jwk with d", func(t *testing.T) string {
			return craft(t, `{"alg":"EdDSA","jwk":{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}}`, good, keys.AlgEdDSA, ed)
		}, edRes, 0, proof.ErrMalformedProof},
		{"payload not JSON", func(t *testing.T) string { return craft(t, edHdr, `{"iss":`, keys.AlgEdDSA, ed) }, edRes, 0, proof.ErrMalformedProof},
		{"payload duplicate member", func(t *testing.T) string {
			return craft(t, edHdr, strings.Replace(good, `"name":`, `"name":"a","name":`, 1), keys.AlgEdDSA, ed)
		}, edRes, 0, proof.ErrMalformedProof},
		{"payload nested duplicate", func(t *testing.T) string {
			return craft(t, edHdr, strings.Replace(good, `"narrative":`, `"narrative":"a","narrative":`, 1), keys.AlgEdDSA, ed)
		}, edRes, 0, proof.ErrMalformedProof},
		{"payload invalid UTF-8", func(t *testing.T) string {
			return craft(t, edHdr, strings.Replace(good, "Teamwork", "Team\xffwork", 1), keys.AlgEdDSA, ed)
		}, edRes, 0, proof.ErrMalformedProof},
	}
	for _, h := range []string{`"crit":["exp"]`, `"jku":"https://issuer.example/jwks"`, `"x5u":"https://issuer.example/c"`, `"x5c":["MIIB"]`, `"b64":false`, `"cty":"JWT"`, `"iat":1`} {
		tests = append(tests, struct {
			name    string
			token   func(t *testing.T) string
			res     proof.MethodResolver
			max     int
			wantErr error
		}{"header " + h, func(t *testing.T) string {
			return craft(t, `{"alg":"EdDSA","kid":"`+testKID+`",`+h+`}`, good, keys.AlgEdDSA, ed)
		}, edRes, 0, proof.ErrMalformedProof})
	}
	for _, alg := range []string{"HS384", "HS512", "ES384", "RS512", "ES256K", "Ed25519", "eddsa", ""} {
		tests = append(tests, struct {
			name    string
			token   func(t *testing.T) string
			res     proof.MethodResolver
			max     int
			wantErr error
		}{"alg " + alg, func(t *testing.T) string {
			return craft(t, `{"alg":"`+alg+`","kid":"`+testKID+`"}`, good, keys.AlgEdDSA, ed)
		}, edRes, 0, proof.ErrAlgorithmRefused})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := Verify(context.Background(), tt.token(t), VerifyOptions{Resolver: tt.res, MaxTokenBytes: tt.max})
			if tt.wantErr == nil {
				if err != nil || res == nil {
					t.Fatalf("Verify = %v, %v; want success", res, err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Verify error = %v, want %v", err, tt.wantErr)
			}
			if res != nil {
				t.Errorf("Verify returned a result with %v", err)
			}
		})
	}
}

func TestVerifyClaims(t *testing.T) {
	t.Parallel()
	ed := testSigner(t, keys.AlgEdDSA, testKID)
	res := resolverFor(ed, testIssuer)
	hdr := `{"alg":"EdDSA","kid":"` + testKID + `","typ":"JWT"}`
	noSubjectID := strings.Replace(testCredential, `"id": "did:example:alice",`, ``, 1)
	noValidUntil := strings.Replace(testCredential, `"validUntil": "2027-01-01T12:30:00.5Z",`, "", 1)
	noID := strings.Replace(testCredential, `"id": "urn:uuid:6a9c92a9-2530-4e2b-9776-530467e9bbe0",`, "", 1)
	offset := strings.Replace(testCredential, `"2026-01-01T00:00:00Z"`, `"2026-01-01T01:00:00.999+01:00"`, 1)
	tests := []struct {
		name    string
		cred    string
		claims  []string
		wantErr error
	}{
		{"all good", testCredential, []string{goodIss, goodJti, goodNbf, goodSub, goodExp, `"aud":"x"`, `"iat":5`}, nil},
		{"nbf with offset and fraction", offset, []string{goodIss, goodJti, `"nbf":1767225600.9`, goodSub, goodExp}, nil},
		{"iss mismatch", testCredential, []string{`"iss":"did:web:evil.example"`, goodJti, goodNbf, goodSub, goodExp}, proof.ErrClaimMismatch},
		{"iss missing", testCredential, []string{goodJti, goodNbf, goodSub, goodExp}, proof.ErrClaimMismatch},
		{"iss not a string", testCredential, []string{`"iss":{"id":"did:web:issuer.example"}`, goodJti, goodNbf, goodSub, goodExp}, proof.ErrMalformedProof},
		{"jti mismatch", testCredential, []string{goodIss, `"jti":"urn:uuid:other"`, goodNbf, goodSub, goodExp}, proof.ErrClaimMismatch},
		{"jti missing", testCredential, []string{goodIss, goodNbf, goodSub, goodExp}, proof.ErrClaimMismatch},
		{"credential without id", noID, []string{goodIss, goodJti, goodNbf, goodSub, goodExp}, proof.ErrClaimMismatch},
		{"sub mismatch", testCredential, []string{goodIss, goodJti, goodNbf, `"sub":"did:example:mallory"`, goodExp}, proof.ErrClaimMismatch},
		{"sub missing is flagged", testCredential, []string{goodIss, goodJti, goodNbf, goodExp}, nil},
		{"sub missing, required", testCredential, []string{goodIss, goodJti, goodNbf, goodExp, "require"}, ErrSubjectClaimMissing},
		{"sub missing but another mismatch wins", testCredential, []string{`"iss":"x"`, goodJti, goodNbf, goodExp, "require"}, proof.ErrClaimMismatch},
		{"sub but subject has no id", noSubjectID, []string{goodIss, goodJti, goodNbf, goodSub, goodExp}, proof.ErrClaimMismatch},
		{"no sub, subject has no id", noSubjectID, []string{goodIss, goodJti, goodNbf, goodExp}, nil},
		{"nbf mismatch", testCredential, []string{goodIss, goodJti, `"nbf":1767225601`, goodSub, goodExp}, proof.ErrClaimMismatch},
		{"nbf missing", testCredential, []string{goodIss, goodJti, goodSub, goodExp}, proof.ErrClaimMismatch},
		{"nbf a string", testCredential, []string{goodIss, goodJti, `"nbf":"1767225600"`, goodSub, goodExp}, proof.ErrMalformedProof},
		{"nbf huge", testCredential, []string{goodIss, goodJti, `"nbf":1e300`, goodSub, goodExp}, proof.ErrMalformedProof},
		{"exp mismatch", testCredential, []string{goodIss, goodJti, goodNbf, goodSub, `"exp":1798806601`}, proof.ErrClaimMismatch},
		{"exp missing", testCredential, []string{goodIss, goodJti, goodNbf, goodSub}, proof.ErrClaimMismatch},
		{"exp without validUntil", noValidUntil, []string{goodIss, goodJti, goodNbf, goodSub, goodExp}, proof.ErrClaimMismatch},
		{"exp before nbf", strings.Replace(testCredential, `"2027-01-01T12:30:00.5Z"`, `"2025-01-01T00:00:00Z"`, 1),
			[]string{goodIss, goodJti, goodNbf, goodSub, `"exp":1735689600`}, proof.ErrClaimMismatch},
		{"expired long ago is not judged here", strings.Replace(strings.Replace(testCredential, `"2027-01-01T12:30:00.5Z"`, `"2000-01-02T00:00:00Z"`, 1), `"2026-01-01T00:00:00Z"`, `"2000-01-01T00:00:00Z"`, 1),
			[]string{goodIss, goodJti, `"nbf":946684800`, goodSub, `"exp":946771200`}, nil},
		{"1.1 context without vc claim", strings.Replace(testCredential, ContextV2, ContextV1, 1), []string{goodIss, goodJti, goodNbf, goodSub, goodExp}, proof.ErrClaimMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			claims := tt.claims
			require := claims[len(claims)-1] == "require"
			if require {
				claims = claims[:len(claims)-1]
			}
			var payload string
			if strings.Contains(tt.cred, ContextV1) {
				payload = strings.TrimSuffix(strings.Join(strings.Fields(tt.cred), ""), "}") + "," + strings.Join(claims, ",") + "}"
			} else {
				payload = payloadWith(t, tt.cred, claims...)
			}
			tok := craft(t, hdr, payload, keys.AlgEdDSA, ed)
			got, err := Verify(context.Background(), tok, VerifyOptions{Resolver: res, RequireSubject: require})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Verify error = %v, want %v", err, tt.wantErr)
			}
			if tt.name == "sub missing but another mismatch wins" && errors.Is(err, ErrSubjectClaimMissing) {
				t.Fatalf("Verify error = %v, want the iss mismatch", err)
			}
			wantFlag := strings.HasPrefix(tt.name, "sub missing is flagged")
			if err == nil && got.SubjectClaimMissing != wantFlag {
				t.Errorf("SubjectClaimMissing = %v, want %v", got.SubjectClaimMissing, wantFlag)
			}
			if errors.Is(err, proof.ErrClaimMismatch) && !strings.Contains(tt.name, "1.1") {
				if got == nil || len(got.Credential) == 0 {
					t.Error("a claim mismatch after a good signature should still return the Result")
				}
			}
			if tt.wantErr == nil && got.NotBefore.IsZero() {
				t.Error("NotBefore not set")
			}
		})
	}
}

func TestVerifyEmbeddedJWK(t *testing.T) {
	t.Parallel()
	for _, alg := range algs {
		s := testSigner(t, alg, "")
		other, err := keys.Generate(keys.AlgEdDSA, "")
		if err != nil {
			t.Fatal(err)
		}
		jwkJSON := func(t *testing.T, s keys.Signer) string {
			k, err := keys.JWKFromPublicKey(s.Public(), "")
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(k)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
		didJWK := "did:jwk:" + b64.EncodeToString([]byte(jwkJSON(t, s)))
		withIssuer := func(id string) string {
			return strings.Replace(testCredential, `"id": "did:web:issuer.example"`, `"id": "`+id+`"`, 1)
		}
		tests := []struct {
			name         string
			issuer       string
			wantSelf     bool
			wantMethodID string
			wantErr      error
		}{
			{name: "self-asserted for a did:web issuer", issuer: testIssuer, wantSelf: true},
			{name: "self-asserted for an https issuer", issuer: "https://issuer.example/profile", wantSelf: true},
			{name: "bound to did:jwk", issuer: didJWK, wantMethodID: didJWK + "#0"},
			{name: "did:jwk of another key", issuer: "did:jwk:" + b64.EncodeToString([]byte(jwkJSON(t, other))), wantErr: proof.ErrKeyNotAuthorized},
			{name: "did:jwk garbage", issuer: "did:jwk:!!", wantErr: proof.ErrKeyNotAuthorized},
		}
		if alg != keys.AlgRS256 { // did:key has no RSA encoding in keys
			did, vm, err := keys.DIDKey(s.Public())
			if err != nil {
				t.Fatal(err)
			}
			otherDID, _, err := keys.DIDKey(other.Public())
			if err != nil {
				t.Fatal(err)
			}
			tests = append(tests,
				struct {
					name         string
					issuer       string
					wantSelf     bool
					wantMethodID string
					wantErr      error
				}{name: "bound to did:key", issuer: did, wantMethodID: vm},
				struct {
					name         string
					issuer       string
					wantSelf     bool
					wantMethodID string
					wantErr      error
				}{name: "did:key of another key", issuer: otherDID, wantErr: proof.ErrKeyNotAuthorized})
		}
		for _, tt := range tests {
			t.Run(alg+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				tok, err := Sign([]byte(withIssuer(tt.issuer)), s, SignOptions{EmbedJWK: true})
				if err != nil {
					t.Fatal(err)
				}
				got, err := Verify(context.Background(), tok, VerifyOptions{})
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Verify error = %v, want %v", err, tt.wantErr)
				}
				if err != nil {
					return
				}
				if got.SelfAssertedKey != tt.wantSelf || got.Method == nil || got.Method.ID != tt.wantMethodID || got.KeyID != "" {
					t.Errorf("Result: self=%v method=%+v kid=%q", got.SelfAssertedKey, got.Method, got.KeyID)
				}
				if !tt.wantSelf && got.Method.Controller != tt.issuer {
					t.Errorf("Controller = %q", got.Method.Controller)
				}
			})
		}
	}
}

func TestVerifyVCDM11(t *testing.T) {
	t.Parallel()
	rs := testSigner(t, keys.AlgRS256, testKID)
	res := resolverFor(rs, testIssuer)
	vc := `{"@context":["https://www.w3.org/2018/credentials/v1","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],` +
		`"id":"urn:uuid:1","type":["VerifiableCredential","OpenBadgeCredential"],"issuer":{"id":"did:web:issuer.example","type":"Profile","name":"X"},` +
		`"issuanceDate":"2010-01-01T00:00:00Z","expirationDate":"2030-01-01T00:00:00Z","name":"B","credentialSubject":{"id":"did:example:alice"}}`
	hdr := `{"alg":"RS256","kid":"` + testKID + `","typ":"JWT"}`
	claims := `"iss":"did:web:issuer.example","jti":"urn:uuid:1","nbf":1262304000,"exp":1893456000,"sub":"did:example:alice"`
	tests := []struct {
		name    string
		payload string
		wantErr error
	}{
		{"good", `{"vc":` + vc + `,` + claims + `}`, nil},
		{"good with spaces", `{ "vc" : ` + vc + ` , ` + claims + ` }`, nil},
		{"v2 context in vc", `{"vc":` + strings.Replace(vc, ContextV1, ContextV2, 1) + `,` + claims + `}`, proof.ErrClaimMismatch},
		{"vc not an object", `{"vc":"x",` + claims + `}`, proof.ErrMalformedProof},
		{"nbf is not issuanceDate", `{"vc":` + vc + `,` + strings.Replace(claims, "1262304000", "1262304001", 1) + `}`, proof.ErrClaimMismatch},
		{"exp is not expirationDate", `{"vc":` + vc + `,` + strings.Replace(claims, "1893456000", "1893456001", 1) + `}`, proof.ErrClaimMismatch},
		{"jti is not id", `{"vc":` + vc + `,` + strings.Replace(claims, "urn:uuid:1", "urn:uuid:2", 1) + `}`, proof.ErrClaimMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Verify(context.Background(), craft(t, hdr, tt.payload, keys.AlgRS256, rs), VerifyOptions{Resolver: res})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Verify error = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if got.Version != Version1 || string(got.Credential) != vc {
				t.Errorf("Version %q Credential %s", got.Version, got.Credential)
			}
			if !got.Expires.Equal(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("Expires = %v", got.Expires)
			}
		})
	}
}

// TestVerifyContext shows the context reaches the resolver.
func TestVerifyContext(t *testing.T) {
	t.Parallel()
	ed := testSigner(t, keys.AlgEdDSA, testKID)
	tok, err := Sign([]byte(testCredential), ed, SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Verify(ctx, tok, VerifyOptions{Resolver: ctxResolver{}})
	if !errors.Is(err, context.Canceled) || !errors.Is(err, proof.ErrKeyResolution) {
		t.Fatalf("Verify error = %v, want context.Canceled wrapped in ErrKeyResolution", err)
	}
}

type ctxResolver struct{}

func (ctxResolver) ResolveMethod(ctx context.Context, id, _ string) (*proof.VerificationMethod, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("%w: %s", proof.ErrKeyResolution, id)
}

// TestInteropStdlib checks the signatures against the standard library rather than
// jwx alone: tokens Sign makes verify with crypto/ed25519, crypto/ecdsa (r||s) and
// crypto/rsa (PKCS #1 v1.5), and tokens signed without jwx verify with Verify.
func TestInteropStdlib(t *testing.T) {
	t.Parallel()
	good := payloadWith(t, testCredential, goodIss, goodJti, goodNbf, goodSub, goodExp)
	for _, alg := range algs {
		t.Run(alg, func(t *testing.T) {
			t.Parallel()
			s := testSigner(t, alg, testKID)
			tok, err := Sign([]byte(testCredential), s, SignOptions{})
			if err != nil {
				t.Fatal(err)
			}
			i := strings.LastIndexByte(tok, '.')
			input := []byte(tok[:i])
			sig, err := b64.DecodeString(tok[i+1:])
			if err != nil {
				t.Fatal(err)
			}
			digest := sha256.Sum256(input)
			var ok bool
			switch pub := s.Public().(type) {
			case ed25519.PublicKey:
				ok = ed25519.Verify(pub, input, sig)
			case *ecdsa.PublicKey:
				ok = len(sig) == 64 && ecdsa.Verify(pub, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:]))
			case *rsa.PublicKey:
				ok = rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig) == nil
			}
			if !ok {
				t.Fatalf("%s token does not verify with the standard library", alg)
			}
			crafted := craft(t, `{"alg":"`+alg+`","kid":"`+testKID+`","typ":"JWT"}`, good, alg, s)
			if _, err := Verify(context.Background(), crafted, VerifyOptions{Resolver: resolverFor(s, testIssuer)}); err != nil {
				t.Fatalf("stdlib-signed %s token: %v", alg, err)
			}
		})
	}
}
