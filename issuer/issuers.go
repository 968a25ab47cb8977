package issuer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/obadge/obadge/keys"
	"github.com/obadge/obadge/proof"
	"github.com/obadge/obadge/schema"
	"github.com/obadge/obadge/store"
)

// DID methods an issuer identity can use.
const (
	DIDMethodWeb = "web"
	DIDMethodKey = "key"
)

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// IssuerInput creates an issuer profile.
type IssuerInput struct {
	// ID is the issuer's slug in URLs ([a-z0-9-], at most 63); generated if empty.
	ID          string `json:"id,omitempty"`
	Name        string `json:"name"`
	URL         string `json:"url,omitempty"`
	Description string `json:"description,omitempty"`
	Email       string `json:"email,omitempty"`
	// Image is an http(s) or data: URL of the issuer's logo.
	Image string `json:"image,omitempty"`
	// DIDMethod is "web" (default: did:web on the base URL) or "key" (did:key of the
	// issuer's Ed25519 key; such an issuer signs ldp and EdDSA JWTs only).
	DIDMethod string `json:"didMethod,omitempty"`
	// LinkedInOrganizationID is the issuer's LinkedIn organization id (digits), used
	// by the badge pages' "Add to LinkedIn" link; optional.
	LinkedInOrganizationID string `json:"linkedInOrganizationId,omitempty"`
	// BadgesHiddenByDefault makes the public page of each new credential start
	// hidden (404) until shown.
	BadgesHiddenByDefault bool `json:"badgesHiddenByDefault,omitempty"`
}

type profileData struct {
	Name        string `json:"name"`
	URL         string `json:"url,omitempty"`
	Description string `json:"description,omitempty"`
	Email       string `json:"email,omitempty"`
	Image       string `json:"image,omitempty"`
	DIDMethod   string `json:"didMethod"`
	DIDKey      string `json:"didKey,omitempty"` // the did:key when DIDMethod is "key"
	// Badge page settings (badges.go); not part of the OB Profile.
	LinkedInOrganizationID string `json:"linkedInOrganizationId,omitempty"`
	BadgesHiddenByDefault  bool   `json:"badgesHiddenByDefault,omitempty"`
}

// Issuer is the public view of an issuer (never any key material).
type Issuer struct {
	ID             string    `json:"id"`
	DID            string    `json:"did"`
	Name           string    `json:"name"`
	URL            string    `json:"url,omitempty"`
	Description    string    `json:"description,omitempty"`
	Email          string    `json:"email,omitempty"`
	Image          string    `json:"image,omitempty"`
	DIDMethod      string    `json:"didMethod"`
	ProfileURL     string    `json:"profileUrl"`
	DIDDocumentURL string    `json:"didDocumentUrl,omitempty"`
	JWKSURL        string    `json:"jwksUrl"`
	Keys           []KeyInfo `json:"keys"`
	CreatedAt      string    `json:"createdAt"`
	// Badge page settings (see IssuerInput).
	LinkedInOrganizationID string `json:"linkedInOrganizationId,omitempty"`
	BadgesHiddenByDefault  bool   `json:"badgesHiddenByDefault"`
}

// KeyInfo describes one public key of an issuer.
type KeyInfo struct {
	// ID is the key's local id (the path segment of its JWK URL).
	ID  string `json:"id"`
	Alg string `json:"alg"`
	// VerificationMethod is the DID URL of the key: the DI verificationMethod and the
	// JWT kid.
	VerificationMethod string `json:"verificationMethod"`
	JWKURL             string `json:"jwkUrl"`
	Primary            bool   `json:"primary"`
}

