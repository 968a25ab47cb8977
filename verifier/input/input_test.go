package input

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/obadge/obadge/bake"
	"github.com/obadge/obadge/internal/testutil"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// jws builds a compact JWS with the given header and payload and a dummy signature.
func jws(header, payload string) string { return b64(header) + "." + b64(payload) + ".c2ln" }

const alg = `{"alg":"RS256"}`

func TestDecodeTestdata(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file       string
		wantKind   Kind
		wantFormat Format
		wantSource string
		wantErr    error
	}{
		{"credential.json", Credential, JSONLD, SourceJSON, nil},
		{"presentation.json", Presentation, JSONLD, SourceJSON, nil},
		{"enveloped.json", Credential, JWT, SourceEnveloped, nil},
		{"credential.jwt", Credential, JWT, SourceJWT, nil},
		{"presentation.jwt", Presentation, JWT, SourceJWT, nil},
		{"vc-jose.jwt", Credential, JWT, SourceJWT, nil},
		{"jwt-string.json", Credential, JWT, SourceJWT, nil},
		{"duplicate-key.json", 0, 0, "", ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			raw := readTestdata(t, tt.file)
			got, err := Decode(raw, tt.file)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Decode error = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if got.Kind != tt.wantKind || got.Format != tt.wantFormat || got.Source != tt.wantSource {
				t.Errorf("Decode = %v/%v/%q, want %v/%v/%q", got.Kind, got.Format, got.Source, tt.wantKind, tt.wantFormat, tt.wantSource)
			}
			switch got.Format {
			case JSONLD:
				if !bytes.Equal(got.JSON, bytes.TrimSpace(raw)) || got.JWT != "" {
					t.Errorf("JSON is not the exact input bytes")
				}
			case JWT:
				if got.JSON != nil || !bake.IsCompactJWS([]byte(got.JWT)) || !strings.Contains(string(raw), got.JWT) {
					t.Errorf("JWT = %q", got.JWT)
				}
			}
		})
	}
}

func TestDecodeFixtures(t *testing.T) {
	t.Parallel()
	vec := func(name string) func(t *testing.T) []byte {
		return func(t *testing.T) []byte { return testutil.ReadShared(t, "test-vectors", "ob-v3p0-vc-jwt", name) }
	}
	fix := func(name string) func(t *testing.T) []byte {
		return func(t *testing.T) []byte { return testutil.ReadShared(t, "examples", "1edtech-validator-ob30", name) }
	}
	tests := []struct {
		file       string
		wantFormat Format
		wantSource string
		wantJWT    func(t *testing.T) []byte // the expected JWT, for JWT inputs
	}{
		{"simple.json", JSONLD, SourceJSON, nil},
		{"simple.1ob", JSONLD, SourceJSON, nil},
		{"simple.jwt", JWT, SourceJWT, func(t *testing.T) []byte { return bytes.TrimSpace(fix("simple.jwt")(t)) }},
		{"simple-json.png", JSONLD, SourcePNG, nil},
		{"simple-json.svg", JSONLD, SourceSVG, nil},
		{"simple-jwt.png", JWT, SourcePNG, vec("simple-jwt.png.extracted.jwt")},
		{"simple-jwt.svg", JWT, SourceSVG, vec("simple-jwt.svg.extracted.jwt")},
		{"simple-jwt_v1.png", JWT, SourcePNG, vec("simple-jwt_v1.png.extracted.jwt")},
		{"simple-jwt_v1.svg", JWT, SourceSVG, vec("simple-jwt_v1.svg.extracted.jwt")},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			raw := fix(tt.file)(t)
			got, err := Decode(raw, tt.file)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if got.Kind != Credential || got.Format != tt.wantFormat || got.Source != tt.wantSource {
				t.Errorf("Decode = %v/%v/%q, want credential/%v/%q", got.Kind, got.Format, got.Source, tt.wantFormat, tt.wantSource)
			}
			if tt.wantJWT != nil {
				if want := tt.wantJWT(t); got.JWT != string(want) {
					t.Errorf("JWT differs from the expected one:\n got %q\nwant %q", got.JWT, want)
				}
			} else if !bytes.Contains(got.JSON, []byte(`"id": "http://example.com/credentials/3527"`)) {
				t.Errorf("JSON = %.80q..., not the simple credential", got.JSON)
			}
		})
	}
}

