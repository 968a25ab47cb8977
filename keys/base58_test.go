package keys_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/obadge/obadge/keys"
)

// Vectors from draft-msporny-base58 and the Bitcoin reference implementation.
var base58Vectors = []struct {
	hex  string
	text string
}{
	{"", ""},
	{"00", "1"},
	{"0000", "11"},
	{"61", "2g"},
	{"626262", "a3gV"},
	{"636363", "aPEr"},
	{"48656c6c6f20576f726c6421", "2NEpo7TZRRrLZSi2U"},
	{hex.EncodeToString([]byte("The quick brown fox jumps over the lazy dog.")), "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z"},
	{"0000287fb4cd", "11233QC4"},
	{"00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"},
	{"516b6fcd0f", "ABnLTmg"},
	{"bf4f89001e670274dd", "3SEo3LWLoPntC"},
	{"572e4794", "3EFU7m"},
	{"ecac89cad93923c02321", "EJDM8drfXA6uyA"},
	{"10c8511e", "Rt5zm"},
	{"00000000000000000000", "1111111111"},
	{"ff", "5Q"},
	{"ffffffff", "7YXq9G"},
}

func TestBase58Vectors(t *testing.T) {
	t.Parallel()
	for _, tt := range base58Vectors {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			raw := mustHex(t, tt.hex)
			if got := keys.Base58Encode(raw); got != tt.text {
				t.Errorf("Base58Encode(%s) = %q, want %q", tt.hex, got, tt.text)
			}
			got, err := keys.Base58Decode(tt.text)
			if err != nil || !bytes.Equal(got, raw) {
				t.Errorf("Base58Decode(%q) = %x, %v; want %s", tt.text, got, err, tt.hex)
			}
		})
	}
}

func TestBase58RoundTripRandom(t *testing.T) {
	t.Parallel()
	for n := range 200 {
		b := make([]byte, n%90)
		_, _ = rand.Read(b)
		if n%3 == 0 && len(b) > 2 {
			b[0], b[1] = 0, 0 // leading zeros
		}
		enc := keys.Base58Encode(b)
		dec, err := keys.Base58Decode(enc)
		if err != nil || !bytes.Equal(dec, b) {
			t.Fatalf("round trip of %x: %q -> %x, %v", b, enc, dec, err)
		}
	}
}

func TestBase58DecodeRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
	}{
		{"zero", "10"},
		{"capital O", "2O"},
		{"capital I", "I"},
		{"lower l", "l1"},
		{"space", "2g "},
		{"newline", "2g\n"},
		{"plus", "2+g"},
		{"non-ASCII", "2g\u00e9"},
		{"NUL", "2\x00g"},
		{"high byte", "\xff"},
		{"too long", strings.Repeat("2", keys.MaxBase58Len+1)},
		{"too long of ones", strings.Repeat("1", keys.MaxBase58Len+1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got, err := keys.Base58Decode(tt.in); !errors.Is(err, keys.ErrInvalidMultibase) {
				t.Fatalf("Base58Decode(%q) = %x, %v; want ErrInvalidMultibase", tt.in, got, err)
			}
		})
	}
	// The limit itself is accepted.
	if _, err := keys.Base58Decode(strings.Repeat("z", keys.MaxBase58Len)); err != nil {
		t.Fatalf("input of MaxBase58Len: %v", err)
	}
}

func TestDecodeMultibaseBase58(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    string // hex
		wantErr error
	}{
		{in: "z2NEpo7TZRRrLZSi2U", want: "48656c6c6f20576f726c6421"},
		{in: "z1", want: "00"},
		{in: "", wantErr: keys.ErrInvalidMultibase},
		{in: "z", wantErr: keys.ErrInvalidMultibase},
		{in: "2NEpo7TZRRrLZSi2U", wantErr: keys.ErrInvalidMultibase},
		{in: "uSGVsbG8", wantErr: keys.ErrInvalidMultibase}, // base64url multibase
		{in: "f48656c6c6f", wantErr: keys.ErrInvalidMultibase},
		{in: "Z2NEpo7TZRRrLZSi2U", wantErr: keys.ErrInvalidMultibase},
		{in: "z0", wantErr: keys.ErrInvalidMultibase},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := keys.DecodeMultibaseBase58(tt.in)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if err == nil && hex.EncodeToString(got) != tt.want {
				t.Fatalf("got %x, want %s", got, tt.want)
			}
			if err == nil && keys.EncodeMultibaseBase58(got) != tt.in {
				t.Fatalf("EncodeMultibaseBase58 does not give back %q", tt.in)
			}
		})
	}
}

// FuzzDecodeMultibase: decoding never panics, stays bounded, and whatever decodes
// re-encodes to the same text (base58 has one spelling per byte string).
func FuzzDecodeMultibase(f *testing.F) {
	for _, v := range base58Vectors {
		f.Add("z" + v.text)
	}
	f.Add("z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi")
	f.Add("z0")
	f.Add("z")
	f.Add("u")
	f.Fuzz(func(t *testing.T, s string) {
		b, err := keys.DecodeMultibaseBase58(s)
		if err != nil {
			if !errors.Is(err, keys.ErrInvalidMultibase) {
				t.Fatalf("error does not wrap ErrInvalidMultibase: %v", err)
			}
			return
		}
		if len(b) > len(s) {
			t.Fatalf("%d bytes from %d characters", len(b), len(s))
		}
		if got := keys.EncodeMultibaseBase58(b); got != s {
			t.Fatalf("re-encoding %q gives %q", s, got)
		}
	})
}
