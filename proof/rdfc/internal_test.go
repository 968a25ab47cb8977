package rdfc

import (
	"slices"
	"strconv"
	"testing"
)

// TestDecimalOrder checks decimalOrder against sorting the decimal strings.
func TestDecimalOrder(t *testing.T) {
	for _, n := range []int{0, 1, 2, 9, 10, 11, 99, 100, 101, 1000, 1234, 10001} {
		strs := make([]string, n)
		for i := range strs {
			strs[i] = strconv.Itoa(i)
		}
		slices.Sort(strs)
		got := decimalOrder(n)
		for r, s := range strs {
			v, _ := strconv.Atoi(s)
			if got[v] != int32(r) {
				t.Fatalf("n=%d: position of %s is %d, want %d", n, s, got[v], r)
			}
		}
	}
}
