package issuer

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/obadge/obadge/store"
)

func TestBadgeByToken(t *testing.T) {
	svc, _, _, ach := setup(t)
	ctx := context.Background()
	if _, err := svc.UpdateIssuer(ctx, admin, "agency", IssuerInput{Name: "State Department of Education", LinkedInOrganizationID: " 1337 "}); err != nil {
		t.Fatal(err)
	}
	req := sampleRequest(ach)
	req.Evidence = []EvidenceInput{
		{ID: "https://portfolio.example.org/ada/private", Name: "Private notes"},
		{ID: "https://portfolio.example.org/ada/assess", Name: "Portfolio", Narrative: "Three assessments.", Public: true},
		{ID: "data:text/plain,hello", Name: "Inline", Public: true},
	}
	for _, format := range []string{FormatLDP, FormatJWT} {
		t.Run(format, func(t *testing.T) {
			req.Format, req.Alg = format, ""
			out, err := svc.Issue(ctx, admin, "agency", req, "")
			if err != nil {
				t.Fatal(err)
			}
			tok, ok := strings.CutPrefix(out.BadgeURL, "https://badges.example.gov/badges/")
			if !ok || !store.ValidPageToken(tok) || out.Hidden {
				t.Fatalf("badgeUrl %q hidden %v", out.BadgeURL, out.Hidden)
			}
			b, err := svc.BadgeByToken(ctx, tok)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b.Credential, out.Raw) || b.Format != format || b.Token != tok || b.CredentialURL != out.URL {
				t.Fatalf("badge %+v", b)
			}
			if b.RecipientName != "Ada Teacher" || b.LinkedInOrganizationID != "1337" || b.Image != nil {
				t.Fatalf("name %q, linkedin %q, image %d bytes", b.RecipientName, b.LinkedInOrganizationID, len(b.Image))
			}
			want := []PublicEvidence{
				{Name: "Portfolio", Narrative: "Three assessments.", URL: "https://portfolio.example.org/ada/assess"},
				{Name: "Inline"}, // not an http(s) link
			}
			if len(b.Evidence) != 2 || b.Evidence[0] != want[0] || b.Evidence[1] != want[1] {
				t.Fatalf("public evidence %+v", b.Evidence)
			}
			// The admin view carries the same page URL.
			got, err := svc.GetCredential(ctx, admin, "agency", out.ID)
			if err != nil || got.BadgeURL != out.BadgeURL {
				t.Fatalf("admin view %+v %v", got, err)
			}
		})
	}
	for _, bad := range []string{"", "x", strings.Repeat("A", 22), "../credentials"} {
		if _, err := svc.BadgeByToken(ctx, bad); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("token %q: %v", bad, err)
		}
	}
}

