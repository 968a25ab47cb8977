package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listeningRE = regexp.MustCompile(`obadge listening on (\S+)`)

// startServe runs "obadge serve" on a free loopback port over dataDir and returns
// its base URL, its stdout and a stop function that waits for a clean exit.
func startServe(t *testing.T, dataDir string) (string, *syncBuffer, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", dataDir, "--log-level", "warn"}, noEnvServe, nil, &stdout, &stderr)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := listeningRE.FindStringSubmatch(stdout.String()); m != nil {
			stop := func() {
				cancel()
				select {
				case code := <-done:
					if code != 0 {
						t.Errorf("serve exited %d: %s", code, stderr.String())
					}
				case <-time.After(10 * time.Second):
					t.Error("serve did not shut down")
				}
			}
			return "http://" + m[1], &stdout, stop
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited %d: %s", code, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	t.Fatalf("serve did not start: %s", stderr.String())
	return "", nil, nil
}

func noEnvServe(string) string { return "" }

func cli(t *testing.T, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
	return stdout.String(), stderr.String(), code
}

func TestServeZeroConfigCLIAndRestart(t *testing.T) {
	data := filepath.Join(t.TempDir(), "obadge-data")
	base, out, stop := startServe(t, data)

	// First start: the token is printed once and saved with mode 0600.
	tokRaw, err := os.ReadFile(filepath.Join(data, "admin.token"))
	if err != nil {
		t.Fatal(err)
	}
	tok := strings.TrimSpace(string(tokRaw))
	if !strings.Contains(out.String(), tok) {
		t.Fatal("admin token not printed on first start")
	}
	for _, f := range []string{"admin.token", "dev.kek", "obadge.db"} {
		fi, err := os.Stat(filepath.Join(data, f))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v", f, fi, err)
		}
	}
	env := map[string]string{"OBADGE_SERVER": base, "OBADGE_DATA": data}

	// issuer create / list (admin token read from the data directory).
	o, e, code := cli(t, env, "issuer", "create", "--id", "agency", "--name", "State Agency", "--url", "https://agency.example.gov")
	if code != 0 || !strings.Contains(o, "did:web:") {
		t.Fatalf("issuer create: %d %s %s", code, o, e)
	}
	o, _, code = cli(t, env, "issuer", "list", "--json")
	if code != 0 || !strings.Contains(o, `"agency"`) || !strings.Contains(o, `"dev"`) {
		t.Fatalf("issuer list: %d %s", code, o)
	}

	// achievement create / list.
	o, e, code = cli(t, env, "achievement", "create", "--issuer", "agency", "--name", "Data Literacy", "--description", "Reads data.",
		"--criteria", "Complete the course.", "--type", "MicroCredential", "--tag", "data", "--credits", "2", "--json")
	if code != 0 {
		t.Fatalf("achievement create: %d %s %s", code, o, e)
	}
	var ach struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(o), &ach); err != nil || ach.ID == "" {
		t.Fatalf("achievement create --json: %s", o)
	}
	o, _, code = cli(t, env, "achievement", "list", "--issuer", "agency")
	if code != 0 || !strings.Contains(o, "Data Literacy") || !strings.Contains(o, "MicroCredential") {
		t.Fatalf("achievement list: %d %s", code, o)
	}

	// issue to stdout (ldp) and to --out (jwt), with idempotency.
	o, e, code = cli(t, env, "issue", "--issuer", "agency", "--achievement", ach.ID, "--email", "ada@example.org", "--idempotency-key", "k1")
	if code != 0 || !strings.HasPrefix(o, `{"@context":`) || !strings.Contains(e, "Issued ") {
		t.Fatalf("issue ldp: %d %s %s", code, o, e)
	}
	o2, e2, _ := cli(t, env, "issue", "--issuer", "agency", "--achievement", ach.ID, "--email", "ada@example.org", "--idempotency-key", "k1")
	if o2 != o || !strings.Contains(e2, "idempotent replay") {
		t.Fatalf("idempotent CLI retry differs: %s", e2)
	}
	jwtFile := filepath.Join(t.TempDir(), "badge.jwt")
	_, e, code = cli(t, env, "issue", "--issuer", "agency", "--achievement", ach.ID, "--recipient-id", "did:example:ada", "--format", "jwt", "--alg", "ES256", "--out", jwtFile)
	if code != 0 {
		t.Fatalf("issue jwt: %d %s", code, e)
	}
	jwt, _ := os.ReadFile(jwtFile)
	if strings.Count(string(jwt), ".") != 2 {
		t.Fatalf("--out wrote %q", jwt)
	}

	// Errors: the problem detail and field reach the user; exit 1.
	_, e, code = cli(t, env, "issue", "--issuer", "agency", "--achievement", ach.ID, "--email", "not-an-email")
	if code != 1 || !strings.Contains(e, "/recipient/email") {
		t.Fatalf("bad email: %d %s", code, e)
	}
	_, e, code = cli(t, env, "issue", "--issuer", "agency", "--achievement", ach.ID, "--email", "a@b.org", "--token", "obt_nope")
	if code != 1 || !strings.Contains(e, "401") {
		t.Fatalf("bad token: %d %s", code, e)
	}
	if _, _, code = cli(t, env, "issue", "--help"); code != 0 {
		t.Fatalf("--help exit %d", code)
	}
	if _, _, code = cli(t, env, "issue", "--bogus"); code != 2 {
		t.Fatalf("bad flag exit %d", code)
	}
	stop()

	// Restart on the same data: no new token, everything still there.
	base2, out2, stop2 := startServe(t, data)
	defer stop2()
	if strings.Contains(out2.String(), "First start") {
		t.Fatal("restart bootstrapped again")
	}
	env["OBADGE_SERVER"] = base2
	o, _, code = cli(t, env, "achievement", "list", "--issuer", "agency", "--json")
	if code != 0 || !strings.Contains(o, ach.ID) {
		t.Fatalf("after restart: %d %s", code, o)
	}
}
