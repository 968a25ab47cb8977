package bake

import (
	"bytes"
	"encoding/xml"
	"errors"
	"strings"
	"testing"

	"github.com/obadge/obadge/internal/testutil"
)

const plainSVG = `<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment -->
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4"/></svg>
`

// countCredentials counts credential elements by namespace, whatever the prefix.
func countCredentials(t *testing.T, svg []byte) int {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	n := 0
	for {
		tok, err := d.Token()
		if err != nil {
			return n
		}
		if se, ok := tok.(xml.StartElement); ok && isCredential(se.Name) {
			n++
		}
	}
}

func TestSVGRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		svg        string
		credential string
		want       string // expected bytes after the root start tag
	}{
		{"jwt", plainSVG, testJWT, `<openbadges:credential verify="` + testJWT + `"/>`},
		{"json with ]]>", plainSVG, testJSON,
			`<openbadges:credential><![CDATA[` + strings.ReplaceAll(testJSON, "]]>", "]]]]><![CDATA[>") + `]]></openbadges:credential>`},
		{"self-closing root", `<svg xmlns="http://www.w3.org/2000/svg"/>`, testJWT,
			`<openbadges:credential verify="` + testJWT + `"/></svg>`},
		{"prefixed root", `<s:svg xmlns:s="http://www.w3.org/2000/svg" />`, testJWT,
			`<openbadges:credential verify="` + testJWT + `"/></s:svg>`},
		{"generated", string(GenerateSVG("A & B", "Issuer")), testJSON, "<openbadges:credential><![CDATA["},
		{"byte order mark", "\uFEFF" + plainSVG, testJWT, `<openbadges:credential verify="` + testJWT + `"/>`},
		{"crlf json", plainSVG, "{\r\n\"a\": 1\r\n}", "<openbadges:credential><![CDATA[{\r\n\"a\": 1\r\n}]]>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			baked, err := BakeSVG([]byte(tt.svg), []byte(tt.credential))
			if err != nil {
				t.Fatalf("BakeSVG: %v", err)
			}
			if !bytes.Contains(baked, []byte(` xmlns:openbadges="`+Namespace+`">`+tt.want)) &&
				!bytes.Contains(baked, []byte(` xmlns:openbadges="`+Namespace+`"`)) {
				t.Errorf("namespace not declared on the root:\n%s", baked)
			}
			if !bytes.Contains(baked, []byte(">"+tt.want)) {
				t.Errorf("credential element not directly after the root start tag:\n%s", baked)
			}
			got, err := UnbakeSVG(baked)
			if err != nil {
				t.Fatalf("UnbakeSVG: %v", err)
			}
			want := strings.ReplaceAll(strings.TrimSpace(tt.credential), "\r\n", "\n")
			if string(got) != want {
				t.Errorf("UnbakeSVG = %q, want %q", got, want)
			}
			// Re-bake replaces: one element, the new credential, namespace declared once.
			again, err := BakeSVG(baked, []byte(testJWT))
			if err != nil {
				t.Fatalf("re-bake: %v", err)
			}
			if n := countCredentials(t, again); n != 1 {
				t.Errorf("%d credential elements after re-bake, want 1:\n%s", n, again)
			}
			if n := bytes.Count(again, []byte("xmlns:openbadges=")); n != 1 {
				t.Errorf("namespace declared %d times", n)
			}
			if got, _ := UnbakeSVG(again); string(got) != testJWT {
				t.Errorf("after re-bake UnbakeSVG = %q", got)
			}
		})
	}
}

// TestBakeSVGKeepsBytes checks that everything but the inserted declaration and element
// is kept byte for byte.
func TestBakeSVGKeepsBytes(t *testing.T) {
	t.Parallel()
	in := "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"\n  width='1'  >\n\t<g><![CDATA[ x ]]><!-- c --></g>\r\n</svg>\n"
	got, err := BakeSVG([]byte(in), []byte(testJWT))
	if err != nil {
		t.Fatal(err)
	}
	want := "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"\n  width='1'   xmlns:openbadges=\"" + Namespace + "\">" +
		`<openbadges:credential verify="` + testJWT + `"/>` + "\n\t<g><![CDATA[ x ]]><!-- c --></g>\r\n</svg>\n"
	if string(got) != want {
		t.Errorf("BakeSVG =\n%q\nwant\n%q", got, want)
	}
}

func TestSVGFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file, extracted string
	}{
		{"simple-json.svg", ""},
		{"simple-jwt.svg", "simple-jwt.svg.extracted.jwt"},
		{"simple-jwt_v1.svg", "simple-jwt_v1.svg.extracted.jwt"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			svg := fixture(t, tt.file)
			got, err := UnbakeSVG(svg)
			if err != nil {
				t.Fatalf("UnbakeSVG: %v", err)
			}
			if tt.extracted != "" {
				want := testutil.ReadShared(t, "test-vectors", "ob-v3p0-vc-jwt", tt.extracted)
				if !bytes.Equal(got, want) {
					t.Errorf("UnbakeSVG differs from the extracted JWT:\n got %q\nwant %q", got, want)
				}
			} else if !bytes.HasPrefix(got, []byte("{")) || !bytes.Contains(got, []byte(`"id": "http://example.com/credentials/3527"`)) {
				t.Errorf("UnbakeSVG = %.80q..., not the simple credential", got)
			}
			baked, err := BakeSVG(svg, []byte(testJWT))
			if err != nil {
				t.Fatalf("BakeSVG: %v", err)
			}
			if n := countCredentials(t, baked); n != 1 {
				t.Errorf("%d credential elements, want 1", n)
			}
			if n := bytes.Count(baked, []byte("xmlns:openbadges=")); n != 1 {
				t.Errorf("namespace declared %d times, want 1 (the fixture already has it)", n)
			}
			if got, _ := UnbakeSVG(baked); string(got) != testJWT {
				t.Errorf("after re-bake UnbakeSVG = %q", got)
			}
		})
	}
}

