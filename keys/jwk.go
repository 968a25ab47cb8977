package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
)

// MaxJWKBytes bounds the input of PublicKeyFromJWK (an 8192-bit RSA JWK is under
// 1.5 KiB).
const MaxJWKBytes = 8 << 10

// privateJWKMembers are the JWK members that carry secret material (RFC 7518 §6).
var privateJWKMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"}

// JWKFromPublicKey returns pub as a public jwk.Key with "alg" (from
// PublicKeyAlgorithm), "use": "sig" and, when keyID is not empty, "kid".
func JWKFromPublicKey(pub crypto.PublicKey, keyID string) (jwk.Key, error) {
	alg, err := PublicKeyAlgorithm(pub)
	if err != nil {
		return nil, err
	}
	key, err := jwk.FromRaw(pub)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	if isPrivateJWK(key) { // PublicKeyAlgorithm admits public keys only; belt and braces
		return nil, fmt.Errorf("%w: refusing to export private key material", ErrPrivateKeyMaterial)
	}
	for k, v := range map[string]any{
		jwk.AlgorithmKey: jwa.SignatureAlgorithm(alg),
		jwk.KeyUsageKey:  jwk.ForSignature,
	} {
		if err := key.Set(k, v); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
		}
	}
	if keyID != "" {
		if err := key.Set(jwk.KeyIDKey, keyID); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
		}
	}
	return key, nil
}

func isPrivateJWK(k jwk.Key) bool {
	switch k.(type) {
	case jwk.RSAPrivateKey, jwk.ECDSAPrivateKey, jwk.OKPPrivateKey, jwk.SymmetricKey:
		return true
	}
	return false
}

// PublicJWK returns the public JWK of s: its public key with "kid" = s.KeyID(),
// "alg" = s.Algorithm(), "use": "sig". It never contains "d" or other private
// members. A Signer whose Algorithm does not match its key fails with ErrInvalidKey.
func PublicJWK(s Signer) (jwk.Key, error) {
	if s == nil {
		return nil, fmt.Errorf("%w: nil signer", ErrInvalidKey)
	}
	pub := s.Public()
	alg, err := PublicKeyAlgorithm(pub)
	if err != nil {
		return nil, err
	}
	if alg != s.Algorithm() {
		return nil, fmt.Errorf("%w: signer %v reports %s for a %s key", ErrInvalidKey, s, s.Algorithm(), alg)
	}
	return JWKFromPublicKey(pub, s.KeyID())
}

// JWKS returns the JSON of a JWK Set ({"keys": [...]}) with the public JWK of each
// signer, in order, for /.well-known/jwks.json. Two signers with the same non-empty
// key id fail with ErrInvalidKey.
func JWKS(signers ...Signer) ([]byte, error) {
	set := jwk.NewSet()
	seen := make(map[string]bool, len(signers))
	for _, s := range signers {
		key, err := PublicJWK(s)
		if err != nil {
			return nil, err
		}
		if kid := s.KeyID(); kid != "" {
			if seen[kid] {
				return nil, fmt.Errorf("%w: duplicate kid %q in JWKS", ErrInvalidKey, kid)
			}
			seen[kid] = true
		}
		if err := set.AddKey(key); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
		}
	}
	out, err := json.Marshal(set)
	if err != nil {
		return nil, fmt.Errorf("keys: marshal JWKS: %w", err)
	}
	return out, nil
}

// PublicKeyFromJWK parses one public JWK (JSON) into an ed25519.PublicKey, a P-256
// *ecdsa.PublicKey (point checked to be on the curve) or a *rsa.PublicKey of
// MinRSABits to MaxRSABits. It refuses, with errors wrapping:
//   - ErrPrivateKeyMaterial (and ErrInvalidKey): private members or kty "oct";
//   - ErrUnsupportedKey: other key types and curves (P-384, X25519, secp256k1, ...),
//     an "alg" other than the key's own (PublicKeyAlgorithm), or "use" other than "sig";
//   - ErrInvalidKey: malformed JSON or key parameters, input over MaxJWKBytes, RSA
//     outside the size bounds (ErrWeakKey) or with a bad exponent.
func PublicKeyFromJWK(raw []byte) (crypto.PublicKey, error) {
	if len(raw) > MaxJWKBytes {
		return nil, fmt.Errorf("%w: JWK of %d bytes exceeds %d", ErrInvalidKey, len(raw), MaxJWKBytes)
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil || members == nil {
		return nil, fmt.Errorf("%w: JWK is not a JSON object", ErrInvalidKey)
	}
	for _, m := range privateJWKMembers {
		if _, ok := members[m]; ok {
			return nil, fmt.Errorf("%w: JWK has private member %q", ErrPrivateKeyMaterial, m)
		}
	}
	var kty string
	if err := json.Unmarshal(members["kty"], &kty); err != nil {
		return nil, fmt.Errorf("%w: JWK kty missing or not a string", ErrInvalidKey)
	}
	switch kty {
	case "OKP", "EC", "RSA":
	case "oct":
		return nil, fmt.Errorf("%w: symmetric (oct) JWK", ErrPrivateKeyMaterial)
	default:
		return nil, fmt.Errorf("%w: JWK kty %q", ErrUnsupportedKey, kty)
	}
	if u, ok := members["use"]; ok {
		var use string
		if err := json.Unmarshal(u, &use); err != nil || use != "sig" {
			return nil, fmt.Errorf("%w: JWK use %s is not \"sig\"", ErrUnsupportedKey, u)
		}
	}
	key, err := jwk.ParseKey(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	if isPrivateJWK(key) {
		return nil, fmt.Errorf("%w: JWK parsed as a private key", ErrPrivateKeyMaterial)
	}
	var rawKey any
	if err := key.Raw(&rawKey); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	var pub crypto.PublicKey
	switch k := rawKey.(type) {
	case ed25519.PublicKey:
		pub = k
	case *ecdsa.PublicKey:
		if _, err := PublicKeyAlgorithm(k); err != nil {
			return nil, err
		}
		if _, err := k.ECDH(); err != nil { // on the curve, not the identity
			return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
		}
		pub = k
	case *rsa.PublicKey:
		if k.E < 3 || k.E%2 == 0 || k.E > 1<<31-1 {
			return nil, fmt.Errorf("%w: RSA public exponent %d", ErrInvalidKey, k.E)
		}
		if k.N == nil || k.N.Bit(0) == 0 {
			return nil, fmt.Errorf("%w: RSA modulus is even", ErrInvalidKey)
		}
		pub = k
	default:
		return nil, fmt.Errorf("%w: JWK key of type %T", ErrUnsupportedKey, rawKey)
	}
	alg, err := PublicKeyAlgorithm(pub)
	if err != nil {
		return nil, err
	}
	if a := key.Algorithm().String(); a != "" && a != alg {
		return nil, fmt.Errorf("%w: JWK alg %q does not match its %s key", ErrUnsupportedKey, a, alg)
	}
	return pub, nil
}

// Thumbprint returns the RFC 7638 JWK thumbprint (SHA-256, base64url without
// padding) of pub, e.g. for use as a key id.
func Thumbprint(pub crypto.PublicKey) (string, error) {
	if _, err := PublicKeyAlgorithm(pub); err != nil {
		return "", err
	}
	key, err := jwk.FromRaw(pub)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	if isPrivateJWK(key) {
		return "", fmt.Errorf("%w: thumbprint of a private key", ErrPrivateKeyMaterial)
	}
	sum, err := key.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	return base64.RawURLEncoding.EncodeToString(sum), nil
}
