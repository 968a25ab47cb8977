package issuer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/obadge/obadge/keys"
	"github.com/obadge/obadge/proof/dataintegrity"
	"github.com/obadge/obadge/proof/vcjwt"
	"github.com/obadge/obadge/schema"
	"github.com/obadge/obadge/store"
)

// Credential formats.
const (
	FormatLDP = "ldp" // embedded DataIntegrityProof, eddsa-rdfc-2022
	FormatJWT = "jwt" // VC-JWT as profiled by OB 3.0
)

// Media types of stored credentials.
const (
	MediaTypeLDP = "application/vc+ld+json"
	MediaTypeJWT = "application/vc+jwt"
)

// ContextOBExtensions defines 1EdTechJsonSchemaValidator2019 (the credentialSchema
// type), which the OB 3.0.3 context does not; without it the type would be an
// undefined term and Data Integrity signing refuses it (data loss).
const ContextOBExtensions = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"

// SchemaAchievementCredential is the credentialSchema every issued credential names.
const SchemaAchievementCredential = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"

// IssueRequest is one award. Field names follow OB 3.0 where one exists.
type IssueRequest struct {
	// Achievement is the achievement's UUID or its id URL; the latest version is used.
	Achievement string         `json:"achievement"`
	Recipient   RecipientInput `json:"recipient"`
	// Name and Description of the credential; Name defaults to the achievement's.
	Name        string          `json:"name,omitempty"`
	Description string          `json:"description,omitempty"`
	Evidence    []EvidenceInput `json:"evidence,omitempty"`
	Results     []ResultInput   `json:"results,omitempty"`
	// CreditsEarned is the AchievementSubject's creditsEarned.
	CreditsEarned *float64 `json:"creditsEarned,omitempty"`
	// ValidFrom and ValidUntil are RFC 3339 date-times with a zone; ValidFrom
	// defaults to now.
	ValidFrom  string `json:"validFrom,omitempty"`
	ValidUntil string `json:"validUntil,omitempty"`
	// Format is "ldp" (default) or "jwt"; Alg for jwt is EdDSA, ES256 or RS256
	// (default RS256, the OB minimum and the most widely verified).
	Format string `json:"format,omitempty"`
	Alg    string `json:"alg,omitempty"`
}

// RecipientInput identifies the learner: an email (published only as a salted
// SHA-256 IdentityObject), and/or an id (DID or URL), and an optional display name.
//
// Email policy: the address is trimmed and lower-cased before hashing, so a
// verifier must do the same: identityHash = "sha256$" + hex(SHA-256(lower(trim(email)) + salt)).
type RecipientInput struct {
	Email string `json:"email,omitempty"`
	ID    string `json:"id,omitempty"`
	Name  string `json:"name,omitempty"`
}

// EvidenceInput is an OB Evidence item.
type EvidenceInput struct {
	ID          string `json:"id,omitempty"` // URL or data: URI of the evidence
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	Narrative   string `json:"narrative,omitempty"`
	Genre       string `json:"genre,omitempty"`
	Audience    string `json:"audience,omitempty"`
	// Public shows the evidence on the credential's public badge page (default
	// false: the evidence is in the credential, but the page does not list it).
	Public bool `json:"public,omitempty"`
}

// ResultInput is an OB Result. ResultDescription and AchievedLevel name the
// achievement's result description and rubric level by local slug or full id.
type ResultInput struct {
	ResultDescription string `json:"resultDescription,omitempty"`
	AchievedLevel     string `json:"achievedLevel,omitempty"`
	Value             string `json:"value,omitempty"`
	Status            string `json:"status,omitempty"`
}

