package issuer

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/obadge/obadge/internal/testutil"
	"github.com/obadge/obadge/keys"
	"github.com/obadge/obadge/proof"
	"github.com/obadge/obadge/proof/dataintegrity"
	"github.com/obadge/obadge/proof/vcjwt"
	"github.com/obadge/obadge/schema"
	"github.com/obadge/obadge/store"
)

var (
	fixedNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	admin    = Principal{Admin: true}
)

// detRand is a deterministic byte stream (SHA-256 in counter mode) for tests only.
type detRand struct {
	mu  sync.Mutex
	n   uint64
	buf []byte
}

func (r *detRand) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for len(r.buf) < len(p) {
		sum := sha256.Sum256([]byte(fmt.Sprint("obadge-test-", r.n)))
		r.n++
		r.buf = append(r.buf, sum[:]...)
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

func counterIDs() func() string {
	var mu sync.Mutex
	n := 0
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		n++
		return fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
	}
}

// fixedKeys makes Ed25519 keys from a fixed seed (byte-stable goldens) and real
// keys for the other algorithms.
func fixedKeys(alg, kid string) (keys.Signer, error) {
	if alg == keys.AlgEdDSA {
		return keys.Ed25519FromSeed(bytes.Repeat([]byte{0x42}, 32), kid)
	}
	return keys.Generate(alg, kid)
}

func newTestService(t *testing.T) (*Service, *store.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "obadge.db")
	st, err := store.Open(path, store.Options{KEK: bytes.Repeat([]byte{1}, store.KEKSize)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := New(Config{BaseURL: "https://badges.example.gov/"}, st,
		WithClock(func() time.Time { return fixedNow }), WithIDGenerator(counterIDs()), WithRand(&detRand{}),
		WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))), WithKeyGenerator(fixedKeys))
	if err != nil {
		t.Fatal(err)
	}
	return svc, st, path
}

func sampleAchievement() AchievementInput {
	var a AchievementInput
	a.Name = "Classroom Assessment Literacy"
	a.Description = "Designs valid formative assessments and uses their results."
	a.Criteria.Narrative = "Submit three assessments and a reflection; reviewed by a panel."
	a.AchievementType = "MicroCredential"
	credits := 1.5
	a.CreditsAvailable = &credits
	a.Tag = []string{"assessment", "teacher-pd"}
	a.HumanCode = "TPD-ASSESS-01"
	a.Alignment = []AlignmentInput{{TargetName: "Standard 6: Assessment", TargetURL: "https://standards.example.gov/teaching/6", TargetFramework: "State Teaching Standards", TargetCode: "6"}}
	a.ResultDesc = []ResultDescInput{{
		ID: "rubric", Name: "Portfolio rubric", ResultType: "RubricCriterionLevel", RequiredLevel: "proficient",
		Levels: []RubricLvInput{{ID: "developing", Name: "Developing"}, {ID: "proficient", Name: "Proficient"}, {ID: "exemplary", Name: "Exemplary"}},
	}}
	return a
}

func setup(t *testing.T) (*Service, *store.Store, *Issuer, *Achievement) {
	t.Helper()
	svc, st, _ := newTestService(t)
	ctx := context.Background()
	iss, err := svc.CreateIssuer(ctx, admin, IssuerInput{ID: "agency", Name: "State Department of Education", URL: "https://education.example.gov"})
	if err != nil {
		t.Fatal(err)
	}
	ach, err := svc.CreateAchievement(ctx, admin, "agency", sampleAchievement())
	if err != nil {
		t.Fatal(err)
	}
	return svc, st, iss, ach
}

func sampleRequest(ach *Achievement) IssueRequest {
	return IssueRequest{
		Achievement: ach.ID,
		Recipient:   RecipientInput{Email: "  Teacher@School.example.org ", Name: "Ada Teacher"},
		Evidence:    []EvidenceInput{{ID: "https://portfolio.example.org/ada/assess", Name: "Portfolio", Narrative: "Three assessments."}},
		Results:     []ResultInput{{ResultDescription: "rubric", AchievedLevel: "exemplary"}},
		ValidUntil:  "2030-01-01T00:00:00Z",
	}
}

