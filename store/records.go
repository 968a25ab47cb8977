package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Issuer is an issuer profile. Profile holds the domain's JSON description of it
// (name, url, ...); the store only indexes ID.
type Issuer struct {
	ID        string          `json:"id"`
	Profile   json.RawMessage `json:"profile"`
	CreatedAt time.Time       `json:"createdAt"`
	UpdatedAt time.Time       `json:"updatedAt"`
	// IndexSalt is a secret per-issuer salt for recipient lookup hashes; never published.
	IndexSalt []byte `json:"indexSalt"`
}

// Key is one private key of an issuer. PrivateDER (PKCS#8) is plaintext in memory
// only: it is sealed with the KEK before it reaches the file.
type Key struct {
	IssuerID   string    `json:"issuerId"`
	KeyID      string    `json:"keyId"` // local id, unique per issuer, e.g. "key-ed25519-1"
	Alg        string    `json:"alg"`   // EdDSA | ES256 | RS256
	PrivateDER []byte    `json:"-"`
	CreatedAt  time.Time `json:"createdAt"`
	// Primary marks the key used by default for its algorithm.
	Primary bool `json:"primary"`
}

type keyRecord struct {
	Key
	Sealed []byte `json:"sealed"`
}

// Achievement is one version of a catalogue entry. Doc holds the domain's JSON.
type Achievement struct {
	IssuerID  string          `json:"issuerId"`
	ID        string          `json:"id"` // UUID
	Version   int             `json:"version"`
	Doc       json.RawMessage `json:"doc"`
	CreatedAt time.Time       `json:"createdAt"`
	UpdatedAt time.Time       `json:"updatedAt"`
	// Issued counts credentials issued against this version; a version that has been
	// issued is never overwritten (an update makes a new version).
	Issued int `json:"issued"`
}