func TestSVGPrefixes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		svg     string
		want    string
		wantErr error
	}{
		{"other prefix", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="` + Namespace + `"><ob:credential verify="a.b.c"/></svg>`, "a.b.c", nil},
		{"declared on element", `<svg xmlns="http://www.w3.org/2000/svg"><x:credential xmlns:x="` + Namespace + `"> {"a":1} </x:credential></svg>`, `{"a":1}`, nil},
		{"escaped text", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="` + Namespace + `"><openbadges:credential>{&quot;a&quot;:1}</openbadges:credential></svg>`, `{"a":1}`, nil},
		{"split cdata", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="` + Namespace + `"><openbadges:credential><![CDATA[{"a":"]]]]><![CDATA[>"}]]></openbadges:credential></svg>`, `{"a":"]]>"}`, nil},
		{"first wins", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="` + Namespace + `"><g><openbadges:credential verify="x.y.z"/></g><openbadges:credential verify="a.b.c"/></svg>`, "x.y.z", nil},
		{"ob2 namespace", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="a.b.c"/></svg>`, "", ErrNotBaked},
		{"wrong namespace same name", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:credential verify="a.b.c"/></svg>`, "", ErrNotBaked},
		{"unbound prefix", `<svg xmlns="http://www.w3.org/2000/svg"><openbadges:credential verify="a.b.c"/></svg>`, "", ErrNotBaked},
		{"empty element", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="` + Namespace + `"><openbadges:credential/></svg>`, "", ErrMalformedImage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := UnbakeSVG([]byte(tt.svg))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("UnbakeSVG error = %v, want %v", err, tt.wantErr)
			}
			if string(got) != tt.want {
				t.Errorf("UnbakeSVG = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestBakeSVGPrefixConflict: a root binding openbadges to the OB 2.0 namespace keeps
// that binding; the new element declares the OB 3.0 namespace itself.
func TestBakeSVGPrefixConflict(t *testing.T) {
	t.Parallel()
	in := `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="old"/></svg>`
	got, err := BakeSVG([]byte(in), []byte(testJWT))
	if err != nil {
		t.Fatal(err)
	}
	want := `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">` +
		`<openbadges:credential xmlns:openbadges="` + Namespace + `" verify="` + testJWT + `"/>` +
		`<openbadges:assertion verify="old"/></svg>`
	if string(got) != want {
		t.Errorf("BakeSVG =\n%s\nwant\n%s", got, want)
	}
}

func TestSVGHostile(t *testing.T) {
	t.Parallel()
	ns := ` xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="` + Namespace + `"`
	deep := "<svg" + ns + ">" + strings.Repeat("<g>", MaxDepth) + strings.Repeat("</g>", MaxDepth) + "</svg>"
	tests := []struct {
		name    string
		svg     string
		opts    []Option
		wantErr error
	}{
		{"billion laughs", `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><svg` + ns + `>&b;</svg>`, nil, ErrForbiddenMarkup},
		{"xxe", `<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg` + ns + `><openbadges:credential>&x;</openbadges:credential></svg>`, nil, ErrForbiddenMarkup},
		{"parameter entity", `<!DOCTYPE svg SYSTEM "x.dtd" [ %p; ]><svg` + ns + `/>`, nil, ErrForbiddenMarkup},
		{"entity outside doctype", `<!ENTITY x "y"><svg` + ns + `/>`, nil, ErrForbiddenMarkup},
		{"two doctypes", `<!DOCTYPE svg><!DOCTYPE svg><svg` + ns + `/>`, nil, ErrForbiddenMarkup},
		{"undeclared entity", `<svg` + ns + `><openbadges:credential>&x;</openbadges:credential></svg>`, nil, ErrMalformedImage},
		{"too deep", deep, nil, ErrTooLarge},
		{"too big", plainSVG, []Option{WithMaxSize(10)}, ErrTooLarge},
		{"not svg root", `<html` + ns + `><openbadges:credential verify="a.b.c"/></html>`, nil, ErrMalformedImage},
		{"wrong root namespace", `<svg xmlns="http://example.org/"/>`, nil, ErrMalformedImage},
		{"two roots", `<svg` + ns + `/><svg` + ns + `/>`, nil, ErrMalformedImage},
		{"text outside root", `junk<svg` + ns + `/>`, nil, ErrMalformedImage},
		{"byte order mark not first", " \uFEFF<svg" + ns + `/>`, nil, ErrMalformedImage},
		{"unclosed", `<svg` + ns + `><g>`, nil, ErrMalformedImage},
		{"empty", ``, nil, ErrMalformedImage},
		{"not utf-8", "<svg" + ns + "><g a=\"\xff\"/></svg>", nil, ErrMalformedImage},
		{"latin-1 declared", `<?xml version="1.0" encoding="ISO-8859-1"?><svg` + ns + `/>`, nil, ErrMalformedImage},
		{"not baked", `<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg` + ns + `/>`, nil, ErrNotBaked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := UnbakeSVG([]byte(tt.svg), tt.opts...); !errors.Is(err, tt.wantErr) {
				t.Errorf("UnbakeSVG error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == ErrNotBaked {
				return
			}
			if _, err := BakeSVG([]byte(tt.svg), []byte(testJWT), tt.opts...); !errors.Is(err, tt.wantErr) {
				t.Errorf("BakeSVG error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestSVGTokenCap(t *testing.T) {
	t.Parallel()
	const limit = 1000
	lowCap := func(c *config) { c.maxTokens = limit }
	// <svg> + n × (<g/> = start + end) + </svg>
	svg := func(n int) []byte {
		return []byte("<svg xmlns=\"http://www.w3.org/2000/svg\">" + strings.Repeat("<g/>", n) + "</svg>")
	}
	if _, err := UnbakeSVG(svg(limit/2-1), lowCap); !errors.Is(err, ErrNotBaked) {
		t.Errorf("UnbakeSVG under the token cap: %v, want ErrNotBaked", err)
	}
	if _, err := UnbakeSVG(svg(limit/2), lowCap); !errors.Is(err, ErrTooLarge) {
		t.Errorf("UnbakeSVG over the token cap: %v, want ErrTooLarge", err)
	}
	if c := newConfig(nil); c.maxTokens != MaxTokens {
		t.Errorf("default token cap %d, want %d", c.maxTokens, MaxTokens)
	}
}

func TestBakeSVGPayload(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		credential string
		wantErr    error
	}{
		{"plain text", "hello", ErrInvalidPayload},
		{"jwt with quote", `a.b".c`, ErrInvalidPayload},
		{"xml-illegal character", "{\"a\":\"\uFFFE\"}", ErrInvalidPayload},
		{"json array", `[1]`, ErrInvalidPayload},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := BakeSVG([]byte(plainSVG), []byte(tt.credential)); !errors.Is(err, tt.wantErr) {
				t.Errorf("BakeSVG error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}
