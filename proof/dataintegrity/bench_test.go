package dataintegrity_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"testing"
	"time"

	"github.com/obadge/obadge/keys"
	"github.com/obadge/obadge/proof/dataintegrity"
)

// educatorCredential is a typical micro-credential: an OB 3.0 credential with an
// embedded achievement, a hashed email identifier and one evidence item.
func educatorCredential(issuer string) []byte {
	return []byte(fmt.Sprintf(`{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
"id":"urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10164","type":["VerifiableCredential","OpenBadgeCredential"],"name":"Guided Reading Groups",
"issuer":{"id":"%s","type":["Profile"],"name":"State Board of Education"},"validFrom":"2026-01-01T00:00:00Z",
"credentialSubject":{"type":["AchievementSubject"],"identifier":[{"type":"IdentityObject","hashed":true,"identityType":"emailAddress","identityHash":"sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399","salt":"Kosher"}],
"achievement":{"id":"https://example.org/achievements/1","type":["Achievement"],"name":"Guided Reading Groups","description":"Plans and leads small-group guided reading.",
"criteria":{"narrative":"Lesson video scored Proficient or above."},"achievementType":"MicroCredential","creditsAvailable":1.5}},
"evidence":[{"type":["Evidence"],"name":"Lesson video","narrative":"Scored 4 of 4."}]}`, issuer))
}

// BenchmarkEdDSARDFC2022 signs and verifies the educator credential, beside raw
// Ed25519 sign and verify of a 64-byte message in the same run: the gap is JSON-LD
// expansion, data-loss checks, RDF conversion and RDFC-1.0.
func BenchmarkEdDSARDFC2022(b *testing.B) {
	ctx := context.Background()
	s, _ := keys.Generate(keys.AlgEdDSA, "")
	did, vm, _ := keys.DIDKey(s.Public())
	s = keys.WithKeyID(s, vm)
	doc := educatorCredential(did)
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	signed, err := dataintegrity.Sign(ctx, doc, s, dataintegrity.SignOptions{Created: created})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("sign", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := dataintegrity.Sign(ctx, doc, s, dataintegrity.SignOptions{Created: created}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("verify", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := dataintegrity.Verify(ctx, signed, dataintegrity.VerifyOptions{Resolver: pinned{}}); err != nil {
				b.Fatal(err)
			}
		}
	})
	priv := ed25519.NewKeyFromSeed(make([]byte, 32))
	msg := make([]byte, 64)
	sig := ed25519.Sign(priv, msg)
	b.Run("raw-ed25519-sign", func(b *testing.B) {
		for b.Loop() {
			ed25519.Sign(priv, msg)
		}
	})
	b.Run("raw-ed25519-verify", func(b *testing.B) {
		pub := priv.Public().(ed25519.PublicKey)
		for b.Loop() {
			ed25519.Verify(pub, msg, sig)
		}
	})
}
