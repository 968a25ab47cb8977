package rdfc

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"slices"
	"strconv"
	"strings"

	"github.com/piprate/json-gold/ld"

	"github.com/obadge/obadge/proof"
)

// Errors callers match with errors.Is. Each wraps proof.ErrCanonicalization.
var (
	// ErrWorkLimit: the dataset needs more Hash N-Degree Quads work than
	// Options.MaxWork allows (a poison graph). The error returned is a
	// *WorkLimitError, which also carries the figures.
	ErrWorkLimit = fmt.Errorf("rdfc: work limit exceeded: %w", proof.ErrCanonicalization)
	// ErrUnsupportedHash: Options.Hash is neither SHA-256 nor SHA-384.
	ErrUnsupportedHash = fmt.Errorf("rdfc: unsupported hash algorithm: %w", proof.ErrCanonicalization)
	// ErrInvalidDataset: the dataset holds something that is not RDF (a blank node
	// or literal predicate, a literal subject, a missing term).
	ErrInvalidDataset = fmt.Errorf("rdfc: invalid dataset: %w", proof.ErrCanonicalization)
)

// DefaultWorkFactor is the work allowed per non-unique blank node when
// Options.MaxWork is zero.
const DefaultWorkFactor = 32

// DefaultMinWork is the least work allowed when Options.MaxWork is zero, so that
// small datasets with some symmetry always canonicalize. The hardest approved
// tests of the W3C suite (the "evil" poison graphs 044 to 046, 12 blank nodes)
// need 3,348; a ten-node clique spends it in about 15 ms.
const DefaultMinWork = 16384

// DefaultMaxWork returns the work limit used when Options.MaxWork is zero for a
// dataset with nonUnique blank nodes whose first degree hash is shared (the only
// ones the Hash N-Degree Quads algorithm runs for): DefaultWorkFactor per such
// node, at least DefaultMinWork.
func DefaultMaxWork(nonUnique int) int {
	return max(DefaultMinWork, DefaultWorkFactor*nonUnique)
}

// Options tune Canonicalize. The zero value is RDFC-1.0 with SHA-256 and the
// default work limit.
type Options struct {
	// Hash is the hash algorithm of the canonicalization: zero or crypto.SHA256
	// (the default of RDFC-1.0), or crypto.SHA384.
	Hash crypto.Hash
	// MaxWork bounds the work of the Hash N-Degree Quads algorithm: one unit per
	// call and one per permutation of related blank nodes examined, plus one per
	// 64 quads hashed in a call or identifiers copied for a permutation. Zero means
	// DefaultMaxWork(number of blank nodes with a shared first degree hash); a
	// negative value means no work at all (any dataset that needs the N-degree
	// algorithm is refused).
	MaxWork int
	// JSONGoldEscaping writes literals as json-gold v0.9.1 does (only \t \n \r \"
	// and \\ escaped) instead of the RDFC-1.0 canonical form. Use it only to check
	// signatures made with json-gold over literals holding control characters.
	JSONGoldEscaping bool
}

// Result is a canonicalized dataset.
type Result struct {
	// NQuads is the canonical N-Quads document: one line per quad, each ending in
	// "\n", sorted in code point order, without duplicates.
	NQuads []byte
	// IssuedIdentifiers maps each input blank node identifier (without "_:") to
	// its canonical identifier (without "_:"), e.g. "e0" -> "c14n0".
	IssuedIdentifiers map[string]string
	// Work is the work spent in the Hash N-Degree Quads algorithm.
	Work int
}

// WorkLimitError is returned when the work limit stops canonicalization.
// errors.Is(err, ErrWorkLimit) and errors.Is(err, proof.ErrCanonicalization) hold.
type WorkLimitError struct {
	Limit      int // the limit in force
	Work       int // the work spent when it stopped (more than Limit)
	BlankNodes int // blank nodes in the dataset
	NonUnique  int // of which with a shared first degree hash
}

