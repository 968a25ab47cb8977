package issuer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/obadge/obadge/keys"
	"github.com/obadge/obadge/proof/dataintegrity"
	"github.com/obadge/obadge/schema"
	"github.com/obadge/obadge/statuslist"
	"github.com/obadge/obadge/store"
)

// Status states of a credential.
const (
	StateActive    = "active"
	StateSuspended = "suspended"
	StateRevoked   = "revoked"
)

// MediaTypeStatusList is the content type of a served status list credential.
const MediaTypeStatusList = "application/vc+ld+json"

// StatusListOptions configure the built-in W3C Bitstring Status List.
type StatusListOptions struct {
	// Size is the number of entries of each new list; if zero, statuslist.MinEntries
	// (131,072). It must be a multiple of 8. Sizes below MinEntries are for tests:
	// verifiers refuse such lists (STATUS_LIST_LENGTH_ERROR).
	Size int
}

// WithStatusLists gives every credential Issue makes (and every VC API credential
// that asks for one) a BitstringStatusListEntry for revocation, plus one for
// suspension when the issuer's settings enable it. Indexes are random within the
// list and allocated in the issue transaction. It replaces Config.Status.
func WithStatusLists(o StatusListOptions) Option {
	return func(s *Service) {
		if o.Size <= 0 {
			o.Size = statuslist.MinEntries
		}
		s.status = &builtinStatus{svc: s, size: o.Size}
	}
}

// builtinStatus is the built-in StatusAssigner.
type builtinStatus struct {
	svc  *Service
	size int
}

// statusEntryDoc is a BitstringStatusListEntry, members in this order.
type statusEntryDoc struct {
	ID                   string `json:"id"`
	Type                 string `json:"type"`
	StatusPurpose        string `json:"statusPurpose"`
	StatusListIndex      string `json:"statusListIndex"`
	StatusListCredential string `json:"statusListCredential"`
}

// StatusListURL is the public URL of list n of an issuer's purpose: the
// statusListCredential of its entries and the list credential's id.
func (s *Service) StatusListURL(issuerID, purpose string, n int) string {
	return s.IssuerURL(issuerID) + "/status/" + purpose + "/" + strconv.Itoa(n)
}

// Assign implements StatusAssigner.
//
// credentialStatus shape: OB 3.0 allows one CredentialStatus object (0..1, with a
// required id) while Bitstring Status List puts one entry per purpose. With
// suspension off (the default) the credential carries ONE object, the revocation
// entry, with id <list URL>#<index>: conformant to both. With suspension on it
// carries an ARRAY [revocation, suspension] (valid VCDM 2.0 and BSL, the shape the
// wider VC ecosystem issues for OB 3.0, e.g. the DCC issuer), revocation first so
// consumers reading one entry see the irreversible one. That breaks OB's 0..1:
// schema.ValidateOB (and the strict OB JSON schema, hence the 1EdTech validator)
// refuse the array, so suspension is an explicit per-issuer opt-in; we check the
// OB data model on the credential with its revocation entry only, and the full
// document against the VC data model (validateBuilt).
func (a *builtinStatus) Assign(tx store.IssueTx, issuerID, credentialURL string) (json.RawMessage, string, uint64, error) {
	es, err := a.allocate(tx, credentialURL)
	if err != nil {
		return nil, "", 0, err
	}
	raw, err := a.svc.statusJSON(issuerID, es)
	if err != nil {
		return nil, "", 0, err
	}
	return raw, es[0].ListID, es[0].Index, nil
}

func (a *builtinStatus) allocate(tx store.IssueTx, credentialURL string) ([]store.StatusEntry, error) {
	set, err := tx.StatusSettings()
	if err != nil {
		return nil, err
	}
	purposes := []string{store.PurposeRevocation}
	if set.Suspension {
		purposes = append(purposes, store.PurposeSuspension)
	}
	return tx.AllocateStatus(store.StatusAllocation{CredentialURL: credentialURL, Purposes: purposes, ListSize: a.size,
		Rand: a.svc.rand, At: a.svc.nowUTC()})
}

