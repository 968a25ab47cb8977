package schema

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/obadge/obadge/internal/testutil"
	"github.com/piprate/json-gold/ld"
)

func decodeMap(t testing.TB, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

const minimalVC = `{
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
  "id": "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002",
  "type": ["VerifiableCredential", "OpenBadgeCredential"],
  "issuer": {"id": "https://example.com/issuers/1", "type": ["Profile"], "name": "Example"},
  "validFrom": "2024-01-01T00:00:00Z",
  "name": "Teamwork",
  "credentialSubject": {
    "id": "did:example:subject",
    "type": ["AchievementSubject"],
    "achievement": {
      "id": "https://example.com/achievements/1",
      "type": ["Achievement"],
      "criteria": {"narrative": "Do the work."},
      "description": "A badge.",
      "name": "Teamwork"
    }
  }
}`

func withMember(t testing.TB, base string, key string, value any) map[string]any {
	t.Helper()
	m := decodeMap(t, []byte(base))
	m[key] = value
	return m
}

func TestDetectDataLoss(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		doc     map[string]any
		wantErr error
		wantMsg string
	}{
		{name: "clean", doc: decodeMap(t, []byte(minimalVC))},
		{name: "undefined top-level property", doc: withMember(t, minimalVC, "bogusTerm", "x"), wantErr: ErrDataLoss, wantMsg: `"bogusTerm" at /bogusTerm`},
		{name: "undefined type value", doc: withMember(t, minimalVC, "type", []any{"VerifiableCredential", "OpenBadgeCredential", "Bogus"}), wantErr: ErrDataLoss, wantMsg: `undefined type "Bogus"`},
		{name: "relative id", doc: withMember(t, minimalVC, "id", "credential-1"), wantErr: ErrDataLoss, wantMsg: `"credential-1"`},
		{name: "blank node id is fine", doc: withMember(t, minimalVC, "id", "_:b0")},
		// json-gold's ToRDF drops these statements silently; they would be unsigned.
		{name: "http id json-gold refuses as a URL", doc: withMember(t, minimalVC, "id", "https://exa mple.org/c/1"), wantErr: ErrDataLoss, wantMsg: "exa mple"},
		{name: "urn with a space", doc: withMember(t, minimalVC, "id", "urn:uuid:a b"), wantErr: ErrDataLoss, wantMsg: "urn:uuid:a b"},
		{name: "bad language tag", doc: withMember(t, minimalVC, "name", map[string]any{"@value": "Lectura", "@language": "es_MX"}), wantErr: ErrDataLoss, wantMsg: `language tag "es_mx"`},
		{name: "good language tag", doc: withMember(t, minimalVC, "name", map[string]any{"@value": "Lectura", "@language": "es-MX"})},
		{name: "unknown context", doc: withMember(t, minimalVC, "@context", []any{ContextVCv2, "https://example.org/ctx"}), wantErr: ErrUnknownContext},
		{name: "protected term redefinition", doc: withMember(t, minimalVC, "@context", []any{ContextVCv2, map[string]any{"id": "https://example.org/id"}}), wantErr: ErrJSONLD, wantMsg: "protected term"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			before := deepCopy(tt.doc)
			exp, err := DetectDataLoss(tt.doc, nil)
			if !reflect.DeepEqual(before, tt.doc) {
				t.Error("DetectDataLoss modified its input")
			}
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if len(exp) != 1 {
					t.Fatalf("expanded form has %d top-level nodes, want 1", len(exp))
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("err = %q, want it to mention %q", err, tt.wantMsg)
			}
		})
	}
}

func deepCopy(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

func TestDetectDataLossFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file    string
		wantErr error
		wantMsg string
	}{
		{file: "simple.json"},
		{file: "complete.json"},
		{file: "simple_v1.json"},
		{file: "simple-context-version.json"},
		{file: "simple-context-alias.json"},
		{file: "simple-did-key-method.json"},
		{file: "simple-did-web-method.json"},
		{file: "simple-eddsa-2022.json"},
		{file: "endorsement-valid.json"},
		{file: "credential-status-revoked.json"},
		// proof type SomeProofType is undefined, so its members do not expand.
		{file: "simple-multiple-proofs.json", wantErr: ErrDataLoss, wantMsg: "/proof/0/"},
		{file: "simple-err-type.json", wantErr: ErrDataLoss, wantMsg: `"OtherCredential"`},
		// no VC context at all: every VC term is undefined
		{file: "simple-err-context.json", wantErr: ErrDataLoss, wantMsg: `"credentialSubject"`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			doc := decodeMap(t, testutil.ReadShared(t, "examples", "1edtech-validator-ob30", tt.file))
			_, err := DetectDataLoss(doc, DefaultLoader())
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("err = %q, want it to mention %q", err, tt.wantMsg)
			}
		})
	}
}

func BenchmarkDetectDataLoss(b *testing.B) {
	doc := decodeMap(b, testutil.ReadShared(b, "examples", "1edtech-validator-ob30", "complete.json"))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DetectDataLoss(doc, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// TestExpandedFeedsCanonicalization shows the intended use of the expanded output:
// JsonLdApi.ToRDF + Normalize on it give the same canonical N-Quads as a full
// Normalize of the document, without a second expansion.
func TestExpandedFeedsCanonicalization(t *testing.T) {
	t.Parallel()
	raw := testutil.ReadShared(t, "examples", "1edtech-validator-ob30", "simple.json")
	doc := decodeMap(t, raw)
	delete(doc, "proof")
	expanded, err := DetectDataLoss(doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	opts := DefaultLoader().Options()
	opts.Algorithm = ld.AlgorithmURDNA2015
	opts.Format = "application/n-quads"
	api := ld.NewJsonLdApi()
	ds, err := api.ToRDF(expanded, opts)
	if err != nil {
		t.Fatal(err)
	}
	fromExpanded, err := api.Normalize(ds, opts)
	if err != nil {
		t.Fatal(err)
	}
	again := decodeMap(t, raw)
	delete(again, "proof")
	direct, err := ld.NewJsonLdProcessor().Normalize(again, opts)
	if err != nil {
		t.Fatal(err)
	}
	if fromExpanded != direct || fromExpanded == "" {
		t.Errorf("canonical forms differ:\n%v\n%v", fromExpanded, direct)
	}
}

func BenchmarkDetectDataLossSimple(b *testing.B) {
	doc := decodeMap(b, testutil.ReadShared(b, "examples", "1edtech-validator-ob30", "simple.json"))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DetectDataLoss(doc, nil); err != nil {
			b.Fatal(err)
		}
	}
}