func (e *WorkLimitError) Error() string {
	return fmt.Sprintf("rdfc: work limit %d exceeded (%d blank nodes, %d non-unique): %v",
		e.Limit, e.BlankNodes, e.NonUnique, proof.ErrCanonicalization)
}

// Unwrap lets errors.Is match ErrWorkLimit and proof.ErrCanonicalization.
func (e *WorkLimitError) Unwrap() error { return ErrWorkLimit }

// CanonicalizeNQuads canonicalizes ds with the default options and returns the
// canonical N-Quads.
func CanonicalizeNQuads(ds *ld.RDFDataset) ([]byte, error) {
	r, err := Canonicalize(ds, Options{})
	if err != nil {
		return nil, err
	}
	return r.NQuads, nil
}

// Canonicalize runs RDFC-1.0 over ds, a dataset from ld.ToRDF or ld.ParseNQuads
// (graphs keyed by name, "@default" for the default graph). ds is not modified.
func Canonicalize(ds *ld.RDFDataset, opts Options) (*Result, error) {
	var newHash func() hash.Hash
	switch opts.Hash {
	case 0, crypto.SHA256:
		newHash = sha256.New
	case crypto.SHA384:
		newHash = sha512.New384
	default:
		return nil, fmt.Errorf("%w: %v", ErrUnsupportedHash, opts.Hash)
	}
	if ds == nil {
		return nil, fmt.Errorf("%w: nil dataset", ErrInvalidDataset)
	}
	c := &canonicalizer{h: newHash(), jsonGold: opts.JSONGoldEscaping}
	if err := c.load(ds); err != nil {
		return nil, err
	}
	c.maxWork = opts.MaxWork // zero: set from the non-unique count in issueAll
	if err := c.issueAll(); err != nil {
		return nil, err
	}
	return c.result(), nil
}

// term is an RDF term: IRIs and blank nodes are interned, literals are not.
type term struct {
	value string // IRI, literal lexical form, or blank node label with "_:"
	ser   string // N-Quads form of an IRI or literal; empty for a blank node
	bnode int32  // blank node index, or -1
	kind  uint8
}

const (
	kindIRI uint8 = iota
	kindBlank
	kindLiteral
)

// quad holds term indices; g is -1 in the default graph.
type quad struct{ s, p, o, g int32 }

type canonicalizer struct {
	h        hash.Hash
	jsonGold bool

	terms []term
	quads []quad

	bnLabel   []string  // by blank node index (order of first appearance)
	bnRank    []int32   // position of the label in code point order
	bnQuads   [][]int32 // quads mentioning the blank node, each once
	firstHash []string  // cached Hash First Degree Quads, hex
	canonID   []int32   // canonical number issued, or -1
	canonN    int32

	work, maxWork, nonUnique int

	scratch []byte // Hash First Degree Quads lines
	spans   []span
	relBuf  []byte // Hash Related Blank Node input
	hexBuf  []byte
}

type span struct{ start, end int }

