package issuer

import (
	"encoding/json"
	"testing"

	"github.com/obadge/obadge/store"
)

// FuzzValidateIssue feeds arbitrary JSON through the issue request decoding and
// validation: it must never panic, and a request it accepts must name a UUID.
func FuzzValidateIssue(f *testing.F) {
	for _, seed := range []string{
		`{"achievement":"00000000-0000-4000-8000-000000000001","recipient":{"email":"a@b.org"}}`,
		`{"achievement":"https://badges.example.gov/issuers/agency/achievements/00000000-0000-4000-8000-000000000001","recipient":{"id":"did:example:x"},"format":"jwt","alg":"ES256","validUntil":"2030-01-01T00:00:00Z"}`,
		`{"achievement":"x","recipient":{"email":"@"},"validFrom":"2026-01-01T00:00:00+25:00","results":[{"status":"Done"}],"evidence":[{}]}`,
	} {
		f.Add([]byte(seed))
	}
	svc, err := New(Config{BaseURL: "https://badges.example.gov"}, &store.Store{}) // validateIssue never touches the store
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var req IssueRequest
		if json.Unmarshal(raw, &req) != nil {
			return
		}
		id, err := svc.validateIssue("agency", &req)
		if err == nil && !uuidRE.MatchString(id) {
			t.Fatalf("accepted achievement %q", id)
		}
		if err == nil && req.Format != FormatLDP && req.Format != FormatJWT {
			t.Fatalf("accepted format %q", req.Format)
		}
	})
}