func (in *IssuerInput) validate() error {
	var f fieldErrs
	in.Name = strings.TrimSpace(in.Name)
	if in.ID != "" && !slugRE.MatchString(in.ID) {
		f.add("/id", "must match %s", slugRE)
	}
	if in.Name == "" {
		f.add("/name", "is required")
	}
	if in.URL != "" && !isHTTPURL(in.URL) {
		f.add("/url", "must be an absolute http(s) URL")
	}
	if in.Image != "" && !isHTTPURL(in.Image) && !strings.HasPrefix(in.Image, "data:") {
		f.add("/image", "must be an http(s) or data: URL")
	}
	if in.Email != "" {
		if _, err := normalizeEmail(in.Email); err != nil {
			f.add("/email", "%v", err)
		}
	}
	in.LinkedInOrganizationID = strings.TrimSpace(in.LinkedInOrganizationID)
	if id := in.LinkedInOrganizationID; id != "" && (len(id) > 20 || strings.Trim(id, "0123456789") != "") {
		f.add("/linkedInOrganizationId", "must be the numeric id of a LinkedIn organization page (at most 20 digits)")
	}
	switch in.DIDMethod {
	case "":
		in.DIDMethod = DIDMethodWeb
	case DIDMethodWeb, DIDMethodKey:
	default:
		f.add("/didMethod", `must be "web" or "key"`)
	}
	return f.err()
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// keyPrefix is the local key id prefix per algorithm.
func keyPrefix(alg string) string {
	switch alg {
	case keys.AlgES256:
		return "p256"
	case keys.AlgRS256:
		return "rsa"
	default:
		return "ed25519"
	}
}

// CreateIssuer creates an issuer with a new Ed25519 key. Only an admin may.
func (s *Service) CreateIssuer(ctx context.Context, p Principal, in IssuerInput) (*Issuer, error) {
	if !p.Admin {
		return nil, fmt.Errorf("%w: only an admin token may create issuers", ErrForbidden)
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	if in.ID == "" {
		in.ID = "iss-" + strings.SplitN(s.newID(), "-", 2)[0]
	}
	kid := keyPrefix(keys.AlgEdDSA) + "-1"
	signer, err := s.genKey(keys.AlgEdDSA, kid)
	if err != nil {
		return nil, fmt.Errorf("issuer: generate key: %w", err)
	}
	der, err := keys.MarshalPrivateKey(signer)
	if err != nil {
		return nil, fmt.Errorf("issuer: marshal key: %w", err)
	}
	pd := profileData{Name: in.Name, URL: in.URL, Description: in.Description, Email: in.Email, Image: in.Image, DIDMethod: in.DIDMethod,
		LinkedInOrganizationID: in.LinkedInOrganizationID, BadgesHiddenByDefault: in.BadgesHiddenByDefault}
	if in.DIDMethod == DIDMethodKey {
		did, _, err := keys.DIDKey(signer.Public())
		if err != nil {
			return nil, fmt.Errorf("issuer: did:key: %w", err)
		}
		pd.DIDKey = did
	}
	raw, err := json.Marshal(pd)
	if err != nil {
		return nil, err
	}
	salt := make([]byte, 32)
	if _, err := s.rand.Read(salt); err != nil {
		return nil, fmt.Errorf("issuer: read random: %w", err)
	}
	now := s.nowUTC()
	rec := &store.Issuer{ID: in.ID, Profile: raw, CreatedAt: now, UpdatedAt: now, IndexSalt: salt}
	k := &store.Key{IssuerID: in.ID, KeyID: kid, Alg: keys.AlgEdDSA, PrivateDER: der, CreatedAt: now, Primary: true}
	if err := s.st.CreateIssuer(ctx, rec, k); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, fmt.Errorf("issuer: issuer %q: %w", in.ID, err)
		}
		return nil, fmt.Errorf("issuer: create issuer: %w", err)
	}
	s.log.InfoContext(ctx, "issuer created", "issuer", in.ID, "did_method", in.DIDMethod, "kid", kid)
	return s.GetIssuer(ctx, p, in.ID)
}

// loaded is an issuer record with its decoded profile.
type loaded struct {
	rec *store.Issuer
	pd  profileData
	did string
}

func (s *Service) load(ctx context.Context, id string) (*loaded, error) {
	if !slugRE.MatchString(id) {
		return nil, fmt.Errorf("issuer %q: %w", id, store.ErrNotFound)
	}
	rec, err := s.st.GetIssuer(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("issuer %q: %w", id, err)
	}
	var pd profileData
	if err := json.Unmarshal(rec.Profile, &pd); err != nil {
		return nil, fmt.Errorf("issuer: decode profile of %q: %w", id, err)
	}
	l := &loaded{rec: rec, pd: pd, did: pd.DIDKey}
	if pd.DIDMethod != DIDMethodKey {
		l.did = s.didWeb(id)
	}
	return l, nil
}