func (s *Service) statusJSON(issuerID string, es []store.StatusEntry) (json.RawMessage, error) {
	docs := make([]statusEntryDoc, len(es))
	for i, e := range es {
		u := s.StatusListURL(issuerID, e.Purpose, e.N)
		idx := strconv.FormatUint(e.Index, 10)
		docs[i] = statusEntryDoc{ID: u + "#" + idx, Type: "BitstringStatusListEntry", StatusPurpose: e.Purpose,
			StatusListIndex: idx, StatusListCredential: u}
	}
	if len(docs) == 1 {
		return json.Marshal(docs[0])
	}
	return json.Marshal(docs)
}

// validateBuilt checks a credential Issue built: ValidateOB, except that a
// credentialStatus array (suspension on, see Assign) is checked as OB with its
// first entry. The array's entries are ours (statusJSON); signing then checks
// every term of the whole document for JSON-LD data loss.
func validateBuilt(cred credentialDoc, doc []byte) error {
	if len(cred.CredentialStatus) == 0 || cred.CredentialStatus[0] != '[' {
		return schema.ValidateOB(doc)
	}
	var entries []json.RawMessage
	if err := json.Unmarshal(cred.CredentialStatus, &entries); err != nil || len(entries) == 0 {
		return fmt.Errorf("issuer: credentialStatus array: %v", err)
	}
	one := cred
	one.CredentialStatus = entries[0]
	first, err := json.Marshal(one)
	if err != nil {
		return err
	}
	return schema.ValidateOB(first)
}

// statusListDoc is a BitstringStatusListCredential (VCDM 2.0), before its proof.
type statusListDoc struct {
	Context           []string          `json:"@context"`
	ID                string            `json:"id"`
	Type              []string          `json:"type"`
	Issuer            string            `json:"issuer"`
	ValidFrom         string            `json:"validFrom"`
	CredentialSubject statusListSubject `json:"credentialSubject"`
}

type statusListSubject struct {
	ID            string `json:"id"`
	Type          string `json:"type"`
	StatusPurpose string `json:"statusPurpose"`
	EncodedList   string `json:"encodedList"`
}

// listSigner returns what signing an issuer's status lists needs, read before
// any write transaction (bbolt must not open a read inside a write in one
// goroutine).
func (s *Service) listSigner(ctx context.Context, issuerID string) (*loaded, keys.Signer, error) {
	l, err := s.load(ctx, issuerID)
	if err != nil {
		return nil, nil, err
	}
	sg, _, err := s.primarySigner(ctx, l, keys.AlgEdDSA)
	if err != nil {
		return nil, nil, err
	}
	if sg == nil {
		return nil, nil, fmt.Errorf("issuer: %q has no Ed25519 key to sign its status lists", issuerID)
	}
	return l, sg, nil
}

// signList builds and signs (eddsa-rdfc-2022) the status list credential of l.
func (s *Service) signList(ctx context.Context, iss *loaded, sg keys.Signer, l *store.StatusList, bits []byte) ([]byte, error) {
	enc, err := statuslist.Encode(bits)
	if err != nil {
		return nil, fmt.Errorf("issuer: encode status list %s: %w", l.ID, err)
	}
	u := s.StatusListURL(l.IssuerID, l.Purpose, l.N)
	doc, err := json.Marshal(statusListDoc{
		Context: []string{schema.ContextVCv2}, ID: u, Type: []string{"VerifiableCredential", "BitstringStatusListCredential"},
		Issuer: iss.did, ValidFrom: l.UpdatedAt.UTC().Format(time.RFC3339),
		CredentialSubject: statusListSubject{ID: u + "#list", Type: "BitstringStatusList", StatusPurpose: l.Purpose, EncodedList: enc},
	})
	if err != nil {
		return nil, err
	}
	raw, err := dataintegrity.Sign(ctx, doc, sg, dataintegrity.SignOptions{Created: l.UpdatedAt, VerificationMethod: sg.KeyID()})
	if err != nil {
		return nil, fmt.Errorf("issuer: sign status list %s: %w", l.ID, err)
	}
	return raw, nil
}