// load interns the terms of ds and builds the blank node to quads map, each
// quad listed once per blank node (repeated input quads are dropped there and
// from the output).
func (c *canonicalizer) load(ds *ld.RDFDataset) error {
	names := make([]string, 0, len(ds.Graphs))
	total := 0
	for name, qs := range ds.Graphs {
		names = append(names, name)
		total += len(qs)
	}
	// Default graph first, then by name, so that the order of first appearance
	// (which only matters for the identifier map of automorphic blank nodes) is
	// deterministic.
	slices.SortFunc(names, func(a, b string) int {
		da, db := a == "@default" || a == "", b == "@default" || b == ""
		switch {
		case da && !db:
			return -1
		case db && !da:
			return 1
		}
		return strings.Compare(a, b)
	})
	// IRIs and blank nodes are interned; literals are not (nearly all differ),
	// so two equal literals may have two terms: sameTerm compares them.
	// Duplicate quads are removed per blank node below and from the output.
	iris := make(map[string]int32, 64)
	bnodeTerms := make(map[string]int32)
	// json-gold labels blank nodes _:b0, _:b1, ...: those are looked up by number.
	var bnodeByNum []int32
	c.terms = make([]term, 0, total)
	c.quads = make([]quad, 0, total)
	// Serializations of IRIs and literals are cut from one growing buffer: a
	// strings.Builder never rewrites bytes it has handed out.
	var arena strings.Builder

	newTerm := func(t term) int32 {
		c.terms = append(c.terms, t)
		return int32(len(c.terms) - 1)
	}
	add := func(n ld.Node, what string) (int32, error) {
		switch v := deref(n).(type) {
		case ld.IRI:
			if i, ok := iris[v.Value]; ok {
				return i, nil
			}
			start := arena.Len()
			arena.WriteByte('<')
			arena.Write(appendEscapedJSONGold(c.scratch[:0], v.Value))
			arena.WriteByte('>')
			i := newTerm(term{kind: kindIRI, value: v.Value, ser: arena.String()[start:], bnode: -1})
			iris[v.Value] = i
			return i, nil
		case ld.BlankNode:
			num, numbered := blankNumber(v.Attribute, 4*total+16)
			if numbered {
				if num < len(bnodeByNum) && bnodeByNum[num] > 0 {
					return bnodeByNum[num] - 1, nil
				}
			} else if i, ok := bnodeTerms[v.Attribute]; ok {
				return i, nil
			}
			b := int32(len(c.bnLabel))
			c.bnLabel = append(c.bnLabel, v.Attribute)
			i := newTerm(term{kind: kindBlank, value: v.Attribute, bnode: b})
			if numbered {
				if num >= len(bnodeByNum) {
					bnodeByNum = slices.Grow(bnodeByNum, num+1-len(bnodeByNum))[:num+1]
				}
				bnodeByNum[num] = i + 1
			} else {
				bnodeTerms[v.Attribute] = i
			}
			return i, nil
		case ld.Literal:
			c.scratch = c.appendLiteral(c.scratch[:0], v)
			start := arena.Len()
			arena.Write(c.scratch)
			return newTerm(term{kind: kindLiteral, value: v.Value, ser: arena.String()[start:], bnode: -1}), nil
		case nil:
			return 0, fmt.Errorf("%w: missing %s", ErrInvalidDataset, what)
		default:
			return 0, fmt.Errorf("%w: unknown %s term %T", ErrInvalidDataset, what, n)
		}
	}

	for _, name := range names {
		g := int32(-1)
		if name != "@default" && name != "" {
			var gn ld.Node = ld.IRI{Value: name}
			if strings.HasPrefix(name, "_:") {
				gn = ld.BlankNode{Attribute: name}
			}
			var err error
			if g, err = add(gn, "graph name"); err != nil {
				return err
			}
		}
		for _, lq := range ds.Graphs[name] {
			if lq == nil {
				return fmt.Errorf("%w: nil quad", ErrInvalidDataset)
			}
			s, err := add(lq.Subject, "subject")
			if err != nil {
				return err
			}
			p, err := add(lq.Predicate, "predicate")
			if err != nil {
				return err
			}
			o, err := add(lq.Object, "object")
			if err != nil {
				return err
			}
			if c.terms[s].kind == kindLiteral {
				return fmt.Errorf("%w: literal subject", ErrInvalidDataset)
			}
			if c.terms[p].kind != kindIRI {
				return fmt.Errorf("%w: predicate is not an IRI", ErrInvalidDataset)
			}
			c.quads = append(c.quads, quad{s, p, o, g})
		}
	}

	nb := len(c.bnLabel)
	c.bnQuads = make([][]int32, nb)
	counts := make([]int32, nb)
	for _, q := range c.quads {
		c.forEachBlank(q, func(b int32) { counts[b]++ })
	}
	// One backing array for all the lists.
	all := make([]int32, 0, sumInt32(counts))
	for b := range c.bnQuads {
		c.bnQuads[b] = all[len(all) : len(all) : len(all)+int(counts[b])]
		all = all[:len(all)+int(counts[b])]
	}
	for i, q := range c.quads {
		c.forEachBlank(q, func(b int32) { c.bnQuads[b] = append(c.bnQuads[b], int32(i)) })
	}
	// The dataset is a set: a quad given twice counts once in every hash.
	for b, qs := range c.bnQuads {
		c.bnQuads[b] = c.dedupeQuads(qs)
	}

	order := make([]int32, nb)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(c.bnLabel[a], c.bnLabel[b]) })
	c.bnRank = make([]int32, nb)
	for r, b := range order {
		c.bnRank[b] = int32(r)
	}
	c.firstHash = make([]string, nb)
	c.canonID = make([]int32, nb)
	for i := range c.canonID {
		c.canonID[i] = -1
	}
	return nil
}

