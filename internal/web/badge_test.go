package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html"
	"image/png"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/obadge/obadge/bake"
	"github.com/obadge/obadge/internal/testutil"
	"github.com/obadge/obadge/internal/web"
	"github.com/obadge/obadge/verifier"
)

const statusURL = "https://status.example.gov/lists/1"

// fixture is a handler over a few badges of one did:key issuer, with a pinned
// revocation list on which index 7 is set.
type fixture struct {
	iss    *testIssuer
	src    *fakeSource
	clock  *clock
	h      *web.Handler
	router http.Handler
	ldp    []byte
	jwt    []byte
	v      *verifier.Verifier
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{iss: newTestIssuer(t), src: &fakeSource{}, clock: newClock(time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))}
	docs := map[string]json.RawMessage{statusURL: f.iss.statusList(t, statusURL, 7)}
	f.v = offlineVerifier(t, docs)
	f.h = web.New(web.Options{Verifier: f.v, BaseURL: "https://badges.example.gov", Now: f.clock.Now})
	f.router = newRouter(f.h, f.src)
	f.ldp = f.iss.ldp(t, cred{Recipient: "Ada Lovelace", ValidUntil: "2031-06-30T00:00:00Z", StatusURL: statusURL, StatusIdx: 3})
	f.jwt = f.iss.jwt(t, cred{ID: "urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10002", Recipient: "Ada Lovelace"})
	img, err := bake.GeneratePNG("Guided Reading", "State Board of Education")
	if err != nil {
		t.Fatal(err)
	}
	f.src.put("tok-ldp", &web.Badge{Credential: f.ldp, Format: "ldp", Image: img, LinkedInOrganizationID: "1337",
		Evidence: []web.Evidence{{Name: "Lesson video", URL: "https://evidence.example.gov/v/1", Description: "Second-grade group, 20 minutes."}}})
	f.src.put("tok-jwt", &web.Badge{Credential: f.jwt, Format: "jwt"})
	f.src.put("tok-hidden", &web.Badge{Credential: f.ldp, Format: "ldp", Hidden: true})
	f.src.put("tok-revoked", &web.Badge{Credential: f.iss.ldp(t, cred{ID: "urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10007", StatusURL: statusURL, StatusIdx: 7}), Format: "ldp"})
	f.src.put("tok-expired", &web.Badge{Credential: f.iss.ldp(t, cred{ID: "urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10008", ValidUntil: "2026-02-01T00:00:00Z"}), Format: "ldp"})
	tampered := bytes.Replace(f.ldp, []byte("Guided Reading Instruction"), []byte("Guided Writing Instruction"), 1)
	f.src.put("tok-tampered", &web.Badge{Credential: tampered, Format: "ldp"})
	return f
}

func TestBadgePageVerdicts(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		token string
		want  []string
	}{
		{"tok-ldp", []string{"Verified", "Guided Reading Instruction", "Awarded to <strong>Ada Lovelace</strong>", "State Board of Education",
			"Reading Foundations RF.2.4", "Lesson video", "1.5", "30 June 2031", "15 January 2026", "<details>"}},
		{"tok-jwt", []string{"Verified", "Guided Reading Instruction", "credential.jwt", "VC-JWT"}},
		{"tok-revoked", []string{"Revoked", "The issuer has revoked this credential"}},
		{"tok-expired", []string{"Expired", "1 February 2026"}},
		{"tok-tampered", []string{"Not verified", "Signature", "could not be confirmed"}},
	}
	for _, tt := range tests {
		t.Run(tt.token, func(t *testing.T) {
			rec := get(t, f.router, "/badges/"+tt.token, "text/html")
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			mustContain(t, rec.Body.String(), tt.want...)
			// Only a verified badge invites adding it to a LinkedIn profile.
			if hasLinkedIn := strings.Contains(rec.Body.String(), "linkedin.com/profile/add"); hasLinkedIn != (tt.want[0] == "Verified") {
				t.Errorf("LinkedIn link shown = %v for a %s badge", hasLinkedIn, tt.want[0])
			}
			label := regexp.MustCompile(`class="verdict-label"><span[^>]*>[^<]*</span> ([^<]+)</p>`).FindStringSubmatch(rec.Body.String())
			if label == nil || label[1] != tt.want[0] {
				t.Errorf("verdict label = %v, want %q", label, tt.want[0])
			}
		})
	}
}

