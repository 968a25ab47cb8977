package vcjwt

import (
	"errors"
	"fmt"
	"time"

	"github.com/obadge/obadge/proof"
)

// Context URLs that tell the data-model versions apart (@context[0]).
const (
	ContextV2 = "https://www.w3.org/ns/credentials/v2"
	ContextV1 = "https://www.w3.org/2018/credentials/v1"
)

// Versions reported in Result.Version.
const (
	Version2 = "2.0"
	Version1 = "1.1"
)

// DefaultMaxTokenBytes is the token size limit when VerifyOptions.MaxTokenBytes is 0.
const DefaultMaxTokenBytes = 1 << 20

// Errors of this package; callers match them with errors.Is. Verification failures
// wrap the shared proof errors (proof.ErrMalformedProof, proof.ErrInvalidSignature,
// proof.ErrAlgorithmRefused, proof.ErrKeyResolution, proof.ErrKeyNotAuthorized,
// proof.ErrClaimMismatch).
var (
	// ErrInvalidCredential: Sign was given something it cannot sign as an OB 3.0
	// VCDM 2.0 credential (not an object, no id, issuer or validFrom, a JWT claim
	// name already among its members, a VCDM 1.1 context, ...).
	ErrInvalidCredential = errors.New("vcjwt: credential cannot be signed")
	// ErrSubjectClaimMissing: the credential subject has an id but the token has no
	// sub claim, and VerifyOptions.RequireSubject is set. It wraps
	// proof.ErrClaimMismatch.
	ErrSubjectClaimMissing = fmt.Errorf("vcjwt: sub claim missing although credentialSubject has an id: %w", proof.ErrClaimMismatch)
)

// SignOptions tune Sign.
type SignOptions struct {
	// KeyID is the kid header; empty means the signer's KeyID().
	KeyID string
	// EmbedJWK puts the public key in the jwk header as well.
	EmbedJWK bool
}

// VerifyOptions tune Verify.
type VerifyOptions struct {
	// Resolver dereferences the kid. It is required for tokens with a kid.
	Resolver proof.MethodResolver
	// MaxTokenBytes refuses longer tokens; 0 means DefaultMaxTokenBytes.
	MaxTokenBytes int
	// RequireSubject refuses a token without sub whose credential subject has an id
	// (ErrSubjectClaimMissing). By default that is only flagged in
	// Result.SubjectClaimMissing: OB requires sub, but the 1EdTech validator does not
	// check it and its own fixtures, which certification treats as valid, carry aud
	// instead.
	RequireSubject bool
}

// Result is what a verified token carries.
type Result struct {
	// Credential is the credential JSON: for VCDM 2.0 the payload without the JWT
	// registered claims (iss, sub, aud, exp, nbf, iat, jti), every other member kept
	// with its exact bytes and order; for VCDM 1.1 the vc claim exactly as signed.
	Credential []byte
	// Version is Version2 or Version1.
	Version string
	// Alg and KeyID are the header's alg and kid (KeyID empty for a jwk-only token).
	Alg, KeyID string
	// Method is the key that verified the signature. For a kid it is what the
	// resolver returned; for an embedded jwk its ID and Controller are the issuer's
	// did:jwk/did:key method when bound to it, empty when self-asserted.
	Method *proof.VerificationMethod
	// SelfAssertedKey: the key came from the jwk header and nothing binds it to the
	// issuer. The signature only proves the token was not altered since whoever holds
	// that key signed it; a verifier should report it (at least as a warning).
	SelfAssertedKey bool
	// SubjectClaimMissing: the credential subject has an id but the token has no sub
	// claim (OB requires it; see VerifyOptions.RequireSubject). A verifier should
	// report it as a warning.
	SubjectClaimMissing bool
	// NotBefore and Expires are nbf and exp (Expires zero without exp). Whether now
	// lies inside them is for the caller to judge.
	NotBefore, Expires time.Time
}
