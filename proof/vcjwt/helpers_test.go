package vcjwt

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"

	"github.com/obadge/obadge/keys"
	"github.com/obadge/obadge/proof"
)

const (
	testIssuer  = "did:web:issuer.example"
	testKID     = testIssuer + "#key-1"
	testSubject = "did:example:alice"
)

// testCredential is an OB 3.0 credential in the shape the issuer produces.
const testCredential = `{
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
  "id": "urn:uuid:6a9c92a9-2530-4e2b-9776-530467e9bbe0",
  "type": ["VerifiableCredential", "OpenBadgeCredential"],
  "issuer": {"id": "did:web:issuer.example", "type": ["Profile"], "name": "Example Agency"},
  "validFrom": "2026-01-01T00:00:00Z",
  "validUntil": "2027-01-01T12:30:00.5Z",
  "name": "Teamwork <&> \u00e9",
  "credentialSubject": {
    "id": "did:example:alice",
    "type": ["AchievementSubject"],
    "achievement": {"id": "https://issuer.example/achievements/1", "type": ["Achievement"], "name": "Teamwork", "criteria": {"narrative": "Works in a team."}}
  }
}`

// staticResolver is a MethodResolver over a fixed map of methods.
type staticResolver map[string]*proof.VerificationMethod

func (r staticResolver) ResolveMethod(_ context.Context, id, rel string) (*proof.VerificationMethod, error) {
	if rel != proof.AssertionMethod {
		return nil, fmt.Errorf("%w: relationship %q", proof.ErrKeyNotAuthorized, rel)
	}
	m, ok := r[id]
	if !ok {
		return nil, fmt.Errorf("%w: unknown method %q", proof.ErrKeyResolution, id)
	}
	return m, nil
}

// resolverFor returns a resolver that knows s under its KeyID, controlled by controller.
func resolverFor(s keys.Signer, controller string) staticResolver {
	return staticResolver{s.KeyID(): {ID: s.KeyID(), Type: "JsonWebKey", Controller: controller, PublicKey: s.Public()}}
}

var (
	signersOnce sync.Once
	signersMap  map[string]keys.Signer
	signersErr  error
)

// testSigner returns one key per algorithm, made once per test binary (RSA generation
// is slow), named name.
func testSigner(tb testing.TB, alg, name string) keys.Signer {
	tb.Helper()
	signersOnce.Do(func() {
		signersMap = map[string]keys.Signer{}
		for _, a := range []string{keys.AlgEdDSA, keys.AlgES256} {
			s, err := keys.Generate(a, "")
			if err != nil {
				signersErr = err
				return
			}
			signersMap[a] = s
		}
		// 2048 bits, the size of the 1EdTech fixtures; faster to make than the default.
		rk, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			signersErr = err
			return
		}
		s, err := keys.NewSigner(rk, "")
		if err != nil {
			signersErr = err
			return
		}
		signersMap[keys.AlgRS256] = s
	})
	if signersErr != nil {
		tb.Fatal(signersErr)
	}
	return keys.WithKeyID(signersMap[alg], name)
}

var b64 = base64.RawURLEncoding

// craft builds a compact JWS from raw header and payload JSON, signed by s with alg
// (which may disagree with the key, to build hostile tokens); s nil gives an empty
// signature.
func craft(tb testing.TB, header, payload string, alg string, s crypto.Signer) string {
	tb.Helper()
	input := b64.EncodeToString([]byte(header)) + "." + b64.EncodeToString([]byte(payload))
	if s == nil {
		return input + "."
	}
	sig, err := rawSign(s, alg, []byte(input))
	if err != nil {
		tb.Fatal(err)
	}
	return input + "." + b64.EncodeToString(sig)
}

func rawSign(s crypto.Signer, alg string, input []byte) ([]byte, error) {
	switch alg {
	case keys.AlgEdDSA:
		return s.Sign(rand.Reader, input, crypto.Hash(0))
	case keys.AlgRS256:
		h := sha256.Sum256(input)
		return s.Sign(rand.Reader, h[:], crypto.SHA256)
	case keys.AlgES256:
		h := sha256.Sum256(input)
		der, err := s.Sign(rand.Reader, h[:], crypto.SHA256)
		if err != nil {
			return nil, err
		}
		var rs struct{ R, S *big.Int }
		if _, err := asn1.Unmarshal(der, &rs); err != nil {
			return nil, err
		}
		out := make([]byte, 64)
		rs.R.FillBytes(out[:32])
		rs.S.FillBytes(out[32:])
		return out, nil
	}
	return nil, fmt.Errorf("rawSign: alg %q", alg)
}

// compactCredential is testCredential without whitespace, what Result.Credential
// must give back.
func compactCredential(tb testing.TB, cred string) string {
	tb.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(cred)); err != nil {
		tb.Fatal(err)
	}
	o, err := parseObject(buf.Bytes())
	if err != nil {
		tb.Fatal(err)
	}
	return string(withoutRegisteredClaims(o))
}

// payloadWith returns the compact credential with extra claims appended as raw JSON
// members (e.g. `"iss":"x"`).
func payloadWith(tb testing.TB, cred string, claims ...string) string {
	tb.Helper()
	c := compactCredential(tb, cred)
	if len(claims) == 0 {
		return c
	}
	return strings.TrimSuffix(c, "}") + "," + strings.Join(claims, ",") + "}"
}
