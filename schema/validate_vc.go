package schema

import (
	"encoding/json"
	"errors"
	"strings"
)

// ValidateVC checks raw as a W3C Verifiable Credential of any kind (VCDM 2.0, or 1.1
// when the first context is the 1.1 one), refusing what the VC Data Model forbids;
// it is what the VC API issue endpoint runs on a request's credential. It uses
// DefaultLoader for the JSON-LD checks. See ValidateVCWithLoader.
func ValidateVC(raw []byte) error { return ValidateVCWithLoader(raw, nil) }

// ValidateVCWithLoader is ValidateVC with the contexts of l (nil means DefaultLoader).
//
// Structural rules: @context present, its first entry the VCDM base context and no
// base context elsewhere, every entry a URL string or an object; id, if present, one
// URL; type including VerifiableCredential; issuer a URL or an object whose id is
// one; credentialSubject a non-empty object or a non-empty array of them; validFrom/
// validUntil date-times with a zone (1.1: issuanceDate required, expirationDate) and
// the end not before the start; every credentialStatus, credentialSchema, evidence,
// termsOfUse, refreshService and proof object typed (credentialSchema also with an
// id); relatedResource entries with a unique id and digestSRI or digestMultibase.
// Then, when the contexts pass, JSON-LD checks through DetectDataLoss: an unknown
// context, an embedded context redefining a protected term, an undefined term or type.
//
// The error is a *ValidationError (errors.Is ErrInvalid) whose Cause, when JSON-LD
// processing failed, is the DetectDataLoss error (so errors.Is also matches
// ErrDataLoss, ErrUnknownContext or ErrJSONLD).
func ValidateVCWithLoader(raw []byte, l *Loader) error {
	if l == nil {
		l = DefaultLoader()
	}
	doc, err := decodeForValidation(raw)
	if err != nil {
		return reportErr(parseFailure(err), err)
	}
	r := &Report{}
	v11, contextOK := validateVCContext(r, doc)
	validateVCBody(r, doc, v11)
	if !contextOK {
		return r.Err()
	}
	var plain map[string]any // json-gold wants float64 numbers, not json.Number
	if err := json.Unmarshal(raw, &plain); err != nil {
		return reportErr(parseFailure(err), err)
	}
	if _, err := DetectDataLoss(plain, l); err != nil {
		addJSONLDError(r, doc, l, err)
		return &ValidationError{Errors: r.Errors, Cause: err}
	}
	return r.Err()
}

// addJSONLDError locates a DetectDataLoss error in the document where it can.
func addJSONLDError(r *Report, doc map[string]any, l *Loader, err error) {
	ctx := contextEntries(doc["@context"])
	switch {
	case errors.Is(err, ErrUnknownContext):
		for i, e := range ctx {
			if s, ok := e.(string); ok && !l.Has(s) {
				r.errorf(string(ptr("/@context").idx(i)), "context %q is not one of the pinned contexts", truncate(s))
				return
			}
		}
		r.errorf("/@context", "%v", err)
	case errors.Is(err, ErrJSONLD) && strings.Contains(err.Error(), "protected term"):
		for i, e := range ctx {
			if _, ok := e.(map[string]any); ok {
				r.errorf(string(ptr("/@context").idx(i)), "embedded context redefines a protected term")
				return
			}
		}
		r.errorf("/@context", "a context redefines a protected term")
	default:
		r.errorf("", "%v", err)
	}
}

func contextEntries(c any) []any {
	switch v := c.(type) {
	case []any:
		return v
	case nil:
		return nil
	default:
		return []any{v}
	}
}

// validateVCContext checks the @context rules of the VC Data Model; it reports
// whether the credential is VCDM 1.1 and whether the context passed.
func validateVCContext(r *Report, doc map[string]any) (v11, ok bool) {
	before := len(r.Errors)
	c, present := doc["@context"]
	if !present {
		r.errorf("/@context", "@context is required")
		return false, false
	}
	entries := contextEntries(c)
	if _, isArr := c.([]any); !isArr {
		// A single string is a one-entry ordered set in compacted JSON-LD; an object
		// alone cannot start with the base context.
		if _, isStr := c.(string); !isStr {
			r.errorf("/@context", "@context must be an ordered set starting with %s", ContextVCv2)
			return false, false
		}
	}
	if len(entries) == 0 {
		r.errorf("/@context", "@context must not be empty")
		return false, false
	}
	at := func(i int) string {
		if _, isArr := c.([]any); isArr {
			return string(ptr("/@context").idx(i))
		}
		return "/@context"
	}
	for i, e := range entries {
		switch v := e.(type) {
		case string:
			if !isURI(v) {
				r.errorf(at(i), "context entry must be a URL, got %q", truncate(v))
			}
			if i > 0 && (v == ContextVCv2 || v == ContextVCv1) {
				r.errorf(at(i), "the base context %s must be the first entry only", v)
			}
		case map[string]any:
		default:
			r.errorf(at(i), "context entry must be a URL string or an object")
		}
	}
	switch entries[0] {
	case ContextVCv2:
	case ContextVCv1:
		v11 = true
	default:
		r.errorf(at(0), "the first context must be %s", ContextVCv2)
	}
	return v11, len(r.Errors) == before
}

