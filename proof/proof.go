package proof

import (
	"context"
	"crypto"
	"errors"
)

// Verification relationships a proof purpose maps to.
const (
	AssertionMethod = "assertionMethod"
	Authentication  = "authentication"
)

// Errors shared by all proof formats; callers match them with errors.Is. A format may
// wrap a more specific error of its own around one of these.
var (
	// ErrMalformedProof: the proof is missing, not an object, or lacks a required member.
	ErrMalformedProof = errors.New("proof: malformed proof")
	// ErrUnsupportedProof: the proof type, cryptosuite or algorithm is not one we verify.
	ErrUnsupportedProof = errors.New("proof: unsupported proof type")
	// ErrInvalidSignature: the signature does not verify over the document.
	ErrInvalidSignature = errors.New("proof: signature does not verify")
	// ErrDataLoss: JSON-LD processing would drop or leave undefined some of the data,
	// so part of the document would not be covered by the signature.
	ErrDataLoss = errors.New("proof: data loss detected (undefined term or type)")
	// ErrCanonicalization: the document could not be canonicalized (including the work
	// limit on poison graphs).
	ErrCanonicalization = errors.New("proof: canonicalization failed")
	// ErrPurposeMismatch: proofPurpose is not the one the verifier expects.
	ErrPurposeMismatch = errors.New("proof: proof purpose mismatch")
	// ErrInvalidDomain and ErrInvalidChallenge: the proof's domain or challenge is not
	// the one the verifier requires.
	ErrInvalidDomain    = errors.New("proof: domain mismatch")
	ErrInvalidChallenge = errors.New("proof: challenge mismatch")
	// ErrKeyResolution: the verification method could not be dereferenced.
	ErrKeyResolution = errors.New("proof: verification method could not be resolved")
	// ErrKeyNotAuthorized: the method exists but is not listed under the required
	// verification relationship of its controller, or its controller is not the issuer.
	ErrKeyNotAuthorized = errors.New("proof: verification method not authorized")
	// ErrAlgorithmRefused: alg none, HMAC, or an algorithm that does not match the key type.
	ErrAlgorithmRefused = errors.New("proof: algorithm refused")
	// ErrClaimMismatch: a JWT claim disagrees with the credential it carries.
	ErrClaimMismatch = errors.New("proof: JWT claim does not match credential")
)

// VerificationMethod is a public key obtained by dereferencing a verification method
// id and checking it against its controller document.
type VerificationMethod struct {
	// ID is the absolute id of the method, e.g. did:web:example.org#key-1.
	ID string
	// Type is the method type as published (Multikey, JsonWebKey, Ed25519VerificationKey2020, ...).
	Type string
	// Controller is the id of the controller document that lists the method.
	Controller string
	// PublicKey is an ed25519.PublicKey, *ecdsa.PublicKey or *rsa.PublicKey.
	PublicKey crypto.PublicKey
}

// MethodResolver dereferences a verification method id (a DID URL, a bare did:key, or
// an HTTPS URL with a fragment), checks that the controller document lists it under
// relationship (e.g. AssertionMethod), and returns its key. It returns an error
// wrapping ErrKeyResolution when the document cannot be obtained, and one wrapping
// ErrKeyNotAuthorized when the method is not listed under relationship.
type MethodResolver interface {
	ResolveMethod(ctx context.Context, id, relationship string) (*VerificationMethod, error)
}
