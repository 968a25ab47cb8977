package store

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ErrBadCursor: a listing cursor that this store did not produce.
var ErrBadCursor = errors.New("store: invalid cursor")

// Credential is an issued credential: the exact signed bytes plus indexed fields.
type Credential struct {
	ID                 string    `json:"id"`  // UUID, the last segment of the credential's id URL
	URL                string    `json:"url"` // the credential's id as issued
	IssuerID           string    `json:"issuerId"`
	AchievementID      string    `json:"achievementId,omitempty"`
	AchievementVersion int       `json:"achievementVersion,omitempty"`
	RecipientKeys      []string  `json:"recipientKeys,omitempty"` // issuer-salted lookup hashes, never published
	Format             string    `json:"format"`                  // ldp | jwt
	Alg                string    `json:"alg"`
	KeyID              string    `json:"keyId"`
	IssuedAt           time.Time `json:"issuedAt"`
	Raw                []byte    `json:"raw"`
	// StatusListID and StatusIndex record a status-list entry allocated in the issue
	// transaction (empty when the credential has none).
	StatusListID string `json:"statusListId,omitempty"`
	StatusIndex  uint64 `json:"statusIndex,omitempty"`
	// PageToken names the credential's public page, /badges/{PageToken} (badges.go):
	// given in the issue transaction when the build callback left it empty.
	PageToken string `json:"pageToken,omitempty"`
	// Hidden makes the public page answer 404 (the token is kept).
	Hidden bool `json:"hidden,omitempty"`
	// PublicEvidence lists the indexes, into the credential's evidence array, of the
	// evidence its issuer marked public (shown on the page).
	PublicEvidence []int `json:"publicEvidence,omitempty"`
	// ManageKeyHash is the hex SHA-256 of the recipient's manage key (badges.go),
	// never the key itself; empty when the recipient has no control over the page.
	ManageKeyHash string `json:"manageKeyHash,omitempty"`
}

// IssueParams are the store-level parameters of one issue.
type IssueParams struct {
	IssuerID string
	// IdempotencyKey, if not empty, makes the issue idempotent per issuer: a second
	// call with the same key and RequestHash returns the first credential; with a
	// different RequestHash it fails with ErrIdempotencyMismatch.
	IdempotencyKey string
	RequestHash    string
}

// IssueTx is what the build callback of IssueCredential may do inside the write
// transaction.
type IssueTx interface {
	// Achievement reads an achievement of the issuing issuer (version 0 = latest)
	// consistently with the write that follows.
	Achievement(id string, version int) (*Achievement, error)
	// StatusSettings and AllocateStatus (store/status.go) give the credential its
	// Bitstring Status List entries inside the same transaction.
	StatusTx
}

type issueTx struct {
	tx       *bolt.Tx
	issuerID string
}

func (t *issueTx) Achievement(id string, version int) (*Achievement, error) {
	var a Achievement
	var err error
	if version == 0 {
		err = getJSON(t.tx.Bucket(bAchievements), key(t.issuerID, id), &a)
	} else {
		err = getJSON(t.tx.Bucket(bAchVersions), achVersionKey(t.issuerID, id, version), &a)
	}
	if err != nil {
		return nil, fmt.Errorf("achievement %s: %w", id, err)
	}
	return &a, nil
}

type idemRecord struct {
	CredentialID string    `json:"credentialId"`
	RequestHash  string    `json:"requestHash"`
	CreatedAt    time.Time `json:"createdAt"`
}

// IssueCredential runs one issue in a single write transaction: it answers an
// idempotent replay from the stored record, otherwise calls build (which may read
// the achievement and allocate status-list indexes through tx, and signs), then
// stores the credential, its index entry, the idempotency record and the
// achievement reference count. If build fails nothing is written. replayed reports
// that the credential is the one stored by an earlier call with the same key.
//
// build runs while holding bbolt's single writer lock: it must not call other Store
// methods that write.
func (s *Store) IssueCredential(ctx context.Context, p IssueParams, build func(tx IssueTx) (*Credential, error)) (c *Credential, replayed bool, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bIssuers).Get([]byte(p.IssuerID)) == nil {
			return fmt.Errorf("%w: issuer %s", ErrNotFound, p.IssuerID)
		}
		ib := tx.Bucket(bIdempotency)
		ik := key(p.IssuerID, p.IdempotencyKey)
		if p.IdempotencyKey != "" {
			var rec idemRecord
			switch err := getJSON(ib, ik, &rec); {
			case err == nil:
				if rec.RequestHash != p.RequestHash {
					return ErrIdempotencyMismatch
				}
				var prev Credential
				if err := getJSON(tx.Bucket(bCredentials), []byte(rec.CredentialID), &prev); err != nil {
					return fmt.Errorf("store: idempotency record points at credential %s: %w", rec.CredentialID, err)
				}
				c, replayed = &prev, true
				return nil
			case !errors.Is(err, ErrNotFound):
				return err
			}
		}
		nc, err := build(&issueTx{tx: tx, issuerID: p.IssuerID})
		if err != nil {
			return err
		}
		if nc.IssuerID != p.IssuerID {
			return fmt.Errorf("store: credential issuer %q differs from %q", nc.IssuerID, p.IssuerID)
		}
		cb := tx.Bucket(bCredentials)
		if cb.Get([]byte(nc.ID)) != nil {
			return fmt.Errorf("%w: credential %s", ErrConflict, nc.ID)
		}
		if err := indexPageToken(tx, nc); err != nil {
			return err
		}
		if err := putJSON(cb, []byte(nc.ID), nc); err != nil {
			return err
		}
		if err := tx.Bucket(bCredByIssuer).Put(credIndexKey(nc), nil); err != nil {
			return err
		}
		if p.IdempotencyKey != "" {
			if err := putJSON(ib, ik, idemRecord{CredentialID: nc.ID, RequestHash: p.RequestHash, CreatedAt: nc.IssuedAt}); err != nil {
				return err
			}
		}
		if nc.AchievementID != "" {
			if err := bumpAchievement(tx, nc); err != nil {
				return err
			}
		}
		c = nc
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return c, replayed, nil
}

