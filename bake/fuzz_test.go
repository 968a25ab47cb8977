package bake

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/obadge/obadge/internal/testutil"
)

// sharedSeeds returns the named 1EdTech fixtures that exist; fuzz seeding must not skip
// the target when ../shared is absent, so this does not go through testutil.ReadShared.
func sharedSeeds(f *testing.F, names ...string) [][]byte {
	f.Helper()
	var out [][]byte
	for _, n := range names {
		p := filepath.Join(append([]string{testutil.RepoRoot(f), "..", "shared", "ref"}, append(append([]string{}, fixtureDir...), n)...)...)
		if b, err := os.ReadFile(p); err == nil {
			out = append(out, b)
		}
	}
	return out
}

func FuzzUnbakePNG(f *testing.F) {
	base, err := GeneratePNG("fuzz", "seed")
	if err != nil {
		f.Fatal(err)
	}
	baked, err := BakePNG(base, []byte(testJSON))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(base)
	f.Add(baked)
	f.Add(baked[:len(baked)-12])
	for _, s := range sharedSeeds(f, "simple-jwt.png") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, img []byte) {
		got, err := UnbakePNG(img)
		if err != nil {
			return
		}
		if len(bytes.TrimSpace(got)) == 0 || !utf8.Valid(got) {
			t.Fatalf("UnbakePNG returned %q", got)
		}
		again, err := BakePNG(img, got)
		if errors.Is(err, ErrInvalidPayload) || errors.Is(err, ErrTooLarge) {
			return
		}
		if err != nil {
			t.Fatalf("BakePNG of an unbakeable image: %v", err)
		}
		back, err := UnbakePNG(again)
		if err != nil {
			t.Fatalf("UnbakePNG after re-bake: %v", err)
		}
		if p, _ := classify(got); !bytes.Equal(back, p.text) {
			t.Fatalf("re-bake round trip: %q != %q", back, p.text)
		}
	})
}

func FuzzBakePNG(f *testing.F) {
	base, err := GeneratePNG("fuzz", "seed")
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(testJSON))
	f.Add([]byte(testJWT))
	f.Add([]byte(" \n"))
	f.Add([]byte("{\"a\":\"\x00\"}"))
	f.Fuzz(func(t *testing.T, credential []byte) {
		baked, err := BakePNG(base, credential)
		if err != nil {
			if !errors.Is(err, ErrInvalidPayload) {
				t.Fatalf("BakePNG: unexpected error %v", err)
			}
			return
		}
		got, err := UnbakePNG(baked)
		if err != nil {
			t.Fatalf("UnbakePNG of a baked image: %v", err)
		}
		p, _ := classify(credential)
		if !bytes.Equal(got, p.text) {
			t.Fatalf("round trip: %q != %q", got, p.text)
		}
		if n := bytes.Count(baked, []byte("iTXt"+Keyword)); n != 1 {
			t.Fatalf("%d credential chunks", n)
		}
	})
}

func FuzzUnbakeSVG(f *testing.F) {
	f.Add([]byte(plainSVG))
	if b, err := BakeSVG([]byte(plainSVG), []byte(testJSON)); err == nil {
		f.Add(b)
	}
	f.Add(GenerateSVG("fuzz & <seed>", "issuer"))
	f.Add([]byte(`<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>`))
	f.Add([]byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:o="` + Namespace + `"><o:credential verify="a.b.c"/></svg>`))
	for _, s := range sharedSeeds(f, "simple-json.svg", "simple-jwt.svg") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, svg []byte) {
		got, err := UnbakeSVG(svg)
		if err != nil {
			return
		}
		if len(got) == 0 {
			t.Fatal("UnbakeSVG returned nothing without an error")
		}
		again, err := BakeSVG(svg, got)
		if errors.Is(err, ErrInvalidPayload) || errors.Is(err, ErrTooLarge) {
			return
		}
		if err != nil {
			// The whole document is checked when baking, only a prefix when unbaking.
			if errors.Is(err, ErrMalformedImage) || errors.Is(err, ErrForbiddenMarkup) {
				return
			}
			t.Fatalf("BakeSVG: %v", err)
		}
		back, err := UnbakeSVG(again)
		if err != nil {
			t.Fatalf("UnbakeSVG after re-bake: %v", err)
		}
		if !bytes.Equal(back, normalizeNewlines(got)) {
			t.Fatalf("re-bake round trip: %q != %q", back, got)
		}
	})
}
