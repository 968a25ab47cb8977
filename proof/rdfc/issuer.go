package rdfc

// issuer is a temporary identifier issuer (prefix "_:b"): the blank nodes it
// has issued identifiers for, in order; the identifier of order[i] is _:b<i>.
type issuer struct {
	order []int32
	index map[int32]int32 // built once a long issuer has been scanned often
	scans int
}

// indexFrom is the length from which an issuer scanned scansBeforeIndex times
// builds a map. Most issuers are cloned, looked up once or twice and dropped, so
// a scan is cheaper than building a map.
const (
	indexFrom        = 32
	scansBeforeIndex = 8
)

// lookup returns the number issued for b, or -1.
func (is *issuer) lookup(b int32) int {
	if is.index == nil && (len(is.order) < indexFrom || is.scans < scansBeforeIndex) {
		is.scans++
		for i, x := range is.order {
			if x == b {
				return i
			}
		}
		return -1
	}
	if is.index == nil {
		is.index = make(map[int32]int32, 2*len(is.order))
		for i, x := range is.order {
			is.index[x] = int32(i)
		}
	}
	if i, ok := is.index[b]; ok {
		return int(i)
	}
	return -1
}

// issue issues the next identifier for b, which must not have one, and returns its number.
func (is *issuer) issue(b int32) int {
	n := len(is.order)
	is.order = append(is.order, b)
	if is.index != nil {
		is.index[b] = int32(n)
	}
	return n
}

// clone returns an issuer with its own copy of the issued identifiers.
func (is *issuer) clone() *issuer {
	o := make([]int32, len(is.order), len(is.order)+4)
	copy(o, is.order)
	return &issuer{order: o}
}

// permuter enumerates the permutations of a list of blank nodes in the order of
// the Steinhaus-Johnson-Trotter algorithm, starting from the list sorted by
// label, as the reference implementations (and json-gold) do. Directions are
// kept per value, like theirs, so lists with repeated nodes are permuted the
// same way.
type permuter struct {
	list []int32 // blank node indices
	rank []int32 // label order of each blank node index
	left []bool  // direction, parallel to vals
	vals []int32 // distinct values
	done bool
}

func newPermuter(list []int32, rank []int32) *permuter {
	p := &permuter{list: append([]int32(nil), list...), rank: rank}
	// insertion sort by label rank: lists are short
	for i := 1; i < len(p.list); i++ {
		for j := i; j > 0 && rank[p.list[j]] < rank[p.list[j-1]]; j-- {
			p.list[j], p.list[j-1] = p.list[j-1], p.list[j]
		}
	}
	for _, v := range p.list {
		if p.dir(v) < 0 {
			p.vals = append(p.vals, v)
			p.left = append(p.left, true)
		}
	}
	return p
}

func (p *permuter) dir(v int32) int {
	for i, x := range p.vals {
		if x == v {
			return i
		}
	}
	return -1
}

func (p *permuter) hasNext() bool { return !p.done }

// next returns the current permutation (valid until the following call) and advances.
func (p *permuter) next() []int32 {
	cur := append([]int32(nil), p.list...)
	r := p.rank
	k, pos := int32(-1), 0
	n := len(p.list)
	for i, e := range p.list {
		left := p.left[p.dir(e)]
		if (k < 0 || r[e] > r[k]) &&
			((left && i > 0 && r[e] > r[p.list[i-1]]) || (!left && i < n-1 && r[e] > r[p.list[i+1]])) {
			k, pos = e, i
		}
	}
	if k < 0 {
		p.done = true
		return cur
	}
	swap := pos + 1
	if p.left[p.dir(k)] {
		swap = pos - 1
	}
	p.list[pos], p.list[swap] = p.list[swap], k
	for _, e := range p.list {
		if r[e] > r[k] {
			d := p.dir(e)
			p.left[d] = !p.left[d]
		}
	}
	return cur
}
