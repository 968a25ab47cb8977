package keys

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"io"
	"log/slog"
)

// RSA key sizes: keys outside [MinRSABits, MaxRSABits] are refused everywhere (as
// signers, in PKCS#8, in JWKs); Generate makes GenerateRSABits-bit keys.
const (
	MinRSABits      = 2048
	MaxRSABits      = 8192
	GenerateRSABits = 3072
)

// MaxPrivateKeyDER bounds the PKCS#8 input of ParsePrivateKey (an 8192-bit RSA key
// is about 4.8 KiB).
const MaxPrivateKeyDER = 16 << 10

// signer is the one Signer implementation. key is an ed25519.PrivateKey,
// *ecdsa.PrivateKey, *rsa.PrivateKey, or an opaque crypto.Signer (HSM, KMS) whose
// public key has one of the supported types. It is immutable and safe for
// concurrent use.
type signer struct {
	key crypto.Signer
	pub crypto.PublicKey
	kid string
	alg string
}

var (
	_ Signer         = (*signer)(nil)
	_ slog.LogValuer = (*signer)(nil)
	_ fmt.Formatter  = (*signer)(nil)
	_ fmt.Stringer   = (*signer)(nil)
	_ fmt.GoStringer = (*signer)(nil)
)

// Generate makes a new key for alg (AlgEdDSA, AlgES256 or AlgRS256; "" means
// AlgEdDSA) from crypto/rand and returns it as a Signer named keyID.
func Generate(alg, keyID string) (Signer, error) {
	switch alg {
	case "", AlgEdDSA:
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("keys: generate Ed25519 key: %w", err)
		}
		return newSigner(priv, priv.Public(), keyID, AlgEdDSA), nil
	case AlgES256:
		priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("keys: generate P-256 key: %w", err)
		}
		return newSigner(priv, priv.Public(), keyID, AlgES256), nil
	case AlgRS256:
		priv, err := rsa.GenerateKey(rand.Reader, GenerateRSABits)
		if err != nil {
			return nil, fmt.Errorf("keys: generate RSA key: %w", err)
		}
		return newSigner(priv, priv.Public(), keyID, AlgRS256), nil
	default:
		return nil, fmt.Errorf("%w: cannot generate a key for algorithm %q", ErrUnsupportedKey, alg)
	}
}

// Ed25519FromSeed returns the Ed25519 Signer for a 32-byte RFC 8032 seed.
func Ed25519FromSeed(seed []byte, keyID string) (Signer, error) {
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("%w: Ed25519 seed is %d bytes, want %d", ErrInvalidKey, len(seed), ed25519.SeedSize)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	return newSigner(priv, priv.Public(), keyID, AlgEdDSA), nil
}

// NewSigner wraps priv as a Signer named keyID, deriving Algorithm from the type of
// its public key. priv may be an ed25519.PrivateKey, a *ecdsa.PrivateKey on P-256,
// a *rsa.PrivateKey of MinRSABits to MaxRSABits, or any other crypto.Signer (an HSM
// or KMS handle) whose Public() is of one of those kinds. Concrete keys are checked
// for consistency; an Ed25519 key is copied, so later changes to priv do not reach
// the Signer. If priv is already a Signer of this package, its key is re-used.
func NewSigner(priv crypto.Signer, keyID string) (Signer, error) {
	switch k := priv.(type) {
	case nil:
		return nil, fmt.Errorf("%w: nil private key", ErrInvalidKey)
	case *signer:
		return newSigner(k.key, k.pub, keyID, k.alg), nil
	case *ed25519.PrivateKey:
		if k == nil {
			return nil, fmt.Errorf("%w: nil private key", ErrInvalidKey)
		}
		return NewSigner(*k, keyID)
	case ed25519.PrivateKey:
		if len(k) != ed25519.PrivateKeySize {
			return nil, fmt.Errorf("%w: Ed25519 private key is %d bytes, want %d", ErrInvalidKey, len(k), ed25519.PrivateKeySize)
		}
		derived := ed25519.NewKeyFromSeed(k.Seed())
		if !bytes.Equal(derived[ed25519.SeedSize:], k[ed25519.SeedSize:]) {
			return nil, fmt.Errorf("%w: Ed25519 public half does not match the seed", ErrInvalidKey)
		}
		return newSigner(derived, derived.Public(), keyID, AlgEdDSA), nil
	case *ecdsa.PrivateKey:
		if k == nil {
			return nil, fmt.Errorf("%w: nil private key", ErrInvalidKey)
		}
		if k.Curve != elliptic.P256() {
			return nil, fmt.Errorf("%w: ECDSA curve %s (only P-256)", ErrUnsupportedKey, curveName(k.Curve))
		}
		// Re-derive the key from its scalar: a *ecdsa.PrivateKey whose PublicKey does not
		// belong to D would sign under a key other than the one published.
		d, err := k.Bytes()
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
		}
		derived, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), d)
		clear(d)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
		}
		if !derived.PublicKey.Equal(&k.PublicKey) {
			return nil, fmt.Errorf("%w: ECDSA public key does not match the private scalar", ErrInvalidKey)
		}
		return newSigner(derived, &derived.PublicKey, keyID, AlgES256), nil
	case *rsa.PrivateKey:
		if k == nil || k.N == nil {
			return nil, fmt.Errorf("%w: nil private key", ErrInvalidKey)
		}
		if _, err := PublicKeyAlgorithm(&k.PublicKey); err != nil {
			return nil, err
		}
		if err := k.Validate(); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
		}
		return newSigner(k, &k.PublicKey, keyID, AlgRS256), nil
	default:
		pub := priv.Public()
		alg, err := PublicKeyAlgorithm(pub)
		if err != nil {
			return nil, err
		}
		return newSigner(priv, pub, keyID, alg), nil
	}
}

