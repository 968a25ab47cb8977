package vcjwt

import (
	"crypto"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/obadge/obadge/keys"
	"github.com/obadge/obadge/proof"
)

// publicKeyFromJWK reads the jwk header through keys.PublicKeyFromJWK, which refuses
// private members ("d", ...), symmetric keys, use other than "sig" and a JWK alg that
// is not its key's own. Key types and sizes we do not verify with are refused as
// proof.ErrAlgorithmRefused, anything else as proof.ErrMalformedProof.
func publicKeyFromJWK(raw []byte) (crypto.PublicKey, error) {
	pub, err := keys.PublicKeyFromJWK(raw)
	switch {
	case err == nil:
		return pub, nil
	case errors.Is(err, keys.ErrPrivateKeyMaterial):
		return nil, fmt.Errorf("%w: jwk header: %w", proof.ErrMalformedProof, err)
	case errors.Is(err, keys.ErrUnsupportedKey), errors.Is(err, keys.ErrWeakKey):
		return nil, fmt.Errorf("%w: jwk header: %w", proof.ErrAlgorithmRefused, err)
	default:
		return nil, fmt.Errorf("%w: jwk header: %w", proof.ErrMalformedProof, err)
	}
}

// keyFromDID returns the key a did:jwk or did:key encodes and the id of its
// verification method; ok is false for every other DID method.
func keyFromDID(did string) (key crypto.PublicKey, methodID string, ok bool, err error) {
	switch {
	case strings.HasPrefix(did, "did:jwk:"):
		raw, err := base64.RawURLEncoding.Strict().DecodeString(strings.TrimPrefix(did, "did:jwk:"))
		if err != nil {
			return nil, "", true, fmt.Errorf("did:jwk: %w", err)
		}
		k, err := keys.PublicKeyFromJWK(raw)
		if err != nil {
			return nil, "", true, fmt.Errorf("did:jwk: %w", err)
		}
		return k, did + "#0", true, nil
	case strings.HasPrefix(did, "did:key:"):
		mb := strings.TrimPrefix(did, "did:key:")
		k, err := keys.DecodePublicKeyMultibase(mb)
		if err != nil {
			return nil, "", true, fmt.Errorf("did:key: %w", err)
		}
		return k, did + "#" + mb, true, nil
	}
	return nil, "", false, nil
}
