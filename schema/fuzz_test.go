package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// addSeeds adds every file of testdata/seed to the fuzz corpus.
func addSeeds(f *testing.F) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "seed", "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds: %v", err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`[]`))
}

func FuzzParseCredential(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		c, err := ParseCredential(raw)
		checkErr := CheckJSON(raw)
		if err != nil {
			if checkErr == nil && !errors.Is(err, ErrInvalid) {
				t.Fatalf("CheckJSON accepted but ParseCredential failed without ErrInvalid: %v", err)
			}
			return
		}
		if checkErr != nil {
			t.Fatalf("ParseCredential accepted what CheckJSON refuses: %v", checkErr)
		}
		if !bytes.Equal(c.Raw(), raw) {
			t.Fatal("Raw differs from the input")
		}
		// The typed view encodes, and the encoding parses back to the same view.
		out, err := json.Marshal(c.View)
		if err != nil {
			t.Fatalf("marshal typed view: %v", err)
		}
		var back AchievementCredential
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("re-parse %s: %v", out, err)
		}
		out2, err := json.Marshal(back)
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("encoding not stable:\n%s\n%s", out, out2)
		}
	})
}

func FuzzValidateOB(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		err := ValidateOB(raw)
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Fatalf("error without ErrInvalid: %v", err)
		}
		r := Validate(raw)
		if r.OK() != (err == nil) {
			t.Fatalf("Validate and ValidateOB disagree: %v / %v", r.Errors, err)
		}
		for _, fe := range r.Errors {
			if fe.Path != "" && fe.Path[0] != '/' {
				t.Fatalf("not a JSON Pointer: %q", fe.Path)
			}
		}
		_ = ValidateEndorsement(raw)
		_ = ValidateProfile(raw)
	})
}

func FuzzValidateVC(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) > 64<<10 {
			return // JSON-LD expansion cost grows with size; keep iterations quick
		}
		err := ValidateVC(raw)
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Fatalf("error without ErrInvalid: %v", err)
		}
		var ve *ValidationError
		if err != nil && (!errors.As(err, &ve) || len(ve.Errors) == 0) {
			t.Fatalf("ValidationError without field errors: %v", err)
		}
	})
}

// refCheckJSON is a slow, obviously-correct CheckJSON built on Decoder.Token, for
// differential fuzzing of the hand-written scanner. It returns only the sentinel.
func refCheckJSON(raw []byte) error {
	if !utf8.Valid(raw) || !json.Valid(raw) {
		return ErrMalformedJSON
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	type frame struct {
		obj, wantKey bool
		keys         map[string]bool
	}
	var stack []*frame
	first := true
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return ErrMalformedJSON
		}
		if first {
			if d, ok := tok.(json.Delim); !ok || d != '{' {
				return ErrMalformedJSON
			}
			first = false
		}
		if n := len(stack); n > 0 && stack[n-1].obj && stack[n-1].wantKey {
			if k, ok := tok.(string); ok {
				if stack[n-1].keys[k] {
					return ErrDuplicateKey
				}
				stack[n-1].keys[k], stack[n-1].wantKey = true, false
				continue
			}
		}
		done := func() {
			if n := len(stack); n > 0 && stack[n-1].obj {
				stack[n-1].wantKey = true
			}
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if len(stack) >= MaxDepth {
				return ErrTooDeep
			}
			stack = append(stack, &frame{obj: tok == json.Delim('{'), wantKey: tok == json.Delim('{'), keys: map[string]bool{}})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			done()
		default:
			done()
		}
	}
}

func FuzzCheckJSON(f *testing.F) {
	addSeeds(f)
	for _, s := range []string{`{"a":"}\"{","a\"":1,"a\\"":2}`, `{"a":{"b":[{"c":1},{"c":2,"c":3}]}}`, `{"\u0061":1,"a":2}`, `{"a":[[[[]]]],"b":"[{"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, want := CheckJSON(raw), refCheckJSON(raw)
		if (got == nil) != (want == nil) || (want != nil && !errors.Is(got, want)) {
			t.Fatalf("CheckJSON = %v, reference = %v", got, want)
		}
	})
}
