package issuer

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/obadge/obadge/store"
)

// TokenPrefix starts every API token obadge makes (it helps secret scanners).
const TokenPrefix = "obt_"

// CreateToken makes a new API token scoped to issuerID ("" = an admin token, which
// only an admin may create) and returns it. Only its SHA-256 is stored: the token
// cannot be shown again.
func (s *Service) CreateToken(ctx context.Context, p Principal, issuerID, name string) (string, error) {
	if issuerID == "" && !p.Admin {
		return "", fmt.Errorf("%w: only an admin may create admin tokens", ErrForbidden)
	}
	if issuerID != "" {
		if err := authorize(p, issuerID); err != nil {
			return "", err
		}
	}
	return s.newToken(ctx, issuerID, name)
}

func (s *Service) newToken(ctx context.Context, issuerID, name string) (string, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(s.rand, b); err != nil {
		return "", fmt.Errorf("issuer: read random: %w", err)
	}
	tok := TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	rec := &store.Token{Hash: store.HashToken(tok), IssuerID: issuerID, Name: name, CreatedAt: s.nowUTC()}
	if err := s.st.PutToken(ctx, rec); err != nil {
		return "", fmt.Errorf("issuer: store token: %w", err)
	}
	s.log.InfoContext(ctx, "api token created", "issuer", issuerID, "admin", issuerID == "", "name", name)
	return tok, nil
}

// Authenticate maps a bearer token to its principal.
func (s *Service) Authenticate(ctx context.Context, token string) (Principal, error) {
	if !strings.HasPrefix(token, TokenPrefix) || len(token) > 128 {
		return Principal{}, ErrUnauthenticated
	}
	t, err := s.st.LookupToken(ctx, store.HashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, ErrUnauthenticated
	} else if err != nil {
		return Principal{}, fmt.Errorf("issuer: look up token: %w", err)
	}
	if t.IssuerID == "" {
		return Principal{Admin: true}, nil
	}
	return Principal{IssuerID: t.IssuerID}, nil
}

// DevIssuerID is the id of the issuer Bootstrap creates.
const DevIssuerID = "dev"

// Bootstrap prepares an empty deployment: when no issuer exists it creates the
// development issuer "dev" (Ed25519, did:web) and an admin token, and returns the
// token (shown once; the caller stores it). On a deployment that has issuers it
// does nothing and returns "".
func (s *Service) Bootstrap(ctx context.Context) (adminToken string, err error) {
	list, err := s.st.ListIssuers(ctx)
	if err != nil {
		return "", fmt.Errorf("issuer: bootstrap: %w", err)
	}
	if len(list) > 0 {
		return "", nil
	}
	if _, err := s.CreateIssuer(ctx, Principal{Admin: true}, IssuerInput{ID: DevIssuerID, Name: "Development Issuer",
		Description: "Created on first start; replace it with your own issuer profiles."}); err != nil {
		return "", fmt.Errorf("issuer: bootstrap: %w", err)
	}
	return s.newToken(ctx, "", "bootstrap admin")
}
