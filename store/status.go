package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Status purposes of the W3C Bitstring Status List entries the store allocates.
const (
	PurposeRevocation = "revocation"
	PurposeSuspension = "suspension"
)

// Status actions recorded by ChangeStatus.
const (
	ActionRevoke    = "revoke"
	ActionSuspend   = "suspend"
	ActionReinstate = "reinstate"
)

// ErrNoStatus: the credential was issued without a status entry (or without the
// entry the action needs, e.g. suspension).
var ErrNoStatus = errors.New("store: credential has no such status entry")

// Status-list buckets (created on first write; read paths treat a missing bucket
// as empty).
var (
	bBSLLists    = []byte("bsl_lists")    // listID -> StatusList (JSON)
	bBSLCurrent  = []byte("bsl_current")  // issuerID\0purpose -> listID of the list being filled
	bBSLUsed     = []byte("bsl_used")     // listID\0chunk -> allocation bitmap chunk (never published)
	bBSLBits     = []byte("bsl_bits")     // listID -> status bitmap (published, encoded)
	bBSLSigned   = []byte("bsl_signed")   // listID -> SignedStatusList (JSON)
	bBSLRecords  = []byte("bsl_records")  // credential URL -> StatusRecord (JSON)
	bBSLSettings = []byte("bsl_settings") // issuerID -> StatusSettings (JSON)
	bslBuckets   = [][]byte{bBSLLists, bBSLCurrent, bBSLUsed, bBSLBits, bBSLSigned, bBSLRecords, bBSLSettings}
)

// StatusList describes one status list: a bitstring of Size one-bit entries of
// one issuer and purpose. Lists of a group are numbered from 1; a new one opens
// when the current one is full.
type StatusList struct {
	ID       string `json:"id"` // issuerID/purpose/N
	IssuerID string `json:"issuerId"`
	Purpose  string `json:"purpose"`
	N        int    `json:"n"`
	Size     int    `json:"size"`
	Used     int    `json:"used"`
	// Version increases with every change of a status bit; the signed list
	// credential is current when its Version equals this.
	Version   uint64    `json:"version"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"` // last status change (CreatedAt before any)
}

// ListID returns the id of list n of an issuer's purpose.
func ListID(issuerID, purpose string, n int) string {
	return issuerID + "/" + purpose + "/" + strconv.Itoa(n)
}

// StatusEntry is one allocated entry of a credential.
type StatusEntry struct {
	Purpose string `json:"purpose"`
	ListID  string `json:"listId"`
	N       int    `json:"n"`
	Index   uint64 `json:"index"`
}

