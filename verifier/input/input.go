package input

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/obadge/obadge/bake"
)

// Kind says whether the input is a credential or a presentation.
type Kind int

// Kinds of input.
const (
	Credential Kind = iota + 1
	Presentation
)

func (k Kind) String() string {
	switch k {
	case Credential:
		return "credential"
	case Presentation:
		return "presentation"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Format says how the input is secured: an embedded proof in JSON-LD, or a JWT.
type Format int

// Formats of input.
const (
	JSONLD Format = iota + 1
	JWT
)

func (f Format) String() string {
	switch f {
	case JSONLD:
		return "json-ld"
	case JWT:
		return "jwt"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// Values of Input.Source: the outermost form the credential arrived in.
const (
	SourceJSON      = "json"      // a JSON credential or presentation
	SourceJWT       = "jwt"       // a compact JWS, bare or in a JSON string
	SourcePNG       = "png"       // baked in a PNG
	SourceSVG       = "svg"       // baked in an SVG
	SourceEnveloped = "enveloped" // a JSON Enveloped* object carrying a JWT in a data: URL
)

// Input is a decoded credential or presentation, ready for the proof layer.
type Input struct {
	Kind   Kind
	Format Format
	// Source is the outermost form, one of the Source constants. A credential baked
	// in an image reports the image, whatever the text inside it.
	Source string
	// JSON holds the exact bytes of the credential or presentation (white space around
	// it removed) when Format is JSONLD; it never aliases the caller's buffer.
	JSON []byte
	// JWT holds the compact JWS when Format is JWT.
	JWT string
}

// Errors returned by Decode; callers match them with errors.Is.
var (
	// ErrUnrecognized: the input is none of the forms Decode knows, or an image
	// carries no credential.
	ErrUnrecognized = errors.New("input: unrecognized input")
	// ErrMalformed: the input has a recognised form but is broken (invalid JSON,
	// duplicate member names, a bad data: URL, an undecodable JWT segment, a corrupt image).
	ErrMalformed = errors.New("input: malformed input")
	// ErrTooLarge: the input exceeds a size or nesting limit.
	ErrTooLarge = errors.New("input: input too large")
)

// Default limits.
const (
	// DefaultMaxImageBytes caps PNG and SVG input (10 MiB).
	DefaultMaxImageBytes = 10 << 20
	// DefaultMaxTextBytes caps JSON and JWT input, including the text unbaked from an
	// image (4 MiB).
	DefaultMaxTextBytes = 4 << 20
	// MaxJSONDepth caps the nesting of JSON objects and arrays.
	MaxJSONDepth = 64
)

// Decoder decodes verifier input under size limits. The zero value uses the defaults
// and is ready to use; a Decoder is safe for concurrent use.
type Decoder struct {
	// MaxImageBytes caps PNG and SVG input. If zero or less, DefaultMaxImageBytes.
	MaxImageBytes int
	// MaxTextBytes caps JSON and JWT input. If zero or less, DefaultMaxTextBytes.
	MaxTextBytes int
}

// Decode decodes raw with the default limits; see Decoder.Decode.
func Decode(raw []byte, hint string) (*Input, error) {
	return Decoder{}.Decode(raw, hint)
}

func (d Decoder) limits() (img, text int) {
	img, text = d.MaxImageBytes, d.MaxTextBytes
	if img <= 0 {
		img = DefaultMaxImageBytes
	}
	if text <= 0 {
		text = DefaultMaxTextBytes
	}
	return img, text
}

var utf8BOM = []byte("\xef\xbb\xbf")

// Decode recognises raw (a JSON credential or presentation, an enveloped credential, a
// compact JWS, a JSON string holding one, or a baked PNG or SVG) and returns what it
// carries. hint is the file name or Content-Type the input came with, or ""; it is
// used only in error messages, never to choose how raw is read.
func (d Decoder) Decode(raw []byte, hint string) (*Input, error) {
	in, err := d.decode(raw)
	if err != nil && hint != "" {
		return nil, fmt.Errorf("input %q: %w", shortHint(hint), err)
	}
	return in, err
}

func (d Decoder) decode(raw []byte) (*Input, error) {
	maxImg, maxText := d.limits()
	if len(raw) > max(maxImg, maxText) {
		return nil, fmt.Errorf("%w: %d bytes", ErrTooLarge, len(raw))
	}
	if bake.IsPNG(raw) {
		if len(raw) > maxImg {
			return nil, fmt.Errorf("%w: PNG of %d bytes exceeds %d", ErrTooLarge, len(raw), maxImg)
		}
		text, err := bake.UnbakePNG(raw, bake.WithMaxSize(maxImg))
		if err != nil {
			return nil, imageError("PNG", err)
		}
		return d.decodeText(text, SourcePNG)
	}
	raw = bytes.TrimPrefix(raw, utf8BOM)
	trimmed := trimSpace(raw)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("%w: empty input", ErrUnrecognized)
	}
	if trimmed[0] == '<' {
		if len(raw) > maxImg {
			return nil, fmt.Errorf("%w: SVG of %d bytes exceeds %d", ErrTooLarge, len(raw), maxImg)
		}
		text, err := bake.UnbakeSVG(trimmed, bake.WithMaxSize(maxImg))
		if err != nil {
			return nil, imageError("SVG", err)
		}
		return d.decodeText(text, SourceSVG)
	}
	return d.decodeText(trimmed, "")
}

// imageError maps an unbaking failure to this package's errors, keeping the bake error.
func imageError(what string, err error) error {
	switch {
	case errors.Is(err, bake.ErrTooLarge):
		return fmt.Errorf("%w: %s: %w", ErrTooLarge, what, err)
	case errors.Is(err, bake.ErrNotBaked):
		return fmt.Errorf("%w: %s carries no credential: %w", ErrUnrecognized, what, err)
	default:
		return fmt.Errorf("%w: %s: %w", ErrMalformed, what, err)
	}
}

// decodeText decodes a JSON value or a compact JWS; container names the image it was
// unbaked from, or "" for text handed in directly. Images are not unwrapped here.
func (d Decoder) decodeText(b []byte, container string) (*Input, error) {
	_, maxText := d.limits()
	b = trimSpace(b)
	if len(b) > maxText {
		return nil, fmt.Errorf("%w: %d bytes of text exceeds %d", ErrTooLarge, len(b), maxText)
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty input", ErrUnrecognized)
	}
	if (b[0] == '{' || b[0] == '"') && !utf8.Valid(b) {
		return nil, fmt.Errorf("%w: JSON that is not UTF-8", ErrMalformed)
	}
	source := func(s string) string {
		if container != "" {
			return container
		}
		return s
	}
	switch {
	case b[0] == '{':
		return decodeJSON(b, source)
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return nil, fmt.Errorf("%w: JSON string: %w", ErrMalformed, err)
		}
		s = strings.TrimSpace(s)
		if !bake.IsCompactJWS([]byte(s)) {
			return nil, fmt.Errorf("%w: JSON string that is not a compact JWS", ErrUnrecognized)
		}
		return decodeJWT(s, source(SourceJWT), 0)
	case bake.IsCompactJWS(b):
		return decodeJWT(string(b), source(SourceJWT), 0)
	}
	return nil, fmt.Errorf("%w: neither JSON, a compact JWS, a PNG nor an SVG", ErrUnrecognized)
}

// envelope prefixes: data: URL media types accepted for each kind of enveloped object.
var envelopePrefixes = map[Kind][]string{
	Credential:   {"data:application/vc+jwt,", "data:application/vc-ld+jwt,", "data:application/jwt,"},
	Presentation: {"data:application/vp+jwt,", "data:application/vp-ld+jwt,", "data:application/jwt,"},
}

// decodeJSON classifies a JSON object by its type.
func decodeJSON(b []byte, source func(string) string) (*Input, error) {
	if err := checkJSON(b); err != nil {
		return nil, err
	}
	var doc struct {
		Type json.RawMessage `json:"type"`
		ID   json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	types, err := typeSet(doc.Type)
	if err != nil {
		return nil, err
	}
	var envelope Kind
	switch {
	case types["EnvelopedVerifiableCredential"]:
		envelope = Credential
	case types["EnvelopedVerifiablePresentation"]:
		envelope = Presentation
	}
	if envelope != 0 {
		var id string
		if err := json.Unmarshal(doc.ID, &id); err != nil {
			return nil, fmt.Errorf("%w: enveloped %s without a string id", ErrMalformed, envelope)
		}
		for _, p := range envelopePrefixes[envelope] {
			if len(id) > len(p) && strings.EqualFold(id[:len(p)], p) {
				jwt := id[len(p):]
				if !bake.IsCompactJWS([]byte(jwt)) {
					return nil, fmt.Errorf("%w: enveloped %s whose data is not a compact JWS", ErrMalformed, envelope)
				}
				return decodeJWT(jwt, source(SourceEnveloped), envelope)
			}
		}
		return nil, fmt.Errorf("%w: enveloped %s id is not a data: URL of a JWT media type", ErrMalformed, envelope)
	}
	kind, err := kindOf(types)
	if err != nil {
		return nil, err
	}
	return &Input{Kind: kind, Format: JSONLD, Source: source(SourceJSON), JSON: bytes.Clone(b)}, nil
}

// kindOf tells a credential from a presentation by type.
func kindOf(types map[string]bool) (Kind, error) {
	vc, vp := types["VerifiableCredential"], types["VerifiablePresentation"]
	switch {
	case vc && vp:
		return 0, fmt.Errorf("%w: typed both VerifiableCredential and VerifiablePresentation", ErrMalformed)
	case vp:
		return Presentation, nil
	case vc:
		return Credential, nil
	}
	return 0, fmt.Errorf("%w: JSON is not a VerifiableCredential or VerifiablePresentation", ErrUnrecognized)
}

// typeSet reads a JSON-LD type value: a string or an array of strings. A missing type
// gives an empty set.
func typeSet(raw json.RawMessage) (map[string]bool, error) {
	set := map[string]bool{}
	if len(raw) == 0 || string(raw) == "null" {
		return set, nil
	}
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		set[one] = true
		return set, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, fmt.Errorf("%w: type is neither a string nor an array of strings", ErrMalformed)
	}
	for _, t := range many {
		set[t] = true
	}
	return set, nil
}

// decodeJWT checks that s is a compact JWS with JSON object header and payload and
// tells a credential from a presentation: a vc or vp claim (VC-JWT), else the
// payload's own type (VC-JOSE-COSE). want, when not zero, is the kind an envelope
// announced and must match.
func decodeJWT(s, source string, want Kind) (*Input, error) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: not a compact JWS", ErrUnrecognized)
	}
	header, err := segment(parts[0], "header")
	if err != nil {
		return nil, err
	}
	var h struct {
		Alg *string `json:"alg"`
	}
	if err := json.Unmarshal(header, &h); err != nil || h.Alg == nil {
		return nil, fmt.Errorf("%w: JWS header without a string alg", ErrMalformed)
	}
	payload, err := segment(parts[1], "payload")
	if err != nil {
		return nil, err
	}
	var claims struct {
		VC   json.RawMessage `json:"vc"`
		VP   json.RawMessage `json:"vp"`
		Type json.RawMessage `json:"type"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		return nil, fmt.Errorf("%w: JWT payload: %w", ErrMalformed, err)
	}
	var kind Kind
	switch {
	case claims.VC != nil && claims.VP != nil:
		return nil, fmt.Errorf("%w: JWT carries both vc and vp claims", ErrMalformed)
	case claims.VP != nil:
		kind = Presentation
	case claims.VC != nil:
		kind = Credential
	default:
		types, err := typeSet(claims.Type)
		if err != nil {
			return nil, err
		}
		if kind, err = kindOf(types); err != nil {
			return nil, err
		}
	}
	if want != 0 && kind != want {
		return nil, fmt.Errorf("%w: enveloped %s holds a %s", ErrMalformed, want, kind)
	}
	return &Input{Kind: kind, Format: JWT, Source: source, JWT: s}, nil
}

// segment decodes one base64url JWS segment that must hold a JSON object.
func segment(seg, name string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return nil, fmt.Errorf("%w: JWS %s is not base64url: %w", ErrMalformed, name, err)
	}
	b = trimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return nil, fmt.Errorf("%w: JWS %s is not a JSON object", ErrMalformed, name)
	}
	if !utf8.Valid(b) {
		return nil, fmt.Errorf("%w: JWS %s is not UTF-8", ErrMalformed, name)
	}
	if err := checkJSON(b); err != nil {
		return nil, fmt.Errorf("JWS %s: %w", name, err)
	}
	return b, nil
}

// checkJSON accepts exactly one JSON object, nested at most MaxJSONDepth deep, in which
// no object repeats a member name (after unescaping). Duplicate names are refused
// because parsers disagree on which one wins, and the signature must cover what the
// verifier reads. After json.Valid has vouched for the syntax, one linear pass over the
// bytes tracks the open objects and their member names.
func checkJSON(b []byte) error {
	if !json.Valid(b) {
		return fmt.Errorf("%w: invalid JSON", ErrMalformed)
	}
	if t := trimSpace(b); len(t) == 0 || t[0] != '{' {
		return fmt.Errorf("%w: JSON is not an object", ErrUnrecognized)
	}
	type frame struct {
		obj  bool
		keys map[string]struct{}
	}
	var stack []frame
	expectKey := false
	for i := 0; i < len(b); {
		switch c := b[i]; c {
		case '{', '[':
			if len(stack) >= MaxJSONDepth {
				return fmt.Errorf("%w: JSON nested deeper than %d", ErrTooLarge, MaxJSONDepth)
			}
			stack = append(stack, frame{obj: c == '{'})
			expectKey = c == '{'
			i++
		case '}', ']':
			stack = stack[:len(stack)-1]
			expectKey = false
			i++
		case ',':
			expectKey = stack[len(stack)-1].obj
			i++
		case ':':
			expectKey = false
			i++
		case '"':
			end, escaped := scanString(b, i)
			if top := &stack[len(stack)-1]; top.obj && expectKey {
				key := string(b[i+1 : end-1])
				if escaped {
					if err := json.Unmarshal(b[i:end], &key); err != nil {
						return fmt.Errorf("%w: %w", ErrMalformed, err)
					}
				}
				if top.keys == nil {
					top.keys = map[string]struct{}{}
				}
				if _, dup := top.keys[key]; dup {
					return fmt.Errorf("%w: duplicate member name %q", ErrMalformed, shortHint(key))
				}
				top.keys[key] = struct{}{}
				expectKey = false
			}
			i = end
		default: // white space, numbers, true, false, null
			i++
		}
	}
	return nil
}

// scanString returns the index just past the string starting at b[i] (a quote), and
// whether it holds an escape. b is valid JSON.
func scanString(b []byte, i int) (end int, escaped bool) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			return j + 1, escaped
		}
	}
	return len(b), escaped
}

// trimSpace removes JSON/XML white space (space, tab, CR, LF) from both ends.
func trimSpace(b []byte) []byte {
	return bytes.Trim(b, " \t\r\n")
}

// shortHint keeps error messages bounded when they quote user input.
func shortHint(s string) string {
	if len(s) > 64 {
		s = strings.ToValidUTF8(s[:64], "") + "…"
	}
	return s
}
