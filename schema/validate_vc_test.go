package schema

import (
	"errors"
	"slices"
	"testing"

	"github.com/obadge/obadge/internal/testutil"
)

// minimalGenericVC is a non-OB VCDM 2.0 credential; its subject claim is defined by
// the undefined-terms context (an @vocab for issuer-dependent terms).
const minimalGenericVC = `{
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/undefined-terms/v2"],
  "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
  "type": ["VerifiableCredential"],
  "issuer": "did:example:issuer",
  "validFrom": "2024-01-01T00:00:00Z",
  "credentialSubject": {"id": "did:example:subject", "favoriteColor": "blue"}
}`

func TestValidateVCRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		base     string
		ops      []op
		wantPath string
		wantErr  error // extra sentinel the error must match
	}{
		{name: "valid generic"},
		{name: "valid OB", base: minimalVC},
		{name: "context missing", ops: []op{del("/@context")}, wantPath: "/@context"},
		{name: "base context not first", ops: []op{set("/@context", []any{"https://www.w3.org/ns/credentials/undefined-terms/v2", ContextVCv2})}, wantPath: "/@context/0"},
		{name: "base context repeated", ops: []op{set("/@context", []any{ContextVCv2, ContextVCv2})}, wantPath: "/@context/1"},
		{name: "context entry number", ops: []op{set("/@context", []any{ContextVCv2, 3})}, wantPath: "/@context/1"},
		{name: "context entry array", ops: []op{set("/@context", []any{ContextVCv2, []any{}})}, wantPath: "/@context/1"},
		{name: "context single object", ops: []op{set("/@context", map[string]any{"@vocab": "https://x.org/"})}, wantPath: "/@context"},
		{name: "context single string", ops: []op{set("/@context", ContextVCv2), del("/credentialSubject/favoriteColor")}},
		{name: "context entry not a URL", ops: []op{set("/@context", []any{ContextVCv2, "undefined-terms"})}, wantPath: "/@context/1"},
		{name: "unknown context", ops: []op{set("/@context/1", "https://example.org/my-context")}, wantPath: "/@context/1", wantErr: ErrUnknownContext},
		{name: "file context", ops: []op{set("/@context/1", "file:///etc/passwd")}, wantPath: "/@context/1", wantErr: ErrUnknownContext},
		{name: "protected term redefinition", ops: []op{set("/@context", []any{ContextVCv2, map[string]any{"id": "https://example.org/id"}})}, wantPath: "/@context/1", wantErr: ErrJSONLD},
		{name: "protected term type redefinition", ops: []op{set("/@context", []any{ContextVCv2, map[string]any{"VerifiableCredential": "https://example.org/VC"}})}, wantPath: "/@context/1", wantErr: ErrJSONLD},
		{name: "new term in object context", ops: []op{set("/@context", []any{ContextVCv2, map[string]any{"favoriteColor": "https://example.org/favoriteColor"}})}},
		{name: "id not a URL", ops: []op{set("/id", "abc")}, wantPath: "/id"},
		{name: "id array", ops: []op{set("/id", []any{"urn:a", "urn:b"})}, wantPath: "/id"},
		{name: "id optional", ops: []op{del("/id")}},
		{name: "type missing", ops: []op{del("/type")}, wantPath: "/type"},
		{name: "type without VerifiableCredential", ops: []op{set("/type", []any{"ExampleCredential"})}, wantPath: "/type"},
		{name: "undefined type", ops: []op{set("/@context", []any{ContextVCv2}), set("/type", []any{"VerifiableCredential", "ExampleCredential"}), del("/credentialSubject/favoriteColor")}, wantPath: "", wantErr: ErrDataLoss},
		{name: "undefined property", ops: []op{set("/@context", []any{ContextVCv2})}, wantPath: "", wantErr: ErrDataLoss},
		{name: "issuer missing", ops: []op{del("/issuer")}, wantPath: "/issuer"},
		{name: "issuer not URL", ops: []op{set("/issuer", "Example Org")}, wantPath: "/issuer"},
		{name: "issuer object id not URL", ops: []op{set("/issuer", map[string]any{"id": "x"})}, wantPath: "/issuer/id"},
		{name: "issuer object without id", ops: []op{set("/issuer", map[string]any{"name": "x"})}, wantPath: "/issuer/id"},
		{name: "issuer object", ops: []op{set("/issuer", map[string]any{"id": "did:example:issuer", "name": "x"})}},
		{name: "subject missing", ops: []op{del("/credentialSubject")}, wantPath: "/credentialSubject"},
		{name: "subject empty object", ops: []op{set("/credentialSubject", map[string]any{})}, wantPath: "/credentialSubject"},
		{name: "subject empty array", ops: []op{set("/credentialSubject", []any{})}, wantPath: "/credentialSubject"},
		{name: "subject string", ops: []op{set("/credentialSubject", "did:example:s")}, wantPath: "/credentialSubject"},
		{name: "subject array", ops: []op{set("/credentialSubject", []any{map[string]any{"id": "did:example:a"}, map[string]any{"favoriteColor": "red"}})}},
		{name: "subject id not URL", ops: []op{set("/credentialSubject/id", "alice")}, wantPath: "/credentialSubject/id"},
		{name: "validFrom optional", ops: []op{del("/validFrom")}},
		{name: "validFrom no zone", ops: []op{set("/validFrom", "2024-01-01T00:00:00")}, wantPath: "/validFrom"},
		{name: "validUntil before", ops: []op{set("/validUntil", "2020-01-01T00:00:00Z")}, wantPath: "/validUntil"},
		{name: "validUntil garbage", ops: []op{set("/validUntil", "tomorrow")}, wantPath: "/validUntil"},
		{name: "VCDM 1.1 issuanceDate required", ops: []op{set("/@context", []any{ContextVCv1}), del("/validFrom"), set("/credentialSubject", map[string]any{"id": "did:example:s"})}, wantPath: "/issuanceDate"},
		{name: "name language object", ops: []op{set("/name", map[string]any{"@value": "Nom", "@language": "fr"})}},
		{name: "name number", ops: []op{set("/name", 4)}, wantPath: "/name"},
		{name: "credentialStatus without type", ops: []op{set("/credentialStatus", map[string]any{"id": "https://x.org/s#1"})}, wantPath: "/credentialStatus/type"},
		{name: "credentialStatus array without type", ops: []op{set("/credentialStatus", []any{map[string]any{"type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "1", "statusListCredential": "https://x.org/s"}, map[string]any{"id": "https://x.org/s#2"}})}, wantPath: "/credentialStatus/1/type"},
		{name: "credentialSchema without id", ops: []op{set("/credentialSchema", map[string]any{"type": "JsonSchema"})}, wantPath: "/credentialSchema/id"},
		{name: "credentialSchema without type", ops: []op{set("/credentialSchema", map[string]any{"id": "https://x.org/s.json"})}, wantPath: "/credentialSchema/type"},
		{name: "evidence without type", ops: []op{set("/evidence", []any{map[string]any{"id": "https://x.org/e"}})}, wantPath: "/evidence/0/type"},
		{name: "termsOfUse without type", ops: []op{set("/termsOfUse", map[string]any{"id": "https://x.org/t"})}, wantPath: "/termsOfUse/type"},
		{name: "refreshService without type", ops: []op{set("/refreshService", map[string]any{"id": "https://x.org/r"})}, wantPath: "/refreshService/type"},
		{name: "relatedResource without id", ops: []op{set("/relatedResource", []any{map[string]any{"digestSRI": "sha384-abc"}})}, wantPath: "/relatedResource/0/id"},
		{name: "relatedResource duplicate id", ops: []op{set("/relatedResource", []any{
			map[string]any{"id": "https://x.org/a", "digestSRI": "sha384-abc"},
			map[string]any{"id": "https://x.org/a", "digestMultibase": "uEiA"}})}, wantPath: "/relatedResource/1/id"},
		{name: "relatedResource without digest", ops: []op{set("/relatedResource", map[string]any{"id": "https://x.org/a"})}, wantPath: "/relatedResource"},
		{name: "relatedResource ok", ops: []op{set("/relatedResource", []any{map[string]any{"id": "https://x.org/a", "digestSRI": "sha384-abc"}, map[string]any{"id": "https://x.org/b", "digestMultibase": "uEiA"}})}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			base := tt.base
			if base == "" {
				base = minimalGenericVC
			}
			err := ValidateVC(patch(t, base, tt.ops...))
			if tt.wantPath == "" && tt.wantErr == nil {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want it to match %v", err, tt.wantErr)
			}
			if got := paths(err); !slices.Contains(got, tt.wantPath) {
				t.Errorf("error paths %q, want %q (%v)", got, tt.wantPath, err)
			}
		})
	}
}

// TestValidateVCWithExamplesContext runs the W3C test vectors, which use the
// examples context, through a loader that adds it.
func TestValidateVCWithExamplesContext(t *testing.T) {
	t.Parallel()
	ctx := testutil.ReadShared(t, "contexts", "w3c-credentials-examples-v2.jsonld")
	l, err := NewLoader(map[string][]byte{"https://www.w3.org/ns/credentials/examples/v2": ctx})
	if err != nil {
		t.Fatal(err)
	}
	raw := patch(t, minimalGenericVC,
		set("/@context", []any{ContextVCv2, "https://www.w3.org/ns/credentials/examples/v2"}),
		set("/type", []any{"VerifiableCredential", "ExampleAlumniCredential"}),
		set("/credentialSubject", map[string]any{"id": "did:example:s", "alumniOf": "The School of Examples"}))
	if err := ValidateVCWithLoader(raw, l); err != nil {
		t.Fatalf("with the examples context: %v", err)
	}
	if err := ValidateVC(raw); !errors.Is(err, ErrUnknownContext) {
		t.Fatalf("default loader: err = %v, want ErrUnknownContext", err)
	}
}

func TestValidateVCFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file    string
		wantErr error
	}{
		{file: "simple.json"},
		{file: "complete.json"},
		{file: "simple_v1.json"},
		{file: "endorsement-valid.json"},
		{file: "simple-multiple-proofs.json", wantErr: ErrDataLoss},
		{file: "simple-err-type.json", wantErr: ErrDataLoss},
		{file: "simple-err-context.json", wantErr: ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			err := ValidateVC(testutil.ReadShared(t, "examples", "1edtech-validator-ob30", tt.file))
			if tt.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}
}
