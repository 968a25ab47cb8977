package issuer

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/obadge/obadge/internal/testutil"
	"github.com/obadge/obadge/store"
)

const (
	killPathEnv = "OBADGE_ISSUE_KILL_DB"
	killAchEnv  = "OBADGE_ISSUE_KILL_ACH"
)

func killService(t *testing.T, path string) (*Service, *store.Store) {
	t.Helper()
	st, err := store.Open(path, store.Options{KEK: bytes.Repeat([]byte{1}, store.KEKSize), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(Config{BaseURL: "https://badges.example.gov/"}, st, WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
		WithStatusLists(StatusListOptions{Size: 8}))
	if err != nil {
		t.Fatal(err)
	}
	return svc, st
}

// TestIssueKillChild is the child of TestIssueSurvivesKill: it issues a burst of
// credentials (revocation + suspension entries, 8-entry lists so lists fill
// and new ones open) until its parent kills it.
func TestIssueKillChild(t *testing.T) {
	path := os.Getenv(killPathEnv)
	if path == "" {
		t.Skip("child process of TestIssueSurvivesKill")
	}
	svc, st := killService(t, path)
	defer st.Close()
	req := IssueRequest{Achievement: os.Getenv(killAchEnv), Recipient: RecipientInput{Email: "teacher@school.example.org"}}
	for range 200 {
		if _, err := svc.Issue(context.Background(), admin, "agency", req, ""); err != nil {
			t.Fatal(err)
		}
		fmt.Println(testutil.BurstMark) // the parent starts its kill timer at the first commit
	}
}

// TestIssueSurvivesKill kills a process issuing credentials with SIGKILL at random
// moments; after each kill, every stored credential must carry in its signed
// bytes exactly the entries its status record holds, no (list, index) may belong
// to two credentials, and the used bitmaps must hold exactly those entries.
func TestIssueSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns child processes")
	}
	path := filepath.Join(t.TempDir(), "kill.db")
	svc, st := killService(t, path)
	ctx := context.Background()
	if _, err := svc.CreateIssuer(ctx, admin, IssuerInput{ID: "agency", Name: "Agency"}); err != nil {
		t.Fatal(err)
	}
	ach, err := svc.CreateAchievement(ctx, admin, "agency", sampleAchievement())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetStatusSettings(ctx, admin, "agency", StatusSettings{Suspension: true}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	prev := 0
	for round := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestIssueKillChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), killPathEnv+"="+path, killAchEnv+"="+ach.ID)
		var b [2]byte
		_, _ = rand.Read(b[:])
		delay := time.Duration(50+binary.BigEndian.Uint16(b[:])%400) * time.Millisecond
		testutil.KillMidBurst(t, cmd, delay)
		n := checkIssued(t, path)
		t.Logf("round %d: killed %v into the burst, %d credentials", round, delay, n)
		if n < prev {
			t.Fatalf("credentials lost: %d after %d", n, prev)
		}
		prev = n
	}
	if prev == 0 {
		t.Fatal("no issue committed before the kills; nothing was checked")
	}
}

func checkIssued(t *testing.T, path string) int {
	t.Helper()
	_, st := killService(t, path)
	defer st.Close()
	ctx := context.Background()
	n, err := st.CheckStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	cursor, count := "", 0
	for {
		page, next, err := st.ListCredentials(ctx, store.Query{IssuerID: "agency", Limit: 1000, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page {
			count++
			es, _ := statusOf(t, c.Raw)
			rec, err := st.GetStatusRecord(ctx, c.URL)
			if err != nil || len(es) != 2 || len(rec.Entries) != 2 {
				t.Fatalf("credential %s: %d entries in the credential, record %+v %v", c.ID, len(es), rec, err)
			}
			for i, e := range es {
				re := rec.Entries[i]
				if e.StatusPurpose != re.Purpose || e.StatusListIndex != strconv.FormatUint(re.Index, 10) ||
					e.StatusListCredential != "https://badges.example.gov/issuers/agency/status/"+re.Purpose+"/"+strconv.Itoa(re.N) {
					t.Fatalf("credential %s: signed entry %+v, stored %+v", c.ID, e, re)
				}
				if seen[e.ID] {
					t.Fatalf("entry %s in two credentials", e.ID)
				}
				seen[e.ID] = true
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if count != n {
		t.Fatalf("listed %d credentials, store holds %d", count, n)
	}
	return n
}