func TestIssueLDPGoldenAndVerify(t *testing.T) {
	svc, _, iss, ach := setup(t)
	ctx := context.Background()
	if iss.DID != "did:web:badges.example.gov:issuers:agency" {
		t.Fatalf("DID = %s", iss.DID)
	}
	out, err := svc.Issue(ctx, admin, "agency", sampleRequest(ach), "")
	if err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, "credential-ldp.json", out.Raw)
	if err := schema.ValidateOB(out.Raw); err != nil {
		t.Fatalf("issued credential fails OB validation: %v", err)
	}
	res, err := dataintegrity.Verify(ctx, out.Raw, dataintegrity.VerifyOptions{Resolver: svc, Controller: iss.DID})
	if err != nil || !res.Verified() {
		t.Fatalf("verify: %v", err)
	}
	// The hashed email follows the documented policy.
	var doc struct {
		CredentialSubject struct {
			Identifier []identityObject `json:"identifier"`
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal(out.Raw, &doc); err != nil {
		t.Fatal(err)
	}
	idObj := doc.CredentialSubject.Identifier[0]
	want, _ := HashEmail("teacher@school.example.org", idObj.Salt)
	if idObj.IdentityHash != want || strings.Contains(string(out.Raw), "school.example.org") {
		t.Fatalf("identity %+v, want hash %s and no clear email", idObj, want)
	}
	// Tampering breaks the proof.
	bad := bytes.Replace(out.Raw, []byte("Ada Teacher"), []byte("Eve Teacher"), 1)
	if res, err := dataintegrity.Verify(ctx, bad, dataintegrity.VerifyOptions{Resolver: svc}); err == nil || res.Verified() {
		t.Fatal("tampered credential verified")
	}
	// The public URL serves the exact bytes.
	got, err := svc.PublicCredential(ctx, out.ID)
	if err != nil || !bytes.Equal(got.Raw, out.Raw) || got.URL != "https://badges.example.gov/credentials/"+out.ID {
		t.Fatalf("public credential: %v %v", got, err)
	}
}

func TestIssueJWTEachAlg(t *testing.T) {
	svc, _, iss, ach := setup(t)
	ctx := context.Background()
	for _, alg := range []string{keys.AlgEdDSA, keys.AlgES256, keys.AlgRS256} {
		t.Run(alg, func(t *testing.T) {
			req := sampleRequest(ach)
			req.Format, req.Alg = FormatJWT, alg
			req.Recipient.ID = "did:example:ada"
			out, err := svc.Issue(ctx, admin, "agency", req, "")
			if err != nil {
				t.Fatal(err)
			}
			res, err := vcjwt.Verify(ctx, string(out.Raw), vcjwt.VerifyOptions{Resolver: svc})
			if err != nil {
				t.Fatalf("verify: %v", err)
			}
			if res.Alg != alg || !strings.HasPrefix(res.KeyID, iss.DID+"#") || res.Method.Controller != iss.DID {
				t.Fatalf("alg %s kid %s controller %s", res.Alg, res.KeyID, res.Method.Controller)
			}
			if err := schema.ValidateOB(res.Credential); err != nil {
				t.Fatalf("payload fails OB validation: %v", err)
			}
			// The per-key JWK URL serves the same public key as the DID document.
			kid := res.KeyID[strings.LastIndex(res.KeyID, "#")+1:]
			raw, err := svc.JWK(ctx, "agency", kid)
			if err != nil {
				t.Fatal(err)
			}
			pub, err := keys.PublicKeyFromJWK(raw)
			if err != nil {
				t.Fatal(err)
			}
			if !equalPublic(pub, res.Method.PublicKey) {
				t.Fatal("JWK URL and DID document disagree")
			}
			if bytes.Contains(raw, []byte(`"d"`)) {
				t.Fatal("private member in JWK")
			}
		})
	}
	// The DID document now lists all three keys under assertionMethod.
	raw, err := svc.DIDDocument(ctx, "agency")
	if err != nil {
		t.Fatal(err)
	}
	var doc keys.DIDDocument
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.VerificationMethod) != 3 || len(doc.AssertionMethod) != 3 {
		t.Fatalf("DID document: %s", raw)
	}
	jwks, err := svc.JWKS(ctx, "")
	if err != nil || bytes.Count(jwks, []byte(`"kid"`)) != 3 {
		t.Fatalf("JWKS %s %v", jwks, err)
	}
}