// TestGolden pins the LinkedIn link and the OpenGraph/Twitter tags of a sample badge.
func TestGolden(t *testing.T) {
	f := newFixture(t)
	rec := get(t, f.router, "/badges/tok-ldp", "")
	body := rec.Body.String()
	var meta []string
	for _, m := range regexp.MustCompile(`<meta (?:property|name)="(?:og|twitter):[^>]*>`).FindAllString(body, -1) {
		meta = append(meta, m)
	}
	for _, m := range regexp.MustCompile(`<link rel="(?:alternate|canonical)"[^>]*>`).FindAllString(body, -1) {
		meta = append(meta, m)
	}
	testutil.Golden(t, "opengraph.html", []byte(strings.Join(meta, "\n")+"\n"))

	m := regexp.MustCompile(`href="(https://www\.linkedin\.com/[^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no LinkedIn link")
	}
	link := html.UnescapeString(m[1])
	testutil.Golden(t, "linkedin.txt", []byte(link+"\n"))
}

func TestLinkedInURL(t *testing.T) {
	issued := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name, orgID, org string
		expires          time.Time
		want             string
	}{
		{"Guided Reading & Writing", "", "State Board of Ed", time.Time{},
			"https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=Guided%20Reading%20%26%20Writing&organizationName=State%20Board%20of%20Ed&issueYear=2026&issueMonth=1&certUrl=https%3A%2F%2Fb.example%2Fbadges%2Fx%3Fa%3D1&certId=urn%3Auuid%3A1"},
		{"Math+Science", "42", "ignored", time.Date(2028, 12, 1, 0, 0, 0, 0, time.UTC),
			"https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=Math%2BScience&organizationId=42&issueYear=2026&issueMonth=1&expirationYear=2028&expirationMonth=12&certUrl=https%3A%2F%2Fb.example%2Fbadges%2Fx%3Fa%3D1&certId=urn%3Auuid%3A1"},
	}
	for _, tt := range tests {
		got := web.LinkedInURL(tt.name, tt.orgID, tt.org, issued, tt.expires, "https://b.example/badges/x?a=1", "urn:uuid:1")
		if got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

func TestNegotiation(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, token, accept string
		status              int
		ctype               string
		body                []byte // nil: not checked
	}{
		{"browser", "tok-ldp", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", 200, "text/html; charset=utf-8", nil},
		{"none", "tok-ldp", "", 200, "text/html; charset=utf-8", nil},
		{"ld+json", "tok-ldp", "application/ld+json", 200, "application/ld+json", f.ldp},
		{"vc+ld+json", "tok-ldp", "application/vc+ld+json", 200, "application/vc+ld+json", f.ldp},
		{"json", "tok-ldp", "application/json", 200, "application/json", f.ldp},
		{"json preferred by q", "tok-ldp", "text/html;q=0.5, application/json", 200, "application/json", f.ldp},
		{"jwt of an ldp badge", "tok-ldp", "application/vc+jwt", 406, "application/problem+json", nil},
		{"jwt", "tok-jwt", "application/vc+jwt", 200, "application/vc+jwt", f.jwt},
		{"html refused", "tok-ldp", "text/html;q=0, application/pdf", 406, "application/problem+json", nil},
		{"hidden as json", "tok-hidden", "application/ld+json", 404, "application/problem+json", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(t, f.router, "/badges/"+tt.token, tt.accept)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != tt.ctype {
				t.Errorf("Content-Type %q, want %q", ct, tt.ctype)
			}
			if tt.body != nil && !bytes.Equal(rec.Body.Bytes(), tt.body) {
				t.Errorf("body is not the credential's exact bytes")
			}
			if tt.status == 406 {
				var p map[string]any
				if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p["type"] != web.ProblemTypeBase+"not-acceptable" || p["status"] != 406.0 {
					t.Errorf("problem = %s", rec.Body)
				}
			}
			if tt.status == 200 && !strings.Contains(rec.Header().Get("Vary"), "Accept") {
				t.Errorf("no Vary: Accept")
			}
		})
	}

	// The JSON of a jwt badge is an enveloped credential carrying the JWT unchanged,
	// and it verifies.
	rec := get(t, f.router, "/badges/tok-jwt", "application/ld+json")
	if !bytes.Contains(rec.Body.Bytes(), f.jwt) || !bytes.Contains(rec.Body.Bytes(), []byte("EnvelopedVerifiableCredential")) {
		t.Fatalf("jwt badge as JSON: %s", rec.Body)
	}
	rep, err := f.v.Verify(context.Background(), rec.Body.Bytes(), verifier.VerifyOptions{})
	if err != nil || !rep.Verified {
		t.Fatalf("enveloped credential does not verify: %v %s", err, rep.JSON())
	}
}

func TestHiddenAndMissing(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/badges/tok-hidden", "/badges/tok-hidden/credential.json", "/badges/tok-hidden/badge.png",
		"/badges/tok-hidden/badge.svg", "/badges/tok-hidden/qr.png", "/badges/tok-hidden/image", "/badges/nope", "/badges/nope/qr.png"} {
		rec := get(t, f.router, path, "")
		if rec.Code != http.StatusNotFound {
			t.Errorf("%s: status %d", path, rec.Code)
		}
		if strings.Contains(rec.Body.String(), "Guided Reading") {
			t.Errorf("%s: a hidden badge leaked its content", path)
		}
	}
	rec := get(t, f.router, "/badges/tok-hidden", "text/html")
	mustContain(t, rec.Body.String(), "<h1>Badge not found</h1>", `lang="en"`)

	f.src.err = errors.New("database on fire")
	rec = get(t, f.router, "/badges/tok-ldp", "text/html")
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "fire") {
		t.Errorf("source failure: %d %s", rec.Code, rec.Body)
	}
}

func TestDownloads(t *testing.T) {
	f := newFixture(t)
	for _, tok := range []string{"tok-ldp", "tok-jwt"} {
		b, _ := f.src.Badge(context.Background(), tok)
		t.Run(tok, func(t *testing.T) {
			for _, tc := range []struct {
				file, ctype, disp string
				unbake            func([]byte, ...bake.Option) ([]byte, error)
			}{
				{"badge.png", "image/png", `attachment; filename=guided-reading-instruction.png`, bake.UnbakePNG},
				{"badge.svg", "image/svg+xml", `attachment; filename=guided-reading-instruction.svg`, bake.UnbakeSVG},
			} {
				rec := get(t, f.router, "/badges/"+tok+"/"+tc.file, "")
				if rec.Code != 200 || rec.Header().Get("Content-Type") != tc.ctype || rec.Header().Get("Content-Disposition") != tc.disp {
					t.Fatalf("%s: %d %v", tc.file, rec.Code, rec.Header())
				}
				got, err := tc.unbake(rec.Body.Bytes())
				if err != nil {
					t.Fatalf("%s: unbake: %v", tc.file, err)
				}
				if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(b.Credential)) {
					t.Fatalf("%s: the baked credential differs from the issued bytes", tc.file)
				}
				rep, err := f.v.Verify(context.Background(), rec.Body.Bytes(), verifier.VerifyOptions{Hint: tc.file})
				if err != nil || !rep.Verified {
					t.Fatalf("%s does not verify: %v %s", tc.file, err, rep.JSON())
				}
				if tc.ctype == "image/svg+xml" && !strings.Contains(rec.Header().Get("Content-Security-Policy"), "default-src 'none'") {
					t.Errorf("svg without a strict CSP")
				}
			}
			rec := get(t, f.router, "/badges/"+tok+"/credential.json", "")
			if rec.Code != 200 || rec.Header().Get("Content-Disposition") != "attachment; filename=guided-reading-instruction.json" {
				t.Errorf("credential.json: %d %v", rec.Code, rec.Header())
			}
			rec = get(t, f.router, "/badges/"+tok+"/credential.jwt", "")
			if tok == "tok-jwt" {
				if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), f.jwt) {
					t.Errorf("credential.jwt: %d", rec.Code)
				}
			} else if rec.Code != 404 || rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("credential.jwt of an ldp badge: %d", rec.Code)
			}
			for _, img := range []string{"qr.png", "image.png"} {
				rec = get(t, f.router, "/badges/"+tok+"/"+img, "")
				if _, err := png.Decode(bytes.NewReader(rec.Body.Bytes())); rec.Code != 200 || err != nil {
					t.Errorf("%s: %d %v", img, rec.Code, err)
				}
			}
		})
	}
	// The image of a badge without one is a drawn SVG, served script-free.
	rec := get(t, f.router, "/badges/tok-jwt/image", "")
	if rec.Header().Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(rec.Header().Get("Content-Security-Policy"), "default-src 'none'") ||
		!strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment") {
		t.Errorf("generated image: %v", rec.Header())
	}
}

// TestImages: an issuer's SVG is only ever referenced, never written into the page,
// and a data: URI image in the credential is served from our URL.
func TestImages(t *testing.T) {
	f := newFixture(t)
	evil := []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert("svg-xss")</script><rect width="10" height="10"/></svg>`)
	f.src.put("tok-svg", &web.Badge{Credential: f.ldp, Image: evil})
	rec := get(t, f.router, "/badges/tok-svg", "")
	if strings.Contains(rec.Body.String(), "svg-xss") || strings.Contains(rec.Body.String(), "<svg") {
		t.Fatal("an issuer's SVG appears inline in the page")
	}
	mustContain(t, rec.Body.String(), `<img class="badge-image" src="/badges/tok-svg/image"`)
	rec = get(t, f.router, "/badges/tok-svg/image", "")
	if rec.Header().Get("Content-Security-Policy") != "default-src 'none'; style-src 'unsafe-inline'" || !bytes.Equal(rec.Body.Bytes(), evil) {
		t.Errorf("svg image: %v", rec.Header())
	}
	// Baking the issuer's SVG keeps it an attachment with the strict policy.
	rec = get(t, f.router, "/badges/tok-svg/badge.svg", "")
	if rec.Code != 200 || rec.Header().Get("Content-Security-Policy") != "default-src 'none'; style-src 'unsafe-inline'" {
		t.Errorf("baked svg: %d %v", rec.Code, rec.Header())
	}

	seal, _ := bake.GeneratePNG("x", "y")
	uri := "data:image/png;base64," + b64(seal)
	withURI := f.iss.ldp(t, cred{ID: "urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10009", ImageURI: uri})
	f.src.put("tok-uri", &web.Badge{Credential: withURI})
	rec = get(t, f.router, "/badges/tok-uri/image", "")
	if !bytes.Equal(rec.Body.Bytes(), seal) || rec.Header().Get("Content-Type") != "image/png" {
		t.Errorf("data: URI image not served")
	}
	rec = get(t, f.router, "/badges/tok-uri", "")
	mustContain(t, rec.Body.String(), `alt="Guided Reading seal"`)
}

