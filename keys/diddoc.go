package keys

import (
	"bytes"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// JSON-LD contexts of a DID document with Multikey verification methods.
const (
	ContextDIDv1      = "https://www.w3.org/ns/did/v1"
	ContextMultikeyV1 = "https://w3id.org/security/multikey/v1"
	// ContextJWKv1 defines the JsonWebKey method type and publicKeyJwk (used by
	// did:jwk documents and JsonWebKey methods).
	ContextJWKv1 = "https://w3id.org/security/jwk/v1"
)

// Verification method types.
const (
	TypeMultikey   = "Multikey"
	TypeJsonWebKey = "JsonWebKey"
)

// Verification relationships of a DID document (DID Core §5.3).
const (
	RelAuthentication       = "authentication"
	RelAssertionMethod      = "assertionMethod"
	RelKeyAgreement         = "keyAgreement"
	RelCapabilityInvocation = "capabilityInvocation"
	RelCapabilityDelegation = "capabilityDelegation"
)

// DIDDocument is a DID document (DID Core 1.0) or controller document (W3C
// Controlled Identifiers 1.0): what ResolveDIDKey builds for did:key and what the
// issuer publishes for did:web. Unknown members are ignored when decoding.
type DIDDocument struct {
	Context              Contexts                `json:"@context"`
	ID                   string                  `json:"id"`
	AlsoKnownAs          []string                `json:"alsoKnownAs,omitempty"`
	Controller           StringSet               `json:"controller,omitempty"`
	VerificationMethod   []VerificationMethodDoc `json:"verificationMethod,omitempty"`
	Authentication       []MethodRef             `json:"authentication,omitempty"`
	AssertionMethod      []MethodRef             `json:"assertionMethod,omitempty"`
	KeyAgreement         []MethodRef             `json:"keyAgreement,omitempty"`
	CapabilityInvocation []MethodRef             `json:"capabilityInvocation,omitempty"`
	CapabilityDelegation []MethodRef             `json:"capabilityDelegation,omitempty"`
	Service              []Service               `json:"service,omitempty"`
}

// VerificationMethodDoc is one verification method: a Multikey with
// publicKeyMultibase, or a JsonWebKey with publicKeyJwk (a public JWK, e.g. the
// bytes of json.Marshal(PublicJWK(s))). Exactly one of the two is set.
type VerificationMethodDoc struct {
	ID                 string          `json:"id"`
	Type               string          `json:"type"`
	Controller         string          `json:"controller"`
	PublicKeyMultibase string          `json:"publicKeyMultibase,omitempty"`
	PublicKeyJwk       json.RawMessage `json:"publicKeyJwk,omitempty"`
	// Expires and Revoked are optional XML Schema dateTimes (Controlled Identifiers 1.0).
	Expires string `json:"expires,omitempty"`
	Revoked string `json:"revoked,omitempty"`
}

// PublicKey decodes the method's key: publicKeyMultibase with
// DecodePublicKeyMultibase, publicKeyJwk with PublicKeyFromJWK. A method with both
// or neither fails with ErrInvalidKey. The method type is not checked here.
func (vm *VerificationMethodDoc) PublicKey() (crypto.PublicKey, error) {
	hasMB, hasJWK := vm.PublicKeyMultibase != "", len(vm.PublicKeyJwk) > 0
	switch {
	case hasMB && hasJWK:
		return nil, fmt.Errorf("%w: method %q has both publicKeyMultibase and publicKeyJwk", ErrInvalidKey, vm.ID)
	case hasMB:
		return DecodePublicKeyMultibase(vm.PublicKeyMultibase)
	case hasJWK:
		return PublicKeyFromJWK(vm.PublicKeyJwk)
	default:
		return nil, fmt.Errorf("%w: method %q has no public key", ErrInvalidKey, vm.ID)
	}
}

// MultikeyMethod returns the Multikey verification method of pub under controller,
// with id controller + "#" + publicKeyMultibase (the pattern the Open Badges
// implementation guide and the 1EdTech validator use). Ed25519 and P-256 only; an
// RSA key fails with ErrUnsupportedKey (publish it with JSONWebKeyMethod).
func MultikeyMethod(controller string, pub crypto.PublicKey) (VerificationMethodDoc, error) {
	mb, err := EncodePublicKeyMultibase(pub)
	if err != nil {
		return VerificationMethodDoc{}, err
	}
	return VerificationMethodDoc{
		ID:                 controller + "#" + mb,
		Type:               TypeMultikey,
		Controller:         controller,
		PublicKeyMultibase: mb,
	}, nil
}

// JSONWebKeyMethod returns a JsonWebKey verification method with the given id whose
// publicKeyJwk is the public JWK of pub (kty and key members, "alg", "use": "sig";
// no "kid", the method id names it).
func JSONWebKeyMethod(id, controller string, pub crypto.PublicKey) (VerificationMethodDoc, error) {
	key, err := JWKFromPublicKey(pub, "")
	if err != nil {
		return VerificationMethodDoc{}, err
	}
	raw, err := json.Marshal(key)
	if err != nil {
		return VerificationMethodDoc{}, fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	return VerificationMethodDoc{ID: id, Type: TypeJsonWebKey, Controller: controller, PublicKeyJwk: raw}, nil
}

// MethodRef is one entry of a verification relationship: a reference to a method
// by id (JSON string) or an embedded method (JSON object; ID is then its id).
type MethodRef struct {
	ID     string
	Method *VerificationMethodDoc
}

// RefTo returns a MethodRef that references the method id.
func RefTo(id string) MethodRef { return MethodRef{ID: id} }

// MarshalJSON writes the id as a string, or the embedded method as an object.
func (r MethodRef) MarshalJSON() ([]byte, error) {
	if r.Method != nil {
		return json.Marshal(r.Method)
	}
	return json.Marshal(r.ID)
}

// UnmarshalJSON reads a string reference or an embedded method object; null, an
// empty id and other JSON values are errors.
func (r *MethodRef) UnmarshalJSON(b []byte) error {
	b = bytes.TrimLeft(b, " \t\r\n")
	var ref MethodRef
	switch {
	case len(b) > 0 && b[0] == '{':
		var vm VerificationMethodDoc
		if err := json.Unmarshal(b, &vm); err != nil {
			return err
		}
		ref = MethodRef{ID: vm.ID, Method: &vm}
	case len(b) > 0 && b[0] == '"':
		if err := json.Unmarshal(b, &ref.ID); err != nil {
			return err
		}
	default:
		return errors.New("keys: verification relationship entry is neither a string nor an object")
	}
	if ref.ID == "" {
		return errors.New("keys: verification relationship entry without an id")
	}
	*r = ref
	return nil
}

// Contexts is a JSON-LD @context: always written as an array, read from a single
// value or an array. Entries are strings (URLs) or objects (map[string]any).
type Contexts []any

// UnmarshalJSON accepts a single context or an array of contexts.
func (c *Contexts) UnmarshalJSON(b []byte) error {
	var many []any
	if err := json.Unmarshal(b, &many); err == nil {
		*c = many
		return nil
	}
	var one any
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	*c = Contexts{one}
	return nil
}

// StringSet is a DID Core "string or set of strings" (document controller, service
// type): written as a string when it has one element, read from either form.
type StringSet []string

// MarshalJSON writes one element as a plain string, otherwise an array.
func (s StringSet) MarshalJSON() ([]byte, error) {
	if len(s) == 1 {
		return json.Marshal(s[0])
	}
	return json.Marshal([]string(s))
}

// UnmarshalJSON accepts a string or an array of strings; null leaves the set empty.
func (s *StringSet) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		*s = nil
		return nil
	}
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = StringSet{one}
		return nil
	}
	var many []*string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("keys: expected a string or an array of strings: %w", err)
	}
	out := make(StringSet, 0, len(many))
	for _, v := range many {
		if v == nil {
			return errors.New("keys: null in an array of strings")
		}
		out = append(out, *v)
	}
	*s = out
	return nil
}

