package issuer

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/obadge/obadge/store"
)

// splitManageURL returns the page token and key of a manage URL.
func splitManageURL(t *testing.T, u string) (token, key string) {
	t.Helper()
	rest, ok := strings.CutPrefix(u, "https://badges.example.gov/badges/")
	page, key, ok2 := strings.Cut(rest, "/manage#")
	if !ok || !ok2 || !store.ValidPageToken(page) || len(key) != 22 {
		t.Fatalf("manageUrl %q", u)
	}
	return page, key
}

func TestRecipientManageKey(t *testing.T) {
	svc, st, _, ach := setup(t)
	ctx := context.Background()
	out, err := svc.Issue(ctx, admin, "agency", sampleRequest(ach), "idem-1")
	if err != nil {
		t.Fatal(err)
	}
	tok, key := splitManageURL(t, out.ManageURL)
	if out.BadgeURL != "https://badges.example.gov/badges/"+tok || !out.RecipientControl {
		t.Fatalf("issue view %+v", out)
	}
	rec, err := st.GetCredential(ctx, out.ID)
	if err != nil || rec.ManageKeyHash != store.HashManageKey(key) || strings.Contains(string(rec.Raw), key) {
		t.Fatalf("stored record: hash %q, err %v", rec.ManageKeyHash, err)
	}
	// Neither a replay nor the admin view can show the key again.
	again, err := svc.Issue(ctx, admin, "agency", sampleRequest(ach), "idem-1")
	if err != nil || !again.Replayed || again.ManageURL != "" || !again.RecipientControl {
		t.Fatalf("replay %+v %v", again, err)
	}
	if v, _ := svc.GetCredential(ctx, admin, "agency", out.ID); v.ManageURL != "" || !v.RecipientControl {
		t.Fatalf("admin view %+v", v)
	}

	tests := []struct {
		name       string
		token, key string
		hidden     bool
		wantErr    error
		wantHidden bool
	}{
		{"hide with the key", tok, key, true, nil, true},
		{"key with surrounding space", tok, " " + key + "\n", true, nil, true},
		{"wrong key changes nothing", tok, strings.Repeat("A", 22), false, ErrWrongManageKey, true},
		{"empty key", tok, "", false, ErrWrongManageKey, true},
		{"unknown token", strings.Repeat("B", 22), key, false, store.ErrNotFound, true},
		{"show with the key", tok, key, false, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := svc.SetBadgeHiddenByRecipient(ctx, tt.token, tt.key, tt.hidden)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err %v, want %v", err, tt.wantErr)
			}
			if err == nil && (m.Hidden != tt.hidden || m.Name == "" || m.BadgeURL != out.BadgeURL) {
				t.Fatalf("view %+v", m)
			}
			c, err := st.GetCredential(ctx, out.ID)
			if err != nil || c.Hidden != tt.wantHidden {
				t.Fatalf("stored hidden %v, want %v (%v)", c.Hidden, tt.wantHidden, err)
			}
			_, err = svc.BadgeByToken(ctx, tok)
			if tt.wantHidden != errors.Is(err, ErrBadgeHidden) {
				t.Fatalf("public page while hidden=%v: %v", tt.wantHidden, err)
			}
		})
	}

	// A hidden badge can still be managed.
	if _, err := svc.SetBadgeHiddenByRecipient(ctx, tok, key, true); err != nil {
		t.Fatal(err)
	}
	if m, err := svc.ManagedBadge(ctx, tok, key); err != nil || !m.Hidden {
		t.Fatalf("managed view of a hidden badge %+v %v", m, err)
	}

	// Rotation: only the issuer (or an admin) may; the old key stops working.
	if _, err := svc.CreateIssuer(ctx, admin, IssuerInput{ID: "district", Name: "District"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RotateManageKey(ctx, Principal{IssuerID: "district"}, "agency", out.ID); !errors.Is(err, ErrForbidden) {
		t.Fatalf("rotation by another issuer: %v", err)
	}
	if _, err := svc.RotateManageKey(ctx, Principal{IssuerID: "district"}, "district", out.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("rotation through another issuer's path: %v", err)
	}
	rot, err := svc.RotateManageKey(ctx, Principal{IssuerID: "agency"}, "agency", out.ID)
	if err != nil {
		t.Fatal(err)
	}
	tok2, key2 := splitManageURL(t, rot.ManageURL)
	if tok2 != tok || key2 == key {
		t.Fatalf("rotated manageUrl %q (old key %q)", rot.ManageURL, key)
	}
	if _, err := svc.ManagedBadge(ctx, tok, key); !errors.Is(err, ErrWrongManageKey) {
		t.Fatalf("old key after rotation: %v", err)
	}
	if m, err := svc.SetBadgeHiddenByRecipient(ctx, tok, key2, false); err != nil || m.Hidden {
		t.Fatalf("new key: %+v %v", m, err)
	}

	// A credential from before recipient control has none until the issuer rotates.
	if _, err := st.SetManageKeyHash(ctx, out.ID, ""); err != nil {
		t.Fatal(err)
	}
	if v, _ := svc.GetCredential(ctx, admin, "agency", out.ID); v.RecipientControl {
		t.Fatal("recipientControl without a key")
	}
	if _, err := svc.SetBadgeHiddenByRecipient(ctx, tok, key2, true); !errors.Is(err, ErrNoManageKey) {
		t.Fatalf("no key: %v", err)
	}
	rot, err = svc.RotateManageKey(ctx, admin, "agency", out.ID)
	if err != nil || !rot.RecipientControl {
		t.Fatalf("rotation on a keyless credential: %+v %v", rot, err)
	}
	if _, key3 := splitManageURL(t, rot.ManageURL); key3 == key2 {
		t.Fatal("rotation reused a key")
	} else if _, err := svc.ManagedBadge(ctx, tok, key3); err != nil {
		t.Fatal(err)
	}
}
