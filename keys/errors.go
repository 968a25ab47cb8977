package keys

import (
	"errors"
	"fmt"
)

// Further errors; each also matches one of the broader sentinels of signer.go where
// that applies.
var (
	// ErrWeakKey: an RSA key below MinRSABits (or above MaxRSABits). It wraps
	// ErrInvalidKey.
	ErrWeakKey = fmt.Errorf("%w: RSA key size out of range", ErrInvalidKey)
	// ErrPrivateKeyMaterial: a JWK offered as a public key carries private members
	// (d, p, q, dp, dq, qi, oth) or is a symmetric "oct" key. It wraps ErrInvalidKey.
	ErrPrivateKeyMaterial = fmt.Errorf("%w: private or symmetric key material where a public key is expected", ErrInvalidKey)
	// ErrSignOptions: Sign was called with options that do not belong to the signer's
	// algorithm (e.g. a SHA-256 digest handed to an Ed25519 key).
	ErrSignOptions = errors.New("keys: signing options do not match the key's algorithm")
	// ErrInvalidDID: a did:key identifier or DID URL that cannot be resolved.
	ErrInvalidDID = errors.New("keys: invalid did:key")
)
