package schema

import (
	"errors"
	"testing"

	"github.com/obadge/obadge/internal/testutil"
)

// TestFixturesStructure gives each 1EdTech validator fixture and spec example the
// structural verdict the 1EdTech validator's own tests record for it (digest §11),
// where the failure is structural. Fixtures that fail there only for proof, key,
// date or status reasons (simple-err-proof-*, simple-err-expired, the revoked ones)
// are structurally valid, and so pass here.
func TestFixturesStructure(t *testing.T) {
	t.Parallel()
	type fixture struct {
		dir, file string
		validate  func([]byte) error
		wantErr   bool
		// wantPath is a pointer the report must contain when wantErr is set.
		wantPath string
		warn     bool // Validate must report at least one warning
		// endorsement marks the files checked with ValidateEndorsement (Validate,
		// which reports on AchievementCredentials, does not apply to them).
		endorsement bool
	}
	const ob, spec = "1edtech-validator-ob30", "ob-v3p0-spec"
	tests := []fixture{
		{dir: ob, file: "simple.json", validate: ValidateOB},
		{dir: ob, file: "complete.json", validate: ValidateOB},
		{dir: ob, file: "simple-did-key-method.json", validate: ValidateOB},
		{dir: ob, file: "simple-did-web-method.json", validate: ValidateOB},
		{dir: ob, file: "simple-context-alias.json", validate: ValidateOB},
		{dir: ob, file: "simple-context-version.json", validate: ValidateOB, warn: true},
		{dir: ob, file: "simple_v1.json", validate: ValidateOB, warn: true},
		{dir: ob, file: "simple-eddsa-2022.json", validate: ValidateOB, warn: true},
		{dir: ob, file: "credential-status-revoked.json", validate: ValidateOB, warn: true},
		// Invalid in the 1EdTech tests for their proof, dates or JSON-LD, not structure:
		{dir: ob, file: "simple-err-expired.json", validate: ValidateOB},
		{dir: ob, file: "simple-err-proof-value.json", validate: ValidateOB},
		{dir: ob, file: "simple-err-proof-method.json", validate: ValidateOB},
		{dir: ob, file: "simple-multiple-proofs.json", validate: ValidateOB}, // caught by DetectDataLoss
		// Structural failures:
		{dir: ob, file: "simple-err-type.json", validate: ValidateOB, wantErr: true, wantPath: "/type"},
		{dir: ob, file: "simple-err-issuer.json", validate: ValidateOB, wantErr: true, wantPath: "/issuer"},
		{dir: ob, file: "simple-err-context.json", validate: ValidateOB, wantErr: true, wantPath: "/@context/0"},
		{dir: ob, file: "simple-err-credential-subject-type.json", validate: ValidateOB, wantErr: true, wantPath: "/credentialSubject/type"},
		{dir: ob, file: "simple-err-credential-subject-identifier-type.json", validate: ValidateOB, wantErr: true, wantPath: "/credentialSubject/identifier/0/type"},
		{dir: ob, file: "simple-err-credential-subject-profile-type.json", validate: ValidateOB, wantErr: true, wantPath: "/credentialSubject/source/type"},
		{dir: ob, file: "simple-err-credential-subject-result-type.json", validate: ValidateOB, wantErr: true, wantPath: "/credentialSubject/result/1/type"},
		{dir: ob, file: "simple-err-credential-subject-achievement-result-description-type.json", validate: ValidateOB, wantErr: true, wantPath: "/credentialSubject/achievement/resultDescription/2/type"},
		{dir: ob, file: "simple-err-evidence-type.json", validate: ValidateOB, wantErr: true, wantPath: "/evidence/1/type"},
		{dir: ob, file: "simple-err-issuer-type.json", validate: ValidateOB, wantErr: true, wantPath: "/issuer/type"},
		{dir: ob, file: "simple-err-issuer-parentorg-type.json", validate: ValidateOB, wantErr: true, wantPath: "/issuer/parentOrg/type"},
		{dir: ob, file: "simple-err-issuer-otheridentifier-type.json", validate: ValidateOB, wantErr: true, wantPath: "/issuer/otherIdentifier/1/type"},
		// complete_v1.json is invalid in the 1EdTech tests because its inline
		// credentialSchema cannot be resolved; structurally it also breaks OB rules:
		// embedded endorsements without id, identityType "email" (not in the enum).
		{dir: ob, file: "complete_v1.json", validate: ValidateOB, wantErr: true, wantPath: "/credentialSubject/identifier/0/identityType"},
		// Its schema, status and refresh URLs are what fail upstream; the structure is valid.
		{dir: ob, file: "endorsement-err-schema-status-refresh.json", validate: ValidateEndorsement, endorsement: true},
		// simple-err-issued.json is invalid in the 1EdTech tests because validFrom is in the
		// future; it also has no achievement, which OB requires (1), so it fails here too.
		{dir: ob, file: "simple-err-issued.json", validate: ValidateOB, wantErr: true, wantPath: "/credentialSubject/achievement"},
		{dir: ob, file: "endorsement-valid.json", validate: ValidateEndorsement, endorsement: true},
		// The spec examples are unsigned but structurally valid.
		{dir: spec, file: "basicOpenBadgeCredential.json", validate: ValidateOB},
		{dir: spec, file: "fullOpenBadge.json", validate: ValidateOB},
		{dir: spec, file: "achievementAlignmentCase.json", validate: ValidateOB},
		{dir: spec, file: "achievementAlignmentCe.json", validate: ValidateOB},
		{dir: spec, file: "skillAssertionCase.json", validate: ValidateOB},
		{dir: spec, file: "skillAssertionCtdl.json", validate: ValidateOB},
		{dir: spec, file: "endorsement.json", validate: ValidateEndorsement, endorsement: true},
		// An endorsement is not an OpenBadgeCredential.
		{dir: spec, file: "endorsement.json", validate: ValidateOB, wantErr: true, wantPath: "/type"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			raw := testutil.ReadShared(t, "examples", tt.dir, tt.file)
			err := tt.validate(raw)
			if !tt.wantErr {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				if !tt.endorsement {
					if r := Validate(raw); tt.warn != (len(r.Warnings) > 0) {
						t.Errorf("warnings = %v, want some: %v", r.Warnings, tt.warn)
					}
				}
				return
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err is %T, want *ValidationError", err)
			}
			for _, fe := range ve.Errors {
				if fe.Path == tt.wantPath {
					return
				}
			}
			t.Errorf("no error at %s in %v", tt.wantPath, ve.Errors)
		})
	}
}