// WithKeyID returns a Signer with the key and algorithm of s under a new key id.
// s itself is unchanged. A Signer from another package is wrapped, so that the
// result still logs and prints without key material. WithKeyID(nil, id) is nil.
func WithKeyID(s Signer, keyID string) Signer {
	switch k := s.(type) {
	case nil:
		return nil
	case *signer:
		return newSigner(k.key, k.pub, keyID, k.alg)
	default:
		return newSigner(s, s.Public(), keyID, s.Algorithm())
	}
}

func newSigner(key crypto.Signer, pub crypto.PublicKey, kid, alg string) *signer {
	return &signer{key: key, pub: pub, kid: kid, alg: alg}
}

// KeyID implements Signer.
func (s *signer) KeyID() string { return s.kid }

// Algorithm implements Signer.
func (s *signer) Algorithm() string { return s.alg }

// Public implements crypto.Signer. An Ed25519 key is returned as a copy.
func (s *signer) Public() crypto.PublicKey {
	if k, ok := s.pub.(ed25519.PublicKey); ok {
		return ed25519.PublicKey(bytes.Clone(k))
	}
	return s.pub
}

// Sign implements crypto.Signer.
//
// EdDSA: msg is the message itself (pure Ed25519, RFC 8032); opts must have
// HashFunc() == 0 (crypto.Hash(0), as Data Integrity and jwx pass) and no Ed25519ctx
// context. Ed25519ph (SHA-512) is refused.
//
// ES256: msg is a SHA-256 digest and opts.HashFunc() must be crypto.SHA256; the
// signature is ASN.1 DER as crypto/ecdsa returns it (jwx converts it to r||s).
//
// RS256: msg is a digest of opts.HashFunc(), which must be SHA-256, SHA-384 or
// SHA-512; *rsa.PSSOptions selects PSS, anything else PKCS #1 v1.5.
//
// Other options fail with ErrSignOptions, so an algorithm mix-up upstream fails
// instead of signing under an unintended scheme.
func (s *signer) Sign(r io.Reader, msg []byte, opts crypto.SignerOpts) ([]byte, error) {
	var h crypto.Hash
	if opts != nil {
		h = opts.HashFunc()
	}
	switch s.alg {
	case AlgEdDSA:
		if h != 0 {
			return nil, fmt.Errorf("%w: EdDSA signs the message itself, got hash %v", ErrSignOptions, h)
		}
		if o, ok := opts.(*ed25519.Options); ok && o.Context != "" {
			return nil, fmt.Errorf("%w: Ed25519ctx is not supported", ErrSignOptions)
		}
		return s.key.Sign(r, msg, crypto.Hash(0))
	case AlgES256:
		if h != crypto.SHA256 || len(msg) != h.Size() {
			return nil, fmt.Errorf("%w: ES256 signs a 32-byte SHA-256 digest, got hash %v and %d bytes", ErrSignOptions, h, len(msg))
		}
		return s.key.Sign(r, msg, opts)
	case AlgRS256:
		switch h {
		case crypto.SHA256, crypto.SHA384, crypto.SHA512:
		default:
			return nil, fmt.Errorf("%w: RSA signing needs a SHA-2 digest, got hash %v", ErrSignOptions, h)
		}
		if len(msg) != h.Size() {
			return nil, fmt.Errorf("%w: digest is %d bytes, want %d", ErrSignOptions, len(msg), h.Size())
		}
		return s.key.Sign(r, msg, opts)
	default:
		return nil, fmt.Errorf("%w: algorithm %q", ErrUnsupportedKey, s.alg)
	}
}

