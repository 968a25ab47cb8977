package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/obadge/obadge/internal/testutil"
	"github.com/obadge/obadge/internal/web"
	"github.com/obadge/obadge/verifier"
)

// browser is the shared headless Chromium (testutil.Browser).
func browser(t *testing.T) context.Context { return testutil.Browser(t) }

// shoot saves a full-page screenshot at desktop width and at a 390 px phone width.
func shoot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	for _, vp := range []struct {
		suffix string
		w, h   int64
		mobile bool
	}{{"desktop", 1280, 1000, false}, {"phone", 390, 844, true}} {
		emulate := chromedp.EmulateViewport(vp.w, vp.h)
		if vp.mobile {
			emulate = chromedp.EmulateViewport(vp.w, vp.h, chromedp.EmulateMobile, chromedp.EmulateScale(2))
		}
		if err := chromedp.Do(ctx, emulate, chromedp.Sleep(100*time.Millisecond)); err != nil {
			t.Fatalf("viewport %s: %v", name, err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		p := filepath.Join(dir, name+"-"+vp.suffix+".png")
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 1000)); err != nil {
		t.Fatal(err)
	}
}

// TestBrowser drives Chromium over the pages: a badge page shows "Verified" and the
// achievement, then "Revoked" once its issuer revokes it (a status list served on
// loopback); a baked PNG uploaded on /verify shows the verified report.
func TestBrowser(t *testing.T) {
	ctx := browser(t)
	dir := testutil.Artifacts(t)
	iss := newTestIssuer(t)

	// The issuer's status list, on loopback; revoked flips index 3.
	var revoked atomic.Bool
	var active, revokedList []byte
	status := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=0")
		w.Header().Set("Content-Type", "application/vc+ld+json")
		if revoked.Load() {
			_, _ = w.Write(revokedList)
			return
		}
		_, _ = w.Write(active)
	}))
	defer status.Close()
	listURL := status.URL + "/status/1"
	active, revokedList = iss.statusList(t, listURL), iss.statusList(t, listURL, 3)

	v, err := verifier.Configure(verifier.Config{AllowPrivate: true, AllowHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	clk := newClock(time.Now())
	h := web.New(web.Options{Verifier: v, Now: clk.Now})
	src := &fakeSource{}
	const achievement = "Guided Reading Instruction"
	src.put("b1", &web.Badge{
		Credential:    iss.ldp(t, cred{Recipient: "Ada Lovelace", ValidUntil: "2031-06-30T00:00:00Z", StatusURL: listURL, StatusIdx: 3}),
		RecipientName: "Ada Lovelace", LinkedInOrganizationID: "1337",
		Evidence: []web.Evidence{{Name: "Lesson video", URL: "https://evidence.example.gov/v/1", Description: "Second-grade group, 20 minutes."}},
	})
	srv := httptest.NewServer(newRouter(h, src))
	defer srv.Close()

	// The badge page: verified, with the achievement's name; our stylesheet and
	// script load under the CSP (the script adds the Copy button).
	if err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/badges/b1"),
		chromedp.WaitVisible(chromedp.CSS(".verdict-label")),
		chromedp.WaitVisible(chromedp.CSS(".copy-row button")),
	); err != nil {
		t.Fatal(err)
	}
	label := text(t, ctx, ".verdict-label")
	h1 := text(t, ctx, "h1")
	if !strings.Contains(label, "Verified") || strings.TrimSpace(h1) != achievement {
		t.Fatalf("badge page: verdict %q, h1 %q", label, h1)
	}
	bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
	if err != nil {
		t.Fatal(err)
	}
	if copyButton := text(t, ctx, ".copy-row button"); bg != "rgb(244, 245, 247)" || copyButton != "Copy link" {
		t.Errorf("stylesheet or script not applied under the CSP: background %q, button %q", bg, copyButton)
	}
	// The checks open.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("details summary")),
		chromedp.WaitVisible(chromedp.CSS("details .checks")),
	); err != nil {
		t.Fatal(err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("details .check").length`)); err != nil || n < 5 {
		t.Fatalf("checks: %d %v", n, err)
	}
	shoot(t, ctx, dir, "badge-verified")

	// The issuer revokes it; once the cached report expires the page says so.
	revoked.Store(true)
	clk.Add(61 * time.Second)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/badges/b1"),
		chromedp.WaitVisible(chromedp.CSS(".verdict-label")),
	); err != nil {
		t.Fatal(err)
	}
	if label := text(t, ctx, ".verdict-label"); !strings.Contains(label, "Revoked") {
		t.Fatalf("after revocation: %q", label)
	}
	shoot(t, ctx, dir, "badge-revoked")
	revoked.Store(false)

	// Upload the baked PNG download on /verify.
	resp, err := http.Get(srv.URL + "/badges/b1/badge.png")
	if err != nil {
		t.Fatal(err)
	}
	png, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	file := filepath.Join(t.TempDir(), "guided-reading.png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/verify"), chromedp.WaitVisible(chromedp.ID("file"))); err != nil {
		t.Fatal(err)
	}
	shoot(t, ctx, dir, "verify-form")
	if err := chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".result .verdict-label")),
	); err != nil {
		t.Fatal(err)
	}
	label = text(t, ctx, ".result .verdict-label")
	heading := text(t, ctx, "#result-title")
	if !strings.Contains(label, "Verified") || !strings.Contains(heading, "guided-reading.png") {
		t.Fatalf("/verify upload: verdict %q, heading %q", label, heading)
	}
	shoot(t, ctx, dir, "verify-result")
}

// text returns the text of the first element matching the CSS selector.
func text(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("text of %s: %v", css, err)
	}
	return s
}
