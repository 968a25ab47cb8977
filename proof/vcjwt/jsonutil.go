package vcjwt

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxDepth bounds the nesting of a header or payload; credentials nest a handful of
// levels, and a bound keeps hostile input from costing more than its size.
const maxDepth = 64

var errDepth = errors.New("JSON nested too deeply")

// member is one top-level member of a JSON object, as its exact bytes.
type member struct {
	name  string
	key   []byte // the quoted name exactly as written
	value []byte // the value exactly as written
}

// object is a JSON object split into its top-level members, in document order.
// Objects here have a few dozen members at most, so get scans the slice.
type object struct {
	members []member
}

func (o *object) get(name string) ([]byte, bool) {
	for i := range o.members {
		if o.members[i].name == name {
			return o.members[i].value, true
		}
	}
	return nil, false
}

// parseObject checks that data is exactly one JSON object (RFC 8259) with no
// duplicate member names at any depth and returns its top-level members with their
// exact bytes. Go's encoding/json keeps the last of duplicate names while other
// parsers keep the first, so a signed document with duplicates could mean different
// things to different readers; it is refused. The scanner is hand-written because
// encoding/json's token API cost as much as the Ed25519 verification itself.
func parseObject(data []byte) (*object, error) {
	o, _, err := scanObject(data)
	return o, err
}

// scanObject is parseObject that also reports whether data holds insignificant
// whitespace (so is not in compact form).
func scanObject(data []byte) (*object, bool, error) {
	sc := &scanner{data: data}
	sc.skipWS()
	if !sc.peek('{') {
		return nil, false, errors.New("not a JSON object")
	}
	o := &object{members: make([]member, 0, 16)}
	err := sc.object(0, func(name string, key, value []byte) {
		o.members = append(o.members, member{name: name, key: key, value: value})
	})
	if err != nil {
		return nil, false, err
	}
	sc.skipWS()
	if sc.pos != len(data) {
		return nil, false, errors.New("data after the JSON object")
	}
	return o, sc.ws, nil
}

// scanner is a strict RFC 8259 syntax checker over a byte slice.
type scanner struct {
	data []byte
	pos  int
	ws   bool // some insignificant whitespace was skipped
}

var errEOF = errors.New("unexpected end of JSON input")

func (s *scanner) skipWS() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
			s.ws = true
		default:
			return
		}
	}
}

func (s *scanner) peek(c byte) bool { return s.pos < len(s.data) && s.data[s.pos] == c }

func (s *scanner) syntax(what string) error {
	if s.pos >= len(s.data) {
		return errEOF
	}
	return fmt.Errorf("invalid character %q at offset %d %s", s.data[s.pos], s.pos, what)
}

// value scans one value starting at the current position (whitespace skipped).
func (s *scanner) value(depth int) error {
	s.skipWS()
	if s.pos >= len(s.data) {
		return errEOF
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		return s.object(depth+1, nil)
	case c == '[':
		return s.array(depth + 1)
	case c == '"':
		_, _, err := s.str()
		return err
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	}
	return s.syntax("looking for a value")
}

// object scans an object at the current '{'. Member names must be unique; each
// member is handed to visit (when not nil) with its exact key and value bytes.
func (s *scanner) object(depth int, visit func(name string, key, value []byte)) error {
	if depth > maxDepth {
		return errDepth
	}
	s.pos++ // '{'
	var names []string
	var nameSet map[string]struct{}
	s.skipWS()
	if s.peek('}') {
		s.pos++
		return nil
	}
	for {
		s.skipWS()
		if !s.peek('"') {
			return s.syntax("looking for a member name")
		}
		kstart := s.pos
		raw, escaped, err := s.str()
		if err != nil {
			return err
		}
		key := s.data[kstart:s.pos]
		name := string(raw)
		if escaped {
			if err := json.Unmarshal(key, &name); err != nil {
				return err
			}
		}
		if nameSet == nil && len(names) < 32 {
			if slices.Contains(names, name) {
				return fmt.Errorf("duplicate member %q", name)
			}
			names = append(names, name)
		} else {
			if nameSet == nil {
				nameSet = make(map[string]struct{}, 2*len(names))
				for _, n := range names {
					nameSet[n] = struct{}{}
				}
			}
			if _, dup := nameSet[name]; dup {
				return fmt.Errorf("duplicate member %q", name)
			}
			nameSet[name] = struct{}{}
		}
		s.skipWS()
		if !s.peek(':') {
			return s.syntax("after a member name")
		}
		s.pos++
		s.skipWS()
		vstart := s.pos
		if err := s.value(depth); err != nil {
			return err
		}
		if visit != nil {
			visit(name, key, s.data[vstart:s.pos])
		}
		s.skipWS()
		if s.peek(',') {
			s.pos++
			continue
		}
		if s.peek('}') {
			s.pos++
			return nil
		}
		return s.syntax("after an object member")
	}
}

func (s *scanner) array(depth int) error {
	if depth > maxDepth {
		return errDepth
	}
	s.pos++ // '['
	s.skipWS()
	if s.peek(']') {
		s.pos++
		return nil
	}
	for {
		if err := s.value(depth); err != nil {
			return err
		}
		s.skipWS()
		if s.peek(',') {
			s.pos++
			continue
		}
		if s.peek(']') {
			s.pos++
			return nil
		}
		return s.syntax("after an array element")
	}
}