// didWeb returns did:web:<host%3Aport>[:<base path>]:issuers:<id>.
func (s *Service) didWeb(id string) string {
	parts := []string{"did:web", strings.ReplaceAll(url.PathEscape(s.base.Host), ":", "%3A")}
	for _, seg := range strings.Split(strings.Trim(s.base.Path, "/"), "/") {
		if seg != "" {
			parts = append(parts, url.PathEscape(seg))
		}
	}
	return strings.Join(append(parts, "issuers", id), ":")
}

// IssuerURL returns the public URL of an issuer's profile.
func (s *Service) IssuerURL(id string) string { return s.baseS + "/issuers/" + id }

// vmID returns the verification method id (DID URL) of a key.
func (s *Service) vmID(l *loaded, k *store.Key, sg keys.Signer) (string, error) {
	if l.pd.DIDMethod == DIDMethodKey {
		_, vm, err := keys.DIDKey(sg.Public())
		return vm, err
	}
	return l.did + "#" + k.KeyID, nil
}

// signerFor returns the parsed signer of a stored key with the VM id as its KeyID.
func (s *Service) signerFor(l *loaded, k *store.Key) (keys.Signer, error) {
	ck := l.rec.ID + "\x00" + k.KeyID
	s.mu.Lock()
	sg, ok := s.signers[ck]
	s.mu.Unlock()
	if ok {
		return sg, nil
	}
	sg, err := keys.ParsePrivateKey(k.PrivateDER, "")
	if err != nil {
		return nil, fmt.Errorf("issuer: parse key %s/%s: %w", l.rec.ID, k.KeyID, err)
	}
	vm, err := s.vmID(l, k, sg)
	if err != nil {
		return nil, err
	}
	sg = keys.WithKeyID(sg, vm)
	s.mu.Lock()
	s.signers[ck] = sg
	s.mu.Unlock()
	return sg, nil
}

// primarySigner returns the primary signer of alg, or nils when there is none.
func (s *Service) primarySigner(ctx context.Context, l *loaded, alg string) (keys.Signer, *store.Key, error) {
	ks, err := s.st.ListKeys(ctx, l.rec.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("issuer: keys of %q: %w", l.rec.ID, err)
	}
	for _, k := range ks {
		if k.Alg == alg && k.Primary {
			sg, err := s.signerFor(l, k)
			return sg, k, err
		}
	}
	return nil, nil, nil
}

// activeSigner returns the primary signer of alg, creating a key lazily for a
// did:web issuer that has none of that algorithm yet.
func (s *Service) activeSigner(ctx context.Context, l *loaded, alg string) (keys.Signer, *store.Key, error) {
	if sg, k, err := s.primarySigner(ctx, l, alg); sg != nil || err != nil {
		return sg, k, err
	}
	if l.pd.DIDMethod == DIDMethodKey {
		return nil, nil, invalid("/alg", "issuer %q has a did:key identity and signs with its Ed25519 key only (ldp or jwt EdDSA)", l.rec.ID)
	}
	s.genMu.Lock()
	defer s.genMu.Unlock()
	if sg, k, err := s.primarySigner(ctx, l, alg); sg != nil || err != nil {
		return sg, k, err // another request created it while we waited
	}
	kid := keyPrefix(alg) + "-1"
	sg, err := s.genKey(alg, kid)
	if err != nil {
		return nil, nil, fmt.Errorf("issuer: generate %s key: %w", alg, err)
	}
	der, err := keys.MarshalPrivateKey(sg)
	if err != nil {
		return nil, nil, fmt.Errorf("issuer: marshal key: %w", err)
	}
	k, err := s.st.AddKey(ctx, &store.Key{IssuerID: l.rec.ID, KeyID: kid, Alg: alg, PrivateDER: der, CreatedAt: s.nowUTC(), Primary: true}, true)
	if err != nil {
		return nil, nil, fmt.Errorf("issuer: store %s key: %w", alg, err)
	}
	s.log.InfoContext(ctx, "issuer key created", "issuer", l.rec.ID, "kid", k.KeyID, "alg", alg)
	sg, err = s.signerFor(l, k)
	return sg, k, err
}

