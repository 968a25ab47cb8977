package keys

import (
	"crypto"
	"fmt"
	"strings"
)

// DIDKeyPrefix starts every did:key.
const DIDKeyPrefix = "did:key:"

// maxDIDKeyLen bounds the DID URL ResolveDIDKey accepts (prefix + key + '#' + key).
const maxDIDKeyLen = len(DIDKeyPrefix) + 2*maxMultikeyLen + 1

// DIDKey returns the did:key of pub (did:key:z6Mk... for Ed25519, did:key:zDn... for
// P-256) and the id of its single verification method, did + "#" + multibase.
func DIDKey(pub crypto.PublicKey) (did, vmID string, err error) {
	mb, err := EncodePublicKeyMultibase(pub)
	if err != nil {
		return "", "", err
	}
	did = DIDKeyPrefix + mb
	return did, did + "#" + mb, nil
}

// ResolveDIDKey builds the DID document of a did:key in memory (no network):
// @context [did/v1, multikey/v1], one Multikey verification method
// did:key:z...#z... controlled by the DID, referenced from authentication,
// assertionMethod, capabilityInvocation and capabilityDelegation. didURL may be the
// bare DID or the DID URL of its method (the fragment must then be the key's own
// multibase value). The document id is always the bare DID. Errors wrap
// ErrInvalidDID and the key decoding error (ErrInvalidMultibase, ErrUnsupportedKey).
func ResolveDIDKey(didURL string) (*DIDDocument, error) {
	if len(didURL) > maxDIDKeyLen {
		return nil, fmt.Errorf("%w: %d characters is too long", ErrInvalidDID, len(didURL))
	}
	rest, ok := strings.CutPrefix(didURL, DIDKeyPrefix)
	if !ok {
		return nil, fmt.Errorf("%w: %q does not start with %q", ErrInvalidDID, didURL, DIDKeyPrefix)
	}
	mb, frag, hasFrag := strings.Cut(rest, "#")
	if strings.ContainsAny(mb, "/?;:%") {
		return nil, fmt.Errorf("%w: only a bare did:key or its #fragment is resolvable, not %q", ErrInvalidDID, didURL)
	}
	pub, err := DecodePublicKeyMultibase(mb)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidDID, err)
	}
	if hasFrag && frag != mb {
		return nil, fmt.Errorf("%w: fragment %q is not the key's own (%q)", ErrInvalidDID, frag, mb)
	}
	// Re-encode so the document is canonical even if a decoder accepted a variant.
	did, vmID, err := DIDKey(pub)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidDID, err)
	}
	if did != DIDKeyPrefix+mb {
		return nil, fmt.Errorf("%w: non-canonical key encoding", ErrInvalidDID)
	}
	ref := func() []MethodRef { return []MethodRef{RefTo(vmID)} }
	return &DIDDocument{
		Context: Contexts{ContextDIDv1, ContextMultikeyV1},
		ID:      did,
		VerificationMethod: []VerificationMethodDoc{{
			ID:                 vmID,
			Type:               TypeMultikey,
			Controller:         did,
			PublicKeyMultibase: mb,
		}},
		Authentication:       ref(),
		AssertionMethod:      ref(),
		CapabilityInvocation: ref(),
		CapabilityDelegation: ref(),
	}, nil
}
