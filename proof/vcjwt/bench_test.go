package vcjwt

import (
	"context"
	"crypto/ed25519"
	"testing"

	"github.com/obadge/obadge/keys"
)

// The raw-ed25519 sub-benchmarks are the baseline measured in the same run: quote
// the others as a ratio to them (the JWT path adds JSON checks, base64 and jwx).

func reportOps(b *testing.B) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N)/s, "ops/s")
	}
}

func BenchmarkSign(b *testing.B) {
	b.Run("raw-ed25519", func(b *testing.B) {
		_, priv, _ := ed25519.GenerateKey(nil)
		msg := []byte(testCredential)
		b.ReportAllocs()
		for b.Loop() {
			ed25519.Sign(priv, msg)
		}
		reportOps(b)
	})
	for _, alg := range algs {
		b.Run(alg, func(b *testing.B) {
			s := testSigner(b, alg, testKID)
			cred := []byte(testCredential)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Sign(cred, s, SignOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			reportOps(b)
		})
	}
}

func BenchmarkVerify(b *testing.B) {
	b.Run("raw-ed25519", func(b *testing.B) {
		pub, priv, _ := ed25519.GenerateKey(nil)
		msg := []byte(testCredential)
		sig := ed25519.Sign(priv, msg)
		b.ReportAllocs()
		for b.Loop() {
			if !ed25519.Verify(pub, msg, sig) {
				b.Fatal("bad signature")
			}
		}
		reportOps(b)
	})
	for _, alg := range algs {
		b.Run(alg, func(b *testing.B) {
			s := testSigner(b, alg, testKID)
			tok, err := Sign([]byte(testCredential), s, SignOptions{})
			if err != nil {
				b.Fatal(err)
			}
			opts := VerifyOptions{Resolver: resolverFor(s, testIssuer)}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Verify(ctx, tok, opts); err != nil {
					b.Fatal(err)
				}
			}
			reportOps(b)
		})
	}
}

var _ = keys.AlgEdDSA
