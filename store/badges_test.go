package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

func TestPageTokenShape(t *testing.T) {
	tok, err := NewPageToken(bytes.NewReader(bytes.Repeat([]byte{0xfb}, 16)))
	if err != nil || tok != "-_v7-_v7-_v7-_v7-_v7-w" || !ValidPageToken(tok) {
		t.Fatalf("NewPageToken = %q, %v", tok, err)
	}
	if _, err := NewPageToken(bytes.NewReader(make([]byte, 15))); err == nil {
		t.Fatal("a short random read made a token")
	}
	for _, bad := range []string{"", "short", tok + "A", tok[:21] + "=", tok[:21] + "+", "../../credentials/xx", strings.Repeat("A", 21) + "B"} {
		if ValidPageToken(bad) {
			t.Errorf("ValidPageToken(%q) = true", bad)
		}
	}
}

func TestPageTokenIssuedIndexedAndHidden(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, filepath.Join(t.TempDir(), "x.db"))
	seedIssuer(t, s, "agency")
	a := issue(t, s, "agency", "c-1", "", t0, "r1")
	b := issue(t, s, "agency", "c-2", "", t0, "r2")
	if !ValidPageToken(a.PageToken) || !ValidPageToken(b.PageToken) || a.PageToken == b.PageToken {
		t.Fatalf("tokens %q %q", a.PageToken, b.PageToken)
	}
	got, err := s.CredentialByPageToken(ctx, b.PageToken)
	if err != nil || got.ID != "c-2" || string(got.Raw) != `{"id":"c-2"}` || got.Hidden {
		t.Fatalf("by token = %+v, %v", got, err)
	}
	for _, tok := range []string{"", "nope", strings.Repeat("A", 22)} {
		if _, err := s.CredentialByPageToken(ctx, tok); !errors.Is(err, ErrNotFound) {
			t.Errorf("by token %q: %v", tok, err)
		}
	}

	// Hide and show: the same token keeps naming the credential.
	h, err := s.SetCredentialHidden(ctx, "c-2", true)
	if err != nil || !h.Hidden || h.PageToken != b.PageToken {
		t.Fatalf("hide = %+v, %v", h, err)
	}
	if got, _ := s.CredentialByPageToken(ctx, b.PageToken); !got.Hidden || !bytes.Equal(got.Raw, b.Raw) {
		t.Fatalf("after hide: %+v", got)
	}
	if got, _ := s.GetCredential(ctx, "c-1"); got.Hidden {
		t.Fatal("hiding c-2 hid c-1")
	}
	if _, err := s.SetCredentialHidden(ctx, "c-2", false); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.CredentialByPageToken(ctx, b.PageToken); got.Hidden {
		t.Fatal("show did not clear hidden")
	}
	if _, err := s.SetCredentialHidden(ctx, "missing", true); !errors.Is(err, ErrNotFound) {
		t.Fatalf("hide missing: %v", err)
	}

	// A token the build callback chose is kept; a taken one aborts the issue and
	// writes nothing.
	build := func(id, tok string) error {
		_, _, err := s.IssueCredential(ctx, IssueParams{IssuerID: "agency"}, func(tx IssueTx) (*Credential, error) {
			return &Credential{ID: id, IssuerID: "agency", Format: "ldp", IssuedAt: t0, Raw: []byte(`{}`), PageToken: tok}, nil
		})
		return err
	}
	chosen := "AAAAAAAAAAAAAAAAAAAAAA"
	if err := build("c-3", chosen); err != nil {
		t.Fatal(err)
	}
	if got, err := s.CredentialByPageToken(ctx, chosen); err != nil || got.ID != "c-3" {
		t.Fatalf("chosen token: %+v %v", got, err)
	}
	if err := build("c-4", chosen); !errors.Is(err, ErrConflict) {
		t.Fatalf("reused token: %v", err)
	}
	if err := build("c-4", "not a token"); err == nil {
		t.Fatal("malformed token accepted")
	}
	if _, err := s.GetCredential(ctx, "c-4"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("refused issue left a record: %v", err)
	}
}

