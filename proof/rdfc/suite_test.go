package rdfc_test

import (
	"crypto"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/piprate/json-gold/ld"

	"github.com/obadge/obadge/internal/testutil"
	"github.com/obadge/obadge/proof"
	"github.com/obadge/obadge/proof/rdfc"
)

// manifestEntry is one test of the W3C RDFC-1.0 suite (rdf-canon/manifest.jsonld).
type manifestEntry struct {
	ID            string `json:"id"`
	Type          string `json:"type"`
	Name          string `json:"name"`
	Approval      string `json:"approval"`
	Action        string `json:"action"`
	Result        string `json:"result"`
	HashAlgorithm string `json:"hashAlgorithm"`
}

func loadManifest(t testing.TB) (string, []manifestEntry) {
	t.Helper()
	dir := testutil.SharedRef(t, "test-vectors", "rdf-canon")
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.jsonld"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Entries []manifestEntry `json:"entries"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("manifest: %v", err)
	}
	if len(m.Entries) == 0 {
		t.Fatal("manifest: no entries")
	}
	return dir, m.Entries
}

func hashOf(t testing.TB, e manifestEntry) crypto.Hash {
	switch e.HashAlgorithm {
	case "", "SHA256":
		return crypto.SHA256
	case "SHA384":
		return crypto.SHA384
	}
	t.Fatalf("%s: unknown hashAlgorithm %q", e.ID, e.HashAlgorithm)
	return 0
}

func parseNQuadsFile(t testing.TB, path string) *ld.RDFDataset {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := ld.ParseNQuads(string(raw))
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	return ds
}

// TestW3CSuite runs every test of the W3C RDFC-1.0 test suite as its manifest
// describes it.
func TestW3CSuite(t *testing.T) {
	dir, entries := loadManifest(t)
	counts := map[string]int{}
	for _, e := range entries {
		e := e
		counts[e.Type]++
		t.Run(strings.TrimPrefix(e.ID, "#")+" "+e.Name, func(t *testing.T) {
			t.Parallel()
			if e.Approval != "rdft:Approved" {
				t.Skipf("not approved: %s", e.Approval)
			}
			ds := parseNQuadsFile(t, filepath.Join(dir, e.Action))
			opts := rdfc.Options{Hash: hashOf(t, e)}
			res, err := rdfc.Canonicalize(ds, opts)
			switch e.Type {
			case "rdfc:RDFC10EvalTest":
				if err != nil {
					t.Fatalf("Canonicalize: %v", err)
				}
				want, rerr := os.ReadFile(filepath.Join(dir, e.Result))
				if rerr != nil {
					t.Fatal(rerr)
				}
				if string(res.NQuads) != string(want) {
					t.Errorf("canonical N-Quads differ\n got:\n%s\nwant:\n%s", res.NQuads, want)
				}
			case "rdfc:RDFC10MapTest":
				if err != nil {
					t.Fatalf("Canonicalize: %v", err)
				}
				raw, rerr := os.ReadFile(filepath.Join(dir, e.Result))
				if rerr != nil {
					t.Fatal(rerr)
				}
				var want map[string]string
				if err := json.Unmarshal(raw, &want); err != nil {
					t.Fatal(err)
				}
				if !maps.Equal(res.IssuedIdentifiers, want) {
					t.Errorf("issued identifiers differ\n got: %v\nwant: %v", res.IssuedIdentifiers, want)
				}
			case "rdfc:RDFC10NegativeEvalTest":
				if err == nil {
					t.Fatalf("canonicalized a dataset the suite expects refused (work %d)", res.Work)
				}
				if !errors.Is(err, rdfc.ErrWorkLimit) || !errors.Is(err, proof.ErrCanonicalization) {
					t.Fatalf("error %v does not match ErrWorkLimit and proof.ErrCanonicalization", err)
				}
				var wl *rdfc.WorkLimitError
				if !errors.As(err, &wl) {
					t.Fatalf("error %v is not a *WorkLimitError", err)
				}
				if wl.Work != wl.Limit+1 || wl.Limit != rdfc.DefaultMaxWork(wl.NonUnique) || wl.NonUnique != wl.BlankNodes {
					t.Errorf("stopped at work %d with limit %d; %d blank nodes, %d non-unique (default limit %d)",
						wl.Work, wl.Limit, wl.BlankNodes, wl.NonUnique, rdfc.DefaultMaxWork(wl.NonUnique))
				}
			default:
				t.Fatalf("unknown test type %q", e.Type)
			}
		})
	}
	// The suite this package was written against: 64 eval, 21 map, 1 negative test.
	if counts["rdfc:RDFC10EvalTest"] < 64 || counts["rdfc:RDFC10MapTest"] < 21 || counts["rdfc:RDFC10NegativeEvalTest"] < 1 {
		t.Errorf("manifest has fewer tests than expected: %v", counts)
	}
}
