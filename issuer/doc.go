// Package issuer is obadge's issuing domain: issuer profiles with their keys and
// did:web (or did:key) identities, the achievement catalogue, Open Badges 3.0
// credential construction, signing (eddsa-rdfc-2022 Data Integrity or VC-JWT with
// EdDSA, ES256 or RS256), idempotent issue and the W3C VC API issue operation.
//
// Identity: an issuer "agency" on base URL https://badges.example.gov is
// did:web:badges.example.gov:issuers:agency, whose DID document is served at
// <base>/issuers/agency/did.json, its OB Profile at <base>/issuers/agency, its JWKS at
// <base>/issuers/agency/jwks.json and each key as a single JWK at
// <base>/issuers/agency/keys/<key-id>. A key's verification method id (the DI
// verificationMethod and the JWT kid) is the DID URL did:web:...:issuers:agency#<key-id>;
// Ed25519 keys are published as Multikey, P-256 and RSA keys as JsonWebKey.
//
// Recipients: an email is never stored or published in clear. The credential
// carries an IdentityObject with identityHash "sha256$" + hex(SHA-256(e + salt)),
// where e is the address trimmed and lower-cased and salt a random 16-byte hex
// string per credential. Listings are indexed by a separate issuer-secret salted
// hash that is never published.
//
// Status (WithStatusLists): every credential carries a W3C BitstringStatusListEntry
// for revocation, id <list>#<index>, at a random index (crypto/rand) taken in the
// issue transaction; issuers that enable suspension get a second entry (see
// the Assign method of the built-in assigner for the OB 0..1 trade-off). The lists are signed
// BitstringStatusListCredentials at <base>/issuers/agency/status/<purpose>/<n>,
// re-signed on every change and cached in the store. Revocation is final.
//
// issuer does not speak HTTP (see internal/httpapi) and does not log credentials,
// keys or recipient identifiers; it logs business events (issuer created,
// credential issued) at Info.
package issuer
