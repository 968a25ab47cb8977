package keys_test

import (
	"crypto"
	"crypto/ed25519"
	"strconv"
	"testing"
	"time"

	"github.com/obadge/obadge/keys"
)

// BenchmarkEd25519Sign compares signing through our Signer with raw ed25519.Sign on
// the same key, for a 64-byte message (the eddsa-rdfc-2022 hash input) and a 1 KiB
// one (a typical VC-JWT signing input). Compare signer/N with raw/N in the same run;
// the expected ratio is about 1.0 (one 64-byte allocation for the signature).
func BenchmarkEd25519Sign(b *testing.B) {
	seed := make([]byte, ed25519.SeedSize)
	seed[0] = 1
	priv := ed25519.NewKeyFromSeed(seed)
	s, err := keys.NewSigner(priv, "did:key:bench")
	if err != nil {
		b.Fatal(err)
	}
	for _, size := range []int{64, 1024} {
		msg := make([]byte, size)
		b.Run("raw/"+strconv.Itoa(size), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = ed25519.Sign(priv, msg)
			}
		})
		b.Run("signer/"+strconv.Itoa(size), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Sign(nil, msg, crypto.Hash(0)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkBase58(b *testing.B) {
	sig := make([]byte, 64) // an Ed25519 proofValue
	for i := range sig {
		sig[i] = byte(i*37 + 11)
	}
	enc := keys.EncodeMultibaseBase58(sig)
	b.Run("encode64", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = keys.EncodeMultibaseBase58(sig)
		}
	})
	b.Run("decode64", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := keys.DecodeMultibaseBase58(enc); err != nil {
				b.Fatal(err)
			}
		}
	})
	long := make([]byte, keys.MaxBase58Len)
	for i := range long {
		long[i] = 'z'
	}
	b.Run("decodeMaxLen", func(b *testing.B) {
		for b.Loop() {
			if _, err := keys.Base58Decode(string(long)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkEd25519SignRatio interleaves raw ed25519.Sign and Signer.Sign on the same
// 64-byte message in every iteration and reports their time ratio, which stays
// meaningful on a loaded machine where the separate sub-benchmarks drift.
func BenchmarkEd25519SignRatio(b *testing.B) {
	seed := make([]byte, ed25519.SeedSize)
	priv := ed25519.NewKeyFromSeed(seed)
	s, err := keys.NewSigner(priv, "did:key:bench")
	if err != nil {
		b.Fatal(err)
	}
	msg := make([]byte, 64)
	var raw, ours time.Duration
	for b.Loop() {
		t0 := time.Now()
		_ = ed25519.Sign(priv, msg)
		t1 := time.Now()
		if _, err := s.Sign(nil, msg, crypto.Hash(0)); err != nil {
			b.Fatal(err)
		}
		raw += t1.Sub(t0)
		ours += time.Since(t1)
	}
	b.ReportMetric(float64(ours)/float64(raw), "signer/raw")
}