// TestPageTokenMigration: a database from before page tokens (credentials without
// one, no index, no marker) gets a token for each credential at the next Open, in
// one transaction, leaving the stored credential bytes and unknown members alone;
// later opens change nothing.
func TestPageTokenMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(path, Options{KEK: testKEK()})
	if err != nil {
		t.Fatal(err)
	}
	seedIssuer(t, s, "agency")
	issue(t, s, "agency", "old-1", "", t0, "r1")
	issue(t, s, "agency", "old-2", "", t0, "r2")
	// Turn the database into an old one.
	err = s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bBadgeTokens); err != nil {
			return err
		}
		if err := tx.Bucket(bMeta).Delete(kMigPageTokens); err != nil {
			return err
		}
		cb := tx.Bucket(bCredentials)
		for _, id := range []string{"old-1", "old-2"} {
			var m map[string]json.RawMessage
			if err := json.Unmarshal(cb.Get([]byte(id)), &m); err != nil {
				return err
			}
			delete(m, "pageToken")
			m["fromTheFuture"] = json.RawMessage(`{"kept":true}`)
			raw, _ := json.Marshal(m)
			if err := cb.Put([]byte(id), raw); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := s.GetCredential(ctx, "old-1"); c.PageToken != "" {
		t.Fatal("setup: token still there")
	}
	s.Close()

	s = openTest(t, path)
	tokens := map[string]string{}
	for _, id := range []string{"old-1", "old-2"} {
		c, err := s.GetCredential(ctx, id)
		if err != nil || !ValidPageToken(c.PageToken) || c.Hidden || string(c.Raw) != `{"id":"`+id+`"}` {
			t.Fatalf("%s after migration: %+v %v", id, c, err)
		}
		byTok, err := s.CredentialByPageToken(ctx, c.PageToken)
		if err != nil || byTok.ID != id {
			t.Fatalf("%s by token: %+v %v", id, byTok, err)
		}
		tokens[id] = c.PageToken
	}
	if tokens["old-1"] == tokens["old-2"] {
		t.Fatal("migration gave two credentials one token")
	}
	_ = s.db.View(func(tx *bolt.Tx) error {
		if !bytes.Contains(tx.Bucket(bCredentials).Get([]byte("old-1")), []byte(`"fromTheFuture":{"kept":true}`)) {
			t.Error("migration dropped a member it does not know")
		}
		if n := bytesToU64(tx.Bucket(bMeta).Get(kMigPageTokens)); n != 2 {
			t.Errorf("marker records %d credentials, want 2", n)
		}
		return nil
	})
	s.Close()

	// Reopening does not run it again.
	s = openTest(t, path)
	for id, tok := range tokens {
		if c, _ := s.GetCredential(ctx, id); c.PageToken != tok {
			t.Fatalf("%s: token changed on reopen: %q -> %q", id, tok, c.PageToken)
		}
	}
	// New issues after the migration are indexed as usual.
	c := issue(t, s, "agency", "new-1", "", t0, "r3")
	if got, err := s.CredentialByPageToken(ctx, c.PageToken); err != nil || got.ID != "new-1" {
		t.Fatalf("new credential by token: %v %v", got, err)
	}
}

func TestManageKeyHashAndHiddenByToken(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, filepath.Join(t.TempDir(), "x.db"))
	seedIssuer(t, s, "agency")
	c := issue(t, s, "agency", "c-1", "", t0, "r1")
	h := HashManageKey("key-1")
	if got, err := s.SetManageKeyHash(ctx, "c-1", h); err != nil || got.ManageKeyHash != h {
		t.Fatalf("set hash = %+v, %v", got, err)
	}
	refuse := errors.New("refused")
	tests := []struct {
		name       string
		token      string
		hidden     bool
		allow      error
		wantErr    error
		wantHidden bool
	}{
		{"allowed hide", c.PageToken, true, nil, nil, true},
		{"refused show changes nothing", c.PageToken, false, refuse, refuse, true},
		{"unknown token", strings.Repeat("A", 22), false, nil, ErrNotFound, true},
		{"malformed token", "nope", false, nil, ErrNotFound, true},
		{"allowed show", c.PageToken, false, nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen *Credential
			_, err := s.SetCredentialHiddenByToken(ctx, tt.token, tt.hidden, func(c *Credential) error { seen = c; return tt.allow })
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != ErrNotFound && (seen == nil || seen.ManageKeyHash != h) {
				t.Fatalf("allow saw %+v", seen)
			}
			if got, _ := s.GetCredential(ctx, "c-1"); got.Hidden != tt.wantHidden || got.ManageKeyHash != h {
				t.Fatalf("stored %+v", got)
			}
		})
	}
	if got, err := s.SetManageKeyHash(ctx, "c-1", ""); err != nil || got.ManageKeyHash != "" {
		t.Fatalf("clear hash = %+v, %v", got, err)
	}
	if got, _ := s.GetCredential(ctx, "c-1"); got.ManageKeyHash != "" || got.PageToken != c.PageToken {
		t.Fatalf("after clearing: %+v", got)
	}
	if _, err := s.SetManageKeyHash(ctx, "nope", h); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown credential: %v", err)
	}
}
