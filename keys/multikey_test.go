package keys_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/obadge/obadge/keys"
)

// TestDecodeDigestExample is the decode example of ob3-spec.md §3.3.
func TestDecodeDigestExample(t *testing.T) {
	t.Parallel()
	const mb = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
	raw, err := keys.DecodeMultibaseBase58(mb)
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(raw); got != "ed01"+"4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5" {
		t.Fatalf("decoded %s", got)
	}
	pub, err := keys.DecodePublicKeyMultibase(mb)
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(pub.(ed25519.PublicKey)); got != "4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5" {
		t.Fatalf("public key %s", got)
	}
}

// TestOBVectorKey imports the 64-byte seed||public secret key of the 1EdTech OB 3.0
// implementation guide vector and checks every published form of the key.
func TestOBVectorKey(t *testing.T) {
	t.Parallel()
	v := readOBVector(t).KeyPair
	s, err := keys.ParseSecretKeyMultibase(v.SecretKeyMultibase, "https://example.edu/issuers/565049#"+v.PublicKeyMultibase)
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(s.Public().(ed25519.PublicKey)); got != v.PublicKeyHex {
		t.Errorf("public key %s, want %s", got, v.PublicKeyHex)
	}
	mb, err := keys.EncodePublicKeyMultibase(s.Public())
	if err != nil || mb != v.PublicKeyMultibase {
		t.Errorf("publicKeyMultibase %q, %v; want %q", mb, err, v.PublicKeyMultibase)
	}
	der, err := keys.MarshalPrivateKey(s)
	if err != nil {
		t.Fatal(err)
	}
	priv, err := parsePKCS8(der)
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(priv.(ed25519.PrivateKey)); got != v.PrivateKeyHex {
		t.Errorf("private key %s, want %s", got, v.PrivateKeyHex)
	}
	// The 32-byte export re-imports to the same key.
	sk, err := keys.EncodeSecretKeyMultibase(s)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := keys.ParseSecretKeyMultibase(sk, "k")
	if err != nil || !s2.Public().(ed25519.PublicKey).Equal(s.Public()) {
		t.Fatalf("32-byte secret key round trip: %v", err)
	}
	// The 64-byte form with a public half from another key is refused.
	raw, err := keys.DecodeMultibaseBase58(v.SecretKeyMultibase)
	if err != nil {
		t.Fatal(err)
	}
	raw[len(raw)-1] ^= 1
	if _, err := keys.ParseSecretKeyMultibase(keys.EncodeMultibaseBase58(raw), "k"); !errors.Is(err, keys.ErrInvalidKey) {
		t.Fatalf("mismatched public half: %v", err)
	}
}

// TestDIKeyPair checks vc-di-eddsa's keyPair.json: the 32-byte secret key gives the
// published public key and did:key.
func TestDIKeyPair(t *testing.T) {
	t.Parallel()
	kp := readDIKeyPair(t)
	s, err := keys.ParseSecretKeyMultibase(kp.PrivateKeyMultibase, "k")
	if err != nil {
		t.Fatal(err)
	}
	mb, err := keys.EncodePublicKeyMultibase(s.Public())
	if err != nil || mb != kp.PublicKeyMultibase {
		t.Fatalf("publicKeyMultibase %q, %v; want %q", mb, err, kp.PublicKeyMultibase)
	}
	did, vm, err := keys.DIDKey(s.Public())
	if err != nil {
		t.Fatal(err)
	}
	if did != "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2" || vm != did+"#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2" {
		t.Fatalf("did %q vm %q", did, vm)
	}
	if sk, err := keys.EncodeSecretKeyMultibase(s); err != nil || sk != kp.PrivateKeyMultibase {
		t.Fatalf("EncodeSecretKeyMultibase = %q, %v; want %q", sk, err, kp.PrivateKeyMultibase)
	}
}

