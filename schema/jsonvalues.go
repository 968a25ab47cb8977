package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
)

// OneOrMany holds a property the spec types as 0..* or 1..*: in compacted JSON-LD a
// single value may appear without its array. It unmarshals a single value or an array
// and always marshals as an array (the form the strict OB JSON Schemas require).
// Add omitempty to the field tag to leave an empty one out.
type OneOrMany[T any] []T

// UnmarshalJSON accepts a JSON array of T, a single T, or null (no values).
func (o *OneOrMany[T]) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*o = nil
		return nil
	}
	return unmarshalVia(b, o)
}

func (o *OneOrMany[T]) fillFrom(v any, p ptr) error {
	return fillOneOrMany(reflect.ValueOf(o).Elem(), v, p)
}

// MarshalJSON writes the values as a JSON array.
func (o OneOrMany[T]) MarshalJSON() ([]byte, error) {
	if o == nil {
		return []byte("[]"), nil
	}
	return json.Marshal([]T(o))
}

// First returns the first value, or the zero T when there is none.
func (o OneOrMany[T]) First() T {
	var zero T
	if len(o) == 0 {
		return zero
	}
	return o[0]
}

// OneOrArray holds a property that is a single object in Open Badges but may be an
// array in the VC Data Model (credentialStatus, refreshService). It unmarshals either
// form and marshals one value as an object, several as an array.
type OneOrArray[T any] []T

// UnmarshalJSON accepts a JSON array of T, a single T, or null.
func (o *OneOrArray[T]) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*o = nil
		return nil
	}
	return unmarshalVia(b, o)
}

func (o *OneOrArray[T]) fillFrom(v any, p ptr) error {
	return fillOneOrMany(reflect.ValueOf(o).Elem(), v, p)
}

// MarshalJSON writes a single value as itself and more than one as an array.
func (o OneOrArray[T]) MarshalJSON() ([]byte, error) {
	if len(o) == 1 {
		return json.Marshal(o[0])
	}
	return OneOrMany[T](o).MarshalJSON()
}

// ContextEntry is one @context entry: a context URL or an embedded context object.
type ContextEntry struct {
	// URL is set for a string entry.
	URL string
	// Object holds the JSON of an embedded context object, verbatim.
	Object json.RawMessage
}

// UnmarshalJSON accepts a string or an object.
func (c *ContextEntry) UnmarshalJSON(b []byte) error { return unmarshalVia(b, c) }

func (c *ContextEntry) fillFrom(v any, p ptr) error {
	switch t := v.(type) {
	case string:
		*c = ContextEntry{URL: t}
		return nil
	case map[string]any:
		raw, err := encodeGeneric(t)
		if err != nil {
			return err
		}
		*c = ContextEntry{Object: raw}
		return nil
	}
	return &fieldTypeError{path: p, got: kindOf(v), want: "a context URL string or object"}
}

// MarshalJSON writes the URL string or the object.
func (c ContextEntry) MarshalJSON() ([]byte, error) {
	if c.Object != nil {
		return json.Marshal(c.Object)
	}
	return json.Marshal(c.URL)
}

// Contexts builds a @context value from URLs.
func Contexts(urls ...string) OneOrMany[ContextEntry] {
	out := make(OneOrMany[ContextEntry], len(urls))
	for i, u := range urls {
		out[i] = ContextEntry{URL: u}
	}
	return out
}

// ProfileRef is the value of issuer (and other ProfileRef properties): either the
// URI of a Profile or an embedded Profile object. It marshals back in the form it
// has: the object when Profile is set, the string otherwise.
type ProfileRef struct {
	// ID is the issuer id; for an embedded Profile it equals Profile.ID.
	ID string
	// Profile is the embedded Profile, nil for the URI form.
	Profile *Profile
}

// IsZero reports whether the reference is empty (for omitzero).
func (p ProfileRef) IsZero() bool { return p.ID == "" && p.Profile == nil }

// UnmarshalJSON accepts a string or a Profile object.
func (p *ProfileRef) UnmarshalJSON(b []byte) error { return unmarshalVia(b, p) }

func (p *ProfileRef) fillFrom(v any, at ptr) error {
	*p = ProfileRef{}
	switch t := v.(type) {
	case string:
		p.ID = t
		return nil
	case map[string]any:
		var prof Profile
		if err := prof.fillFrom(t, at); err != nil {
			return err
		}
		p.Profile, p.ID = &prof, prof.ID
		return nil
	}
	return &fieldTypeError{path: at, got: kindOf(v), want: "a URI string or a Profile object"}
}

// MarshalJSON writes the Profile object when there is one, the URI otherwise.
func (p ProfileRef) MarshalJSON() ([]byte, error) {
	if p.Profile != nil {
		return json.Marshal(p.Profile)
	}
	return json.Marshal(p.ID)
}

// marshalExtra marshals plain and appends the members of extra, sorted by name.
// A member of extra that a field already writes is skipped: fields win.
func marshalExtra(plain any, extra map[string]json.RawMessage) ([]byte, error) {
	b, err := json.Marshal(plain)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	known := fieldIndex(reflect.TypeOf(plain).Elem())
	keys := make([]string, 0, len(extra))
	for k := range extra {
		if _, isField := known[k]; !isField {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		return b, nil
	}
	var buf bytes.Buffer
	buf.Grow(len(b) + 64*len(keys))
	buf.Write(b[:len(b)-1]) // drop the closing brace
	first := len(b) == 2    // "{}"
	for _, k := range keys {
		v := extra[k]
		if !json.Valid(v) {
			return nil, fmt.Errorf("schema: extension member %q is not valid JSON", k)
		}
		if !first {
			buf.WriteByte(',')
		}
		first = false
		kb, _ := json.Marshal(k)
		buf.Write(kb)
		buf.WriteByte(':')
		if err := json.Compact(&buf, v); err != nil {
			return nil, err
		}
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}
