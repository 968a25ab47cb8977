package vcjwt

import (
	"bytes"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/obadge/obadge/keys"
	"github.com/obadge/obadge/proof"
)

// ErrNoKeyReference: Sign would produce a token with neither kid nor jwk, which OB
// forbids (the signer has no KeyID, SignOptions.KeyID is empty and EmbedJWK is off).
var ErrNoKeyReference = errors.New("vcjwt: no kid and no embedded jwk")

// registeredClaims are the JWT claim names (RFC 7519 §4.1) Verify strips from a VCDM
// 2.0 payload; Sign refuses a credential that has one of them, or vc or vp, as a
// member of its own.
var registeredClaims = map[string]bool{
	"iss": true, "sub": true, "aud": true, "exp": true, "nbf": true, "iat": true, "jti": true,
}

// signatureAlgorithm maps the accepted JOSE alg names to jwx's constants; everything
// else (none, HS*, PS*, ES384, ...) is refused.
func signatureAlgorithm(alg string) (jwa.SignatureAlgorithm, bool) {
	switch alg {
	case keys.AlgEdDSA:
		return jwa.EdDSA, true
	case keys.AlgES256:
		return jwa.ES256, true
	case keys.AlgRS256:
		return jwa.RS256, true
	}
	return "", false
}

// checkKeyForAlg refuses a public key whose type or size does not fit alg: Ed25519
// for EdDSA, P-256 for ES256, RSA of keys.MinRSABits to keys.MaxRSABits for RS256.
func checkKeyForAlg(alg string, pub crypto.PublicKey) error {
	keyAlg, err := keys.PublicKeyAlgorithm(pub)
	if err != nil {
		return fmt.Errorf("%w: alg %q: %w", proof.ErrAlgorithmRefused, alg, err)
	}
	if keyAlg != alg {
		return fmt.Errorf("%w: alg %q with a %s key", proof.ErrAlgorithmRefused, alg, keyAlg)
	}
	return nil
}

// Sign returns the compact VC-JWT of credential, a VCDM 2.0 OB credential JSON
// object, signed by s: the payload is the credential's own members (whitespace
// removed, nothing else changed) followed by the iss, jti, nbf, sub (when the subject
// has an id) and exp (when validUntil is present) claims. See the package doc.
//
// A kid that Verify would not bind to the credential's issuer (a DID URL of another
// DID, a URL of another origin) is refused here already, with the same
// proof.ErrKeyNotAuthorized / proof.ErrKeyResolution errors.
func Sign(credential []byte, s keys.Signer, opts SignOptions) (string, error) {
	if s == nil {
		return "", fmt.Errorf("vcjwt: nil signer: %w", keys.ErrInvalidKey)
	}
	alg := s.Algorithm()
	jalg, ok := signatureAlgorithm(alg)
	if !ok {
		return "", fmt.Errorf("%w: signer algorithm %q", proof.ErrAlgorithmRefused, alg)
	}
	pub := s.Public()
	if err := checkKeyForAlg(alg, pub); err != nil {
		return "", err
	}
	kid := opts.KeyID
	if kid == "" {
		kid = s.KeyID()
	}
	if kid == "" && !opts.EmbedJWK {
		return "", ErrNoKeyReference
	}

	payload, issuer, err := signingPayload(credential)
	if err != nil {
		return "", err
	}
	if kid != "" { // fail at issuance rather than hand out a token Verify refuses
		if _, err := checkKidBinding(kid, issuer); err != nil {
			return "", fmt.Errorf("vcjwt: kid cannot verify for this issuer: %w", err)
		}
	}

	hdr := jws.NewHeaders()
	if kid != "" {
		if err := hdr.Set(jws.KeyIDKey, kid); err != nil {
			return "", fmt.Errorf("vcjwt: kid header: %w", err)
		}
	}
	if err := hdr.Set(jws.TypeKey, "JWT"); err != nil {
		return "", fmt.Errorf("vcjwt: typ header: %w", err)
	}
	if opts.EmbedJWK {
		k, err := keys.JWKFromPublicKey(pub, "")
		if err != nil {
			return "", fmt.Errorf("vcjwt: public JWK: %w", err)
		}
		if err := hdr.Set(jws.JWKKey, k); err != nil {
			return "", fmt.Errorf("vcjwt: jwk header: %w", err)
		}
	}
	tok, err := jws.Sign(payload, jws.WithKey(jalg, s, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		return "", fmt.Errorf("vcjwt: sign: %w", err)
	}
	return string(tok), nil
}

// signingPayload builds the JWT payload from the credential.
func signingPayload(credential []byte) (payload []byte, issuer string, err error) {
	if !utf8.Valid(credential) {
		return nil, "", fmt.Errorf("%w: not UTF-8", ErrInvalidCredential)
	}
	compact := credential
	obj, spaced, err := scanObject(compact)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrInvalidCredential, err)
	}
	if spaced { // drop the insignificant whitespace, nothing else
		var buf bytes.Buffer
		if err := json.Compact(&buf, credential); err != nil {
			return nil, "", fmt.Errorf("%w: %v", ErrInvalidCredential, err)
		}
		compact = buf.Bytes()
		if obj, err = parseObject(compact); err != nil {
			return nil, "", fmt.Errorf("%w: %v", ErrInvalidCredential, err)
		}
	}
	for _, m := range obj.members {
		if registeredClaims[m.name] || m.name == "vc" || m.name == "vp" {
			return nil, "", fmt.Errorf("%w: member %q is a JWT claim name", ErrInvalidCredential, m.name)
		}
	}
	ctxRaw, _ := obj.get("@context")
	if c, _ := firstContext(ctxRaw); c != ContextV2 {
		return nil, "", fmt.Errorf("%w: @context[0] is %q, want %q (only VCDM 2.0 is issued)", ErrInvalidCredential, c, ContextV2)
	}
	f, err := credentialFields(obj, Version2)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrInvalidCredential, err)
	}
	if f.id == "" {
		return nil, "", fmt.Errorf("%w: id is required", ErrInvalidCredential)
	}
	if f.issuer == "" {
		return nil, "", fmt.Errorf("%w: issuer id is required", ErrInvalidCredential)
	}
	if f.validFrom.IsZero() {
		return nil, "", fmt.Errorf("%w: validFrom is required", ErrInvalidCredential)
	}
	if !f.validUntil.IsZero() && f.validUntil.Unix() <= f.validFrom.Unix() {
		return nil, "", fmt.Errorf("%w: validUntil is not after validFrom", ErrInvalidCredential)
	}

	out := make([]byte, 0, len(compact)+256)
	out = append(out, compact[:len(compact)-1]...)
	if len(obj.members) > 0 {
		out = append(out, ',')
	}
	out = appendClaim(out, "iss", f.issuer)
	out = append(out, ',')
	out = appendClaim(out, "jti", f.id)
	out = append(out, `,"nbf":`...)
	out = fmt.Appendf(out, "%d", f.validFrom.Unix())
	if len(f.subjects) > 0 {
		out = append(out, ',')
		out = appendClaim(out, "sub", f.subjects[0])
	}
	if !f.validUntil.IsZero() {
		out = append(out, `,"exp":`...)
		out = fmt.Appendf(out, "%d", f.validUntil.Unix())
	}
	return append(out, '}'), f.issuer, nil
}

func appendClaim(out []byte, name, value string) []byte {
	v, _ := json.Marshal(value) // a string always marshals
	out = append(out, '"')
	out = append(out, name...)
	out = append(out, `":`...)
	return append(out, v...)
}
