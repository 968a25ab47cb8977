package keys_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/obadge/obadge/internal/testutil"
	"github.com/obadge/obadge/keys"
)

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func jsonOf(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPublicJWK(t *testing.T) {
	t.Parallel()
	rsaStrong, _ := rsaKeys(t)
	rs, err := keys.NewSigner(rsaStrong, "did:web:example.org#rsa")
	if err != nil {
		t.Fatal(err)
	}
	ed, _ := keys.Generate(keys.AlgEdDSA, "did:web:example.org#ed")
	ec, _ := keys.Generate(keys.AlgES256, "did:web:example.org#ec")
	want := map[string][]string{
		keys.AlgEdDSA: {"alg", "crv", "kid", "kty", "use", "x"},
		keys.AlgES256: {"alg", "crv", "kid", "kty", "use", "x", "y"},
		keys.AlgRS256: {"alg", "e", "kid", "kty", "n", "use"},
	}
	for _, s := range []keys.Signer{ed, ec, rs} {
		t.Run(s.Algorithm(), func(t *testing.T) {
			t.Parallel()
			key, err := keys.PublicJWK(s)
			if err != nil {
				t.Fatal(err)
			}
			raw := jsonOf(t, key)
			var m map[string]any
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			var names []string
			for k := range m {
				names = append(names, k)
			}
			if strings.Join(sorted(names), ",") != strings.Join(want[s.Algorithm()], ",") {
				t.Fatalf("members %v, want %v (%s)", sorted(names), want[s.Algorithm()], raw)
			}
			if m["kid"] != s.KeyID() || m["alg"] != s.Algorithm() || m["use"] != "sig" {
				t.Fatalf("JWK %s", raw)
			}
			pub, err := keys.PublicKeyFromJWK(raw)
			if err != nil {
				t.Fatal(err)
			}
			if !pub.(interface{ Equal(crypto.PublicKey) bool }).Equal(s.Public()) {
				t.Fatal("JWK round trip changed the key")
			}
		})
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestJWKS(t *testing.T) {
	t.Parallel()
	ed, _ := keys.Generate(keys.AlgEdDSA, "k1")
	ec, _ := keys.Generate(keys.AlgES256, "k2")
	out, err := keys.JWKS(ed, ec)
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(out, &set); err != nil || len(set.Keys) != 2 {
		t.Fatalf("JWKS %s: %v", out, err)
	}
	for i, s := range []keys.Signer{ed, ec} {
		if bytes.Contains(set.Keys[i], []byte(`"d"`)) {
			t.Fatalf("JWKS entry has a private member: %s", set.Keys[i])
		}
		pub, err := keys.PublicKeyFromJWK(set.Keys[i])
		if err != nil || !pub.(interface{ Equal(crypto.PublicKey) bool }).Equal(s.Public()) {
			t.Fatalf("entry %d: %v", i, err)
		}
	}
	parsed, err := jwk.Parse(out)
	if err != nil || parsed.Len() != 2 {
		t.Fatalf("jwx cannot read our JWKS: %v", err)
	}
	if _, ok := parsed.LookupKeyID("k2"); !ok {
		t.Fatal("kid k2 not found in the set")
	}
	if _, err := keys.JWKS(ed, keys.WithKeyID(ec, "k1")); !errors.Is(err, keys.ErrInvalidKey) {
		t.Fatalf("duplicate kid: %v", err)
	}
	if out, err := keys.JWKS(); err != nil || string(out) != `{"keys":[]}` {
		t.Fatalf("empty JWKS = %s, %v", out, err)
	}
	if _, err := keys.JWKS(nil); !errors.Is(err, keys.ErrInvalidKey) {
		t.Fatalf("nil signer: %v", err)
	}
	if _, err := keys.PublicJWK(lying{ed}); !errors.Is(err, keys.ErrInvalidKey) {
		t.Fatalf("signer whose Algorithm does not match its key: %v", err)
	}
}

// lying reports an algorithm its key does not have.
type lying struct{ keys.Signer }

func (lying) Algorithm() string { return keys.AlgRS256 }

func TestPublicKeyFromJWKRejects(t *testing.T) {
	t.Parallel()
	_, rsaWeak := rsaKeys(t)
	ec := p256Key(t)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	point, err := ec.PublicKey.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	xs, ys := b64(point[1:33]), b64(point[33:])
	badY := bytes.Clone(point[33:])
	badY[31] ^= 1
	okp := func(extra string) string {
		return `{"kty":"OKP","crv":"Ed25519","x":"` + b64(edPub) + `"` + extra + `}`
	}
	p384JWK := jsonOf(t, mustJWK(t, &p384.PublicKey))
	weakJWK := jsonOf(t, mustJWK(t, &rsaWeak.PublicKey))
	tests := []struct {
		name     string
		in       string
		wantErrs []error
	}{
		{"okp ok", okp(""), nil},
		{"okp alg EdDSA ok", okp(`,"alg":"EdDSA","use":"sig","kid":"x"`), nil},
		{"ec ok", `{"kty":"EC","crv":"P-256","x":"` + xs + `","y":"` + ys + `"}`, nil},
		{"okp private d", okp(`,"d":"` + b64(make([]byte, 32)) + `"`), []error{keys.ErrPrivateKeyMaterial, keys.ErrInvalidKey}},
		{"okp empty d", okp(`,"d":""`), []error{keys.ErrPrivateKeyMaterial}},
		{"ec private d", `{"kty":"EC","crv":"P-256","x":"` + xs + `","y":"` + ys + `","d":"AAAA"}`, []error{keys.ErrPrivateKeyMaterial}},
		{"rsa private p", `{"kty":"RSA","n":"AQAB","e":"AQAB","p":"AQ"}`, []error{keys.ErrPrivateKeyMaterial}},
		{"oct", `{"kty":"oct","k":"c2VjcmV0"}`, []error{keys.ErrPrivateKeyMaterial}},
		{"oct without k", `{"kty":"oct"}`, []error{keys.ErrPrivateKeyMaterial}},
		{"rsa 1024", string(weakJWK), []error{keys.ErrWeakKey, keys.ErrInvalidKey}},
		{"p384", string(p384JWK), []error{keys.ErrUnsupportedKey}},
		{"secp256k1", `{"kty":"EC","crv":"secp256k1","x":"` + xs + `","y":"` + ys + `"}`, []error{keys.ErrInvalidKey}},
		{"unknown curve", `{"kty":"EC","crv":"P-255","x":"` + xs + `","y":"` + ys + `"}`, []error{keys.ErrInvalidKey}},
		{"x25519", `{"kty":"OKP","crv":"X25519","x":"` + b64(edPub) + `"}`, []error{keys.ErrUnsupportedKey}},
		{"ec off curve", `{"kty":"EC","crv":"P-256","x":"` + xs + `","y":"` + b64(badY) + `"}`, []error{keys.ErrInvalidKey}},
		{"ec missing y", `{"kty":"EC","crv":"P-256","x":"` + xs + `"}`, []error{keys.ErrInvalidKey}},
		{"okp short x", `{"kty":"OKP","crv":"Ed25519","x":"` + b64(edPub[:31]) + `"}`, []error{keys.ErrInvalidKey}},
		{"alg mismatch", okp(`,"alg":"RS256"`), []error{keys.ErrUnsupportedKey}},
		{"alg none", okp(`,"alg":"none"`), []error{keys.ErrUnsupportedKey}},
		{"use enc", okp(`,"use":"enc"`), []error{keys.ErrUnsupportedKey}},
		{"unknown kty", `{"kty":"XYZ"}`, []error{keys.ErrUnsupportedKey}},
		{"no kty", `{"x":"AA"}`, []error{keys.ErrInvalidKey}},
		{"kty number", `{"kty":1}`, []error{keys.ErrInvalidKey}},
		{"jwks not a key", `{"keys":[` + okp("") + `]}`, []error{keys.ErrInvalidKey}},
		{"array", `[]`, []error{keys.ErrInvalidKey}},
		{"null", `null`, []error{keys.ErrInvalidKey}},
		{"not json", `{"kty":`, []error{keys.ErrInvalidKey}},
		{"too large", `{"kty":"OKP","pad":"` + strings.Repeat("a", keys.MaxJWKBytes) + `"}`, []error{keys.ErrInvalidKey}},
		{"rsa e=1", rsaJWK(t, 1), []error{keys.ErrInvalidKey}},
		{"rsa e even", rsaJWK(t, 65536), []error{keys.ErrInvalidKey}},
		{"rsa e too large", rsaJWK(t, 1<<33+1), []error{keys.ErrInvalidKey}},
		{"rsa ok", rsaJWK(t, 65537), nil},
		{"rsa n even", evenModulusJWK(t), []error{keys.ErrInvalidKey}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pub, err := keys.PublicKeyFromJWK([]byte(tt.in))
			if len(tt.wantErrs) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if _, err := keys.PublicKeyAlgorithm(pub); err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted %s as %T", tt.in, pub)
			}
			for _, want := range tt.wantErrs {
				if !errors.Is(err, want) {
					t.Fatalf("error %v does not wrap %v", err, want)
				}
			}
		})
	}
}

func mustJWK(t *testing.T, pub crypto.PublicKey) jwk.Key {
	t.Helper()
	k, err := jwk.FromRaw(pub)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func rsaJWK(t *testing.T, e int) string {
	strong, _ := rsaKeys(t)
	return `{"kty":"RSA","n":"` + b64(strong.N.Bytes()) + `","e":"` + b64(big.NewInt(int64(e)).Bytes()) + `"}`
}

func evenModulusJWK(t *testing.T) string {
	strong, _ := rsaKeys(t)
	n := new(big.Int).SetBit(strong.N, 0, 0)
	return `{"kty":"RSA","n":"` + b64(n.Bytes()) + `","e":"AQAB"}`
}

func TestThumbprint(t *testing.T) {
	t.Parallel()
	// RFC 8037 appendix A.3 (Ed25519) and RFC 7638 §3.1 (RSA).
	rfc8037X, _ := base64.RawURLEncoding.DecodeString("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
	rfc7638N, _ := base64.RawURLEncoding.DecodeString("0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw")
	ec := p256Key(t)
	point, err := ec.PublicKey.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	ecWant := sha256.Sum256([]byte(`{"crv":"P-256","kty":"EC","x":"` + b64(point[1:33]) + `","y":"` + b64(point[33:]) + `"}`))
	tests := []struct {
		name string
		pub  crypto.PublicKey
		want string
	}{
		{"rfc8037 ed25519", ed25519.PublicKey(rfc8037X), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"},
		{"rfc7638 rsa", &rsa.PublicKey{N: new(big.Int).SetBytes(rfc7638N), E: 65537}, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"},
		{"p256 by hand", &ec.PublicKey, b64(ecWant[:])},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := keys.Thumbprint(tt.pub)
			if err != nil || got != tt.want {
				t.Fatalf("Thumbprint = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	if _, err := keys.Thumbprint([]byte("x")); !errors.Is(err, keys.ErrUnsupportedKey) {
		t.Fatalf("Thumbprint of bytes: %v", err)
	}
}

// FuzzPublicKeyFromJWK: never panics, never returns a key with an error or an
// unusable key, and never accepts a JWK with private members.
func FuzzPublicKeyFromJWK(f *testing.F) {
	f.Add([]byte(`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`))
	f.Add([]byte(`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}`))
	f.Add([]byte(`{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","alg":"ES256"}`))
	f.Add([]byte(`{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB"}`))
	f.Add([]byte(`{"kty":"oct","k":"AA"}`))
	f.Add([]byte(`{"keys":[]}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		pub, err := keys.PublicKeyFromJWK(raw)
		if err != nil {
			if pub != nil {
				t.Fatal("key returned with an error")
			}
			return
		}
		if _, err := keys.PublicKeyAlgorithm(pub); err != nil {
			t.Fatalf("accepted an unusable key: %v", err)
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) == nil {
			for _, p := range []string{"d", "p", "q", "dp", "dq", "qi", "k"} {
				if _, ok := m[p]; ok {
					t.Fatalf("accepted a JWK with private member %q", p)
				}
			}
		}
	})
}

// TestJWKOfDecodedMultikey converts keys between the two publication formats: a
// Multikey decodes to a key that exports as the same JWK it came from.
func TestJWKOfDecodedMultikey(t *testing.T) {
	t.Parallel()
	ec := p256Key(t)
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	for _, pub := range []crypto.PublicKey{&ec.PublicKey, edPub} {
		mb, err := keys.EncodePublicKeyMultibase(pub)
		if err != nil {
			t.Fatal(err)
		}
		decoded, err := keys.DecodePublicKeyMultibase(mb)
		if err != nil {
			t.Fatal(err)
		}
		a, err := keys.JWKFromPublicKey(pub, "k")
		if err != nil {
			t.Fatal(err)
		}
		b, err := keys.JWKFromPublicKey(decoded, "k")
		if err != nil {
			t.Fatal(err)
		}
		if ja, jb := jsonOf(t, a), jsonOf(t, b); !bytes.Equal(ja, jb) {
			t.Fatalf("JWK of decoded Multikey differs:\n%s\n%s", ja, jb)
		}
		ta, _ := keys.Thumbprint(pub)
		tb, err := keys.Thumbprint(decoded)
		if err != nil || ta != tb {
			t.Fatalf("thumbprints %q %q %v", ta, tb, err)
		}
	}
}

// TestJWKSGolden pins the JWKS of the OB implementation guide key.
func TestJWKSGolden(t *testing.T) {
	t.Parallel()
	v := readOBVector(t).KeyPair
	s, err := keys.ParseSecretKeyMultibase(v.SecretKeyMultibase, "https://example.edu/issuers/565049#"+v.PublicKeyMultibase)
	if err != nil {
		t.Fatal(err)
	}
	out, err := keys.JWKS(s)
	if err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, "jwks-ob-vector.json", append(out, '\n'))
	if !strings.Contains(string(out), `"x":"`+jwkXFromHex(t, v.PublicKeyHex)+`"`) {
		t.Fatalf("JWKS does not carry the vector's public key: %s", out)
	}
}
