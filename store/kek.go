package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/crypto/scrypt"
)

// KEKSize is the size of a raw key-encryption key.
const KEKSize = 32

const kekCheckPlain = "obadge kek check v1"

// scrypt parameters for passphrases (the interactive-login recommendation of the
// scrypt paper's successors: N=2^15, r=8, p=1).
const (
	scryptR = 8
	scryptP = 1
)

// scryptN is the cost of new passphrase databases; it is stored beside the salt,
// so raising it later keeps existing databases readable. A variable so that tests
// can make it cheap.
var scryptN = 1 << 15

// GenerateKEKFile writes a new random 32-byte KEK to path with mode 0600, refusing
// to overwrite an existing file, and returns it.
func GenerateKEKFile(path string) ([]byte, error) {
	kek := make([]byte, KEKSize)
	if _, err := io.ReadFull(rand.Reader, kek); err != nil {
		return nil, fmt.Errorf("store: generate KEK: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: create KEK file: %w", err)
	}
	if _, err := f.Write(kek); err != nil {
		f.Close()
		return nil, fmt.Errorf("store: write KEK file: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("store: write KEK file: %w", err)
	}
	return kek, nil
}

// ReadKEKFile reads a KEK file: exactly 32 raw bytes.
func ReadKEKFile(path string) ([]byte, error) {
	kek, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("store: read KEK file: %w", err)
	}
	if len(kek) != KEKSize {
		return nil, fmt.Errorf("store: KEK file %s holds %d bytes, want %d", path, len(kek), KEKSize)
	}
	return kek, nil
}

func (s *Store) setupKEK(opts Options) error {
	if opts.KEK == nil && opts.Passphrase == "" {
		return nil
	}
	if opts.KEK != nil && len(opts.KEK) != KEKSize {
		return fmt.Errorf("store: KEK must be %d bytes, got %d", KEKSize, len(opts.KEK))
	}
	var salt, check []byte
	n := scryptN
	if err := s.db.View(func(tx *bolt.Tx) error {
		m := tx.Bucket(bMeta)
		if m == nil {
			return nil
		}
		salt = clone(m.Get(kScryptSalt))
		check = clone(m.Get(kKEKCheck))
		if v := m.Get(kScryptN); len(v) == 8 {
			n = int(bytesToU64(v))
		}
		return nil
	}); err != nil {
		return fmt.Errorf("store: read KEK metadata: %w", err)
	}
	kek := opts.KEK
	newSalt := false
	if kek == nil {
		if salt == nil {
			salt = make([]byte, 16)
			if _, err := io.ReadFull(rand.Reader, salt); err != nil {
				return fmt.Errorf("store: generate scrypt salt: %w", err)
			}
			newSalt = true
		}
		k, err := scrypt.Key([]byte(opts.Passphrase), salt, n, scryptR, scryptP, KEKSize)
		if err != nil {
			return fmt.Errorf("store: derive KEK: %w", err)
		}
		kek = k
	}
	aead, err := newAEAD(kek)
	if err != nil {
		return err
	}
	if check != nil {
		if _, err := open(aead, check, []byte("kek-check")); err != nil {
			return ErrWrongKEK
		}
	} else {
		if opts.ReadOnly {
			return ErrWrongKEK
		}
		sealed, err := seal(aead, []byte(kekCheckPlain), []byte("kek-check"))
		if err != nil {
			return err
		}
		if err := s.db.Update(func(tx *bolt.Tx) error {
			m := tx.Bucket(bMeta)
			if newSalt {
				if err := m.Put(kScryptSalt, salt); err != nil {
					return err
				}
				if err := m.Put(kScryptN, u64(uint64(n))); err != nil {
					return err
				}
			}
			return m.Put(kKEKCheck, sealed)
		}); err != nil {
			return fmt.Errorf("store: write KEK check: %w", err)
		}
	}
	s.kek = kek
	return nil
}

func newAEAD(kek []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(kek)
	if err != nil {
		return nil, fmt.Errorf("store: KEK cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("store: KEK cipher: %w", err)
	}
	return aead, nil
}

// seal returns nonce || ciphertext.
func seal(aead cipher.AEAD, plain, aad []byte) ([]byte, error) {
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	if _, err := io.ReadFull(rand.Reader, nonce); err != nil {
		return nil, fmt.Errorf("store: nonce: %w", err)
	}
	return aead.Seal(nonce, nonce, plain, aad), nil
}

func open(aead cipher.AEAD, sealed, aad []byte) ([]byte, error) {
	if len(sealed) < aead.NonceSize()+aead.Overhead() {
		return nil, errors.New("store: sealed value too short")
	}
	n := aead.NonceSize()
	return aead.Open(nil, sealed[:n], sealed[n:], aad)
}

func (s *Store) sealKey(issuerID, keyID string, der []byte) ([]byte, error) {
	if s.kek == nil {
		return nil, ErrNoKEK
	}
	aead, err := newAEAD(s.kek)
	if err != nil {
		return nil, err
	}
	return seal(aead, der, key("key", issuerID, keyID))
}

func (s *Store) openKey(issuerID, keyID string, sealed []byte) ([]byte, error) {
	if s.kek == nil {
		return nil, ErrNoKEK
	}
	aead, err := newAEAD(s.kek)
	if err != nil {
		return nil, err
	}
	der, err := open(aead, sealed, key("key", issuerID, keyID))
	if err != nil {
		return nil, fmt.Errorf("%w: key %s/%s does not decrypt", ErrWrongKEK, issuerID, keyID)
	}
	return der, nil
}

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}
