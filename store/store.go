package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Errors callers match with errors.Is.
var (
	// ErrNotFound: no record with that id (or not visible to that issuer).
	ErrNotFound = errors.New("store: not found")
	// ErrConflict: a record with that id already exists.
	ErrConflict = errors.New("store: already exists")
	// ErrIdempotencyMismatch: the idempotency key was used before with a different
	// request body.
	ErrIdempotencyMismatch = errors.New("store: idempotency key reused with a different request")
	// ErrWrongKEK: the key-encryption key does not open this database's keys.
	ErrWrongKEK = errors.New("store: key-encryption key does not match this database")
	// ErrNoKEK: a private key operation was asked of a store opened without a KEK.
	ErrNoKEK = errors.New("store: no key-encryption key configured")
)

// SchemaVersion is the layout version written to the meta bucket.
const SchemaVersion = 1

var (
	bMeta          = []byte("meta")
	bIssuers       = []byte("issuers")
	bKeys          = []byte("keys")
	bAchievements  = []byte("achievements")
	bAchVersions   = []byte("achievement_versions")
	bCredentials   = []byte("credentials")
	bCredByIssuer  = []byte("credentials_by_issuer")
	bIdempotency   = []byte("idempotency")
	bTokens        = []byte("tokens")
	allBuckets     = [][]byte{bMeta, bIssuers, bKeys, bAchievements, bAchVersions, bCredentials, bCredByIssuer, bIdempotency, bTokens}
	kSchemaVersion = []byte("schema_version")
	kKEKCheck      = []byte("kek_check")
	kScryptSalt    = []byte("scrypt_salt")
	kScryptN       = []byte("scrypt_n")
)

// Options configure Open.
type Options struct {
	// Timeout bounds the wait for the file lock held by another process. If zero,
	// one second is used (never wait forever).
	Timeout time.Duration
	// KEK is a 32-byte key-encryption key (e.g. read from a KEK file). It takes
	// precedence over Passphrase.
	KEK []byte
	// Passphrase, when KEK is nil, is stretched with scrypt (N=32768, r=8, p=1) under
	// a random salt stored in the database on first open.
	Passphrase string
	// ReadOnly opens the file read-only (shared lock).
	ReadOnly bool
}

// Store is the bbolt-backed store. It is safe for concurrent use.
type Store struct {
	db  *bolt.DB
	kek []byte // nil when opened without KEK
}

// Open opens (creating if needed) the database file at path, creates missing buckets,
// and derives and checks the key-encryption key.
func Open(path string, opts Options) (*Store, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = time.Second
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: create data directory: %w", err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.Timeout, ReadOnly: opts.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s := &Store{db: db}
	if !opts.ReadOnly {
		if err := db.Update(func(tx *bolt.Tx) error {
			for _, b := range allBuckets {
				if _, err := tx.CreateBucketIfNotExists(b); err != nil {
					return err
				}
			}
			m := tx.Bucket(bMeta)
			if m.Get(kSchemaVersion) == nil {
				return m.Put(kSchemaVersion, u64(SchemaVersion))
			}
			return nil
		}); err != nil {
			db.Close()
			return nil, fmt.Errorf("store: initialise buckets: %w", err)
		}
	}
	if err := s.setupKEK(opts); err != nil {
		db.Close()
		return nil, err
	}
	if !opts.ReadOnly {
		if err := s.migratePageTokens(rand.Reader); err != nil {
			db.Close()
			return nil, fmt.Errorf("store: give credentials page tokens: %w", err)
		}
	}
	return s, nil
}

// Close closes the database file.
func (s *Store) Close() error { return s.db.Close() }

// Ping performs a read transaction touching the meta bucket (for health checks).
func (s *Store) Ping(ctx context.Context) error {
	return s.db.View(func(tx *bolt.Tx) error {
		m := tx.Bucket(bMeta)
		if m == nil || m.Get(kSchemaVersion) == nil {
			return errors.New("store: meta bucket missing")
		}
		return nil
	})
}

// HashToken returns the hex SHA-256 under which a bearer token is stored.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

// key joins parts with a 0 byte (ids never contain one: they are validated slugs,
// UUIDs or URLs).
func key(parts ...string) []byte {
	var b bytes.Buffer
	for i, p := range parts {
		if i > 0 {
			b.WriteByte(0)
		}
		b.WriteString(p)
	}
	return b.Bytes()
}

func getJSON(b *bolt.Bucket, k []byte, v any) error {
	raw := b.Get(k)
	if raw == nil {
		return ErrNotFound
	}
	// json.Unmarshal copies, so nothing refers to bbolt's memory after the View.
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("store: decode record %q: %w", k, err)
	}
	return nil
}

func putJSON(b *bolt.Bucket, k []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("store: encode record: %w", err)
	}
	return b.Put(k, raw)
}