// StatusList returns the signed status list credential n of an issuer's purpose
// (public), signing and caching it when no current signed copy exists (a new
// list, or a crash between a change and its signature).
func (s *Service) StatusList(ctx context.Context, issuerID, purpose string, n int) (*store.SignedStatusList, error) {
	if (purpose != store.PurposeRevocation && purpose != store.PurposeSuspension) || n < 1 || !slugRE.MatchString(issuerID) {
		return nil, fmt.Errorf("status list %s/%s/%d: %w", issuerID, purpose, n, store.ErrNotFound)
	}
	listID := store.ListID(issuerID, purpose, n)
	l, bits, signed, err := s.st.StatusListState(ctx, listID)
	if err != nil {
		return nil, fmt.Errorf("status list %s/%s/%d: %w", issuerID, purpose, n, err)
	}
	if signed != nil {
		return signed, nil
	}
	iss, sg, err := s.listSigner(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	raw, err := s.signList(ctx, iss, sg, l, bits)
	if err != nil {
		return nil, err
	}
	return s.st.PutSignedStatusList(ctx, listID, l.Version, raw)
}

// Document implements verifier.DocumentSource: it answers for this service's
// status list URLs from the store, so verifying our own credentials neither
// fetches our own (possibly private) address nor tells anyone what is checked.
func (s *Service) Document(ctx context.Context, url string) ([]byte, bool, error) {
	rest, ok := strings.CutPrefix(url, s.baseS+"/issuers/")
	if !ok {
		return nil, false, nil
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 4 || parts[1] != "status" {
		return nil, false, nil
	}
	n, err := strconv.Atoi(parts[3])
	if err != nil {
		return nil, false, nil
	}
	sl, err := s.StatusList(ctx, parts[0], parts[2], n)
	if err != nil {
		return nil, false, err
	}
	return sl.Raw, true, nil
}

// StatusSettings are an issuer's status settings as the API shows them.
type StatusSettings struct {
	// Suspension gives credentials issued from now on a suspension entry beside the
	// revocation entry (credentialStatus becomes an array; see the OB note in the
	// docs). Credentials issued before keep the entries they have.
	Suspension bool `json:"suspension"`
}

// GetStatusSettings returns an issuer's status settings.
func (s *Service) GetStatusSettings(ctx context.Context, p Principal, issuerID string) (*StatusSettings, error) {
	if err := authorize(p, issuerID); err != nil {
		return nil, err
	}
	if _, err := s.load(ctx, issuerID); err != nil {
		return nil, err
	}
	st, err := s.st.GetStatusSettings(ctx, issuerID)
	if err != nil {
		return nil, fmt.Errorf("issuer: status settings of %q: %w", issuerID, err)
	}
	return &StatusSettings{Suspension: st.Suspension}, nil
}

// SetStatusSettings replaces an issuer's status settings.
func (s *Service) SetStatusSettings(ctx context.Context, p Principal, issuerID string, in StatusSettings) (*StatusSettings, error) {
	if err := authorize(p, issuerID); err != nil {
		return nil, err
	}
	if _, err := s.load(ctx, issuerID); err != nil {
		return nil, err
	}
	if err := s.st.SetStatusSettings(ctx, issuerID, store.StatusSettings{Suspension: in.Suspension}); err != nil {
		return nil, fmt.Errorf("issuer: set status settings of %q: %w", issuerID, err)
	}
	s.log.InfoContext(ctx, "status settings changed", "issuer", issuerID, "suspension", in.Suspension)
	return &in, nil
}

// StatusChangeRequest revokes, suspends or reinstates a credential.
type StatusChangeRequest struct {
	// Action is "revoke" (final), "suspend" or "reinstate" (ends a suspension).
	Action string `json:"action"`
	// Reason is why; it is recorded with who and when (required, at most 500
	// characters; never published).
	Reason string `json:"reason"`
}

// StatusEntryView is one status entry of a credential.
type StatusEntryView struct {
	ID                   string `json:"id"`
	StatusPurpose        string `json:"statusPurpose"`
	StatusListIndex      string `json:"statusListIndex"`
	StatusListCredential string `json:"statusListCredential"`
}

// CredentialStatus is a credential's status with its history (admin view).
type CredentialStatus struct {
	CredentialID string              `json:"credentialId"` // the credential's id URL
	State        string              `json:"state"`        // active | suspended | revoked
	Entries      []StatusEntryView   `json:"entries"`
	History      []store.StatusEvent `json:"history"`
	// Changed is false when a change found the credential in that state already.
	Changed bool `json:"changed"`
}

func (s *Service) statusView(rec *store.StatusRecord, changed bool) *CredentialStatus {
	v := &CredentialStatus{CredentialID: rec.CredentialURL, State: StateActive, Entries: []StatusEntryView{},
		History: rec.Events, Changed: changed}
	if v.History == nil {
		v.History = []store.StatusEvent{}
	}
	switch {
	case rec.Revoked:
		v.State = StateRevoked
	case rec.Suspended:
		v.State = StateSuspended
	}
	for _, e := range rec.Entries {
		u := s.StatusListURL(rec.IssuerID, e.Purpose, e.N)
		idx := strconv.FormatUint(e.Index, 10)
		v.Entries = append(v.Entries, StatusEntryView{ID: u + "#" + idx, StatusPurpose: e.Purpose, StatusListIndex: idx, StatusListCredential: u})
	}
	return v
}

// credentialURLOf returns the id URL of a stored credential of issuerID.
func (s *Service) credentialURLOf(ctx context.Context, issuerID, id string) (string, error) {
	c, err := s.st.GetCredential(ctx, id)
	if err != nil || c.IssuerID != issuerID {
		return "", fmt.Errorf("credential %s: %w", id, store.ErrNotFound)
	}
	return c.URL, nil
}

// CredentialStatus returns the status and history of a credential (by UUID).
func (s *Service) CredentialStatus(ctx context.Context, p Principal, issuerID, id string) (*CredentialStatus, error) {
	if err := authorize(p, issuerID); err != nil {
		return nil, err
	}
	u, err := s.credentialURLOf(ctx, issuerID, id)
	if err != nil {
		return nil, err
	}
	rec, err := s.st.GetStatusRecord(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("credential %s has no status entry: %w", id, err)
	}
	return s.statusView(rec, false), nil
}

// ChangeCredentialStatus revokes, suspends or reinstates a credential (by UUID).
// A revoked credential cannot be reinstated or suspended (store.ErrConflict); a
// credential issued without a suspension entry cannot be suspended (invalid
// request).
func (s *Service) ChangeCredentialStatus(ctx context.Context, p Principal, issuerID, id string, req StatusChangeRequest) (*CredentialStatus, error) {
	if err := authorize(p, issuerID); err != nil {
		return nil, err
	}
	if err := validateChange(&req, true); err != nil {
		return nil, err
	}
	u, err := s.credentialURLOf(ctx, issuerID, id)
	if err != nil {
		return nil, err
	}
	return s.changeStatus(ctx, p, issuerID, u, req)
}

// ChangeStatusByCredentialID is the VC API status update: the credential is
// named by its id (URL or URN) as issued; the principal must act for its issuer.
func (s *Service) ChangeStatusByCredentialID(ctx context.Context, p Principal, credentialID string, req StatusChangeRequest) (*CredentialStatus, error) {
	if err := validateChange(&req, false); err != nil {
		return nil, err
	}
	rec, err := s.st.GetStatusRecord(ctx, credentialID)
	if err != nil {
		return nil, fmt.Errorf("credential %q has no status entry here: %w", credentialID, err)
	}
	if err := authorize(p, rec.IssuerID); err != nil {
		return nil, err
	}
	return s.changeStatus(ctx, p, rec.IssuerID, credentialID, req)
}

func validateChange(req *StatusChangeRequest, reasonRequired bool) error {
	var f fieldErrs
	switch req.Action {
	case store.ActionRevoke, store.ActionSuspend, store.ActionReinstate:
	default:
		f.add("/action", `must be "revoke", "suspend" or "reinstate"`)
	}
	req.Reason = strings.TrimSpace(req.Reason)
	if req.Reason == "" && reasonRequired {
		f.add("/reason", "is required: say why (it is recorded, never published)")
	}
	if len(req.Reason) > 500 {
		f.add("/reason", "must be at most 500 characters")
	}
	return f.err()
}

// by names who made a change: the token's scope and name.
func (p Principal) by() string {
	scope := "admin"
	if !p.Admin {
		scope = "issuer " + p.IssuerID
	}
	if p.Name == "" {
		return scope + " token"
	}
	return fmt.Sprintf("%s token %q", scope, p.Name)
}

func (s *Service) changeStatus(ctx context.Context, p Principal, issuerID, credURL string, req StatusChangeRequest) (*CredentialStatus, error) {
	iss, sg, err := s.listSigner(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	ch := store.StatusChange{IssuerID: issuerID, CredentialURL: credURL, Action: req.Action, Reason: req.Reason, By: p.by(), At: s.nowUTC()}
	rec, changed, err := s.st.ChangeStatus(ctx, ch, func(l *store.StatusList, bits []byte) ([]byte, error) {
		return s.signList(ctx, iss, sg, l, bits)
	})
	if errors.Is(err, store.ErrNoStatus) {
		return nil, invalid("/action", "credential %s was issued without a suspension entry (the issuer's suspension setting was off); it can only be revoked", credURL)
	}
	if err != nil {
		return nil, err
	}
	if changed {
		s.log.InfoContext(ctx, "credential status changed", "issuer", issuerID, "credential", credURL, "action", req.Action, "by", ch.By)
		s.statusChanged(credURL)
	}
	return s.statusView(rec, changed), nil
}

// VCIssueOptions are the VC API issue options obadge honours.
type VCIssueOptions struct {
	// CredentialStatus adds a BitstringStatusListEntry (options.credentialStatus
	// {"type": "BitstringStatusListEntry"}); it needs WithStatusLists.
	CredentialStatus bool
	// CredentialID (options.credentialId) names a credential that has no id, for
	// later status updates. Without either, a credential that asks for a status
	// entry gets the id urn:uuid:<UUID>.
	CredentialID string
}

// vcStatus adds the status entries (and, when the credential has none, an id
// urn:uuid:<storeID> to key them by) to a VC API credential inside the issue
// transaction. It returns the document to sign and the credential's id.
func (s *Service) vcStatus(tx store.IssueTx, issuerID string, doc []byte, credURL, storeID string) ([]byte, string, *store.StatusEntry, error) {
	a, ok := s.status.(*builtinStatus)
	if !ok {
		return nil, "", nil, invalid("/options/credentialStatus", "this server does not issue status list entries")
	}
	var extra bytes.Buffer
	if credURL == "" {
		credURL = "urn:uuid:" + storeID
		extra.WriteString(`,"id":`)
		idj, _ := json.Marshal(credURL)
		extra.Write(idj)
	}
	es, err := a.allocate(tx, credURL)
	if err != nil {
		return nil, "", nil, err
	}
	st, err := s.statusJSON(issuerID, es)
	if err != nil {
		return nil, "", nil, err
	}
	extra.WriteString(`,"credentialStatus":`)
	extra.Write(st)
	d := bytes.TrimSpace(doc)
	out := make([]byte, 0, len(d)+extra.Len())
	out = append(out, d[:len(d)-1]...)
	out = append(out, extra.Bytes()...)
	out = append(out, '}')
	return out, credURL, &es[0], nil
}

// AuthenticateNamed is Authenticate with the token's name in Principal.Name, so a
// status change records which token made it.
func (s *Service) AuthenticateNamed(ctx context.Context, token string) (Principal, error) {
	p, err := s.Authenticate(ctx, token)
	if err != nil {
		return p, err
	}
	t, err := s.st.LookupToken(ctx, store.HashToken(token))
	if err != nil {
		return Principal{}, fmt.Errorf("issuer: look up token: %w", err)
	}
	p.Name = t.Name
	return p, nil
}
