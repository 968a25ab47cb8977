// Package input turns whatever a user hands the verifier into what the proof layer
// needs: a credential or presentation, as exact JSON bytes (embedded proof) or as a
// compact JWS (VC-JWT).
//
// Decode recognises, by content and never by file name or Content-Type (those are
// supplied by the same untrusted party and are often wrong; the hint only shapes error
// messages):
//
//   - a JSON object that is a VerifiableCredential or a VerifiablePresentation;
//   - a JSON EnvelopedVerifiableCredential (or EnvelopedVerifiablePresentation) whose
//     id is a data: URL with media type application/vc+jwt, application/vc-ld+jwt or
//     application/jwt (vp+jwt, vp-ld+jwt for presentations), which yields the JWT;
//   - a compact JWS whose payload carries a vc or vp claim (VC-JWT as OB 3.0 profiles
//     it) or is itself a credential or presentation (VC-JOSE-COSE), also when wrapped
//     in a JSON string literal;
//   - a baked PNG or SVG badge (package bake), whose credential is decoded as above,
//     once: an image inside an image is not unwrapped.
//
// Input is treated as hostile: sizes are capped (DefaultMaxImageBytes for images,
// DefaultMaxTextBytes for everything else, Decoder overrides both), JSON must be valid
// UTF-8 with no duplicate object member names and bounded nesting, and images are
// never decoded to pixels. Errors wrap ErrUnrecognized, ErrMalformed or ErrTooLarge,
// and also the bake error behind an image failure (bake.ErrNotBaked, ...); match them
// with errors.Is.
//
// input verifies nothing: it does not check signatures, contexts, schemas or dates,
// and does no network or file I/O.
package input