func equalPublic(a, b crypto.PublicKey) bool {
	x, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && x.Equal(b)
}

func TestIssueRejectsBadInputAndWritesNothing(t *testing.T) {
	svc, st, _, ach := setup(t)
	ctx := context.Background()
	tests := []struct {
		name    string
		mutate  func(r *IssueRequest)
		pointer string
	}{
		{"unknown achievement", func(r *IssueRequest) { r.Achievement = "00000000-0000-4000-8000-999999999999" }, "/achievement"},
		{"achievement not an id", func(r *IssueRequest) { r.Achievement = "nope" }, "/achievement"},
		{"bad email", func(r *IssueRequest) { r.Recipient.Email = "not-an-email" }, "/recipient/email"},
		{"email with display name", func(r *IssueRequest) { r.Recipient.Email = "Ada <ada@example.org>" }, "/recipient/email"},
		{"no recipient", func(r *IssueRequest) { r.Recipient = RecipientInput{} }, "/recipient"},
		{"relative recipient id", func(r *IssueRequest) { r.Recipient.ID = "ada" }, "/recipient/id"},
		{"bad validFrom", func(r *IssueRequest) { r.ValidFrom = "2026-01-01" }, "/validFrom"},
		{"validUntil before validFrom", func(r *IssueRequest) { r.ValidFrom, r.ValidUntil = "2026-05-01T00:00:00Z", "2026-04-01T00:00:00Z" }, "/validUntil"},
		{"validUntil in the past", func(r *IssueRequest) { r.ValidUntil = "2020-01-01T00:00:00Z" }, "/validUntil"},
		{"bad format", func(r *IssueRequest) { r.Format = "cbor" }, "/format"},
		{"bad alg", func(r *IssueRequest) { r.Format, r.Alg = FormatJWT, "HS256" }, "/alg"},
		{"unknown rubric level", func(r *IssueRequest) { r.Results[0].AchievedLevel = "genius" }, "/results/0/achievedLevel"},
		{"unknown result description", func(r *IssueRequest) { r.Results[0].ResultDescription = "other" }, "/results/0/resultDescription"},
		{"bad status", func(r *IssueRequest) { r.Results[0].Status = "Done" }, "/results/0/status"},
		{"bad evidence id", func(r *IssueRequest) { r.Evidence[0].ID = "portfolio" }, "/evidence/0/id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := sampleRequest(ach)
			tt.mutate(&req)
			_, err := svc.Issue(ctx, admin, "agency", req, "key-"+tt.name)
			var re *RequestError
			if !errors.As(err, &re) || !errors.Is(err, ErrInvalidRequest) {
				t.Fatalf("err = %v, want a RequestError", err)
			}
			if re.Errors[0].Pointer != tt.pointer {
				t.Fatalf("pointer = %s (%s), want %s", re.Errors[0].Pointer, re.Errors[0].Detail, tt.pointer)
			}
		})
	}
	cs, _, err := st.ListCredentials(ctx, store.Query{IssuerID: "agency"})
	if err != nil || len(cs) != 0 {
		t.Fatalf("bad requests wrote %d credentials (%v)", len(cs), err)
	}
	// The failed idempotency keys were not consumed either.
	if _, err := svc.Issue(ctx, admin, "agency", sampleRequest(ach), "key-bad email"); err != nil {
		t.Fatal(err)
	}
}