// str scans a string at the current '"' and returns its raw content (between the
// quotes) and whether it holds escapes.
func (s *scanner) str() (raw []byte, escaped bool, err error) {
	s.pos++ // '"'
	start := s.pos
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		switch {
		case c == '"':
			raw = s.data[start:s.pos]
			s.pos++
			return raw, escaped, nil
		case c < 0x20:
			return nil, false, s.syntax("in a string")
		case c == '\\':
			escaped = true
			s.pos++
			if s.pos >= len(s.data) {
				return nil, false, errEOF
			}
			switch s.data[s.pos] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.pos++
			case 'u':
				s.pos++
				for range 4 {
					if s.pos >= len(s.data) {
						return nil, false, errEOF
					}
					if !isHex(s.data[s.pos]) {
						return nil, false, s.syntax("in a \\u escape")
					}
					s.pos++
				}
			default:
				return nil, false, s.syntax("in a string escape")
			}
		default:
			s.pos++
		}
	}
	return nil, false, errEOF
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func (s *scanner) digits() int {
	n := 0
	for s.pos < len(s.data) && s.data[s.pos] >= '0' && s.data[s.pos] <= '9' {
		s.pos++
		n++
	}
	return n
}

func (s *scanner) number() error {
	if s.peek('-') {
		s.pos++
	}
	switch {
	case s.peek('0'):
		s.pos++
	case s.pos < len(s.data) && s.data[s.pos] >= '1' && s.data[s.pos] <= '9':
		s.digits()
	default:
		return s.syntax("in a number")
	}
	if s.peek('.') {
		s.pos++
		if s.digits() == 0 {
			return s.syntax("after a decimal point")
		}
	}
	if s.peek('e') || s.peek('E') {
		s.pos++
		if s.peek('+') || s.peek('-') {
			s.pos++
		}
		if s.digits() == 0 {
			return s.syntax("in an exponent")
		}
	}
	return nil
}

func (s *scanner) literal(lit string) error {
	if !bytes.HasPrefix(s.data[s.pos:], []byte(lit)) {
		return s.syntax("in a literal")
	}
	s.pos += len(lit)
	return nil
}

// asString decodes a JSON string value (already syntax-checked by parseObject); ok is
// false for any other JSON type.
func asString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), true
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// idOf returns the id of a value that is either a string (the id itself) or an
// object with a string id member, as issuer is in VCDM.
func idOf(raw []byte) (string, bool) {
	if s, ok := asString(raw); ok {
		return s, true
	}
	if len(raw) == 0 || raw[0] != '{' {
		return "", false
	}
	o, err := parseObject(raw)
	if err != nil {
		return "", false
	}
	id, _ := o.get("id")
	return asString(id)
}

// subjectIDs returns the ids of credentialSubject (an object or an array of objects);
// subjects without an id contribute nothing.
func subjectIDs(raw []byte) ([]string, error) {
	var subjects []json.RawMessage
	switch {
	case len(raw) > 0 && raw[0] == '[':
		if err := json.Unmarshal(raw, &subjects); err != nil {
			return nil, err
		}
	case len(raw) > 0 && raw[0] == '{':
		subjects = []json.RawMessage{raw}
	default:
		return nil, errors.New("credentialSubject is not an object")
	}
	var ids []string
	for _, s := range subjects {
		if len(s) == 0 || s[0] != '{' {
			return nil, errors.New("credentialSubject is not an object")
		}
		o, err := parseObject(s)
		if err != nil {
			return nil, err
		}
		raw, ok := o.get("id")
		if !ok {
			continue
		}
		id, ok := asString(raw)
		if !ok {
			return nil, errors.New("credentialSubject.id is not a string")
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// firstContext returns @context[0] (or @context when it is a single string); raw is
// a value parseObject already checked.
func firstContext(raw []byte) (string, bool) {
	if s, ok := asString(raw); ok {
		return s, true
	}
	if len(raw) == 0 || raw[0] != '[' {
		return "", false
	}
	sc := &scanner{data: raw, pos: 1}
	sc.skipWS()
	start := sc.pos
	if sc.value(1) != nil {
		return "", false
	}
	return asString(raw[start:sc.pos])
}

// NumericDate bounds: years 0001 to 9999, the range an XML dateTime can express.
const (
	minNumericDate = -62135596800
	maxNumericDate = 253402300799
)

// numericDate decodes a JWT NumericDate (RFC 7519: seconds, possibly fractional) to
// whole seconds, rounding down.
func numericDate(raw []byte) (int64, error) {
	if len(raw) == 0 || !(raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9')) {
		return 0, errors.New("not a number")
	}
	s := string(raw)
	if !strings.ContainsAny(s, ".eE") {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < minNumericDate || n > maxNumericDate {
			return 0, errors.New("NumericDate out of range")
		}
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f < minNumericDate || f > maxNumericDate {
		return 0, errors.New("NumericDate out of range")
	}
	return int64(math.Floor(f)), nil
}

// dateTimeRE is the lexical form of an XML Schema dateTime with a four-digit year;
// time.Parse alone also takes one-digit hours and other slips.
var dateTimeRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$`)

// parseDateTime reads an XML Schema dateTime as VCDM uses it: RFC 3339 with an
// offset, or without one, which VCDM 2.0 says MUST be read as UTC. Years 0001 to 9999.
func parseDateTime(s string) (time.Time, error) {
	bad := fmt.Errorf("%q is not an XML Schema dateTime", s)
	if !dateTimeRE.MatchString(s) {
		return time.Time{}, bad
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t, err = time.ParseInLocation("2006-01-02T15:04:05.999999999", s, time.UTC)
	}
	if err != nil || t.Unix() < minNumericDate || t.Unix() > maxNumericDate {
		return time.Time{}, bad
	}
	return t, nil
}
