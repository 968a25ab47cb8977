package input

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/obadge/obadge/bake"
	"github.com/obadge/obadge/internal/testutil"
)

func FuzzDecode(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	var texts [][]byte
	for _, e := range entries {
		if e.Type().IsRegular() {
			b := readTestdata(f, e.Name())
			texts = append(texts, b)
			f.Add(b)
		}
	}
	// Baked images, made at run time from the text seeds.
	base, err := bake.GeneratePNG("fuzz", "seed")
	if err != nil {
		f.Fatal(err)
	}
	for _, txt := range texts[:3] {
		if b, err := bake.BakePNG(base, txt); err == nil {
			f.Add(b)
		}
		if b, err := bake.BakeSVG(bake.GenerateSVG("fuzz", "seed"), txt); err == nil {
			f.Add(b)
		}
	}
	// The 1EdTech fixtures when ../shared is present (read in place, never copied).
	dir := filepath.Join(testutil.RepoRoot(f), "..", "shared", "ref", "examples", "1edtech-validator-ob30")
	for _, n := range []string{"simple.json", "simple.jwt", "simple-jwt.svg"} {
		if b, err := os.ReadFile(filepath.Join(dir, n)); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, err := Decode(raw, "fuzz")
		if err != nil {
			if got != nil {
				t.Fatal("result and error together")
			}
			if !errors.Is(err, ErrUnrecognized) && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error outside the taxonomy: %v", err)
			}
			return
		}
		switch got.Format {
		case JSONLD:
			if len(got.JSON) == 0 || got.JSON[0] != '{' || got.JWT != "" {
				t.Fatalf("bad JSON-LD result %+v", got)
			}
		case JWT:
			if !bake.IsCompactJWS([]byte(got.JWT)) || got.JSON != nil {
				t.Fatalf("bad JWT result %+v", got)
			}
		default:
			t.Fatalf("no format: %+v", got)
		}
		if got.Kind != Credential && got.Kind != Presentation {
			t.Fatalf("no kind: %+v", got)
		}
		// Decoding is deterministic.
		again, err := Decode(raw, "")
		if err != nil || again.Kind != got.Kind || again.Format != got.Format || again.Source != got.Source || again.JWT != got.JWT || string(again.JSON) != string(got.JSON) {
			t.Fatalf("second decode differs: %+v %v", again, err)
		}
	})
}

// FuzzCheckJSON compares the one-pass duplicate-name check with a slow reference built
// on json.Decoder.Token.
func FuzzCheckJSON(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1,"a":2}`, `{"a":{"b":[{"a":1},{"a":1}]},"b":"\"a\""}`, `{"\u0061":1,"a":1}`, `[{"a":1}]`, `{"a":[[],{}],"b":{"c":null}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			return
		}
		t1 := trimSpace(b)
		if len(t1) == 0 || t1[0] != '{' {
			return
		}
		got := checkJSON(b)
		want := referenceDuplicates(b)
		if errors.Is(got, ErrTooLarge) {
			return // the reference has no depth limit
		}
		if (got == nil) != (want == nil) {
			t.Fatalf("checkJSON(%q) = %v, reference %v", b, got, want)
		}
	})
}

// referenceDuplicates reports a duplicate member name using encoding/json's tokenizer.
func referenceDuplicates(b []byte) error {
	type frame struct {
		keys      map[string]bool
		expectKey bool
	}
	var stack []*frame
	dec := json.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			continue
		}
		if top != nil && top.keys != nil && top.expectKey {
			k := tok.(string)
			if top.keys[k] {
				return errors.New("duplicate " + k)
			}
			top.keys[k] = true
			top.expectKey = false
			continue
		}
		if top != nil && top.keys != nil {
			top.expectKey = true
		}
		if d, ok := tok.(json.Delim); ok {
			f := &frame{}
			if d == '{' {
				f.keys, f.expectKey = map[string]bool{}, true
			}
			stack = append(stack, f)
		}
	}
}