func TestIdempotencyAndScopes(t *testing.T) {
	svc, _, _, ach := setup(t)
	ctx := context.Background()
	if _, err := svc.CreateIssuer(ctx, admin, IssuerInput{ID: "district", Name: "District 9"}); err != nil {
		t.Fatal(err)
	}
	first, err := svc.Issue(ctx, admin, "agency", sampleRequest(ach), "retry-1")
	if err != nil {
		t.Fatal(err)
	}
	again, err := svc.Issue(ctx, admin, "agency", sampleRequest(ach), "retry-1")
	if err != nil || !again.Replayed || !bytes.Equal(again.Raw, first.Raw) || again.ID != first.ID {
		t.Fatalf("replay: %+v %v", again, err)
	}
	other := sampleRequest(ach)
	other.Recipient.Email = "someone@else.example.org"
	if _, err := svc.Issue(ctx, admin, "agency", other, "retry-1"); !errors.Is(err, store.ErrIdempotencyMismatch) {
		t.Fatalf("different body, same key: %v", err)
	}

	district := Principal{IssuerID: "district"}
	if _, err := svc.Issue(ctx, district, "agency", sampleRequest(ach), ""); !errors.Is(err, ErrForbidden) {
		t.Fatalf("district on agency: %v", err)
	}
	if _, err := svc.CreateAchievement(ctx, district, "agency", sampleAchievement()); !errors.Is(err, ErrForbidden) {
		t.Fatalf("district achievement on agency: %v", err)
	}
	if _, err := svc.CreateIssuer(ctx, district, IssuerInput{Name: "x"}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("scoped token creating issuer: %v", err)
	}
	list, err := svc.ListIssuers(ctx, district)
	if err != nil || len(list) != 1 || list[0].ID != "district" {
		t.Fatalf("scoped list: %v %v", list, err)
	}
	// Tokens: one per issuer, stored hashed.
	tok, err := svc.CreateToken(ctx, admin, "district", "ci")
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.Authenticate(ctx, tok)
	if err != nil || p != district {
		t.Fatalf("authenticate: %+v %v", p, err)
	}
	if _, err := svc.Authenticate(ctx, tok+"x"); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("bad token: %v", err)
	}
	if _, err := svc.CreateToken(ctx, district, "agency", "x"); !errors.Is(err, ErrForbidden) {
		t.Fatalf("token for other issuer: %v", err)
	}
}

func TestAchievementVersioning(t *testing.T) {
	svc, _, _, ach := setup(t)
	ctx := context.Background()
	in := sampleAchievement()
	in.Description = "Edited before any award."
	a, err := svc.UpdateAchievement(ctx, admin, "agency", ach.ID, in)
	if err != nil || a.Version != 1 {
		t.Fatalf("update before issue: %+v %v", a, err)
	}
	out, err := svc.Issue(ctx, admin, "agency", sampleRequest(ach), "")
	if err != nil {
		t.Fatal(err)
	}
	in.Description = "Edited after an award."
	a, err = svc.UpdateAchievement(ctx, admin, "agency", ach.ID, in)
	if err != nil || a.Version != 2 || !strings.Contains(string(a.Doc), `"version":"2"`) {
		t.Fatalf("update after issue: %+v %v", a, err)
	}
	if !bytes.Contains(out.Raw, []byte(`"version":"1"`)) || !bytes.Contains(out.Raw, []byte("Edited before any award.")) {
		t.Fatal("issued credential does not carry version 1")
	}
	v1, err := svc.PublicAchievement(ctx, "agency", ach.ID, 1)
	if err != nil || !bytes.Contains(v1, []byte("Edited before any award.")) || !bytes.HasPrefix(v1, []byte(`{"@context":[`)) {
		t.Fatalf("public v1: %s %v", v1, err)
	}
	bad := sampleAchievement()
	bad.Name, bad.AchievementType = "", "Nonsense"
	_, err = svc.UpdateAchievement(ctx, admin, "agency", ach.ID, bad)
	var re *RequestError
	if !errors.As(err, &re) || len(re.Errors) != 2 {
		t.Fatalf("bad update: %v", err)
	}
}

