package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// DefaultMaxCredentialBytes is the size limit ParseCredential applies.
const DefaultMaxCredentialBytes = 4 << 20

// MaxDepth is how deeply CheckJSON lets objects and arrays nest. OB credentials with
// embedded endorsements reach about 12.
const MaxDepth = 64

// CheckJSON checks that raw is exactly one JSON object, valid UTF-8, with no object
// anywhere repeating a member name and nesting no deeper than MaxDepth. A repeated
// name makes a signed document ambiguous: parsers disagree on which value wins, so
// the verifier and the relying party could read different credentials under one
// signature. Errors wrap ErrMalformedJSON, ErrDuplicateKey or ErrTooDeep and give the
// JSON Pointer of the offending place.
func CheckJSON(raw []byte) error {
	if !utf8.Valid(raw) {
		return fmt.Errorf("%w: not valid UTF-8", ErrMalformedJSON)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	type frame struct {
		obj     bool
		keys    map[string]struct{}
		wantKey bool
		ptr     string
		index   int
		lastKey string
	}
	var stack []*frame
	// childPtr is the pointer of the value about to start in the top frame.
	childPtr := func() string {
		if len(stack) == 0 {
			return ""
		}
		f := stack[len(stack)-1]
		if f.obj {
			return f.ptr + "/" + escapePointer(f.lastKey)
		}
		return f.ptr + "/" + strconv.Itoa(f.index)
	}
	// valueDone records that a value finished in the top frame.
	valueDone := func() {
		if len(stack) == 0 {
			return
		}
		f := stack[len(stack)-1]
		if f.obj {
			f.wantKey = true
		} else {
			f.index++
		}
	}
	first := true
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if first {
				return fmt.Errorf("%w: empty document", ErrMalformedJSON)
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: %v", ErrMalformedJSON, err)
		}
		if first {
			if d, ok := tok.(json.Delim); !ok || d != '{' {
				return fmt.Errorf("%w: top level is not a JSON object", ErrMalformedJSON)
			}
		} else if len(stack) == 0 {
			return fmt.Errorf("%w: data after the top-level object", ErrMalformedJSON)
		}
		first = false
		if len(stack) > 0 {
			f := stack[len(stack)-1]
			if f.obj && f.wantKey {
				if k, ok := tok.(string); ok {
					if _, dup := f.keys[k]; dup {
						return fmt.Errorf("%w: %q at %s", ErrDuplicateKey, truncate(k), truncate(f.ptr+"/"+escapePointer(k)))
					}
					f.keys[k] = struct{}{}
					f.lastKey, f.wantKey = k, false
					continue
				}
				// '}' closing the object: handled below
			}
		}
		switch d := tok.(type) {
		case json.Delim:
			switch d {
			case '{', '[':
				if len(stack) >= MaxDepth {
					return fmt.Errorf("%w: deeper than %d at %s", ErrTooDeep, MaxDepth, truncate(childPtr()))
				}
				f := &frame{obj: d == '{', ptr: childPtr(), wantKey: d == '{'}
				if f.obj {
					f.keys = map[string]struct{}{}
				}
				stack = append(stack, f)
			case '}', ']':
				stack = stack[:len(stack)-1]
				valueDone()
			}
		default:
			valueDone()
		}
	}
}

// Credential is a received credential: the exact bytes and a typed view of them.
// Verify and store Raw, never a re-encoding of View.
type Credential struct {
	raw []byte
	// View is the credential decoded as an AchievementCredential. For another kind of
	// VC (an EndorsementCredential, a status list credential) the envelope is filled
	// and subject members OB does not define are in View.CredentialSubject.Extra; use
	// Endorsement for the EndorsementCredential view.
	View *AchievementCredential
}

// ParseCredential checks raw with CheckJSON, refuses documents over
// DefaultMaxCredentialBytes, and decodes the typed view. It copies raw.
//
// Errors wrap ErrTooLarge, ErrMalformedJSON, ErrDuplicateKey or ErrTooDeep; a member
// of the wrong JSON type for the OB data model (e.g. a number where a string is
// required) gives a *ValidationError (ErrInvalid) locating it. ParseCredential does
// not validate the OB rules: call Validate or ValidateOB for that.
func ParseCredential(raw []byte) (*Credential, error) {
	return ParseCredentialLimit(raw, DefaultMaxCredentialBytes)
}

// ParseCredentialLimit is ParseCredential with a size limit of maxBytes (if zero or
// negative, DefaultMaxCredentialBytes).
func ParseCredentialLimit(raw []byte, maxBytes int) (*Credential, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxCredentialBytes
	}
	if len(raw) > maxBytes {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(raw), maxBytes)
	}
	if err := CheckJSON(raw); err != nil {
		return nil, err
	}
	c := &Credential{raw: slices.Clone(raw)}
	var v AchievementCredential
	if err := json.Unmarshal(c.raw, &v); err != nil {
		return nil, typeError(err)
	}
	c.View = &v
	return c, nil
}

// typeError turns an encoding/json type error into a *ValidationError with a JSON
// Pointer; other errors wrap ErrMalformedJSON.
func typeError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		p := ""
		if te.Field != "" {
			p = "/" + strings.ReplaceAll(te.Field, ".", "/")
		}
		return &ValidationError{
			Errors: []FieldError{{Path: p, Message: fmt.Sprintf("JSON %s where the data model needs %s", te.Value, goTypeName(te.Type.String()))}},
			Cause:  err,
		}
	}
	return &ValidationError{Errors: []FieldError{{Path: "", Message: err.Error()}}, Cause: err}
}

func goTypeName(t string) string {
	switch {
	case t == "string":
		return "a string"
	case t == "bool":
		return "a boolean"
	case t == "float64":
		return "a number"
	case strings.HasPrefix(t, "schema."):
		return "an object"
	}
	return t
}

// Raw returns the bytes the credential was parsed from. The slice is shared: do not
// modify it.
func (c *Credential) Raw() []byte { return c.raw }

// Map decodes Raw into a fresh generic JSON value (numbers as float64, as json-gold
// expects), e.g. for DetectDataLoss or canonicalization.
func (c *Credential) Map() (map[string]any, error) {
	var m map[string]any
	if err := json.Unmarshal(c.raw, &m); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformedJSON, err)
	}
	return m, nil
}

// Endorsement decodes Raw as an EndorsementCredential.
func (c *Credential) Endorsement() (*EndorsementCredential, error) {
	var e EndorsementCredential
	if err := json.Unmarshal(c.raw, &e); err != nil {
		return nil, typeError(err)
	}
	return &e, nil
}

// HasType reports whether the credential's type includes t.
func (c *Credential) HasType(t string) bool { return slices.Contains(c.View.Type, t) }

// IsVCDM11 reports whether the first @context is the VCDM 1.1 base context.
func (c *Credential) IsVCDM11() bool {
	return len(c.View.Context) > 0 && c.View.Context[0].URL == ContextVCv1
}

// IssuerID returns the issuer id, from the string or the embedded Profile.
func (c *Credential) IssuerID() string { return c.View.Issuer.ID }
