package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
)

// The typed view is decoded in one pass: the JSON text is parsed once into generic
// values (numbers kept as json.Number) and the structs are filled from that tree by
// reflection. Custom UnmarshalJSON methods that each call json.Unmarshal on their own
// bytes would rescan every nested object once per enclosing typed level — quadratic
// in the nesting depth, which a credential from a stranger controls (a 4 MiB name
// under 60 nested parentOrgs took seconds).

// filler is implemented by the types that fill themselves from a generic value.
type filler interface {
	fillFrom(v any, p ptr) error
}

var fillerType = reflect.TypeFor[filler]()

// fieldTypeError is a JSON value of the wrong kind for the Go field it fills.
type fieldTypeError struct {
	path ptr
	got  string
	want string
}

func (e *fieldTypeError) Error() string {
	p := string(e.path)
	if p == "" {
		p = "/"
	}
	return fmt.Sprintf("schema: %s: JSON %s where the data model needs %s", p, e.got, e.want)
}

// decodeGeneric parses b into generic values with json.Number numbers.
func decodeGeneric(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// unmarshalVia is the UnmarshalJSON of the types that implement filler.
func unmarshalVia(b []byte, f filler) error {
	v, err := decodeGeneric(b)
	if err != nil {
		return err
	}
	return f.fillFrom(v, "")
}

// encodeGeneric writes a generic value back as JSON (for Extra), without the HTML
// escaping encoding/json would otherwise add.
func encodeGeneric(v any) (json.RawMessage, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return json.RawMessage(bytes.TrimRight(buf.Bytes(), "\n")), nil
}

// fill sets dst from the generic value v. A JSON null leaves dst unchanged, as
// encoding/json does.
func fill(dst reflect.Value, v any, p ptr) error {
	if v == nil {
		return nil
	}
	if dst.CanAddr() && dst.Addr().Type().Implements(fillerType) {
		return dst.Addr().Interface().(filler).fillFrom(v, p)
	}
	t := dst.Type()
	switch {
	case t == reflect.TypeFor[json.RawMessage]():
		raw, err := encodeGeneric(v)
		if err != nil {
			return err
		}
		dst.SetBytes(raw)
		return nil
	case t.Kind() == reflect.Pointer:
		n := reflect.New(t.Elem())
		if err := fill(n.Elem(), v, p); err != nil {
			return err
		}
		dst.Set(n)
		return nil
	case t.Kind() == reflect.String:
		s, ok := v.(string)
		if !ok {
			return &fieldTypeError{path: p, got: kindOf(v), want: "a string"}
		}
		dst.SetString(s)
		return nil
	case t.Kind() == reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			return &fieldTypeError{path: p, got: kindOf(v), want: "a boolean"}
		}
		dst.SetBool(b)
		return nil
	case t.Kind() == reflect.Float64:
		n, ok := v.(json.Number)
		if !ok {
			return &fieldTypeError{path: p, got: kindOf(v), want: "a number"}
		}
		f, err := n.Float64()
		if err != nil {
			return &fieldTypeError{path: p, got: "number out of range", want: "a number"}
		}
		dst.SetFloat(f)
		return nil
	case t.Kind() == reflect.Slice:
		arr, ok := v.([]any)
		if !ok {
			return &fieldTypeError{path: p, got: kindOf(v), want: "an array"}
		}
		s := reflect.MakeSlice(t, len(arr), len(arr))
		for i, e := range arr {
			if err := fill(s.Index(i), e, p.idx(i)); err != nil {
				return err
			}
		}
		dst.Set(s)
		return nil
	case t.Kind() == reflect.Interface && t.NumMethod() == 0:
		dst.Set(reflect.ValueOf(v))
		return nil
	}
	return fmt.Errorf("schema: cannot decode into %s at %s", t, p)
}

// fillOneOrMany fills a slice from a single value or an array.
func fillOneOrMany(dst reflect.Value, v any, p ptr) error {
	arr, isArr := v.([]any)
	if !isArr {
		s := reflect.MakeSlice(dst.Type(), 1, 1)
		if err := fill(s.Index(0), v, p); err != nil {
			return err
		}
		dst.Set(s)
		return nil
	}
	s := reflect.MakeSlice(dst.Type(), len(arr), len(arr))
	for i, e := range arr {
		if err := fill(s.Index(i), e, p.idx(i)); err != nil {
			return err
		}
	}
	dst.Set(s)
	return nil
}

// fillStruct fills the fields of the struct dst from the object v by exact JSON
// member name and puts the other members in extra.
func fillStruct(dst reflect.Value, v any, p ptr, extra *map[string]json.RawMessage) error {
	obj, ok := v.(map[string]any)
	if !ok {
		return &fieldTypeError{path: p, got: kindOf(v), want: "an object"}
	}
	fields := fieldIndex(dst.Type())
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the first error reported does not depend on map order
	var rest map[string]json.RawMessage
	for _, k := range keys {
		e := obj[k]
		idx, known := fields[k]
		if !known {
			raw, err := encodeGeneric(e)
			if err != nil {
				return err
			}
			if rest == nil {
				rest = map[string]json.RawMessage{}
			}
			rest[k] = raw
			continue
		}
		if err := fill(dst.FieldByIndex(idx), e, p.key(k)); err != nil {
			return err
		}
	}
	*extra = rest
	return nil
}

// fieldIndexes caches, per struct type, JSON member name -> field index path
// (through embedded structs).
var fieldIndexes sync.Map

func fieldIndex(t reflect.Type) map[string][]int {
	if v, ok := fieldIndexes.Load(t); ok {
		return v.(map[string][]int)
	}
	out := map[string][]int{}
	var collect func(reflect.Type, []int)
	collect = func(t reflect.Type, prefix []int) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			idx := append(append([]int(nil), prefix...), i)
			if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
				collect(f.Type, idx)
				continue
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			out[name] = idx
		}
	}
	collect(t, nil)
	fieldIndexes.Store(t, out)
	return out
}

func kindOf(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}