func TestDIDKeyIssuer(t *testing.T) {
	svc, _, _, _ := setup(t)
	ctx := context.Background()
	iss, err := svc.CreateIssuer(ctx, admin, IssuerInput{ID: "provider", Name: "Provider", DIDMethod: DIDMethodKey})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(iss.DID, "did:key:z6Mk") || iss.DIDDocumentURL != "" {
		t.Fatalf("did:key issuer: %+v", iss)
	}
	ach, err := svc.CreateAchievement(ctx, admin, "provider", sampleAchievement())
	if err != nil {
		t.Fatal(err)
	}
	out, err := svc.Issue(ctx, admin, "provider", sampleRequest(ach), "")
	if err != nil {
		t.Fatal(err)
	}
	if res, err := dataintegrity.Verify(ctx, out.Raw, dataintegrity.VerifyOptions{Resolver: svc, Controller: iss.DID}); err != nil || !res.Verified() {
		t.Fatalf("verify did:key credential: %v", err)
	}
	req := sampleRequest(ach)
	req.Format, req.Alg = FormatJWT, keys.AlgES256
	if _, err := svc.Issue(ctx, admin, "provider", req, ""); !errors.Is(err, ErrInvalidRequest) {
		t.Fatalf("ES256 for did:key issuer: %v", err)
	}
	if _, err := svc.DIDDocument(ctx, "provider"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("did.json of did:key issuer: %v", err)
	}
	if _, err := svc.ResolveMethod(ctx, "did:web:elsewhere.example:issuers:agency#ed25519-1", proof.AssertionMethod); !errors.Is(err, proof.ErrKeyResolution) {
		t.Fatalf("foreign did:web: %v", err)
	}
}

func TestRestartKeepsEverything(t *testing.T) {
	svc, st, path := newTestService(t)
	ctx := context.Background()
	if _, err := svc.CreateIssuer(ctx, admin, IssuerInput{ID: "agency", Name: "Agency"}); err != nil {
		t.Fatal(err)
	}
	ach, err := svc.CreateAchievement(ctx, admin, "agency", sampleAchievement())
	if err != nil {
		t.Fatal(err)
	}
	req := sampleRequest(ach)
	req.Format, req.Alg = FormatJWT, keys.AlgES256
	out, err := svc.Issue(ctx, admin, "agency", req, "")
	if err != nil {
		t.Fatal(err)
	}
	didBefore, _ := svc.DIDDocument(ctx, "agency")
	st.Close()

	st2, err := store.Open(path, store.Options{KEK: bytes.Repeat([]byte{1}, store.KEKSize)})
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	svc2, err := New(Config{BaseURL: "https://badges.example.gov"}, st2)
	if err != nil {
		t.Fatal(err)
	}
	didAfter, err := svc2.DIDDocument(ctx, "agency")
	if err != nil || !bytes.Equal(didBefore, didAfter) {
		t.Fatalf("DID document changed across restart:\n%s\n%s", didBefore, didAfter)
	}
	if _, err := vcjwt.Verify(ctx, string(out.Raw), vcjwt.VerifyOptions{Resolver: svc2}); err != nil {
		t.Fatalf("verify after restart: %v", err)
	}
	list, err := svc2.ListAchievements(ctx, admin, "agency")
	if err != nil || len(list) != 1 {
		t.Fatalf("achievements after restart: %v %v", list, err)
	}
	// The same key is reused, not regenerated.
	req.Recipient.Email = "second@example.org"
	out2, err := svc2.Issue(ctx, admin, "agency", req, "")
	if err != nil || out2.KeyID != out.KeyID {
		t.Fatalf("second issue: %+v %v", out2, err)
	}
}

// bslAssigner is a minimal status assigner for the hook test: a list of 8 entries,
// recording what it allocated.
type bslAssigner struct {
	fail bool
	got  *[]store.StatusEntry
}

