package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func init() { scryptN = 1 << 10 } // keep -race runs fast; the algorithm is the same

func testKEK() []byte { return bytes.Repeat([]byte{7}, KEKSize) }

func openTest(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path, Options{KEK: testKEK(), Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func seedIssuer(t *testing.T, s *Store, id string) {
	t.Helper()
	err := s.CreateIssuer(context.Background(), &Issuer{ID: id, Profile: json.RawMessage(`{"name":"x"}`), CreatedAt: t0},
		&Key{IssuerID: id, KeyID: "key-1", Alg: "EdDSA", PrivateDER: []byte("SECRET-DER-" + id), CreatedAt: t0, Primary: true})
	if err != nil {
		t.Fatal(err)
	}
}

func TestKeysEncryptedAtRestAndKEKChecked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "obadge.db")
	s, err := Open(path, Options{KEK: testKEK()})
	if err != nil {
		t.Fatal(err)
	}
	seedIssuer(t, s, "agency")
	k, err := s.GetKey(context.Background(), "agency", "key-1")
	if err != nil || string(k.PrivateDER) != "SECRET-DER-agency" {
		t.Fatalf("GetKey = %v, %v", k, err)
	}
	s.Close()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("SECRET-DER")) {
		t.Fatal("private key stored in clear")
	}
	tests := []struct {
		name    string
		opts    Options
		wantErr error
	}{
		{"same KEK", Options{KEK: testKEK()}, nil},
		{"other KEK", Options{KEK: bytes.Repeat([]byte{8}, KEKSize)}, ErrWrongKEK},
		{"passphrase instead of KEK", Options{Passphrase: "hunter2"}, ErrWrongKEK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(path, tt.opts)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Open err = %v, want %v", err, tt.wantErr)
			}
			if s != nil {
				s.Close()
			}
		})
	}
}

func TestPassphraseKEK(t *testing.T) {
	path := filepath.Join(t.TempDir(), "obadge.db")
	s, err := Open(path, Options{Passphrase: "correct horse"})
	if err != nil {
		t.Fatal(err)
	}
	seedIssuer(t, s, "a")
	s.Close()
	if _, err := Open(path, Options{Passphrase: "wrong horse"}); !errors.Is(err, ErrWrongKEK) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	defer func(n int) { scryptN = n }(scryptN)
	scryptN = 1 << 11 // a later release raising the cost still opens this database
	s, err = Open(path, Options{Passphrase: "correct horse"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.GetKey(context.Background(), "a", "key-1"); err != nil {
		t.Fatal(err)
	}
}

func TestNoKEKRefusesKeyOps(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "x.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.CreateIssuer(context.Background(), &Issuer{ID: "a"}, &Key{IssuerID: "a", KeyID: "k", PrivateDER: []byte{1}})
	if !errors.Is(err, ErrNoKEK) {
		t.Fatalf("err = %v", err)
	}
}

func TestAddKeyLazyAndPrimary(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "x.db"))
	ctx := context.Background()
	seedIssuer(t, s, "a")
	got, err := s.AddKey(ctx, &Key{IssuerID: "a", KeyID: "key-2", Alg: "EdDSA", PrivateDER: []byte("two"), Primary: true}, true)
	if err != nil || got.KeyID != "key-1" || string(got.PrivateDER) != "SECRET-DER-a" {
		t.Fatalf("lazy AddKey returned %+v, %v; want the existing key-1", got, err)
	}
	if _, err := s.AddKey(ctx, &Key{IssuerID: "a", KeyID: "key-2", Alg: "EdDSA", PrivateDER: []byte("two"), Primary: true}, false); err != nil {
		t.Fatal(err)
	}
	ks, err := s.ListKeys(ctx, "a")
	if err != nil || len(ks) != 2 {
		t.Fatalf("ListKeys = %v, %v", ks, err)
	}
	if ks[0].Primary || !ks[1].Primary {
		t.Fatalf("primary not moved: %+v %+v", ks[0], ks[1])
	}
	if _, err := s.AddKey(ctx, &Key{IssuerID: "nobody", KeyID: "k", PrivateDER: []byte{1}}, false); !errors.Is(err, ErrNotFound) {
		t.Fatalf("key for unknown issuer: %v", err)
	}
}