func TestBadgeHiddenDefaultAndScoping(t *testing.T) {
	svc, _, _, ach := setup(t)
	ctx := context.Background()
	if _, err := svc.CreateIssuer(ctx, admin, IssuerInput{ID: "district", Name: "District"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.UpdateIssuer(ctx, admin, "agency", IssuerInput{Name: "Agency", BadgesHiddenByDefault: true}); err != nil {
		t.Fatal(err)
	}
	if iss, _ := svc.GetIssuer(ctx, admin, "agency"); !iss.BadgesHiddenByDefault {
		t.Fatal("setting not in the issuer view")
	}
	out, err := svc.Issue(ctx, admin, "agency", sampleRequest(ach), "")
	if err != nil {
		t.Fatal(err)
	}
	if !out.Hidden {
		t.Fatal("hidden-by-default issuer issued a visible badge")
	}
	tok := out.BadgeURL[strings.LastIndex(out.BadgeURL, "/")+1:]
	if _, err := svc.BadgeByToken(ctx, tok); !errors.Is(err, store.ErrNotFound) || !errors.Is(err, ErrBadgeHidden) {
		t.Fatalf("hidden badge: %v", err)
	}

	// Only a token of the credential's issuer (or an admin) may show it.
	district := Principal{IssuerID: "district"}
	if _, err := svc.SetBadgeHidden(ctx, district, "agency", out.ID, false); !errors.Is(err, ErrForbidden) {
		t.Fatalf("other issuer's token: %v", err)
	}
	if _, err := svc.SetBadgeHidden(ctx, district, "district", out.ID, false); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("other issuer's credential through own path: %v", err)
	}
	v, err := svc.SetBadgeHidden(ctx, Principal{IssuerID: "agency"}, "agency", out.ID, false)
	if err != nil || v.Hidden || v.BadgeURL != out.BadgeURL {
		t.Fatalf("show: %+v %v", v, err)
	}
	if _, err := svc.BadgeByToken(ctx, tok); err != nil {
		t.Fatalf("shown badge: %v", err)
	}

	// Turning the default off does not change issued badges; new ones start visible.
	if _, err := svc.SetBadgeHidden(ctx, admin, "agency", out.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.UpdateIssuer(ctx, admin, "agency", IssuerInput{Name: "Agency"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.BadgeByToken(ctx, tok); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("re-hidden badge: %v", err)
	}
	if out2, _ := svc.Issue(ctx, admin, "agency", sampleRequest(ach), ""); out2 == nil || out2.Hidden {
		t.Fatal("default off still hides")
	}
}

func TestLinkedInOrganizationIDValidated(t *testing.T) {
	svc, _, _, _ := setup(t)
	for _, bad := range []string{"acme", "12a", "https://linkedin.com/company/1", strings.Repeat("1", 21)} {
		_, err := svc.UpdateIssuer(context.Background(), admin, "agency", IssuerInput{Name: "A", LinkedInOrganizationID: bad})
		var re *RequestError
		if !errors.As(err, &re) || re.Errors[0].Pointer != "/linkedInOrganizationId" {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestDecodeDataImage(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\nrest")
	tests := []struct {
		in   string
		want []byte
	}{
		{"data:image/png;base64," + base64.StdEncoding.EncodeToString(png), png},
		{"data:image/svg+xml,%3Csvg%20xmlns%3D%22x%22%2F%3E", []byte(`<svg xmlns="x"/>`)},
		{"data:image/png;base64,!!!", nil},
		{"data:text/html;base64,PGI+", nil},
		{"https://img.example.org/a.png", nil},
		{"data:image/png;base64,", nil},
		{"", nil},
	}
	for _, tt := range tests {
		got, ok := decodeDataImage(tt.in)
		if ok != (tt.want != nil) || !bytes.Equal(got, tt.want) {
			t.Errorf("decodeDataImage(%.40q) = %q, %v", tt.in, got, ok)
		}
	}
}

// TestStatusChangeHook: a committed revoke calls Config.OnStatusChange with the
// credential's id URL (the badge page drops its cached report); a no-op change and a
// refused one do not.
func TestStatusChangeHook(t *testing.T) {
	svc, _, _, ach := setup(t)
	WithStatusLists(StatusListOptions{})(svc)
	ctx := context.Background()
	var got []string
	svc.onStatus = func(u string) { got = append(got, u) }
	out, err := svc.Issue(ctx, admin, "agency", sampleRequest(ach), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ChangeCredentialStatus(ctx, admin, "agency", out.ID, StatusChangeRequest{Action: "suspend", Reason: "x"}); err == nil {
		t.Fatal("suspend without a suspension entry succeeded")
	}
	if len(got) != 0 {
		t.Fatalf("refused change called the hook: %q", got)
	}
	for range 2 { // the second revoke changes nothing
		if _, err := svc.ChangeCredentialStatus(ctx, admin, "agency", out.ID, StatusChangeRequest{Action: "revoke", Reason: "issued in error"}); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != 1 || got[0] != out.URL {
		t.Fatalf("hook calls %q, want [%s]", got, out.URL)
	}
}

// TestBadgeImageFromDataURL: an achievement image given as a data: URL reaches the
// page as bytes; an https image is left to the page (never fetched here).
func TestBadgeImageFromDataURL(t *testing.T) {
	svc, _, _, _ := setup(t)
	ctx := context.Background()
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	for _, tt := range []struct {
		image string
		want  []byte
	}{
		{"data:image/png;base64," + base64.StdEncoding.EncodeToString(png), png},
		{"https://img.example.org/seal.png", nil},
	} {
		in := sampleAchievement()
		in.Image = tt.image
		ach, err := svc.CreateAchievement(ctx, admin, "agency", in)
		if err != nil {
			t.Fatal(err)
		}
		out, err := svc.Issue(ctx, admin, "agency", sampleRequest(ach), "")
		if err != nil {
			t.Fatal(err)
		}
		b, err := svc.BadgeByToken(ctx, out.BadgeURL[strings.LastIndex(out.BadgeURL, "/")+1:])
		if err != nil || !bytes.Equal(b.Image, tt.want) {
			t.Fatalf("image %.30q: got %q, %v", tt.image, b.Image, err)
		}
	}
}
