package bake

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
	"unicode/utf8"
)

// badgeColours derives a stable colour scheme from the title and issuer, so that
// generated badges of different achievements look different.
func badgeColours(title, issuer string) (main, dark, light color.RGBA) {
	h := fnv.New32a()
	h.Write([]byte(title))
	h.Write([]byte{0})
	h.Write([]byte(issuer))
	hue := float64(h.Sum32()%360) / 360
	return hsv(hue, 0.60, 0.80), hsv(hue, 0.70, 0.45), hsv(hue, 0.20, 0.97)
}

// hsv converts a hue, saturation and value in [0,1] to an opaque RGBA colour.
func hsv(h, s, v float64) color.RGBA {
	i := math.Floor(h * 6)
	f := h*6 - i
	p, q, t := v*(1-s), v*(1-f*s), v*(1-(1-f)*s)
	var r, g, b float64
	switch int(i) % 6 {
	case 0:
		r, g, b = v, t, p
	case 1:
		r, g, b = q, v, p
	case 2:
		r, g, b = p, v, t
	case 3:
		r, g, b = p, q, v
	case 4:
		r, g, b = t, p, v
	default:
		r, g, b = v, p, q
	}
	return color.RGBA{uint8(r*255 + 0.5), uint8(g*255 + 0.5), uint8(b*255 + 0.5), 255}
}

func hexColour(c color.RGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// escape returns s XML-escaped; characters XML cannot carry become U+FFFD.
func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder never fails
	return b.String()
}

// shorten cuts s to at most n runes, ending with an ellipsis when cut.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// sealRadius is the radius of the scalloped seal edge at angle a, for a seal of mean
// radius r.
func sealRadius(r, a float64) float64 { return r + r*0.06*math.Cos(24*a) }

// GenerateSVG returns a plain, accessible badge image: a coloured seal with the title
// written across it, a <title> and <desc> naming the achievement and issuer, and
// role="img". The text is XML-escaped; the drawing is deterministic.
func GenerateSVG(title, issuer string) []byte {
	main, dark, light := badgeColours(title, issuer)
	var pts strings.Builder
	for i := range 144 {
		a := 2 * math.Pi * float64(i) / 144
		r := sealRadius(88, a)
		if i > 0 {
			pts.WriteByte(' ')
		}
		fmt.Fprintf(&pts, "%.1f,%.1f", 100+r*math.Cos(a), 100+r*math.Sin(a))
	}
	desc := "Open Badge"
	if issuer != "" {
		desc += " issued by " + issuer
	}
	var b bytes.Buffer
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200" viewBox="0 0 200 200" role="img" aria-labelledby="badge-title badge-desc">` + "\n")
	fmt.Fprintf(&b, "  <title id=\"badge-title\">%s</title>\n", escape(title))
	fmt.Fprintf(&b, "  <desc id=\"badge-desc\">%s</desc>\n", escape(desc))
	fmt.Fprintf(&b, "  <polygon points=\"%s\" fill=\"%s\"/>\n", pts.String(), hexColour(main))
	fmt.Fprintf(&b, "  <circle cx=\"100\" cy=\"100\" r=\"72\" fill=\"%s\"/>\n", hexColour(light))
	fmt.Fprintf(&b, "  <circle cx=\"100\" cy=\"100\" r=\"64\" fill=\"%s\"/>\n", hexColour(dark))
	fmt.Fprintf(&b, "  <text x=\"100\" y=\"106\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"14\" font-weight=\"bold\" fill=\"%s\" aria-hidden=\"true\">%s</text>\n",
		hexColour(light), escape(shorten(title, 16)))
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// GeneratePNG returns a 256×256 paletted PNG of the same seal as GenerateSVG (without
// lettering: the standard library has no fonts), with the title and issuer in iTXt
// Title and Author chunks. The drawing is deterministic.
func GeneratePNG(title, issuer string) ([]byte, error) {
	const size = 256
	main, dark, light := badgeColours(title, issuer)
	pal := color.Palette{color.RGBA{}, main, dark, light}
	img := image.NewPaletted(image.Rect(0, 0, size, size), pal)
	c := float64(size) / 2
	for y := range size {
		for x := range size {
			dx, dy := float64(x)+0.5-c, float64(y)+0.5-c
			d := math.Hypot(dx, dy)
			var idx uint8
			switch {
			case d <= 0.58*c && d > 0.50*c, d <= 0.30*c && starAt(dx, dy, 0.30*c):
				idx = 3
			case d <= 0.64*c:
				idx = 2
			case d <= 0.72*c:
				idx = 3
			case d <= sealRadius(0.88*c, math.Atan2(dy, dx)):
				idx = 1
			}
			img.SetColorIndex(x, y, idx)
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("bake: encode generated PNG: %w", err)
	}
	chunks, err := parsePNG(buf.Bytes(), newConfig(nil))
	if err != nil {
		return nil, fmt.Errorf("bake: re-read generated PNG: %w", err)
	}
	out := make([]byte, 0, buf.Len()+len(title)+len(issuer)+64)
	out = append(out, pngSignature...)
	for _, ch := range chunks {
		if ch.typ == "IEND" {
			out = appendChunk(out, "iTXt", textChunk("Title", title))
			if issuer != "" {
				out = appendChunk(out, "iTXt", textChunk("Author", issuer))
			}
		}
		out = append(out, ch.raw...)
	}
	return out, nil
}

// starAt reports whether (x, y) lies inside a five-pointed star of outer radius r
// centred on the origin, pointing up.
func starAt(x, y, r float64) bool {
	a := math.Atan2(x, -y) // 0 at the top, clockwise
	seg := 2 * math.Pi / 5
	t := math.Mod(a+2*math.Pi, seg)/seg*2 - 1 // -1..1 across one point
	inner := 0.45 * r
	lim := inner + (r-inner)*(1-math.Abs(t))
	return math.Hypot(x, y) <= lim
}

// textChunk builds the data of an uncompressed iTXt chunk; invalid UTF-8 is replaced.
func textChunk(keyword, text string) []byte {
	text = strings.ToValidUTF8(text, "\uFFFD")
	d := make([]byte, 0, len(keyword)+5+len(text))
	d = append(d, keyword...)
	d = append(d, 0, 0, 0, 0, 0)
	return append(d, text...)
}