// Token is an API token record; only the SHA-256 of the token is stored.
type Token struct {
	Hash      string    `json:"hash"`
	IssuerID  string    `json:"issuerId"` // "" = admin (all issuers)
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"createdAt"`
}

// CreateIssuer stores a new issuer and its first keys in one transaction.
func (s *Store) CreateIssuer(ctx context.Context, iss *Issuer, keys ...*Key) error {
	sealed := make([]*keyRecord, 0, len(keys))
	for _, k := range keys {
		kr, err := s.sealRecord(iss.ID, k)
		if err != nil {
			return err
		}
		sealed = append(sealed, kr)
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bIssuers)
		if b.Get([]byte(iss.ID)) != nil {
			return fmt.Errorf("%w: issuer %s", ErrConflict, iss.ID)
		}
		if err := putJSON(b, []byte(iss.ID), iss); err != nil {
			return err
		}
		kb := tx.Bucket(bKeys)
		for _, kr := range sealed {
			if err := putJSON(kb, key(iss.ID, kr.KeyID), kr); err != nil {
				return err
			}
		}
		return nil
	})
}

// UpdateIssuer replaces the profile of an existing issuer.
func (s *Store) UpdateIssuer(ctx context.Context, id string, profile json.RawMessage, at time.Time) (*Issuer, error) {
	var out Issuer
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bIssuers)
		if err := getJSON(b, []byte(id), &out); err != nil {
			return err
		}
		out.Profile = profile
		out.UpdatedAt = at
		return putJSON(b, []byte(id), &out)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetIssuer returns an issuer or ErrNotFound.
func (s *Store) GetIssuer(ctx context.Context, id string) (*Issuer, error) {
	var out Issuer
	if err := s.db.View(func(tx *bolt.Tx) error { return getJSON(tx.Bucket(bIssuers), []byte(id), &out) }); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListIssuers returns all issuers ordered by id.
func (s *Store) ListIssuers(ctx context.Context) ([]*Issuer, error) {
	var out []*Issuer
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bIssuers).ForEach(func(k, v []byte) error {
			var iss Issuer
			if err := json.Unmarshal(v, &iss); err != nil {
				return fmt.Errorf("store: decode issuer %q: %w", k, err)
			}
			out = append(out, &iss)
			return nil
		})
	})
	return out, err
}

func (s *Store) sealRecord(issuerID string, k *Key) (*keyRecord, error) {
	if k.IssuerID != issuerID {
		return nil, fmt.Errorf("store: key %s belongs to issuer %q, not %q", k.KeyID, k.IssuerID, issuerID)
	}
	sealed, err := s.sealKey(issuerID, k.KeyID, k.PrivateDER)
	if err != nil {
		return nil, err
	}
	kr := &keyRecord{Key: *k, Sealed: sealed}
	kr.PrivateDER = nil
	return kr, nil
}

// AddKey stores a new key of an existing issuer. When k.Primary is set and another
// key of the same algorithm was primary, that one is demoted in the same transaction.
// If onlyIfNoAlg is true and the issuer already has a key of k.Alg, nothing is
// written and the existing primary key of that algorithm is returned (lazy creation
// under concurrency).
func (s *Store) AddKey(ctx context.Context, k *Key, onlyIfNoAlg bool) (*Key, error) {
	kr, err := s.sealRecord(k.IssuerID, k)
	if err != nil {
		return nil, err
	}
	var existing *Key
	err = s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bIssuers).Get([]byte(k.IssuerID)) == nil {
			return fmt.Errorf("%w: issuer %s", ErrNotFound, k.IssuerID)
		}
		kb := tx.Bucket(bKeys)
		c := kb.Cursor()
		prefix := append(key(k.IssuerID), 0)
		for ck, cv := c.Seek(prefix); ck != nil && bytes.HasPrefix(ck, prefix); ck, cv = c.Next() {
			var other keyRecord
			if err := json.Unmarshal(cv, &other); err != nil {
				return fmt.Errorf("store: decode key %q: %w", ck, err)
			}
			if other.Alg != k.Alg {
				continue
			}
			if onlyIfNoAlg && other.Primary {
				dk := other.Key
				existing = &dk
				sealed := other.Sealed
				der, err := s.openKey(other.IssuerID, other.KeyID, sealed)
				if err != nil {
					return err
				}
				existing.PrivateDER = der
				return nil
			}
			if k.Primary && other.Primary {
				other.Primary = false
				if err := putJSON(kb, clone(ck), &other); err != nil {
					return err
				}
			}
		}
		if kb.Get(key(k.IssuerID, k.KeyID)) != nil {
			return fmt.Errorf("%w: key %s", ErrConflict, k.KeyID)
		}
		return putJSON(kb, key(k.IssuerID, k.KeyID), kr)
	})
	if err != nil {
		return nil, err
	}
	if existing != nil {
		return existing, nil
	}
	return k, nil
}

// GetKey returns one key with its private part decrypted.
func (s *Store) GetKey(ctx context.Context, issuerID, keyID string) (*Key, error) {
	var kr keyRecord
	if err := s.db.View(func(tx *bolt.Tx) error { return getJSON(tx.Bucket(bKeys), key(issuerID, keyID), &kr) }); err != nil {
		return nil, err
	}
	der, err := s.openKey(issuerID, keyID, kr.Sealed)
	if err != nil {
		return nil, err
	}
	k := kr.Key
	k.PrivateDER = der
	return &k, nil
}

// ListKeys returns the keys of an issuer, ordered by key id, with private parts
// decrypted (callers derive public keys from them).
func (s *Store) ListKeys(ctx context.Context, issuerID string) ([]*Key, error) {
	var recs []keyRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bKeys).Cursor()
		prefix := append(key(issuerID), 0)
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var kr keyRecord
			if err := json.Unmarshal(v, &kr); err != nil {
				return fmt.Errorf("store: decode key %q: %w", k, err)
			}
			recs = append(recs, kr)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]*Key, 0, len(recs))
	for _, kr := range recs {
		der, err := s.openKey(kr.IssuerID, kr.KeyID, kr.Sealed)
		if err != nil {
			return nil, err
		}
		k := kr.Key
		k.PrivateDER = der
		out = append(out, &k)
	}
	return out, nil
}

// PutAchievement stores a new achievement (Version 1) or updates one. On update, the
// current version is overwritten in place when no credential references it yet;
// otherwise a new version (current+1) is created. The stored record is returned.
func (s *Store) PutAchievement(ctx context.Context, a *Achievement, create bool) (*Achievement, error) {
	var out Achievement
	err := s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bIssuers).Get([]byte(a.IssuerID)) == nil {
			return fmt.Errorf("%w: issuer %s", ErrNotFound, a.IssuerID)
		}
		b := tx.Bucket(bAchievements)
		vb := tx.Bucket(bAchVersions)
		k := key(a.IssuerID, a.ID)
		var cur Achievement
		err := getJSON(b, k, &cur)
		switch {
		case create && err == nil:
			return fmt.Errorf("%w: achievement %s", ErrConflict, a.ID)
		case create:
			out = *a
			out.Version = 1
			out.UpdatedAt = a.CreatedAt
		case err != nil:
			return err
		default:
			out = cur
			out.Doc = a.Doc
			out.UpdatedAt = a.UpdatedAt
			if cur.Issued > 0 {
				out.Version = cur.Version + 1
				out.Issued = 0
				out.CreatedAt = a.UpdatedAt
			}
		}
		if err := putJSON(b, k, &out); err != nil {
			return err
		}
		return putJSON(vb, achVersionKey(a.IssuerID, a.ID, out.Version), &out)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func achVersionKey(issuerID, id string, v int) []byte {
	return append(append(key(issuerID, id), 0), u64(uint64(v))...)
}

// GetAchievement returns the latest version (version 0) or the given version.
func (s *Store) GetAchievement(ctx context.Context, issuerID, id string, version int) (*Achievement, error) {
	var out Achievement
	err := s.db.View(func(tx *bolt.Tx) error {
		if version == 0 {
			return getJSON(tx.Bucket(bAchievements), key(issuerID, id), &out)
		}
		return getJSON(tx.Bucket(bAchVersions), achVersionKey(issuerID, id, version), &out)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListAchievements returns the latest version of each achievement of an issuer,
// ordered by creation time then id.
func (s *Store) ListAchievements(ctx context.Context, issuerID string) ([]*Achievement, error) {
	var out []*Achievement
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bAchievements).Cursor()
		prefix := append(key(issuerID), 0)
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var a Achievement
			if err := json.Unmarshal(v, &a); err != nil {
				return fmt.Errorf("store: decode achievement %q: %w", k, err)
			}
			out = append(out, &a)
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, err
}

// PutToken stores a token record (by hash). An existing hash is a conflict.
func (s *Store) PutToken(ctx context.Context, t *Token) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bTokens)
		if b.Get([]byte(t.Hash)) != nil {
			return ErrConflict
		}
		if t.IssuerID != "" && tx.Bucket(bIssuers).Get([]byte(t.IssuerID)) == nil {
			return fmt.Errorf("%w: issuer %s", ErrNotFound, t.IssuerID)
		}
		return putJSON(b, []byte(t.Hash), t)
	})
}

// LookupToken returns the record of the token whose SHA-256 is hash.
func (s *Store) LookupToken(ctx context.Context, hash string) (*Token, error) {
	var t Token
	if err := s.db.View(func(tx *bolt.Tx) error { return getJSON(tx.Bucket(bTokens), []byte(hash), &t) }); err != nil {
		return nil, err
	}
	return &t, nil
}
