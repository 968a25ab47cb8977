package bake

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

const svgNamespace = "http://www.w3.org/2000/svg"

// span is a byte range [start, end) of the source document.
type span struct{ start, end int }

// svgScan is what one pass of the hardened tokenizer learned about a document.
type svgScan struct {
	root        span   // the root start tag, from '<' to just after '>'
	rootClosed  bool   // the root start tag is self-closing (<svg .../>)
	nsDeclared  bool   // the root binds the openbadges prefix to Namespace
	nsConflict  bool   // the root binds the openbadges prefix to another URI
	creds       []span // outermost credential elements, in document order
	firstVerify string // verify attribute of the first credential element
	hasVerify   bool
	firstText   []byte // character data directly inside the first credential element
}

// isCredential reports whether name is the OB 3.0 credential element, whatever the
// prefix bound to the namespace.
func isCredential(n xml.Name) bool { return n.Space == Namespace && n.Local == "credential" }

// scanSVG tokenizes svg with encoding/xml under the package limits. With stopAtFirst it
// returns once the first credential element has been read.
func scanSVG(svg []byte, c config, stopAtFirst bool) (*svgScan, error) {
	if len(svg) > c.maxSize {
		return nil, fmt.Errorf("%w: %d bytes exceeds the limit of %d", ErrTooLarge, len(svg), c.maxSize)
	}
	if !utf8.Valid(svg) {
		return nil, fmt.Errorf("%w: SVG is not UTF-8", ErrMalformedImage)
	}
	d := xml.NewDecoder(bytes.NewReader(svg))
	d.Strict = true
	// No Entity map and no CharsetReader: only the five predefined entities are
	// known and documents declaring another encoding are rejected.
	var (
		s         svgScan
		depth     int
		tokens    int
		rootDone  bool
		sawRoot   bool
		sawDTD    bool
		credDepth int // depth of the open outermost credential element, 0 if none
		credStart int
	)
	for {
		start := int(d.InputOffset())
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrMalformedImage, err)
		}
		tokens++
		if tokens > c.maxTokens {
			return nil, fmt.Errorf("%w: more than %d XML tokens", ErrTooLarge, c.maxTokens)
		}
		end := int(d.InputOffset())
		switch t := tok.(type) {
		case xml.Directive:
			if sawRoot || sawDTD {
				return nil, fmt.Errorf("%w: markup declaration outside the prolog", ErrForbiddenMarkup)
			}
			if err := checkDoctype(t); err != nil {
				return nil, err
			}
			sawDTD = true
		case xml.StartElement:
			depth++
			if depth > MaxDepth {
				return nil, fmt.Errorf("%w: elements nested deeper than %d", ErrTooLarge, MaxDepth)
			}
			if depth == 1 {
				if sawRoot {
					return nil, fmt.Errorf("%w: more than one root element", ErrMalformedImage)
				}
				if t.Name.Local != "svg" || (t.Name.Space != svgNamespace && t.Name.Space != "") {
					return nil, fmt.Errorf("%w: root element is not <svg>", ErrMalformedImage)
				}
				sawRoot = true
				s.root = span{start, end}
				s.rootClosed = end >= 2 && svg[end-2] == '/'
				for _, a := range t.Attr {
					if a.Name.Space == "xmlns" && a.Name.Local == "openbadges" {
						s.nsDeclared = a.Value == Namespace
						s.nsConflict = a.Value != Namespace
					}
				}
				continue
			}
			if credDepth == 0 && isCredential(t.Name) {
				credDepth, credStart = depth, start
				if len(s.creds) == 0 {
					for _, a := range t.Attr {
						if a.Name.Space == "" && a.Name.Local == "verify" {
							s.firstVerify, s.hasVerify = a.Value, true
						}
					}
				}
			}
		case xml.EndElement:
			if depth == credDepth {
				s.creds = append(s.creds, span{credStart, end})
				credDepth = 0
				if stopAtFirst {
					return &s, nil
				}
			}
			depth--
			if depth == 0 {
				rootDone = true
			}
		case xml.CharData:
			if depth == 0 {
				if start == 0 {
					t = bytes.TrimPrefix(t, []byte("\uFEFF")) // a UTF-8 byte order mark
				}
				if len(bytes.TrimSpace(t)) != 0 {
					return nil, fmt.Errorf("%w: text outside the root element", ErrMalformedImage)
				}
				continue
			}
			if credDepth != 0 && depth == credDepth && len(s.creds) == 0 {
				s.firstText = append(s.firstText, t...)
			}
		}
	}
	if !sawRoot || !rootDone {
		return nil, fmt.Errorf("%w: no complete <svg> root element", ErrMalformedImage)
	}
	return &s, nil
}

