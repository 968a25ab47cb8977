package bake

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"unicode/utf8"
)

// pngSignature opens every PNG file.
var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// IsPNG reports whether b starts with the PNG signature.
func IsPNG(b []byte) bool { return bytes.HasPrefix(b, pngSignature) }

// chunk is one PNG chunk; raw spans length, type, data and CRC in the source image.
type chunk struct {
	typ  string
	data []byte
	raw  []byte
}

// parsePNG splits img into chunks, checking the signature, every length and CRC, the
// IHDR header, the presence of IDAT and that IEND ends the file. It never inflates or
// decodes image data.
func parsePNG(img []byte, c config) ([]chunk, error) {
	if len(img) > c.maxSize {
		return nil, fmt.Errorf("%w: %d bytes exceeds the limit of %d", ErrTooLarge, len(img), c.maxSize)
	}
	if !IsPNG(img) {
		return nil, fmt.Errorf("%w: missing PNG signature", ErrMalformedImage)
	}
	var chunks []chunk
	rest := img[len(pngSignature):]
	sawIDAT := false
	for len(rest) > 0 {
		if len(chunks) >= c.maxChunks {
			return nil, fmt.Errorf("%w: more than %d chunks", ErrTooLarge, c.maxChunks)
		}
		if len(rest) < 12 {
			return nil, fmt.Errorf("%w: truncated chunk header", ErrMalformedImage)
		}
		n := binary.BigEndian.Uint32(rest)
		if n > 1<<31-1 || uint64(n) > uint64(len(rest)-12) {
			return nil, fmt.Errorf("%w: chunk length %d runs past the end of the image", ErrMalformedImage, n)
		}
		typ := rest[4:8]
		for _, b := range typ {
			if !(b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z') {
				return nil, fmt.Errorf("%w: invalid chunk type %q", ErrMalformedImage, typ)
			}
		}
		end := 8 + int(n)
		data := rest[8:end]
		if got, want := crc32.ChecksumIEEE(rest[4:end]), binary.BigEndian.Uint32(rest[end:]); got != want {
			return nil, fmt.Errorf("%w: bad CRC in %s chunk", ErrMalformedImage, typ)
		}
		ch := chunk{typ: string(typ), data: data, raw: rest[:end+4]}
		rest = rest[end+4:]

		switch {
		case len(chunks) == 0:
			if ch.typ != "IHDR" {
				return nil, fmt.Errorf("%w: first chunk is %s, not IHDR", ErrMalformedImage, ch.typ)
			}
			if err := checkIHDR(data); err != nil {
				return nil, err
			}
		case ch.typ == "IHDR":
			return nil, fmt.Errorf("%w: second IHDR chunk", ErrMalformedImage)
		case ch.typ == "IDAT":
			sawIDAT = true
		case ch.typ == "IEND":
			if n != 0 {
				return nil, fmt.Errorf("%w: IEND chunk with data", ErrMalformedImage)
			}
			if len(rest) != 0 {
				return nil, fmt.Errorf("%w: %d bytes after IEND", ErrMalformedImage, len(rest))
			}
			if !sawIDAT {
				return nil, fmt.Errorf("%w: no IDAT chunk", ErrMalformedImage)
			}
		}
		chunks = append(chunks, ch)
	}
	if len(chunks) == 0 || chunks[len(chunks)-1].typ != "IEND" {
		return nil, fmt.Errorf("%w: missing IEND chunk", ErrMalformedImage)
	}
	return chunks, nil
}

// checkIHDR validates the 13-byte image header without touching pixel data.
func checkIHDR(d []byte) error {
	if len(d) != 13 {
		return fmt.Errorf("%w: IHDR length %d", ErrMalformedImage, len(d))
	}
	w, h := binary.BigEndian.Uint32(d[0:]), binary.BigEndian.Uint32(d[4:])
	if w == 0 || h == 0 {
		return fmt.Errorf("%w: image is %dx%d", ErrMalformedImage, w, h)
	}
	if w > MaxDimension || h > MaxDimension {
		return fmt.Errorf("%w: image is %dx%d, above %d pixels a side", ErrTooLarge, w, h, MaxDimension)
	}
	depth, colour := d[8], d[9]
	var ok bool
	switch colour {
	case 0: // grey
		ok = depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16
	case 3: // palette
		ok = depth == 1 || depth == 2 || depth == 4 || depth == 8
	case 2, 4, 6: // RGB, grey+alpha, RGBA
		ok = depth == 8 || depth == 16
	}
	if !ok {
		return fmt.Errorf("%w: bit depth %d with colour type %d", ErrMalformedImage, depth, colour)
	}
	if d[10] != 0 || d[11] != 0 || d[12] > 1 {
		return fmt.Errorf("%w: unknown compression, filter or interlace method", ErrMalformedImage)
	}
	return nil
}