// Issued is an issued credential as stored.
type Issued struct {
	ID                 string `json:"id"`  // UUID
	URL                string `json:"url"` // the credential's id, where it is served
	IssuerID           string `json:"issuerId"`
	AchievementID      string `json:"achievementId,omitempty"`
	AchievementVersion int    `json:"achievementVersion,omitempty"`
	Format             string `json:"format"`
	Alg                string `json:"alg"`
	KeyID              string `json:"kid"`
	IssuedAt           string `json:"issuedAt"`
	MediaType          string `json:"mediaType"`
	// BadgeURL is the credential's public page, <base>/badges/<token> (admin views
	// only: the token is the capability to see the page).
	BadgeURL string `json:"badgeUrl,omitempty"`
	// Hidden is true while the public page answers 404.
	Hidden bool `json:"hidden"`
	// RecipientControl is true when the credential has a manage key, so that its
	// recipient can hide and show the page (manage.go).
	RecipientControl bool `json:"recipientControl"`
	// ManageURL is the recipient's secret link to the page's manage form,
	// <base>/badges/<token>/manage#<key>. Only the issue response and a key
	// rotation carry it (only the key's hash is stored); an idempotent replay does
	// not: rotate the key to get a new link.
	ManageURL string `json:"manageUrl,omitempty"`
	// Raw is the exact signed credential: JSON for ldp, the compact JWS for jwt.
	Raw []byte `json:"-"`
	// Replayed is true when an Idempotency-Key returned an earlier issue.
	Replayed bool `json:"-"`
}

func issuedView(c *store.Credential, replayed bool) *Issued {
	mt := MediaTypeLDP
	if c.Format == FormatJWT {
		mt = MediaTypeJWT
	}
	return &Issued{ID: c.ID, URL: c.URL, IssuerID: c.IssuerID, AchievementID: c.AchievementID,
		AchievementVersion: c.AchievementVersion, Format: c.Format, Alg: c.Alg, KeyID: c.KeyID,
		IssuedAt: c.IssuedAt.UTC().Format(time.RFC3339), MediaType: mt, Raw: c.Raw, Replayed: replayed}
}

// The credential as published, members in this order.
type credentialDoc struct {
	Context           []string        `json:"@context"`
	ID                string          `json:"id"`
	Type              []string        `json:"type"`
	Name              string          `json:"name"`
	Description       string          `json:"description,omitempty"`
	Issuer            profileDoc      `json:"issuer"`
	ValidFrom         string          `json:"validFrom"`
	ValidUntil        string          `json:"validUntil,omitempty"`
	CredentialSubject subjectDoc      `json:"credentialSubject"`
	Evidence          []evidenceDoc   `json:"evidence,omitempty"`
	CredentialSchema  []schemaRef     `json:"credentialSchema"`
	CredentialStatus  json.RawMessage `json:"credentialStatus,omitempty"`
}

type subjectDoc struct {
	ID            string           `json:"id,omitempty"`
	Type          []string         `json:"type"`
	Identifier    []identityObject `json:"identifier,omitempty"`
	Achievement   json.RawMessage  `json:"achievement"`
	CreditsEarned *float64         `json:"creditsEarned,omitempty"`
	Result        []resultDoc      `json:"result,omitempty"`
}

type identityObject struct {
	Type         string `json:"type"`
	IdentityHash string `json:"identityHash"`
	IdentityType string `json:"identityType"`
	Hashed       bool   `json:"hashed"`
	Salt         string `json:"salt,omitempty"`
}

type resultDoc struct {
	Type              []string `json:"type"`
	ResultDescription string   `json:"resultDescription,omitempty"`
	AchievedLevel     string   `json:"achievedLevel,omitempty"`
	Value             string   `json:"value,omitempty"`
	Status            string   `json:"status,omitempty"`
}

type evidenceDoc struct {
	ID          string   `json:"id,omitempty"`
	Type        []string `json:"type"`
	Name        string   `json:"name,omitempty"`
	Description string   `json:"description,omitempty"`
	Narrative   string   `json:"narrative,omitempty"`
	Genre       string   `json:"genre,omitempty"`
	Audience    string   `json:"audience,omitempty"`
}

type schemaRef struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

var (
	resultStatuses = setOf("Completed", "Enrolled", "Failed", "InProgress", "OnHold", "Provisional", "Withdrew")
	uuidRE         = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	maxIdemKeyLen  = 255
)

// normalizeEmail applies the documented policy (trim, lower-case) and checks the
// result is a bare addr-spec.
func normalizeEmail(s string) (string, error) {
	n := strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(n)
	if err != nil || a.Address != n || a.Name != "" || !strings.Contains(n[strings.LastIndex(n, "@")+1:], ".") {
		return "", errors.New("is not a valid email address (name@domain.tld)")
	}
	return n, nil
}