// blankNumber parses labels of the form _:bN (N decimal, no leading zero,
// below limit).
func blankNumber(label string, limit int) (int, bool) {
	if len(label) < 4 || len(label) > 12 || label[:3] != "_:b" || (label[3] == '0' && len(label) > 4) {
		return 0, false
	}
	n := 0
	for i := 3; i < len(label); i++ {
		ch := label[i]
		if ch < '0' || ch > '9' {
			return 0, false
		}
		n = n*10 + int(ch-'0')
	}
	return n, n < limit
}

// sameTerm reports whether terms a and b are the same RDF term.
func (c *canonicalizer) sameTerm(a, b int32) bool {
	if a == b {
		return true
	}
	ta, tb := &c.terms[a], &c.terms[b]
	return ta.kind == kindLiteral && tb.kind == kindLiteral && ta.ser == tb.ser
}

// compareObject orders object terms: non-literals by term index, then literals
// by serialization.
func (c *canonicalizer) compareObject(a, b int32) int {
	ta, tb := &c.terms[a], &c.terms[b]
	la, lb := ta.kind == kindLiteral, tb.kind == kindLiteral
	switch {
	case la && lb:
		return strings.Compare(ta.ser, tb.ser)
	case la:
		return 1
	case lb:
		return -1
	}
	return int(a) - int(b)
}

// dedupeQuads drops repeated quads from a blank node's list (order is irrelevant
// to the algorithm: every use sorts).
func (c *canonicalizer) dedupeQuads(qs []int32) []int32 {
	same := func(x, y quad) bool {
		return x.s == y.s && x.p == y.p && x.g == y.g && c.sameTerm(x.o, y.o)
	}
	if len(qs) <= 16 {
		out := qs[:0]
	next:
		for _, qi := range qs {
			for _, kept := range out {
				if same(c.quads[qi], c.quads[kept]) {
					continue next
				}
			}
			out = append(out, qi)
		}
		return out
	}
	slices.SortFunc(qs, func(i, j int32) int {
		x, y := c.quads[i], c.quads[j]
		switch {
		case x.s != y.s:
			return int(x.s) - int(y.s)
		case x.p != y.p:
			return int(x.p) - int(y.p)
		case x.g != y.g:
			return int(x.g) - int(y.g)
		}
		return c.compareObject(x.o, y.o)
	})
	out := qs[:1]
	for _, qi := range qs[1:] {
		if !same(c.quads[qi], c.quads[out[len(out)-1]]) {
			out = append(out, qi)
		}
	}
	return out
}

func sumInt32(xs []int32) int {
	n := 0
	for _, x := range xs {
		n += int(x)
	}
	return n
}

func deref(n ld.Node) ld.Node {
	switch v := n.(type) {
	case *ld.IRI:
		if v != nil {
			return *v
		}
		return nil
	case *ld.BlankNode:
		if v != nil {
			return *v
		}
		return nil
	case *ld.Literal:
		if v != nil {
			return *v
		}
		return nil
	}
	return n
}

// forEachBlank calls f once for each distinct blank node of q.
func (c *canonicalizer) forEachBlank(q quad, f func(int32)) {
	s := c.terms[q.s].bnode
	o := c.terms[q.o].bnode
	g := int32(-1)
	if q.g >= 0 {
		g = c.terms[q.g].bnode
	}
	if s >= 0 {
		f(s)
	}
	if o >= 0 && o != s {
		f(o)
	}
	if g >= 0 && g != s && g != o {
		f(g)
	}
}

