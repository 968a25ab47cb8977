package rdfc_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/piprate/json-gold/ld"

	"github.com/obadge/obadge/internal/testutil"
	"github.com/obadge/obadge/proof/rdfc"
	"github.com/obadge/obadge/schema"
)

// testLoader is the embedded loader plus the W3C examples v2 context the
// vc-di-eddsa vectors use.
func testLoader(t testing.TB) *schema.Loader {
	t.Helper()
	ex := testutil.ReadShared(t, "contexts", "w3c-credentials-examples-v2.jsonld")
	l, err := schema.NewLoader(map[string][]byte{"https://www.w3.org/ns/credentials/examples/v2": ex})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// toRDF expands doc and converts it to a dataset with json-gold.
func toRDF(doc any, l *schema.Loader) (*ld.RDFDataset, error) {
	return toRDFOpts(doc, l.Options())
}

func toRDFOpts(doc any, opts *ld.JsonLdOptions) (*ld.RDFDataset, error) {
	out, err := ld.NewJsonLdProcessor().ToRDF(doc, opts)
	if err != nil {
		return nil, err
	}
	return out.(*ld.RDFDataset), nil
}

// jsonGoldNormalize is json-gold's URDNA2015 over ds. It rewrites ds in place.
func jsonGoldNormalize(t testing.TB, ds *ld.RDFDataset) []byte {
	t.Helper()
	opts := ld.NewJsonLdOptions("")
	opts.Algorithm = ld.AlgorithmURDNA2015
	opts.Format = "application/n-quads"
	out, err := ld.NewJsonLdApi().Normalize(ds, opts)
	if err != nil {
		t.Fatalf("json-gold Normalize: %v", err)
	}
	return []byte(out.(string))
}

// dedupeSorted removes repeated lines from sorted N-Quads (json-gold keeps
// duplicate quads; RDFC-1.0 works on a set).
func dedupeSorted(nq []byte) []byte {
	var out []byte
	var prev string
	for i, line := range strings.SplitAfter(string(nq), "\n") {
		if line == "" || (i > 0 && line == prev) {
			continue
		}
		out = append(out, line...)
		prev = line
	}
	return out
}

// TestDifferentialFixtures compares our canonical N-Quads with json-gold's
// Normalize on every JSON-LD document under ../shared/ref that expands.
func TestDifferentialFixtures(t *testing.T) {
	root := testutil.SharedRef(t)
	l := testLoader(t)
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".jsonld")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	compared, withBlank, skipped := 0, 0, 0
	for _, p := range files {
		rel, _ := filepath.Rel(root, p)
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(raw, &doc); err != nil {
			continue // not JSON (or JSON with a BOM): nothing to compare
		}
		ds, err := toRDF(doc, l)
		if err != nil {
			// Safe mode refuses documents with undefined terms; they still make
			// datasets worth comparing.
			opts := l.Options()
			opts.SafeMode = false
			if ds, err = toRDFOpts(doc, opts); err != nil {
				skipped++
				continue
			}
		}
		ours, err := rdfc.Canonicalize(ds, rdfc.Options{})
		if err != nil {
			t.Errorf("%s: Canonicalize: %v", rel, err)
			continue
		}
		compat, err := rdfc.Canonicalize(ds, rdfc.Options{JSONGoldEscaping: true})
		if err != nil {
			t.Errorf("%s: Canonicalize (json-gold escaping): %v", rel, err)
			continue
		}
		theirs := dedupeSorted(jsonGoldNormalize(t, ds))
		if !bytes.Equal(compat.NQuads, theirs) {
			t.Errorf("%s: differs from json-gold\n ours:\n%s\njson-gold:\n%s", rel, compat.NQuads, theirs)
		}
		if !bytes.Equal(ours.NQuads, compat.NQuads) {
			t.Errorf("%s: canonical escaping changed the output of a fixture without control characters", rel)
		}
		if len(theirs) > 0 {
			compared++
		}
		if len(ours.IssuedIdentifiers) > 0 {
			withBlank++
		}
	}
	t.Logf("%d fixtures with quads compared byte for byte with json-gold, %d with blank nodes, %d did not expand",
		compared, withBlank, skipped)
	if compared < 40 {
		t.Errorf("only %d fixtures compared; expected the OB, VC and DI examples", compared)
	}
}

// TestSpecVectors checks the canonical documents published with the eddsa-rdfc-2022
// test vectors (W3C vc-di-eddsa and the 1EdTech OB 3.0 implementation guide).
func TestSpecVectors(t *testing.T) {
	tests := []struct {
		name      string
		doc, want []string
	}{
		{"vc-di-eddsa unsigned", []string{"test-vectors", "vc-di-eddsa", "unsigned.json"},
			[]string{"test-vectors", "vc-di-eddsa", "eddsa-rdfc-2022", "canonDocDataInt.txt"}},
		{"vc-di-eddsa proof config", []string{"test-vectors", "vc-di-eddsa", "eddsa-rdfc-2022", "proofConfigDataInt.json"},
			[]string{"test-vectors", "vc-di-eddsa", "eddsa-rdfc-2022", "proofCanonDataInt.txt"}},
		{"OB 3.0 unsigned credential", []string{"test-vectors", "ob-v3p0-eddsa-rdfc-2022", "unsigned-credential.json"},
			[]string{"test-vectors", "ob-v3p0-eddsa-rdfc-2022", "document-canon.txt"}},
	}
	l := testLoader(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc any
			if err := json.Unmarshal(testutil.ReadShared(t, tt.doc...), &doc); err != nil {
				t.Fatal(err)
			}
			ds, err := toRDF(doc, l)
			if err != nil {
				t.Fatal(err)
			}
			got, err := rdfc.CanonicalizeNQuads(ds)
			if err != nil {
				t.Fatal(err)
			}
			want := testutil.ReadShared(t, tt.want...)
			if !bytes.Equal(bytes.TrimRight(got, "\n"), bytes.TrimRight(want, "\n")) {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