func TestMultikeyRoundTrip(t *testing.T) {
	t.Parallel()
	// Enough P-256 keys that both compressed-point parities (0x02, 0x03) occur.
	parity := map[byte]bool{}
	for i := 0; i < 16 || len(parity) < 2; i++ {
		k := p256Key(t)
		mb, err := keys.EncodePublicKeyMultibase(&k.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(mb, "zDn") {
			t.Fatalf("P-256 multikey %q does not start with zDn", mb)
		}
		raw, _ := keys.DecodeMultibaseBase58(mb)
		if len(raw) != 35 || raw[0] != 0x80 || raw[1] != 0x24 {
			t.Fatalf("P-256 multikey bytes %x", raw)
		}
		parity[raw[2]] = true
		pub, err := keys.DecodePublicKeyMultibase(mb)
		if err != nil {
			t.Fatal(err)
		}
		if !pub.(*ecdsa.PublicKey).Equal(&k.PublicKey) {
			t.Fatal("P-256 key changed in the round trip")
		}
		// A signature by the key verifies under the decoded key.
		s, _ := keys.NewSigner(k, "k")
		sig, err := signMsg(s, []byte("m"))
		if err != nil || !verify(t, keys.AlgES256, pub, []byte("m"), sig) {
			t.Fatalf("signature under decoded key: %v", err)
		}
	}
	if !parity[0x02] || !parity[0x03] {
		t.Fatalf("parities seen: %v", parity)
	}
	for range 8 {
		pub, _, _ := ed25519.GenerateKey(rand.Reader)
		mb, err := keys.EncodePublicKeyMultibase(pub)
		if err != nil || !strings.HasPrefix(mb, "z6Mk") {
			t.Fatalf("Ed25519 multikey %q, %v", mb, err)
		}
		back, err := keys.DecodePublicKeyMultibase(mb)
		if err != nil || !bytes.Equal(back.(ed25519.PublicKey), pub) {
			t.Fatalf("Ed25519 round trip: %v", err)
		}
	}
}

func TestEncodePublicKeyMultibaseRejects(t *testing.T) {
	t.Parallel()
	rsaStrong, _ := rsaKeys(t)
	tests := []struct {
		name    string
		pub     crypto.PublicKey
		wantErr error
	}{
		{"rsa", &rsaStrong.PublicKey, keys.ErrUnsupportedKey},
		{"short ed25519", ed25519.PublicKey(make([]byte, 31)), keys.ErrInvalidKey},
		{"nil", nil, keys.ErrUnsupportedKey},
		{"nil ecdsa", (*ecdsa.PublicKey)(nil), keys.ErrInvalidKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := keys.EncodePublicKeyMultibase(tt.pub); !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func multikeyOf(parts ...[]byte) string { return keys.EncodeMultibaseBase58(bytes.Join(parts, nil)) }

func TestDecodePublicKeyMultibaseRejects(t *testing.T) {
	t.Parallel()
	ed := bytes.Repeat([]byte{7}, 32)
	k := p256Key(t)
	uncompressed, _ := k.PublicKey.Bytes()
	compressed := append([]byte{0x02 | uncompressed[64]&1}, uncompressed[1:33]...)
	allFF := bytes.Repeat([]byte{0xff}, 32) // x >= p: not a field element
	tests := []struct {
		name     string
		in       string
		wantErrs []error
	}{
		{"no z", "6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", []error{keys.ErrInvalidMultibase}},
		{"empty", "", []error{keys.ErrInvalidMultibase}},
		{"bad char", "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hw0", []error{keys.ErrInvalidMultibase}},
		{"too long", "z" + strings.Repeat("6", 200), []error{keys.ErrInvalidMultibase}},
		{"prefix only", multikeyOf([]byte{0xed, 0x01}), []error{keys.ErrInvalidMultibase}},
		{"one byte", multikeyOf([]byte{0xed}), []error{keys.ErrUnsupportedKey}},
		{"ed25519 short", multikeyOf([]byte{0xed, 0x01}, ed[:31]), []error{keys.ErrInvalidMultibase}},
		{"ed25519 long", multikeyOf([]byte{0xed, 0x01}, ed, []byte{0}), []error{keys.ErrInvalidMultibase}},
		{"no multicodec", multikeyOf(ed), []error{keys.ErrUnsupportedKey}},
		{"x25519", multikeyOf([]byte{0xec, 0x01}, ed), []error{keys.ErrUnsupportedKey}},
		{"secp256k1", multikeyOf([]byte{0xe7, 0x01}, compressed), []error{keys.ErrUnsupportedKey}},
		{"p384", multikeyOf([]byte{0x81, 0x24}, compressed, make([]byte, 16)), []error{keys.ErrUnsupportedKey}},
		{"ed25519-priv is not public", multikeyOf([]byte{0x80, 0x26}, ed), []error{keys.ErrUnsupportedKey}},
		{"p256 uncompressed", multikeyOf([]byte{0x80, 0x24}, uncompressed), []error{keys.ErrInvalidMultibase}},
		{"p256 short", multikeyOf([]byte{0x80, 0x24}, compressed[:32]), []error{keys.ErrInvalidMultibase}},
		{"p256 bad tag", multikeyOf([]byte{0x80, 0x24}, []byte{0x04}, compressed[1:]), []error{keys.ErrInvalidMultibase, keys.ErrInvalidKey}},
		{"p256 x >= p", multikeyOf([]byte{0x80, 0x24}, []byte{0x02}, allFF), []error{keys.ErrInvalidMultibase, keys.ErrInvalidKey}},
		{"p256 x off curve", multikeyOf([]byte{0x80, 0x24}, offCurveX(t)), []error{keys.ErrInvalidMultibase, keys.ErrInvalidKey}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pub, err := keys.DecodePublicKeyMultibase(tt.in)
			if err == nil {
				t.Fatalf("decoded %T", pub)
			}
			for _, want := range tt.wantErrs {
				if !errors.Is(err, want) {
					t.Fatalf("error %v does not wrap %v", err, want)
				}
			}
		})
	}
}

// offCurveX returns a compressed encoding whose x has no y on P-256 (x^3-3x+b is
// not a square): about half of all x values, found by trying x = 1, 2, ...
func offCurveX(t *testing.T) []byte {
	t.Helper()
	for x := byte(1); x < 100; x++ {
		c := make([]byte, 33)
		c[0], c[32] = 0x02, x
		if _, err := keys.DecodePublicKeyMultibase(multikeyOf([]byte{0x80, 0x24}, c)); err != nil {
			return c
		}
	}
	t.Fatal("no off-curve x found")
	return nil
}

func TestParseSecretKeyMultibaseRejects(t *testing.T) {
	t.Parallel()
	seed := bytes.Repeat([]byte{1}, 32)
	tests := []struct {
		name    string
		in      string
		wantErr error
	}{
		{"not multibase", "3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq", keys.ErrInvalidMultibase},
		{"public key", "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", keys.ErrUnsupportedKey},
		{"p256-priv", multikeyOf([]byte{0x86, 0x26}, seed), keys.ErrUnsupportedKey},
		{"31 bytes", multikeyOf([]byte{0x80, 0x26}, seed[:31]), keys.ErrInvalidMultibase},
		{"33 bytes", multikeyOf([]byte{0x80, 0x26}, seed, []byte{0}), keys.ErrInvalidMultibase},
		{"64 bytes, zero public half", multikeyOf([]byte{0x80, 0x26}, seed, make([]byte, 32)), keys.ErrInvalidKey},
		{"too long", "z" + strings.Repeat("2", 300), keys.ErrInvalidMultibase},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if s, err := keys.ParseSecretKeyMultibase(tt.in, "k"); !errors.Is(err, tt.wantErr) || s != nil {
				t.Fatalf("got %v, %v; want %v", s, err, tt.wantErr)
			}
		})
	}
	ec, _ := keys.Generate(keys.AlgES256, "ec")
	if _, err := keys.EncodeSecretKeyMultibase(ec); !errors.Is(err, keys.ErrUnsupportedKey) {
		t.Fatalf("EncodeSecretKeyMultibase(P-256): %v", err)
	}
}

// FuzzDecodePublicKeyMultibase: never panics; whatever decodes is a supported key
// that re-encodes to exactly the input (one spelling per key).
func FuzzDecodePublicKeyMultibase(f *testing.F) {
	f.Add("z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi")
	f.Add("z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
	f.Add("zDnaeaXwNaz3j2UYQ8YcB9S3V763u5QEcuUjRUf319bzDVYFk")
	f.Add("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")
	f.Add("z")
	f.Fuzz(func(t *testing.T, s string) {
		pub, err := keys.DecodePublicKeyMultibase(s)
		if err != nil {
			if !errors.Is(err, keys.ErrInvalidMultibase) && !errors.Is(err, keys.ErrUnsupportedKey) {
				t.Fatalf("unexpected error class: %v", err)
			}
			return
		}
		if _, err := keys.PublicKeyAlgorithm(pub); err != nil {
			t.Fatalf("decoded an unusable key: %v", err)
		}
		again, err := keys.EncodePublicKeyMultibase(pub)
		if err != nil || again != s {
			t.Fatalf("re-encoding %q gives %q, %v", s, again, err)
		}
	})
}