// issueAll runs steps 3 to 5 of the canonicalization algorithm.
func (c *canonicalizer) issueAll() error {
	nb := len(c.bnLabel)
	if nb == 0 {
		return nil
	}
	// Step 3: first degree hashes, grouped.
	type hashed struct {
		hash string
		b    int32
	}
	hs := make([]hashed, nb)
	for b := range nb {
		hs[b] = hashed{c.hashFirstDegree(int32(b)), int32(b)}
	}
	// Ties keep the order of first appearance (the blank node index).
	slices.SortFunc(hs, func(x, y hashed) int {
		if c := strings.Compare(x.hash, y.hash); c != 0 {
			return c
		}
		return int(x.b) - int(y.b)
	})

	// Step 4: unique hashes in hash order get canonical identifiers.
	var shared [][]int32
	for i := 0; i < len(hs); {
		j := i + 1
		for j < len(hs) && hs[j].hash == hs[i].hash {
			j++
		}
		if j-i == 1 {
			c.issueCanonical(hs[i].b)
		} else {
			grp := make([]int32, 0, j-i)
			for k := i; k < j; k++ {
				grp = append(grp, hs[k].b)
			}
			shared = append(shared, grp)
		}
		i = j
	}

	for _, grp := range shared {
		c.nonUnique += len(grp)
	}
	switch {
	case c.maxWork == 0:
		c.maxWork = DefaultMaxWork(c.nonUnique)
	case c.maxWork < 0:
		c.maxWork = 0
	}

	// Step 5: groups sharing a first degree hash, in hash order.
	type pathResult struct {
		hash   string
		issuer *issuer
	}
	for _, grp := range shared {
		var results []pathResult
		for _, b := range grp {
			if c.canonID[b] >= 0 {
				continue
			}
			tmp := &issuer{}
			tmp.issue(b)
			h, is, err := c.hashNDegree(b, tmp)
			if err != nil {
				return err
			}
			results = append(results, pathResult{h, is})
		}
		slices.SortStableFunc(results, func(x, y pathResult) int { return strings.Compare(x.hash, y.hash) })
		for _, r := range results {
			for _, b := range r.issuer.order {
				if c.canonID[b] < 0 {
					c.issueCanonical(b)
				}
			}
		}
	}
	return nil
}

func (c *canonicalizer) issueCanonical(b int32) {
	if c.canonID[b] < 0 {
		c.canonID[b] = c.canonN
		c.canonN++
	}
}

// workChunk is how many quads hashed, or identifiers copied, cost one more
// unit of work, so that the time a unit takes stays bounded on large graphs.
const workChunk = 64

// spend counts one unit of work, plus one per workChunk items of size, and
// fails once the limit is passed.
func (c *canonicalizer) spend(size int) error {
	c.work += 1 + size/workChunk
	if c.work > c.maxWork {
		return &WorkLimitError{Limit: c.maxWork, Work: c.work, BlankNodes: len(c.bnLabel), NonUnique: c.nonUnique}
	}
	return nil
}

// appendBlank writes the blank node label used in serializations.
type labeler func(dst []byte, b int32) []byte

// appendQuad writes q in canonical N-Quads form, blank nodes labelled by lab.
func (c *canonicalizer) appendQuad(dst []byte, q quad, lab labeler) []byte {
	dst = c.appendTerm(dst, q.s, lab)
	dst = append(dst, ' ')
	dst = append(dst, c.terms[q.p].ser...)
	dst = append(dst, ' ')
	dst = c.appendTerm(dst, q.o, lab)
	if q.g >= 0 {
		dst = append(dst, ' ')
		dst = c.appendTerm(dst, q.g, lab)
	}
	return append(dst, " .\n"...)
}

func (c *canonicalizer) appendTerm(dst []byte, t int32, lab labeler) []byte {
	tm := &c.terms[t]
	if tm.bnode >= 0 {
		return lab(dst, tm.bnode)
	}
	return append(dst, tm.ser...)
}

