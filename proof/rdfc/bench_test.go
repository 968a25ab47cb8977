package rdfc_test

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/piprate/json-gold/ld"

	"github.com/obadge/obadge/proof/rdfc"
	"github.com/obadge/obadge/schema"
)

// educatorCredential is an OB 3.0 OpenBadgeCredential shaped like the 1EdTech
// eddsa-rdfc-2022 vector, with n evidence items: n blank nodes.
func educatorCredential(n int) map[string]any {
	evidence := make([]any, n)
	for i := range evidence {
		evidence[i] = map[string]any{
			"type":      []any{"Evidence"},
			"name":      fmt.Sprintf("Lesson plan %d", i),
			"narrative": fmt.Sprintf("Lesson plan %d was observed in class and rated proficient by the mentor.", i),
		}
	}
	return map[string]any{
		"@context": []any{schema.ContextVCv2, schema.ContextOB303},
		"id":       "http://example.com/credentials/3527",
		"type":     []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer": map[string]any{
			"id":   "https://example.edu/issuers/565049",
			"type": []any{"Profile"},
			"url":  "https://www.imsglobal.org",
			"name": "Example Corp",
		},
		"validFrom": "2010-01-01T00:00:00Z",
		"name":      "Educator Badge",
		"credentialSubject": map[string]any{
			"id":   "did:example:ebfeb1f712ebc6f1c276e12ec21",
			"type": []any{"AchievementSubject"},
			"achievement": map[string]any{
				"id":          "https://example.com/achievements/educator",
				"type":        []any{"Achievement"},
				"criteria":    map[string]any{"narrative": "Educators submit evidence of their classroom practice."},
				"description": "This badge recognizes classroom practice.",
				"name":        "Educator",
			},
		},
		"evidence": evidence,
	}
}

// cliqueCredential is the credential with n evidence items that all refer to
// each other: a poison graph (an n-clique of blank nodes).
func cliqueCredential(n int) map[string]any {
	doc := educatorCredential(0)
	evidence := make([]any, n)
	for i := range evidence {
		var rel []any
		for j := range n {
			if j != i {
				rel = append(rel, map[string]any{"id": fmt.Sprintf("_:e%d", j)})
			}
		}
		evidence[i] = map[string]any{
			"id":                                fmt.Sprintf("_:e%d", i),
			"type":                              []any{"Evidence"},
			"name":                              "Same",
			"https://example.org/vocab#relates": rel,
		}
	}
	doc["evidence"] = evidence
	return doc
}

func benchRDF(tb testing.TB, doc any) *ld.RDFDataset {
	tb.Helper()
	ds, err := toRDF(doc, schema.DefaultLoader())
	if err != nil {
		tb.Fatal(err)
	}
	return ds
}

// cloneDataset copies the quads of ds, which json-gold's Normalize rewrites.
func cloneDataset(ds *ld.RDFDataset) *ld.RDFDataset {
	out := ld.NewRDFDataset()
	for name, qs := range ds.Graphs {
		cp := make([]*ld.Quad, len(qs))
		for i, q := range qs {
			c := *q
			cp[i] = &c
		}
		out.Graphs[name] = cp
	}
	return out
}

// TestCliqueCredentialRefused: a 12-clique of blank nodes in evidence, which
// json-gold does not finish in minutes, is refused by the work counter.
func TestCliqueCredentialRefused(t *testing.T) {
	ds := benchRDF(t, cliqueCredential(12))
	_, err := rdfc.Canonicalize(ds, rdfc.Options{})
	var wl *rdfc.WorkLimitError
	if !errors.As(err, &wl) || !errors.Is(err, rdfc.ErrWorkLimit) {
		t.Fatalf("error %v, want ErrWorkLimit", err)
	}
	if wl.NonUnique != 12 || wl.Limit != rdfc.DefaultMaxWork(12) {
		t.Errorf("WorkLimitError %+v", *wl)
	}
	// The same credential with 3 related evidence items canonicalizes.
	if _, err := rdfc.Canonicalize(benchRDF(t, cliqueCredential(3)), rdfc.Options{}); err != nil {
		t.Errorf("3-clique: %v", err)
	}
}

// ring is n blank nodes in a directed cycle: every node has the same first
// degree hash and each Hash N-Degree Quads call recurses around the whole ring.
func ring(n int) *ld.RDFDataset {
	ds := ld.NewRDFDataset()
	next := ld.NewIRI("urn:next")
	for i := range n {
		ds.Graphs["@default"] = append(ds.Graphs["@default"], ld.NewQuad(
			ld.NewBlankNode(fmt.Sprintf("_:r%d", i)), next, ld.NewBlankNode(fmt.Sprintf("_:r%d", (i+1)%n)), ""))
	}
	return ds
}

// TestRingRefused: a long symmetric cycle, whose cost grows with the square of
// its length per Hash N-Degree Quads call, is refused by the work counter; a
// short one canonicalizes.
func TestRingRefused(t *testing.T) {
	_, err := rdfc.Canonicalize(ring(5000), rdfc.Options{})
	var wl *rdfc.WorkLimitError
	if !errors.As(err, &wl) || wl.NonUnique != 5000 || wl.Limit != rdfc.DefaultMaxWork(5000) {
		t.Fatalf("error %v, want a *WorkLimitError for 5000 non-unique nodes", err)
	}
	res, err := rdfc.Canonicalize(ring(40), rdfc.Options{})
	if err != nil {
		t.Fatalf("40-ring: %v", err)
	}
	if len(res.IssuedIdentifiers) != 40 {
		t.Errorf("40-ring: %d identifiers", len(res.IssuedIdentifiers))
	}
}

