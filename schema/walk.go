package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file holds the small vocabulary the validators are written in: a JSON value
// decoded with UseNumber, a JSON Pointer that grows as the walk descends, and checks
// for the spec's primitive types (URI, DateTimeZ, DateTime, Date, enumerations).

// ptr is a JSON Pointer (RFC 6901).
type ptr string

func (p ptr) key(k string) ptr { return p + "/" + ptr(escapePointer(k)) }
func (p ptr) idx(i int) ptr    { return p + "/" + ptr(strconv.Itoa(i)) }

// decodeForValidation checks raw with CheckJSON and the size limit and decodes it
// keeping numbers as json.Number, so that a boolean or string rule can tell types
// apart exactly.
func decodeForValidation(raw []byte) (map[string]any, error) {
	if len(raw) > DefaultMaxCredentialBytes {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(raw), DefaultMaxCredentialBytes)
	}
	if err := CheckJSON(raw); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformedJSON, err)
	}
	return m, nil
}

// parseFailure turns a CheckJSON / decode error into a report.
func parseFailure(err error) *Report {
	r := &Report{}
	r.errorf("", "%v", err)
	return r
}

// reportErr is Report.Err with the parse error kept as the Cause.
func reportErr(r *Report, cause error) error {
	if r.OK() {
		return nil
	}
	return &ValidationError{Errors: r.Errors, Cause: cause}
}

// each calls f for a value that may be a single value or an array (array-compacted
// properties), with the pointer of each item.
func each(v any, p ptr, f func(any, ptr)) {
	if arr, ok := v.([]any); ok {
		for i, e := range arr {
			f(e, p.idx(i))
		}
		return
	}
	f(v, p)
}

// count is the number of values of a one-or-many property.
func count(v any) int {
	if arr, ok := v.([]any); ok {
		return len(arr)
	}
	if v == nil {
		return 0
	}
	return 1
}

// typeNames returns the strings of a type value (a string or an array of strings),
// reporting a non-string entry.
func typeNames(r *Report, v any, p ptr) []string {
	var out []string
	switch t := v.(type) {
	case string:
		out = append(out, t)
	case []any:
		if len(t) == 0 {
			r.errorf(string(p), "type must not be empty")
		}
		for i, e := range t {
			s, ok := e.(string)
			if !ok {
				r.errorf(string(p.idx(i)), "type entry must be a string")
				continue
			}
			out = append(out, s)
		}
	default:
		r.errorf(string(p), "type must be a string or an array of strings")
	}
	return out
}

// requireType checks that obj has a type containing want (one of want, if several).
func requireType(r *Report, obj map[string]any, p ptr, want ...string) bool {
	v, ok := obj["type"]
	if !ok {
		r.errorf(string(p.key("type")), "type is required and must include %s", strings.Join(want, " or "))
		return false
	}
	names := typeNames(r, v, p.key("type"))
	for _, w := range want {
		if slices.Contains(names, w) {
			return true
		}
	}
	r.errorf(string(p.key("type")), "type must include %s", strings.Join(want, " or "))
	return false
}

// requireExactType checks that obj's type is the single string want.
func requireExactType(r *Report, obj map[string]any, p ptr, want string) {
	v, ok := obj["type"]
	if s, isStr := v.(string); !ok || !isStr || s != want {
		r.errorf(string(p.key("type")), "type must be exactly %q", want)
	}
}

// object returns v as an object or reports that it is not one.
func object(r *Report, v any, p ptr, what string) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		r.errorf(string(p), "%s must be an object", what)
	}
	return m, ok
}

// str checks an optional string member and returns it.
func str(r *Report, obj map[string]any, p ptr, k string) (string, bool) {
	v, ok := obj[k]
	if !ok {
		return "", false
	}
	s, isStr := v.(string)
	if !isStr {
		r.errorf(string(p.key(k)), "%s must be a string", k)
		return "", false
	}
	return s, true
}

// requireStr checks a required, non-empty string member.
func requireStr(r *Report, obj map[string]any, p ptr, k string) (string, bool) {
	if _, ok := obj[k]; !ok {
		r.errorf(string(p.key(k)), "%s is required", k)
		return "", false
	}
	s, ok := str(r, obj, p, k)
	if ok && strings.TrimSpace(s) == "" {
		r.errorf(string(p.key(k)), "%s must not be empty", k)
		return "", false
	}
	return s, ok
}

// uri checks an optional URI member.
func uri(r *Report, obj map[string]any, p ptr, k string) (string, bool) {
	s, ok := str(r, obj, p, k)
	if ok && !isURI(s) {
		r.errorf(string(p.key(k)), "%s must be an absolute URI, got %q", k, truncate(s))
		return "", false
	}
	return s, ok
}