// sumHex hashes data with the shared hasher and returns the lower-case hex digest.
func (c *canonicalizer) sumHex(data ...[]byte) string {
	c.h.Reset()
	for _, d := range data {
		c.h.Write(d)
	}
	var sum [64]byte
	s := c.h.Sum(sum[:0])
	c.hexBuf = slices.Grow(c.hexBuf[:0], 2*len(s))[:2*len(s)]
	hex.Encode(c.hexBuf, s)
	return string(c.hexBuf)
}

// hashFirstDegree is the Hash First Degree Quads algorithm (section 4.6), cached.
func (c *canonicalizer) hashFirstDegree(b int32) string {
	if h := c.firstHash[b]; h != "" {
		return h
	}
	lab := func(dst []byte, x int32) []byte {
		if x == b {
			return append(dst, "_:a"...)
		}
		return append(dst, "_:z"...)
	}
	buf := c.scratch[:0]
	spans := c.spans[:0]
	for _, qi := range c.bnQuads[b] {
		start := len(buf)
		buf = c.appendQuad(buf, c.quads[qi], lab)
		spans = append(spans, span{start, len(buf)})
	}
	slices.SortFunc(spans, func(x, y span) int { return bytes.Compare(buf[x.start:x.end], buf[y.start:y.end]) })
	c.h.Reset()
	for _, s := range spans {
		c.h.Write(buf[s.start:s.end])
	}
	var sum [64]byte
	d := c.h.Sum(sum[:0])
	c.hexBuf = slices.Grow(c.hexBuf[:0], 2*len(d))[:2*len(d)]
	hex.Encode(c.hexBuf, d)
	h := string(c.hexBuf)
	c.firstHash[b] = h
	c.scratch, c.spans = buf, spans
	return h
}

// appendCanonLabel writes "_:c14nN".
func appendCanonLabel(dst []byte, n int32) []byte {
	dst = append(dst, "_:c14n"...)
	return strconv.AppendInt(dst, int64(n), 10)
}

// appendTempLabel writes "_:bN".
func appendTempLabel(dst []byte, n int) []byte {
	dst = append(dst, "_:b"...)
	return strconv.AppendInt(dst, int64(n), 10)
}

// hashRelated is the Hash Related Blank Node algorithm (section 4.7).
func (c *canonicalizer) hashRelated(related int32, q quad, is *issuer, position byte) string {
	var first string
	n := -1
	if c.canonID[related] < 0 {
		if n = is.lookup(related); n < 0 {
			first = c.hashFirstDegree(related) // uses c.scratch, so before in is built
		}
	}
	in := c.relBuf[:0]
	in = append(in, position)
	if position != 'g' {
		in = append(in, '<')
		in = append(in, c.terms[q.p].value...)
		in = append(in, '>')
	}
	switch {
	case c.canonID[related] >= 0:
		in = appendCanonLabel(in, c.canonID[related])
	case n >= 0:
		in = appendTempLabel(in, n)
	default:
		in = append(in, first...)
	}
	c.relBuf = in
	return c.sumHex(in)
}

type relatedEntry struct {
	hash string
	b    int32
}