var sizes = []int{1000, 8000, 32000}

// perItem reports wall and CPU nanoseconds per evidence item; cpu is the CPU
// time the timed part used.
func perItem(b *testing.B, n int, cpu time.Duration) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/item")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/float64(n), "cpu-ns/item")
	}
}

// BenchmarkCanonicalize times the canonicalization step alone (ToRDF is done
// before the timer), ours against json-gold's Normalize up to 8k items.
func BenchmarkCanonicalize(b *testing.B) {
	for _, n := range sizes {
		ds := benchRDF(b, educatorCredential(n))
		b.Run(fmt.Sprintf("ours/items=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := processCPU()
			for b.Loop() {
				if _, err := rdfc.Canonicalize(ds, rdfc.Options{}); err != nil {
					b.Fatal(err)
				}
			}
			perItem(b, n, processCPU()-cpu0)
		})
		if n > 8000 {
			continue
		}
		b.Run(fmt.Sprintf("json-gold/items=%d", n), func(b *testing.B) {
			opts := ld.NewJsonLdOptions("")
			opts.Algorithm = ld.AlgorithmURDNA2015
			opts.Format = "application/n-quads"
			api := ld.NewJsonLdApi()
			var cpu time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				cp := cloneDataset(ds)
				t0 := processCPU()
				b.StartTimer()
				if _, err := api.Normalize(cp, opts); err != nil {
					b.Fatal(err)
				}
				cpu += processCPU() - t0
			}
			perItem(b, n, cpu)
		})
	}
}

// BenchmarkPipeline times Expand + ToRDF (json-gold) + our canonicalization.
func BenchmarkPipeline(b *testing.B) {
	for _, n := range sizes {
		doc := educatorCredential(n)
		b.Run(fmt.Sprintf("items=%d", n), func(b *testing.B) {
			cpu0 := processCPU()
			for b.Loop() {
				ds := benchRDF(b, doc)
				if _, err := rdfc.Canonicalize(ds, rdfc.Options{}); err != nil {
					b.Fatal(err)
				}
			}
			perItem(b, n, processCPU()-cpu0)
		})
	}
}

// BenchmarkJSONGoldToRDF is json-gold's Expand + ToRDF alone, for profiling
// (go test -bench JSONGoldToRDF -cpuprofile cpu.out).
func BenchmarkJSONGoldToRDF(b *testing.B) {
	for _, n := range []int{8000, 60000} {
		doc := educatorCredential(n)
		b.Run(fmt.Sprintf("items=%d", n), func(b *testing.B) {
			cpu0 := processCPU()
			for b.Loop() {
				benchRDF(b, doc)
			}
			perItem(b, n, processCPU()-cpu0)
		})
	}
}

// BenchmarkSmallCredential: the 1EdTech-shaped credential without evidence,
// canonicalizations per second on one core (run with -cpu 1), beside raw
// ed25519.Sign of its canonical form as the baseline of the same run.
func BenchmarkSmallCredential(b *testing.B) {
	ds := benchRDF(b, educatorCredential(0))
	canon, err := rdfc.CanonicalizeNQuads(ds)
	if err != nil {
		b.Fatal(err)
	}
	perSec := func(b *testing.B) {
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
	}
	b.Run("baseline-ed25519.Sign", func(b *testing.B) {
		priv := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
		for b.Loop() {
			ed25519.Sign(priv, canon)
		}
		perSec(b)
	})
	b.Run("ours", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := rdfc.Canonicalize(ds, rdfc.Options{}); err != nil {
				b.Fatal(err)
			}
		}
		perSec(b)
	})
	b.Run("json-gold", func(b *testing.B) {
		b.ReportAllocs()
		opts := ld.NewJsonLdOptions("")
		opts.Algorithm = ld.AlgorithmURDNA2015
		opts.Format = "application/n-quads"
		api := ld.NewJsonLdApi()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			cp := cloneDataset(ds)
			b.StartTimer()
			if _, err := api.Normalize(cp, opts); err != nil {
				b.Fatal(err)
			}
		}
		perSec(b)
	})
}

// BenchmarkPoison times the refusal of poison graphs under the default limit
// (target: well under 1 s each): the W3C 10-clique (test074), a 12-clique of
// evidence items in a credential and a 20,000-node ring.
func BenchmarkPoison(b *testing.B) {
	b.Run("evidence-clique-12", func(b *testing.B) {
		ds := benchRDF(b, cliqueCredential(12))
		for b.Loop() {
			if _, err := rdfc.Canonicalize(ds, rdfc.Options{}); !errors.Is(err, rdfc.ErrWorkLimit) {
				b.Fatalf("error %v, want ErrWorkLimit", err)
			}
		}
	})
	b.Run("ring-20000", func(b *testing.B) {
		ds := ring(20000)
		for b.Loop() {
			if _, err := rdfc.Canonicalize(ds, rdfc.Options{}); !errors.Is(err, rdfc.ErrWorkLimit) {
				b.Fatalf("error %v, want ErrWorkLimit", err)
			}
		}
	})
	b.Run("w3c-test074", func(b *testing.B) {
		dir, _ := loadManifest(b)
		ds := parseNQuadsFile(b, dir+"/rdfc10/test074-in.nq")
		for b.Loop() {
			if _, err := rdfc.Canonicalize(ds, rdfc.Options{}); !errors.Is(err, rdfc.ErrWorkLimit) {
				b.Fatalf("error %v, want ErrWorkLimit", err)
			}
		}
	})
}
