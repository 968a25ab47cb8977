package vcjwt

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
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
type object struct {
	members []member
	index   map[string]int
}

func (o *object) get(name string) ([]byte, bool) {
	i, ok := o.index[name]
	if !ok {
		return nil, false
	}
	return o.members[i].value, true
}

// parseObject checks that data is exactly one JSON object with no duplicate member
// names at any depth and returns its top-level members with their exact bytes. Go's
// encoding/json keeps the last of duplicate names while other parsers keep the first,
// so a signed document with duplicates could mean different things to different
// readers; it is refused.
func parseObject(data []byte) (*object, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not a JSON object")
	}
	o := &object{index: make(map[string]int)}
	for dec.More() {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name, ok := tok.(string)
		if !ok {
			return nil, errors.New("object member name is not a string")
		}
		end := dec.InputOffset()
		if _, dup := o.index[name]; dup {
			return nil, fmt.Errorf("duplicate member %q", name)
		}
		if err := walkValue(dec, 1); err != nil {
			return nil, err
		}
		vend := dec.InputOffset()
		o.index[name] = len(o.members)
		o.members = append(o.members, member{
			name:  name,
			key:   bytes.TrimLeft(data[start:end], " \t\r\n,"),
			value: bytes.TrimLeft(data[end:vend], " \t\r\n:"),
		})
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON object")
	}
	return o, nil
}

// walkValue consumes one value from dec, refusing duplicate member names in every
// object it contains.
func walkValue(dec *json.Decoder, depth int) error {
	if depth > maxDepth {
		return errDepth
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil // a scalar, already validated by Token
	}
	switch d {
	case '{':
		var seen map[string]struct{}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			name, ok := tok.(string)
			if !ok {
				return errors.New("object member name is not a string")
			}
			if seen == nil {
				seen = make(map[string]struct{})
			}
			if _, dup := seen[name]; dup {
				return fmt.Errorf("duplicate member %q", name)
			}
			seen[name] = struct{}{}
			if err := walkValue(dec, depth+1); err != nil {
				return err
			}
		}
	case '[':
		for dec.More() {
			if err := walkValue(dec, depth+1); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("unexpected %v", d)
	}
	_, err = dec.Token() // the closing delimiter; Token checks it matches
	return err
}

// asString decodes a JSON string value; ok is false for any other JSON type.
func asString(raw []byte) (string, bool) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
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
	var m map[string]json.RawMessage
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &m) != nil {
		return "", false
	}
	return asString(m["id"])
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
		var m map[string]json.RawMessage
		if len(s) == 0 || s[0] != '{' || json.Unmarshal(s, &m) != nil {
			return nil, errors.New("credentialSubject is not an object")
		}
		raw, ok := m["id"]
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

// firstContext returns @context[0] (or @context when it is a single string).
func firstContext(raw []byte) (string, bool) {
	if s, ok := asString(raw); ok {
		return s, true
	}
	var arr []json.RawMessage
	if len(raw) == 0 || raw[0] != '[' || json.Unmarshal(raw, &arr) != nil || len(arr) == 0 {
		return "", false
	}
	return asString(arr[0])
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

// parseDateTime reads an XML Schema dateTime as VCDM uses it: RFC 3339 with an
// offset, or without one, which VCDM 2.0 says MUST be read as UTC.
func parseDateTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	t, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", s, time.UTC)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an XML Schema dateTime", s)
	}
	return t, nil
}
