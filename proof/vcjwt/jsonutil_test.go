package vcjwt

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// referenceParseObject is the encoding/json-based implementation parseObject replaced;
// the differential fuzz target holds the two to the same verdicts.
//
// It checks that data is exactly one JSON object with no duplicate member
// names at any depth and returns its top-level members with their exact bytes. Go's
// encoding/json keeps the last of duplicate names while other parsers keep the first,
// so a signed document with duplicates could mean different things to different
// readers; it is refused.
func referenceParseObject(data []byte) (*object, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not a JSON object")
	}
	o := &object{}
	index := map[string]int{}
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
		if _, dup := index[name]; dup {
			return nil, fmt.Errorf("duplicate member %q", name)
		}
		if err := walkValue(dec, 1); err != nil {
			return nil, err
		}
		vend := dec.InputOffset()
		index[name] = len(o.members)
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

func TestParseObject(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		wantErr bool
		members []string // name=value pairs with exact bytes
	}{
		{"empty", `{}`, false, nil},
		{"spaces kept inside values", " {\t\"a\" : [1, 2] ,\"b\":{\"c\" :\"d\"}}\n", false, []string{`"a"=[1, 2]`, `"b"={"c" :"d"}`}},
		{"escaped name", `{"\u0061":1}`, false, []string{`"\u0061"=1`}},
		{"escaped duplicate", `{"a":1,"\u0061":2}`, true, nil},
		{"nested duplicate", `{"a":{"b":1,"b":2}}`, true, nil},
		{"duplicate in array object", `{"a":[{"b":1,"b":2}]}`, true, nil},
		{"same name at two levels", `{"a":{"a":{"a":1}}}`, false, []string{`"a"={"a":{"a":1}}`}},
		{"many members then duplicate", `{"a":{` + strings.Repeat(`"x":0,`, 0) + manyMembers(20) + `,"m5":1}}`, true, nil},
		{"array top level", `[]`, true, nil},
		{"trailing data", `{} x`, true, nil},
		{"two objects", `{}{}`, true, nil},
		{"trailing comma", `{"a":1,}`, true, nil},
		{"leading zero", `{"a":01}`, true, nil},
		{"bare minus", `{"a":-}`, true, nil},
		{"exponent", `{"a":-1.5e+10}`, false, []string{`"a"=-1.5e+10`}},
		{"control char", "{\"a\":\"\x01\"}", true, nil},
		{"bad escape", `{"a":"\x"}`, true, nil},
		{"short unicode escape", `{"a":"\u12"}`, true, nil},
		{"literal", `{"a":tru}`, true, nil},
		{"too deep", `{"a":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`, true, nil},
		{"unterminated", `{"a":"b`, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o, err := parseObject([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseObject(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if err != nil {
				return
			}
			var got []string
			for _, m := range o.members {
				got = append(got, string(m.key)+"="+string(m.value))
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.members) {
				t.Errorf("members = %q, want %q", got, tt.members)
			}
		})
	}
}

func manyMembers(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"m%d":%d`, i, i)
	}
	return b.String()
}

// FuzzParseObject holds the hand-written scanner to encoding/json's verdicts: same
// acceptance (valid JSON object, no duplicate names, depth bound) and same members.
func FuzzParseObject(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1}`, `{"a":{"b":[1,{"c":null}]},"d":"\u00e9"}`, `{"a":1,"a":2}`,
		`{"a":-0.5E-3,"b":true,"c":false}`, ` {"\u0061":"\ud800"} `, testCredential} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) {
			return // callers check UTF-8 first; encoding/json would rewrite bad bytes in names
		}
		got, err := parseObject(data)
		want, werr := referenceParseObject(data)
		if (err == nil) != (werr == nil) {
			if errors.Is(werr, errDepth) || errors.Is(err, errDepth) {
				return // the two count depth differently by one level
			}
			t.Fatalf("parseObject(%q): err %v, encoding/json: %v", data, err, werr)
		}
		if err != nil {
			return
		}
		if len(got.members) != len(want.members) {
			t.Fatalf("members %d vs %d", len(got.members), len(want.members))
		}
		for i := range got.members {
			g, w := got.members[i], want.members[i]
			if g.name != w.name || !bytes.Equal(g.key, w.key) || !bytes.Equal(g.value, w.value) {
				t.Fatalf("member %d: %q %s=%s vs %q %s=%s", i, g.name, g.key, g.value, w.name, w.key, w.value)
			}
		}
	})
}