// itxtKeyword returns the keyword of an iTXt chunk's data.
func itxtKeyword(data []byte) (string, []byte, error) {
	i := bytes.IndexByte(data, 0)
	if i < 1 || i > 79 {
		return "", nil, fmt.Errorf("%w: iTXt chunk without a valid keyword", ErrMalformedImage)
	}
	return string(data[:i]), data[i+1:], nil
}

// itxtText decodes what follows the keyword of an uncompressed iTXt chunk.
func itxtText(rest []byte) ([]byte, error) {
	if len(rest) < 2 {
		return nil, fmt.Errorf("%w: truncated iTXt chunk", ErrMalformedImage)
	}
	flag, method := rest[0], rest[1]
	if flag == 1 {
		return nil, fmt.Errorf("%w: compressed credential chunk refused (OB 3.0 forbids compression)", ErrMalformedImage)
	}
	if flag != 0 || method != 0 {
		return nil, fmt.Errorf("%w: iTXt compression flag %d, method %d", ErrMalformedImage, flag, method)
	}
	rest = rest[2:]
	for range 2 { // language tag, translated keyword
		i := bytes.IndexByte(rest, 0)
		if i < 0 {
			return nil, fmt.Errorf("%w: truncated iTXt chunk", ErrMalformedImage)
		}
		rest = rest[i+1:]
	}
	if !utf8.Valid(rest) {
		return nil, fmt.Errorf("%w: credential chunk is not UTF-8", ErrMalformedImage)
	}
	if len(bytes.TrimSpace(rest)) == 0 {
		return nil, fmt.Errorf("%w: empty credential chunk", ErrMalformedImage)
	}
	return rest, nil
}

// UnbakePNG returns the text of the first iTXt chunk with keyword openbadgecredential:
// a compact JWS or the credential JSON, byte for byte. The whole chunk stream is
// checked first (CRCs, IHDR, IEND). It returns ErrNotBaked when there is no such chunk.
// The result aliases img.
func UnbakePNG(img []byte, opts ...Option) ([]byte, error) {
	chunks, err := parsePNG(img, newConfig(opts))
	if err != nil {
		return nil, err
	}
	for _, ch := range chunks {
		if ch.typ != "iTXt" {
			continue
		}
		kw, rest, err := itxtKeyword(ch.data)
		if err != nil {
			return nil, err
		}
		if kw == Keyword {
			return itxtText(rest)
		}
	}
	return nil, ErrNotBaked
}

// BakePNG returns a copy of img with credential (a JSON-LD credential or a compact
// JWS) in an iTXt chunk before IEND, after removing every openbadgecredential iTXt
// chunk img already had. Other chunks are copied byte for byte.
func BakePNG(img []byte, credential []byte, opts ...Option) ([]byte, error) {
	c := newConfig(opts)
	p, err := classify(credential)
	if err != nil {
		return nil, err
	}
	chunks, err := parsePNG(img, c)
	if err != nil {
		return nil, err
	}
	data := make([]byte, 0, len(Keyword)+5+len(p.text))
	data = append(data, Keyword...)
	data = append(data, 0, 0, 0, 0, 0) // keyword end, flag 0, method 0, empty language, empty translation
	data = append(data, p.text...)

	out := make([]byte, 0, len(img)+len(data)+12)
	out = append(out, pngSignature...)
	for _, ch := range chunks {
		switch ch.typ {
		case "iTXt":
			kw, _, err := itxtKeyword(ch.data)
			if err != nil {
				return nil, err
			}
			if kw == Keyword {
				continue
			}
		case "IEND":
			out = appendChunk(out, "iTXt", data)
		}
		out = append(out, ch.raw...)
	}
	if len(out) > c.maxSize {
		return nil, fmt.Errorf("%w: baked image would be %d bytes, above %d", ErrTooLarge, len(out), c.maxSize)
	}
	return out, nil
}

// appendChunk appends a chunk with a correct CRC to out.
func appendChunk(out []byte, typ string, data []byte) []byte {
	out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
	start := len(out)
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[start:]))
}
