package schema

import (
	"errors"
	"fmt"
	"strings"
)

// Errors of this package; callers match them with errors.Is.
var (
	// ErrInvalid: the document breaks a rule of the OB 3.0 or VC data model. The error
	// is a *ValidationError listing every field that failed.
	ErrInvalid = errors.New("schema: document does not conform")
	// ErrDataLoss: JSON-LD expansion would drop a term, or leaves a type or id that is
	// not an absolute IRI, so that part of the document would not be signed.
	ErrDataLoss = errors.New("schema: data loss (undefined term, type or id)")
	// ErrMalformedJSON: the bytes are not one JSON object (syntax error, trailing
	// data, or a top level that is not an object).
	ErrMalformedJSON = errors.New("schema: malformed JSON")
	// ErrDuplicateKey: an object repeats a member name, which makes the document (and
	// so its signature) ambiguous.
	ErrDuplicateKey = errors.New("schema: duplicate JSON object key")
	// ErrTooDeep: objects and arrays are nested deeper than MaxDepth.
	ErrTooDeep = errors.New("schema: JSON nested too deeply")
	// ErrTooLarge: the document is larger than the configured size limit.
	ErrTooLarge = errors.New("schema: document too large")
)

// FieldError is one failed rule, located by a JSON Pointer (RFC 6901) into the
// document, e.g. /credentialSubject/identifier/0/hashed. The pointer "" is the whole
// document.
type FieldError struct {
	Path    string `json:"pointer"`
	Message string `json:"detail"`
}

func (f FieldError) String() string {
	p := f.Path
	if p == "" {
		p = "/"
	}
	return p + ": " + f.Message
}

// Report is the result of Validate: errors make the document non-conformant,
// warnings do not (e.g. an older OB context version, a VCDM 1.1 credential).
type Report struct {
	Errors   []FieldError `json:"errors,omitempty"`
	Warnings []FieldError `json:"warnings,omitempty"`
}

// OK reports whether the report holds no errors.
func (r *Report) OK() bool { return r == nil || len(r.Errors) == 0 }

// Err returns nil when the report has no errors, and a *ValidationError otherwise.
func (r *Report) Err() error {
	if r.OK() {
		return nil
	}
	return &ValidationError{Errors: r.Errors}
}

func (r *Report) errorf(path, format string, args ...any) {
	r.Errors = append(r.Errors, FieldError{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (r *Report) warnf(path, format string, args ...any) {
	r.Warnings = append(r.Warnings, FieldError{Path: path, Message: fmt.Sprintf(format, args...)})
}

// ValidationError lists every rule a document broke. errors.Is(err, ErrInvalid) is
// true for it; when Cause is set (e.g. ErrDataLoss, ErrDuplicateKey) errors.Is
// matches that too.
type ValidationError struct {
	Errors []FieldError
	// Cause is the underlying sentinel or processor error, if one stopped validation.
	Cause error
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("schema: document does not conform")
	for i, f := range e.Errors {
		if i == 5 {
			fmt.Fprintf(&b, "; and %d more", len(e.Errors)-i)
			break
		}
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.String())
	}
	return b.String()
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Unwrap returns Cause.
func (e *ValidationError) Unwrap() error { return e.Cause }
