package vcjwt

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

// privateJWKMembers are the JWK members that carry private or symmetric key material
// (RFC 7518 §6.2.2, §6.3.2, §6.4.1; OKP d in RFC 8037). OB: the jwk header "MUST never
// contain d".
var privateJWKMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"}

// publicJWK is a public key read from a JWK, with the JWK's own alg and use members.
type publicJWK struct {
	key      crypto.PublicKey
	alg, use string
}

// parsePublicJWK reads a public JWK, refusing private or symmetric members.
func parsePublicJWK(raw []byte) (*publicJWK, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, errors.New("jwk is not a JSON object")
	}
	for _, name := range privateJWKMembers {
		if _, ok := m[name]; ok {
			return nil, fmt.Errorf("jwk carries the private member %q", name)
		}
	}
	k, err := jwk.ParseKey(raw)
	if err != nil {
		return nil, fmt.Errorf("jwk: %w", err)
	}
	if k.KeyType() == "oct" {
		return nil, errors.New("jwk is a symmetric key")
	}
	var pub any
	if err := k.Raw(&pub); err != nil {
		return nil, fmt.Errorf("jwk: %w", err)
	}
	out := &publicJWK{key: pub, alg: k.Algorithm().String()}
	if u, ok := m["use"]; ok {
		s, ok := asString(u)
		if !ok {
			return nil, errors.New("jwk use is not a string")
		}
		out.use = s
	}
	return out, nil
}

// keyFromDID returns the key a did:jwk or did:key encodes and the id of its
// verification method; ok is false for every other DID method.
func keyFromDID(did string) (key crypto.PublicKey, methodID string, ok bool, err error) {
	switch {
	case strings.HasPrefix(did, "did:jwk:"):
		enc := strings.TrimPrefix(did, "did:jwk:")
		raw, err := base64.RawURLEncoding.Strict().DecodeString(enc)
		if err != nil {
			return nil, "", true, fmt.Errorf("did:jwk: %w", err)
		}
		pj, err := parsePublicJWK(raw)
		if err != nil {
			return nil, "", true, fmt.Errorf("did:jwk: %w", err)
		}
		return pj.key, did + "#0", true, nil
	case strings.HasPrefix(did, "did:key:"):
		mb := strings.TrimPrefix(did, "did:key:")
		k, err := multikeyPublic(mb)
		if err != nil {
			return nil, "", true, fmt.Errorf("did:key: %w", err)
		}
		return k, did + "#" + mb, true, nil
	}
	return nil, "", false, nil
}

// multikeyPublic decodes a base58btc multibase multicodec public key: Ed25519 (0xed),
// P-256 compressed (0x1200) or RSA PKCS#1 DER (0x1205).
func multikeyPublic(mb string) (crypto.PublicKey, error) {
	if !strings.HasPrefix(mb, "z") {
		return nil, errors.New("not base58btc multibase")
	}
	b, err := decodeBase58(mb[1:])
	if err != nil {
		return nil, err
	}
	switch {
	case len(b) == 34 && b[0] == 0xed && b[1] == 0x01:
		return ed25519.PublicKey(append([]byte(nil), b[2:]...)), nil
	case len(b) == 35 && b[0] == 0x80 && b[1] == 0x24:
		x, y := elliptic.UnmarshalCompressed(elliptic.P256(), b[2:])
		if x == nil {
			return nil, errors.New("invalid P-256 point")
		}
		return &ecdsa.PublicKey{Curve: elliptic.P256(), X: x, Y: y}, nil
	case len(b) > 2 && b[0] == 0x85 && b[1] == 0x24:
		return x509.ParsePKCS1PublicKey(b[2:])
	}
	return nil, errors.New("unsupported multicodec key type")
}

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// maxBase58 bounds the quadratic decoder; an RSA-4096 did:key is about 740 characters.
const maxBase58 = 2048

var base58Index = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(base58Alphabet); i++ {
		t[base58Alphabet[i]] = int8(i)
	}
	return t
}()

// decodeBase58 decodes Bitcoin-alphabet base58.
func decodeBase58(s string) ([]byte, error) {
	if len(s) == 0 || len(s) > maxBase58 {
		return nil, errors.New("base58 value empty or too long")
	}
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	var num []byte // big-endian, without leading zeros
	for i := zeros; i < len(s); i++ {
		d := base58Index[s[i]]
		if d < 0 {
			return nil, fmt.Errorf("invalid base58 character %q", s[i])
		}
		carry := int(d)
		for j := len(num) - 1; j >= 0; j-- {
			carry += int(num[j]) * 58
			num[j] = byte(carry)
			carry >>= 8
		}
		for carry > 0 {
			num = append([]byte{byte(carry)}, num...)
			carry >>= 8
		}
	}
	return append(make([]byte, zeros), num...), nil
}
