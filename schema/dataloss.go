package schema

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/piprate/json-gold/ld"
)

// ErrJSONLD: JSON-LD processing of the document failed for a reason other than data
// loss or an unknown context (an invalid context, a protected term redefinition, an
// invalid @id or @type value, ...). The json-gold error is wrapped beside it.
var ErrJSONLD = errors.New("schema: JSON-LD processing failed")

// maxReported bounds how many offending names an error message lists; the names come
// from the document, so the message must not grow with it.
const maxReported = 8

// DetectDataLoss expands doc (a JSON object decoded with encoding/json, e.g. by
// Credential.Map) with l's options, which turn on json-gold's SafeMode, and checks the
// result, implementing the Data Integrity rule that a processor "MUST throw an error
// ... when data is dropped by a JSON-LD processor". It returns the expanded document
// so that the caller can pass it on to ToRDF / Normalize without expanding twice.
//
// The error wraps ErrDataLoss when
//   - a property did not expand to an absolute IRI (an undefined term; json-gold
//     would drop it and it would not be signed), or a property expands to a blank
//     node identifier (dropped by ToRDF);
//   - an @type value is not an absolute IRI (an undefined type name such as "Bogus"
//     silently becomes the relative IRI "Bogus", which SafeMode does not catch and
//     RDF canonicalization leaves out);
//   - an @id (of a node or of a value typed @id/@vocab) is neither an absolute IRI
//     nor a blank node identifier: with the null base IRI a relative "id" stays
//     relative and ToRDF drops the statements that use it.
//
// The message names the offending term, type or id. An unknown context URL gives an
// error wrapping ErrUnknownContext; any other JSON-LD failure wraps ErrJSONLD.
//
// If l is nil DefaultLoader is used. doc is not modified (json-gold copies what it
// rewrites; the package tests check this), so callers need not pass a copy, but the
// returned expanded form may share string values with doc. This runs on every sign and
// verify: it does exactly one Expand when the document is clean; only when a term is
// dropped does it process the document again to name the term.
func DetectDataLoss(doc map[string]any, l *Loader) (expanded []any, err error) {
	// json-gold runs on documents from strangers; a panic inside it must not take
	// the caller down, and must not pass for a clean document.
	defer func() {
		if p := recover(); p != nil {
			expanded, err = nil, fmt.Errorf("%w: JSON-LD processor panicked: %v", ErrJSONLD, p)
		}
	}()
	if doc == nil {
		return nil, fmt.Errorf("%w: no document", ErrJSONLD)
	}
	if l == nil {
		l = DefaultLoader()
	}
	proc := ld.NewJsonLdProcessor()
	expanded, err = proc.Expand(doc, l.Options())
	if err != nil {
		return nil, classifyExpandError(err, doc, l)
	}
	var c lossCollector
	c.walk(expanded)
	if err := c.err(); err != nil {
		return nil, err
	}
	return expanded, nil
}

// classifyExpandError maps a json-gold expansion error to this package's sentinels.
func classifyExpandError(err error, doc map[string]any, l *Loader) error {
	if errors.Is(err, ErrUnknownContext) {
		return fmt.Errorf("schema: expand: %w", err)
	}
	var je *ld.JsonLdError
	if errors.As(err, &je) && je.Code == ld.InvalidProperty {
		terms := droppedTerms(doc, l)
		if len(terms) == 0 {
			return fmt.Errorf("%w: a property does not expand to an absolute IRI (undefined term)", ErrDataLoss)
		}
		return fmt.Errorf("%w: undefined term %s", ErrDataLoss, strings.Join(terms, ", "))
	}
	return fmt.Errorf("%w: %w", ErrJSONLD, err)
}

// droppedTerms names the properties of doc that expansion drops. It runs only after
// SafeMode has already refused doc: it expands without SafeMode, compacts the result
// back with doc's own context and reports the keys of doc that did not come back.
// It is a diagnostic and returns nil when it cannot tell.
func droppedTerms(doc map[string]any, l *Loader) []string {
	opts := l.Options()
	opts.SafeMode = false
	proc := ld.NewJsonLdProcessor()
	expanded, err := proc.Expand(doc, opts)
	if err != nil {
		return nil
	}
	ctx := map[string]any{}
	if c, ok := doc["@context"]; ok {
		ctx["@context"] = c
	}
	compacted, err := proc.Compact(expanded, ctx, opts)
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	diffKeys(doc, compacted, "", seen, &out)
	return out
}

