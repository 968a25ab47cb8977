package main

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

func httpGet(t *testing.T, url, accept string) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Accept", accept)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// TestServeBadgePages: "obadge serve" wires the badge pages (the badgeUrl
// shows a verified page), "obadge badge hide|show" switch it, and a /verify upload
// above the default 1 MiB API limit reaches the page rather than a 413.
func TestServeBadgePages(t *testing.T) {
	data := filepath.Join(t.TempDir(), "obadge-data")
	base, _, stop := startServe(t, data)
	defer stop()
	env := map[string]string{"OBADGE_SERVER": base, "OBADGE_DATA": data}

	o, e, code := cli(t, env, "achievement", "create", "--name", "Data Literacy", "--description", "Reads data.",
		"--criteria", "Complete the course.", "--json")
	if code != 0 {
		t.Fatalf("achievement create: %d %s %s", code, o, e)
	}
	var ach struct{ ID string }
	_ = json.Unmarshal([]byte(o), &ach)
	o, e, code = cli(t, env, "issue", "--achievement", ach.ID, "--email", "ada@example.org", "--name", "Ada Lovelace", "--json")
	if code != 0 {
		t.Fatalf("issue: %d %s %s", code, o, e)
	}
	var c struct {
		ID       string `json:"id"`
		BadgeURL string `json:"badgeUrl"`
	}
	if err := json.Unmarshal([]byte(o), &c); err != nil || !strings.HasPrefix(c.BadgeURL, base+"/badges/") {
		t.Fatalf("issue response badgeUrl %q (%v)", c.BadgeURL, err)
	}
	// Without --json the CLI names the page.
	_, e, _ = cli(t, env, "issue", "--achievement", ach.ID, "--email", "bob@example.org", "--out", filepath.Join(t.TempDir(), "b.json"))
	if !strings.Contains(e, "Badge page: "+base+"/badges/") || !strings.Contains(e, "Manage link: "+base+"/badges/") || !strings.Contains(e, "/manage#") {
		t.Fatalf("issue output lacks the badge page or the manage link: %s", e)
	}

	status, body, _ := httpGet(t, c.BadgeURL, "text/html")
	if status != 200 || !strings.Contains(body, "Data Literacy") || !strings.Contains(body, "Verified") || !strings.Contains(body, "Ada Lovelace") {
		t.Fatalf("badge page: %d\n%.600s", status, body)
	}

	o, e, code = cli(t, env, "badge", "hide", c.ID)
	if code != 0 || !strings.Contains(o, "Hidden: "+c.BadgeURL) {
		t.Fatalf("badge hide: %d %s %s", code, o, e)
	}
	if status, _, _ := httpGet(t, c.BadgeURL, "text/html"); status != 404 {
		t.Fatalf("hidden page: %d", status)
	}
	o, e, code = cli(t, env, "badge", "show", "--issuer", "dev", base+"/credentials/"+c.ID)
	if code != 0 || !strings.Contains(o, "Shown: "+c.BadgeURL) {
		t.Fatalf("badge show: %d %s %s", code, o, e)
	}
	if status, _, _ := httpGet(t, c.BadgeURL, "text/html"); status != 200 {
		t.Fatalf("shown page: %d", status)
	}
	o, e, code = cli(t, env, "badge", "manage-key", c.ID)
	if code != 0 || !strings.Contains(o, "Manage link: "+c.BadgeURL+"/manage#") {
		t.Fatalf("badge manage-key: %d %s %s", code, o, e)
	}
	if _, e, code := cli(t, env, "badge", "manage-key", "00000000-0000-4000-8000-000000000000"); code != exitFail || !strings.Contains(e, "not") {
		t.Fatalf("manage-key unknown: %d %s", code, e)
	}
	if _, e, code := cli(t, env, "badge", "hide", "00000000-0000-4000-8000-000000000000"); code != exitFail || !strings.Contains(e, "not") {
		t.Fatalf("hide unknown: %d %s", code, e)
	}
	if _, _, code := cli(t, env, "badge", "frob"); code != exitUsage {
		t.Fatalf("badge frob: %d", code)
	}

	// A 2 MiB upload is the page's business (its limit is 10 MiB), not the API's.
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("file", "big.json")
	_, _ = fw.Write(bytes.Repeat([]byte(" "), 2<<20))
	_ = mw.Close()
	resp, err := http.Post(base+"/verify", mw.FormDataContentType(), &form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusRequestEntityTooLarge || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("2 MiB /verify upload: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
