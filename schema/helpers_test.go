package schema

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// op edits a decoded JSON document at a JSON Pointer: set a value, or delete the
// member when del is true.
type op struct {
	path string
	val  any
	del  bool
}

func set(path string, v any) op { return op{path: path, val: v} }
func del(path string) op        { return op{path: path, del: true} }

// patch applies ops to the JSON text base and returns the new JSON text.
func patch(t testing.TB, base string, ops ...op) []byte {
	t.Helper()
	var doc any
	if err := json.Unmarshal([]byte(base), &doc); err != nil {
		t.Fatal(err)
	}
	for _, o := range ops {
		toks := strings.Split(o.path, "/")[1:]
		parent := doc
		for _, tok := range toks[:len(toks)-1] {
			parent = child(t, parent, tok)
		}
		last := toks[len(toks)-1]
		switch p := parent.(type) {
		case map[string]any:
			if o.del {
				delete(p, last)
			} else {
				p[last] = o.val
			}
		case []any:
			i, err := strconv.Atoi(last)
			if err != nil || o.del {
				t.Fatalf("patch %s: bad array edit", o.path)
			}
			p[i] = o.val
		default:
			t.Fatalf("patch %s: parent is not a container", o.path)
		}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func child(t testing.TB, v any, tok string) any {
	t.Helper()
	switch c := v.(type) {
	case map[string]any:
		n, ok := c[tok]
		if !ok {
			t.Fatalf("patch: no member %q", tok)
		}
		return n
	case []any:
		i, err := strconv.Atoi(tok)
		if err != nil || i >= len(c) {
			t.Fatalf("patch: bad index %q", tok)
		}
		return c[i]
	}
	t.Fatalf("patch: cannot descend into %T", v)
	return nil
}

// paths lists the pointers of the errors of err (a *ValidationError).
func paths(err error) []string {
	ve, ok := err.(*ValidationError)
	if !ok {
		return nil
	}
	out := make([]string, len(ve.Errors))
	for i, e := range ve.Errors {
		out[i] = e.Path
	}
	return out
}
