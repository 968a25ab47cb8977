// Package resolve dereferences verification methods for the verifier: it implements
// proof.MethodResolver over did:key, did:jwk, did:web and HTTPS controller documents
// (such as Open Badges issuer profiles that list their keys).
//
// Resolution order for a document id (a DID or URL without fragment):
//
//  1. Options.Documents, pinned documents supplied by the caller, win over anything
//     else; with them a verifier can run air-gapped.
//  2. did:key and did:jwk documents are computed in memory (keys.ResolveDIDKey; the
//     did:jwk document has one JsonWebKey method "<did>#0").
//  3. did:web and https URLs are fetched with the SSRF-safe internal/fetch client,
//     unless Options.Offline is set or no client was given (then resolution fails
//     closed). A did:web maps to https://<host>[/<path>]/did.json (or
//     /.well-known/did.json), see DIDWebURL; IP-address hosts are refused unless the
//     fetch policy allows private addresses (tests). Fetched documents are cached for
//     Options.CacheTTL, shortened by the response's Cache-Control/Expires headers and
//     never stored on no-store/no-cache; the cache is bounded and safe for
//     concurrent use.
//
// Every document's id must equal the id it was resolved for.
//
// ResolveMethod then finds the method by absolute or "#fragment" id in
// verificationMethod or embedded in the relationship, checks that the relationship
// (e.g. assertionMethod) lists it, that its controller is the document id, and
// decodes its key: Multikey and Ed25519VerificationKey2020 (publicKeyMultibase),
// JsonWebKey and JsonWebKey2020 (publicKeyJwk), Ed25519VerificationKey2018
// (publicKeyBase58). A method id that is only a fragment is never trusted: the key
// must be listed by the document it names.
//
// A URL whose document is itself a verification method (Controlled Identifiers
// 1.0: {"id": url, "type": ..., "controller": ...}) is accepted only when its
// controller document lists it under the relationship.
//
// JWK URLs: in the Open Badges VC-JWT profile a JWS "kid" may be an https URL that
// returns a single JWK (a body with "kty"). Such an id resolves to
// VerificationMethod{ID: url, Type: "JsonWebKey", Controller: ""}: there is no
// controller document to check, so the caller (the VC-JWT verifier) must bind the
// kid's origin to the issuer itself. A JWK URL with a fragment is refused. An https
// URL whose body is a JWK Set ({"keys": [...]}, no "id") resolves only with a
// fragment, to the one key whose "kid" equals the fragment or the whole id, with
// the same empty Controller (recommended practice: publish
// https://{domain}/.well-known/jwks.json and name a key in it).
//
// Errors wrap proof.ErrKeyResolution (cannot fetch or parse, method not found,
// unsupported method type) or proof.ErrKeyNotAuthorized (not under the
// relationship, controller mismatch), together with the underlying cause (e.g.
// fetch.ErrForbiddenAddress), all matched with errors.Is.
package resolve
