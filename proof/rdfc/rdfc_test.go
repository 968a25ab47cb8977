package rdfc_test

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/piprate/json-gold/ld"

	"github.com/obadge/obadge/proof"
	"github.com/obadge/obadge/proof/rdfc"
)

func dataset(quads ...*ld.Quad) *ld.RDFDataset {
	ds := ld.NewRDFDataset()
	for _, q := range quads {
		name := "@default"
		if q.Graph != nil {
			name = q.Graph.GetValue()
		}
		ds.Graphs[name] = append(ds.Graphs[name], q)
	}
	return ds
}

func lit(v string) ld.Node { return ld.NewLiteral(v, "", "") }

var (
	s1 = ld.NewIRI("urn:s")
	p1 = ld.NewIRI("urn:p")
)

func TestLiteralEscaping(t *testing.T) {
	tests := []struct {
		name     string
		obj      ld.Node
		want     string // canonical RDFC-1.0 form of the object
		jsonGold string // form with Options.JSONGoldEscaping
	}{
		{"plain", lit("a b"), `"a b"`, `"a b"`},
		{"echar", lit("\"\\\n\r\t"), `"\"\\\n\r\t"`, `"\"\\\n\r\t"`},
		{"backspace and form feed", lit("\b\f"), `"\b\f"`, "\"\b\f\""},
		{"other controls", lit("\x00\x01\x0b\x0e\x1f\x7f"), `"\u0000\u0001\u000B\u000E\u001F\u007F"`, "\"\x00\x01\x0b\x0e\x1f\x7f\""},
		{"non-ascii unescaped", lit("∞ 🌃 \u0080 \u00a0"), "\"∞ 🌃 \u0080 \u00a0\"", "\"∞ 🌃 \u0080 \u00a0\""},
		{"language", ld.NewLiteral("chat", ld.RDFLangString, "fr"), `"chat"@fr`, `"chat"@fr`},
		{"datatype", ld.NewLiteral("1", "http://www.w3.org/2001/XMLSchema#integer", ""),
			`"1"^^<http://www.w3.org/2001/XMLSchema#integer>`, `"1"^^<http://www.w3.org/2001/XMLSchema#integer>`},
		{"xsd:string omitted", ld.NewLiteral("x", ld.XSDString, ""), `"x"`, `"x"`},
		{"iri", ld.NewIRI("urn:o"), `<urn:o>`, `<urn:o>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, mode := range []struct {
				jsonGold bool
				want     string
			}{{false, tt.want}, {true, tt.jsonGold}} {
				ds := dataset(ld.NewQuad(s1, p1, tt.obj, ""))
				res, err := rdfc.Canonicalize(ds, rdfc.Options{JSONGoldEscaping: mode.jsonGold})
				if err != nil {
					t.Fatal(err)
				}
				want := "<urn:s> <urn:p> " + mode.want + " .\n"
				if string(res.NQuads) != want {
					t.Errorf("JSONGoldEscaping=%v: got %q, want %q", mode.jsonGold, res.NQuads, want)
				}
			}
		})
	}
}

func TestCanonicalizeErrors(t *testing.T) {
	bn := ld.NewBlankNode("_:x")
	tests := []struct {
		name    string
		ds      *ld.RDFDataset
		opts    rdfc.Options
		wantErr error
	}{
		{"nil dataset", nil, rdfc.Options{}, rdfc.ErrInvalidDataset},
		{"unsupported hash", dataset(ld.NewQuad(s1, p1, s1, "")), rdfc.Options{Hash: crypto.SHA1}, rdfc.ErrUnsupportedHash},
		{"blank node predicate", dataset(ld.NewQuad(s1, bn, s1, "")), rdfc.Options{}, rdfc.ErrInvalidDataset},
		{"literal subject", dataset(ld.NewQuad(lit("x"), p1, s1, "")), rdfc.Options{}, rdfc.ErrInvalidDataset},
		{"missing object", dataset(&ld.Quad{Subject: s1, Predicate: p1}), rdfc.Options{}, rdfc.ErrInvalidDataset},
		{"no work allowed, symmetric pair", dataset(
			ld.NewQuad(ld.NewBlankNode("_:a"), p1, ld.NewBlankNode("_:b"), ""),
			ld.NewQuad(ld.NewBlankNode("_:b"), p1, ld.NewBlankNode("_:a"), ""),
		), rdfc.Options{MaxWork: -1}, rdfc.ErrWorkLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := rdfc.Canonicalize(tt.ds, tt.opts)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if !errors.Is(err, proof.ErrCanonicalization) {
				t.Errorf("error %v does not match proof.ErrCanonicalization", err)
			}
		})
	}
}

// TestWorkLimitOption: the poison graphs the suite expects to canonicalize under
// the default limit are refused under a smaller one, by the counter.
func TestWorkLimitOption(t *testing.T) {
	dir, _ := loadManifest(t)
	ds := parseNQuadsFile(t, filepath.Join(dir, "rdfc10", "test044-in.nq"))
	res, err := rdfc.Canonicalize(ds, rdfc.Options{})
	if err != nil {
		t.Fatalf("default limit: %v", err)
	}
	limit := res.Work - 1
	_, err = rdfc.Canonicalize(ds, rdfc.Options{MaxWork: limit})
	var wl *rdfc.WorkLimitError
	if !errors.As(err, &wl) || !errors.Is(err, rdfc.ErrWorkLimit) {
		t.Fatalf("limit %d: error %v, want a *WorkLimitError", limit, err)
	}
	if wl.Limit != limit || wl.Work != limit+1 || wl.BlankNodes != 12 {
		t.Errorf("WorkLimitError %+v", *wl)
	}
	if _, err := rdfc.Canonicalize(ds, rdfc.Options{MaxWork: res.Work}); err != nil {
		t.Errorf("limit equal to the work needed: %v", err)
	}
}

func TestDuplicatesAndInputUntouched(t *testing.T) {
	a, b := ld.NewBlankNode("_:a"), ld.NewBlankNode("_:b")
	ds := dataset(
		ld.NewQuad(a, p1, lit("x"), ""),
		ld.NewQuad(a, p1, lit("x"), ""), // duplicate
		ld.NewQuad(b, p1, a, "_:g"),
		ld.NewQuad(s1, p1, b, "urn:g"),
	)
	before := ds.Graphs["@default"][0].Subject
	res, err := rdfc.Canonicalize(ds, rdfc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "<urn:s> <urn:p> _:c14n1 <urn:g> .\n" +
		"_:c14n0 <urn:p> \"x\" .\n" +
		"_:c14n1 <urn:p> _:c14n0 _:c14n2 .\n"
	if string(res.NQuads) != want {
		t.Errorf("got\n%s\nwant\n%s", res.NQuads, want)
	}
	if ds.Graphs["@default"][0].Subject != before || len(ds.Graphs["@default"]) != 2 {
		t.Error("Canonicalize modified its input")
	}
	if len(res.IssuedIdentifiers) != 3 {
		t.Errorf("issued identifiers %v", res.IssuedIdentifiers)
	}
	// Same dataset with pointer terms (json-gold's Node interface allows them).
	pa := &ld.BlankNode{Attribute: "_:a"}
	ds2 := dataset(ld.NewQuad(pa, p1, lit("x"), ""), ld.NewQuad(b, p1, pa, "_:g"), ld.NewQuad(&s1, &p1, b, "urn:g"))
	res2, err := rdfc.Canonicalize(ds2, rdfc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if string(res2.NQuads) != want || !reflect.DeepEqual(res.IssuedIdentifiers, res2.IssuedIdentifiers) {
		t.Errorf("pointer terms: got\n%s", res2.NQuads)
	}
}

// TestRepeatedBlankNodeInQuad: a quad is listed once under a blank node even when
// the node occurs twice in it (RDFC-1.0 step 2 and rdf-canonize; json-gold v0.9.1
// lists it twice and so hashes, and may label, such datasets differently).
func TestRepeatedBlankNodeInQuad(t *testing.T) {
	ds := dataset(
		ld.NewQuad(ld.NewBlankNode("_:x"), ld.NewIRI("urn:p0"), ld.NewBlankNode("_:x"), ""),
		ld.NewQuad(ld.NewBlankNode("_:y"), ld.NewIRI("urn:p1"), ld.NewBlankNode("_:y"), ""),
	)
	res, err := rdfc.Canonicalize(ds, rdfc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Hash First Degree Quads over one line per node; the lower hash gets c14n0.
	hx := sha256.Sum256([]byte("_:a <urn:p0> _:a .\n"))
	hy := sha256.Sum256([]byte("_:a <urn:p1> _:a .\n"))
	want := map[string]string{"x": "c14n0", "y": "c14n1"}
	if bytes.Compare(hy[:], hx[:]) < 0 {
		want = map[string]string{"x": "c14n1", "y": "c14n0"}
	}
	if !reflect.DeepEqual(res.IssuedIdentifiers, want) {
		t.Errorf("issued %v, want %v", res.IssuedIdentifiers, want)
	}
}

// TestAgainstJSONGoldEdgeCases compares with json-gold (its escaping) on
// datasets that take the less common paths: a hub blank node with many
// (duplicated) quads, subjects whose IRIs hold spaces or control characters
// (lines can then not be ordered by subject alone), blank node labels json-gold
// would not generate, and blank node graph names.
func TestAgainstJSONGoldEdgeCases(t *testing.T) {
	// json-gold hashes repeated input quads repeatedly (its own parser and ToRDF
	// never produce them), so repeats are checked against the set without them.
	hubQuads := func(repeat int) []*ld.Quad {
		var qs []*ld.Quad
		for i := range 40 {
			leaf := ld.NewBlankNode("_:leaf" + string(rune('A'+i%26)) + string(rune('a'+i/26)))
			for range repeat {
				qs = append(qs, ld.NewQuad(ld.NewBlankNode("_:hub"), p1, leaf, ""))
			}
			qs = append(qs, ld.NewQuad(leaf, ld.NewIRI("urn:n"), lit(string(rune('A'+i))), ""))
		}
		for range repeat {
			qs = append(qs, ld.NewQuad(ld.NewBlankNode("_:hub"), p1, lit("same"), ""))
		}
		return qs
	}
	hub := func() *ld.RDFDataset { return dataset(hubQuads(1)...) }
	oddSubjects := func() *ld.RDFDataset {
		return dataset(
			ld.NewQuad(ld.NewIRI("urn:a b"), p1, lit("1"), ""),
			ld.NewQuad(ld.NewIRI("urn:a"), p1, lit("2"), ""),
			ld.NewQuad(ld.NewIRI("urn:a\tc"), p1, lit("3"), ""),
			ld.NewQuad(ld.NewIRI("urn:a!"), p1, ld.NewBlankNode("_:x"), ""),
			ld.NewQuad(ld.NewBlankNode("_:x"), p1, lit("4"), "_:g"),
			ld.NewQuad(ld.NewBlankNode("_:x"), p1, ld.NewBlankNode("_:g"), "_:g"),
		)
	}
	numbered := func() *ld.RDFDataset {
		// _:b labels with leading zeros, large numbers and plain names mixed.
		return dataset(
			ld.NewQuad(ld.NewBlankNode("_:b0"), p1, ld.NewBlankNode("_:b01"), ""),
			ld.NewQuad(ld.NewBlankNode("_:b01"), p1, ld.NewBlankNode("_:b99999999"), ""),
			ld.NewQuad(ld.NewBlankNode("_:b99999999"), p1, ld.NewBlankNode("_:b"), ""),
			ld.NewQuad(ld.NewBlankNode("_:b"), p1, ld.NewBlankNode("_:b0"), ""),
			ld.NewQuad(ld.NewBlankNode("_:b0"), ld.NewIRI("urn:q"), lit("end"), ""),
		)
	}
	tests := []struct {
		name string
		ds   func() *ld.RDFDataset
	}{
		{"hub with 40 leaves", hub},
		{"odd subject IRIs", oddSubjects},
		{"numbered labels", numbered},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := rdfc.Canonicalize(tt.ds(), rdfc.Options{JSONGoldEscaping: true})
			if err != nil {
				t.Fatal(err)
			}
			want := dedupeSorted(jsonGoldNormalize(t, tt.ds()))
			if !bytes.Equal(res.NQuads, want) {
				t.Errorf("got\n%s\njson-gold\n%s", res.NQuads, want)
			}
		})
	}
}

// TestRepeatedQuadsIgnored: a dataset is a set; quads given twice (here on a
// hub blank node with more quads than the short-list path handles) change nothing.
func TestRepeatedQuadsIgnored(t *testing.T) {
	build := func(repeat int) *ld.RDFDataset {
		var qs []*ld.Quad
		for i := range 40 {
			leaf := ld.NewBlankNode("_:l" + string(rune('A'+i)))
			for range repeat {
				qs = append(qs, ld.NewQuad(ld.NewBlankNode("_:hub"), p1, leaf, ""),
					ld.NewQuad(leaf, ld.NewIRI("urn:n"), lit(string(rune('A'+i%3))), ""))
			}
		}
		for range repeat {
			qs = append(qs, ld.NewQuad(ld.NewBlankNode("_:hub"), p1, lit("same"), ""))
		}
		return dataset(qs...)
	}
	once, err := rdfc.Canonicalize(build(1), rdfc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	thrice, err := rdfc.Canonicalize(build(3), rdfc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(once.NQuads, thrice.NQuads) || !reflect.DeepEqual(once.IssuedIdentifiers, thrice.IssuedIdentifiers) {
		t.Errorf("repeated quads changed the result:\n%s\nvs\n%s", once.NQuads, thrice.NQuads)
	}
	if n := bytes.Count(once.NQuads, []byte("\n")); n != 81 {
		t.Errorf("%d lines, want 81", n)
	}
}
