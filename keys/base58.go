package keys

import "fmt"

// MaxBase58Len bounds the input of Base58Decode (and of every multibase decoder in
// this package). Decoding is quadratic in the input length, so the bound keeps a
// hostile value cheap: the longest value obadge expects, a 66-byte ed25519-priv
// secret key, is 91 characters.
const MaxBase58Len = 1024

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// base58Index maps a byte to its digit value, or 0xff for bytes outside the alphabet.
var base58Index = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i := range len(base58Alphabet) {
		t[base58Alphabet[i]] = byte(i)
	}
	return t
}()

// Base58Encode encodes b in the Bitcoin base58 alphabet: each leading zero byte
// becomes a '1', the rest is the big-endian number in base 58.
func Base58Encode(b []byte) string {
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	// log(256)/log(58) < 1.37, so this many digits always suffice.
	size := (len(b)-zeros)*137/100 + 1
	digits := make([]byte, size)
	used := 0 // number of low-order digits in use
	for _, c := range b[zeros:] {
		carry := int(c)
		i := 0
		for j := size - 1; (carry != 0 || i < used) && j >= 0; j, i = j-1, i+1 {
			carry += 256 * int(digits[j])
			digits[j] = byte(carry % 58)
			carry /= 58
		}
		used = i
	}
	out := make([]byte, 0, zeros+used)
	for range zeros {
		out = append(out, '1')
	}
	for _, d := range digits[size-used:] {
		out = append(out, base58Alphabet[d])
	}
	return string(out)
}

// Base58Decode decodes a Bitcoin-alphabet base58 string. It refuses inputs longer
// than MaxBase58Len and any byte outside the alphabet (including '0', 'O', 'I',
// 'l', whitespace and non-ASCII) with an error wrapping ErrInvalidMultibase. Each
// leading '1' decodes to a zero byte; "" decodes to an empty slice.
func Base58Decode(s string) ([]byte, error) {
	if len(s) > MaxBase58Len {
		return nil, fmt.Errorf("%w: base58 input of %d characters exceeds %d", ErrInvalidMultibase, len(s), MaxBase58Len)
	}
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	// log(58)/log(256) < 0.733, so this many bytes always suffice.
	size := (len(s)-zeros)*733/1000 + 1
	buf := make([]byte, size)
	used := 0
	for pos := zeros; pos < len(s); pos++ {
		v := base58Index[s[pos]]
		if v == 0xff {
			return nil, fmt.Errorf("%w: byte 0x%02x at offset %d is not in the base58 alphabet", ErrInvalidMultibase, s[pos], pos)
		}
		carry := int(v)
		i := 0
		for j := size - 1; (carry != 0 || i < used) && j >= 0; j, i = j-1, i+1 {
			carry += 58 * int(buf[j])
			buf[j] = byte(carry)
			carry >>= 8
		}
		used = i
	}
	out := make([]byte, zeros+used)
	copy(out[zeros:], buf[size-used:])
	return out, nil
}

// EncodeMultibaseBase58 returns the multibase base58-btc form of b: "z" + Base58Encode(b),
// as used for Data Integrity proofValue and Multikey values.
func EncodeMultibaseBase58(b []byte) string { return "z" + Base58Encode(b) }

// DecodeMultibaseBase58 decodes a multibase base58-btc value: it must start with 'z'
// and carry at least one character after it. Other multibase encodings (base64url
// 'u', base16 'f', ...) are refused. Errors wrap ErrInvalidMultibase.
func DecodeMultibaseBase58(s string) ([]byte, error) {
	if s == "" {
		return nil, fmt.Errorf("%w: empty value", ErrInvalidMultibase)
	}
	if s[0] != 'z' {
		return nil, fmt.Errorf("%w: multibase prefix %q, want 'z' (base58-btc)", ErrInvalidMultibase, s[0])
	}
	if len(s) == 1 {
		return nil, fmt.Errorf("%w: no data after the 'z' prefix", ErrInvalidMultibase)
	}
	return Base58Decode(s[1:])
}
