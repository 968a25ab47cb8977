package dataintegrity

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"regexp"
	"strings"

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

// expand runs JSON-LD expansion in safe mode and then checks the expanded form for
// what json-gold's RDF conversion would silently drop.
func expand(doc map[string]any, l *schema.Loader) ([]any, error) {
	expanded, err := schema.DetectDataLoss(doc, l)
	if err != nil {
		if errors.Is(err, schema.ErrDataLoss) {
			return nil, fmt.Errorf("%w: %w", proof.ErrDataLoss, err)
		}
		return nil, fmt.Errorf("%w: expand: %w", proof.ErrCanonicalization, err)
	}
	if err := (iriCheck{}).checkExpanded(expanded, "", 0); err != nil {
		return nil, fmt.Errorf("%w: %w", proof.ErrDataLoss, err)
	}
	return expanded, nil
}

var languageTag = regexp.MustCompile(`^[a-zA-Z]+(-[a-zA-Z0-9]+)*$`)

const maxDepth = 256

// checkExpanded walks expanded JSON-LD and reports every value that json-gold's
// ToRDF would drop without an error: node and object ids that are neither blank
// node identifiers nor valid absolute IRIs, relative or invalid types and datatypes,
// properties that are not absolute IRIs, and malformed language tags.
func (c iriCheck) checkExpanded(v any, path string, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("document nested deeper than %d levels", maxDepth)
	}
	switch t := v.(type) {
	case []any:
		for i, e := range t {
			if err := c.checkExpanded(e, fmt.Sprintf("%s[%d]", path, i), depth+1); err != nil {
				return err
			}
		}
	case map[string]any:
		_, isValue := t["@value"]
		for k, e := range t {
			p := path + "/" + k
			switch k {
			case "@id":
				s, _ := e.(string)
				if !c.isIRIOrBlank(s) {
					return fmt.Errorf("%s: %q is not an absolute IRI", p, s)
				}
			case "@type":
				if isValue {
					s, _ := e.(string)
					if s != "@json" && !c.isIRI(s) {
						return fmt.Errorf("%s: datatype %q is not defined (not an absolute IRI)", p, s)
					}
					continue
				}
				types, _ := e.([]any)
				for _, ty := range types {
					s, _ := ty.(string)
					if !c.isIRIOrBlank(s) {
						return fmt.Errorf("%s: type %q is not defined by the document's contexts", p, s)
					}
				}
			case "@language":
				s, _ := e.(string)
				if !languageTag.MatchString(s) {
					return fmt.Errorf("%s: %q is not a valid language tag", p, s)
				}
			case "@value", "@index", "@direction":
				// @value objects are literals; a JSON literal (@type @json) is canonicalized by ToRDF.
			default:
				if !strings.HasPrefix(k, "@") && !c.isIRI(k) {
					return fmt.Errorf("%s: property %q is not defined by the document's contexts", p, k)
				}
				if err := c.checkExpanded(e, p, depth+1); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// iriCheck remembers which IRIs passed: a document repeats the same property and
// type IRIs many times, and json-gold's URL check is a regular expression.
type iriCheck map[string]bool

func (c iriCheck) isIRIOrBlank(s string) bool {
	return strings.HasPrefix(s, "_:") && len(s) > 2 || c.isIRI(s)
}

func (c iriCheck) isIRI(s string) bool {
	if ok, seen := c[s]; seen {
		return ok
	}
	ok := isIRI(s)
	c[s] = ok
	return ok
}

// isIRI reports whether s is an absolute IRI (not a blank node identifier) that
// json-gold keeps when it converts to RDF (it drops http and https IRIs its URL
// check refuses).
func isIRI(s string) bool {
	if strings.HasPrefix(s, "_:") || !ld.IsAbsoluteIri(s) || strings.ContainsAny(s, " <>\"{}|\\^`\n\r\t") {
		return false
	}
	return !ld.InvalidNode(ld.NewIRI(s))
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
