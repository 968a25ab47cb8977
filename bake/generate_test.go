package bake

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image/png"
	"strings"
	"testing"

	"github.com/obadge/obadge/internal/testutil"
)

func TestGenerateSVG(t *testing.T) {
	t.Parallel()
	got := GenerateSVG(`Intro to <Go> & "XML"`, "Example University")
	testutil.Golden(t, "generated.svg", got)

	// Well-formed, an svg root, the title escaped and readable back.
	var doc struct {
		XMLName xml.Name
		Role    string `xml:"role,attr"`
		Title   string `xml:"title"`
		Desc    string `xml:"desc"`
	}
	if err := xml.Unmarshal(got, &doc); err != nil {
		t.Fatalf("generated SVG is not XML: %v", err)
	}
	if doc.XMLName.Space != svgNamespace || doc.XMLName.Local != "svg" || doc.Role != "img" {
		t.Errorf("root = %v role=%q", doc.XMLName, doc.Role)
	}
	if doc.Title != `Intro to <Go> & "XML"` || doc.Desc != "Open Badge issued by Example University" {
		t.Errorf("title %q, desc %q", doc.Title, doc.Desc)
	}
	if _, err := UnbakeSVG(got); !errors.Is(err, ErrNotBaked) {
		t.Errorf("UnbakeSVG(generated) = %v, want ErrNotBaked", err)
	}
	if bytes.Equal(got, GenerateSVG("Another", "Example University")) {
		t.Error("different titles give the same image")
	}
	// Characters XML cannot carry do not break the document.
	if err := xml.Unmarshal(GenerateSVG("a\x00b\uFFFE", "\x1b"), new(struct{})); err != nil {
		t.Errorf("control characters break the SVG: %v", err)
	}
}

func TestGeneratePNG(t *testing.T) {
	t.Parallel()
	got, err := GeneratePNG("Teamwork ✓", "Example University")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(got))
	if err != nil {
		t.Fatalf("generated PNG does not decode: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 256 || b.Dy() != 256 {
		t.Errorf("bounds %v", b)
	}
	if len(got) > 8<<10 {
		t.Errorf("generated PNG is %d bytes, want it small", len(got))
	}
	if _, _, _, a := img.At(0, 0).RGBA(); a != 0 {
		t.Error("corner is not transparent")
	}
	if _, _, _, a := img.At(128, 128).RGBA(); a == 0 {
		t.Error("centre is transparent")
	}
	chunks, err := parsePNG(got, newConfig(nil))
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, ch := range chunks {
		if ch.typ == "iTXt" {
			texts = append(texts, strings.ReplaceAll(string(ch.data), "\x00", "|"))
		}
	}
	want := []string{"Title|||||Teamwork ✓", "Author|||||Example University"}
	if strings.Join(texts, ",") != strings.Join(want, ",") {
		t.Errorf("iTXt chunks = %q, want %q", texts, want)
	}
	if _, err := UnbakePNG(got); !errors.Is(err, ErrNotBaked) {
		t.Errorf("UnbakePNG(generated) = %v, want ErrNotBaked", err)
	}
	again, _ := GeneratePNG("Teamwork ✓", "Example University")
	if !bytes.Equal(got, again) {
		t.Error("GeneratePNG is not deterministic")
	}
	other, _ := GeneratePNG("Leadership", "Example University")
	if bytes.Equal(got, other) {
		t.Error("different titles give the same image")
	}
}
