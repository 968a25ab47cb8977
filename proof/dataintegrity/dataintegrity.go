package dataintegrity

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/obadge/obadge/keys"
	"github.com/obadge/obadge/proof"
	"github.com/obadge/obadge/proof/rdfc"
	"github.com/obadge/obadge/schema"
)

// Proof types and cryptosuites this package knows.
const (
	TypeDataIntegrityProof   = "DataIntegrityProof"
	TypeEd25519Signature2020 = "Ed25519Signature2020"
	CryptosuiteEdDSARDFC2022 = "eddsa-rdfc-2022"
	// CryptosuiteEdDSA2022 is the pre-Recommendation name of eddsa-rdfc-2022; it is
	// verified (same algorithm) but never produced.
	CryptosuiteEdDSA2022 = "eddsa-2022"
)

// Limits on the documents Sign and Verify accept. json-gold's conversion to RDF
// compares each value of a property with every earlier one, so its time grows with
// the square of the longest array: 10,000 evidence items cost over two seconds, 60,000
// would cost a minute. A document over a limit is refused at once with
// ErrDocumentTooLarge, before any JSON-LD processing.
const (
	MaxDocumentBytes = 8 << 20
	MaxArrayLength   = 5000
	MaxValues        = 200000
)

// ErrDocumentTooLarge reports a document over one of the limits above; it wraps
// proof.ErrMalformedProof.
var ErrDocumentTooLarge = fmt.Errorf("%w: document exceeds the processing limits", proof.ErrMalformedProof)

// SignOptions configure Sign. The zero value signs for assertionMethod, now, with
// the signer's key id as verification method and the embedded contexts only.
type SignOptions struct {
	// Created is the proof's creation time; if zero, the current time is used.
	// It is written in UTC with second precision.
	Created time.Time
	// VerificationMethod is the proof's verificationMethod; if empty, s.KeyID().
	VerificationMethod string
	// ProofPurpose defaults to "assertionMethod".
	ProofPurpose string
	// Domain and Challenge are copied into the proof when set (presentations).
	Domain, Challenge string
	// ID gives the proof an id (needed only for proof chains).
	ID string
	// PreviousProof names the id of the proof this one chains to.
	PreviousProof string
	// Loader resolves contexts; if nil, schema.DefaultLoader().
	Loader *schema.Loader
	// Canon configures RDFC-1.0 (work limit); the zero value uses its defaults.
	Canon rdfc.Options
}

// Sign adds an eddsa-rdfc-2022 DataIntegrityProof to doc, a JSON object, and returns
// the document with its proof member set to an array holding any proofs it already had
// (a proof set) followed by the new one. Every other byte of doc is kept. The signer
// must hold an Ed25519 key.
func Sign(ctx context.Context, doc []byte, s keys.Signer, opts SignOptions) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s == nil {
		return nil, errors.New("dataintegrity: nil signer")
	}
	if _, ok := s.Public().(ed25519.PublicKey); !ok {
		return nil, fmt.Errorf("%w: eddsa-rdfc-2022 needs an Ed25519 key, not %s", proof.ErrUnsupportedProof, s.Algorithm())
	}
	m, err := decodeObject(doc)
	if err != nil {
		return nil, err
	}
	l := opts.Loader
	if l == nil {
		l = schema.DefaultLoader()
	}
	existing, err := proofList(m["proof"])
	if err != nil && m["proof"] != nil {
		return nil, err
	}
	created := opts.Created
	if created.IsZero() {
		created = time.Now()
	}
	p := orderedProof{
		{"type", TypeDataIntegrityProof},
		{"cryptosuite", CryptosuiteEdDSARDFC2022},
		{"created", created.UTC().Truncate(time.Second).Format(time.RFC3339)},
		{"verificationMethod", firstNonEmpty(opts.VerificationMethod, s.KeyID())},
		{"proofPurpose", firstNonEmpty(opts.ProofPurpose, proof.AssertionMethod)},
	}
	if opts.ID != "" {
		p = append(orderedProof{{"id", opts.ID}}, p...)
	}
	for _, kv := range []member{{"domain", opts.Domain}, {"challenge", opts.Challenge}, {"previousProof", opts.PreviousProof}} {
		if kv.value != "" {
			p = append(p, kv)
		}
	}
	if p.get("verificationMethod") == "" {
		return nil, fmt.Errorf("%w: no verification method (signer has no key id)", proof.ErrMalformedProof)
	}

	unsecured := withoutProof(m)
	if opts.PreviousProof != "" {
		prev, err := matchingProofs(existing, opts.PreviousProof)
		if err != nil {
			return nil, err
		}
		unsecured["proof"] = prev
	}
	hashData, err := hashData(p.config(m["@context"]), unsecured, l, opts.Canon)
	if err != nil {
		return nil, err
	}
	sig, err := s.Sign(rand.Reader, hashData, crypto.Hash(0))
	if err != nil {
		return nil, fmt.Errorf("dataintegrity: sign: %w", err)
	}
	p = append(p, member{"proofValue", "z" + keys.Base58Encode(sig)})

	var proofs []json.RawMessage
	if start, end, found, _, err := findTopLevelMember(doc, "proof"); err != nil {
		return nil, err
	} else if found {
		// A proof set: keep the bytes of the proofs already present.
		raw := bytes.TrimSpace(doc[start:end])
		if raw[0] == '[' {
			if err := json.Unmarshal(raw, &proofs); err != nil {
				return nil, err
			}
		} else {
			proofs = append(proofs, raw)
		}
	}
	proofs = append(proofs, p.marshal())
	value, err := json.Marshal(proofs)
	if err != nil {
		return nil, err
	}
	return setTopLevelMember(doc, "proof", value)
}

