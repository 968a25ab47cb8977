package keys

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/subtle"
	"fmt"
)

// Multicodec prefixes (unsigned varints) of the key types obadge reads and writes.
var (
	codecEd25519Pub  = []byte{0xed, 0x01} // ed25519-pub
	codecP256Pub     = []byte{0x80, 0x24} // p256-pub, 33-byte compressed point
	codecEd25519Priv = []byte{0x80, 0x26} // ed25519-priv
)

// maxMultikeyLen bounds a multibase key value before it is decoded: the longest we
// accept, a 66-byte ed25519-priv value, is 92 characters with its 'z'.
const maxMultikeyLen = 128

const p256CompressedSize = 33

// EncodePublicKeyMultibase returns the Multikey publicKeyMultibase of pub:
// base58-btc of 0xed01 + 32 bytes for an ed25519.PublicKey ("z6Mk..."), or of
// 0x8024 + the 33-byte compressed point for a P-256 *ecdsa.PublicKey ("zDn...").
// RSA and other keys fail with ErrUnsupportedKey.
func EncodePublicKeyMultibase(pub crypto.PublicKey) (string, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return "", fmt.Errorf("%w: Ed25519 public key is %d bytes, want %d", ErrInvalidKey, len(k), ed25519.PublicKeySize)
		}
		return EncodeMultibaseBase58(append(bytes.Clone(codecEd25519Pub), k...)), nil
	case *ecdsa.PublicKey:
		if _, err := PublicKeyAlgorithm(k); err != nil {
			return "", err
		}
		raw, err := k.Bytes() // 0x04 || X || Y, validated
		if err != nil {
			return "", fmt.Errorf("%w: %w", ErrInvalidKey, err)
		}
		comp := make([]byte, 0, len(codecP256Pub)+p256CompressedSize)
		comp = append(comp, codecP256Pub...)
		comp = append(comp, 0x02|raw[len(raw)-1]&1)
		comp = append(comp, raw[1:1+32]...)
		return EncodeMultibaseBase58(comp), nil
	default:
		return "", fmt.Errorf("%w: no Multikey encoding for %T", ErrUnsupportedKey, pub)
	}
}

// DecodePublicKeyMultibase decodes a Multikey publicKeyMultibase: 'z' + base58-btc of
// 0xed01 + 32 bytes (returns ed25519.PublicKey) or 0x8024 + a 33-byte compressed
// P-256 point that must be on the curve (returns *ecdsa.PublicKey). A malformed value
// or wrong length fails with ErrInvalidMultibase, another multicodec with
// ErrUnsupportedKey, an invalid point with ErrInvalidMultibase and ErrInvalidKey.
func DecodePublicKeyMultibase(s string) (crypto.PublicKey, error) {
	if len(s) > maxMultikeyLen {
		return nil, fmt.Errorf("%w: %d characters is too long for a public key", ErrInvalidMultibase, len(s))
	}
	b, err := DecodeMultibaseBase58(s)
	if err != nil {
		return nil, err
	}
	switch {
	case bytes.HasPrefix(b, codecEd25519Pub):
		if len(b) != len(codecEd25519Pub)+ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: ed25519-pub key of %d bytes, want %d", ErrInvalidMultibase, len(b)-len(codecEd25519Pub), ed25519.PublicKeySize)
		}
		return ed25519.PublicKey(b[len(codecEd25519Pub):]), nil
	case bytes.HasPrefix(b, codecP256Pub):
		if len(b) != len(codecP256Pub)+p256CompressedSize {
			return nil, fmt.Errorf("%w: p256-pub key of %d bytes, want %d", ErrInvalidMultibase, len(b)-len(codecP256Pub), p256CompressedSize)
		}
		return decompressP256(b[len(codecP256Pub):])
	default:
		return nil, fmt.Errorf("%w: multicodec prefix %s is not ed25519-pub (0xed01) or p256-pub (0x8024)", ErrUnsupportedKey, prefixHex(b))
	}
}

// decompressP256 turns a SEC 1 compressed point into a validated *ecdsa.PublicKey.
func decompressP256(comp []byte) (*ecdsa.PublicKey, error) {
	x, y := elliptic.UnmarshalCompressed(elliptic.P256(), comp)
	if x == nil {
		return nil, fmt.Errorf("%w: %w: not a compressed P-256 point on the curve", ErrInvalidMultibase, ErrInvalidKey)
	}
	raw := make([]byte, 65)
	raw[0] = 0x04
	x.FillBytes(raw[1:33])
	y.FillBytes(raw[33:])
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w: %w", ErrInvalidMultibase, ErrInvalidKey, err)
	}
	return pub, nil
}

func prefixHex(b []byte) string {
	if len(b) > 2 {
		b = b[:2]
	}
	return fmt.Sprintf("0x%x", b)
}

// ParseSecretKeyMultibase imports an Ed25519 secretKeyMultibase (multicodec 0x8026,
// ed25519-priv) as a Signer named keyID. Both forms in use are accepted: the 32-byte
// seed (vc-di-eddsa keyPair.json) and the 64-byte seed || public key (Open Badges
// implementation guide), whose public half must match the seed. The decoded secret
// is wiped from the intermediate buffer before returning.
func ParseSecretKeyMultibase(s, keyID string) (Signer, error) {
	if len(s) > maxMultikeyLen {
		return nil, fmt.Errorf("%w: %d characters is too long for a secret key", ErrInvalidMultibase, len(s))
	}
	b, err := DecodeMultibaseBase58(s)
	if err != nil {
		return nil, err
	}
	defer clear(b)
	if !bytes.HasPrefix(b, codecEd25519Priv) {
		return nil, fmt.Errorf("%w: multicodec prefix %s is not ed25519-priv (0x8026)", ErrUnsupportedKey, prefixHex(b))
	}
	body := b[len(codecEd25519Priv):]
	switch len(body) {
	case ed25519.SeedSize:
		return Ed25519FromSeed(body, keyID)
	case ed25519.PrivateKeySize:
		priv := ed25519.NewKeyFromSeed(body[:ed25519.SeedSize])
		if subtle.ConstantTimeCompare(priv[ed25519.SeedSize:], body[ed25519.SeedSize:]) != 1 {
			clear(priv)
			return nil, fmt.Errorf("%w: %w: public half of the 64-byte secret key does not match its seed", ErrInvalidMultibase, ErrInvalidKey)
		}
		return newSigner(priv, priv.Public(), keyID, AlgEdDSA), nil
	default:
		return nil, fmt.Errorf("%w: ed25519-priv key of %d bytes, want %d (seed) or %d (seed||public)", ErrInvalidMultibase, len(body), ed25519.SeedSize, ed25519.PrivateKeySize)
	}
}

// EncodeSecretKeyMultibase returns the secretKeyMultibase of an Ed25519 Signer in the
// 32-byte seed form (multicodec 0x8026). Treat the result as the key itself. Other
// key types, and keys not held in memory, fail with ErrUnsupportedKey.
func EncodeSecretKeyMultibase(s Signer) (string, error) {
	if s == nil {
		return "", fmt.Errorf("%w: nil signer", ErrInvalidKey)
	}
	priv, ok := privateKey(s).(ed25519.PrivateKey)
	if !ok {
		return "", fmt.Errorf("%w: only in-memory Ed25519 keys have a secretKeyMultibase", ErrUnsupportedKey)
	}
	b := make([]byte, 0, len(codecEd25519Priv)+ed25519.SeedSize)
	b = append(b, codecEd25519Priv...)
	b = append(b, priv.Seed()...)
	defer clear(b)
	return EncodeMultibaseBase58(b), nil
}
