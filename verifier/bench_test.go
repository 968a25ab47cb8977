package verifier_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"testing"

	"github.com/obadge/obadge/keys"
	"github.com/obadge/obadge/proof/dataintegrity"
	"github.com/obadge/obadge/proof/vcjwt"
	"github.com/obadge/obadge/verifier"
)

// BenchmarkVerify measures a whole verification (every check) of an educator
// credential signed with a did:key, as JSON-LD and as VC-JWT, beside raw Ed25519
// verification in the same run: the ratio is the price of the OB algorithm,
// JSON-LD expansion and canonicalization around the signature.
func BenchmarkVerify(b *testing.B) {
	ctx := context.Background()
	signer, _ := keys.Generate(keys.AlgEdDSA, "")
	did, vm, _ := keys.DIDKey(signer.Public())
	signer = keys.WithKeyID(signer, vm)
	cred := []byte(fmt.Sprintf(`{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
"id":"urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10164","type":["VerifiableCredential","OpenBadgeCredential"],"name":"Guided Reading",
"issuer":{"id":"%s","type":["Profile"],"name":"State Board of Education"},"validFrom":"2026-01-01T00:00:00Z",
"credentialSubject":{"id":"did:example:teacher","type":["AchievementSubject"],"achievement":{"id":"https://example.org/achievements/1","type":["Achievement"],"name":"Guided Reading","description":"Leads guided reading groups.","criteria":{"narrative":"Lesson video scored against the rubric."},"achievementType":"MicroCredential","creditsAvailable":1.5}},
"evidence":[{"type":["Evidence"],"name":"Lesson video","narrative":"Scored 4/4."}]}`, did))
	ldp, err := dataintegrity.Sign(ctx, cred, signer, dataintegrity.SignOptions{})
	if err != nil {
		b.Fatal(err)
	}
	jwt, err := vcjwt.Sign(cred, signer, vcjwt.SignOptions{})
	if err != nil {
		b.Fatal(err)
	}
	v, err := verifier.Configure(verifier.Config{Offline: true})
	if err != nil {
		b.Fatal(err)
	}
	for name, in := range map[string][]byte{"ldp": ldp, "jwt": []byte(jwt)} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r, err := v.Verify(ctx, in, verifier.VerifyOptions{})
				if err != nil || !r.Verified {
					b.Fatalf("not verified: %v %s", err, r.JSON())
				}
			}
		})
	}
	b.Run("raw-ed25519-verify", func(b *testing.B) {
		pub := signer.Public().(ed25519.PublicKey)
		msg := make([]byte, 64)
		sig, _ := signer.Sign(nil, msg, nil)
		for b.Loop() {
			if !ed25519.Verify(pub, msg, sig) {
				b.Fatal("bad")
			}
		}
	})
}