// hashData is SHA-256(canonical proof configuration) ‖ SHA-256(canonical document).
func hashData(config, unsecured map[string]any, l *schema.Loader, canon rdfc.Options) ([]byte, error) {
	proofHash, _, err := canonicalHash(config, l, canon)
	if err != nil {
		return nil, fmt.Errorf("proof configuration: %w", err)
	}
	docHash, _, err := canonicalHash(unsecured, l, canon)
	if err != nil {
		return nil, fmt.Errorf("document: %w", err)
	}
	return append(proofHash, docHash...), nil
}

// VerifyOptions configure Verify.
type VerifyOptions struct {
	// Resolver dereferences verification methods. Required.
	Resolver proof.MethodResolver
	// Purpose is the proof purpose the verifier expects; if empty, "assertionMethod".
	Purpose string
	// Controller, when set, is the identifier every verification method must belong
	// to (the credential's issuer id).
	Controller string
	// Domain and Challenge, when set, must equal the proof's (presentations).
	Domain, Challenge string
	// Loader resolves contexts; if nil, schema.DefaultLoader().
	Loader *schema.Loader
	// Canon configures RDFC-1.0 (work limit); the zero value uses its defaults.
	Canon rdfc.Options
}

// ProofResult is the verdict on one proof of a document.
type ProofResult struct {
	Index              int                       `json:"index"`
	Type               string                    `json:"type"`
	Cryptosuite        string                    `json:"cryptosuite,omitempty"`
	VerificationMethod string                    `json:"verificationMethod,omitempty"`
	ProofPurpose       string                    `json:"proofPurpose,omitempty"`
	Created            string                    `json:"created,omitempty"`
	Method             *proof.VerificationMethod `json:"-"`
	// Err is nil when the proof verified.
	Err error `json:"-"`
}

// Result lists the verdict on each proof of a document.
type Result struct {
	Proofs []ProofResult
}

// Verified reports whether at least one proof verified and no proof of a type we
// verify failed. A proof of a type we do not know is not counted either way.
func (r *Result) Verified() bool {
	ok := false
	for _, p := range r.Proofs {
		switch {
		case p.Err == nil:
			ok = true
		case !errors.Is(p.Err, proof.ErrUnsupportedProof):
			return false
		}
	}
	return ok
}

// Err is nil when Verified, otherwise the first failure (unsupported proofs last).
func (r *Result) Err() error {
	if r.Verified() {
		return nil
	}
	var unsupported error
	for _, p := range r.Proofs {
		if p.Err == nil {
			continue
		}
		if errors.Is(p.Err, proof.ErrUnsupportedProof) {
			if unsupported == nil {
				unsupported = fmt.Errorf("proof %d: %w", p.Index, p.Err)
			}
			continue
		}
		return fmt.Errorf("proof %d: %w", p.Index, p.Err)
	}
	if unsupported != nil {
		return unsupported
	}
	return fmt.Errorf("%w: no proof", proof.ErrMalformedProof)
}

