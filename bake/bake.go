package bake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Errors returned by this package; callers match them with errors.Is.
var (
	// ErrNotBaked: the image is well formed but carries no OB 3.0 credential.
	ErrNotBaked = errors.New("bake: image carries no credential")
	// ErrMalformedImage: the bytes are not a well-formed PNG or SVG, or the credential
	// chunk or element inside them is malformed (compressed, empty, not UTF-8).
	ErrMalformedImage = errors.New("bake: malformed image")
	// ErrTooLarge: the image, or the image the bake would produce, exceeds a size,
	// count or depth limit.
	ErrTooLarge = errors.New("bake: image too large")
	// ErrForbiddenMarkup: the SVG holds markup refused on principle (an internal DTD
	// subset, an ENTITY declaration, or another markup declaration).
	ErrForbiddenMarkup = errors.New("bake: forbidden markup")
	// ErrInvalidPayload: the credential handed to a Bake function is neither a JSON
	// object nor a compact JWS.
	ErrInvalidPayload = errors.New("bake: credential is neither JSON nor a compact JWS")
)

// Limits applied when no option overrides them.
const (
	// DefaultMaxSize is the largest image accepted or produced, in bytes (10 MiB).
	DefaultMaxSize = 10 << 20
	// MaxDimension is the largest PNG width or height accepted, in pixels.
	MaxDimension = 16384
	// MaxChunks is the largest number of chunks accepted in a PNG.
	MaxChunks = 1 << 16
	// MaxDepth is the deepest element nesting accepted in an SVG.
	MaxDepth = 256
	// MaxTokens is the largest number of XML tokens accepted in an SVG.
	MaxTokens = 1 << 20
)

// Namespace is the XML namespace of the SVG credential element, and Keyword the iTXt
// keyword of the PNG credential chunk (OB 3.0).
const (
	Namespace = "https://purl.imsglobal.org/ob/v3p0"
	Keyword   = "openbadgecredential"
)

// Option adjusts a Bake or Unbake call.
type Option func(*config)

type config struct {
	maxSize   int
	maxTokens int // MaxTokens; lowered by tests
	maxChunks int // MaxChunks; lowered by tests
}

// WithMaxSize sets the largest image, in bytes, a call accepts or produces. A value
// of zero or less keeps DefaultMaxSize.
func WithMaxSize(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.maxSize = n
		}
	}
}

func newConfig(opts []Option) config {
	c := config{maxSize: DefaultMaxSize, maxTokens: MaxTokens, maxChunks: MaxChunks}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// payload is a credential ready for baking.
type payload struct {
	text  []byte // exact bytes to embed
	isJWT bool
}

// classify checks that credential is a JSON object (kept byte for byte) or a compact
// JWS (surrounding white space removed).
func classify(credential []byte) (payload, error) {
	trimmed := bytes.TrimSpace(credential)
	if len(trimmed) == 0 {
		return payload{}, fmt.Errorf("%w: empty", ErrInvalidPayload)
	}
	if trimmed[0] == '{' {
		if !utf8.Valid(credential) || !json.Valid(credential) {
			return payload{}, fmt.Errorf("%w: invalid JSON", ErrInvalidPayload)
		}
		return payload{text: credential}, nil
	}
	if !IsCompactJWS(trimmed) {
		return payload{}, ErrInvalidPayload
	}
	return payload{text: trimmed, isJWT: true}, nil
}

// IsCompactJWS reports whether b has the shape of a compact JWS: three dot-separated
// segments of base64url characters without padding, the first two non-empty. It does
// not decode the segments.
func IsCompactJWS(b []byte) bool {
	dots := 0
	segLen := 0
	for _, c := range b {
		switch {
		case c == '.':
			if segLen == 0 && dots < 2 {
				return false
			}
			dots++
			segLen = 0
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_':
			segLen++
		default:
			return false
		}
	}
	return dots == 2
}