// hashNDegree is the Hash N-Degree Quads algorithm (section 4.8). It returns the
// hash and the issuer to use from now on (which may be is itself).
func (c *canonicalizer) hashNDegree(id int32, is *issuer) (string, *issuer, error) {
	if err := c.spend(len(c.bnQuads[id])); err != nil {
		return "", nil, err
	}
	// Steps 1-3: hash to related blank nodes map.
	var rel []relatedEntry
	for _, qi := range c.bnQuads[id] {
		q := c.quads[qi]
		if b := c.terms[q.s].bnode; b >= 0 && b != id {
			rel = append(rel, relatedEntry{c.hashRelated(b, q, is, 's'), b})
		}
		if b := c.terms[q.o].bnode; b >= 0 && b != id {
			rel = append(rel, relatedEntry{c.hashRelated(b, q, is, 'o'), b})
		}
		if q.g >= 0 {
			if b := c.terms[q.g].bnode; b >= 0 && b != id {
				rel = append(rel, relatedEntry{c.hashRelated(b, q, is, 'g'), b})
			}
		}
	}
	slices.SortStableFunc(rel, func(x, y relatedEntry) int { return strings.Compare(x.hash, y.hash) })

	// Step 4: data to hash.
	var data []byte
	var path, chosenPath []byte
	for i := 0; i < len(rel); {
		j := i + 1
		for j < len(rel) && rel[j].hash == rel[i].hash {
			j++
		}
		// Step 5.1
		data = append(data, rel[i].hash...)
		list := make([]int32, 0, j-i)
		for k := i; k < j; k++ {
			list = append(list, rel[k].b)
		}
		i = j

		chosenPath = chosenPath[:0]
		var chosenIssuer *issuer
		perm := newPermuter(list, c.bnRank)
		for perm.hasNext() {
			p := perm.next()
			if err := c.spend(len(is.order)); err != nil {
				return "", nil, err
			}
			isCopy := is.clone()
			path = path[:0]
			var recursion []int32
			skip := false
			for _, r := range p {
				if cid := c.canonID[r]; cid >= 0 {
					path = appendCanonLabel(path, cid)
				} else {
					n := isCopy.lookup(r)
					if n < 0 {
						recursion = append(recursion, r)
						n = isCopy.issue(r)
					}
					path = appendTempLabel(path, n)
				}
				if len(chosenPath) != 0 && len(path) >= len(chosenPath) && bytes.Compare(path, chosenPath) > 0 {
					skip = true
					break
				}
			}
			if skip {
				continue
			}
			for _, r := range recursion {
				h, resIs, err := c.hashNDegree(r, isCopy)
				if err != nil {
					return "", nil, err
				}
				// Step 5.4.5.2: related was issued by issuer copy above.
				path = appendTempLabel(path, isCopy.lookup(r))
				path = append(path, '<')
				path = append(path, h...)
				path = append(path, '>')
				isCopy = resIs
				if len(chosenPath) != 0 && len(path) >= len(chosenPath) && bytes.Compare(path, chosenPath) > 0 {
					skip = true
					break
				}
			}
			if skip {
				continue
			}
			if len(chosenPath) == 0 || bytes.Compare(path, chosenPath) < 0 {
				chosenPath = append(chosenPath[:0], path...)
				chosenIssuer = isCopy
			}
		}
		// Steps 5.5 and 5.6.
		data = append(data, chosenPath...)
		if chosenIssuer == nil {
			return "", nil, errors.New("rdfc: internal error: no permutation chosen")
		}
		is = chosenIssuer
	}
	return c.sumHex(data), is, nil
}

type line struct{ rank, start, end int32 }

// bucketByRank is a counting sort of lines by rank (ranks are below n).
func bucketByRank(lines []line, n int) []line {
	next := make([]int32, n+1)
	for _, l := range lines {
		next[l.rank+1]++
	}
	for i := 1; i <= n; i++ {
		next[i] += next[i-1]
	}
	out := make([]line, len(lines))
	for _, l := range lines {
		out[next[l.rank]] = l
		next[l.rank]++
	}
	return out
}

// subjectRanks returns the code point order rank of every subject: blank node b
// at index b, the term t at len(bnLabel)+t (only subjects are filled in), and
// the number of ranks. ok is false when some subject holds a byte <= 0x20, for
// which ranking by subject alone would not give the order of whole lines.
//
// Canonical labels are _:c14n followed by a decimal number, so their order is
// that of the decimal strings, generated without sorting; IRI subjects ("<...")
// all come before them ('<' < '_').
func (c *canonicalizer) subjectRanks() (rank []int32, n int, ok bool) {
	nb := len(c.bnLabel)
	rank = make([]int32, nb+len(c.terms))
	var iris []int32
	seen := make([]bool, len(c.terms))
	for _, q := range c.quads {
		if c.terms[q.s].bnode < 0 && !seen[q.s] {
			seen[q.s] = true
			iris = append(iris, q.s)
		}
	}
	for _, t := range iris {
		for _, ch := range []byte(c.terms[t].ser) {
			if ch <= 0x20 {
				return nil, 0, false
			}
		}
	}
	slices.SortFunc(iris, func(a, b int32) int { return strings.Compare(c.terms[a].ser, c.terms[b].ser) })
	for r, t := range iris {
		rank[nb+int(t)] = int32(r)
	}
	lex := decimalOrder(int(c.canonN))
	for b := range nb {
		rank[b] = int32(len(iris)) + lex[c.canonID[b]]
	}
	return rank, len(iris) + int(c.canonN), true
}

