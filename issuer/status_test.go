package issuer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"github.com/obadge/obadge/proof/dataintegrity"
	"github.com/obadge/obadge/schema"
	"github.com/obadge/obadge/statuslist"
	"github.com/obadge/obadge/store"
)

type entryJSON struct {
	ID                   string `json:"id"`
	Type                 string `json:"type"`
	StatusPurpose        string `json:"statusPurpose"`
	StatusListIndex      string `json:"statusListIndex"`
	StatusListCredential string `json:"statusListCredential"`
}

// statusOf returns the credentialStatus entries of a credential and whether it
// was a single object.
func statusOf(t *testing.T, raw []byte) ([]entryJSON, bool) {
	t.Helper()
	var doc struct {
		CredentialStatus json.RawMessage `json:"credentialStatus"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || len(doc.CredentialStatus) == 0 {
		t.Fatalf("no credentialStatus: %v %s", err, raw)
	}
	if doc.CredentialStatus[0] == '{' {
		var e entryJSON
		if err := json.Unmarshal(doc.CredentialStatus, &e); err != nil {
			t.Fatal(err)
		}
		return []entryJSON{e}, true
	}
	var es []entryJSON
	if err := json.Unmarshal(doc.CredentialStatus, &es); err != nil {
		t.Fatal(err)
	}
	return es, false
}

// listBit fetches the signed list through Document, verifies its proof and
// returns the entry's bit.
func listBit(t *testing.T, svc *Service, e entryJSON) bool {
	t.Helper()
	ctx := context.Background()
	raw, ok, err := svc.Document(ctx, e.StatusListCredential)
	if err != nil || !ok {
		t.Fatalf("Document(%s) = %v %v", e.StatusListCredential, ok, err)
	}
	if res, err := dataintegrity.Verify(ctx, raw, dataintegrity.VerifyOptions{Resolver: svc}); err != nil || !res.Verified() {
		t.Fatalf("status list proof: %v", err)
	}
	if err := schema.ValidateVC(raw); err != nil {
		t.Fatalf("status list is not a conformant VC: %v", err)
	}
	var list struct {
		ID                string   `json:"id"`
		Type              []string `json:"type"`
		Issuer            string   `json:"issuer"`
		ValidFrom         string   `json:"validFrom"`
		CredentialSubject struct {
			Type, StatusPurpose, EncodedList string
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatal(err)
	}
	if list.ID != e.StatusListCredential || list.Type[1] != "BitstringStatusListCredential" || list.Issuer != "did:web:badges.example.gov:issuers:agency" ||
		list.ValidFrom == "" || list.CredentialSubject.Type != "BitstringStatusList" || list.CredentialSubject.StatusPurpose != e.StatusPurpose {
		t.Fatalf("status list credential: %s", raw)
	}
	bits, err := statuslist.Decode(list.CredentialSubject.EncodedList, 0)
	if err != nil || statuslist.Entries(bits, 1) < statuslist.MinEntries {
		t.Fatalf("encodedList: %d bits, %v", len(bits)*8, err)
	}
	idx, _ := strconv.Atoi(e.StatusListIndex)
	v, err := statuslist.Get(bits, idx, 1)
	if err != nil {
		t.Fatal(err)
	}
	return v == 1
}

func TestIssueCarriesOneRevocationEntry(t *testing.T) {
	svc, st, _, ach := setup(t)
	WithStatusLists(StatusListOptions{})(svc)
	ctx := context.Background()
	seen := map[string]bool{}
	for range 3 {
		out, err := svc.Issue(ctx, admin, "agency", sampleRequest(ach), "")
		if err != nil {
			t.Fatal(err)
		}
		es, single := statusOf(t, out.Raw)
		e := es[0]
		want := "https://badges.example.gov/issuers/agency/status/revocation/1"
		if !single || e.Type != "BitstringStatusListEntry" || e.StatusPurpose != "revocation" || e.StatusListCredential != want ||
			e.ID != want+"#"+e.StatusListIndex || seen[e.StatusListIndex] {
			t.Fatalf("entry %+v (single %v)", e, single)
		}
		seen[e.StatusListIndex] = true
		if err := schema.ValidateOB(out.Raw); err != nil {
			t.Fatalf("OB validation: %v", err)
		}
		c, _ := st.GetCredential(ctx, out.ID)
		if c.StatusListID != "agency/revocation/1" || strconv.FormatUint(c.StatusIndex, 10) != e.StatusListIndex {
			t.Fatalf("stored %s/%d", c.StatusListID, c.StatusIndex)
		}
		if listBit(t, svc, e) {
			t.Fatal("fresh credential revoked")
		}
	}
}

func TestRevokeSuspendReinstate(t *testing.T) {
	svc, _, _, ach := setup(t)
	WithStatusLists(StatusListOptions{})(svc)
	ctx := context.Background()
	named := Principal{Admin: true, Name: "registrar"}
	if _, err := svc.SetStatusSettings(ctx, Principal{IssuerID: "other"}, "agency", StatusSettings{Suspension: true}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("settings by other issuer: %v", err)
	}
	plain, err := svc.Issue(ctx, admin, "agency", sampleRequest(ach), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetStatusSettings(ctx, admin, "agency", StatusSettings{Suspension: true}); err != nil {
		t.Fatal(err)
	}
	out, err := svc.Issue(ctx, admin, "agency", sampleRequest(ach), "")
	if err != nil {
		t.Fatal(err)
	}
	es, single := statusOf(t, out.Raw)
	if single || len(es) != 2 || es[0].StatusPurpose != "revocation" || es[1].StatusPurpose != "suspension" ||
		!strings.HasSuffix(es[1].StatusListCredential, "/status/suspension/1") {
		t.Fatalf("suspension-enabled entries: %+v", es)
	}
	if res, err := dataintegrity.Verify(ctx, out.Raw, dataintegrity.VerifyOptions{Resolver: svc}); err != nil || !res.Verified() {
		t.Fatalf("credential proof: %v", err)
	}
	change := func(id, action, reason string) (*CredentialStatus, error) {
		return svc.ChangeCredentialStatus(ctx, named, "agency", id, StatusChangeRequest{Action: action, Reason: reason})
	}
	tests := []struct {
		action    string
		reason    string
		wantErr   error
		state     string
		revoked   bool
		suspended bool
	}{
		{"suspend", "", ErrInvalidRequest, StateActive, false, false},
		{"delete", "x", ErrInvalidRequest, StateActive, false, false},
		{"suspend", "complaint under review", nil, StateSuspended, false, true},
		{"reinstate", "review cleared", nil, StateActive, false, false},
		{"suspend", "second complaint", nil, StateSuspended, false, true},
		{"revoke", "misconduct confirmed", nil, StateRevoked, true, true},
		{"reinstate", "appeal", store.ErrConflict, StateRevoked, true, true},
		{"suspend", "again", store.ErrConflict, StateRevoked, true, true},
	}
	for i, tt := range tests {
		v, err := change(out.ID, tt.action, tt.reason)
		if !errors.Is(err, tt.wantErr) {
			t.Fatalf("step %d %s: %v, want %v", i, tt.action, err, tt.wantErr)
		}
		if err == nil && v.State != tt.state {
			t.Fatalf("step %d %s: state %s", i, tt.action, v.State)
		}
		if listBit(t, svc, es[0]) != tt.revoked || listBit(t, svc, es[1]) != tt.suspended {
			t.Fatalf("step %d %s: list bits do not match", i, tt.action)
		}
	}
	v, err := svc.CredentialStatus(ctx, admin, "agency", out.ID)
	if err != nil || len(v.History) != 4 || v.History[3].Action != "revoke" || v.History[3].Reason != "misconduct confirmed" ||
		v.History[3].By != `admin token "registrar"` || !v.History[3].At.Equal(fixedNow) || len(v.Entries) != 2 {
		t.Fatalf("history: %+v %v", v, err)
	}
	// A credential issued before suspension was enabled has no suspension entry.
	if _, err := change(plain.ID, "suspend", "x"); !errors.Is(err, ErrInvalidRequest) {
		t.Fatalf("suspend without entry: %v", err)
	}
	if _, err := svc.ChangeCredentialStatus(ctx, Principal{IssuerID: "other"}, "agency", plain.ID, StatusChangeRequest{Action: "revoke", Reason: "x"}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("other issuer: %v", err)
	}
	if _, err := change("00000000-0000-4000-8000-999999999999", "revoke", "x"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown credential: %v", err)
	}
}

func TestSignVCWithStatusOption(t *testing.T) {
	svc, _, iss, _ := setup(t)
	ctx := context.Background()
	vc := []byte(fmt.Sprintf(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":%q,"credentialSubject":{"id":"did:example:teacher"}}`, iss.DID))
	if _, err := svc.SignVCWithOptions(ctx, admin, vc, "", VCIssueOptions{CredentialStatus: true}); !errors.Is(err, ErrInvalidRequest) {
		t.Fatalf("status without status lists: %v", err)
	}
	WithStatusLists(StatusListOptions{})(svc)
	out, err := svc.SignVCWithOptions(ctx, admin, vc, "", VCIssueOptions{CredentialStatus: true})
	if err != nil {
		t.Fatal(err)
	}
	es, single := statusOf(t, out.Raw)
	var doc struct{ ID string }
	_ = json.Unmarshal(out.Raw, &doc)
	if !single || es[0].StatusPurpose != "revocation" || doc.ID != "urn:uuid:"+out.ID || out.URL != doc.ID {
		t.Fatalf("VC API credential: %s", out.Raw)
	}
	if res, err := dataintegrity.Verify(ctx, out.Raw, dataintegrity.VerifyOptions{Resolver: svc}); err != nil || !res.Verified() {
		t.Fatalf("proof: %v", err)
	}
	if _, err := svc.ChangeStatusByCredentialID(ctx, Principal{IssuerID: "other"}, doc.ID, StatusChangeRequest{Action: "revoke"}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("other issuer: %v", err)
	}
	if v, err := svc.ChangeStatusByCredentialID(ctx, admin, doc.ID, StatusChangeRequest{Action: "revoke"}); err != nil || v.State != StateRevoked {
		t.Fatalf("revoke by id: %+v %v", v, err)
	}
	if !listBit(t, svc, es[0]) {
		t.Fatal("revocation not in the list")
	}
	withStatus := []byte(strings.Replace(string(vc), `"credentialSubject"`, `"credentialStatus":{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"1","statusListCredential":"https://x.example/l"},"credentialSubject"`, 1))
	if _, err := svc.SignVCWithOptions(ctx, admin, withStatus, "", VCIssueOptions{CredentialStatus: true}); !errors.Is(err, ErrInvalidRequest) {
		t.Fatalf("credential with its own status: %v", err)
	}
	if _, ok, err := svc.Document(ctx, "https://elsewhere.example/issuers/agency/status/revocation/1"); ok || err != nil {
		t.Fatalf("foreign URL answered: %v %v", ok, err)
	}
	if _, _, err := svc.Document(ctx, "https://badges.example.gov/issuers/agency/status/revocation/9"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing list: %v", err)
	}
}

