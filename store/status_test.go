package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/obadge/obadge/internal/testutil"
	bolt "go.etcd.io/bbolt"
)

// allocateN allocates n entries of purpose in one write transaction (the
// allocation code path of an issue, without n fsyncs).
func allocateN(t *testing.T, s *Store, issuerID string, n, size int, purposes ...string) []StatusEntry {
	t.Helper()
	var out []StatusEntry
	err := s.db.Update(func(tx *bolt.Tx) error {
		itx := &issueTx{tx: tx, issuerID: issuerID}
		for i := range n {
			es, err := itx.AllocateStatus(StatusAllocation{CredentialURL: fmt.Sprintf("urn:test:%s:%d:%d", issuerID, time.Now().UnixNano(), i),
				Purposes: purposes, ListSize: size, Rand: rand.Reader, At: t0})
			if err != nil {
				return err
			}
			out = append(out, es...)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestStatusIndexesAreRandomDistinctAndInRange(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "x.db"))
	seedIssuer(t, s, "a")
	const size = 1 << 17
	es := allocateN(t, s, "a", 1000, size, PurposeRevocation)
	seen := map[uint64]bool{}
	ascending, consecutive := 0, 0
	for i, e := range es {
		if e.ListID != "a/revocation/1" || e.Index >= size {
			t.Fatalf("entry %d: %+v", i, e)
		}
		if seen[e.Index] {
			t.Fatalf("index %d given twice", e.Index)
		}
		seen[e.Index] = true
		if i > 0 && e.Index > es[i-1].Index {
			ascending++
		}
		if i > 0 && e.Index == es[i-1].Index+1 {
			consecutive++
		}
	}
	// Sequential or sorted allocation gives 999 ascending neighbours; random gives
	// about 500 (P(>= 990) is below 1e-280).
	if ascending >= 990 || consecutive > 10 {
		t.Fatalf("indexes look ordered: %d ascending, %d consecutive neighbours", ascending, consecutive)
	}
	l, _, _, err := s.StatusListState(context.Background(), "a/revocation/1")
	if err != nil || l.Used != 1000 {
		t.Fatalf("list: %+v %v", l, err)
	}
}

func TestStatusListFillsExactlyThenOpensNext(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "x.db"))
	seedIssuer(t, s, "a")
	const size = 64
	es := allocateN(t, s, "a", size+3, size, PurposeRevocation, PurposeSuspension)
	for _, purpose := range []string{PurposeRevocation, PurposeSuspension} {
		first := map[uint64]bool{}
		var second []uint64
		for _, e := range es {
			if e.Purpose != purpose {
				continue
			}
			switch e.ListID {
			case ListID("a", purpose, 1):
				if first[e.Index] || e.Index >= size {
					t.Fatalf("%s: bad or duplicate index %d", purpose, e.Index)
				}
				first[e.Index] = true
			case ListID("a", purpose, 2):
				second = append(second, e.Index)
			default:
				t.Fatalf("unexpected list %s", e.ListID)
			}
		}
		if len(first) != size || len(second) != 3 {
			t.Fatalf("%s: list 1 has %d, list 2 has %d entries", purpose, len(first), len(second))
		}
		l, _, _, err := s.StatusListState(context.Background(), ListID("a", purpose, 1))
		if err != nil || l.Used != size {
			t.Fatalf("%s list 1: %+v %v", purpose, l, err)
		}
	}
}