func TestAchievementVersions(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "x.db"))
	ctx := context.Background()
	seedIssuer(t, s, "a")
	a, err := s.PutAchievement(ctx, &Achievement{IssuerID: "a", ID: "ach1", Doc: json.RawMessage(`{"v":1}`), CreatedAt: t0}, true)
	if err != nil || a.Version != 1 {
		t.Fatalf("create: %+v %v", a, err)
	}
	if _, err := s.PutAchievement(ctx, &Achievement{IssuerID: "a", ID: "ach1", CreatedAt: t0}, true); !errors.Is(err, ErrConflict) {
		t.Fatalf("duplicate create: %v", err)
	}
	// Not yet referenced: updated in place.
	a, err = s.PutAchievement(ctx, &Achievement{IssuerID: "a", ID: "ach1", Doc: json.RawMessage(`{"v":2}`), UpdatedAt: t0.Add(time.Hour)}, false)
	if err != nil || a.Version != 1 || string(a.Doc) != `{"v":2}` {
		t.Fatalf("update in place: %+v %v", a, err)
	}
	issue(t, s, "a", "c1", "ach1", t0.Add(time.Minute), "")
	a, err = s.PutAchievement(ctx, &Achievement{IssuerID: "a", ID: "ach1", Doc: json.RawMessage(`{"v":3}`), UpdatedAt: t0.Add(2 * time.Hour)}, false)
	if err != nil || a.Version != 2 || a.Issued != 0 {
		t.Fatalf("update after issue: %+v %v", a, err)
	}
	v1, err := s.GetAchievement(ctx, "a", "ach1", 1)
	if err != nil || string(v1.Doc) != `{"v":2}` || v1.Issued != 1 {
		t.Fatalf("version 1 kept: %+v %v", v1, err)
	}
	if _, err := s.PutAchievement(ctx, &Achievement{IssuerID: "a", ID: "missing"}, false); !errors.Is(err, ErrNotFound) {
		t.Fatalf("update missing: %v", err)
	}
}

