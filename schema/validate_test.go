package schema

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/obadge/obadge/internal/testutil"
)

func TestValidateOBRules(t *testing.T) {
	t.Parallel()
	identity := func(kv ...any) map[string]any {
		m := map[string]any{"type": "IdentityObject", "hashed": true,
			"identityHash": "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399",
			"identityType": "emailAddress", "salt": "Kosher"}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == nil {
				delete(m, kv[i].(string))
			} else {
				m[kv[i].(string)] = kv[i+1]
			}
		}
		return m
	}
	profile := map[string]any{"id": "https://example.com/p", "type": "Profile"}
	tests := []struct {
		name     string
		ops      []op
		wantPath string // "" = valid
	}{
		{name: "minimal valid"},
		{name: "single type string is not enough", ops: []op{set("/type", "VerifiableCredential")}, wantPath: "/type"},
		{name: "AchievementCredential alias", ops: []op{set("/type", []any{"VerifiableCredential", "AchievementCredential"})}},
		{name: "type without VerifiableCredential", ops: []op{set("/type", []any{"OpenBadgeCredential"})}, wantPath: "/type"},
		{name: "type entry not a string", ops: []op{set("/type", []any{"VerifiableCredential", 3})}, wantPath: "/type/1"},
		{name: "context missing", ops: []op{del("/@context")}, wantPath: "/@context"},
		{name: "context not an array", ops: []op{set("/@context", ContextVCv2)}, wantPath: "/@context"},
		{name: "context order swapped", ops: []op{set("/@context", []any{ContextOB303, ContextVCv2})}, wantPath: "/@context/0"},
		{name: "OB context missing", ops: []op{set("/@context", []any{ContextVCv2, ContextDIv2})}, wantPath: "/@context/1"},
		{name: "OB context bad version form", ops: []op{set("/@context/1", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.json")}, wantPath: "/@context/1"},
		{name: "OB context 3.0.2 accepted", ops: []op{set("/@context/1", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json")}},
		{name: "context entry a number", ops: []op{set("/@context", []any{ContextVCv2, ContextOB303, 7})}, wantPath: "/@context/2"},
		{name: "extra object context", ops: []op{set("/@context", []any{ContextVCv2, ContextOB303, map[string]any{"ex": "https://example.org/"}})}},
		{name: "id missing", ops: []op{del("/id")}, wantPath: "/id"},
		{name: "id not a URI", ops: []op{set("/id", "credential 1")}, wantPath: "/id"},
		{name: "validFrom missing", ops: []op{del("/validFrom")}, wantPath: "/validFrom"},
		{name: "validFrom without zone", ops: []op{set("/validFrom", "2024-01-01T00:00:00")}, wantPath: "/validFrom"},
		{name: "validFrom a date", ops: []op{set("/validFrom", "2024-01-01")}, wantPath: "/validFrom"},
		{name: "validFrom bad month", ops: []op{set("/validFrom", "2024-13-01T00:00:00Z")}, wantPath: "/validFrom"},
		{name: "validFrom with offset", ops: []op{set("/validFrom", "2021-09-07T02:09:59+02:00")}},
		{name: "validFrom fractional", ops: []op{set("/validFrom", "2021-09-07T02:09:59.123Z")}},
		{name: "validUntil before validFrom", ops: []op{set("/validUntil", "2023-12-31T23:59:59Z")}, wantPath: "/validUntil"},
		{name: "validUntil after validFrom", ops: []op{set("/validUntil", "2030-01-01T00:00:00Z")}},
		{name: "validUntil same instant other zone", ops: []op{set("/validUntil", "2024-01-01T01:00:00+01:00")}},
		{name: "awardedDate without zone", ops: []op{set("/awardedDate", "2024-01-01T00:00:00")}, wantPath: "/awardedDate"},
		{name: "issuer missing", ops: []op{del("/issuer")}, wantPath: "/issuer"},
		{name: "issuer URI string", ops: []op{set("/issuer", "did:web:example.com")}},
		{name: "issuer not a URI", ops: []op{set("/issuer", "Example Corp")}, wantPath: "/issuer"},
		{name: "issuer number", ops: []op{set("/issuer", 5)}, wantPath: "/issuer"},
		{name: "issuer without id", ops: []op{del("/issuer/id")}, wantPath: "/issuer/id"},
		{name: "issuer id relative", ops: []op{set("/issuer/id", "issuers/1")}, wantPath: "/issuer/id"},
		{name: "issuer without Profile type", ops: []op{set("/issuer/type", []any{"Organization"})}, wantPath: "/issuer/type"},
		{name: "issuer url not a URI", ops: []op{set("/issuer/url", "example.com")}, wantPath: "/issuer/url"},
		{name: "issuer dateOfBirth", ops: []op{set("/issuer/dateOfBirth", "1990-02-30")}, wantPath: "/issuer/dateOfBirth"},
		{name: "issuer parentOrg type", ops: []op{set("/issuer/parentOrg", map[string]any{"id": "https://example.com/o", "type": "Org"})}, wantPath: "/issuer/parentOrg/type"},
		{name: "issuer otherIdentifier extra member", ops: []op{set("/issuer/otherIdentifier", []any{map[string]any{"type": "IdentifierEntry", "identifier": "1", "identifierType": "sourcedId", "x": 1}})}, wantPath: "/issuer/otherIdentifier/0/x"},
		{name: "issuer otherIdentifier bad enum", ops: []op{set("/issuer/otherIdentifier", map[string]any{"type": "IdentifierEntry", "identifier": "1", "identifierType": "ssn"})}, wantPath: "/issuer/otherIdentifier/identifierType"},
		{name: "issuer address geo", ops: []op{set("/issuer/address", map[string]any{"type": []any{"Address"}, "geo": map[string]any{"type": "GeoCoordinates", "latitude": "1"}})}, wantPath: "/issuer/address/geo/longitude"},
		{name: "name not a string", ops: []op{set("/name", 1)}, wantPath: "/name"},
		{name: "credentialSubject missing", ops: []op{del("/credentialSubject")}, wantPath: "/credentialSubject"},
		{name: "credentialSubject array", ops: []op{set("/credentialSubject", []any{})}, wantPath: "/credentialSubject"},
		{name: "subject type", ops: []op{set("/credentialSubject/type", "Person")}, wantPath: "/credentialSubject/type"},
		{name: "subject type as string", ops: []op{set("/credentialSubject/type", "AchievementSubject")}},
		{name: "subject neither id nor identifier", ops: []op{del("/credentialSubject/id")}, wantPath: "/credentialSubject"},
		{name: "subject identifier only", ops: []op{del("/credentialSubject/id"), set("/credentialSubject/identifier", []any{identity()})}},
		{name: "subject single identifier object", ops: []op{set("/credentialSubject/identifier", identity())}},
		{name: "subject empty identifier array", ops: []op{del("/credentialSubject/id"), set("/credentialSubject/identifier", []any{})}, wantPath: "/credentialSubject/identifier"},
		{name: "subject id relative", ops: []op{set("/credentialSubject/id", "alice")}, wantPath: "/credentialSubject/id"},
		{name: "identity type array", ops: []op{set("/credentialSubject/identifier", []any{identity("type", []any{"IdentityObject"})})}, wantPath: "/credentialSubject/identifier/0/type"},
		{name: "identity hashed as string", ops: []op{set("/credentialSubject/identifier", []any{identity("hashed", "true")})}, wantPath: "/credentialSubject/identifier/0/hashed"},
		{name: "identity hashed missing", ops: []op{set("/credentialSubject/identifier", []any{identity("hashed", nil)})}, wantPath: "/credentialSubject/identifier/0/hashed"},
		{name: "identity hash not hex", ops: []op{set("/credentialSubject/identifier", []any{identity("identityHash", "sha256$xyz")})}, wantPath: "/credentialSubject/identifier/0/identityHash"},
		{name: "identity hash md5", ops: []op{set("/credentialSubject/identifier", []any{identity("identityHash", "md5$0123456789ABCDEF0123456789abcdef")})}},
		{name: "identity hash sha1 refused", ops: []op{set("/credentialSubject/identifier", []any{identity("identityHash", "sha1$0123456789abcdef0123456789abcdef01234567")})}, wantPath: "/credentialSubject/identifier/0/identityHash"},
		{name: "identity plaintext when not hashed", ops: []op{set("/credentialSubject/identifier", []any{identity("hashed", false, "identityHash", "a@example.com", "salt", nil)})}},
		{name: "identity type ext", ops: []op{set("/credentialSubject/identifier", []any{identity("identityType", "ext:stateTeacherId")})}},
		{name: "identity type unknown", ops: []op{set("/credentialSubject/identifier", []any{identity("identityType", "email")})}, wantPath: "/credentialSubject/identifier/0/identityType"},
		{name: "identity extra member", ops: []op{set("/credentialSubject/identifier", []any{identity("note", "x")})}, wantPath: "/credentialSubject/identifier/0/note"},
		{name: "achievement missing", ops: []op{del("/credentialSubject/achievement")}, wantPath: "/credentialSubject/achievement"},
		{name: "achievement id missing", ops: []op{del("/credentialSubject/achievement/id")}, wantPath: "/credentialSubject/achievement/id"},
		{name: "achievement type", ops: []op{set("/credentialSubject/achievement/type", []any{"Badge"})}, wantPath: "/credentialSubject/achievement/type"},
		{name: "achievement criteria missing", ops: []op{del("/credentialSubject/achievement/criteria")}, wantPath: "/credentialSubject/achievement/criteria"},
		{name: "achievement description missing", ops: []op{del("/credentialSubject/achievement/description")}, wantPath: "/credentialSubject/achievement/description"},
		{name: "achievement name empty", ops: []op{set("/credentialSubject/achievement/name", " ")}, wantPath: "/credentialSubject/achievement/name"},
		{name: "achievementType enum", ops: []op{set("/credentialSubject/achievement/achievementType", "MicroCredential")}},
		{name: "achievementType ext", ops: []op{set("/credentialSubject/achievement/achievementType", "ext:TeacherMicro_1.0")}},
		{name: "achievementType unknown", ops: []op{set("/credentialSubject/achievement/achievementType", "Microcredential")}, wantPath: "/credentialSubject/achievement/achievementType"},
		{name: "achievementType bad ext", ops: []op{set("/credentialSubject/achievement/achievementType", "ext:has space")}, wantPath: "/credentialSubject/achievement/achievementType"},
		{name: "creditsAvailable string", ops: []op{set("/credentialSubject/achievement/creditsAvailable", "3.0")}, wantPath: "/credentialSubject/achievement/creditsAvailable"},
		{name: "creditsAvailable number", ops: []op{set("/credentialSubject/achievement/creditsAvailable", 3.0)}},
		{name: "alignment without targetUrl", ops: []op{set("/credentialSubject/achievement/alignment", map[string]any{"type": "Alignment", "targetName": "x"})}, wantPath: "/credentialSubject/achievement/alignment/targetUrl"},
		{name: "alignment targetType", ops: []op{set("/credentialSubject/achievement/alignment", []any{map[string]any{"type": []any{"Alignment"}, "targetName": "x", "targetUrl": "https://x.org", "targetType": "Competency"}})}, wantPath: "/credentialSubject/achievement/alignment/0/targetType"},
		{name: "resultDescription resultType", ops: []op{set("/credentialSubject/achievement/resultDescription", []any{map[string]any{"id": "urn:uuid:1", "type": "ResultDescription", "name": "g", "resultType": "Grade"}})}, wantPath: "/credentialSubject/achievement/resultDescription/0/resultType"},
		{name: "rubric level name", ops: []op{set("/credentialSubject/achievement/resultDescription", []any{map[string]any{"id": "urn:uuid:1", "type": "ResultDescription", "name": "g", "resultType": "RubricCriterionLevel", "rubricCriterionLevel": []any{map[string]any{"id": "urn:uuid:2", "type": "RubricCriterionLevel"}}}})}, wantPath: "/credentialSubject/achievement/resultDescription/0/rubricCriterionLevel/0/name"},
		{name: "result status", ops: []op{set("/credentialSubject/result", []any{map[string]any{"type": "Result", "status": "Done"}})}, wantPath: "/credentialSubject/result/0/status"},
		{name: "result ok", ops: []op{set("/credentialSubject/result", map[string]any{"type": []any{"Result"}, "status": "Completed", "resultDescription": "urn:uuid:1"})}},
		{name: "related type", ops: []op{set("/credentialSubject/achievement/related", []any{map[string]any{"id": "https://x.org/1", "type": "Other"}})}, wantPath: "/credentialSubject/achievement/related/0/type"},
		{name: "tag not strings", ops: []op{set("/credentialSubject/achievement/tag", []any{"a", 2})}, wantPath: "/credentialSubject/achievement/tag/1"},
		{name: "source profile type", ops: []op{set("/credentialSubject/source", map[string]any{"id": "https://x.org", "type": "Org"})}, wantPath: "/credentialSubject/source/type"},
		{name: "creator profile id", ops: []op{set("/credentialSubject/achievement/creator", map[string]any{"type": "Profile"})}, wantPath: "/credentialSubject/achievement/creator/id"},
		{name: "image type array", ops: []op{set("/image", map[string]any{"id": "https://x.org/i.png", "type": []any{"Image"}})}, wantPath: "/image/type"},
		{name: "image extra member", ops: []op{set("/image", map[string]any{"id": "https://x.org/i.png", "type": "Image", "width": 3})}, wantPath: "/image/width"},
		{name: "image data URI", ops: []op{set("/credentialSubject/achievement/image", map[string]any{"id": "data:image/png;base64,AAAA", "type": "Image", "caption": "c"})}},
		{name: "image string", ops: []op{set("/image", "https://x.org/i.png")}, wantPath: "/image"},
		{name: "evidence type", ops: []op{set("/evidence", map[string]any{"type": "Proof"})}, wantPath: "/evidence/type"},
		{name: "evidence not object", ops: []op{set("/evidence", []any{"https://x.org/e"})}, wantPath: "/evidence/0"},
		{name: "credentialSchema no type", ops: []op{set("/credentialSchema", []any{map[string]any{"id": "https://x.org/s.json"}})}, wantPath: "/credentialSchema/0/type"},
		{name: "credentialSchema no id", ops: []op{set("/credentialSchema", map[string]any{"type": "1EdTechJsonSchemaValidator2019"})}, wantPath: "/credentialSchema/id"},
		// An array is accepted (with a warning when it holds several entries, see
		// TestValidateStatusArrayWarns); each entry still needs id and type.
		{name: "credentialStatus array ok", ops: []op{set("/credentialStatus", []any{map[string]any{"id": "https://x.org/s", "type": "1EdTechRevocationList"}})}},
		{name: "credentialStatus array entry without id", ops: []op{set("/credentialStatus", []any{map[string]any{"id": "https://x.org/s#1", "type": "BitstringStatusListEntry"}, map[string]any{"type": "BitstringStatusListEntry"}})}, wantPath: "/credentialStatus/1/id"},
		{name: "credentialStatus no id", ops: []op{set("/credentialStatus", map[string]any{"type": "BitstringStatusListEntry"})}, wantPath: "/credentialStatus/id"},
		{name: "credentialStatus ok", ops: []op{set("/credentialStatus", map[string]any{"id": "https://x.org/s#1", "type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "1", "statusListCredential": "https://x.org/s"})}},
		{name: "refreshService no type", ops: []op{set("/refreshService", map[string]any{"id": "https://x.org/r"})}, wantPath: "/refreshService/type"},
		{name: "termsOfUse no type", ops: []op{set("/termsOfUse", map[string]any{"id": "https://x.org/t"})}, wantPath: "/termsOfUse/type"},
		{name: "proof no type", ops: []op{set("/proof", map[string]any{"proofValue": "z1"})}, wantPath: "/proof/type"},
		{name: "endorsementJwt not JWS", ops: []op{set("/endorsementJwt", []any{"not a jws"})}, wantPath: "/endorsementJwt/0"},
		{name: "endorsementJwt ok", ops: []op{set("/endorsementJwt", "eyJh.eyJp.c2ln")}},
		{name: "endorsement without name", ops: []op{set("/endorsement", []any{map[string]any{
			"@context": []any{ContextVCv2, ContextOB303}, "id": "urn:uuid:e", "type": []any{"VerifiableCredential", "EndorsementCredential"},
			"issuer": profile, "validFrom": "2024-01-01T00:00:00Z",
			"credentialSubject": map[string]any{"id": "https://example.com/achievements/1", "type": "EndorsementSubject"}}})}, wantPath: "/endorsement/0/name"},
		{name: "VCDM 1.1 needs issuanceDate and name", ops: []op{set("/@context/0", ContextVCv1), del("/validFrom"), del("/name")}, wantPath: "/issuanceDate"},
		{name: "VCDM 1.1 name", ops: []op{set("/@context/0", ContextVCv1), del("/validFrom"), set("/issuanceDate", "2024-01-01T00:00:00Z"), del("/name")}, wantPath: "/name"},
		{name: "VCDM 1.1 ok", ops: []op{set("/@context/0", ContextVCv1), del("/validFrom"), set("/issuanceDate", "2024-01-01T00:00:00Z")}},
		{name: "VCDM 1.1 expiration before issuance", ops: []op{set("/@context/0", ContextVCv1), del("/validFrom"), set("/issuanceDate", "2024-01-01T00:00:00Z"), set("/expirationDate", "2023-01-01T00:00:00")}, wantPath: "/expirationDate"},
		{name: "null value", ops: []op{set("/description", nil)}, wantPath: "/description"},
		{name: "nested null value", ops: []op{set("/credentialSubject/achievement/ext:x", map[string]any{"a": nil})}, wantPath: "/credentialSubject/achievement/ext:x/a"},
		{name: "null in embedded context is JSON-LD", ops: []op{set("/@context", []any{ContextVCv2, ContextOB303, map[string]any{"ex": nil}})}},
		{name: "extension member allowed", ops: []op{set("/credentialSubject/achievement/ext", map[string]any{"any": true})}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			raw := patch(t, minimalVC, tt.ops...)
			err := ValidateOB(raw)
			if tt.wantPath == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
			if got := paths(err); !slices.Contains(got, tt.wantPath) {
				t.Errorf("error paths %v, want %s (%v)", got, tt.wantPath, err)
			}
		})
	}
}

func TestValidateWarnings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		raw      []byte
		wantWarn string
	}{
		{name: "current", raw: []byte(minimalVC)},
		{name: "OB 3.0.2", raw: patch(t, minimalVC, set("/@context/1", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json")), wantWarn: "/@context/1"},
		{name: "VCDM 1.1", raw: patch(t, minimalVC, set("/@context/0", ContextVCv1), del("/validFrom"), set("/issuanceDate", "2024-01-01T00:00:00Z")), wantWarn: "/@context/0"},
		{name: "empty array", raw: patch(t, minimalVC, set("/evidence", []any{})), wantWarn: "/evidence"},
		{name: "criteria empty", raw: patch(t, minimalVC, set("/credentialSubject/achievement/criteria", map[string]any{})), wantWarn: "/credentialSubject/achievement/criteria"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := Validate(tt.raw)
			if !r.OK() {
				t.Fatalf("errors: %v", r.Errors)
			}
			if tt.wantWarn == "" {
				if len(r.Warnings) != 0 {
					t.Errorf("unexpected warnings %v", r.Warnings)
				}
				return
			}
			for _, w := range r.Warnings {
				if w.Path == tt.wantWarn {
					return
				}
			}
			t.Errorf("warnings %v, want one at %s", r.Warnings, tt.wantWarn)
		})
	}
}

func TestValidateJSONLevel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		raw     string
		wantErr error
	}{
		{name: "duplicate key", raw: `{"id":"urn:a","id":"urn:b"}`, wantErr: ErrDuplicateKey},
		{name: "array top level", raw: `[]`, wantErr: ErrMalformedJSON},
		{name: "syntax", raw: `{"a":`, wantErr: ErrMalformedJSON},
		{name: "too large", raw: `{"a":"` + strings.Repeat("x", DefaultMaxCredentialBytes) + `"}`, wantErr: ErrTooLarge},
	}
	for _, tt := range tests {
		for name, f := range map[string]func([]byte) error{"OB": ValidateOB, "Endorsement": ValidateEndorsement, "Profile": ValidateProfile, "VC": ValidateVC} {
			err := f([]byte(tt.raw))
			if !errors.Is(err, ErrInvalid) || !errors.Is(err, tt.wantErr) {
				t.Errorf("%s %s: err = %v, want ErrInvalid and %v", name, tt.name, err, tt.wantErr)
			}
		}
		if r := Validate([]byte(tt.raw)); r.OK() {
			t.Errorf("Validate %s: no error", tt.name)
		}
	}
}

const minimalEndorsement = `{
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
  "id": "urn:uuid:e1",
  "type": ["VerifiableCredential", "EndorsementCredential"],
  "name": "Endorsement of the Teamwork badge",
  "issuer": {"id": "https://accreditor.example/issuers/1", "type": ["Profile"]},
  "validFrom": "2024-01-01T00:00:00Z",
  "credentialSubject": {"id": "https://example.com/achievements/1", "type": ["EndorsementSubject"], "endorsementComment": "Good."}
}`

func TestValidateEndorsementRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		ops      []op
		wantPath string
	}{
		{name: "valid"},
		{name: "name required", ops: []op{del("/name")}, wantPath: "/name"},
		{name: "type", ops: []op{set("/type", []any{"VerifiableCredential", "OpenBadgeCredential"})}, wantPath: "/type"},
		{name: "subject id required", ops: []op{del("/credentialSubject/id")}, wantPath: "/credentialSubject/id"},
		{name: "subject type", ops: []op{set("/credentialSubject/type", "AchievementSubject")}, wantPath: "/credentialSubject/type"},
		{name: "comment string", ops: []op{set("/credentialSubject/endorsementComment", 1)}, wantPath: "/credentialSubject/endorsementComment"},
		{name: "validFrom required", ops: []op{del("/validFrom")}, wantPath: "/validFrom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateEndorsement(patch(t, minimalEndorsement, tt.ops...))
			if tt.wantPath == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) || !slices.Contains(paths(err), tt.wantPath) {
				t.Errorf("err = %v, want an error at %s", err, tt.wantPath)
			}
		})
	}
}

const minimalProfile = `{"id": "https://example.com/issuers/1", "type": "Profile", "name": "Example State Agency"}`

func TestValidateProfileRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		ops      []op
		wantPath string
	}{
		{name: "valid"},
		{name: "with context", ops: []op{set("/@context", []any{ContextVCv2, ContextOB303})}},
		{name: "bad context entry", ops: []op{set("/@context", []any{ContextVCv2, 1})}, wantPath: "/@context/1"},
		{name: "id required", ops: []op{del("/id")}, wantPath: "/id"},
		{name: "type", ops: []op{set("/type", "Person")}, wantPath: "/type"},
		{name: "email string", ops: []op{set("/email", []any{"a@b"})}, wantPath: "/email"},
		{name: "image", ops: []op{set("/image", map[string]any{"id": "https://x.org/i.svg"})}, wantPath: "/image/type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateProfile(patch(t, minimalProfile, tt.ops...))
			if tt.wantPath == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) || !slices.Contains(paths(err), tt.wantPath) {
				t.Errorf("err = %v, want an error at %s", err, tt.wantPath)
			}
		})
	}
}

func TestValidateStatusArrayWarns(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(testutil.ReadShared(t, "examples", "1edtech-validator-ob30", "simple.json"), &doc); err != nil {
		t.Fatal(err)
	}
	entry := func(purpose string) map[string]any {
		return map[string]any{"id": "https://x.org/s/" + purpose + "#7", "type": "BitstringStatusListEntry", "statusPurpose": purpose, "statusListIndex": "7", "statusListCredential": "https://x.org/s/" + purpose}
	}
	doc["credentialStatus"] = []any{entry("revocation"), entry("suspension")}
	raw, _ := json.Marshal(doc)
	r := Validate(raw)
	if len(r.Errors) != 0 {
		t.Fatalf("errors: %v", r.Errors)
	}
	found := false
	for _, w := range r.Warnings {
		found = found || w.Path == "/credentialStatus"
	}
	if !found {
		t.Fatalf("no warning at /credentialStatus: %v", r.Warnings)
	}
}