func TestPickFreeNearlyFull(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "x.db"))
	const size = 3 * usedChunkBytes * 8 // three chunks
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bBSLUsed)
		if err != nil {
			return err
		}
		u := usedMap{b: b, listID: "l", size: size}
		for i := range size {
			if i != 700 && i != 1100 {
				if err := u.set(i); err != nil {
					return err
				}
			}
		}
		got := map[int]int{}
		for range 200 {
			i, err := pickFree(size, 2, rand.Reader, u.isUsed, u.nthFree)
			if err != nil {
				return err
			}
			got[i]++
		}
		if len(got) != 2 || got[700] < 50 || got[1100] < 50 { // P(fail) < 1e-12
			return fmt.Errorf("picks %v, want only 700 and 1100, both often", got)
		}
		if err := u.set(700); err != nil {
			return err
		}
		if i, err := pickFree(size, 1, rand.Reader, u.isUsed, u.nthFree); err != nil || i != 1100 {
			return fmt.Errorf("last free: %d %v", i, err)
		}
		if err := u.set(1100); err != nil {
			return err
		}
		if _, err := pickFree(size, 0, rand.Reader, u.isUsed, u.nthFree); err == nil {
			return errors.New("full list gave an index")
		}
		if _, err := u.nthFree(0); err == nil {
			return errors.New("nthFree found a free index in a full bitmap")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestChangeStatusTransitions(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "x.db"))
	ctx := context.Background()
	seedIssuer(t, s, "a")
	url := "https://x.example/credentials/1"
	_, _, err := s.IssueCredential(ctx, IssueParams{IssuerID: "a"}, func(tx IssueTx) (*Credential, error) {
		es, err := tx.(StatusTx).AllocateStatus(StatusAllocation{CredentialURL: url, Purposes: []string{PurposeRevocation, PurposeSuspension},
			ListSize: 1024, Rand: rand.Reader, At: t0})
		if err != nil {
			return nil, err
		}
		return &Credential{ID: "1", URL: url, IssuerID: "a", IssuedAt: t0, StatusListID: es[0].ListID, StatusIndex: es[0].Index}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	signs := 0
	sign := func(l *StatusList, bm []byte) ([]byte, error) {
		signs++
		return []byte(fmt.Sprintf("%s v%d %x", l.ID, l.Version, bm)), nil
	}
	change := func(action string) (*StatusRecord, bool, error) {
		return s.ChangeStatus(ctx, StatusChange{IssuerID: "a", CredentialURL: url, Action: action, Reason: "r-" + action, By: "tester", At: t0}, sign)
	}
	bit := func(purpose string) bool {
		rec, err := s.GetStatusRecord(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		e := rec.Entry(purpose)
		l, bm, sl, err := s.StatusListState(ctx, e.ListID)
		if err != nil || (l.Version > 0 && (sl == nil || !bytes.Contains(sl.Raw, []byte(fmt.Sprintf("%x", bm))))) {
			t.Fatalf("signed list not current: %+v %v", sl, err)
		}
		return bm[e.Index/8]&(0x80>>(e.Index%8)) != 0
	}
	tests := []struct {
		action      string
		wantChanged bool
		wantErr     error
		revoked     bool
		suspended   bool
	}{
		{ActionSuspend, true, nil, false, true},
		{ActionSuspend, false, nil, false, true},
		{ActionReinstate, true, nil, false, false},
		{ActionReinstate, false, nil, false, false},
		{ActionRevoke, true, nil, true, false},
		{ActionReinstate, false, ErrConflict, true, false},
		{ActionSuspend, false, ErrConflict, true, false},
		{ActionRevoke, false, nil, true, false},
	}
	for i, tt := range tests {
		rec, changed, err := change(tt.action)
		if !errors.Is(err, tt.wantErr) || (err == nil && changed != tt.wantChanged) {
			t.Fatalf("step %d %s: changed=%v err=%v", i, tt.action, changed, err)
		}
		if err == nil && (rec.Revoked != tt.revoked || rec.Suspended != tt.suspended) {
			t.Fatalf("step %d %s: record %+v", i, tt.action, rec)
		}
		if bit(PurposeRevocation) != tt.revoked || bit(PurposeSuspension) != tt.suspended {
			t.Fatalf("step %d %s: bits do not match", i, tt.action)
		}
	}
	rec, _ := s.GetStatusRecord(ctx, url)
	if len(rec.Events) != 3 || signs != 3 || rec.Events[2].Action != ActionRevoke || rec.Events[2].By != "tester" || rec.Events[2].Reason != "r-revoke" {
		t.Fatalf("events %+v, %d signatures", rec.Events, signs)
	}
	if _, _, err := s.ChangeStatus(ctx, StatusChange{IssuerID: "b", CredentialURL: url, Action: ActionRevoke}, sign); !errors.Is(err, ErrNotFound) {
		t.Fatalf("other issuer: %v", err)
	}
}

// The kill test: a child process issues a burst into a bbolt file and is killed
// with SIGKILL at a random moment; after each kill the file must hold, for every
// credential, exactly one status record whose entries are unique and set in the
// used bitmaps, and nothing else set there.
const killEnv = "OBADGE_STATUS_KILL_CHILD"

func TestKillChildIssuer(t *testing.T) {
	path := os.Getenv(killEnv)
	if path == "" {
		t.Skip("child process of TestStatusAllocationSurvivesKill")
	}
	s, err := Open(path, Options{KEK: testKEK(), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := range 200 {
		id := fmt.Sprintf("%d-%d", os.Getpid(), i)
		url := "https://x.example/credentials/" + id
		_, _, err := s.IssueCredential(ctx, IssueParams{IssuerID: "a"}, func(tx IssueTx) (*Credential, error) {
			es, err := tx.(StatusTx).AllocateStatus(StatusAllocation{CredentialURL: url, Purposes: []string{PurposeRevocation, PurposeSuspension},
				ListSize: 256, Rand: rand.Reader, At: t0})
			if err != nil {
				return nil, err
			}
			return &Credential{ID: id, URL: url, IssuerID: "a", IssuedAt: t0, Raw: bytes.Repeat([]byte("x"), 2000),
				StatusListID: es[0].ListID, StatusIndex: es[0].Index}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println(testutil.BurstMark) // the parent starts its kill timer at the first commit
	}
	s.Close()
}

func TestStatusAllocationSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns child processes")
	}
	path := filepath.Join(t.TempDir(), "kill.db")
	s, err := Open(path, Options{KEK: testKEK()})
	if err != nil {
		t.Fatal(err)
	}
	seedIssuer(t, s, "a")
	s.Close()
	total := 0
	for round := range 4 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillChildIssuer$", "-test.count=1")
		cmd.Env = append(os.Environ(), killEnv+"="+path)
		delay, _ := randN(rand.Reader, 200)
		testutil.KillMidBurst(t, cmd, time.Duration(delay)*time.Millisecond)
		n := checkStatusConsistency(t, path)
		t.Logf("round %d: killed %dms into the burst, %d credentials stored", round, delay, n)
		if n < total {
			t.Fatalf("credentials lost: %d after %d", n, total)
		}
		total = n
	}
	if total == 0 {
		t.Fatal("the child never committed an issue; the test checked nothing")
	}
}

// checkStatusConsistency reopens the store after a kill and runs CheckStatus.
func checkStatusConsistency(t *testing.T, path string) int {
	t.Helper()
	s, err := Open(path, Options{KEK: testKEK(), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n, err := s.CheckStatus(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Every credential the child stored carries its entries (none without).
	err = s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bCredentials).ForEach(func(k, v []byte) error {
			var c Credential
			if err := getJSON(tx.Bucket(bCredentials), k, &c); err != nil {
				return err
			}
			var r StatusRecord
			if c.StatusListID == "" || getJSON(tx.Bucket(bBSLRecords), []byte(c.URL), &r) != nil || len(r.Entries) != 2 {
				return fmt.Errorf("credential %s stored without its status entries", k)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// BenchmarkIssueStatus compares a store issue (one write transaction, fsync)
// without and with status allocation (revocation, and revocation+suspension) on a
// full-size list, to show what allocation adds to each issue.
func BenchmarkIssueStatus(b *testing.B) {
	for _, purposes := range [][]string{nil, {PurposeRevocation}, {PurposeRevocation, PurposeSuspension}} {
		name := "none"
		if len(purposes) > 0 {
			name = fmt.Sprint(purposes)
		}
		b.Run(name, func(b *testing.B) {
			s, err := Open(filepath.Join(b.TempDir(), "b.db"), Options{KEK: testKEK()})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			if err := s.CreateIssuer(context.Background(), &Issuer{ID: "a", CreatedAt: t0}); err != nil {
				b.Fatal(err)
			}
			raw := bytes.Repeat([]byte("x"), 3000)
			n := 0
			for b.Loop() {
				n++
				id := strconv.Itoa(n)
				_, _, err := s.IssueCredential(context.Background(), IssueParams{IssuerID: "a"}, func(tx IssueTx) (*Credential, error) {
					c := &Credential{ID: id, URL: "https://x.example/credentials/" + id, IssuerID: "a", IssuedAt: t0, Raw: raw}
					if purposes != nil {
						es, err := tx.(StatusTx).AllocateStatus(StatusAllocation{CredentialURL: c.URL, Purposes: purposes, ListSize: 1 << 17, Rand: rand.Reader, At: t0})
						if err != nil {
							return nil, err
						}
						c.StatusListID, c.StatusIndex = es[0].ListID, es[0].Index
					}
					return c, nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestCheckStatusFindsCorruption(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "x.db"))
	ctx := context.Background()
	seedIssuer(t, s, "a")
	for i := range 3 {
		url := fmt.Sprintf("https://x.example/credentials/%d", i)
		_, _, err := s.IssueCredential(ctx, IssueParams{IssuerID: "a"}, func(tx IssueTx) (*Credential, error) {
			es, err := tx.(StatusTx).AllocateStatus(StatusAllocation{CredentialURL: url, Purposes: []string{PurposeRevocation}, ListSize: 64, Rand: rand.Reader, At: t0})
			if err != nil {
				return nil, err
			}
			return &Credential{ID: strconv.Itoa(i), URL: url, IssuerID: "a", IssuedAt: t0, StatusListID: es[0].ListID, StatusIndex: es[0].Index}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.CheckStatus(ctx); err != nil || n != 3 {
		t.Fatalf("clean store: %d %v", n, err)
	}
	flip := func(set bool) {
		t.Helper()
		err := s.db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(bBSLUsed)
			k := usedMap{listID: "a/revocation/1"}.chunkKey(0)
			bm := clone(b.Get(k))
			for i := range len(bm) * 8 {
				if (bm[i/8]&(0x80>>(i%8)) != 0) != set {
					bm[i/8] ^= 0x80 >> (i % 8)
					break
				}
			}
			return b.Put(k, bm)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	flip(true) // an index marked used that no credential holds
	if _, err := s.CheckStatus(ctx); err == nil {
		t.Fatal("an orphan used bit went unnoticed")
	}
	flip(false)
	flip(false) // an index a credential holds, marked free
	if _, err := s.CheckStatus(ctx); err == nil {
		t.Fatal("a held index marked free went unnoticed")
	}
	allocateN(t, s, "a", 1, 64, PurposeRevocation) // a record without a credential
	if _, err := s.CheckStatus(ctx); err == nil {
		t.Fatal("an orphan status record went unnoticed")
	}
}