// requireURI checks a required URI member.
func requireURI(r *Report, obj map[string]any, p ptr, k string) (string, bool) {
	if _, ok := obj[k]; !ok {
		r.errorf(string(p.key(k)), "%s is required", k)
		return "", false
	}
	return uri(r, obj, p, k)
}

// number checks an optional numeric member.
func number(r *Report, obj map[string]any, p ptr, k string) {
	if v, ok := obj[k]; ok {
		if _, isNum := v.(json.Number); !isNum {
			r.errorf(string(p.key(k)), "%s must be a number", k)
		}
	}
}

// stringList checks an optional one-or-many string member.
func stringList(r *Report, obj map[string]any, p ptr, k string) {
	if v, ok := obj[k]; ok {
		each(v, p.key(k), func(e any, ep ptr) {
			if _, isStr := e.(string); !isStr {
				r.errorf(string(ep), "%s must hold strings", k)
			}
		})
	}
}

// onlyMembers reports members of obj outside allowed (classes the spec closes).
func onlyMembers(r *Report, obj map[string]any, p ptr, class string, allowed ...string) {
	for k := range obj {
		if !slices.Contains(allowed, k) {
			r.errorf(string(p.key(k)), "%s is not a member of %s (no other members are allowed)", k, class)
		}
	}
}

// isURI reports whether s is an absolute URI (or IRI): a scheme, ':', and no
// whitespace or control characters.
func isURI(s string) bool {
	if !isAbsoluteIRI(s) {
		return false
	}
	for _, c := range s {
		if c <= ' ' || c == 0x7f {
			return false
		}
	}
	return true
}

var (
	dateTimeZRe = regexp.MustCompile(`^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`)
	dateTimeRe  = regexp.MustCompile(`^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$`)
	dateRe      = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// parseDateTimeZ parses an XML Schema dateTimeStamp (RFC 3339 with a zone).
func parseDateTimeZ(s string) (time.Time, bool) {
	if !dateTimeZRe.MatchString(s) {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// parseDateTime parses an XML Schema dateTime, whose zone is optional; a value
// without a zone is read as UTC (for ordering only).
func parseDateTime(s string) (time.Time, bool) {
	if !dateTimeRe.MatchString(s) {
		return time.Time{}, false
	}
	if t, ok := parseDateTimeZ(s); ok {
		return t, true
	}
	t, err := time.Parse("2006-01-02T15:04:05.999999999", s)
	return t, err == nil
}

// dateTimeZ checks an optional DateTimeZ member and returns its time.
func dateTimeZ(r *Report, obj map[string]any, p ptr, k string) (time.Time, bool) {
	s, ok := str(r, obj, p, k)
	if !ok {
		return time.Time{}, false
	}
	t, ok := parseDateTimeZ(s)
	if !ok {
		r.errorf(string(p.key(k)), "%s must be a date-time with a time zone (e.g. 2024-01-01T00:00:00Z), got %q", k, truncate(s))
	}
	return t, ok
}

// dateTime checks an optional DateTime member (zone optional).
func dateTime(r *Report, obj map[string]any, p ptr, k string) (time.Time, bool) {
	s, ok := str(r, obj, p, k)
	if !ok {
		return time.Time{}, false
	}
	t, ok := parseDateTime(s)
	if !ok {
		r.errorf(string(p.key(k)), "%s must be a date-time (e.g. 2024-01-01T00:00:00Z), got %q", k, truncate(s))
	}
	return t, ok
}

// date checks an optional full-date member (YYYY-MM-DD).
func date(r *Report, obj map[string]any, p ptr, k string) {
	s, ok := str(r, obj, p, k)
	if !ok {
		return
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil || !dateRe.MatchString(s) {
		r.errorf(string(p.key(k)), "%s must be a date (YYYY-MM-DD), got %q", k, truncate(s))
	}
}

var extEnumRe = regexp.MustCompile(`^ext:[A-Za-z0-9.\-_]+$`)

// enumOrExt checks an optional member against an extensible enumeration: one of
// values, or "ext:" followed by letters, digits, '.', '-' or '_'.
func enumOrExt(r *Report, obj map[string]any, p ptr, k string, values []string) {
	s, ok := str(r, obj, p, k)
	if ok && !slices.Contains(values, s) && !extEnumRe.MatchString(s) {
		r.errorf(string(p.key(k)), "%s %q is not a defined value and does not match ext:<name>", k, truncate(s))
	}
}

// enum checks an optional member against a closed enumeration.
func enum(r *Report, obj map[string]any, p ptr, k string, values []string) {
	s, ok := str(r, obj, p, k)
	if ok && !slices.Contains(values, s) {
		r.errorf(string(p.key(k)), "%s %q is not one of %s", k, truncate(s), strings.Join(values, ", "))
	}
}