func (s *Service) view(ctx context.Context, l *loaded) (*Issuer, error) {
	ks, err := s.st.ListKeys(ctx, l.rec.ID)
	if err != nil {
		return nil, fmt.Errorf("issuer: keys of %q: %w", l.rec.ID, err)
	}
	base := s.IssuerURL(l.rec.ID)
	v := &Issuer{
		ID: l.rec.ID, DID: l.did, Name: l.pd.Name, URL: l.pd.URL, Description: l.pd.Description,
		Email: l.pd.Email, Image: l.pd.Image, DIDMethod: l.pd.DIDMethod,
		ProfileURL: base, JWKSURL: base + "/jwks.json", Keys: []KeyInfo{},
		CreatedAt:              l.rec.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"),
		LinkedInOrganizationID: l.pd.LinkedInOrganizationID, BadgesHiddenByDefault: l.pd.BadgesHiddenByDefault,
	}
	if l.pd.DIDMethod == DIDMethodWeb {
		v.DIDDocumentURL = base + "/did.json"
	}
	for _, k := range ks {
		sg, err := s.signerFor(l, k)
		if err != nil {
			return nil, err
		}
		v.Keys = append(v.Keys, KeyInfo{ID: k.KeyID, Alg: k.Alg, VerificationMethod: sg.KeyID(), JWKURL: base + "/keys/" + k.KeyID, Primary: k.Primary})
	}
	return v, nil
}

// GetIssuer returns an issuer the principal may act for.
func (s *Service) GetIssuer(ctx context.Context, p Principal, id string) (*Issuer, error) {
	if err := authorize(p, id); err != nil {
		return nil, err
	}
	l, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, l)
}