func TestReportCache(t *testing.T) {
	f := newFixture(t)
	// The page reuses its report for the TTL (60 s), then verifies again; Invalidate
	// forces a fresh verification at once.
	rec := get(t, f.router, "/badges/tok-ldp", "")
	mustContain(t, rec.Body.String(), "Checked 1 June 2026, 12:00 UTC")
	f.clock.Add(30 * time.Second)
	rec = get(t, f.router, "/badges/tok-ldp", "")
	mustContain(t, rec.Body.String(), "Checked 1 June 2026, 12:00 UTC")
	f.clock.Add(31 * time.Second)
	rec = get(t, f.router, "/badges/tok-ldp", "")
	mustContain(t, rec.Body.String(), "Checked 1 June 2026, 12:01 UTC")
	f.clock.Add(59 * time.Second) // 12:02:00, one second before the report expires
	f.h.Invalidate("urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10001")
	rec = get(t, f.router, "/badges/tok-ldp", "")
	mustContain(t, rec.Body.String(), "Checked 1 June 2026, 12:02 UTC")
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t)
	inline := regexp.MustCompile(`<script(?:\s+(?:defer|type="[^"]*"))*\s*>|<style|\sstyle=|\son[a-z]+=`)
	for _, path := range []string{"/badges/tok-ldp", "/badges/tok-jwt", "/badges/tok-revoked", "/badges/nope", "/verify", "/static/obadge.css", "/static/obadge.js", "/badges/tok-ldp/qr.png"} {
		rec := get(t, f.router, path, "text/html")
		h := rec.Header()
		if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") || strings.Contains(h.Get("Content-Security-Policy"), "unsafe") && !strings.HasSuffix(path, ".svg") {
			t.Errorf("%s: CSP %q", path, h.Get("Content-Security-Policy"))
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
			t.Errorf("%s: headers %v", path, h)
		}
		if strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			if inline.MatchString(rec.Body.String()) {
				t.Errorf("%s: inline script or style: %q", path, inline.FindString(rec.Body.String()))
			}
			mustContain(t, rec.Body.String(), `<html lang="en">`, "<main", "<h1", `name="viewport"`)
		}
	}
	if rec := get(t, f.router, "/static/../web.go", ""); rec.Code != 404 {
		t.Errorf("static traversal: %d", rec.Code)
	}
}