func TestDecodeForms(t *testing.T) {
	t.Parallel()
	vcJWT := jws(alg, `{"vc":{"type":["VerifiableCredential"]}}`)
	vpJWT := jws(alg, `{"vp":{"type":["VerifiablePresentation"]}}`)
	vcPayload := jws(alg, `{"@context":[],"type":"VerifiableCredential"}`)
	vpPayload := jws(alg, `{"type":["VerifiablePresentation"]}`)
	basePNG, err := bake.GeneratePNG("t", "i")
	if err != nil {
		t.Fatal(err)
	}
	png := func(text string) []byte {
		b, err := bake.BakePNG(basePNG, []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	svg := func(text string) []byte {
		b, err := bake.BakeSVG(bake.GenerateSVG("t", "i"), []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	vcJSON := `{"type":["VerifiableCredential","OpenBadgeCredential"]}`
	envelope := func(typ, id string) string {
		return `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"` + typ + `","id":"` + id + `"}`
	}
	tests := []struct {
		name       string
		raw        []byte
		wantKind   Kind
		wantFormat Format
		wantSource string
		wantErr    error
	}{
		{"json credential", []byte(vcJSON), Credential, JSONLD, SourceJSON, nil},
		{"json with BOM and space", []byte("\xef\xbb\xbf \n" + vcJSON + "\n"), Credential, JSONLD, SourceJSON, nil},
		{"json type string", []byte(`{"type":"VerifiableCredential"}`), Credential, JSONLD, SourceJSON, nil},
		{"json presentation", []byte(`{"type":["VerifiablePresentation"],"verifiableCredential":[{"type":"VerifiableCredential"}]}`), Presentation, JSONLD, SourceJSON, nil},
		{"json both types", []byte(`{"type":["VerifiablePresentation","VerifiableCredential"]}`), 0, 0, "", ErrMalformed},
		{"json no type", []byte(`{"name":"x"}`), 0, 0, "", ErrUnrecognized},
		{"json bad type", []byte(`{"type":7}`), 0, 0, "", ErrMalformed},
		{"json array", []byte(`[` + vcJSON + `]`), 0, 0, "", ErrUnrecognized},
		{"json invalid", []byte(`{"type":`), 0, 0, "", ErrMalformed},
		{"json trailing data", []byte(vcJSON + `{}`), 0, 0, "", ErrMalformed},
		{"json duplicate nested key", []byte(`{"type":"VerifiableCredential","a":{"b":1,"\u0062":2}}`), 0, 0, "", ErrMalformed},
		{"json duplicate type", []byte(`{"type":"VerifiablePresentation","type":"VerifiableCredential"}`), 0, 0, "", ErrMalformed},
		{"json same key in siblings", []byte(`{"type":"VerifiableCredential","a":{"b":1},"c":[{"b":1},{"b":2}]}`), Credential, JSONLD, SourceJSON, nil},
		{"json too deep", []byte(`{"type":"VerifiableCredential","a":` + strings.Repeat("[", MaxJSONDepth) + strings.Repeat("]", MaxJSONDepth) + `}`), 0, 0, "", ErrTooLarge},
		{"json not utf-8", []byte("{\"type\":\"VerifiableCredential\",\"a\":\"\xff\"}"), 0, 0, "", ErrMalformed},
		{"enveloped vc+jwt", []byte(envelope("EnvelopedVerifiableCredential", "data:application/vc+jwt,"+vcPayload)), Credential, JWT, SourceEnveloped, nil},
		{"enveloped jwt", []byte(envelope("EnvelopedVerifiableCredential", "data:application/jwt,"+vcJWT)), Credential, JWT, SourceEnveloped, nil},
		{"enveloped vc-ld+jwt", []byte(envelope("EnvelopedVerifiableCredential", "data:application/vc-ld+jwt,"+vcJWT)), Credential, JWT, SourceEnveloped, nil},
		{"enveloped vp+jwt", []byte(envelope("EnvelopedVerifiablePresentation", "data:application/vp+jwt,"+vpPayload)), Presentation, JWT, SourceEnveloped, nil},
		{"enveloped wrong kind", []byte(envelope("EnvelopedVerifiableCredential", "data:application/vc+jwt,"+vpJWT)), 0, 0, "", ErrMalformed},
		{"enveloped base64", []byte(envelope("EnvelopedVerifiableCredential", "data:application/vc+jwt;base64,"+vcJWT)), 0, 0, "", ErrMalformed},
		{"enveloped other media type", []byte(envelope("EnvelopedVerifiableCredential", "data:text/plain,"+vcJWT)), 0, 0, "", ErrMalformed},
		{"enveloped https id", []byte(envelope("EnvelopedVerifiableCredential", "https://example.org/c/1")), 0, 0, "", ErrMalformed},
		{"enveloped not jws", []byte(envelope("EnvelopedVerifiableCredential", "data:application/vc+jwt,hello")), 0, 0, "", ErrMalformed},
		{"enveloped no id", []byte(`{"type":"EnvelopedVerifiableCredential"}`), 0, 0, "", ErrMalformed},
		{"jwt vc claim", []byte(vcJWT), Credential, JWT, SourceJWT, nil},
		{"jwt vp claim", []byte(vpJWT + "\r\n"), Presentation, JWT, SourceJWT, nil},
		{"jwt vc payload", []byte(vcPayload), Credential, JWT, SourceJWT, nil},
		{"jwt vp payload", []byte(vpPayload), Presentation, JWT, SourceJWT, nil},
		{"jwt unsigned", []byte(strings.TrimSuffix(vcJWT, "c2ln")), Credential, JWT, SourceJWT, nil},
		{"jwt in json string", []byte(`"` + vcJWT + `"`), Credential, JWT, SourceJWT, nil},
		{"json string not jwt", []byte(`"hello"`), 0, 0, "", ErrUnrecognized},
		{"json string broken", []byte(`"abc`), 0, 0, "", ErrMalformed},
		{"jwt both claims", []byte(jws(alg, `{"vc":{},"vp":{}}`)), 0, 0, "", ErrMalformed},
		{"jwt no claims", []byte(jws(alg, `{"sub":"x"}`)), 0, 0, "", ErrUnrecognized},
		{"jwt header without alg", []byte(jws(`{"typ":"JWT"}`, `{"vc":{}}`)), 0, 0, "", ErrMalformed},
		{"jwt header not json", []byte(b64("alg") + "." + b64(`{"vc":{}}`) + ".c2ln"), 0, 0, "", ErrMalformed},
		{"jwt payload not json", []byte(b64(alg) + "." + b64("vc") + ".c2ln"), 0, 0, "", ErrMalformed},
		{"jwt duplicate claim", []byte(jws(alg, `{"vc":{},"vc":{}}`)), 0, 0, "", ErrMalformed},
		{"jwt bad base64", []byte("e30x.e30.c2ln"), 0, 0, "", ErrMalformed},
		{"jwe", []byte("a.b.c.d.e"), 0, 0, "", ErrUnrecognized},
		{"png json", png(vcJSON), Credential, JSONLD, SourcePNG, nil},
		{"png jwt", png(vpJWT), Presentation, JWT, SourcePNG, nil},
		{"png enveloped", png(envelope("EnvelopedVerifiableCredential", "data:application/vc+jwt,"+vcJWT)), Credential, JWT, SourcePNG, nil},
		{"png not baked", basePNG, 0, 0, "", bake.ErrNotBaked},
		{"png corrupt", basePNG[:len(basePNG)-1], 0, 0, "", ErrMalformed},
		{"svg json", svg(vcJSON), Credential, JSONLD, SourceSVG, nil},
		{"svg jwt", svg(vcJWT), Credential, JWT, SourceSVG, nil},
		{"svg with BOM", append([]byte("\xef\xbb\xbf"), svg(vcJWT)...), Credential, JWT, SourceSVG, nil},
		{"svg not baked", bake.GenerateSVG("t", "i"), 0, 0, "", ErrUnrecognized},
		{"svg entity", []byte(`<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg"/>`), 0, 0, "", bake.ErrForbiddenMarkup},
		{"html", []byte(`<html><body>hi</body></html>`), 0, 0, "", ErrMalformed},
		{"empty", nil, 0, 0, "", ErrUnrecognized},
		{"blank", []byte(" \n\t"), 0, 0, "", ErrUnrecognized},
		{"text", []byte("hello world"), 0, 0, "", ErrUnrecognized},
		{"utf-16", []byte("\xff\xfe{\x00}\x00"), 0, 0, "", ErrUnrecognized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Decode(tt.raw, "")
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Decode error = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				if got != nil {
					t.Errorf("Decode returned %+v with an error", got)
				}
				return
			}
			if got.Kind != tt.wantKind || got.Format != tt.wantFormat || got.Source != tt.wantSource {
				t.Errorf("Decode = %v/%v/%q, want %v/%v/%q", got.Kind, got.Format, got.Source, tt.wantKind, tt.wantFormat, tt.wantSource)
			}
			if (got.Format == JSONLD) != (got.JSON != nil) || (got.Format == JWT) != (got.JWT != "") {
				t.Errorf("JSON/JWT fields do not match the format: %+v", got)
			}
		})
	}
}

// TestDecodeNoRecursion: an image baked inside an image is not unwrapped.
func TestDecodeNoRecursion(t *testing.T) {
	t.Parallel()
	inner, err := bake.BakeSVG(bake.GenerateSVG("t", "i"), []byte(jws(alg, `{"vc":{}}`)))
	if err != nil {
		t.Fatal(err)
	}
	// The SVG cannot be baked as a payload (it is neither JSON nor a JWS), so wrap it
	// in a JSON string: still not unwrapped.
	quoted, err := json.Marshal(string(inner))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Decode(quoted, ""); !errors.Is(err, ErrUnrecognized) {
		t.Errorf("SVG inside a JSON string: %v, want ErrUnrecognized", err)
	}
	if _, err := (Decoder{}).decodeText(inner, SourcePNG); !errors.Is(err, ErrUnrecognized) {
		t.Errorf("SVG as unbaked text: %v, want ErrUnrecognized", err)
	}
}

func TestDecodeLimits(t *testing.T) {
	t.Parallel()
	vcJSON := []byte(`{"type":"VerifiableCredential","pad":"` + strings.Repeat("x", 200) + `"}`)
	baked, err := bake.BakeSVG(bake.GenerateSVG("t", "i"), vcJSON)
	if err != nil {
		t.Fatal(err)
	}
	png, err := bake.GeneratePNG("t", "i")
	if err != nil {
		t.Fatal(err)
	}
	if png, err = bake.BakePNG(png, vcJSON); err != nil {
		t.Fatal(err)
	}
	// A PNG whose header claims 100000×1 pixels: refused without decoding anything.
	wide := append([]byte{}, png...)
	copy(wide[16:20], []byte{0, 1, 0x86, 0xa0})
	binary.BigEndian.PutUint32(wide[29:33], crc32.ChecksumIEEE(wide[12:29]))
	tests := []struct {
		name    string
		dec     Decoder
		raw     []byte
		wantErr error
	}{
		{"png within limits", Decoder{}, png, nil},
		{"png over image limit", Decoder{MaxImageBytes: len(png) - 1, MaxTextBytes: 1 << 20}, png, ErrTooLarge},
		{"png too many pixels", Decoder{}, wide, ErrTooLarge},
		{"png text over limit", Decoder{MaxTextBytes: 100}, png, ErrTooLarge},
		{"text within limit", Decoder{MaxTextBytes: len(vcJSON)}, vcJSON, nil},
		{"text over limit", Decoder{MaxTextBytes: len(vcJSON) - 1}, vcJSON, ErrTooLarge},
		{"image over limit", Decoder{MaxImageBytes: len(baked) - 1, MaxTextBytes: 100}, baked, ErrTooLarge},
		{"unbaked text over limit", Decoder{MaxTextBytes: 100}, baked, ErrTooLarge},
		{"image within limits", Decoder{MaxImageBytes: len(baked), MaxTextBytes: len(vcJSON)}, baked, nil},
		{"default text limit", Decoder{}, append(append([]byte(`{"type":"VerifiableCredential","p":"`), bytes.Repeat([]byte("x"), DefaultMaxTextBytes)...), `"}`...), ErrTooLarge},
		{"default image limit", Decoder{}, make([]byte, DefaultMaxImageBytes+1), ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := tt.dec.Decode(tt.raw, ""); !errors.Is(err, tt.wantErr) {
				t.Errorf("Decode error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestDecodeHintInError(t *testing.T) {
	t.Parallel()
	_, err := Decode([]byte("nonsense"), "badge.png")
	if !errors.Is(err, ErrUnrecognized) || !strings.Contains(err.Error(), `"badge.png"`) {
		t.Errorf("error %v should wrap ErrUnrecognized and name the hint", err)
	}
}

func TestDecodeCopiesJSON(t *testing.T) {
	t.Parallel()
	raw := []byte(`{"type":"VerifiableCredential"}`)
	got, err := Decode(raw, "")
	if err != nil {
		t.Fatal(err)
	}
	raw[2] = 'X'
	if got.JSON[2] != 't' {
		t.Error("Input.JSON aliases the caller's buffer")
	}
}

func TestStrings(t *testing.T) {
	t.Parallel()
	tests := []struct{ got, want string }{
		{Credential.String(), "credential"}, {Presentation.String(), "presentation"}, {Kind(9).String(), "Kind(9)"},
		{JSONLD.String(), "json-ld"}, {JWT.String(), "jwt"}, {Format(0).String(), "Format(0)"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("String() = %q, want %q", tt.got, tt.want)
		}
	}
}

// BenchmarkDecodeJSON measures a JSON credential near the text cap (the duplicate-key
// walk dominates).
func BenchmarkDecodeJSON(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString(`{"type":["VerifiableCredential"],"evidence":[`)
	for i := 0; buf.Len() < DefaultMaxTextBytes-200; i++ {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(`{"id":"urn:x","type":["Evidence"],"name":"some evidence","n":12345}`)
	}
	buf.WriteString(`]}`)
	raw := buf.Bytes()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := Decode(raw, ""); err != nil {
			b.Fatal(err)
		}
	}
}

func TestCheckJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		json    string
		wantErr error
	}{
		{` {} `, nil},
		{`{"a":[{"a":1,"b":{"a":2}}],"b":"\"a\"","c":{"\"":1,"\\\"":2}}`, nil},
		{`{"k":"a,b:c\"d","l":"{\"k\":1}","k2":["k","k"]}`, nil},
		{`[]`, ErrUnrecognized},
		{`"s"`, ErrUnrecognized},
		{`{"a":[1,{"x":"y","x":1}]}`, ErrMalformed},
		{`{"a\u0000":1,"a\u0000":2}`, ErrMalformed},
		{`{"a":1,"b":{},"a":1}`, ErrMalformed},
		{`{"\\":1,"\u005c":3}`, ErrMalformed},
		{`{"é":1,"\u00e9":2}`, ErrMalformed},
		{`{"a":1,}`, ErrMalformed},
		{`{"a":` + strings.Repeat(`{"a":`, MaxJSONDepth) + `1` + strings.Repeat(`}`, MaxJSONDepth+1), ErrTooLarge},
		{`{"a":` + strings.Repeat(`{"a":`, MaxJSONDepth-1) + `1` + strings.Repeat(`}`, MaxJSONDepth), nil},
	}
	for _, tt := range tests {
		if err := checkJSON([]byte(tt.json)); !errors.Is(err, tt.wantErr) {
			t.Errorf("checkJSON(%.60s) = %v, want %v", tt.json, err, tt.wantErr)
		}
	}
}