// HashEmail returns the OB identityHash of an email under salt, with the issuer's
// policy applied (trim, lower-case): "sha256$" + hex(SHA-256(email + salt)).
func HashEmail(email, salt string) (string, error) {
	n, err := normalizeEmail(email)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(n + salt))
	return "sha256$" + hex.EncodeToString(sum[:]), nil
}

func isAbsoluteURI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && (u.Host != "" || u.Opaque != "") && !strings.ContainsAny(s, " \t\n")
}

// parseDate parses an RFC 3339 date-time with a zone (OB DateTimeZ).
func parseDate(f *fieldErrs, pointer, v string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		f.add(pointer, "must be an RFC 3339 date-time with a time zone, e.g. 2026-05-01T00:00:00Z")
		return time.Time{}
	}
	return t
}

// validate normalises the request and returns the achievement UUID it names.
func (s *Service) validateIssue(issuerID string, r *IssueRequest) (string, error) {
	var f fieldErrs
	achID := strings.TrimSpace(r.Achievement)
	if prefix := s.AchievementURL(issuerID, ""); strings.HasPrefix(achID, prefix) {
		achID = strings.TrimPrefix(achID, prefix)
	}
	switch {
	case r.Achievement == "":
		f.add("/achievement", "is required (the achievement's id or URL)")
	case !uuidRE.MatchString(achID):
		f.add("/achievement", "is not an achievement id or URL of issuer %q", issuerID)
	}
	if r.Recipient.Email == "" && r.Recipient.ID == "" {
		f.add("/recipient", "needs an email or an id (DID or URL)")
	}
	if r.Recipient.Email != "" {
		if _, err := normalizeEmail(r.Recipient.Email); err != nil {
			f.add("/recipient/email", "%v", err)
		}
	}
	if r.Recipient.ID != "" && !isAbsoluteURI(r.Recipient.ID) {
		f.add("/recipient/id", "must be an absolute URI (a DID or URL)")
	}
	switch r.Format {
	case "":
		r.Format = FormatLDP
		fallthrough
	case FormatLDP:
		if r.Alg != "" && r.Alg != keys.AlgEdDSA {
			f.add("/alg", "ldp credentials are signed with eddsa-rdfc-2022 (EdDSA); leave alg empty")
		}
		r.Alg = keys.AlgEdDSA
	case FormatJWT:
		switch r.Alg {
		case "":
			r.Alg = keys.AlgRS256
		case keys.AlgEdDSA, keys.AlgES256, keys.AlgRS256:
		default:
			f.add("/alg", "must be EdDSA, ES256 or RS256")
		}
	default:
		f.add("/format", `must be "ldp" or "jwt"`)
	}
	var from time.Time
	if r.ValidFrom != "" {
		from = parseDate(&f, "/validFrom", r.ValidFrom)
	}
	if r.ValidUntil != "" {
		until := parseDate(&f, "/validUntil", r.ValidUntil)
		if start := from; !until.IsZero() {
			if start.IsZero() && r.ValidFrom == "" {
				start = s.nowUTC()
			}
			if !start.IsZero() && !until.After(start) {
				f.add("/validUntil", "must be after validFrom")
			}
		}
	}
	for i, e := range r.Evidence {
		p := fmt.Sprintf("/evidence/%d", i)
		if e.ID != "" && !isAbsoluteURI(e.ID) {
			f.add(p+"/id", "must be a URL or data: URI")
		}
		if e.ID == "" && e.Narrative == "" && e.Name == "" && e.Description == "" {
			f.add(p, "needs at least an id, name, description or narrative")
		}
	}
	for i, res := range r.Results {
		if res.Status != "" && !resultStatuses[res.Status] {
			f.add(fmt.Sprintf("/results/%d/status", i), "must be one of Completed, Enrolled, Failed, InProgress, OnHold, Provisional, Withdrew")
		}
	}
	if r.CreditsEarned != nil && *r.CreditsEarned < 0 {
		f.add("/creditsEarned", "must not be negative")
	}
	return achID, f.err()
}

