package issuer

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/obadge/obadge/store"
)

// Public badge pages (issue 6). Every credential gets a page token in the issue
// transaction; its page is <base>/badges/<token>. The page itself is served by
// internal/web over BadgeByToken; this file decides what the page may show.

// PublicBadge is what a credential's public page shows. Every field comes from the
// stored record and the stored exact bytes; nothing is fetched.
type PublicBadge struct {
	Token string
	// CredentialURL is the credential's id.
	CredentialURL string
	// Credential is the exact signed credential: JSON for ldp, the compact JWS for jwt.
	Credential []byte
	Format     string
	// Image is the achievement image when the credential carries it as a data: URL
	// (decoded); nil for an http(s) image, which is never fetched here.
	Image []byte
	// RecipientName is the recipient's display name (the unhashed name identifier
	// the issue request gave), never an email address.
	RecipientName string
	// Evidence is the evidence the issuer marked public, in credential order.
	Evidence []PublicEvidence
	// LinkedInOrganizationID is the issuer's setting.
	LinkedInOrganizationID string
	// Hidden is never true in what BadgeByToken returns (hidden pages are not found).
	Hidden bool
}

// PublicEvidence is one piece of public evidence.
type PublicEvidence struct {
	Name, Description, Narrative string
	// URL is the evidence id when it is an http(s) URL.
	URL string
}

// maxImageBytes bounds a decoded data: image (the credential was bounded at issue).
const maxImageBytes = 10 << 20

// BadgeURL returns the public page URL of a page token.
func (s *Service) BadgeURL(token string) string { return s.baseS + "/badges/" + token }

// credentialView is the admin view of a stored credential: issuedView plus the
// badge page URL and visibility.
func (s *Service) credentialView(c *store.Credential, replayed bool) *Issued {
	v := issuedView(c, replayed)
	if c.PageToken != "" {
		v.BadgeURL = s.BadgeURL(c.PageToken)
	}
	v.Hidden = c.Hidden
	v.RecipientControl = c.ManageKeyHash != ""
	return v
}

// pageFields are the badge-page members of a credential being issued.
type pageFields struct {
	PageToken      string
	Hidden         bool
	PublicEvidence []int
	// ManageKey is the recipient's manage key (manage.go); only its hash is stored.
	ManageKey string
}

// pageFields draws the page token and then the manage key (from the service's
// randomness, after signing, so that they never shift what the credential itself is
// built from), applies the issuer's hidden-by-default setting and records which
// evidence is public.
func (s *Service) pageFields(l *loaded, req *IssueRequest) (pageFields, error) {
	tok, err := store.NewPageToken(s.rand)
	if err != nil {
		return pageFields{}, fmt.Errorf("issuer: page token: %w", err)
	}
	mk, err := s.newManageKey()
	if err != nil {
		return pageFields{}, err
	}
	p := pageFields{PageToken: tok, Hidden: l.pd.BadgesHiddenByDefault, ManageKey: mk}
	for i, e := range req.Evidence {
		if e.Public {
			p.PublicEvidence = append(p.PublicEvidence, i)
		}
	}
	return p, nil
}

// statusChanged runs the OnStatusChange hook after a committed status change.
func (s *Service) statusChanged(credentialURL string) {
	if s.onStatus != nil {
		s.onStatus(credentialURL)
	}
}

// ErrBadgeHidden is wrapped (with store.ErrNotFound) by BadgeByToken for a hidden
// badge, so that a hidden page and an unknown token look the same from outside.
var ErrBadgeHidden = errors.New("issuer: badge page hidden")