// validateVCBody checks the VC Data Model rules outside @context.
func validateVCBody(r *Report, doc map[string]any, v11 bool) {
	if v, ok := doc["id"]; ok {
		if s, isStr := v.(string); !isStr || !isURI(s) {
			r.errorf("/id", "id must be a single URL")
		}
	}
	if _, ok := doc["type"]; !ok {
		r.errorf("/type", "type is required and must include VerifiableCredential")
	} else {
		requireType(r, doc, "", "VerifiableCredential")
	}

	switch iss := doc["issuer"].(type) {
	case nil:
		r.errorf("/issuer", "issuer is required")
	case string:
		if !isURI(iss) {
			r.errorf("/issuer", "issuer must be a URL, got %q", truncate(iss))
		}
	case map[string]any:
		if s, isStr := iss["id"].(string); !isStr || !isURI(s) {
			r.errorf("/issuer/id", "issuer id must be a URL")
		}
	default:
		r.errorf("/issuer", "issuer must be a URL or an object with an id")
	}

	switch cs := doc["credentialSubject"].(type) {
	case nil:
		r.errorf("/credentialSubject", "credentialSubject is required")
	case []any:
		if len(cs) == 0 {
			r.errorf("/credentialSubject", "credentialSubject must not be empty")
		}
		for i, e := range cs {
			vcSubject(r, e, ptr("/credentialSubject").idx(i))
		}
	default:
		vcSubject(r, cs, "/credentialSubject")
	}

	for _, k := range []string{"name", "description"} {
		if v, ok := doc[k]; ok {
			each(v, ptr("").key(k), func(e any, ep ptr) {
				switch lv := e.(type) {
				case string:
				case map[string]any:
					if _, isStr := lv["@value"].(string); !isStr {
						r.errorf(string(ep), "%s must be a string or a language value object with @value", k)
					}
				default:
					r.errorf(string(ep), "%s must be a string or a language value object", k)
				}
			})
		}
	}

	validateValidity(r, doc, "", v11, false) // validFrom is optional in VCDM 2.0

	typedObjects := func(k string, needID bool) {
		v, ok := doc[k]
		if !ok {
			return
		}
		if count(v) == 0 {
			r.errorf("/"+k, "%s must not be empty", k)
		}
		each(v, ptr("/"+k), func(e any, ep ptr) {
			obj, ok := object(r, e, ep, k)
			if !ok {
				return
			}
			if _, hasType := obj["type"]; !hasType {
				r.errorf(string(ep.key("type")), "%s must have a type", k)
			} else {
				typeNames(r, obj["type"], ep.key("type"))
			}
			if needID {
				requireURI(r, obj, ep, "id")
			} else {
				uri(r, obj, ep, "id")
			}
		})
	}
	typedObjects("credentialStatus", false)
	typedObjects("credentialSchema", true)
	typedObjects("evidence", false)
	typedObjects("termsOfUse", false)
	typedObjects("refreshService", false)
	typedObjects("proof", false)

	if v, ok := doc["relatedResource"]; ok {
		seen := map[string]bool{}
		each(v, "/relatedResource", func(e any, ep ptr) {
			obj, ok := object(r, e, ep, "relatedResource")
			if !ok {
				return
			}
			if id, ok := requireURI(r, obj, ep, "id"); ok {
				if seen[id] {
					r.errorf(string(ep.key("id")), "relatedResource id %q appears more than once", truncate(id))
				}
				seen[id] = true
			}
			_, sri := obj["digestSRI"]
			_, mb := obj["digestMultibase"]
			if !sri && !mb {
				r.errorf(string(ep), "relatedResource needs digestSRI or digestMultibase")
			}
			str(r, obj, ep, "digestSRI")
			str(r, obj, ep, "digestMultibase")
		})
	}
}

func vcSubject(r *Report, v any, p ptr) {
	obj, ok := v.(map[string]any)
	if !ok {
		r.errorf(string(p), "credentialSubject must be an object")
		return
	}
	if len(obj) == 0 {
		r.errorf(string(p), "credentialSubject must make at least one claim")
		return
	}
	if id, ok := obj["id"]; ok {
		if s, isStr := id.(string); !isStr || !isURI(s) {
			r.errorf(string(p.key("id")), "credentialSubject id must be a single URL")
		}
	}
}