// requestHash is the fingerprint an Idempotency-Key is bound to: the normalised
// request (so whitespace and member order of the body do not matter).
func requestHash(issuerID string, r *IssueRequest) string {
	raw, _ := json.Marshal(struct {
		Issuer string
		Req    *IssueRequest
	}{issuerID, r})
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// EmailLookupHash is the hex SHA-256 of an email after the issuer's policy (trim,
// lower-case): what CredentialFilter.RecipientHash takes, so that a client can
// filter by recipient without sending the address. It is never published.
func EmailLookupHash(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return hex.EncodeToString(sum[:])
}

var hexSHA256RE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// recipientKey is the issuer-salted lookup hash a credential is indexed under.
func recipientKey(salt []byte, kind, value string) string {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(kind + ":" + value))
	return hex.EncodeToString(h.Sum(nil))
}

// Issue issues one credential for issuerID. With a non-empty idempotencyKey, a
// retry with the same request returns the stored credential (Replayed set) and a
// reuse with a different request fails with store.ErrIdempotencyMismatch.
func (s *Service) Issue(ctx context.Context, p Principal, issuerID string, req IssueRequest, idempotencyKey string) (*Issued, error) {
	if err := authorize(p, issuerID); err != nil {
		return nil, err
	}
	if len(idempotencyKey) > maxIdemKeyLen {
		return nil, invalid("/Idempotency-Key", "must be at most %d characters", maxIdemKeyLen)
	}
	l, err := s.load(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	achID, err := s.validateIssue(issuerID, &req)
	if err != nil {
		return nil, err
	}
	signer, _, err := s.activeSigner(ctx, l, req.Alg)
	if err != nil {
		return nil, err
	}
	params := store.IssueParams{IssuerID: issuerID, IdempotencyKey: idempotencyKey, RequestHash: requestHash(issuerID, &req)}
	var manageKey string
	c, replayed, err := s.st.IssueCredential(ctx, params, func(tx store.IssueTx) (*store.Credential, error) {
		ach, err := tx.Achievement(achID, 0)
		if errors.Is(err, store.ErrNotFound) {
			return nil, invalid("/achievement", "issuer %q has no achievement %s", issuerID, achID)
		} else if err != nil {
			return nil, err
		}
		return s.buildAndSign(ctx, tx, l, ach, &req, signer, &manageKey)
	})
	if err != nil {
		if errors.Is(err, store.ErrIdempotencyMismatch) {
			return nil, fmt.Errorf("issuer: Idempotency-Key %q: %w", idempotencyKey, err)
		}
		return nil, err
	}
	if !replayed {
		s.log.InfoContext(ctx, "credential issued", "credential_id", c.ID, "issuer", issuerID, "kid", c.KeyID, "alg", c.Alg, "format", c.Format)
	}
	v := s.credentialView(c, replayed)
	if !replayed {
		v.ManageURL = s.ManageURL(c.PageToken, manageKey)
	}
	return v, nil
}

// buildAndSign builds, validates and signs the credential of req and sets
// *manageKey to the recipient's manage key, whose hash the record carries.
func (s *Service) buildAndSign(ctx context.Context, tx store.IssueTx, l *loaded, ach *store.Achievement, req *IssueRequest, signer keys.Signer, manageKey *string) (*store.Credential, error) {
	var f fieldErrs
	var achDoc achievementDoc
	if err := json.Unmarshal(ach.Doc, &achDoc); err != nil {
		return nil, fmt.Errorf("issuer: decode achievement %s: %w", ach.ID, err)
	}
	now := s.nowUTC()
	id := s.newID()
	credURL := s.CredentialURL(id)
	cred := credentialDoc{
		Context:     []string{schema.ContextVCv2, schema.ContextOB303, ContextOBExtensions},
		ID:          credURL,
		Type:        []string{"VerifiableCredential", "OpenBadgeCredential"},
		Name:        firstNonEmpty(strings.TrimSpace(req.Name), achDoc.Name),
		Description: strings.TrimSpace(req.Description),
		Issuer:      l.profile(false),
		ValidFrom:   firstNonEmpty(req.ValidFrom, now.Format(time.RFC3339)),
		ValidUntil:  req.ValidUntil,
		CredentialSubject: subjectDoc{
			ID: req.Recipient.ID, Type: []string{"AchievementSubject"}, Achievement: ach.Doc, CreditsEarned: req.CreditsEarned,
		},
		CredentialSchema: []schemaRef{{ID: SchemaAchievementCredential, Type: "1EdTechJsonSchemaValidator2019"}},
	}
	var rkeys []string
	if req.Recipient.ID != "" {
		rkeys = append(rkeys, recipientKey(l.rec.IndexSalt, "id", req.Recipient.ID))
	}
	if req.Recipient.Email != "" {
		salt, err := s.randomHex(16)
		if err != nil {
			return nil, err
		}
		hash, err := HashEmail(req.Recipient.Email, salt)
		if err != nil {
			return nil, invalid("/recipient/email", "%v", err)
		}
		norm, _ := normalizeEmail(req.Recipient.Email)
		rkeys = append(rkeys, recipientKey(l.rec.IndexSalt, "email", EmailLookupHash(norm)))
		cred.CredentialSubject.Identifier = append(cred.CredentialSubject.Identifier,
			identityObject{Type: "IdentityObject", IdentityHash: hash, IdentityType: "emailAddress", Hashed: true, Salt: salt})
	}
	if name := strings.TrimSpace(req.Recipient.Name); name != "" {
		cred.CredentialSubject.Identifier = append(cred.CredentialSubject.Identifier,
			identityObject{Type: "IdentityObject", IdentityHash: name, IdentityType: "name", Hashed: false})
	}
	for _, e := range req.Evidence {
		cred.Evidence = append(cred.Evidence, evidenceDoc{ID: e.ID, Type: []string{"Evidence"}, Name: e.Name,
			Description: e.Description, Narrative: e.Narrative, Genre: e.Genre, Audience: e.Audience})
	}
	for i, r := range req.Results {
		p := fmt.Sprintf("/results/%d", i)
		rd := findResultDesc(achDoc, r.ResultDescription)
		res := resultDoc{Type: []string{"Result"}, Value: r.Value, Status: r.Status}
		if r.ResultDescription != "" {
			if rd == nil {
				f.add(p+"/resultDescription", "the achievement has no result description %q", r.ResultDescription)
			} else {
				res.ResultDescription = rd.ID
			}
		}
		if r.AchievedLevel != "" {
			lv := findLevel(rd, r.AchievedLevel)
			if lv == "" {
				f.add(p+"/achievedLevel", "is not a rubric level of the named result description")
			}
			res.AchievedLevel = lv
		}
		if rd != nil {
			if rd.ResultType == "Status" && r.Status == "" {
				f.add(p+"/status", "is required for a result description of type Status")
			}
			if len(rd.AllowedValue) > 0 && r.Value != "" && !slices.Contains(rd.AllowedValue, r.Value) {
				f.add(p+"/value", "must be one of %v", rd.AllowedValue)
			}
		}
		if r.Value == "" && r.Status == "" && r.AchievedLevel == "" {
			f.add(p, "needs a value, status or achievedLevel")
		}
		cred.CredentialSubject.Result = append(cred.CredentialSubject.Result, res)
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	var listID string
	var index uint64
	if s.status != nil {
		st, lid, idx, err := s.status.Assign(tx, l.rec.ID, credURL)
		if err != nil {
			return nil, fmt.Errorf("issuer: assign status: %w", err)
		}
		cred.CredentialStatus, listID, index = st, lid, idx
	}
	doc, err := json.Marshal(cred)
	if err != nil {
		return nil, err
	}
	if err := validateBuilt(cred, doc); err != nil {
		return nil, fmt.Errorf("issuer: built credential fails OB validation: %w", err)
	}
	var raw []byte
	format := FormatLDP
	if req.Format == FormatJWT {
		format = FormatJWT
		tok, err := vcjwt.Sign(doc, signer, vcjwt.SignOptions{KeyID: signer.KeyID()})
		if err != nil {
			return nil, fmt.Errorf("issuer: sign JWT: %w", err)
		}
		raw = []byte(tok)
	} else {
		raw, err = dataintegrity.Sign(ctx, doc, signer, dataintegrity.SignOptions{Created: now, VerificationMethod: signer.KeyID()})
		if err != nil {
			return nil, fmt.Errorf("issuer: sign credential: %w", err)
		}
	}
	page, err := s.pageFields(l, req)
	if err != nil {
		return nil, err
	}
	*manageKey = page.ManageKey
	return &store.Credential{ID: id, URL: credURL, IssuerID: l.rec.ID, AchievementID: ach.ID, AchievementVersion: ach.Version,
		RecipientKeys: rkeys, Format: format, Alg: signer.Algorithm(), KeyID: signer.KeyID(), IssuedAt: now, Raw: raw,
		StatusListID: listID, StatusIndex: index,
		PageToken: page.PageToken, Hidden: page.Hidden, PublicEvidence: page.PublicEvidence,
		ManageKeyHash: store.HashManageKey(page.ManageKey)}, nil
}

func findResultDesc(a achievementDoc, ref string) *resultDescDoc {
	if ref == "" {
		return nil
	}
	for i := range a.ResultDesc {
		rd := &a.ResultDesc[i]
		if rd.ID == ref || strings.HasSuffix(rd.ID, "#"+ref) {
			return rd
		}
	}
	return nil
}

func findLevel(rd *resultDescDoc, ref string) string {
	if rd == nil {
		return ""
	}
	slug := rd.ID[strings.LastIndex(rd.ID, "#")+1:]
	for _, lv := range rd.Levels {
		if lv.ID == ref || strings.HasSuffix(lv.ID, "#"+slug+"-"+ref) {
			return lv.ID
		}
	}
	return ""
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

// CredentialURL is the id URL of a credential, where it is served.
func (s *Service) CredentialURL(id string) string { return s.baseS + "/credentials/" + id }

// PublicCredential returns a stored credential by UUID for its public URL.
func (s *Service) PublicCredential(ctx context.Context, id string) (*Issued, error) {
	if !uuidRE.MatchString(id) {
		return nil, fmt.Errorf("credential %q: %w", id, store.ErrNotFound)
	}
	c, err := s.st.GetCredential(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("credential %s: %w", id, err)
	}
	return issuedView(c, false), nil
}

// GetCredential returns a credential of issuerID for the admin API.
func (s *Service) GetCredential(ctx context.Context, p Principal, issuerID, id string) (*Issued, error) {
	if err := authorize(p, issuerID); err != nil {
		return nil, err
	}
	c, err := s.st.GetCredential(ctx, id)
	if err != nil || c.IssuerID != issuerID {
		return nil, fmt.Errorf("credential %s: %w", id, store.ErrNotFound)
	}
	return s.credentialView(c, false), nil
}

// CredentialFilter selects credentials in ListCredentials.
type CredentialFilter struct {
	Achievement string // UUID
	// Recipient is an email (policy-normalised) or a recipient id.
	Recipient string
	// RecipientHash is EmailLookupHash of the recipient's email (lower-case hex).
	RecipientHash string
	Since, Until  time.Time
	Limit         int
	Cursor        string
}

// ListCredentials returns one page of an issuer's credentials and the next cursor.
func (s *Service) ListCredentials(ctx context.Context, p Principal, issuerID string, q CredentialFilter) ([]*Issued, string, error) {
	if err := authorize(p, issuerID); err != nil {
		return nil, "", err
	}
	l, err := s.load(ctx, issuerID)
	if err != nil {
		return nil, "", err
	}
	sq := store.Query{IssuerID: issuerID, AchievementID: q.Achievement, Since: q.Since, Until: q.Until, Limit: q.Limit, Cursor: q.Cursor}
	if q.RecipientHash != "" {
		if !hexSHA256RE.MatchString(q.RecipientHash) {
			return nil, "", invalid("?recipientHash", "must be the lower-case hex SHA-256 of the trimmed, lower-cased email")
		}
		sq.RecipientKey = recipientKey(l.rec.IndexSalt, "email", q.RecipientHash)
	} else if q.Recipient != "" {
		if n, err := normalizeEmail(q.Recipient); err == nil && !strings.Contains(q.Recipient, ":") {
			sq.RecipientKey = recipientKey(l.rec.IndexSalt, "email", EmailLookupHash(n))
		} else {
			sq.RecipientKey = recipientKey(l.rec.IndexSalt, "id", q.Recipient)
		}
	}
	cs, next, err := s.st.ListCredentials(ctx, sq)
	if errors.Is(err, store.ErrBadCursor) {
		return nil, "", invalid("/cursor", "is not a cursor of this listing")
	} else if err != nil {
		return nil, "", fmt.Errorf("issuer: list credentials: %w", err)
	}
	out := make([]*Issued, 0, len(cs))
	for _, c := range cs {
		out = append(out, s.credentialView(c, false))
	}
	return out, next, nil
}