// Verify checks every proof embedded in doc. It returns the per-proof result and
// an error that is nil exactly when the result is Verified. The error wraps one of
// the proof package's sentinels: ErrMalformedProof, ErrDataLoss,
// ErrCanonicalization, ErrUnsupportedProof, ErrKeyResolution, ErrKeyNotAuthorized,
// ErrPurposeMismatch, ErrInvalidDomain, ErrInvalidChallenge or ErrInvalidSignature.
// The result is nil only when the document could not be read at all.
func Verify(ctx context.Context, doc []byte, opts VerifyOptions) (*Result, error) {
	if opts.Resolver == nil {
		return nil, errors.New("dataintegrity: Verify needs a Resolver")
	}
	m, err := decodeObject(doc)
	if err != nil {
		return nil, err
	}
	proofs, err := proofList(m["proof"])
	if err != nil {
		return nil, err
	}
	l := opts.Loader
	if l == nil {
		l = schema.DefaultLoader()
	}
	res := &Result{Proofs: make([]ProofResult, len(proofs))}
	for i, p := range proofs {
		res.Proofs[i] = describe(i, p)
	}
	// The whole document, proofs included, must survive JSON-LD processing: a proof
	// of an undefined type, or any other dropped term, is data loss.
	expanded, err := expand(m, l)
	if err != nil {
		for i := range res.Proofs {
			res.Proofs[i].Err = err
		}
		return res, err
	}
	// The unsecured document is the expansion minus the proof set; it is shared by
	// every proof that does not chain to another.
	var docHash []byte
	for _, n := range expanded {
		if node, ok := n.(map[string]any); ok {
			delete(node, iriProof)
		}
	}
	for i, p := range proofs {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		res.Proofs[i].Err = verifyOne(ctx, m, p, proofs, expanded, &docHash, &res.Proofs[i], l, opts)
	}
	return res, res.Err()
}

func verifyOne(ctx context.Context, doc, p map[string]any, all []map[string]any, expanded []any, docHash *[]byte, pr *ProofResult, l *schema.Loader, opts VerifyOptions) error {
	switch {
	case pr.Type == TypeDataIntegrityProof && (pr.Cryptosuite == CryptosuiteEdDSARDFC2022 || pr.Cryptosuite == CryptosuiteEdDSA2022):
	case pr.Type == TypeEd25519Signature2020:
	default:
		return fmt.Errorf("%w: %s %s", proof.ErrUnsupportedProof, pr.Type, pr.Cryptosuite)
	}
	if pr.VerificationMethod == "" {
		return fmt.Errorf("%w: no verificationMethod", proof.ErrMalformedProof)
	}
	if pr.ProofPurpose == "" {
		return fmt.Errorf("%w: no proofPurpose", proof.ErrMalformedProof)
	}
	want := firstNonEmpty(opts.Purpose, proof.AssertionMethod)
	if pr.ProofPurpose != want {
		return fmt.Errorf("%w: proof is for %q, verifier expects %q", proof.ErrPurposeMismatch, pr.ProofPurpose, want)
	}
	if opts.Domain != "" && !stringOrContains(p["domain"], opts.Domain) {
		return fmt.Errorf("%w: want %q", proof.ErrInvalidDomain, opts.Domain)
	}
	if opts.Challenge != "" && p["challenge"] != opts.Challenge {
		return fmt.Errorf("%w: want %q", proof.ErrInvalidChallenge, opts.Challenge)
	}
	pv, _ := p["proofValue"].(string)
	if len(pv) < 2 || pv[0] != 'z' {
		return fmt.Errorf("%w: proofValue is not multibase base58btc", proof.ErrMalformedProof)
	}
	sig, err := keys.Base58Decode(pv[1:])
	if err != nil || len(sig) != ed25519.SignatureSize {
		return fmt.Errorf("%w: proofValue is not a %d-byte Ed25519 signature", proof.ErrMalformedProof, ed25519.SignatureSize)
	}
	if created, ok := p["created"].(string); ok {
		if _, err := time.Parse(time.RFC3339, created); err != nil {
			return fmt.Errorf("%w: created %q is not an XML Schema dateTime", proof.ErrMalformedProof, created)
		}
	}

	config := make(map[string]any, len(p)+1)
	for k, v := range p {
		if k != "proofValue" {
			config[k] = v
		}
	}
	config["@context"] = doc["@context"]
	proofHash, _, err := canonicalHash(config, l, opts.Canon)
	if err != nil {
		return fmt.Errorf("proof configuration: %w", err)
	}

	var dh []byte
	if prev, ok := p["previousProof"]; ok && prev != nil {
		matching, err := matchingProofs(all, prev)
		if err != nil {
			return err
		}
		unsecured := withoutProof(doc)
		unsecured["proof"] = matching
		if dh, _, err = canonicalHash(unsecured, l, opts.Canon); err != nil {
			return fmt.Errorf("document: %w", err)
		}
	} else {
		if *docHash == nil {
			h, _, err := canonicalizeExpanded(expanded, l, opts.Canon)
			if err != nil {
				return fmt.Errorf("document: %w", err)
			}
			*docHash = h
		}
		dh = *docHash
	}

	vm, err := opts.Resolver.ResolveMethod(ctx, pr.VerificationMethod, want)
	if err != nil {
		return err
	}
	pr.Method = vm
	if opts.Controller != "" && vm.Controller != opts.Controller {
		return fmt.Errorf("%w: method %s is controlled by %q, not the issuer %q", proof.ErrKeyNotAuthorized, vm.ID, vm.Controller, opts.Controller)
	}
	pub, ok := vm.PublicKey.(ed25519.PublicKey)
	if !ok || len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("%w: %s needs an Ed25519 key", proof.ErrUnsupportedProof, pr.Type)
	}
	if !ed25519.Verify(pub, append(proofHash, dh...), sig) {
		return proof.ErrInvalidSignature
	}
	return nil
}