func TestStatusListFillsThenNextListOverIssue(t *testing.T) {
	svc, _, _, ach := setup(t)
	WithStatusLists(StatusListOptions{Size: 8})(svc)
	ctx := context.Background()
	lists := map[string]map[string]bool{}
	for range 10 {
		out, err := svc.Issue(ctx, admin, "agency", sampleRequest(ach), "")
		if err != nil {
			t.Fatal(err)
		}
		es, _ := statusOf(t, out.Raw)
		if lists[es[0].StatusListCredential] == nil {
			lists[es[0].StatusListCredential] = map[string]bool{}
		}
		if lists[es[0].StatusListCredential][es[0].StatusListIndex] {
			t.Fatalf("index reused: %+v", es[0])
		}
		lists[es[0].StatusListCredential][es[0].StatusListIndex] = true
	}
	l1, l2 := lists["https://badges.example.gov/issuers/agency/status/revocation/1"], lists["https://badges.example.gov/issuers/agency/status/revocation/2"]
	if len(l1) != 8 || len(l2) != 2 || len(lists) != 2 {
		t.Fatalf("lists %v", lists)
	}
}

// BenchmarkIssueWithStatus compares Issue (ldp) without and with status lists.
func BenchmarkIssueWithStatus(b *testing.B) {
	for _, name := range []string{"none", "revocation", "revocation+suspension"} {
		b.Run(name, func(b *testing.B) {
			svc, st := benchService(b)
			ctx := context.Background()
			if name != "none" {
				WithStatusLists(StatusListOptions{})(svc)
			}
			if name == "revocation+suspension" {
				if err := st.SetStatusSettings(ctx, "agency", store.StatusSettings{Suspension: true}); err != nil {
					b.Fatal(err)
				}
			}
			ach, err := svc.CreateAchievement(ctx, admin, "agency", sampleAchievement())
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := svc.Issue(ctx, admin, "agency", sampleRequest(ach), ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchService(b *testing.B) (*Service, *store.Store) {
	st, err := store.Open(b.TempDir()+"/b.db", store.Options{KEK: make([]byte, store.KEKSize)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	svc, err := New(Config{BaseURL: "https://badges.example.gov/"}, st, WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.CreateIssuer(context.Background(), admin, IssuerInput{ID: "agency", Name: "Agency"}); err != nil {
		b.Fatal(err)
	}
	return svc, st
}
