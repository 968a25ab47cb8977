package httpapi

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/obadge/obadge/internal/testutil"
	"github.com/obadge/obadge/issuer"
)

// TestManagePageBrowser opens the issue response's manageUrl in headless Chromium:
// the script copies the key from the fragment into the form and drops the fragment
// from the address; Continue shows the badge, Hide hides it (the public page then
// answers 404) and Show publishes it again. Skipped without Chromium.
func TestManagePageBrowser(t *testing.T) {
	ctx := testutil.Browser(t)
	s := startBadgeServer(t)
	c := s.issueBadge(t, issuer.FormatLDP)
	key := manageKeyOf(t, c)

	if err := chromedp.Do(ctx,
		chromedp.Navigate(c.ManageURL),
		chromedp.WaitVisible(chromedp.CSS("#manage-key")),
		chromedp.Poll[chromedp.Void](`document.getElementById("manage-key").value !== ""`, chromedp.WithPollingTimeout(10*time.Second)),
	); err != nil {
		t.Fatal(err)
	}
	filled, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#manage-key")))
	if err != nil {
		t.Fatal(err)
	}
	location, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if filled != key || strings.Contains(location, key) || !strings.HasSuffix(location, "/manage") {
		t.Fatalf("field %q (want the key), address %q (want no fragment)", filled, location)
	}
	// step clicks button and waits for the next state's button (the page before has
	// none), so it reads the page the POST answered.
	step := func(button, next, want string) {
		t.Helper()
		if err := chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(`button[value="`+button+`"]`)),
			chromedp.WaitVisible(chromedp.CSS(`button[value="`+next+`"]`)),
		); err != nil {
			t.Fatalf("%s: %v", button, err)
		}
		main, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
		if err != nil {
			t.Fatalf("%s: %v", button, err)
		}
		if !strings.Contains(main, want) || !strings.Contains(main, "Classroom Assessment Literacy") {
			t.Fatalf("after %s: %q", button, main)
		}
	}
	step("view", "hide", "Visible to anyone")
	step("hide", "show", "now hidden")
	if got := s.get(t, c.BadgeURL, "text/html").status; got != 404 {
		t.Fatalf("public page after hiding in the browser: %d", got)
	}
	step("show", "hide", "visible again")
	if got := s.get(t, c.BadgeURL, "text/html").status; got != 200 {
		t.Fatalf("public page after showing in the browser: %d", got)
	}
}
