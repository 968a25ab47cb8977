package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/obadge/obadge/issuer"
	"github.com/obadge/obadge/verifier"
)

// startStatusServer is startServer with the built-in status lists on.
func startStatusServer(t testing.TB) *server {
	t.Helper()
	return startServer(t, filepath.Join(t.TempDir(), "obadge.db"), "127.0.0.1:0", issuer.WithStatusLists(issuer.StatusListOptions{}))
}

type statusEntry struct {
	ID                   string `json:"id"`
	Type                 string `json:"type"`
	StatusPurpose        string `json:"statusPurpose"`
	StatusListIndex      string `json:"statusListIndex"`
	StatusListCredential string `json:"statusListCredential"`
}

func entriesOf(t *testing.T, raw []byte) []statusEntry {
	t.Helper()
	var doc struct {
		CredentialStatus json.RawMessage `json:"credentialStatus"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || len(doc.CredentialStatus) == 0 {
		t.Fatalf("no credentialStatus: %s", raw)
	}
	if doc.CredentialStatus[0] == '{' {
		var e statusEntry
		_ = json.Unmarshal(doc.CredentialStatus, &e)
		return []statusEntry{e}
	}
	var es []statusEntry
	_ = json.Unmarshal(doc.CredentialStatus, &es)
	return es
}

func TestStatusEndToEnd(t *testing.T) {
	s := startStatusServer(t)
	ctx := context.Background()
	v, err := verifier.Configure(verifier.Config{Local: s.svc, LocalDocuments: s.svc, Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	verify := func(raw []byte) *verifier.Report {
		t.Helper()
		rep, err := v.Verify(ctx, raw, verifier.VerifyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	wantState := func(raw []byte, verified bool, state string, wantErr error) {
		t.Helper()
		rep := verify(raw)
		if rep.Verified != verified || rep.Summary.StatusState != state {
			t.Fatalf("verified %v state %q, want %v %q: %s", rep.Verified, rep.Summary.StatusState, verified, state, rep.JSON())
		}
		if wantErr != nil {
			c := rep.Check(verifier.CheckStatus)
			if c == nil || !errors.Is(c.Err, wantErr) {
				t.Fatalf("status check %+v, want %v", c, wantErr)
			}
		}
	}

	wantStatus(t, s.postJSON("/api/v1/issuers", s.admin, map[string]any{"id": "agency", "name": "State Department of Education"}), 201)
	r := s.postJSON("/api/v1/issuers/agency/tokens", s.admin, map[string]any{"name": "registrar"})
	wantStatus(t, r, 201)
	tok := decode[tokenResponse](t, r).Token
	r = s.postJSON("/api/v1/issuers/agency/achievements", tok, achievementBody)
	wantStatus(t, r, 201)
	ach := decode[issuer.Achievement](t, r)
	issue := func() issuedResp {
		t.Helper()
		r := s.postJSON("/api/v1/issuers/agency/credentials", tok, map[string]any{"achievement": ach.ID,
			"recipient": map[string]any{"email": "ada@school.example.org"}, "results": []any{map[string]any{"resultDescription": "status", "status": "Completed"}}})
		wantStatus(t, r, 201)
		return decode[issuedResp](t, r)
	}
	change := func(id, action, reason string) response {
		return s.postJSON("/api/v1/issuers/agency/credentials/"+id+"/status", tok, map[string]any{"action": action, "reason": reason})
	}
	listPath := func(e statusEntry) string { return strings.TrimPrefix(e.StatusListCredential, s.base) }

	// An OB credential (suspension off): one entry, verified active.
	ob := issue()
	es := entriesOf(t, ob.Credential)
	if len(es) != 1 || es[0].StatusPurpose != "revocation" || es[0].ID != es[0].StatusListCredential+"#"+es[0].StatusListIndex ||
		es[0].StatusListCredential != s.base+"/issuers/agency/status/revocation/1" {
		t.Fatalf("entries %+v", es)
	}
	wantState(ob.Credential, true, verifier.StateActive, nil)

	// The list over HTTP: no auth, short max-age, strong ETag, 304 on a match.
	l1 := s.call("GET", listPath(es[0]), "", "", nil)
	wantStatus(t, l1, 200)
	etag := l1.header.Get("ETag")
	if l1.header.Get("Content-Type") != "application/vc+ld+json" || l1.header.Get("Cache-Control") != "public, max-age=300" ||
		!strings.HasPrefix(etag, `"`) || len(etag) < 10 || !strings.Contains(string(l1.body), `"BitstringStatusListCredential"`) {
		t.Fatalf("list response %v %s", l1.header, l1.body)
	}
	nm := s.call("GET", listPath(es[0]), "", "", nil, "If-None-Match", etag)
	if nm.status != 304 || len(nm.body) != 0 || nm.header.Get("ETag") != etag {
		t.Fatalf("If-None-Match: %d %v", nm.status, nm.header)
	}
	if again := s.call("GET", listPath(es[0]), "", "", nil); string(again.body) != string(l1.body) {
		t.Fatal("serving re-signed an unchanged list")
	}

	// Revoke: verifiers see it; reinstating and suspending are refused.
	wantProblem(t, change(ob.ID, "revoke", ""), 422, "invalid-request", "/reason")
	r = change(ob.ID, "revoke", "issued in error")
	wantStatus(t, r, 200)
	if st := decode[issuer.CredentialStatus](t, r); st.State != issuer.StateRevoked || !st.Changed {
		t.Fatalf("revoke: %s", r.body)
	}
	wantState(ob.Credential, false, verifier.StateRevoked, verifier.ErrRevoked)
	r = change(ob.ID, "reinstate", "appeal")
	wantProblem(t, r, 409, "conflict", "")
	if p := decode[Problem](t, r); !strings.Contains(p.Detail, "revoked") || !strings.Contains(p.Detail, "final") {
		t.Fatalf("409 detail does not say why: %q", p.Detail)
	}
	wantProblem(t, change(ob.ID, "suspend", "review"), 409, "conflict", "")
	l2 := s.call("GET", listPath(es[0]), "", "", nil, "If-None-Match", etag)
	if l2.status != 200 || l2.header.Get("ETag") == etag {
		t.Fatalf("changed list still matches the old ETag: %d", l2.status)
	}
	// The admin view lists the change: who, when, why.
	r = s.call("GET", "/api/v1/issuers/agency/credentials/"+ob.ID, tok, "", nil)
	wantStatus(t, r, 200)
	view := decode[issueResponse](t, r)
	if view.Status == nil || len(view.Status.History) != 1 || view.Status.History[0].By != `issuer agency token "registrar"` ||
		view.Status.History[0].Reason != "issued in error" || view.Status.History[0].At.IsZero() {
		t.Fatalf("admin view status: %s", r.body)
	}

	// Suspension on: a VC API credential (options.credentialStatus) gets both
	// entries and goes through the full cycle with the VC API status endpoint.
	wantStatus(t, s.call("PUT", "/api/v1/issuers/agency/status-settings", tok, "application/json", []byte(`{"suspension":true}`)), 200)
	did := "did:web:" + strings.ReplaceAll(strings.TrimPrefix(s.base, "http://"), ":", "%3A") + ":issuers:agency"
	vc := map[string]any{"@context": []string{"https://www.w3.org/ns/credentials/v2"}, "type": []string{"VerifiableCredential"},
		"issuer": did, "validFrom": "2026-01-01T00:00:00Z", "credentialSubject": map[string]any{"id": "did:example:ada"}}
	r = s.postJSON("/credentials/issue", tok, map[string]any{"credential": vc, "options": map[string]any{"credentialStatus": map[string]any{"type": "BitstringStatusListEntry"}}})
	wantStatus(t, r, 201)
	signed := decode[map[string]json.RawMessage](t, r)["verifiableCredential"]
	es = entriesOf(t, signed)
	var vcDoc struct{ ID string }
	_ = json.Unmarshal(signed, &vcDoc)
	if len(es) != 2 || es[0].StatusPurpose != "revocation" || es[1].StatusPurpose != "suspension" || !strings.HasPrefix(vcDoc.ID, "urn:uuid:") {
		t.Fatalf("VC API entries %+v id %q", es, vcDoc.ID)
	}
	vcStatus := func(status string) response {
		return s.postJSON("/credentials/status", tok, map[string]any{"credentialId": vcDoc.ID,
			"credentialStatus": []any{map[string]any{"type": "BitstringStatusListCredential", "status": status}}})
	}
	// The current VC API shape: one credentialStatus object and a boolean status.
	vcStatusBool := func(purpose string, status bool) response {
		return s.postJSON("/credentials/status", tok, map[string]any{"credentialId": vcDoc.ID,
			"credentialStatus": map[string]any{"type": "BitstringStatusList", "statusPurpose": purpose}, "status": status})
	}
	wantState(signed, true, verifier.StateActive, nil)
	wantStatus(t, vcStatusBool("suspension", true), 200)
	wantState(signed, false, verifier.StateSuspended, verifier.ErrSuspended)
	wantStatus(t, vcStatusBool("suspension", false), 200)
	wantState(signed, true, verifier.StateActive, nil)
	wantStatus(t, vcStatus("suspended"), 200)
	wantState(signed, false, verifier.StateSuspended, verifier.ErrSuspended)
	wantStatus(t, vcStatus("active"), 200)
	wantState(signed, true, verifier.StateActive, nil)
	wantStatus(t, vcStatus("revoked"), 200)
	wantState(signed, false, verifier.StateRevoked, verifier.ErrRevoked)
	wantProblem(t, vcStatus("active"), 409, "conflict", "")
	wantProblem(t, vcStatusBool("revocation", false), 409, "conflict", "")
	wantProblem(t, s.postJSON("/credentials/status", tok, map[string]any{"credentialId": vcDoc.ID, "credentialStatus": "revoked"}), 400, "invalid-request", "/credentialStatus")

	// options.credentialId names a credential without an id: no id is added, and
	// status updates use that name.
	r = s.postJSON("/credentials/issue", tok, map[string]any{"credential": vc, "options": map[string]any{"credentialId": "urn:example:cred-7",
		"credentialStatus": map[string]any{"type": "BitstringStatusListEntry"}}})
	wantStatus(t, r, 201)
	named := decode[map[string]json.RawMessage](t, r)["verifiableCredential"]
	if strings.Contains(string(named), `"id":"urn:`) {
		t.Fatalf("an id was added although options.credentialId was given: %s", named)
	}
	wantStatus(t, s.postJSON("/credentials/status", tok, map[string]any{"credentialId": "urn:example:cred-7",
		"credentialStatus": map[string]any{"type": "BitstringStatusList", "statusPurpose": "revocation"}, "status": true}), 200)
	wantState(named, false, verifier.StateRevoked, verifier.ErrRevoked)

	// The W3C Bitstring Status List test suite's shape: the purpose alone sets it;
	// then it POSTs <list>/publish and expects 204.
	r = s.postJSON("/credentials/issue", tok, map[string]any{"credential": vc, "options": map[string]any{"credentialId": "urn:example:cred-8",
		"credentialStatus": map[string]any{"type": "BitstringStatusListEntry"}}})
	wantStatus(t, r, 201)
	suite := decode[map[string]json.RawMessage](t, r)["verifiableCredential"]
	wantStatus(t, s.postJSON("/credentials/status", tok, map[string]any{"credentialId": "urn:example:cred-8",
		"credentialStatus": map[string]any{"type": "BitstringStatusListEntry", "statusPurpose": "suspension"}}), 200)
	wantStatus(t, s.call("POST", listPath(entriesOf(t, suite)[1])+"/publish", tok, "application/json", []byte(`{}`)), 204)
	wantState(suite, false, verifier.StateSuspended, verifier.ErrSuspended)
	wantProblem(t, s.call("POST", "/issuers/agency/status/suspension/9/publish", tok, "application/json", []byte(`{}`)), 404, "not-found", "")
	wantProblem(t, vcStatus("deleted"), 400, "invalid-request", "/credentialStatus/0/status")
	wantProblem(t, s.postJSON("/credentials/status", tok, map[string]any{"credentialId": "urn:uuid:unknown",
		"credentialStatus": []any{map[string]any{"type": "BitstringStatusListCredential", "status": "revoked"}}}), 404, "not-found", "")

	// An OB credential issued with suspension on: the admin API suspends and
	// reinstates it, and the verifier's status check follows. (Its overall verdict
	// also depends on the OB structure check, which takes credentialStatus 0..1.)
	ob2 := issue()
	if es := entriesOf(t, ob2.Credential); len(es) != 2 {
		t.Fatalf("OB entries with suspension on: %+v", es)
	}
	for _, step := range []struct{ action, state string }{{"suspend", verifier.StateSuspended}, {"reinstate", verifier.StateActive}, {"revoke", verifier.StateRevoked}} {
		wantStatus(t, change(ob2.ID, step.action, "step "+step.action), 200)
		if rep := verify(ob2.Credential); rep.Summary.StatusState != step.state || (step.state != verifier.StateActive && rep.Verified) {
			t.Fatalf("after %s: state %q verified %v", step.action, rep.Summary.StatusState, rep.Verified)
		}
	}
	wantProblem(t, change(ob2.ID, "reinstate", "appeal"), 409, "conflict", "")

	// JWT credentials and did:key issuers: the same entries, lists signed by the
	// issuer's DID (did:key resolves offline).
	wantStatus(t, s.postJSON("/api/v1/issuers", s.admin, map[string]any{"id": "keyed", "name": "Keyed", "didMethod": "key"}), 201)
	r = s.postJSON("/api/v1/issuers/keyed/achievements", s.admin, achievementBody)
	wantStatus(t, r, 201)
	keyedAch := decode[issuer.Achievement](t, r)
	for _, tc := range []struct{ issuerID, achID, format, alg string }{{"agency", ach.ID, "jwt", "EdDSA"}, {"keyed", keyedAch.ID, "ldp", ""}, {"keyed", keyedAch.ID, "jwt", "EdDSA"}} {
		r := s.postJSON("/api/v1/issuers/"+tc.issuerID+"/credentials", s.admin, map[string]any{"achievement": tc.achID, "format": tc.format, "alg": tc.alg,
			"recipient": map[string]any{"email": "ada@school.example.org"}, "results": []any{map[string]any{"resultDescription": "status", "status": "Completed"}}})
		wantStatus(t, r, 201)
		got := decode[issuedResp](t, r)
		raw := credentialBytes(t, got)
		if tc.issuerID == "agency" { // suspension on: array; verdict as for ob2 above
			if rep := verify(raw); rep.Summary.StatusState != verifier.StateActive {
				t.Fatalf("%+v: state %s", tc, rep.Summary.StatusState)
			}
		} else {
			wantState(raw, true, verifier.StateActive, nil)
		}
		wantStatus(t, s.postJSON("/api/v1/issuers/"+tc.issuerID+"/credentials/"+got.ID+"/status", s.admin, map[string]any{"action": "revoke", "reason": "test"}), 200)
		wantState(raw, false, verifier.StateRevoked, verifier.ErrRevoked)
	}

	// Other issuers' tokens cannot change it; unknown lists are 404.
	wantStatus(t, s.postJSON("/api/v1/issuers", s.admin, map[string]any{"id": "district", "name": "District"}), 201)
	r = s.postJSON("/api/v1/issuers/district/tokens", s.admin, map[string]any{"name": "d"})
	dtok := decode[tokenResponse](t, r).Token
	wantProblem(t, s.postJSON("/api/v1/issuers/agency/credentials/"+ob2.ID+"/status", dtok, map[string]any{"action": "revoke", "reason": "x"}), 403, "forbidden", "")
	wantProblem(t, s.call("GET", "/issuers/agency/status/revocation/7", "", "", nil), 404, "not-found", "")
	wantProblem(t, s.call("GET", "/issuers/agency/status/refresh/1", "", "", nil), 404, "not-found", "")
}

// BenchmarkIssueHTTPStatus is BenchmarkIssueHTTP/ldp with status lists on: the
// random index allocation and used-bitmap write happen in the issue transaction.
func BenchmarkIssueHTTPStatus(b *testing.B) {
	s := startStatusServer(b)
	r := s.postJSON("/api/v1/issuers/dev/achievements", s.admin, achievementBody)
	wantStatus(b, r, 201)
	ach := decode[issuer.Achievement](b, r)
	body, _ := json.Marshal(map[string]any{"achievement": ach.ID, "recipient": map[string]any{"email": "ada@school.example.org"}})
	for _, suspension := range []bool{false, true} {
		set, _ := json.Marshal(map[string]bool{"suspension": suspension})
		wantStatus(b, s.call("PUT", "/api/v1/issuers/dev/status-settings", s.admin, "application/json", set), 200)
		name := "ldp-revocation"
		if suspension {
			name += "+suspension"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if r := s.call("POST", "/api/v1/issuers/dev/credentials", s.admin, "application/json", body); r.status != 201 {
					b.Fatalf("status %d: %s", r.status, r.body)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "credentials/s")
		})
	}
}
