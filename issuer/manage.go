package issuer

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/obadge/obadge/store"
)

// Recipient control of the badge page (issue 6). Recipients have no accounts: each
// credential gets a second secret at issue, the manage key (128 random bits,
// base64url), and only its SHA-256 is stored, in the issue transaction. The issuer
// sends the recipient the manage URL, <base>/badges/<token>/manage#<key>: the key
// rides in the URL fragment, which browsers never send to a server, so it appears
// in no request line, access log, proxy log or Referer header. The manage page is a
// form that takes the key in a POST body (a small script copies it from the
// fragment; without script the recipient pastes it).
//
// Wrong keys are not rate-limited. Guessing a 128-bit key is hopeless at any
// request rate (2^127 tries on average; at a billion a second, about 5*10^21
// years), a wrong key costs one read transaction and one SHA-256, and a counter
// per badge would let anyone who knows a page URL lock its recipient out. Rejected
// keys are logged (credential id only) so that an operator can see a flood.

// ManageKeyBytes is the entropy of a manage key.
const ManageKeyBytes = 16

// Errors of recipient control; match them with errors.Is.
var (
	// ErrWrongManageKey: the manage key does not match the badge's.
	ErrWrongManageKey = errors.New("issuer: wrong manage key")
	// ErrNoManageKey: the badge has no manage key (issued before recipient control,
	// or through the VC API): only its issuer can hide it, or rotate a key for it.
	ErrNoManageKey = errors.New("issuer: badge has no manage key")
)

// ManagedBadge is what the recipient's manage page shows.
type ManagedBadge struct {
	// Name is the credential's name.
	Name string
	// Hidden is true while the public page answers 404.
	Hidden bool
	// BadgeURL is the public page.
	BadgeURL string
}

// ManageURL returns the recipient's manage link of a page token and manage key, or
// "" when key is empty.
func (s *Service) ManageURL(token, key string) string {
	if key == "" || token == "" {
		return ""
	}
	return s.BadgeURL(token) + "/manage#" + key
}

func (s *Service) newManageKey() (string, error) {
	var b [ManageKeyBytes]byte
	if _, err := io.ReadFull(s.rand, b[:]); err != nil {
		return "", fmt.Errorf("issuer: manage key: read random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// checkManageKey compares the SHA-256 of key with the stored hash in constant
// time.
func checkManageKey(c *store.Credential, key string) error {
	if c.ManageKeyHash == "" {
		return ErrNoManageKey
	}
	want, err := hex.DecodeString(c.ManageKeyHash)
	if err != nil || len(want) != sha256.Size {
		return fmt.Errorf("issuer: credential %s: malformed manage key hash", c.ID)
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(key)))
	if subtle.ConstantTimeCompare(got[:], want) != 1 {
		return ErrWrongManageKey
	}
	return nil
}

// ManagedBadge returns what the manage page shows of the badge with page token, if
// key is its manage key; hidden badges included. An unknown token wraps
// store.ErrNotFound; a wrong key is ErrWrongManageKey, a badge without one
// ErrNoManageKey.
func (s *Service) ManagedBadge(ctx context.Context, token, key string) (*ManagedBadge, error) {
	c, err := s.st.CredentialByPageToken(ctx, token)
	if err != nil {
		return nil, err
	}
	if err := checkManageKey(c, key); err != nil {
		s.manageRejected(ctx, c, err)
		return nil, err
	}
	return s.managedView(ctx, c), nil
}

// SetBadgeHiddenByRecipient hides or shows the page of the badge with page token,
// if key is its manage key (errors as ManagedBadge). The key is checked in the
// transaction that changes the page, so a key rotated a moment before no longer
// works.
func (s *Service) SetBadgeHiddenByRecipient(ctx context.Context, token, key string, hidden bool) (*ManagedBadge, error) {
	var rejected *store.Credential
	c, err := s.st.SetCredentialHiddenByToken(ctx, token, hidden, func(c *store.Credential) error {
		err := checkManageKey(c, key)
		if err != nil {
			rejected = c
		}
		return err
	})
	if err != nil {
		if rejected != nil {
			s.manageRejected(ctx, rejected, err)
		}
		return nil, err
	}
	s.log.InfoContext(ctx, "badge page visibility changed", "issuer", c.IssuerID, "credential_id", c.ID, "hidden", hidden, "by", "recipient")
	return s.managedView(ctx, c), nil
}

func (s *Service) manageRejected(ctx context.Context, c *store.Credential, err error) {
	if errors.Is(err, ErrWrongManageKey) {
		s.log.InfoContext(ctx, "badge manage key rejected", "issuer", c.IssuerID, "credential_id", c.ID)
	}
}

func (s *Service) managedView(ctx context.Context, c *store.Credential) *ManagedBadge {
	m := &ManagedBadge{Hidden: c.Hidden, BadgeURL: s.BadgeURL(c.PageToken)}
	doc, err := credentialPayload(c.Format, c.Raw)
	if err == nil {
		var d struct {
			Name string `json:"name"`
		}
		if err = json.Unmarshal(doc, &d); err == nil {
			m.Name = d.Name
		}
	}
	if err != nil {
		s.log.WarnContext(ctx, "badge manage page: cannot read stored credential", "credential_id", c.ID, "error", err)
	}
	return m
}

// RotateManageKey gives the credential a new manage key, invalidating the old one
// in the same transaction, and returns the admin view with the new ManageURL (the
// only time the key is shown). It also gives recipient control to a credential
// that had none.
func (s *Service) RotateManageKey(ctx context.Context, p Principal, issuerID, id string) (*Issued, error) {
	if err := authorize(p, issuerID); err != nil {
		return nil, err
	}
	c, err := s.st.GetCredential(ctx, id)
	if err != nil || c.IssuerID != issuerID {
		return nil, fmt.Errorf("credential %s: %w", id, store.ErrNotFound)
	}
	if c.PageToken == "" {
		return nil, fmt.Errorf("issuer: credential %s has no badge page", id)
	}
	key, err := s.newManageKey()
	if err != nil {
		return nil, err
	}
	c, err = s.st.SetManageKeyHash(ctx, id, store.HashManageKey(key))
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "badge manage key rotated", "issuer", issuerID, "credential_id", id)
	v := s.credentialView(c, false)
	v.ManageURL = s.ManageURL(c.PageToken, key)
	return v, nil
}
