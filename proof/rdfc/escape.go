package rdfc

import (
	"strings"

	"github.com/piprate/json-gold/ld"
)

const hexUpper = "0123456789ABCDEF"

// appendLiteral writes a literal in canonical N-Quads form.
func (c *canonicalizer) appendLiteral(dst []byte, l ld.Literal) []byte {
	dst = append(dst, '"')
	if c.jsonGold {
		dst = appendEscapedJSONGold(dst, l.Value)
	} else {
		dst = appendEscapedLiteral(dst, l.Value)
	}
	dst = append(dst, '"')
	switch {
	case l.Datatype == ld.RDFLangString:
		dst = append(dst, '@')
		dst = append(dst, l.Language...)
	case l.Datatype != ld.XSDString:
		dst = append(dst, "^^<"...)
		dst = appendEscapedJSONGold(dst, l.Datatype)
		dst = append(dst, '>')
	}
	return dst
}

// appendEscapedLiteral escapes a literal's lexical form as RDFC-1.0 canonical
// N-Quads require: ECHAR for \b \t \n \f \r \" \\, UCHAR (\uXXXX, upper-case
// hex) for the other characters U+0000..U+001F and U+007F, the rest unchanged.
func appendEscapedLiteral(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		ch := s[i]
		var esc string
		switch ch {
		case '\b':
			esc = `\b`
		case '\t':
			esc = `\t`
		case '\n':
			esc = `\n`
		case '\f':
			esc = `\f`
		case '\r':
			esc = `\r`
		case '"':
			esc = `\"`
		case '\\':
			esc = `\\`
		default:
			if ch >= 0x20 && ch != 0x7f {
				continue
			}
		}
		dst = append(dst, s[start:i]...)
		if esc != "" {
			dst = append(dst, esc...)
		} else {
			dst = append(dst, '\\', 'u', '0', '0', hexUpper[ch>>4], hexUpper[ch&0xf])
		}
		start = i + 1
	}
	return append(dst, s[start:]...)
}

// appendEscapedJSONGold escapes as json-gold's N-Quads writer does: \\ \" \n \r \t.
// It is used for IRIs (where none of these may appear in a valid IRI) and, with
// Options.JSONGoldEscaping, for literals.
func appendEscapedJSONGold(dst []byte, s string) []byte {
	if !strings.ContainsAny(s, "\\\"\n\r\t") {
		return append(dst, s...)
	}
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; ch {
		case '\\':
			dst = append(dst, '\\', '\\')
		case '"':
			dst = append(dst, '\\', '"')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, ch)
		}
	}
	return dst
}
