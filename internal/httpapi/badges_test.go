package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/obadge/obadge/bake"
	"github.com/obadge/obadge/internal/web"
	"github.com/obadge/obadge/issuer"
	"github.com/obadge/obadge/store"
	"github.com/obadge/obadge/verifier"
)

// badgeServer is the whole service as serve wires it: issuer with status lists,
// verifier over the issuer's own keys and lists, the web pages, one real listener.
type badgeServer struct {
	*server
	v *verifier.Verifier
}

func startBadgeServer(t testing.TB) *badgeServer {
	t.Helper()
	return startBadgeServerLogging(t, io.Discard)
}

// startBadgeServerLogging is startBadgeServer with every log line (access log,
// business events) written to logs as text.
func startBadgeServerLogging(t testing.TB, logs io.Writer) *badgeServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "obadge.db"), store.Options{KEK: testKEK})
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	log := slog.New(slog.NewTextHandler(logs, nil))
	var pages *web.Handler
	svc, err := issuer.New(issuer.Config{BaseURL: base, OnStatusChange: func(id string) { pages.Invalidate(id) }}, st,
		issuer.WithLogger(log), issuer.WithStatusLists(issuer.StatusListOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := svc.Bootstrap(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	v, err := verifier.Configure(verifier.Config{Local: svc, LocalDocuments: svc, Offline: true, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	pages = web.New(web.Options{Verifier: v, BaseURL: base, Logger: log})
	ts := httptest.NewUnstartedServer(NewRouter(Deps{Issuer: svc, Verifier: v, Web: pages, Logger: log, MaxBodyBytes: 64 << 10}))
	ts.Listener.Close()
	ts.Listener = ln
	ts.Start()
	s := &server{t: t, ts: ts, st: st, svc: svc, base: base, admin: tok}
	t.Cleanup(s.stop)
	return &badgeServer{server: s, v: v}
}

// issueBadge creates an achievement of the dev issuer and issues it to Ada with
// one public and one private piece of evidence.
func (s *badgeServer) issueBadge(t testing.TB, format string) issuedResp {
	t.Helper()
	r := s.postJSON("/api/v1/issuers/dev/achievements", s.admin, achievementBody)
	wantStatus(t, r, 201)
	achID := decode[issuer.Achievement](t, r).ID
	r = s.postJSON("/api/v1/issuers/dev/credentials", s.admin, map[string]any{
		"achievement": achID, "format": format,
		"recipient": map[string]any{"email": "ada@school.example.org", "name": "Ada Lovelace"},
		"evidence": []any{
			map[string]any{"id": "https://evidence.example.org/lesson-1", "name": "Lesson video", "public": true},
			map[string]any{"name": "Panel notes", "narrative": "Private panel narrative."},
		},
	})
	wantStatus(t, r, 201)
	return decode[issuedResp](t, r)
}

func (s *badgeServer) get(t testing.TB, rawURL, accept string) response {
	t.Helper()
	path, ok := strings.CutPrefix(rawURL, s.base)
	if !ok {
		t.Fatalf("%s is not under %s", rawURL, s.base)
	}
	return s.call("GET", path, "", "", nil, "Accept", accept)
}

// TestBadgePagesEndToEnd drives the public badge page through the whole server: the
// issue response's badgeUrl shows the verified page, gives the exact credential by
// content negotiation, hides and shows with the admin switch, offers a baked PNG
// that unbakes to the credential and verifies, and says "Revoked" right after a
// revocation (the status hook drops the cached report).
func TestBadgePagesEndToEnd(t *testing.T) {
	s := startBadgeServer(t)
	ctx := context.Background()
	r := s.call("PUT", "/api/v1/issuers/dev", s.admin, "application/json", []byte(`{"name":"State Board of Education","linkedInOrganizationId":"1337"}`))
	wantStatus(t, r, 200)

	for _, format := range []string{issuer.FormatLDP, issuer.FormatJWT} {
		t.Run(format, func(t *testing.T) {
			c := s.issueBadge(t, format)
			raw := credentialBytes(t, c)
			if !strings.HasPrefix(c.BadgeURL, s.base+"/badges/") || c.Hidden {
				t.Fatalf("issue response badgeUrl %q hidden %v", c.BadgeURL, c.Hidden)
			}

			page := s.get(t, c.BadgeURL, "text/html,application/xhtml+xml,*/*;q=0.8")
			wantStatus(t, page, 200)
			html := string(page.body)
			if ct := page.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || page.header.Get("X-Request-Id") == "" {
				t.Fatalf("page Content-Type %q, request id %q (middleware must apply)", ct, page.header.Get("X-Request-Id"))
			}
			for _, want := range []string{"Classroom Assessment Literacy", "Verified", "Ada Lovelace", "Lesson video", "https://evidence.example.org/lesson-1", "1337"} {
				if !strings.Contains(html, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			for _, leak := range []string{"Private panel narrative", "ada@school.example.org"} {
				if strings.Contains(html, leak) {
					t.Errorf("page shows %q", leak)
				}
			}

			// The same URL gives the exact stored credential to a machine client.
			j := s.get(t, c.BadgeURL, "application/ld+json")
			wantStatus(t, j, 200)
			if format == issuer.FormatLDP && !bytes.Equal(j.body, raw) {
				t.Fatalf("ld+json body differs from the issued bytes")
			}
			if format == issuer.FormatJWT {
				if !bytes.Contains(j.body, raw) {
					t.Fatal("enveloped credential lacks the issued JWT")
				}
				jwt := s.get(t, c.BadgeURL, "application/vc+jwt")
				if wantStatus(t, jwt, 200); !bytes.Equal(bytes.TrimSpace(jwt.body), raw) {
					t.Fatal("vc+jwt body differs from the issued JWT")
				}
			}

			// The baked PNG unbakes to the credential, which verifies.
			png := s.get(t, c.BadgeURL+"/badge.png", "image/png")
			wantStatus(t, png, 200)
			got, err := bake.UnbakePNG(png.body)
			if err != nil || !bytes.Equal(bytes.TrimSpace(got), raw) {
				t.Fatalf("unbaked %d bytes, err %v; want the issued credential", len(got), err)
			}
			rep, err := s.v.Verify(ctx, got, verifier.VerifyOptions{})
			if err != nil || !rep.Verified {
				t.Fatalf("baked credential: verified=%v err=%v errors=%v", rep != nil && rep.Verified, err, rep)
			}

			// Hide, then show: 404 for the page and every resource, then the same URL again.
			vis := func(tok string, body string) response {
				return s.call("PUT", "/api/v1/issuers/dev/credentials/"+c.ID+"/visibility", tok, "application/json", []byte(body))
			}
			r := vis(s.admin, `{"hidden":true}`)
			wantStatus(t, r, 200)
			if v := decode[issuedResp](t, r); !v.Hidden || v.BadgeURL != c.BadgeURL {
				t.Fatalf("hide answered %+v", v.Issued)
			}
			wantStatus(t, s.get(t, c.BadgeURL, "text/html"), 404)
			wantStatus(t, s.get(t, c.BadgeURL+"/credential.json", "*/*"), 404)
			wantStatus(t, s.get(t, c.BadgeURL+"/badge.png", "*/*"), 404)
			if v := decode[issuedResp](t, s.call("GET", "/api/v1/issuers/dev/credentials/"+c.ID, s.admin, "", nil)); !v.Hidden || v.BadgeURL != c.BadgeURL {
				t.Fatalf("admin view after hide: %+v", v.Issued)
			}
			wantStatus(t, vis(s.admin, `{"hidden":false}`), 200)
			wantStatus(t, s.get(t, c.BadgeURL, "text/html"), 200)

			// Revoke: the next view says so, without waiting for the cache to expire.
			r = s.postJSON("/api/v1/issuers/dev/credentials/"+c.ID+"/status", s.admin, map[string]any{"action": "revoke", "reason": "issued in error"})
			wantStatus(t, r, 200)
			page = s.get(t, c.BadgeURL, "text/html")
			if wantStatus(t, page, 200); !strings.Contains(string(page.body), "Revoked") {
				t.Fatal("page does not say Revoked right after the revocation")
			}
		})
	}

	// Visibility switch errors.
	c := s.issueBadge(t, issuer.FormatLDP)
	path := "/api/v1/issuers/dev/credentials/" + c.ID + "/visibility"
	wantProblem(t, s.call("PUT", path, s.admin, "application/json", []byte(`{}`)), 422, "invalid-request", "/hidden")
	wantProblem(t, s.call("PUT", path, s.admin, "application/json", []byte(`{"hidden":"yes"}`)), 400, "malformed-request", "")
	wantProblem(t, s.call("PUT", path, "", "application/json", []byte(`{"hidden":true}`)), 401, "unauthorized", "")
	wantProblem(t, s.call("PUT", "/api/v1/issuers/dev/credentials/00000000-0000-4000-8000-000000000000/visibility", s.admin, "application/json", []byte(`{"hidden":true}`)), 404, "not-found", "")
	r = s.postJSON("/api/v1/issuers", s.admin, map[string]any{"id": "district", "name": "District"})
	wantStatus(t, r, 201)
	r = s.postJSON("/api/v1/issuers/district/tokens", s.admin, map[string]any{"name": "district"})
	wantStatus(t, r, 201)
	dtok := decode[tokenResponse](t, r).Token
	wantProblem(t, s.call("PUT", path, dtok, "application/json", []byte(`{"hidden":true}`)), 403, "forbidden", "")
	wantProblem(t, s.call("PUT", "/api/v1/issuers/district/credentials/"+c.ID+"/visibility", dtok, "application/json", []byte(`{"hidden":true}`)), 404, "not-found", "")
	wantStatus(t, s.get(t, c.BadgeURL, "text/html"), 200)
	// A token that was never issued looks like a hidden one.
	wantStatus(t, s.get(t, s.base+"/badges/AAAAAAAAAAAAAAAAAAAAAA", "text/html"), 404)
	r = s.call("GET", "/badges/AAAAAAAAAAAAAAAAAAAAAA", "", "", nil, "Accept", "application/json")
	if p := decode[Problem](t, r); r.status != 404 || p.Type != ProblemTypeBase+"not-found" || r.header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("unknown badge for a machine client: %d %+v", r.status, p)
	}
}

// TestWebUploadBodyLimit: a /verify upload above the API's MaxBodyBytes reaches the
// page (which has its own limit) instead of becoming a problem+json 413, while every
// API route keeps the API limit.
func TestWebUploadBodyLimit(t *testing.T) {
	s := startBadgeServer(t) // MaxBodyBytes 64 KiB
	big := bytes.Repeat([]byte("x"), 200<<10)
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("file", "big.json")
	_, _ = fw.Write(big)
	_ = mw.Close()
	r := s.call("POST", "/verify", "", mw.FormDataContentType(), form.Bytes(), "Accept", "text/html")
	if r.status == 413 || strings.Contains(r.header.Get("Content-Type"), "problem+json") || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Fatalf("POST /verify of 200 KiB: %d %s", r.status, r.header.Get("Content-Type"))
	}
	if r.header.Get("X-Request-Id") == "" {
		t.Fatal("web page without request id")
	}
	body, _ := json.Marshal(map[string]any{"name": strings.Repeat("n", 100<<10)})
	wantProblem(t, s.call("POST", "/api/v1/issuers", s.admin, "application/json", body), 413, "payload-too-large", "")
	wantProblem(t, s.call("POST", "/api/v1/verify", "", "application/json", big), 413, "payload-too-large", "")
	wantProblem(t, s.call("POST", "/credentials/verify", "", "application/json", big), 413, "payload-too-large", "")
	// The exemption is for POST /verify only: a body on another method or a
	// look-alike path is limited.
	wantProblem(t, s.call("PUT", "/verify", "", "application/json", big), 413, "payload-too-large", "")
	wantProblem(t, s.call("POST", "/verify/", "", "application/json", big), 413, "payload-too-large", "")
}

// TestWebNotMountedWithoutHandler: without Deps.Web there are no pages.
func TestWebNotMountedWithoutHandler(t *testing.T) {
	s := startServer(t, filepath.Join(t.TempDir(), "o.db"), "127.0.0.1:0")
	wantProblem(t, s.call("GET", "/badges/AAAAAAAAAAAAAAAAAAAAAA", "", "", nil), 404, "not-found", "")
	wantProblem(t, s.call("GET", "/verify", "", "", nil), 404, "not-found", "")
}