func bumpAchievement(tx *bolt.Tx, c *Credential) error {
	b := tx.Bucket(bAchievements)
	vb := tx.Bucket(bAchVersions)
	vk := achVersionKey(c.IssuerID, c.AchievementID, c.AchievementVersion)
	var v Achievement
	if err := getJSON(vb, vk, &v); err != nil {
		return fmt.Errorf("achievement %s version %d: %w", c.AchievementID, c.AchievementVersion, err)
	}
	v.Issued++
	if err := putJSON(vb, vk, &v); err != nil {
		return err
	}
	lk := key(c.IssuerID, c.AchievementID)
	var latest Achievement
	if err := getJSON(b, lk, &latest); err != nil {
		return err
	}
	if latest.Version == v.Version {
		latest.Issued = v.Issued
		return putJSON(b, lk, &latest)
	}
	return nil
}

func credIndexKey(c *Credential) []byte {
	k := append(key(c.IssuerID), 0)
	k = append(k, u64(uint64(c.IssuedAt.UnixNano()))...)
	k = append(k, 0)
	return append(k, c.ID...)
}

// GetCredential returns a credential by its UUID.
func (s *Store) GetCredential(ctx context.Context, id string) (*Credential, error) {
	var c Credential
	if err := s.db.View(func(tx *bolt.Tx) error { return getJSON(tx.Bucket(bCredentials), []byte(id), &c) }); err != nil {
		return nil, err
	}
	return &c, nil
}

// Query selects credentials of one issuer. Zero fields do not filter.
type Query struct {
	IssuerID      string
	AchievementID string
	RecipientKey  string
	Since, Until  time.Time // IssuedAt in [Since, Until)
	// Limit caps the page; if zero or above 1000, 100 is used.
	Limit int
	// Cursor is the next value of a previous page.
	Cursor string
}

// ListCredentials returns one page of an issuer's credentials in issue order and
// the cursor of the next page ("" at the end).
func (s *Store) ListCredentials(ctx context.Context, q Query) ([]*Credential, string, error) {
	if q.Limit <= 0 || q.Limit > 1000 {
		q.Limit = 100
	}
	prefix := append(key(q.IssuerID), 0)
	start := prefix
	if !q.Since.IsZero() {
		start = append(append([]byte(nil), prefix...), u64(uint64(q.Since.UnixNano()))...)
	}
	var after []byte
	if q.Cursor != "" {
		cur, err := base64.RawURLEncoding.DecodeString(q.Cursor)
		if err != nil || !bytes.HasPrefix(cur, prefix) {
			return nil, "", ErrBadCursor
		}
		after = cur
		if bytes.Compare(cur, start) > 0 {
			start = cur
		}
	}
	var out []*Credential
	var next string
	err := s.db.View(func(tx *bolt.Tx) error {
		cb := tx.Bucket(bCredentials)
		c := tx.Bucket(bCredByIssuer).Cursor()
		for k, _ := c.Seek(start); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if after != nil && bytes.Equal(k, after) {
				continue
			}
			rest := k[len(prefix):]
			if len(rest) < 9 {
				continue
			}
			at := time.Unix(0, int64(bytesToU64(rest[:8])))
			if !q.Until.IsZero() && !at.Before(q.Until) {
				break
			}
			var cr Credential
			if err := getJSON(cb, rest[9:], &cr); err != nil {
				return err
			}
			if q.AchievementID != "" && cr.AchievementID != q.AchievementID {
				continue
			}
			if q.RecipientKey != "" && !slices.Contains(cr.RecipientKeys, q.RecipientKey) {
				continue
			}
			if len(out) == q.Limit {
				next = base64.RawURLEncoding.EncodeToString(credIndexKey(out[len(out)-1]))
				return nil
			}
			out = append(out, &cr)
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

func bytesToU64(b []byte) uint64 {
	var v uint64
	for _, x := range b {
		v = v<<8 | uint64(x)
	}
	return v
}