// LogValue implements slog.LogValuer: only the key id and algorithm.
func (s *signer) LogValue() slog.Value {
	return slog.GroupValue(slog.String("kid", s.kid), slog.String("alg", s.alg))
}

// String describes the signer by key id and algorithm only.
func (s *signer) String() string {
	return fmt.Sprintf("keys.Signer{kid: %q, alg: %q}", s.kid, s.alg)
}

// GoString is String: %#v must not dump the key either.
func (s *signer) GoString() string { return s.String() }

// Format implements fmt.Formatter so that every verb (%v, %+v, %#v, %s, %x, %q, ...)
// prints String and never the fields.
func (s *signer) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }

// privateKey returns the concrete private key behind s, or nil for an opaque key.
func privateKey(s Signer) crypto.Signer {
	for {
		k, ok := s.(*signer)
		if !ok {
			return nil
		}
		switch key := k.key.(type) {
		case ed25519.PrivateKey, *ecdsa.PrivateKey, *rsa.PrivateKey:
			return key
		case Signer:
			s = key
		default:
			return nil
		}
	}
}

// MarshalPrivateKey encodes the private key of s as PKCS#8 DER for storage. It fails
// with ErrUnsupportedKey for a Signer whose key is not held in memory (HSM, KMS, or
// a foreign Signer implementation).
func MarshalPrivateKey(s Signer) ([]byte, error) {
	if s == nil {
		return nil, fmt.Errorf("%w: nil signer", ErrInvalidKey)
	}
	key := privateKey(s)
	if key == nil {
		return nil, fmt.Errorf("%w: the private key of %v is not exportable", ErrUnsupportedKey, s)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	return der, nil
}

// ParsePrivateKey decodes a PKCS#8 DER private key (as MarshalPrivateKey writes it)
// into a Signer named keyID. Keys NewSigner refuses are refused here too.
func ParsePrivateKey(der []byte, keyID string) (Signer, error) {
	if len(der) == 0 || len(der) > MaxPrivateKeyDER {
		return nil, fmt.Errorf("%w: PKCS#8 input of %d bytes (limit %d)", ErrInvalidKey, len(der), MaxPrivateKeyDER)
	}
	var outer asn1.RawValue
	if rest, err := asn1.Unmarshal(der, &outer); err != nil || len(rest) != 0 {
		return nil, fmt.Errorf("%w: PKCS#8 input is not exactly one DER value", ErrInvalidKey)
	}
	key, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	priv, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%w: PKCS#8 key of type %T cannot sign", ErrUnsupportedKey, key)
	}
	return NewSigner(priv, keyID)
}

// PublicKeyAlgorithm returns the JOSE algorithm obadge uses with pub: AlgEdDSA for
// an ed25519.PublicKey, AlgES256 for a P-256 *ecdsa.PublicKey, AlgRS256 for a
// *rsa.PublicKey of MinRSABits to MaxRSABits. Verifiers use it to refuse a JWS whose
// alg does not match its key. Other keys fail with ErrUnsupportedKey, a bad size
// with ErrInvalidKey (ErrWeakKey for RSA).
func PublicKeyAlgorithm(pub crypto.PublicKey) (string, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return "", fmt.Errorf("%w: Ed25519 public key is %d bytes, want %d", ErrInvalidKey, len(k), ed25519.PublicKeySize)
		}
		return AlgEdDSA, nil
	case *ecdsa.PublicKey:
		if k == nil || k.Curve == nil {
			return "", fmt.Errorf("%w: nil ECDSA key", ErrInvalidKey)
		}
		if k.Curve != elliptic.P256() {
			return "", fmt.Errorf("%w: ECDSA curve %s (only P-256)", ErrUnsupportedKey, curveName(k.Curve))
		}
		return AlgES256, nil
	case *rsa.PublicKey:
		if k == nil || k.N == nil {
			return "", fmt.Errorf("%w: nil RSA key", ErrInvalidKey)
		}
		if bits := k.N.BitLen(); bits < MinRSABits || bits > MaxRSABits {
			return "", fmt.Errorf("%w: %d bits (allowed %d to %d)", ErrWeakKey, bits, MinRSABits, MaxRSABits)
		}
		return AlgRS256, nil
	default:
		return "", fmt.Errorf("%w: %T", ErrUnsupportedKey, pub)
	}
}

func curveName(c elliptic.Curve) string {
	if c == nil {
		return "<nil>"
	}
	if p := c.Params(); p != nil && p.Name != "" {
		return p.Name
	}
	return "unnamed"
}