// ListIssuers returns the issuers the principal may act for.
func (s *Service) ListIssuers(ctx context.Context, p Principal) ([]*Issuer, error) {
	recs, err := s.st.ListIssuers(ctx)
	if err != nil {
		return nil, fmt.Errorf("issuer: list issuers: %w", err)
	}
	out := []*Issuer{}
	for _, r := range recs {
		if !p.CanActFor(r.ID) {
			continue
		}
		l, err := s.load(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		v, err := s.view(ctx, l)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// profileImage is an OB Image.
type profileImage struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// profileDoc is an OB Profile as embedded in credentials and served at the
// issuer's URL.
type profileDoc struct {
	Context     []string      `json:"@context,omitempty"`
	ID          string        `json:"id"`
	Type        []string      `json:"type"`
	Name        string        `json:"name"`
	URL         string        `json:"url,omitempty"`
	Description string        `json:"description,omitempty"`
	Email       string        `json:"email,omitempty"`
	Image       *profileImage `json:"image,omitempty"`
}

func (l *loaded) profile(withContext bool) profileDoc {
	p := profileDoc{ID: l.did, Type: []string{"Profile"}, Name: l.pd.Name, URL: l.pd.URL, Description: l.pd.Description, Email: l.pd.Email}
	if l.pd.Image != "" {
		p.Image = &profileImage{ID: l.pd.Image, Type: "Image"}
	}
	if withContext {
		p.Context = []string{schema.ContextVCv2, schema.ContextOB303}
	}
	return p
}

// Profile returns the issuer's OB Profile as JSON-LD (public).
func (s *Service) Profile(ctx context.Context, id string) ([]byte, error) {
	l, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	return json.Marshal(l.profile(true))
}

// DIDDocument returns the did:web document of an issuer (public). A did:key issuer
// has none (ErrNotFound): its DID resolves without us.
func (s *Service) DIDDocument(ctx context.Context, id string) ([]byte, error) {
	doc, err := s.didDocument(ctx, id)
	if err != nil {
		return nil, err
	}
	return json.Marshal(doc)
}

func (s *Service) didDocument(ctx context.Context, id string) (*keys.DIDDocument, error) {
	l, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if l.pd.DIDMethod != DIDMethodWeb {
		return nil, fmt.Errorf("issuer %q uses did:key, no did:web document: %w", id, store.ErrNotFound)
	}
	ks, err := s.st.ListKeys(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("issuer: keys of %q: %w", id, err)
	}
	doc := &keys.DIDDocument{Context: keys.Contexts{keys.ContextDIDv1, keys.ContextMultikeyV1}, ID: l.did}
	hasJWK := false
	for _, k := range ks {
		sg, err := s.signerFor(l, k)
		if err != nil {
			return nil, err
		}
		vm := keys.VerificationMethodDoc{ID: sg.KeyID(), Controller: l.did}
		if k.Alg == keys.AlgEdDSA {
			mb, err := keys.EncodePublicKeyMultibase(sg.Public())
			if err != nil {
				return nil, err
			}
			vm.Type, vm.PublicKeyMultibase = keys.TypeMultikey, mb
		} else {
			j, err := keys.JWKFromPublicKey(sg.Public(), "")
			if err != nil {
				return nil, err
			}
			raw, err := json.Marshal(j)
			if err != nil {
				return nil, err
			}
			vm.Type, vm.PublicKeyJwk, hasJWK = keys.TypeJsonWebKey, raw, true
		}
		doc.VerificationMethod = append(doc.VerificationMethod, vm)
		doc.AssertionMethod = append(doc.AssertionMethod, keys.RefTo(vm.ID))
		doc.Authentication = append(doc.Authentication, keys.RefTo(vm.ID))
	}
	if hasJWK {
		doc.Context = append(doc.Context, keys.ContextJWKv1)
	}
	return doc, nil
}

func (s *Service) issuerSigners(ctx context.Context, id string) ([]keys.Signer, error) {
	l, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	ks, err := s.st.ListKeys(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("issuer: keys of %q: %w", id, err)
	}
	out := make([]keys.Signer, 0, len(ks))
	for _, k := range ks {
		sg, err := s.signerFor(l, k)
		if err != nil {
			return nil, err
		}
		out = append(out, sg)
	}
	return out, nil
}

// JWKS returns the JWK Set of one issuer's keys, or of all issuers when id is ""
// (public). Each JWK's kid is the key's DID URL, the kid of the JWTs it signs.
func (s *Service) JWKS(ctx context.Context, id string) ([]byte, error) {
	var all []keys.Signer
	if id != "" {
		sg, err := s.issuerSigners(ctx, id)
		if err != nil {
			return nil, err
		}
		all = sg
	} else {
		recs, err := s.st.ListIssuers(ctx)
		if err != nil {
			return nil, fmt.Errorf("issuer: list issuers: %w", err)
		}
		for _, r := range recs {
			sg, err := s.issuerSigners(ctx, r.ID)
			if err != nil {
				return nil, err
			}
			all = append(all, sg...)
		}
	}
	return keys.JWKS(all...)
}

// JWK returns the public JWK of one key (public; the URL a JWT kid can point at).
func (s *Service) JWK(ctx context.Context, issuerID, keyID string) ([]byte, error) {
	l, err := s.load(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	k, err := s.st.GetKey(ctx, issuerID, keyID)
	if err != nil {
		return nil, fmt.Errorf("key %s/%s: %w", issuerID, keyID, err)
	}
	sg, err := s.signerFor(l, k)
	if err != nil {
		return nil, err
	}
	j, err := keys.PublicJWK(sg)
	if err != nil {
		return nil, err
	}
	return json.Marshal(j)
}

// ResolveMethod implements proof.MethodResolver for this service's own issuers
// (did:web DIDs on the base URL) and for any did:key, without network access. A
// verifier can try it before a network resolver.
func (s *Service) ResolveMethod(ctx context.Context, id, relationship string) (*proof.VerificationMethod, error) {
	if relationship != proof.AssertionMethod && relationship != proof.Authentication {
		return nil, fmt.Errorf("%w: %s is not a relationship our issuers publish", proof.ErrKeyNotAuthorized, relationship)
	}
	if strings.HasPrefix(id, keys.DIDKeyPrefix) {
		doc, err := keys.ResolveDIDKey(id)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", proof.ErrKeyResolution, err)
		}
		return methodFromDoc(doc, id, relationship)
	}
	did, _, ok := strings.Cut(id, "#")
	if !ok {
		return nil, fmt.Errorf("%w: %q has no fragment", proof.ErrKeyResolution, id)
	}
	prefix := s.didWeb("")
	issuerID, ok := strings.CutPrefix(did, prefix)
	if !ok {
		return nil, fmt.Errorf("%w: %q is not an issuer of %s", proof.ErrKeyResolution, id, s.baseS)
	}
	doc, err := s.didDocument(ctx, issuerID)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", proof.ErrKeyResolution, err)
	}
	return methodFromDoc(doc, id, relationship)
}

func methodFromDoc(doc *keys.DIDDocument, id, relationship string) (*proof.VerificationMethod, error) {
	vm, err := doc.Method(id)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", proof.ErrKeyResolution, err)
	}
	if !doc.Authorizes(relationship, vm.ID) {
		return nil, fmt.Errorf("%w: %s not under %s", proof.ErrKeyNotAuthorized, id, relationship)
	}
	pub, err := vm.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", proof.ErrKeyResolution, err)
	}
	return &proof.VerificationMethod{ID: vm.ID, Type: vm.Type, Controller: vm.Controller, PublicKey: pub}, nil
}