// diffKeys appends to out the JSON Pointers of keys present in in but missing from
// back, walking both trees in step. Arrays are paired index by index, a single
// value pairing with a one-element array (compaction may change that form).
func diffKeys(in, back any, ptr string, seen map[string]bool, out *[]string) {
	if len(*out) >= maxReported {
		return
	}
	switch iv := in.(type) {
	case map[string]any:
		bv, ok := back.(map[string]any)
		if !ok {
			if arr, isArr := back.([]any); isArr && len(arr) == 1 {
				bv, ok = arr[0].(map[string]any)
			}
			if !ok {
				return
			}
		}
		keys := make([]string, 0, len(iv))
		for k := range iv {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if k == "@context" {
				continue
			}
			p := ptr + "/" + escapePointer(k)
			b, present := bv[k]
			if !present {
				if !strings.HasPrefix(k, "@") && !seen[p] {
					seen[p] = true
					*out = append(*out, fmt.Sprintf("%q at %s", truncate(k), truncate(p)))
				}
				continue
			}
			diffKeys(iv[k], b, p, seen, out)
		}
	case []any:
		barr, ok := back.([]any)
		if !ok {
			barr = []any{back}
		}
		if len(barr) != len(iv) {
			return
		}
		for i := range iv {
			diffKeys(iv[i], barr[i], fmt.Sprintf("%s/%d", ptr, i), seen, out)
		}
	}
}

// lossCollector walks an expanded document and collects types, ids and properties
// that would not survive conversion to RDF.
type lossCollector struct {
	types, ids, props, langs []string
	seen                     map[string]bool
	n                        int
	// valid memoizes keptIRI: a document repeats the same property and type IRIs
	// many times, and json-gold's URL check is a regular expression.
	valid map[string]bool
}

// iri reports whether s is an absolute IRI that survives json-gold's conversion to
// RDF: ToRDF silently drops statements whose http(s) IRIs fail its URL check, and an
// IRI with spaces or angle brackets cannot be written as N-Quads at all.
func (c *lossCollector) iri(s string) bool {
	if ok, seen := c.valid[s]; seen {
		return ok
	}
	ok := isAbsoluteIRI(s) && !strings.ContainsAny(s, " <>\"{}|\\^`\n\r\t") && !ld.InvalidNode(ld.NewIRI(s))
	if c.valid == nil {
		c.valid = map[string]bool{}
	}
	c.valid[s] = ok
	return ok
}

// languageTag is the BCP 47 shape json-gold's ToRDF keeps; other tags are dropped.
var languageTag = regexp.MustCompile(`^[a-zA-Z]+(-[a-zA-Z0-9]+)*$`)

func (c *lossCollector) add(list *[]string, v string) {
	c.n++
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	if len(*list) < maxReported && !c.seen[v] {
		c.seen[v] = true
		*list = append(*list, v)
	}
}

func (c *lossCollector) err() error {
	if c.n == 0 {
		return nil
	}
	var parts []string
	if len(c.types) > 0 {
		parts = append(parts, "undefined type "+quoteList(c.types))
	}
	if len(c.ids) > 0 {
		parts = append(parts, "id that is not an absolute IRI "+quoteList(c.ids))
	}
	if len(c.props) > 0 {
		parts = append(parts, "property that is not a valid IRI "+quoteList(c.props))
	}
	if len(c.langs) > 0 {
		parts = append(parts, "invalid language tag "+quoteList(c.langs))
	}
	return fmt.Errorf("%w: %s", ErrDataLoss, strings.Join(parts, "; "))
}

func (c *lossCollector) walk(v any) {
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			c.walk(e)
		}
	case map[string]any:
		_, isValue := t["@value"]
		for k, e := range t {
			switch k {
			case "@type":
				c.checkTypes(e, isValue)
			case "@id":
				if s, ok := e.(string); ok && !(strings.HasPrefix(s, "_:") && len(s) > 2) && !c.iri(s) {
					c.add(&c.ids, s)
				}
			case "@language":
				if s, ok := e.(string); ok && !languageTag.MatchString(s) {
					c.add(&c.langs, s)
				}
			case "@value", "@direction", "@index", "@context":
				// literals and annotations: nothing below them becomes a node
			default:
				if !strings.HasPrefix(k, "@") && !c.iri(k) {
					c.add(&c.props, k)
				}
				c.walk(e)
			}
		}
	}
}

func (c *lossCollector) checkTypes(v any, isValue bool) {
	check := func(s string) {
		if isValue && s == "@json" {
			return
		}
		if !c.iri(s) {
			c.add(&c.types, s)
		}
	}
	switch t := v.(type) {
	case string:
		check(t)
	case []any:
		for _, e := range t {
			if s, ok := e.(string); ok {
				check(s)
			}
		}
	}
}

// isAbsoluteIRI reports whether s starts with an RFC 3986 scheme followed by ':'.
// Blank node identifiers ("_:b0") are not absolute IRIs.
func isAbsoluteIRI(s string) bool {
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return false
	}
	for j := 0; j < i; j++ {
		ch := s[j]
		switch {
		case ch >= 'a' && ch <= 'z', ch >= 'A' && ch <= 'Z':
		case j > 0 && (ch >= '0' && ch <= '9' || ch == '+' || ch == '-' || ch == '.'):
		default:
			return false
		}
	}
	return true
}

func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", truncate(s))
	}
	return strings.Join(q, ", ")
}

// truncate shortens document-supplied text quoted in an error message.
func truncate(s string) string {
	if len(s) > 120 {
		return s[:120] + "..."
	}
	return s
}

// escapePointer escapes one JSON Pointer reference token (RFC 6901).
func escapePointer(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