func (a bslAssigner) Assign(tx store.IssueTx, issuerID, credURL string) (json.RawMessage, string, uint64, error) {
	es, err := tx.AllocateStatus(store.StatusAllocation{CredentialURL: credURL, Purposes: []string{store.PurposeRevocation}, ListSize: 8, Rand: rand.Reader})
	if err != nil {
		return nil, "", 0, err
	}
	if a.fail {
		return nil, "", 0, errors.New("status assignment failed after allocating")
	}
	e := es[0]
	*a.got = append(*a.got, e)
	listURL := "https://badges.example.gov/status/" + e.ListID
	raw, _ := json.Marshal(map[string]string{"id": fmt.Sprintf("%s#%d", listURL, e.Index), "type": "BitstringStatusListEntry",
		"statusPurpose": "revocation", "statusListIndex": fmt.Sprint(e.Index), "statusListCredential": listURL})
	return raw, e.ListID, e.Index, nil
}

func TestStatusHookAllocatesInTheIssueTransaction(t *testing.T) {
	svc, st, _, ach := setup(t)
	ctx := context.Background()
	var got []store.StatusEntry
	issue := func(fail bool) (*Issued, error) {
		svc.status = bslAssigner{fail: fail, got: &got}
		return svc.Issue(ctx, admin, "agency", sampleRequest(ach), "")
	}
	for range 2 {
		out, err := issue(false)
		if err != nil {
			t.Fatal(err)
		}
		e := got[len(got)-1]
		if !bytes.Contains(out.Raw, []byte(fmt.Sprintf(`"statusListIndex":"%d"`, e.Index))) {
			t.Fatalf("credential lacks its status entry: %s", out.Raw)
		}
		if res, err := dataintegrity.Verify(ctx, out.Raw, dataintegrity.VerifyOptions{Resolver: svc}); err != nil || !res.Verified() {
			t.Fatalf("verify: %v", err)
		}
		c, _ := st.GetCredential(ctx, out.ID)
		if c.StatusListID != e.ListID || c.StatusIndex != e.Index {
			t.Fatalf("stored status %s/%d, allocated %s/%d", c.StatusListID, c.StatusIndex, e.ListID, e.Index)
		}
	}
	// A failure after allocation rolls the allocation back with the whole issue: the
	// list of 8 still takes 8 more credentials (6 here plus the 2 above) before a
	// ninth opens a new list.
	if _, err := issue(true); err == nil {
		t.Fatal("issue succeeded although status assignment failed")
	}
	for range 7 {
		if _, err := issue(false); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[uint64]bool{}
	for i, e := range got[:8] {
		if e.N != got[0].N || seen[e.Index] {
			t.Fatalf("entry %d: %+v (list %d, seen %v)", i, e, got[0].N, seen[e.Index])
		}
		seen[e.Index] = true
	}
	if got[8].N == got[0].N {
		t.Fatalf("the ninth credential did not open a new list: %+v", got[8])
	}
}

func TestConcurrentIssueCreatesOneKeyPerAlg(t *testing.T) {
	svc, _, _, ach := setup(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	kids := make(chan string, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := sampleRequest(ach)
			req.Format, req.Alg = FormatJWT, keys.AlgES256
			out, err := svc.Issue(ctx, admin, "agency", req, fmt.Sprintf("k%d", i%4)) // pairs share a key
			if err != nil {
				errs <- err
				return
			}
			kids <- out.KeyID
		}()
	}
	wg.Wait()
	close(errs)
	close(kids)
	for err := range errs {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for k := range kids {
		seen[k] = true
	}
	iss, _ := svc.GetIssuer(ctx, admin, "agency")
	if len(seen) != 1 || len(iss.Keys) != 2 {
		t.Fatalf("kids %v, keys %+v", seen, iss.Keys)
	}
	list, _, _ := svc.ListCredentials(ctx, admin, "agency", CredentialFilter{})
	if len(list) != 4 {
		t.Fatalf("%d credentials for 4 idempotency keys", len(list))
	}
}

func TestRotateKeyAndUpdateIssuer(t *testing.T) {
	svc, _, _, ach := setup(t)
	ctx := context.Background()
	svc.genKey = keys.Generate // distinct Ed25519 keys
	old, err := svc.Issue(ctx, admin, "agency", sampleRequest(ach), "")
	if err != nil {
		t.Fatal(err)
	}
	k, err := svc.RotateKey(ctx, admin, "agency", keys.AlgEdDSA)
	if err != nil || k.ID != "ed25519-2" {
		t.Fatalf("rotate: %+v %v", k, err)
	}
	fresh, err := svc.Issue(ctx, admin, "agency", sampleRequest(ach), "")
	if err != nil || fresh.KeyID != k.VerificationMethod {
		t.Fatalf("issue after rotation signed with %s, want %s (%v)", fresh.KeyID, k.VerificationMethod, err)
	}
	for _, c := range []*Issued{old, fresh} {
		if res, err := dataintegrity.Verify(ctx, c.Raw, dataintegrity.VerifyOptions{Resolver: svc}); err != nil || !res.Verified() {
			t.Fatalf("credential signed by %s no longer verifies: %v", c.KeyID, err)
		}
	}
	if _, err := svc.RotateKey(ctx, Principal{IssuerID: "other"}, "agency", keys.AlgEdDSA); !errors.Is(err, ErrForbidden) {
		t.Fatalf("foreign rotation: %v", err)
	}
	if _, err := svc.RotateKey(ctx, admin, "agency", "HS256"); !errors.Is(err, ErrInvalidRequest) {
		t.Fatalf("bad alg: %v", err)
	}

	iss, err := svc.UpdateIssuer(ctx, admin, "agency", IssuerInput{Name: "State Board of Education", URL: "https://board.example.gov"})
	if err != nil || iss.Name != "State Board of Education" || iss.DID != "did:web:badges.example.gov:issuers:agency" {
		t.Fatalf("update: %+v %v", iss, err)
	}
	if _, err := svc.UpdateIssuer(ctx, admin, "agency", IssuerInput{Name: "x", DIDMethod: DIDMethodKey}); !errors.Is(err, ErrInvalidRequest) {
		t.Fatalf("changing the DID method: %v", err)
	}
	prof, _ := svc.Profile(ctx, "agency")
	if !bytes.Contains(prof, []byte("State Board of Education")) {
		t.Fatalf("profile not updated: %s", prof)
	}
}

func TestDIDWebWithPortAndPath(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "x.db"), store.Options{KEK: bytes.Repeat([]byte{1}, store.KEKSize)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := New(Config{BaseURL: "https://badges.example.gov:8443/obadge/"}, st, WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	iss, err := svc.CreateIssuer(context.Background(), admin, IssuerInput{ID: "a", Name: "A"})
	if err != nil {
		t.Fatal(err)
	}
	// did:web resolution of this DID is https://badges.example.gov:8443/obadge/issuers/a/did.json.
	if iss.DID != "did:web:badges.example.gov%3A8443:obadge:issuers:a" || iss.DIDDocumentURL != "https://badges.example.gov:8443/obadge/issuers/a/did.json" {
		t.Fatalf("DID %s at %s", iss.DID, iss.DIDDocumentURL)
	}
	vm, err := svc.ResolveMethod(context.Background(), iss.Keys[0].VerificationMethod, proof.AssertionMethod)
	if err != nil || vm.Controller != iss.DID {
		t.Fatalf("resolve: %+v %v", vm, err)
	}
	if _, err := svc.ResolveMethod(context.Background(), iss.Keys[0].VerificationMethod, "keyAgreement"); !errors.Is(err, proof.ErrKeyNotAuthorized) {
		t.Fatalf("keyAgreement: %v", err)
	}
	for _, bad := range []string{"ftp://x", "https://x.org/?q=1", "/relative", "https://x.org/#f"} {
		if _, err := New(Config{BaseURL: bad}, st); err == nil {
			t.Errorf("base URL %q accepted", bad)
		}
	}
}
