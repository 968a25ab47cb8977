package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRevokeSuspendReinstateCLI(t *testing.T) {
	data := filepath.Join(t.TempDir(), "obadge-data")
	base, _, stop := startServe(t, data)
	defer stop()
	env := map[string]string{"OBADGE_SERVER": base, "OBADGE_DATA": data, "OBADGE_ISSUER": "dev"}
	tokRaw, err := os.ReadFile(filepath.Join(data, "admin.token"))
	if err != nil {
		t.Fatal(err)
	}
	// Suspension is an issuer setting (API only).
	req, _ := http.NewRequest("PUT", base+"/api/v1/issuers/dev/status-settings", bytes.NewReader([]byte(`{"suspension":true}`)))
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(tokRaw)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("status settings: %v %v", resp, err)
	}
	resp.Body.Close()

	o, e, code := cli(t, env, "achievement", "create", "--name", "Data Literacy", "--description", "Reads data.",
		"--criteria", "Complete the course.", "--json")
	var ach struct{ ID string }
	if code != 0 || json.Unmarshal([]byte(o), &ach) != nil {
		t.Fatalf("achievement: %d %s %s", code, o, e)
	}
	o, e, code = cli(t, env, "issue", "--achievement", ach.ID, "--email", "ada@example.org", "--json")
	var issued struct {
		ID, URL    string
		Credential json.RawMessage
	}
	if code != 0 || json.Unmarshal([]byte(o), &issued) != nil || !bytes.Contains(issued.Credential, []byte(`/status/suspension/1`)) {
		t.Fatalf("issue: %d %s %s", code, o, e)
	}

	steps := []struct {
		args     []string
		code     int
		out, err string
	}{
		{[]string{"revoke", "--help"}, 0, "", "--reason TEXT"},
		{[]string{"revoke", issued.ID}, 2, "", "--reason is required"},
		{[]string{"suspend"}, 2, "", "ID is required"},
		{[]string{"suspend", issued.ID, "--reason", "complaint under review"}, 0, "is now suspended", ""},
		{[]string{"suspend", "--reason", "again", issued.ID}, 0, "already suspended", ""},
		{[]string{"reinstate", issued.URL, "--reason", "cleared"}, 0, "is now active", ""},
		{[]string{"revoke", issued.ID, "--reason", "misconduct"}, 0, "is now revoked", ""},
		{[]string{"reinstate", issued.ID, "--reason", "appeal"}, 1, "", "cannot be reinstated"},
		{[]string{"status", issued.ID}, 0, "revoked", ""},
		{[]string{"revoke", "00000000-0000-4000-8000-000000000000", "--reason", "x"}, 1, "", "Not found"},
	}
	for _, s := range steps {
		o, e, code := cli(t, env, s.args...)
		if code != s.code || !strings.Contains(o, s.out) || !strings.Contains(e, s.err) {
			t.Fatalf("%v: exit %d (want %d)\nstdout %s\nstderr %s", s.args, code, s.code, o, e)
		}
	}
	o, _, code = cli(t, env, "status", issued.ID, "--json")
	var st struct {
		State   string
		History []struct{ Action, By, Reason string }
	}
	if code != 0 || json.Unmarshal([]byte(o), &st) != nil || st.State != "revoked" || len(st.History) != 3 ||
		st.History[2].Reason != "misconduct" || st.History[2].By != `admin token "bootstrap admin"` {
		t.Fatalf("status --json: %s", o)
	}
}
