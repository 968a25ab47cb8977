package rdfc

import (
	"fmt"
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

func TestIssuer(t *testing.T) {
	is := &issuer{}
	for b := int32(0); b < 100; b++ {
		if n := is.issue(b * 3); n != int(b) {
			t.Fatalf("issue %d returned %d", b*3, n)
		}
	}
	cp := is.clone()
	cp.issue(1000)
	// Enough lookups to switch to the map, on both issuers.
	for round := range 3 * scansBeforeIndex {
		for _, x := range []*issuer{is, cp} {
			if got := x.lookup(99 * 3); got != 99 {
				t.Fatalf("round %d: lookup(297) = %d", round, got)
			}
			if got := x.lookup(4); got != -1 {
				t.Fatalf("round %d: lookup(4) = %d", round, got)
			}
		}
	}
	if is.lookup(1000) != -1 || cp.lookup(1000) != 100 {
		t.Error("clone shares issued identifiers with its source")
	}
	cp.issue(1001)
	if cp.lookup(1001) != 101 {
		t.Error("identifier issued after the map was built is not found")
	}
}

func TestPermuter(t *testing.T) {
	rank := []int32{3, 0, 2, 1} // label order of blank nodes 0..3
	tests := []struct {
		list []int32
		want int // distinct permutations
		all  int // permutations returned
	}{
		{[]int32{0}, 1, 1},
		{[]int32{0, 1, 2}, 6, 6},
		{[]int32{0, 1, 2, 3}, 24, 24},
		{[]int32{2, 2}, 1, 1},
	}
	for _, tt := range tests {
		p := newPermuter(tt.list, rank)
		seen := map[string]bool{}
		n := 0
		first := true
		for p.hasNext() {
			perm := p.next()
			if first {
				for i := 1; i < len(perm); i++ {
					if rank[perm[i-1]] > rank[perm[i]] {
						t.Errorf("%v: first permutation %v not in label order", tt.list, perm)
					}
				}
				first = false
			}
			seen[fmt.Sprint(perm)] = true
			n++
			if n > 1000 {
				t.Fatalf("%v: does not terminate", tt.list)
			}
		}
		if len(seen) != tt.want || n != tt.all {
			t.Errorf("%v: %d permutations (%d distinct), want %d (%d)", tt.list, n, len(seen), tt.all, tt.want)
		}
	}
}