func describe(i int, p map[string]any) ProofResult {
	str := func(k string) string { s, _ := p[k].(string); return s }
	return ProofResult{
		Index:              i,
		Type:               str("type"),
		Cryptosuite:        str("cryptosuite"),
		VerificationMethod: str("verificationMethod"),
		ProofPurpose:       str("proofPurpose"),
		Created:            str("created"),
	}
}

func decodeObject(doc []byte) (map[string]any, error) {
	if len(doc) > MaxDocumentBytes {
		return nil, fmt.Errorf("%w: document larger than %d bytes", proof.ErrMalformedProof, MaxDocumentBytes)
	}
	if err := schema.CheckJSON(doc); err != nil {
		return nil, fmt.Errorf("%w: %w", proof.ErrMalformedProof, err)
	}
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil || m == nil {
		return nil, fmt.Errorf("%w: document is not a JSON object", proof.ErrMalformedProof)
	}
	values := 0
	if err := checkSize(m, "", &values); err != nil {
		return nil, err
	}
	return m, nil
}

// checkSize enforces MaxArrayLength and MaxValues.
func checkSize(v any, path string, values *int) error {
	*values++
	if *values > MaxValues {
		return fmt.Errorf("%w: more than %d JSON values", ErrDocumentTooLarge, MaxValues)
	}
	switch t := v.(type) {
	case []any:
		if len(t) > MaxArrayLength {
			return fmt.Errorf("%w: %s holds %d items, more than the %d obadge processes", ErrDocumentTooLarge, orRoot(path), len(t), MaxArrayLength)
		}
		for _, e := range t {
			if err := checkSize(e, path, values); err != nil {
				return err
			}
		}
	case map[string]any:
		for k, e := range t {
			if err := checkSize(e, path+"/"+k, values); err != nil {
				return err
			}
		}
	}
	return nil
}

func orRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// proofList returns the proofs of a document: proof may be one object or an array.
func proofList(v any) ([]map[string]any, error) {
	var items []any
	switch t := v.(type) {
	case nil:
		return nil, fmt.Errorf("%w: document has no proof", proof.ErrMalformedProof)
	case map[string]any:
		items = []any{t}
	case []any:
		items = t
	default:
		return nil, fmt.Errorf("%w: proof is neither an object nor an array", proof.ErrMalformedProof)
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("%w: proof is an empty array", proof.ErrMalformedProof)
	}
	out := make([]map[string]any, len(items))
	for i, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%w: proof %d is not an object", proof.ErrMalformedProof, i)
		}
		out[i] = m
	}
	return out, nil
}

// matchingProofs returns the proofs whose id is named by previousProof (a string or
// an array of strings); every name must match a proof.
func matchingProofs(all []map[string]any, previous any) ([]any, error) {
	var ids []string
	switch t := previous.(type) {
	case string:
		ids = []string{t}
	case []any:
		for _, v := range t {
			s, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("%w: previousProof holds a non-string", proof.ErrMalformedProof)
			}
			ids = append(ids, s)
		}
	default:
		return nil, fmt.Errorf("%w: previousProof is neither a string nor an array", proof.ErrMalformedProof)
	}
	out := make([]any, 0, len(ids))
	for _, id := range ids {
		found := false
		for _, p := range all {
			if p["id"] == id {
				out = append(out, p)
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("%w: previousProof %q names no proof of the document", proof.ErrMalformedProof, id)
		}
	}
	return out, nil
}

func withoutProof(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if k != "proof" {
			out[k] = v
		}
	}
	return out
}

func stringOrContains(v any, want string) bool {
	switch t := v.(type) {
	case string:
		return t == want
	case []any:
		for _, e := range t {
			if e == want {
				return true
			}
		}
	}
	return false
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

type member struct {
	key   string
	value string
}

// orderedProof keeps the proof's members in the order they are written.
type orderedProof []member

func (p orderedProof) get(k string) string {
	for _, m := range p {
		if m.key == k {
			return m.value
		}
	}
	return ""
}

func (p orderedProof) config(ctx any) map[string]any {
	m := make(map[string]any, len(p)+1)
	for _, kv := range p {
		m[kv.key] = kv.value
	}
	m["@context"] = ctx
	return m
}

func (p orderedProof) marshal() []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, kv := range p {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(kv.key)
		v, _ := json.Marshal(kv.value)
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes()
}
