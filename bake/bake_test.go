package bake

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image/png"
	"strings"
	"testing"

	"github.com/obadge/obadge/internal/testutil"
)

const (
	testJSON = `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"name":"a ]]> b"}`
	testJWT  = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
)

// fixtureDir is where the 1EdTech validator fixtures live under ../shared/ref.
var fixtureDir = []string{"examples", "1edtech-validator-ob30"}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	return testutil.ReadShared(t, append(append([]string{}, fixtureDir...), name)...)
}

func TestIsCompactJWS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want bool
	}{
		{testJWT, true},
		{"a.b.", true}, // unsigned (alg none) still has the shape; the proof layer refuses it
		{"a.b", false},
		{"a.b.c.d", false},
		{".b.c", false},
		{"a..c", false},
		{"a.b.c=", false},
		{"a.b.c\n", false},
		{"a+.b.c", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsCompactJWS([]byte(tt.in)); got != tt.want {
			t.Errorf("IsCompactJWS(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// itxtChunks returns the data of every iTXt chunk with the credential keyword.
func itxtChunks(t *testing.T, img []byte) [][]byte {
	t.Helper()
	chunks, err := parsePNG(img, newConfig(nil))
	if err != nil {
		t.Fatalf("parsePNG: %v", err)
	}
	var out [][]byte
	for _, ch := range chunks {
		if ch.typ == "iTXt" && bytes.HasPrefix(ch.data, []byte(Keyword+"\x00")) {
			out = append(out, ch.data)
		}
	}
	return out
}

func TestPNGRoundTrip(t *testing.T) {
	t.Parallel()
	base, err := GeneratePNG("Round trip", "Example University")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		credential string
		want       string
	}{
		{"json-ld", testJSON, testJSON},
		{"json-ld with surrounding space", "\n " + testJSON + "\n", "\n " + testJSON + "\n"},
		{"jwt", testJWT, testJWT},
		{"jwt with trailing newline", testJWT + "\n", testJWT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			baked, err := BakePNG(base, []byte(tt.credential))
			if err != nil {
				t.Fatalf("BakePNG: %v", err)
			}
			got, err := UnbakePNG(baked)
			if err != nil {
				t.Fatalf("UnbakePNG: %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("UnbakePNG = %q, want %q", got, tt.want)
			}
			// Re-baking replaces: exactly one chunk, holding the new credential.
			again, err := BakePNG(baked, []byte(testJWT))
			if err != nil {
				t.Fatalf("re-bake: %v", err)
			}
			if n := len(itxtChunks(t, again)); n != 1 {
				t.Errorf("%d credential chunks after re-bake, want 1", n)
			}
			if got, _ := UnbakePNG(again); string(got) != testJWT {
				t.Errorf("after re-bake UnbakePNG = %q", got)
			}
			data := itxtChunks(t, again)[0]
			if want := Keyword + "\x00\x00\x00\x00\x00" + testJWT; string(data) != want {
				t.Errorf("chunk data = %q, want %q", data, want)
			}
			// The image still decodes, and the new chunk sits right before IEND.
			if _, err := png.Decode(bytes.NewReader(again)); err != nil {
				t.Errorf("image/png cannot decode the baked image: %v", err)
			}
			chunks, _ := parsePNG(again, newConfig(nil))
			if chunks[len(chunks)-2].typ != "iTXt" {
				t.Errorf("chunk before IEND is %s", chunks[len(chunks)-2].typ)
			}
		})
	}
}

func TestPNGFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want func(t *testing.T) []byte
	}{
		{"simple-json.png", nil},
		{"simple-jwt.png", func(t *testing.T) []byte {
			return testutil.ReadShared(t, "test-vectors", "ob-v3p0-vc-jwt", "simple-jwt.png.extracted.jwt")
		}},
		{"simple-jwt_v1.png", func(t *testing.T) []byte {
			return testutil.ReadShared(t, "test-vectors", "ob-v3p0-vc-jwt", "simple-jwt_v1.png.extracted.jwt")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			img := fixture(t, tt.file)
			got, err := UnbakePNG(img)
			if err != nil {
				t.Fatalf("UnbakePNG: %v", err)
			}
			if tt.want != nil {
				if want := tt.want(t); !bytes.Equal(got, want) {
					t.Errorf("UnbakePNG differs from the extracted JWT:\n got %q\nwant %q", got, want)
				}
			} else if !strings.Contains(string(got), `"id": "http://example.com/credentials/3527"`) {
				t.Errorf("UnbakePNG = %.80q..., not the simple credential", got)
			}
			// Baking the fixture anew replaces its chunk and keeps the pixels.
			baked, err := BakePNG(img, []byte(testJWT))
			if err != nil {
				t.Fatalf("BakePNG: %v", err)
			}
			if n := len(itxtChunks(t, baked)); n != 1 {
				t.Errorf("%d credential chunks, want 1", n)
			}
			// Every other chunk (pixels included) is kept byte for byte, in order.
			if a, b := otherChunks(t, img), otherChunks(t, baked); !bytes.Equal(a, b) {
				t.Errorf("baking changed chunks other than the credential")
			}
		})
	}
}

// buildPNG assembles a PNG from chunks (type, data) with correct CRCs.
func buildPNG(chunks ...[2]string) []byte {
	out := append([]byte{}, pngSignature...)
	for _, c := range chunks {
		out = appendChunk(out, c[0], []byte(c[1]))
	}
	return out
}

func ihdr(w, h uint32, depth, colour byte) string {
	b := binary.BigEndian.AppendUint32(nil, w)
	b = binary.BigEndian.AppendUint32(b, h)
	return string(append(b, depth, colour, 0, 0, 0))
}

func TestPNGHostile(t *testing.T) {
	t.Parallel()
	good := ihdr(1, 1, 8, 6)
	idat := [2]string{"IDAT", "x"}
	iend := [2]string{"IEND", ""}
	cred := func(flag byte) [2]string {
		return [2]string{"iTXt", Keyword + "\x00" + string([]byte{flag}) + "\x00\x00\x00" + testJWT}
	}
	valid := buildPNG([2]string{"IHDR", good}, idat, cred(0), iend)
	badCRC := append([]byte{}, valid...)
	badCRC[len(badCRC)-20] ^= 1 // inside the iTXt text
	tests := []struct {
		name    string
		img     []byte
		opts    []Option
		wantErr error
	}{
		{"valid", valid, nil, nil},
		{"empty", nil, nil, ErrMalformedImage},
		{"not png", []byte("GIF89a..."), nil, ErrMalformedImage},
		{"signature only", pngSignature, nil, ErrMalformedImage},
		{"not baked", buildPNG([2]string{"IHDR", good}, idat, iend), nil, ErrNotBaked},
		{"other keyword", buildPNG([2]string{"IHDR", good}, idat, [2]string{"iTXt", "openbadges\x00\x00\x00\x00\x00x"}, iend), nil, ErrNotBaked},
		{"bad crc", badCRC, nil, ErrMalformedImage},
		{"truncated", valid[:len(valid)-5], nil, ErrMalformedImage},
		{"truncated chunk length", valid[:len(valid)-13], nil, ErrMalformedImage},
		{"trailing bytes", append(append([]byte{}, valid...), 0), nil, ErrMalformedImage},
		{"missing IHDR", buildPNG(idat, cred(0), iend), nil, ErrMalformedImage},
		{"missing IEND", buildPNG([2]string{"IHDR", good}, idat, cred(0)), nil, ErrMalformedImage},
		{"missing IDAT", buildPNG([2]string{"IHDR", good}, cred(0), iend), nil, ErrMalformedImage},
		{"IEND with data", buildPNG([2]string{"IHDR", good}, idat, [2]string{"IEND", "x"}), nil, ErrMalformedImage},
		{"two IHDR", buildPNG([2]string{"IHDR", good}, [2]string{"IHDR", good}, idat, iend), nil, ErrMalformedImage},
		{"zero width", buildPNG([2]string{"IHDR", ihdr(0, 1, 8, 6)}, idat, cred(0), iend), nil, ErrMalformedImage},
		{"huge", buildPNG([2]string{"IHDR", ihdr(1<<20, 1<<20, 8, 6)}, idat, cred(0), iend), nil, ErrTooLarge},
		{"bad depth", buildPNG([2]string{"IHDR", ihdr(1, 1, 3, 6)}, idat, cred(0), iend), nil, ErrMalformedImage},
		{"short IHDR", buildPNG([2]string{"IHDR", "abc"}, idat, cred(0), iend), nil, ErrMalformedImage},
		{"bad chunk type", buildPNG([2]string{"IHDR", good}, [2]string{"ID4T", "x"}, idat, iend), nil, ErrMalformedImage},
		{"compressed credential", buildPNG([2]string{"IHDR", good}, idat, cred(1), iend), nil, ErrMalformedImage},
		{"bad compression flag", buildPNG([2]string{"IHDR", good}, idat, cred(7), iend), nil, ErrMalformedImage},
		{"iTXt without keyword", buildPNG([2]string{"IHDR", good}, idat, [2]string{"iTXt", "no nul here"}, iend), nil, ErrMalformedImage},
		{"truncated iTXt", buildPNG([2]string{"IHDR", good}, idat, [2]string{"iTXt", Keyword + "\x00\x00\x00\x00"}, iend), nil, ErrMalformedImage},
		{"empty credential", buildPNG([2]string{"IHDR", good}, idat, [2]string{"iTXt", Keyword + "\x00\x00\x00\x00\x00 "}, iend), nil, ErrMalformedImage},
		{"credential not UTF-8", buildPNG([2]string{"IHDR", good}, idat, [2]string{"iTXt", Keyword + "\x00\x00\x00\x00\x00\xff\xfe"}, iend), nil, ErrMalformedImage},
		{"over size option", valid, []Option{WithMaxSize(len(valid) - 1)}, ErrTooLarge},
		{"length past end", func() []byte {
			b := append([]byte{}, valid...)
			binary.BigEndian.PutUint32(b[8:], 0xFFFFFFF0)
			return b
		}(), nil, ErrMalformedImage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := UnbakePNG(tt.img, tt.opts...)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("UnbakePNG error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestPNGChunkCap(t *testing.T) {
	t.Parallel()
	const limit = 100
	lowCap := func(c *config) { c.maxChunks = limit }
	// IHDR + n × tEXt + IDAT + IEND
	img := func(n int) []byte {
		b := append([]byte{}, pngSignature...)
		b = appendChunk(b, "IHDR", []byte(ihdr(1, 1, 8, 6)))
		for range n {
			b = appendChunk(b, "tEXt", []byte("k\x00v"))
		}
		b = appendChunk(b, "IDAT", []byte("x"))
		return appendChunk(b, "IEND", nil)
	}
	if _, err := UnbakePNG(img(limit-3), lowCap); !errors.Is(err, ErrNotBaked) {
		t.Errorf("UnbakePNG with %d chunks: %v, want ErrNotBaked", limit, err)
	}
	if _, err := UnbakePNG(img(limit-2), lowCap); !errors.Is(err, ErrTooLarge) {
		t.Errorf("UnbakePNG with %d chunks: %v, want ErrTooLarge", limit+1, err)
	}
	if c := newConfig(nil); c.maxChunks != MaxChunks {
		t.Errorf("default chunk cap %d, want %d", c.maxChunks, MaxChunks)
	}
}

func TestBakePNGErrors(t *testing.T) {
	t.Parallel()
	base, err := GeneratePNG("x", "y")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		img        []byte
		credential string
		opts       []Option
		wantErr    error
	}{
		{"empty credential", base, "  ", nil, ErrInvalidPayload},
		{"not json or jwt", base, "hello world", nil, ErrInvalidPayload},
		{"broken json", base, `{"a":`, nil, ErrInvalidPayload},
		{"not a png", []byte("<svg/>"), testJWT, nil, ErrMalformedImage},
		{"iTXt without keyword", buildPNG([2]string{"IHDR", ihdr(1, 1, 8, 6)}, [2]string{"IDAT", "x"}, [2]string{"iTXt", "no keyword"}, [2]string{"IEND", ""}), testJWT, nil, ErrMalformedImage},
		{"result too large", base, testJSON, []Option{WithMaxSize(len(base) + 10)}, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := BakePNG(tt.img, []byte(tt.credential), tt.opts...); !errors.Is(err, tt.wantErr) {
				t.Errorf("BakePNG error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestAppendChunkCRC(t *testing.T) {
	t.Parallel()
	b := appendChunk(nil, "IEND", nil)
	want := []byte{0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82} // the IEND every PNG ends with
	if !bytes.Equal(b, want) {
		t.Errorf("IEND chunk = % x, want % x", b, want)
	}
	if crc32.ChecksumIEEE([]byte("IEND")) != 0xAE426082 {
		t.Fatal("crc32 is not the PNG CRC")
	}
}

// otherChunks concatenates the raw bytes of every chunk but the credential chunks.
func otherChunks(t *testing.T, img []byte) []byte {
	t.Helper()
	chunks, err := parsePNG(img, newConfig(nil))
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	for _, ch := range chunks {
		if ch.typ == "iTXt" && bytes.HasPrefix(ch.data, []byte(Keyword+"\x00")) {
			continue
		}
		out = append(out, ch.raw...)
	}
	return out
}

// BenchmarkUnbakePNG measures the worst accepted case: a PNG just under the size cap.
func BenchmarkUnbakePNG(b *testing.B) {
	img := buildPNG([2]string{"IHDR", ihdr(4096, 4096, 8, 6)}, [2]string{"IDAT", strings.Repeat("x", DefaultMaxSize-4096)},
		[2]string{"iTXt", Keyword + "\x00\x00\x00\x00\x00" + testJWT}, [2]string{"IEND", ""})
	b.SetBytes(int64(len(img)))
	for b.Loop() {
		if _, err := UnbakePNG(img); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBakeSVG measures baking a 1 MiB SVG of many small elements.
func BenchmarkBakeSVG(b *testing.B) {
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg">` + strings.Repeat(`<circle r="1"/>`, 1<<16) + `</svg>`)
	b.SetBytes(int64(len(svg)))
	for b.Loop() {
		if _, err := BakeSVG(svg, []byte(testJSON)); err != nil {
			b.Fatal(err)
		}
	}
}
