package statuslist

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"testing"
)

func TestKnownLists(t *testing.T) {
	tests := []struct {
		name    string
		encoded string
		set     []int
	}{
		// BSL REC example: 16,384 zero bytes.
		{"rec example", "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA", nil},
		// 1EdTech validator fixture: only entry 23 set.
		{"1edtech testlist", "uH4sIAAAAAAAA_-3BMQEAAAzDoMy_6cnoA9QFAAAAAAAAAAAAAAAAAAAAbD3uPa2cAEAAAA", []int{23}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bits, err := Decode(tt.encoded, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(bits) != 16384 || Entries(bits, 1) != MinEntries {
				t.Fatalf("decoded %d bytes", len(bits))
			}
			want := map[int]bool{}
			for _, i := range tt.set {
				want[i] = true
			}
			for i := 0; i < Entries(bits, 1); i++ {
				v, err := Get(bits, i, 1)
				if err != nil {
					t.Fatal(err)
				}
				if (v == 1) != want[i] {
					t.Fatalf("entry %d = %d", i, v)
				}
			}
		})
	}
}

func TestRoundTripAndSizes(t *testing.T) {
	bits := make([]byte, MinEntries/8)
	for _, c := range []struct {
		index, size int
		v           uint64
	}{{0, 1, 1}, {131071, 1, 1}, {5, 2, 3}, {1000, 8, 0xab}} {
		if err := Set(bits, c.index, c.size, c.v); err != nil {
			t.Fatal(err)
		}
		if got, _ := Get(bits, c.index, c.size); got != c.v {
			t.Fatalf("Get(%d,%d) = %d, want %d", c.index, c.size, got, c.v)
		}
	}
	enc, err := Encode(bits)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(enc, 0)
	if err != nil || !bytes.Equal(back, bits) {
		t.Fatalf("round trip: %v", err)
	}
	if _, err := Get(bits, MinEntries, 1); !errors.Is(err, ErrRange) {
		t.Fatalf("want ErrRange, got %v", err)
	}
	if _, err := Get(bits, -1, 1); !errors.Is(err, ErrRange) {
		t.Fatalf("want ErrRange, got %v", err)
	}
}

func TestHostile(t *testing.T) {
	var bomb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for i := 0; i < 4; i++ {
		zw.Write(zeros)
	}
	zw.Close()
	tests := []struct {
		name    string
		encoded string
		max     int
		want    error
	}{
		{"no prefix", "H4sI", 0, ErrEncoding},
		{"bad base64", "u!!!!", 0, ErrEncoding},
		{"not gzip", "u" + base64.RawURLEncoding.EncodeToString([]byte("hello world")), 0, ErrEncoding},
		{"gzip bomb", "u" + base64.RawURLEncoding.EncodeToString(bomb.Bytes()), 1 << 20, ErrTooLarge},
		{"empty", "", 0, ErrEncoding},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Decode(tt.encoded, tt.max); !errors.Is(err, tt.want) {
				t.Fatalf("want %v, got %v", tt.want, err)
			}
		})
	}
}

// FuzzDecode: bad base64, bad gzip and bombs are refused without a crash or
// unbounded memory (the limit is 1 MiB here).
func FuzzDecode(f *testing.F) {
	f.Add("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA")
	f.Add("uH4sIAAAAAAAA_-3BMQEAAAzDoMy_6cnoA9QFAAAAAAAAAAAAAAAAAAAAbD3uPa2cAEAAAA")
	f.Add("u")
	f.Fuzz(func(t *testing.T, s string) {
		bits, err := Decode(s, 1<<20)
		if err != nil {
			return
		}
		if len(bits) > 1<<20 {
			t.Fatalf("decoded %d bytes past the limit", len(bits))
		}
		if n := Entries(bits, 1); n > 0 {
			if _, err := Get(bits, n-1, 1); err != nil {
				t.Fatal(err)
			}
		}
	})
}
