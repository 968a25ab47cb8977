package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"

	bolt "go.etcd.io/bbolt"
)

// Public badge pages (issue 6). Every credential has a page token: 128 random bits,
// base64url without padding (22 characters), the last segment of its page URL
// /badges/{token}. The token is the capability to see the page, so it is never
// derived from anything public (ids, hashes) and never reused.
//
// bBadgeTokens indexes token -> credential id. A credential's Hidden flag makes its
// page answer 404 without forgetting the token, so showing it again restores the
// same URL.
//
// Databases written before page tokens existed are migrated once, in one write
// transaction at Open (migratePageTokens): every credential without a token gets
// one. Doing it on open rather than lazily keeps lookups read-only and makes every
// admin view carry a badge URL.
var (
	bBadgeTokens = []byte("badge_tokens")
	// kMigPageTokens marks the page-token migration as done.
	kMigPageTokens = []byte("migration_page_tokens")
)

// PageTokenBytes is the entropy of a page token.
const PageTokenBytes = 16

// pageTokenLen is the length of a token's base64url (unpadded) text.
var pageTokenLen = base64.RawURLEncoding.EncodedLen(PageTokenBytes)

// NewPageToken returns a fresh page token read from r (crypto/rand.Reader in
// production).
func NewPageToken(r io.Reader) (string, error) {
	var b [PageTokenBytes]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("store: read random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// ValidPageToken reports whether s has the shape of a page token (so that junk
// never reaches the database).
func ValidPageToken(s string) bool {
	if len(s) != pageTokenLen {
		return false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil && len(b) == PageTokenBytes
}

// indexPageToken gives nc a page token (keeping one the caller chose, else a new
// one from crypto/rand) and records it in the index. It runs inside the issue
// transaction, before the credential record is written.
func indexPageToken(tx *bolt.Tx, nc *Credential) error {
	b, err := tx.CreateBucketIfNotExists(bBadgeTokens)
	if err != nil {
		return err
	}
	if nc.PageToken == "" {
		if nc.PageToken, err = NewPageToken(rand.Reader); err != nil {
			return err
		}
	}
	if !ValidPageToken(nc.PageToken) {
		return fmt.Errorf("store: credential %s: malformed page token", nc.ID)
	}
	if b.Get([]byte(nc.PageToken)) != nil {
		return fmt.Errorf("%w: page token of credential %s is taken", ErrConflict, nc.ID)
	}
	return b.Put([]byte(nc.PageToken), []byte(nc.ID))
}

// CredentialByPageToken returns the credential whose page token is token, hidden or
// not (the caller decides what a hidden page answers), or ErrNotFound.
func (s *Store) CredentialByPageToken(ctx context.Context, token string) (*Credential, error) {
	if !ValidPageToken(token) {
		return nil, fmt.Errorf("page token: %w", ErrNotFound)
	}
	var c Credential
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bBadgeTokens)
		if b == nil {
			return ErrNotFound
		}
		id := b.Get([]byte(token))
		if id == nil {
			return ErrNotFound
		}
		return getJSON(tx.Bucket(bCredentials), id, &c)
	})
	if err != nil {
		return nil, fmt.Errorf("page token: %w", err)
	}
	return &c, nil
}

// SetCredentialHidden sets whether the credential's public page is hidden and
// returns the updated record. The caller checks who may.
func (s *Store) SetCredentialHidden(ctx context.Context, id string, hidden bool) (*Credential, error) {
	var c Credential
	err := s.db.Update(func(tx *bolt.Tx) error {
		cb := tx.Bucket(bCredentials)
		if err := getJSON(cb, []byte(id), &c); err != nil {
			return err
		}
		if c.Hidden == hidden {
			return nil
		}
		return patchCredential(cb, []byte(id), map[string]any{"hidden": hidden})
	})
	if err != nil {
		return nil, fmt.Errorf("credential %s: %w", id, err)
	}
	c.Hidden = hidden
	return &c, nil
}