func issue(t *testing.T, s *Store, issuerID, id, ach string, at time.Time, recipient string) *Credential {
	t.Helper()
	c, _, err := s.IssueCredential(context.Background(), IssueParams{IssuerID: issuerID}, func(tx IssueTx) (*Credential, error) {
		c := &Credential{ID: id, IssuerID: issuerID, Format: "ldp", IssuedAt: at, Raw: []byte(`{"id":"` + id + `"}`), RecipientKeys: []string{recipient}}
		if ach != "" {
			a, err := tx.Achievement(ach, 0)
			if err != nil {
				return nil, err
			}
			c.AchievementID, c.AchievementVersion = a.ID, a.Version
		}
		return c, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestIssueIdempotencyAndAtomicity(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	s := openTest(t, path)
	ctx := context.Background()
	seedIssuer(t, s, "a")
	seedIssuer(t, s, "b")
	calls := 0
	build := func(id string) func(tx IssueTx) (*Credential, error) {
		return func(tx IssueTx) (*Credential, error) {
			calls++
			es, err := tx.AllocateStatus(testAllocation(id))
			if err != nil {
				return nil, err
			}
			return &Credential{ID: id, IssuerID: "a", IssuedAt: t0, Raw: []byte("exact " + id), StatusListID: es[0].ListID, StatusIndex: es[0].Index}, nil
		}
	}
	p := IssueParams{IssuerID: "a", IdempotencyKey: "k1", RequestHash: "h1"}
	c1, replayed, err := s.IssueCredential(ctx, p, build("c1"))
	if err != nil || replayed || c1.StatusListID == "" {
		t.Fatalf("first: %+v %v %v", c1, replayed, err)
	}
	c2, replayed, err := s.IssueCredential(ctx, p, build("c2"))
	if err != nil || !replayed || c2.ID != "c1" || string(c2.Raw) != "exact c1" || calls != 1 {
		t.Fatalf("replay: %+v %v %v calls=%d", c2, replayed, err, calls)
	}
	if _, _, err := s.IssueCredential(ctx, IssueParams{IssuerID: "a", IdempotencyKey: "k1", RequestHash: "other"}, build("c3")); !errors.Is(err, ErrIdempotencyMismatch) {
		t.Fatalf("mismatch: %v", err)
	}
	// The same key for another issuer is a different key.
	if _, _, err := s.IssueCredential(ctx, IssueParams{IssuerID: "b", IdempotencyKey: "k1", RequestHash: "h1"}, func(IssueTx) (*Credential, error) {
		return &Credential{ID: "cb", IssuerID: "b", IssuedAt: t0}, nil
	}); err != nil {
		t.Fatal(err)
	}
	// A failing build writes nothing and consumes no status entry: had the
	// allocation for c4 survived, allocating for c4 again would be a conflict.
	boom := errors.New("boom")
	if _, _, err := s.IssueCredential(ctx, IssueParams{IssuerID: "a", IdempotencyKey: "k2", RequestHash: "h"}, func(tx IssueTx) (*Credential, error) {
		if _, err := tx.AllocateStatus(testAllocation("c4")); err != nil {
			return nil, err
		}
		return nil, boom
	}); !errors.Is(err, boom) {
		t.Fatalf("build error: %v", err)
	}
	if _, _, err := s.IssueCredential(ctx, IssueParams{IssuerID: "a", IdempotencyKey: "k2", RequestHash: "h"}, build("c4")); err != nil {
		t.Fatalf("after rollback: %v", err)
	}
	if _, _, err := s.IssueCredential(ctx, IssueParams{IssuerID: "a"}, build("c4")); !errors.Is(err, ErrConflict) {
		t.Fatalf("duplicate id: %v", err)
	}
	if _, _, err := s.IssueCredential(ctx, IssueParams{IssuerID: "zz"}, build("c9")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown issuer: %v", err)
	}
	if _, err := s.GetCredential(ctx, "c9"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get missing: %v", err)
	}
}

func TestListCredentialsPagingAndFilters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	s := openTest(t, path)
	ctx := context.Background()
	seedIssuer(t, s, "a")
	seedIssuer(t, s, "b")
	for _, id := range []string{"x1", "x2"} {
		if _, err := s.PutAchievement(ctx, &Achievement{IssuerID: "a", ID: id, CreatedAt: t0}, true); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 7 {
		ach := "x1"
		if i%2 == 1 {
			ach = "x2"
		}
		issue(t, s, "a", fmt.Sprintf("c%d", i), ach, t0.Add(time.Duration(i)*time.Hour), fmt.Sprintf("r%d", i%3))
	}
	issue(t, s, "b", "other", "", t0, "r0")

	var ids []string
	cursor := ""
	for {
		page, next, err := s.ListCredentials(ctx, Query{IssuerID: "a", Limit: 3, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page {
			ids = append(ids, c.ID)
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if fmt.Sprint(ids) != "[c0 c1 c2 c3 c4 c5 c6]" {
		t.Fatalf("paged ids = %v", ids)
	}
	tests := []struct {
		name string
		q    Query
		want string
	}{
		{"achievement", Query{IssuerID: "a", AchievementID: "x2"}, "[c1 c3 c5]"},
		{"recipient", Query{IssuerID: "a", RecipientKey: "r0"}, "[c0 c3 c6]"},
		{"dates", Query{IssuerID: "a", Since: t0.Add(2 * time.Hour), Until: t0.Add(4 * time.Hour)}, "[c2 c3]"},
		{"other issuer", Query{IssuerID: "b"}, "[other]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, _, err := s.ListCredentials(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range page {
				got = append(got, c.ID)
			}
			if fmt.Sprint(got) != tt.want {
				t.Fatalf("got %v want %v", got, tt.want)
			}
		})
	}
	if _, _, err := s.ListCredentials(ctx, Query{IssuerID: "b", Cursor: cursor}); !errors.Is(err, ErrBadCursor) {
		t.Fatalf("foreign cursor: %v", err)
	}

	// Everything survives a reopen.
	s.Close()
	s2 := openTest(t, path)
	c, err := s2.GetCredential(ctx, "c3")
	if err != nil || string(c.Raw) != `{"id":"c3"}` {
		t.Fatalf("after reopen: %+v %v", c, err)
	}
}

func TestTokens(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "x.db"))
	ctx := context.Background()
	seedIssuer(t, s, "a")
	h := HashToken("secret-token")
	if err := s.PutToken(ctx, &Token{Hash: h, IssuerID: "a"}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutToken(ctx, &Token{Hash: h, IssuerID: "a"}); !errors.Is(err, ErrConflict) {
		t.Fatalf("dup: %v", err)
	}
	if err := s.PutToken(ctx, &Token{Hash: HashToken("x"), IssuerID: "nobody"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown issuer: %v", err)
	}
	tok, err := s.LookupToken(ctx, h)
	if err != nil || tok.IssuerID != "a" {
		t.Fatalf("lookup: %+v %v", tok, err)
	}
	if _, err := s.LookupToken(ctx, HashToken("nope")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("lookup unknown: %v", err)
	}
}

// testAllocation allocates a revocation entry in a small list.
func testAllocation(credentialURL string) StatusAllocation {
	return StatusAllocation{CredentialURL: credentialURL, Purposes: []string{PurposeRevocation}, ListSize: 64, Rand: rand.Reader, At: t0}
}
