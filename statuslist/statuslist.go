package statuslist

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
)

// MinEntries is the minimum number of entries a list must have (BSL: "at least 16KB").
const MinEntries = 131072

// DefaultMaxBytes bounds a decoded bitstring: 16 MiB holds 134 million entries.
const DefaultMaxBytes = 16 << 20

// Errors, named after the BSL error codes where one applies.
var (
	ErrEncoding = errors.New("statuslist: encodedList is not multibase base64url GZIP")
	ErrTooLarge = errors.New("statuslist: decoded list exceeds the size limit")
	ErrLength   = errors.New("statuslist: list is shorter than the minimum (STATUS_LIST_LENGTH_ERROR)")
	ErrRange    = errors.New("statuslist: index out of range (RANGE_ERROR)")
)

// Encode compresses a bitstring and returns its encodedList value.
func Encode(bits []byte) (string, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return "", err
	}
	if _, err := zw.Write(bits); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return "u" + base64.RawURLEncoding.EncodeToString(buf.Bytes()), nil
}

// Decode expands an encodedList into the bitstring, refusing anything that
// decompresses to more than maxBytes (DefaultMaxBytes when maxBytes <= 0).
func Decode(encoded string, maxBytes int) ([]byte, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if len(encoded) < 2 || encoded[0] != 'u' {
		return nil, fmt.Errorf("%w: missing multibase prefix u", ErrEncoding)
	}
	// A compressed list is far smaller than its expansion; refuse absurd input early.
	if len(encoded) > maxBytes {
		return nil, ErrTooLarge
	}
	raw, err := base64.RawURLEncoding.DecodeString(encoded[1:])
	if err != nil {
		// Some issuers pad; accept padding but nothing else.
		if raw, err = base64.URLEncoding.DecodeString(encoded[1:]); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrEncoding, err)
		}
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrEncoding, err)
	}
	defer zr.Close()
	bits, err := io.ReadAll(io.LimitReader(zr, int64(maxBytes)+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrEncoding, err)
	}
	if len(bits) > maxBytes {
		return nil, ErrTooLarge
	}
	return bits, nil
}

// Entries is the number of entries of size statusSize bits the bitstring holds.
func Entries(bits []byte, statusSize int) int {
	if statusSize <= 0 {
		statusSize = 1
	}
	return len(bits) * 8 / statusSize
}

// Get returns the status value of entry index (statusSize bits, most significant
// first).
func Get(bits []byte, index, statusSize int) (uint64, error) {
	if statusSize <= 0 || statusSize > 64 {
		return 0, fmt.Errorf("%w: statusSize %d", ErrRange, statusSize)
	}
	if index < 0 || index >= Entries(bits, statusSize) {
		return 0, fmt.Errorf("%w: index %d of %d entries", ErrRange, index, Entries(bits, statusSize))
	}
	var v uint64
	start := index * statusSize
	for i := start; i < start+statusSize; i++ {
		v <<= 1
		if bits[i/8]&(0x80>>(i%8)) != 0 {
			v |= 1
		}
	}
	return v, nil
}

// Set writes value into entry index.
func Set(bits []byte, index, statusSize int, value uint64) error {
	if statusSize <= 0 || statusSize > 64 {
		return fmt.Errorf("%w: statusSize %d", ErrRange, statusSize)
	}
	if index < 0 || index >= Entries(bits, statusSize) {
		return fmt.Errorf("%w: index %d of %d entries", ErrRange, index, Entries(bits, statusSize))
	}
	start := index * statusSize
	for i := start + statusSize - 1; i >= start; i-- {
		mask := byte(0x80 >> (i % 8))
		if value&1 != 0 {
			bits[i/8] |= mask
		} else {
			bits[i/8] &^= mask
		}
		value >>= 1
	}
	return nil
}