// patchCredential sets members of a stored credential record without decoding it
// into Credential, so a member this version does not know survives, and the
// stored credential bytes (raw) are left exactly as they were. A false or empty
// value removes the member (the omitempty encoding).
func patchCredential(cb *bolt.Bucket, k []byte, set map[string]any) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(cb.Get(k), &m); err != nil {
		return fmt.Errorf("store: decode record %q: %w", k, err)
	}
	for name, v := range set {
		if v == false || v == "" {
			delete(m, name)
			continue
		}
		raw, err := json.Marshal(v)
		if err != nil {
			return err
		}
		m[name] = raw
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return cb.Put(k, raw)
}

// migratePageTokens gives every credential without a page token one, in a single
// write transaction, once per database (a meta marker records it). Their pages
// start visible: the hidden-by-default setting came with the tokens.
func (s *Store) migratePageTokens(r io.Reader) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bMeta)
		if meta.Get(kMigPageTokens) != nil {
			return nil
		}
		tb, err := tx.CreateBucketIfNotExists(bBadgeTokens)
		if err != nil {
			return err
		}
		cb := tx.Bucket(bCredentials)
		// Collect first: bbolt cursors must not run across writes to their bucket.
		var todo [][]byte
		err = cb.ForEach(func(k, v []byte) error {
			var c struct {
				PageToken string `json:"pageToken"`
			}
			if err := json.Unmarshal(v, &c); err != nil {
				return fmt.Errorf("store: decode record %q: %w", k, err)
			}
			if c.PageToken == "" {
				todo = append(todo, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range todo {
			tok, err := NewPageToken(r)
			if err != nil {
				return err
			}
			if tb.Get([]byte(tok)) != nil {
				return fmt.Errorf("%w: page token collision while migrating", ErrConflict)
			}
			if err := tb.Put([]byte(tok), k); err != nil {
				return err
			}
			if err := patchCredential(cb, k, map[string]any{"pageToken": tok}); err != nil {
				return err
			}
		}
		return meta.Put(kMigPageTokens, u64(uint64(len(todo))))
	})
}

// Recipient control (issue 6). A credential may carry the SHA-256 of a manage key
// (ManageKeyHash), given to the recipient as a secret link: whoever holds it may
// hide and show the page. The store keeps only the hash and checks nothing: the
// caller compares keys (in constant time) inside SetCredentialHiddenByToken's
// transaction, so a rotation cannot slip between the check and the change.

// HashManageKey returns the hex SHA-256 under which a manage key is stored.
func HashManageKey(key string) string { return HashToken(key) }

// SetManageKeyHash replaces the credential's manage-key hash (empty removes it, so
// the recipient loses control) and returns the updated record. The old key stops
// working in the same transaction.
func (s *Store) SetManageKeyHash(ctx context.Context, id, hash string) (*Credential, error) {
	var c Credential
	err := s.db.Update(func(tx *bolt.Tx) error {
		cb := tx.Bucket(bCredentials)
		if err := getJSON(cb, []byte(id), &c); err != nil {
			return err
		}
		return patchCredential(cb, []byte(id), map[string]any{"manageKeyHash": hash})
	})
	if err != nil {
		return nil, fmt.Errorf("credential %s: %w", id, err)
	}
	c.ManageKeyHash = hash
	return &c, nil
}

// SetCredentialHiddenByToken hides or shows the page of the credential whose page
// token is token, if allow, called with the current record inside the write
// transaction, returns nil; otherwise nothing changes and allow's error is
// returned. An unknown token is ErrNotFound.
func (s *Store) SetCredentialHiddenByToken(ctx context.Context, token string, hidden bool, allow func(*Credential) error) (*Credential, error) {
	if !ValidPageToken(token) {
		return nil, fmt.Errorf("page token: %w", ErrNotFound)
	}
	var c Credential
	err := s.db.Update(func(tx *bolt.Tx) error {
		tb := tx.Bucket(bBadgeTokens)
		if tb == nil {
			return ErrNotFound
		}
		id := tb.Get([]byte(token))
		if id == nil {
			return ErrNotFound
		}
		id = append([]byte(nil), id...)
		cb := tx.Bucket(bCredentials)
		if err := getJSON(cb, id, &c); err != nil {
			return err
		}
		if err := allow(&c); err != nil {
			return err
		}
		if c.Hidden == hidden {
			return nil
		}
		return patchCredential(cb, id, map[string]any{"hidden": hidden})
	})
	if err != nil {
		return nil, fmt.Errorf("page token: %w", err)
	}
	c.Hidden = hidden
	return &c, nil
}
