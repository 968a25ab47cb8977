package schema_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/obadge/obadge/schema"
)

func ExampleValidateOB() {
	raw := []byte(`{
	  "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
	  "id": "urn:uuid:0d2b7bd6-0000-4000-8000-000000000001",
	  "type": ["VerifiableCredential", "OpenBadgeCredential"],
	  "issuer": "https://badges.example.gov",
	  "validFrom": "2026-01-01T00:00:00",
	  "credentialSubject": {
	    "type": ["AchievementSubject"],
	    "identifier": [{"type": "IdentityObject", "hashed": true, "identityType": "emailAddress", "identityHash": "a@example.edu"}],
	    "achievement": {"id": "https://badges.example.gov/a/1", "type": ["Achievement"], "name": "A", "description": "d", "criteria": {"narrative": "n"}}
	  }
	}`)
	err := schema.ValidateOB(raw)
	var ve *schema.ValidationError
	if errors.As(err, &ve) {
		for _, fe := range ve.Errors {
			fmt.Println(fe.Path)
		}
	}
	fmt.Println(errors.Is(err, schema.ErrInvalid))
	// Output:
	// /validFrom
	// /credentialSubject/identifier/0/identityHash
	// true
}

func ExampleDetectDataLoss() {
	var doc map[string]any
	_ = json.Unmarshal([]byte(`{
	  "@context": ["https://www.w3.org/ns/credentials/v2"],
	  "type": ["VerifiableCredential", "Bogus"],
	  "credentialSubject": {"id": "did:example:alice"}
	}`), &doc)
	_, err := schema.DetectDataLoss(doc, schema.DefaultLoader())
	fmt.Println(errors.Is(err, schema.ErrDataLoss))
	fmt.Println(err)
	// Output:
	// true
	// schema: data loss (undefined term, type or id): undefined type "Bogus"
}
