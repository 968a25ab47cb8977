// Package keys holds obadge's key material and the encodings its proof formats and
// key-publication endpoints need.
//
//   - Signers for Ed25519 (the default, pure EdDSA), ECDSA P-256 and RSA (2048 to
//     8192 bits) implementing [Signer]: Generate, NewSigner, Ed25519FromSeed,
//     WithKeyID. A Signer is a crypto.Signer, so jwx v2's jws.Sign accepts it
//     directly for EdDSA, ES256 and RS256. It refuses signing options that do not
//     match its algorithm (a pre-hashed or Ed25519ph request to an EdDSA key, a
//     zero hash to an ECDSA or RSA key), so an algorithm confusion upstream fails
//     instead of producing a signature under the wrong scheme.
//   - Signers never reveal key material: LogValue (log/slog), String, GoString and
//     Format print only the key id and algorithm.
//   - PKCS#8 storage: MarshalPrivateKey and ParsePrivateKey.
//   - Multibase base58-btc (Base58Encode, Base58Decode, DecodeMultibaseBase58) and
//     Multikey public keys (EncodePublicKeyMultibase, DecodePublicKeyMultibase) for
//     Ed25519 (multicodec 0xed01, "z6Mk...") and P-256 (0x8024, compressed, "zDn..."),
//     plus ed25519-priv secret keys (0x8026) in the 32-byte seed form of vc-di-eddsa
//     and the 64-byte seed||public form of the Open Badges implementation guide.
//   - did:key: DIDKey and ResolveDIDKey build the DID document in memory, with the
//     DIDDocument and VerificationMethodDoc types also used for did:web and HTTPS
//     controller documents (MultikeyMethod, JSONWebKeyMethod, Method, Authorizes).
//   - JWK and JWKS through jwx v2: PublicJWK, JWKS, PublicKeyFromJWK (public keys
//     only, no symmetric keys, no weak RSA, no unknown curves), Thumbprint (RFC 7638)
//     and PublicKeyAlgorithm.
//
// Every decoder is bounded: inputs longer than a small fixed size are refused before
// any work that grows with the input. Errors wrap the sentinels declared in signer.go
// and errors.go and are matched with errors.Is. The package does no network or file
// access.
package keys
