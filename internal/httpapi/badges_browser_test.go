package httpapi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/obadge/obadge/internal/testutil"
	"github.com/obadge/obadge/issuer"
)

// TestBadgePageBrowser opens the real server's badge page in headless Chromium: the
// page of a credential just issued says "Verified" under the achievement's name,
// its stylesheet and script load under the page's CSP, and after a revocation
// through the admin API a reload says "Revoked". Skipped without Chromium.
func TestBadgePageBrowser(t *testing.T) {
	ctx := testutil.Browser(t)
	s := startBadgeServer(t)
	c := s.issueBadge(t, issuer.FormatLDP)

	text := func(css string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
		if err != nil {
			t.Fatalf("text of %s: %v", css, err)
		}
		return strings.TrimSpace(s)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(c.BadgeURL),
		chromedp.WaitVisible(chromedp.CSS(".verdict-label")),
		chromedp.WaitVisible(chromedp.CSS(".copy-row button")), // added by our script
	); err != nil {
		t.Fatal(err)
	}
	if label, h1 := text(".verdict-label"), text("h1"); !strings.Contains(label, "Verified") || h1 != "Classroom Assessment Literacy" {
		t.Fatalf("badge page: verdict %q, h1 %q", label, h1)
	}
	if body := text("body"); !strings.Contains(body, "Ada Lovelace") || strings.Contains(body, "ada@school.example.org") {
		t.Fatalf("recipient shown wrongly: %.400s", body)
	}
	bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
	if err != nil || bg == "rgba(0, 0, 0, 0)" {
		t.Fatalf("stylesheet not applied under the CSP: %q %v", bg, err)
	}
	if dir := os.Getenv("OBADGE_ARTIFACTS"); dir != "" {
		if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
			_ = os.MkdirAll(dir, 0o755)
			_ = os.WriteFile(filepath.Join(dir, "server-badge-verified.png"), png, 0o644)
		}
	}

	r := s.postJSON("/api/v1/issuers/dev/credentials/"+c.ID+"/status", s.admin, map[string]any{"action": "revoke", "reason": "issued in error"})
	wantStatus(t, r, 200)
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(".verdict-label"))); err != nil {
		t.Fatal(err)
	}
	if label := text(".verdict-label"); !strings.Contains(label, "Revoked") {
		t.Fatalf("after revocation: %q", label)
	}
}
