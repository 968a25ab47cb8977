// Package vcjwt signs and verifies credentials as VC-JWT, the external proof format
// Open Badges 3.0 profiles in its "JSON Web Token Proof Format" section (ob_v3p0
// integrity.md), with jwx v2 underneath.
//
// # Signing
//
// Sign produces a compact JWS whose payload is the credential JSON object itself
// (VCDM 2.0 style) with the OB registered claims appended after its own members, which
// are kept byte for byte (only insignificant whitespace is removed):
//
//	iss  issuer id (issuer as a string, or issuer.id)
//	jti  credential id
//	nbf  validFrom as a NumericDate (whole seconds)
//	sub  credentialSubject.id, omitted when the subject has no id: OB lets a
//	     credential identify its recipient only by a hashed identifier, and then
//	     there is nothing to put in sub
//	exp  validUntil, only when present
//
// No iat is added, so EdDSA and RS256 output is deterministic. The protected header is
// exactly alg, kid and typ "JWT", plus jwk (public members only) with
// SignOptions.EmbedJWK. VCDM 1.1 credentials are refused: we issue 2.0 only. So is a
// kid that Verify would not bind to the credential's issuer (see below), so that a
// misconfigured key fails at issuance rather than at every verifier.
//
// # Verifying
//
// Verify parses the compact token strictly (three base64url parts without padding, JSON
// header and payload without duplicate member names, valid UTF-8) and refuses:
//
//   - any header member other than alg, kid, jwk and typ (OB: "Additional JOSE Headers
//     are NOT allowed"; this covers crit, jku, x5u, x5c, b64, cty, ...), and typ other
//     than "JWT" (compared case-insensitively, RFC 7515 §4.1.9), so VC-JOSE-COSE's
//     "vc+jwt" is refused;
//   - alg none, every HMAC alg and anything outside EdDSA, ES256, RS256, and a key whose
//     type does not fit the alg (Ed25519 for EdDSA, P-256 for ES256, RSA of 2048 to
//     8192 bits for RS256, as keys.PublicKeyAlgorithm decides) — proof.ErrAlgorithmRefused;
//   - an embedded jwk carrying private members (d, p, q, dp, dq, qi, oth, k).
//
// The key comes from kid, dereferenced through VerifyOptions.Resolver with the
// assertionMethod relationship, or from the jwk header when there is no kid (with both,
// kid wins and the jwk must be the same key). The kid is bound to the credential's
// issuer before the resolver is called, so the resolver is never asked for a key of
// another party than the issuer the token names:
//
//   - a DID URL kid must have the issuer id as its DID, and the resolved method's
//     controller must be the issuer id;
//   - an http(s) kid must share scheme, host and port with the issuer id, and the
//     resolved controller, when the resolver reports one, must be the issuer id;
//   - an embedded jwk is self-asserted: anyone can put a key there. It is accepted as
//     bound only when the issuer is a did:jwk or did:key that encodes that very key
//     (anything else is proof.ErrKeyNotAuthorized for such issuers). For any other
//     issuer Verify still checks the signature and claims, then returns the Result with
//     SelfAssertedKey set and no error: the caller decides (the 1EdTech fixtures are
//     signed this way; a verifier should report it as a warning at least).
//
// The signature is verified with jws.Verify and exactly the header's alg. Then the
// claims are compared with the credential (errors wrap proof.ErrClaimMismatch): iss with
// the issuer id, jti with the credential id, nbf (required) with validFrom and exp with
// validUntil (both or neither, compared in whole seconds; exp not after nbf is refused),
// and sub with credentialSubject.id. A token without sub whose subject has an id is
// accepted with Result.SubjectClaimMissing set (OB requires sub, but the 1EdTech
// validator ignores it and its fixtures, valid for certification, carry aud instead);
// VerifyOptions.RequireSubject turns it into ErrSubjectClaimMissing.
//
// VCDM 1.1 tokens carry the credential in the vc claim; its @context[0] must be the 1.1
// context and the dates compared are issuanceDate and expirationDate. The vc claim must
// hold id, issuer and issuanceDate itself: Verify never rewrites the credential from
// the claims, it returns the vc bytes as they are. A token without vc must carry a VCDM
// 2.0 credential (@context[0] https://www.w3.org/ns/credentials/v2).
//
// Verify does not judge the validity window against the clock: it returns nbf and exp
// in the Result for the verifier's dates check (jwx's JWT validation is not used).
// When the signature verified but a claim disagrees with the credential (an error
// wrapping proof.ErrClaimMismatch), Verify returns the Result along with the error so
// that a verifier can report what was signed; with every other error the Result is nil.
//
// The package does no I/O: keys come through the proof.MethodResolver the caller gives.
package vcjwt
