package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/obadge/obadge/internal/testutil"
)

func noEnv(string) string { return "" }

func TestVerifyCommand(t *testing.T) {
	dir := testutil.SharedRef(t, "examples", "1edtech-validator-ob30")
	docs := map[string]any{
		"https://example.com/issuers/876543": map[string]any{
			"@context": []string{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"},
			"id":       "https://example.com/issuers/876543",
			"verificationMethod": []map[string]string{{
				"id": "https://example.com/issuers/876543#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", "type": "Multikey",
				"controller": "https://example.com/issuers/876543", "publicKeyMultibase": "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
			}},
			"assertionMethod": []string{"https://example.com/issuers/876543#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"},
		},
	}
	b, _ := json.Marshal(docs)
	docFile := filepath.Join(t.TempDir(), "documents.json")
	if err := os.WriteFile(docFile, b, 0o600); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "simple.json")
	expired := filepath.Join(dir, "simple-err-expired.json")

	tests := []struct {
		name     string
		args     []string
		stdin    string
		wantCode int
		wantOut  []string
	}{
		{"verified, human", []string{"--offline", "--documents", docFile, good}, "", 0, []string{"VERIFIED", "[pass] proof"}},
		{"json lines", []string{"--json", "--offline", "--documents", docFile, good, expired}, "", 1, []string{`"verified":true`, `"verified":false`}},
		{"expired", []string{"--offline", "--documents", docFile, expired}, "", 1, []string{"NOT VERIFIED", "[FAIL] valid-until"}},
		{"valid back then", []string{"--offline", "--documents", docFile, "--at", "2010-01-01T00:00:00Z", expired}, "", 0, []string{"VERIFIED"}},
		{"stdin", []string{"--offline", "--documents", docFile, "-"}, "not a credential", 1, []string{"NOT VERIFIED", "[FAIL] parse"}},
		{"offline without pinned key", []string{"--offline", good}, "", 1, []string{"[FAIL] proof"}},
		{"no input", []string{"--offline"}, "", 2, nil},
		{"missing file", []string{"--offline", filepath.Join(t.TempDir(), "nope.json")}, "", 2, nil},
		{"bad time", []string{"--at", "yesterday", good}, "", 2, nil},
		{"help", []string{"--help"}, "", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := runVerify(context.Background(), tt.args, noEnv, strings.NewReader(tt.stdin), &out, &errOut)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, out.String(), errOut.String())
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}