// Service is a DID document service entry; serviceEndpoint is a URL string, a map
// or a set of them, kept as raw JSON.
type Service struct {
	ID              string          `json:"id"`
	Type            StringSet       `json:"type"`
	ServiceEndpoint json.RawMessage `json:"serviceEndpoint"`
}

// absolute resolves a relative DID URL that is only a fragment ("#key-1") against
// the document id.
func (d *DIDDocument) absolute(id string) string {
	if strings.HasPrefix(id, "#") {
		return d.ID + id
	}
	return id
}

// Relationship returns the entries of the named verification relationship
// (RelAssertionMethod, ...), or nil for an unknown name.
func (d *DIDDocument) Relationship(name string) []MethodRef {
	switch name {
	case RelAuthentication:
		return d.Authentication
	case RelAssertionMethod:
		return d.AssertionMethod
	case RelKeyAgreement:
		return d.KeyAgreement
	case RelCapabilityInvocation:
		return d.CapabilityInvocation
	case RelCapabilityDelegation:
		return d.CapabilityDelegation
	default:
		return nil
	}
}

// Method returns the verification method with the given absolute id (a method
// written with a relative "#fragment" id matches document id + fragment), looking
// in verificationMethod and then at methods embedded in relationships. The result
// has its ID made absolute. It fails with ErrNotFound.
func (d *DIDDocument) Method(id string) (*VerificationMethodDoc, error) {
	find := func(vm *VerificationMethodDoc) *VerificationMethodDoc {
		if d.absolute(vm.ID) != id {
			return nil
		}
		out := *vm
		out.ID = id
		out.Controller = d.absolute(out.Controller)
		return &out
	}
	for i := range d.VerificationMethod {
		if vm := find(&d.VerificationMethod[i]); vm != nil {
			return vm, nil
		}
	}
	for _, rel := range [][]MethodRef{d.Authentication, d.AssertionMethod, d.KeyAgreement, d.CapabilityInvocation, d.CapabilityDelegation} {
		for _, r := range rel {
			if r.Method != nil {
				if vm := find(r.Method); vm != nil {
					return vm, nil
				}
			}
		}
	}
	return nil, fmt.Errorf("%w: verification method %q in %q", ErrNotFound, id, d.ID)
}

// Authorizes reports whether the named relationship of d lists the method id (by
// reference or embedded; relative ids are resolved against the document id).
func (d *DIDDocument) Authorizes(relationship, id string) bool {
	for _, r := range d.Relationship(relationship) {
		if d.absolute(r.ID) == id {
			return true
		}
	}
	return false
}