// checkDoctype accepts a plain <!DOCTYPE svg ...> naming an external DTD, which is
// never fetched, and refuses anything else: internal subsets (where ENTITY
// declarations live: XXE, billion laughs) and other markup declarations.
func checkDoctype(d xml.Directive) error {
	if !bytes.HasPrefix(d, []byte("DOCTYPE")) {
		return fmt.Errorf("%w: <!%.20s", ErrForbiddenMarkup, d)
	}
	if bytes.ContainsAny(d, "[]<>%&") || bytes.Contains(bytes.ToUpper(d), []byte("ENTITY")) {
		return fmt.Errorf("%w: DOCTYPE with an internal subset or entity declaration", ErrForbiddenMarkup)
	}
	return nil
}

// UnbakeSVG returns the credential in the first <openbadges:credential> element of
// svg (the element is found by namespace URI, whatever its prefix): its verify
// attribute (a compact JWS) or else its character data (the credential JSON, usually
// in CDATA), without surrounding white space. It returns ErrNotBaked when there is no
// such element.
func UnbakeSVG(svg []byte, opts ...Option) ([]byte, error) {
	s, err := scanSVG(svg, newConfig(opts), true)
	if err != nil {
		return nil, err
	}
	if len(s.creds) == 0 {
		return nil, ErrNotBaked
	}
	var out []byte
	if s.hasVerify {
		out = []byte(strings.TrimSpace(s.firstVerify))
	} else {
		out = bytes.TrimSpace(s.firstText)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: empty credential element", ErrMalformedImage)
	}
	return out, nil
}

// BakeSVG returns a copy of svg with credential (a JSON-LD credential or a compact
// JWS) in an <openbadges:credential> element placed directly after the root start tag:
// a JWS in its verify attribute, JSON in CDATA. It declares the openbadges namespace on
// the root when absent (or on the element itself when the root binds the prefix to
// another URI) and removes every credential element svg already had. All other bytes
// are kept as they were.
func BakeSVG(svg []byte, credential []byte, opts ...Option) ([]byte, error) {
	c := newConfig(opts)
	p, err := classify(credential)
	if err != nil {
		return nil, err
	}
	if !xmlChars(p.text) {
		return nil, fmt.Errorf("%w: characters not allowed in XML", ErrInvalidPayload)
	}
	s, err := scanSVG(svg, c, false)
	if err != nil {
		return nil, err
	}

	var elem bytes.Buffer
	elem.WriteString("<openbadges:credential")
	if s.nsConflict {
		elem.WriteString(` xmlns:openbadges="` + Namespace + `"`)
	}
	if p.isJWT {
		elem.WriteString(` verify="`)
		elem.Write(p.text) // base64url and dots only: nothing to escape
		elem.WriteString(`"/>`)
	} else {
		elem.WriteString("><![CDATA[")
		elem.Write(bytes.ReplaceAll(p.text, []byte("]]>"), []byte("]]]]><![CDATA[>")))
		elem.WriteString("]]></openbadges:credential>")
	}

	tagEnd := s.root.end - 1 // the '>' of the root start tag
	if s.rootClosed {
		tagEnd--
	}
	var out bytes.Buffer
	out.Grow(len(svg) + elem.Len() + 64)
	out.Write(svg[:tagEnd])
	if !s.nsDeclared && !s.nsConflict {
		out.WriteString(` xmlns:openbadges="` + Namespace + `"`)
	}
	out.WriteByte('>')
	out.Write(elem.Bytes())
	if s.rootClosed {
		out.WriteString("</" + rootName(svg[s.root.start:]) + ">")
	}
	pos := s.root.end
	for _, r := range s.creds {
		out.Write(svg[pos:r.start])
		pos = r.end
	}
	out.Write(svg[pos:])

	if out.Len() > c.maxSize {
		return nil, fmt.Errorf("%w: baked image would be %d bytes, above %d", ErrTooLarge, out.Len(), c.maxSize)
	}
	// Belt and braces: the result must read back as exactly what was baked.
	got, err := UnbakeSVG(out.Bytes(), opts...)
	if err != nil {
		return nil, fmt.Errorf("bake: baked SVG does not read back: %w", err)
	}
	// XML turns CR LF into LF; in JSON that only ever touches white space between tokens.
	if !bytes.Equal(got, normalizeNewlines(bytes.TrimSpace(p.text))) {
		return nil, fmt.Errorf("%w: baked SVG does not read back the credential", ErrMalformedImage)
	}
	return out.Bytes(), nil
}

// rootName returns the qualified name of the start tag that tag begins with.
func rootName(tag []byte) string {
	tag = tag[1:]
	i := bytes.IndexAny(tag, " \t\r\n/>")
	if i < 0 {
		return string(tag)
	}
	return string(tag[:i])
}

// xmlChars reports whether b is UTF-8 made only of characters XML 1.0 allows.
func xmlChars(b []byte) bool {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			return false
		}
		b = b[n:]
		switch {
		case r == '\t', r == '\n', r == '\r':
		case r >= 0x20 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
		default:
			return false
		}
	}
	return true
}

// normalizeNewlines applies XML end-of-line handling: CR LF and lone CR become LF.
func normalizeNewlines(b []byte) []byte {
	if bytes.IndexByte(b, '\r') < 0 {
		return b
	}
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(b, []byte("\r"), []byte("\n"))
}
