package dataintegrity

import (
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/piprate/json-gold/ld"

	"github.com/obadge/obadge/proof"
	"github.com/obadge/obadge/proof/rdfc"
	"github.com/obadge/obadge/schema"
)

// iriProof is the expanded IRI of the proof member, removed from the expanded
// document to obtain the unsecured document.
const iriProof = "https://w3id.org/security#proof"

// canonicalHash expands doc (a decoded JSON object), refuses data loss, converts
// it to RDF, canonicalizes it with RDFC-1.0, and returns the SHA-256 of the
// canonical N-Quads and the N-Quads themselves.
func canonicalHash(doc map[string]any, l *schema.Loader, canon rdfc.Options) ([]byte, []byte, error) {
	expanded, err := expand(doc, l)
	if err != nil {
		return nil, nil, err
	}
	return canonicalizeExpanded(expanded, l, canon)
}

// canonicalizeExpanded is canonicalHash after expansion.
func canonicalizeExpanded(expanded []any, l *schema.Loader, canon rdfc.Options) ([]byte, []byte, error) {
	ds, err := ld.NewJsonLdApi().ToRDF(expanded, l.Options())
	if err != nil {
		return nil, nil, fmt.Errorf("%w: to RDF: %v", proof.ErrCanonicalization, err)
	}
	res, err := rdfc.Canonicalize(ds, canon)
	if err != nil {
		if errors.Is(err, proof.ErrCanonicalization) {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("%w: %w", proof.ErrCanonicalization, err)
	}
	sum := sha256.Sum256(res.NQuads)
	return sum[:], res.NQuads, nil
}

// expand runs JSON-LD expansion in safe mode and refuses anything json-gold's RDF
// conversion would drop without an error (schema.DetectDataLoss).
func expand(doc map[string]any, l *schema.Loader) ([]any, error) {
	expanded, err := schema.DetectDataLoss(doc, l)
	if err != nil {
		if errors.Is(err, schema.ErrDataLoss) {
			return nil, fmt.Errorf("%w: %w", proof.ErrDataLoss, err)
		}
		return nil, fmt.Errorf("%w: expand: %w", proof.ErrCanonicalization, err)
	}
	return expanded, nil
}

// CanonicalDocument returns the RDFC-1.0 canonical N-Quads of doc without its proof
// member, as eddsa-rdfc-2022 hashes it. If l is nil, schema.DefaultLoader() is used.
// It is exported for debugging interop ("why does their signature not verify?").
func CanonicalDocument(doc []byte, l *schema.Loader) ([]byte, error) {
	m, err := decodeObject(doc)
	if err != nil {
		return nil, err
	}
	if l == nil {
		l = schema.DefaultLoader()
	}
	_, nq, err := canonicalHash(withoutProof(m), l, rdfc.Options{})
	return nq, err
}
