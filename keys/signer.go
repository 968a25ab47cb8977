package keys

import (
	"crypto"
	"errors"
)

// JOSE algorithm names a Signer reports.
const (
	AlgEdDSA = "EdDSA"
	AlgES256 = "ES256"
	AlgRS256 = "RS256"
)

// Errors callers match with errors.Is.
var (
	ErrUnsupportedKey   = errors.New("keys: unsupported key type")
	ErrInvalidKey       = errors.New("keys: invalid key")
	ErrInvalidMultibase = errors.New("keys: invalid multibase value")
	ErrNotFound         = errors.New("keys: key not found")
)

// Signer is a private key behind crypto.Signer plus the names the proof formats need.
// Its LogValue never includes key material.
type Signer interface {
	crypto.Signer
	// KeyID is the verification method id / JWS kid, e.g. did:web:example.org#key-1.
	KeyID() string
	// Algorithm is the JOSE alg: AlgEdDSA, AlgES256 or AlgRS256.
	Algorithm() string
}