var _ proof.MethodResolver = (*Service)(nil)

// UpdateIssuer replaces an issuer's profile fields (name, url, description, email,
// image) and badge page settings (linkedInOrganizationId, badgesHiddenByDefault).
// Its id and DID method cannot change: credentials name the DID.
func (s *Service) UpdateIssuer(ctx context.Context, p Principal, id string, in IssuerInput) (*Issuer, error) {
	if err := authorize(p, id); err != nil {
		return nil, err
	}
	l, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	var f fieldErrs
	if in.ID != "" && in.ID != id {
		f.add("/id", "cannot change (credentials name the issuer's DID)")
	}
	if in.DIDMethod != "" && in.DIDMethod != l.pd.DIDMethod {
		f.add("/didMethod", "cannot change (credentials name the issuer's DID)")
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	in.ID, in.DIDMethod = "", l.pd.DIDMethod
	if err := in.validate(); err != nil {
		return nil, err
	}
	pd := l.pd
	pd.Name, pd.URL, pd.Description, pd.Email, pd.Image = in.Name, in.URL, in.Description, in.Email, in.Image
	pd.LinkedInOrganizationID, pd.BadgesHiddenByDefault = in.LinkedInOrganizationID, in.BadgesHiddenByDefault
	raw, err := json.Marshal(pd)
	if err != nil {
		return nil, err
	}
	if _, err := s.st.UpdateIssuer(ctx, id, raw, s.nowUTC()); err != nil {
		return nil, fmt.Errorf("issuer: update issuer %q: %w", id, err)
	}
	s.log.InfoContext(ctx, "issuer updated", "issuer", id)
	return s.GetIssuer(ctx, p, id)
}

// RotateKey makes a new key of alg the issuer's primary key for that algorithm.
// Earlier keys stay published in the DID document and JWKS, so credentials they
// signed keep verifying. A did:key issuer cannot rotate: its key is its identity.
func (s *Service) RotateKey(ctx context.Context, p Principal, issuerID, alg string) (*KeyInfo, error) {
	if err := authorize(p, issuerID); err != nil {
		return nil, err
	}
	switch alg {
	case keys.AlgEdDSA, keys.AlgES256, keys.AlgRS256:
	default:
		return nil, invalid("/alg", "must be EdDSA, ES256 or RS256")
	}
	l, err := s.load(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	if l.pd.DIDMethod == DIDMethodKey {
		return nil, invalid("/alg", "issuer %q has a did:key identity: its key cannot rotate (create a new issuer)", issuerID)
	}
	s.genMu.Lock()
	defer s.genMu.Unlock()
	ks, err := s.st.ListKeys(ctx, issuerID)
	if err != nil {
		return nil, fmt.Errorf("issuer: keys of %q: %w", issuerID, err)
	}
	n := 1
	for _, k := range ks {
		if k.Alg == alg {
			n++
		}
	}
	kid := fmt.Sprintf("%s-%d", keyPrefix(alg), n)
	sg, err := s.genKey(alg, kid)
	if err != nil {
		return nil, fmt.Errorf("issuer: generate %s key: %w", alg, err)
	}
	der, err := keys.MarshalPrivateKey(sg)
	if err != nil {
		return nil, fmt.Errorf("issuer: marshal key: %w", err)
	}
	k, err := s.st.AddKey(ctx, &store.Key{IssuerID: issuerID, KeyID: kid, Alg: alg, PrivateDER: der, CreatedAt: s.nowUTC(), Primary: true}, false)
	if err != nil {
		return nil, fmt.Errorf("issuer: store %s key: %w", alg, err)
	}
	signer, err := s.signerFor(l, k)
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "issuer key rotated", "issuer", issuerID, "kid", kid, "alg", alg)
	return &KeyInfo{ID: kid, Alg: alg, VerificationMethod: signer.KeyID(), JWKURL: s.IssuerURL(issuerID) + "/keys/" + kid, Primary: true}, nil
}