// BadgeByToken returns the public page of a credential by its page token (public:
// the token is the capability). An unknown token or a hidden badge gives an error
// wrapping store.ErrNotFound.
func (s *Service) BadgeByToken(ctx context.Context, token string) (*PublicBadge, error) {
	c, err := s.st.CredentialByPageToken(ctx, token)
	if err != nil {
		return nil, err
	}
	if c.Hidden {
		return nil, fmt.Errorf("%w: %w", store.ErrNotFound, ErrBadgeHidden)
	}
	l, err := s.load(ctx, c.IssuerID)
	if err != nil {
		return nil, err
	}
	b := &PublicBadge{Token: c.PageToken, CredentialURL: c.URL, Credential: c.Raw, Format: c.Format,
		LinkedInOrganizationID: l.pd.LinkedInOrganizationID}
	doc, err := credentialPayload(c.Format, c.Raw)
	if err != nil {
		// The page still shows (and the verifier explains what is wrong with the
		// bytes); only the extras read from the credential are missing.
		s.log.WarnContext(ctx, "badge page: cannot read stored credential", "credential_id", c.ID, "error", err)
		return b, nil
	}
	var pc pageCredential
	if err := json.Unmarshal(doc, &pc); err != nil {
		s.log.WarnContext(ctx, "badge page: cannot decode stored credential", "credential_id", c.ID, "error", err)
		return b, nil
	}
	for _, id := range pc.CredentialSubject.Identifier {
		if id.IdentityType == "name" && !id.Hashed && b.RecipientName == "" {
			b.RecipientName = id.IdentityHash
		}
	}
	if img, ok := decodeDataImage(pc.CredentialSubject.Achievement.Image.ID); ok {
		b.Image = img
	}
	for _, i := range c.PublicEvidence {
		if i < 0 || i >= len(pc.Evidence) {
			continue
		}
		e := pc.Evidence[i]
		pe := PublicEvidence{Name: e.Name, Description: e.Description, Narrative: e.Narrative}
		if isHTTPURL(e.ID) {
			pe.URL = e.ID
		}
		b.Evidence = append(b.Evidence, pe)
	}
	return b, nil
}

// SetBadgeHidden hides or shows a credential's public page. The page token stays the
// same, so showing it again restores the URL the recipient shared.
func (s *Service) SetBadgeHidden(ctx context.Context, p Principal, issuerID, id string, hidden bool) (*Issued, error) {
	if err := authorize(p, issuerID); err != nil {
		return nil, err
	}
	c, err := s.st.GetCredential(ctx, id)
	if err != nil || c.IssuerID != issuerID {
		return nil, fmt.Errorf("credential %s: %w", id, store.ErrNotFound)
	}
	c, err = s.st.SetCredentialHidden(ctx, id, hidden)
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "badge page visibility changed", "issuer", issuerID, "credential_id", id, "hidden", hidden)
	return s.credentialView(c, false), nil
}

// pageCredential is the part of a credential the page reads.
type pageCredential struct {
	CredentialSubject struct {
		Identifier []struct {
			IdentityHash string `json:"identityHash"`
			IdentityType string `json:"identityType"`
			Hashed       bool   `json:"hashed"`
		} `json:"identifier"`
		Achievement struct {
			Image imageRef `json:"image"`
		} `json:"achievement"`
	} `json:"credentialSubject"`
	Evidence []struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		Description string `json:"description"`
		Narrative   string `json:"narrative"`
	} `json:"evidence"`
}

// imageRef is an OB Image: an object with an id, or the bare URL.
type imageRef struct{ ID string }

func (r *imageRef) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &r.ID)
	}
	var o struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return nil // not an image this page can use; ignore
	}
	r.ID = o.ID
	return nil
}

// credentialPayload is the credential JSON of stored bytes: the bytes themselves for
// ldp, the JWS payload for jwt (vcjwt signs the credential's own members).
func credentialPayload(format string, raw []byte) ([]byte, error) {
	if format != FormatJWT {
		return raw, nil
	}
	parts := bytes.Split(bytes.TrimSpace(raw), []byte("."))
	if len(parts) != 3 {
		return nil, errors.New("not a compact JWS")
	}
	p, err := base64.RawURLEncoding.DecodeString(string(parts[1]))
	if err != nil {
		return nil, fmt.Errorf("JWS payload: %w", err)
	}
	return p, nil
}

// decodeDataImage decodes a data:image/...[;base64], URL (percent-encoded data too,
// common for SVG). Anything else, or more than maxImageBytes, is not an image here.
func decodeDataImage(s string) ([]byte, bool) {
	rest, ok := strings.CutPrefix(s, "data:")
	if !ok {
		return nil, false
	}
	meta, data, ok := strings.Cut(rest, ",")
	if !ok || !strings.HasPrefix(strings.ToLower(meta), "image/") {
		return nil, false
	}
	var out []byte
	var err error
	if strings.HasSuffix(strings.ToLower(meta), ";base64") {
		if base64.StdEncoding.DecodedLen(len(data)) > maxImageBytes+3 {
			return nil, false
		}
		out, err = base64.StdEncoding.DecodeString(data)
		if err != nil {
			out, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(data, "="))
		}
	} else {
		if len(data) > 3*maxImageBytes {
			return nil, false
		}
		var u string
		u, err = url.PathUnescape(data)
		out = []byte(u)
	}
	if err != nil || len(out) == 0 || len(out) > maxImageBytes {
		return nil, false
	}
	return out, true
}