// StatusEvent is one recorded status change: who, when, why.
type StatusEvent struct {
	Action string    `json:"action"`
	Reason string    `json:"reason,omitempty"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// StatusRecord is the status of one credential, keyed by the credential's id URL.
type StatusRecord struct {
	CredentialURL string        `json:"credentialUrl"`
	IssuerID      string        `json:"issuerId"`
	Entries       []StatusEntry `json:"entries"`
	Revoked       bool          `json:"revoked"`
	Suspended     bool          `json:"suspended"`
	Events        []StatusEvent `json:"events,omitempty"`
}

// Entry returns the entry of a purpose, or nil.
func (r *StatusRecord) Entry(purpose string) *StatusEntry {
	for i := range r.Entries {
		if r.Entries[i].Purpose == purpose {
			return &r.Entries[i]
		}
	}
	return nil
}

// StatusSettings are an issuer's status-list settings.
type StatusSettings struct {
	// Suspension gives new credentials a suspension entry beside the revocation one.
	Suspension bool `json:"suspension"`
}

// SignedStatusList is the cached signed status list credential of one version.
type SignedStatusList struct {
	Version uint64 `json:"version"`
	ETag    string `json:"etag"`
	Raw     []byte `json:"raw"`
}

// StatusAllocation asks for status entries for one credential being issued.
type StatusAllocation struct {
	// CredentialURL is the credential's id; it keys the status record and must not
	// have one yet.
	CredentialURL string
	// Purposes to allocate, e.g. revocation and suspension.
	Purposes []string
	// ListSize is the number of entries of a list opened by this allocation.
	ListSize int
	// Rand is the randomness for index picking (crypto/rand in production).
	Rand io.Reader
	// At is the issue time.
	At time.Time
}

// StatusTx is implemented by the IssueTx that IssueCredential passes to build:
// status allocation happens in the issue's write transaction, so an index is
// consumed exactly when the credential is stored.
type StatusTx interface {
	// StatusSettings returns the issuing issuer's settings (zero value if none).
	StatusSettings() (StatusSettings, error)
	// AllocateStatus picks, for each purpose, a random unused index of the
	// issuer's current list (opening a new list when it is full), marks it used,
	// and stores the credential's status record.
	AllocateStatus(a StatusAllocation) ([]StatusEntry, error)
}

var _ StatusTx = (*issueTx)(nil)

func bslBucket(tx *bolt.Tx, name []byte) (*bolt.Bucket, error) {
	if !tx.Writable() {
		if b := tx.Bucket(name); b != nil {
			return b, nil
		}
		return nil, ErrNotFound
	}
	return tx.CreateBucketIfNotExists(name)
}

func (t *issueTx) StatusSettings() (StatusSettings, error) {
	return statusSettings(t.tx, t.issuerID)
}

func statusSettings(tx *bolt.Tx, issuerID string) (StatusSettings, error) {
	var s StatusSettings
	b := tx.Bucket(bBSLSettings)
	if b == nil {
		return s, nil
	}
	if err := getJSON(b, []byte(issuerID), &s); err != nil && !errors.Is(err, ErrNotFound) {
		return s, err
	}
	return s, nil
}

func (t *issueTx) AllocateStatus(a StatusAllocation) ([]StatusEntry, error) {
	if a.CredentialURL == "" {
		return nil, errors.New("store: status allocation needs the credential's id")
	}
	if a.ListSize < 8 || a.ListSize%8 != 0 {
		return nil, fmt.Errorf("store: status list size %d must be a positive multiple of 8", a.ListSize)
	}
	rb, err := bslBucket(t.tx, bBSLRecords)
	if err != nil {
		return nil, err
	}
	if rb.Get([]byte(a.CredentialURL)) != nil {
		return nil, fmt.Errorf("%w: a credential with id %s has a status already", ErrConflict, a.CredentialURL)
	}
	rec := StatusRecord{CredentialURL: a.CredentialURL, IssuerID: t.issuerID}
	for _, p := range a.Purposes {
		e, err := allocate(t.tx, t.issuerID, p, a)
		if err != nil {
			return nil, err
		}
		rec.Entries = append(rec.Entries, e)
	}
	if err := putJSON(rb, []byte(a.CredentialURL), &rec); err != nil {
		return nil, err
	}
	return rec.Entries, nil
}

// allocate takes one random unused index of the issuer's current list of purpose.
func allocate(tx *bolt.Tx, issuerID, purpose string, a StatusAllocation) (StatusEntry, error) {
	var bs [4]*bolt.Bucket
	for i, name := range [][]byte{bBSLLists, bBSLCurrent, bBSLUsed, bBSLBits} {
		b, err := bslBucket(tx, name)
		if err != nil {
			return StatusEntry{}, err
		}
		bs[i] = b
	}
	lists, current, usedB, bitsB := bs[0], bs[1], bs[2], bs[3]
	ck := key(issuerID, purpose)
	var l StatusList
	if id := current.Get(ck); id != nil {
		if err := getJSON(lists, id, &l); err != nil {
			return StatusEntry{}, err
		}
	}
	if l.ID == "" || l.Used >= l.Size {
		n := l.N + 1
		l = StatusList{ID: ListID(issuerID, purpose, n), IssuerID: issuerID, Purpose: purpose, N: n, Size: a.ListSize,
			CreatedAt: a.At, UpdatedAt: a.At}
		if err := current.Put(ck, []byte(l.ID)); err != nil {
			return StatusEntry{}, err
		}
		if err := bitsB.Put([]byte(l.ID), make([]byte, l.Size/8)); err != nil {
			return StatusEntry{}, err
		}
	}
	used := usedMap{b: usedB, listID: l.ID, size: l.Size}
	idx, err := pickFree(l.Size, l.Size-l.Used, a.Rand, used.isUsed, used.nthFree)
	if err != nil {
		return StatusEntry{}, fmt.Errorf("store: status list %s: %w", l.ID, err)
	}
	if err := used.set(idx); err != nil {
		return StatusEntry{}, err
	}
	l.Used++
	if err := putJSON(lists, []byte(l.ID), &l); err != nil {
		return StatusEntry{}, err
	}
	return StatusEntry{Purpose: purpose, ListID: l.ID, N: l.N, Index: uint64(idx)}, nil
}

// pickFree returns a uniformly random free index of a list of size entries with
// free free entries. While at least a quarter of the list is free it draws random
// indexes until one is free (at most 4 draws expected, each one 64-byte read);
// on a fuller list, or after 64 unlucky draws, it draws k < free and takes the
// k-th free index (one pass over the bitmap), so a nearly full list fills
// exactly without a long search.
func pickFree(size, free int, r io.Reader, isUsed func(int) bool, nthFree func(k uint64) (int, error)) (int, error) {
	if free <= 0 {
		return 0, errors.New("list is full")
	}
	if free*4 >= size {
		for range 64 {
			i, err := randN(r, uint64(size))
			if err != nil {
				return 0, err
			}
			if !isUsed(int(i)) {
				return int(i), nil
			}
		}
	}
	k, err := randN(r, uint64(free))
	if err != nil {
		return 0, err
	}
	return nthFree(k)
}

// usedChunkBytes is the size of one stored chunk of a used bitmap: an allocation
// reads and rewrites one 64-byte chunk, not the whole 16 KiB bitmap.
const usedChunkBytes = 64

// usedMap is the allocation bitmap of one list (bit i set = index i allocated,
// MSB-first), stored in chunks under listID\0<chunk>; a missing chunk is free.
type usedMap struct {
	b      *bolt.Bucket
	listID string
	size   int
}

func (u usedMap) chunks() int { return (u.size/8 + usedChunkBytes - 1) / usedChunkBytes }

func (u usedMap) chunkLen(c int) int { return min(usedChunkBytes, u.size/8-c*usedChunkBytes) }

func (u usedMap) chunkKey(c int) []byte {
	k := append([]byte(u.listID), 0)
	return binary.BigEndian.AppendUint32(k, uint32(c))
}

func (u usedMap) isUsed(i int) bool {
	ch := u.b.Get(u.chunkKey(i / 8 / usedChunkBytes))
	return ch != nil && ch[(i/8)%usedChunkBytes]&(0x80>>(i%8)) != 0
}

func (u usedMap) set(i int) error {
	c := i / 8 / usedChunkBytes
	ch := make([]byte, u.chunkLen(c))
	copy(ch, u.b.Get(u.chunkKey(c)))
	ch[(i/8)%usedChunkBytes] |= 0x80 >> (i % 8)
	return u.b.Put(u.chunkKey(c), ch)
}

// nthFree returns the k-th (from 0) free index.
func (u usedMap) nthFree(k uint64) (int, error) {
	for c := range u.chunks() {
		n := u.chunkLen(c)
		ch := u.b.Get(u.chunkKey(c))
		zeros := n * 8
		for _, b := range ch {
			zeros -= bits.OnesCount8(b)
		}
		if uint64(zeros) <= k {
			k -= uint64(zeros)
			continue
		}
		for bi := range n {
			var b byte
			if ch != nil {
				b = ch[bi]
			}
			for j := range 8 {
				if b&(0x80>>j) == 0 {
					if k == 0 {
						return (c*usedChunkBytes+bi)*8 + j, nil
					}
					k--
				}
			}
		}
	}
	return 0, errors.New("used bitmap holds fewer free entries than counted")
}

// bitmap assembles the whole used bitmap (for checks).
func (u usedMap) bitmap() ([]byte, error) {
	out := make([]byte, 0, u.size/8)
	for c := range u.chunks() {
		ch := u.b.Get(u.chunkKey(c))
		switch {
		case ch == nil:
			out = append(out, make([]byte, u.chunkLen(c))...)
		case len(ch) != u.chunkLen(c):
			return nil, fmt.Errorf("store: list %s: used chunk %d has %d bytes, want %d", u.listID, c, len(ch), u.chunkLen(c))
		default:
			out = append(out, ch...)
		}
	}
	return out, nil
}

// randN returns a uniform integer in [0, n) from r (rejection sampling, no bias).
func randN(r io.Reader, n uint64) (uint64, error) {
	if n == 0 {
		return 0, errors.New("store: randN(0)")
	}
	limit := ^uint64(0) - (^uint64(0)%n+1)%n // largest multiple of n, minus 1
	var b [8]byte
	for {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return 0, fmt.Errorf("read random: %w", err)
		}
		v := binary.BigEndian.Uint64(b[:])
		if v <= limit {
			return v % n, nil
		}
	}
}

// SetStatusSettings stores an issuer's status-list settings.
func (s *Store) SetStatusSettings(ctx context.Context, issuerID string, st StatusSettings) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bIssuers).Get([]byte(issuerID)) == nil {
			return fmt.Errorf("%w: issuer %s", ErrNotFound, issuerID)
		}
		b, err := bslBucket(tx, bBSLSettings)
		if err != nil {
			return err
		}
		return putJSON(b, []byte(issuerID), &st)
	})
}

// GetStatusSettings returns an issuer's settings (the zero value if never set).
func (s *Store) GetStatusSettings(ctx context.Context, issuerID string) (StatusSettings, error) {
	var out StatusSettings
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		out, err = statusSettings(tx, issuerID)
		return err
	})
	return out, err
}

// GetStatusRecord returns the status record of a credential by its id URL.
func (s *Store) GetStatusRecord(ctx context.Context, credentialURL string) (*StatusRecord, error) {
	var rec StatusRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bBSLRecords)
		if b == nil {
			return ErrNotFound
		}
		return getJSON(b, []byte(credentialURL), &rec)
	})
	if err != nil {
		return nil, err
	}
	return &rec, nil
}

// StatusChange is one revoke, suspend or reinstate.
type StatusChange struct {
	IssuerID      string
	CredentialURL string
	Action        string // ActionRevoke | ActionSuspend | ActionReinstate
	Reason        string
	By            string
	At            time.Time
}

// SignListFunc builds and signs the status list credential of l whose status
// bitmap is bits; ChangeStatus calls it inside its transaction for every list
// whose bits changed.
type SignListFunc func(l *StatusList, bits []byte) ([]byte, error)

// ChangeStatus applies a status change in one write transaction: it checks the
// transition (a revocation is final: a revoked credential can be neither
// reinstated nor suspended, ErrConflict), flips the list bits, bumps the list
// versions, re-signs each changed list through sign and stores the signed bytes,
// and appends the event to the record. changed is false when the credential was
// already in the requested state (nothing is written then).
func (s *Store) ChangeStatus(ctx context.Context, ch StatusChange, sign SignListFunc) (rec *StatusRecord, changed bool, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		rb := tx.Bucket(bBSLRecords)
		var r StatusRecord
		if rb == nil {
			return fmt.Errorf("%w: no status for credential %s", ErrNotFound, ch.CredentialURL)
		}
		if err := getJSON(rb, []byte(ch.CredentialURL), &r); err != nil {
			return fmt.Errorf("status of credential %s: %w", ch.CredentialURL, err)
		}
		if r.IssuerID != ch.IssuerID {
			return fmt.Errorf("%w: no status for credential %s", ErrNotFound, ch.CredentialURL)
		}
		rec = &r
		var purpose string
		var value bool
		switch ch.Action {
		case ActionRevoke:
			if r.Revoked {
				return nil
			}
			purpose, value, r.Revoked = PurposeRevocation, true, true
		case ActionSuspend:
			if r.Revoked {
				return fmt.Errorf("%w: credential %s is revoked; a revoked credential cannot be suspended", ErrConflict, ch.CredentialURL)
			}
			if r.Suspended {
				return nil
			}
			purpose, value, r.Suspended = PurposeSuspension, true, true
		case ActionReinstate:
			if r.Revoked {
				return fmt.Errorf("%w: credential %s is revoked; a revocation is final and cannot be reinstated", ErrConflict, ch.CredentialURL)
			}
			if !r.Suspended {
				return nil
			}
			purpose, value, r.Suspended = PurposeSuspension, false, false
		default:
			return fmt.Errorf("store: unknown status action %q", ch.Action)
		}
		e := r.Entry(purpose)
		if e == nil {
			return fmt.Errorf("%w: credential %s was issued without a %s entry", ErrNoStatus, ch.CredentialURL, purpose)
		}
		if err := setBit(tx, e, value, ch.At, sign); err != nil {
			return err
		}
		r.Events = append(r.Events, StatusEvent{Action: ch.Action, Reason: ch.Reason, By: ch.By, At: ch.At})
		changed = true
		return putJSON(rb, []byte(ch.CredentialURL), &r)
	})
	if err != nil {
		return nil, false, err
	}
	return rec, changed, nil
}

func setBit(tx *bolt.Tx, e *StatusEntry, value bool, at time.Time, sign SignListFunc) error {
	lists, bitsB, signed := tx.Bucket(bBSLLists), tx.Bucket(bBSLBits), tx.Bucket(bBSLSigned)
	if lists == nil || bitsB == nil {
		return fmt.Errorf("store: status list %s missing", e.ListID)
	}
	var l StatusList
	if err := getJSON(lists, []byte(e.ListID), &l); err != nil {
		return fmt.Errorf("status list %s: %w", e.ListID, err)
	}
	bm := clone(bitsB.Get([]byte(e.ListID)))
	if e.Index >= uint64(len(bm))*8 {
		return fmt.Errorf("store: index %d outside status list %s", e.Index, e.ListID)
	}
	mask := byte(0x80 >> (e.Index % 8))
	if value {
		bm[e.Index/8] |= mask
	} else {
		bm[e.Index/8] &^= mask
	}
	l.Version++
	l.UpdatedAt = at
	if err := bitsB.Put([]byte(e.ListID), bm); err != nil {
		return err
	}
	if err := putJSON(lists, []byte(e.ListID), &l); err != nil {
		return err
	}
	raw, err := sign(&l, bm)
	if err != nil {
		return err
	}
	if signed == nil {
		if signed, err = tx.CreateBucketIfNotExists(bBSLSigned); err != nil {
			return err
		}
	}
	return putJSON(signed, []byte(e.ListID), &SignedStatusList{Version: l.Version, ETag: ETag(raw), Raw: raw})
}

// StatusListState returns a list, a copy of its status bitmap, and its cached
// signed credential when that is current (nil otherwise: the caller signs and
// calls PutSignedStatusList).
func (s *Store) StatusListState(ctx context.Context, listID string) (*StatusList, []byte, *SignedStatusList, error) {
	var l StatusList
	var bm []byte
	var sl *SignedStatusList
	err := s.db.View(func(tx *bolt.Tx) error {
		lists, bitsB := tx.Bucket(bBSLLists), tx.Bucket(bBSLBits)
		if lists == nil || bitsB == nil {
			return fmt.Errorf("status list %s: %w", listID, ErrNotFound)
		}
		if err := getJSON(lists, []byte(listID), &l); err != nil {
			return fmt.Errorf("status list %s: %w", listID, err)
		}
		bm = clone(bitsB.Get([]byte(listID)))
		if b := tx.Bucket(bBSLSigned); b != nil {
			var c SignedStatusList
			if err := getJSON(b, []byte(listID), &c); err == nil && c.Version == l.Version {
				sl = &c
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	return &l, bm, sl, nil
}

// PutSignedStatusList caches the signed credential of a list version, unless the
// list has moved on (a newer version, signed by ChangeStatus, wins).
func (s *Store) PutSignedStatusList(ctx context.Context, listID string, version uint64, raw []byte) (*SignedStatusList, error) {
	out := &SignedStatusList{Version: version, ETag: ETag(raw), Raw: raw}
	err := s.db.Update(func(tx *bolt.Tx) error {
		var l StatusList
		lists := tx.Bucket(bBSLLists)
		if lists == nil {
			return ErrNotFound
		}
		if err := getJSON(lists, []byte(listID), &l); err != nil {
			return err
		}
		b, err := tx.CreateBucketIfNotExists(bBSLSigned)
		if err != nil {
			return err
		}
		var cur SignedStatusList
		if err := getJSON(b, []byte(listID), &cur); err == nil && cur.Version == l.Version {
			out = &cur // already cached (a concurrent request signed it)
			return nil
		}
		if version != l.Version {
			return nil // stale: serve what we signed, cache nothing
		}
		return putJSON(b, []byte(listID), out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ETag returns the strong entity tag of a served document.
func ETag(raw []byte) string {
	return `"` + HashToken(string(raw))[:32] + `"`
}

// CheckStatus checks the status-list invariants over the whole store and returns
// the number of credentials: every credential that has a status record has a
// unique (list, index) per entry, its first entry is the one on the credential;
// every record belongs to a stored credential; and each list's used bitmap has
// exactly the entries the records hold, as many as the list's Used count. Tests
// run it after killing an issuing process; an operator can run it as a fsck.
func (s *Store) CheckStatus(ctx context.Context) (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		held := map[string]map[uint64]bool{} // listID -> indexes held by credentials
		recs := tx.Bucket(bBSLRecords)
		withStatus := 0
		err := tx.Bucket(bCredentials).ForEach(func(k, v []byte) error {
			n++
			var c Credential
			if err := getJSON(tx.Bucket(bCredentials), k, &c); err != nil {
				return err
			}
			if c.StatusListID == "" {
				return nil
			}
			withStatus++
			var r StatusRecord
			if recs == nil {
				return fmt.Errorf("store: credential %s has status %s but there are no status records", k, c.StatusListID)
			}
			if err := getJSON(recs, []byte(c.URL), &r); err != nil {
				return fmt.Errorf("store: credential %s: status record: %w", k, err)
			}
			if len(r.Entries) == 0 || r.Entries[0].ListID != c.StatusListID || r.Entries[0].Index != c.StatusIndex || r.IssuerID != c.IssuerID {
				return fmt.Errorf("store: credential %s (%s#%d) disagrees with its status record %+v", k, c.StatusListID, c.StatusIndex, r)
			}
			for _, e := range r.Entries {
				if held[e.ListID] == nil {
					held[e.ListID] = map[uint64]bool{}
				}
				if held[e.ListID][e.Index] {
					return fmt.Errorf("store: index %s#%d is held by two credentials", e.ListID, e.Index)
				}
				held[e.ListID][e.Index] = true
			}
			return nil
		})
		if err != nil {
			return err
		}
		if recs != nil {
			if nr := recs.Stats().KeyN; nr != withStatus {
				return fmt.Errorf("store: %d status records for %d credentials with a status (orphans)", nr, withStatus)
			}
		}
		lists, used := tx.Bucket(bBSLLists), tx.Bucket(bBSLUsed)
		if lists == nil {
			return nil
		}
		return lists.ForEach(func(k, v []byte) error {
			var l StatusList
			if err := getJSON(lists, k, &l); err != nil {
				return err
			}
			if used == nil {
				return fmt.Errorf("store: list %s has no used bitmap", l.ID)
			}
			bm, err := usedMap{b: used, listID: l.ID, size: l.Size}.bitmap()
			if err != nil {
				return err
			}
			ones := 0
			for i, b := range bm {
				ones += bits.OnesCount8(b)
				for j := range 8 {
					idx := uint64(i*8 + j)
					if set := b&(0x80>>j) != 0; set != held[l.ID][idx] {
						return fmt.Errorf("store: list %s index %d: used bit %v, held by a credential %v", l.ID, idx, set, held[l.ID][idx])
					}
				}
			}
			if ones != l.Used || ones != len(held[l.ID]) {
				return fmt.Errorf("store: list %s: %d used bits, Used %d, %d credentials", l.ID, ones, l.Used, len(held[l.ID]))
			}
			return nil
		})
	})
	return n, err
}
