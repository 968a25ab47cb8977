package httpapi

import (
	"bytes"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/obadge/obadge/issuer"
)

// lockedBuffer collects log output written from many requests at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// manageKeyOf splits a manageUrl into the badge URL and the key.
func manageKeyOf(t *testing.T, c issuedResp) string {
	t.Helper()
	key, ok := strings.CutPrefix(c.ManageURL, c.BadgeURL+"/manage#")
	if !ok || len(key) != 22 || strings.ContainsAny(key, "+/=?&") {
		t.Fatalf("manageUrl %q for badge %q", c.ManageURL, c.BadgeURL)
	}
	return key
}

// TestRecipientManagesBadgePage drives recipient control through the whole server:
// the issue response's manageUrl, the key form (no JavaScript), hide → public 404 →
// show → 200, wrong keys refused with nothing changed, key rotation, and that the
// key shows up in no log line and in no API response but the issue and rotation
// responses.
func TestRecipientManagesBadgePage(t *testing.T) {
	var logs lockedBuffer
	s := startBadgeServerLogging(t, &logs)
	c := s.issueBadge(t, issuer.FormatLDP)
	key := manageKeyOf(t, c)
	if !c.RecipientControl {
		t.Fatal("issue response: recipientControl false")
	}
	managePath := strings.TrimPrefix(c.BadgeURL, s.base) + "/manage"
	post := func(path, key, action string) response {
		t.Helper()
		body := url.Values{"key": {key}, "action": {action}}.Encode()
		return s.call("POST", path, "", "application/x-www-form-urlencoded", []byte(body), "Accept", "text/html")
	}
	publicStatus := func() int { t.Helper(); return s.get(t, c.BadgeURL, "text/html").status }
	pageHeaders := func(t *testing.T, r response) {
		t.Helper()
		if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || r.header.Get("Referrer-Policy") != "no-referrer" ||
			r.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("manage page headers %v", r.header)
		}
	}

	// The link's key is in the fragment, which no client sends: the GET is a form
	// that names nothing about the badge. A ?key= in the URL is ignored.
	for _, path := range []string{managePath, managePath + "?key=" + key} {
		r := s.call("GET", path, "", "", nil, "Accept", "text/html")
		wantStatus(t, r, 200)
		pageHeaders(t, r)
		body := string(r.body)
		mustContainAll(t, body, `name="key"`, `value="view"`, `action="`+managePath+`"`)
		if strings.Contains(body, key) || strings.Contains(body, "Classroom Assessment Literacy") {
			t.Fatalf("GET %s shows the key or the badge", path)
		}
	}

	tests := []struct {
		name       string
		path, key  string
		action     string
		wantStatus int
		wantBody   []string
		wantPublic int
	}{
		{"view with the key", managePath, key, "view", 200, []string{"Classroom Assessment Literacy", "Visible to anyone", `value="hide"`}, 200},
		{"hide with the key", managePath, key, "hide", 200, []string{"now hidden", "Hidden:", `value="show"`}, 404},
		{"wrong key is refused", managePath, strings.Repeat("A", 22), "show", 403, []string{"Wrong manage key", "nothing was changed"}, 404},
		{"a hidden badge can still be managed", managePath, key, "view", 200, []string{"Classroom Assessment Literacy", "Hidden:"}, 404},
		{"pasted key with spaces, show", managePath, "  " + key + "\n", "show", 200, []string{"visible again", `value="hide"`}, 200},
		{"empty key", managePath, "", "hide", 400, []string{"Enter your manage key"}, 200},
		{"unknown action", managePath, key, "delete", 400, []string{"hide or show"}, 200},
		{"unknown badge", "/badges/AAAAAAAAAAAAAAAAAAAAAA/manage", key, "hide", 404, []string{"Badge not found"}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := post(tt.path, tt.key, tt.action)
			wantStatus(t, r, tt.wantStatus)
			if tt.wantStatus != 404 {
				pageHeaders(t, r)
			}
			mustContainAll(t, string(r.body), tt.wantBody...)
			if got := publicStatus(); got != tt.wantPublic {
				t.Fatalf("public page answers %d, want %d", got, tt.wantPublic)
			}
		})
	}

	// Rotation: only the credential's issuer; the old key stops working at once.
	rotatePath := "/api/v1/issuers/dev/credentials/" + c.ID + "/manage-key"
	wantProblem(t, s.call("POST", rotatePath, "", "application/json", []byte(`{}`)), 401, "unauthorized", "")
	wantProblem(t, s.call("POST", "/api/v1/issuers/dev/credentials/00000000-0000-4000-8000-000000000000/manage-key", s.admin, "application/json", []byte(`{}`)), 404, "not-found", "")
	r := s.postJSON("/api/v1/issuers", s.admin, map[string]any{"id": "district", "name": "District"})
	wantStatus(t, r, 201)
	r = s.postJSON("/api/v1/issuers/district/tokens", s.admin, map[string]any{"name": "district"})
	wantStatus(t, r, 201)
	dtok := decode[tokenResponse](t, r).Token
	wantProblem(t, s.call("POST", rotatePath, dtok, "application/json", []byte(`{}`)), 403, "forbidden", "")
	r = s.call("POST", rotatePath, s.admin, "application/json", []byte(`{}`))
	wantStatus(t, r, 200)
	rot := decode[issuedResp](t, r)
	key2 := manageKeyOf(t, rot)
	if key2 == key || rot.BadgeURL != c.BadgeURL || !rot.RecipientControl || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("rotation answered %+v", rot.Issued)
	}
	wantStatus(t, post(managePath, key, "hide"), 403)
	if publicStatus() != 200 {
		t.Fatal("the old key hid the page after rotation")
	}
	wantStatus(t, post(managePath, key2, "hide"), 200)
	if publicStatus() != 404 {
		t.Fatal("the new key did not hide the page")
	}
	wantStatus(t, post(managePath, key2, "show"), 200)

	// The key is in no other API response, nor on the public pages.
	other := []response{
		s.call("GET", "/api/v1/issuers/dev/credentials/"+c.ID, s.admin, "", nil),
		s.call("GET", "/api/v1/issuers/dev/credentials", s.admin, "", nil),
		s.call("PUT", "/api/v1/issuers/dev/credentials/"+c.ID+"/visibility", s.admin, "application/json", []byte(`{"hidden":false}`)),
		s.call("GET", "/api/v1/issuers/dev/credentials/"+c.ID+"/status", s.admin, "", nil),
		s.get(t, c.BadgeURL, "text/html"),
		s.get(t, c.BadgeURL, "application/ld+json"),
		s.get(t, c.BadgeURL+"/badge.svg", "*/*"),
		s.call("GET", strings.TrimPrefix(c.URL, s.base), "", "", nil),
	}
	for i, r := range other {
		if r.status != 200 {
			t.Fatalf("response %d: status %d: %s", i, r.status, r.body)
		}
		for _, k := range []string{key, key2} {
			if bytes.Contains(r.body, []byte(k)) || strings.Contains(strings.Join(flatten(r.header), " "), k) {
				t.Fatalf("response %d carries a manage key: %s", i, r.body)
			}
		}
	}
	if v := decode[issuedResp](t, other[0]); v.ManageURL != "" || !v.RecipientControl {
		t.Fatalf("admin view %+v", v.Issued)
	}

	// No log line carries a key, though every request was logged.
	s.stop() // waits for the last access-log lines
	out := logs.String()
	for _, k := range []string{key, key2} {
		if strings.Contains(out, k) {
			t.Fatalf("the log contains a manage key:\n%s", out)
		}
	}
	mustContainAll(t, out, "route=/badges/{token}/manage", "status=403", "badge manage key rejected", "badge manage key rotated", "by=recipient")
}

func mustContainAll(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Fatalf("lacks %q:\n%s", w, body)
		}
	}
}

func flatten(h map[string][]string) []string {
	var out []string
	for k, vs := range h {
		out = append(out, k+": "+strings.Join(vs, ", "))
	}
	return out
}
