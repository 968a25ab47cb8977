package input

import (
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