// TestConcurrentViews: many simultaneous views of one badge run one verification
// (counted by the fetches of its status list, which the verifier never caches here).
func TestConcurrentViews(t *testing.T) {
	iss := newTestIssuer(t)
	var hits atomic.Int64
	var list []byte
	status := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Cache-Control", "max-age=0")
		_, _ = w.Write(list)
	}))
	defer status.Close()
	list = iss.statusList(t, status.URL+"/s")
	v, err := verifier.Configure(verifier.Config{AllowPrivate: true, AllowHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	clk := newClock(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	src := &fakeSource{}
	src.put("t", &web.Badge{Credential: iss.ldp(t, cred{StatusURL: status.URL + "/s", StatusIdx: 1})})
	router := newRouter(web.New(web.Options{Verifier: v, Now: clk.Now}), src)

	var wg sync.WaitGroup
	for range 12 {
		wg.Go(func() {
			if rec := get(t, router, "/badges/t", ""); verdictLabel(rec.Body.String()) != "Verified" {
				t.Errorf("concurrent view: %d %q", rec.Code, verdictLabel(rec.Body.String()))
			}
		})
	}
	wg.Wait()
	if n := hits.Load(); n != 1 {
		t.Errorf("%d verifications for 12 simultaneous views, want 1", n)
	}
	clk.Add(time.Minute + time.Second)
	get(t, router, "/badges/t", "")
	if n := hits.Load(); n != 2 {
		t.Errorf("after the TTL: %d verifications, want 2", n)
	}
	// HEAD is answered like GET, without a body.
	req := httptest.NewRequest(http.MethodHead, "/badges/t", nil)
	rec := httptest.NewRecorder()
	router.ServeHTTP(rec, req)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("HEAD: %d %v", rec.Code, rec.Header())
	}
}

// TestUnreadableCredential: a badge whose stored bytes are not a credential still
// gets a page that says so, not an error.
func TestUnreadableCredential(t *testing.T) {
	f := newFixture(t)
	f.src.put("junk", &web.Badge{Credential: []byte("not a credential")})
	rec := get(t, f.router, "/badges/junk", "")
	if rec.Code != 200 || verdictLabel(rec.Body.String()) != "Not verified" {
		t.Fatalf("%d %q", rec.Code, verdictLabel(rec.Body.String()))
	}
	mustContain(t, rec.Body.String(), "No credential could be read", "<h1 id=\"badge-name\">Open Badge</h1>")
}