// decimalOrder returns, for each v in [0, n), the position of the decimal string
// of v among the decimal strings of [0, n) in code point order.
func decimalOrder(n int) []int32 {
	pos := make([]int32, n)
	if n == 0 {
		return pos
	}
	r := int32(1) // "0" is first
	m := n - 1    // then 1..m in preorder of the decimal trie
	cur := 1
	for range m {
		pos[cur] = r
		r++
		if cur*10 <= m {
			cur *= 10
			continue
		}
		if cur >= m {
			cur /= 10
		}
		cur++
		for cur%10 == 0 {
			cur /= 10
		}
	}
	return pos
}

// result runs step 6: relabel, serialize, sort and remove duplicates.
func (c *canonicalizer) result() *Result {
	// All canonical labels ("_:c14nN") in one string.
	var lb strings.Builder
	lb.Grow(len(c.bnLabel) * 12)
	offs := make([]int32, len(c.bnLabel)+1)
	for b := range c.bnLabel {
		lb.Write(appendCanonLabel(c.scratch[:0], c.canonID[b]))
		offs[b+1] = int32(lb.Len())
	}
	all := lb.String()
	label := func(b int) string { return all[offs[b]:offs[b+1]] }
	ids := make(map[string]string, len(c.bnLabel))
	for b, l := range c.bnLabel {
		ids[strings.TrimPrefix(l, "_:")] = label(b)[2:]
	}
	lab := func(dst []byte, b int32) []byte { return append(dst, label(int(b))...) }

	size := 0
	for _, q := range c.quads {
		size += len(c.terms[q.s].ser) + len(c.terms[q.p].ser) + len(c.terms[q.o].ser) + 16
		if q.g >= 0 {
			size += len(c.terms[q.g].ser) + 1
		}
	}
	buf := make([]byte, 0, size+len(c.quads)*8)
	lines := make([]line, 0, len(c.quads))
	rank, nRanks, byRank := c.subjectRanks()
	for _, q := range c.quads {
		start := len(buf)
		buf = c.appendQuad(buf, q, lab)
		l := line{start: int32(start), end: int32(len(buf))}
		if byRank {
			if b := c.terms[q.s].bnode; b >= 0 {
				l.rank = rank[b]
			} else {
				l.rank = rank[len(c.bnLabel)+int(q.s)]
			}
		}
		lines = append(lines, l)
	}
	cmpLine := func(x, y line) int { return bytes.Compare(buf[x.start:x.end], buf[y.start:y.end]) }
	if byRank {
		// Ordering by subject rank is ordering whole lines when no subject holds
		// a byte <= 0x20: bucket by rank, then sort each (small) bucket.
		lines = bucketByRank(lines, nRanks)
		for i := 0; i < len(lines); {
			j := i + 1
			for j < len(lines) && lines[j].rank == lines[i].rank {
				j++
			}
			if j-i > 1 {
				slices.SortFunc(lines[i:j], cmpLine)
			}
			i = j
		}
	} else {
		slices.SortFunc(lines, cmpLine)
	}
	out := make([]byte, 0, len(buf))
	var prev []byte
	for i, l := range lines {
		b := buf[l.start:l.end]
		if i > 0 && bytes.Equal(b, prev) {
			continue
		}
		out = append(out, b...)
		prev = b
	}
	return &Result{NQuads: out, IssuedIdentifiers: ids, Work: c.work}
}
