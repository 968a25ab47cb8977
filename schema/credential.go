package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// DefaultMaxCredentialBytes is the size limit ParseCredential applies.
const DefaultMaxCredentialBytes = 4 << 20

// MaxDepth is how deeply CheckJSON lets objects and arrays nest. The deepest
// 1EdTech and spec examples (embedded endorsements of the issuer) nest 10 deep.
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
	if !json.Valid(raw) {
		var v json.RawMessage
		err := json.Unmarshal(raw, &v)
		if err == nil {
			err = errors.New("invalid JSON")
		}
		return fmt.Errorf("%w: %v", ErrMalformedJSON, err)
	}
	// raw is one syntactically valid JSON value: a light scan over its structure
	// suffices to find keys and depth (encoding/json's Decoder.Token allocates per
	// token and took seconds on a few MiB of small objects).
	type frame struct {
		obj     bool
		wantKey bool
		small   [][]byte            // the keys seen, while there are few
		keys    map[string]struct{} // the keys seen, once there are many
		key     []byte              // last key, for pointers
		index   int                 // current element, for pointers
	}
	var stack []frame
	// spare[d] is the key buffer of the last object closed at depth d, reused by
	// the next one: most objects are small, and this keeps the scan allocation-free
	// for them (keys are sub-slices of raw unless they contain escapes).
	var spare [][][]byte
	pointer := func(last string) string {
		var b strings.Builder
		for i, f := range stack {
			if i == len(stack)-1 && last != "" {
				break
			}
			b.WriteByte('/')
			if f.obj {
				b.WriteString(escapePointer(string(f.key)))
			} else {
				b.WriteString(strconv.Itoa(f.index))
			}
		}
		if last != "" {
			b.WriteByte('/')
			b.WriteString(escapePointer(last))
		}
		return b.String()
	}
	i := 0
	for i < len(raw) && isJSONSpace(raw[i]) {
		i++
	}
	if raw[i] != '{' {
		return fmt.Errorf("%w: top level is not a JSON object", ErrMalformedJSON)
	}
	for ; i < len(raw); i++ {
		switch c := raw[i]; c {
		case '{', '[':
			if len(stack) >= MaxDepth {
				return fmt.Errorf("%w: deeper than %d at %s", ErrTooDeep, MaxDepth, truncate(pointer("")))
			}
			f := frame{obj: c == '{', wantKey: c == '{'}
			if d := len(stack); f.obj && d < len(spare) {
				f.small, spare[d] = spare[d][:0], nil
			}
			stack = append(stack, f)
		case '}', ']':
			d := len(stack) - 1
			if f := stack[d]; f.obj && f.small != nil {
				for len(spare) <= d {
					spare = append(spare, nil)
				}
				spare[d] = f.small
			}
			stack = stack[:d]
		case ',':
			f := &stack[len(stack)-1]
			if f.obj {
				f.wantKey = true
			} else {
				f.index++
			}
		case '"':
			start := i
			i++
			escaped := false
			for raw[i] != '"' {
				if raw[i] == '\\' {
					escaped = true
					i++
				}
				i++
			}
			f := &stack[len(stack)-1]
			if !f.obj || !f.wantKey {
				continue
			}
			k := raw[start+1 : i]
			if escaped {
				var ks string
				if err := json.Unmarshal(raw[start:i+1], &ks); err != nil {
					return fmt.Errorf("%w: %v", ErrMalformedJSON, err)
				}
				k = []byte(ks)
			}
			dup := false
			if f.keys != nil {
				_, dup = f.keys[string(k)]
				f.keys[string(k)] = struct{}{}
			} else {
				for _, sk := range f.small {
					if bytes.Equal(sk, k) {
						dup = true
						break
					}
				}
				f.small = append(f.small, k)
				if len(f.small) > 16 { // linear search stops paying off
					f.keys = make(map[string]struct{}, 2*len(f.small))
					for _, sk := range f.small {
						f.keys[string(sk)] = struct{}{}
					}
				}
			}
			if dup {
				return fmt.Errorf("%w: %q at %s", ErrDuplicateKey, truncate(string(k)), truncate(pointer(string(k))))
			}
			f.key, f.wantKey = k, false
		}
	}
	return nil
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

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
	generic, err := decodeGeneric(c.raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformedJSON, err)
	}
	var v AchievementCredential
	if err := v.fillFrom(generic, ""); err != nil {
		return nil, typeError(err)
	}
	c.View = &v
	return c, nil
}

// typeError turns a decoding error into a *ValidationError locating the member.
func typeError(err error) error {
	var fe *fieldTypeError
	if errors.As(err, &fe) {
		return &ValidationError{
			Errors: []FieldError{{Path: string(fe.path), Message: fmt.Sprintf("JSON %s where the data model needs %s", fe.got, fe.want)}},
			Cause:  err,
		}
	}
	return &ValidationError{Errors: []FieldError{{Path: "", Message: err.Error()}}, Cause: err}
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
	generic, err := decodeGeneric(c.raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformedJSON, err)
	}
	var e EndorsementCredential
	if err := e.fillFrom(generic, ""); err != nil {
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
