package verifier

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/obadge/obadge/internal/fetch"
	"github.com/obadge/obadge/proof"
	"github.com/obadge/obadge/proof/dataintegrity"
	"github.com/obadge/obadge/proof/rdfc"
	"github.com/obadge/obadge/proof/vcjwt"
	"github.com/obadge/obadge/schema"
	"github.com/obadge/obadge/verifier/input"
)

// Options configure a Verifier. Resolver is required.
type Options struct {
	// Resolver dereferences verification methods (did:key, did:web, did:jwk, URLs,
	// pinned documents); see verifier/resolve.
	Resolver proof.MethodResolver
	// Fetch fetches URL inputs and status lists. If nil, URL inputs and remote status
	// lists cannot be checked (the checks say so; they never pass).
	Fetch *fetch.Client
	// Documents are pinned documents (status lists, revocation lists) by URL, used
	// before any fetch.
	Documents map[string]json.RawMessage
	// Local, when set, is asked for a status or revocation list before any fetch:
	// a server answers its own issuers' lists from its store.
	Local DocumentSource
	// Loader resolves JSON-LD contexts; if nil, the embedded contexts only.
	Loader *schema.Loader
	// Now is the clock; if nil, time.Now.
	Now func() time.Time
	// Logger receives debug events; if nil, nothing is logged.
	Logger *slog.Logger
	// MaxEndorsements bounds the endorsements verified per credential (default 16).
	MaxEndorsements int
}

// DocumentSource answers for documents it holds itself; ok is false for any other URL.
type DocumentSource interface {
	Document(ctx context.Context, url string) (doc []byte, ok bool, err error)
}

// Verifier checks credentials. It is safe for concurrent use.
type Verifier struct {
	opts   Options
	status *statusChecker
}

// New returns a Verifier.
func New(opts Options) (*Verifier, error) {
	if opts.Resolver == nil {
		return nil, errors.New("verifier: Options.Resolver is required")
	}
	if opts.Loader == nil {
		opts.Loader = schema.DefaultLoader()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.MaxEndorsements == 0 {
		opts.MaxEndorsements = 16
	}
	v := &Verifier{opts: opts}
	v.status = newStatusChecker(v)
	return v, nil
}

// VerifyOptions configure one verification.
type VerifyOptions struct {
	// At is the time the credential is judged at (e.g. the day of a licence
	// renewal); if zero, now.
	At time.Time
	// RecipientEmail or RecipientID, when set, must match the credential subject.
	RecipientEmail string
	RecipientID    string
	// Domain and Challenge are required of a presentation's proof when set.
	Domain, Challenge string
	// Hint is a file name or content type that helps recognise the input.
	Hint string
}

func (v *Verifier) at(o VerifyOptions) time.Time {
	if !o.At.IsZero() {
		return o.At
	}
	return v.opts.Now()
}

// VerifyURL fetches rawURL under the fetch policy and verifies what it returns.
func (v *Verifier) VerifyURL(ctx context.Context, rawURL string, o VerifyOptions) (*Report, error) {
	if v.opts.Fetch == nil {
		r := &Report{Kind: "credential"}
		r.fail(CheckParse, "fetching URLs is disabled (offline)", fetch.ErrOffline)
		r.finish()
		return r, nil
	}
	resp, err := v.opts.Fetch.Get(ctx, rawURL, "application/vc+ld+json", "application/vc", "application/ld+json", "application/json", "application/vc+jwt", "text/plain", "image/png", "image/svg+xml", "*/*;q=0.1")
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		r := &Report{Kind: "credential"}
		r.fail(CheckParse, "could not fetch "+rawURL+": "+err.Error(), err)
		r.finish()
		return r, nil
	}
	if o.Hint == "" {
		o.Hint = resp.ContentType
	}
	rep, err := v.Verify(ctx, resp.Body, o)
	if rep != nil {
		rep.Summary.Source = "url:" + rep.Summary.Source
	}
	return rep, err
}

// Verify checks one input: a credential or presentation in any supported form.
func (v *Verifier) Verify(ctx context.Context, raw []byte, o VerifyOptions) (*Report, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	in, err := input.Decode(raw, o.Hint)
	if err != nil {
		r := &Report{Kind: "credential"}
		r.fail(CheckParse, "not a credential in a known form: "+err.Error(), fmt.Errorf("%w: %w", ErrUnreadable, err))
		r.finish()
		return r, nil
	}
	if in.Kind == input.Presentation {
		return v.verifyPresentation(ctx, in, o)
	}
	r := v.verifyCredential(ctx, in, o, false)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return r, nil
}

// verifyCredential runs the OB 3.0 verification algorithm on one credential.
func (v *Verifier) verifyCredential(ctx context.Context, in *input.Input, o VerifyOptions, endorsement bool) *Report {
	r := &Report{Kind: "credential"}
	r.Summary.Source = in.Source

	// 0. Read the credential: the JSON itself, or the credential a JWT carries.
	var cred []byte
	switch in.Format {
	case input.JWT:
		r.Summary.Format = "jwt"
		c, err := jwtCredential(in.JWT)
		if err != nil {
			r.fail(CheckParse, "the JWT does not carry a credential: "+err.Error(), fmt.Errorf("%w: %w", ErrUnreadable, err))
			r.finish()
			return r
		}
		cred = c
	default:
		r.Summary.Format = "ldp"
		cred = in.JSON
	}
	var doc map[string]any
	if err := json.Unmarshal(cred, &doc); err != nil || doc == nil {
		r.fail(CheckParse, "the credential is not a JSON object", fmt.Errorf("%w: not a JSON object", ErrUnreadable))
		r.finish()
		return r
	}
	r.Credential = cred
	r.pass(CheckParse, "read a "+describeSource(in)+" credential")
	summarize(&r.Summary, doc)

	// 1. Structure: the OB 3.0 data model rules.
	v.checkStructure(r, cred, doc, endorsement)

	// 2. Proof, and whether the key is the issuer's.
	switch in.Format {
	case input.JWT:
		v.checkJWTProof(ctx, r, in.JWT, doc)
	default:
		v.checkLDProof(ctx, r, cred, doc)
	}

	// 3. Refresh: reported, not followed.
	if rs, ok := doc["refreshService"]; ok && rs != nil {
		r.skip(CheckRefresh, "the credential names a refresh service; obadge verifies the credential as presented and does not fetch a refreshed copy", nil)
	}

	// 4. Status, then the validity window.
	v.status.check(ctx, r, doc)
	v.checkDates(r, doc, o)

	// 5. Recipient.
	checkRecipient(r, doc, o)

	// 6. Endorsements.
	if !endorsement {
		v.checkEndorsements(ctx, r, doc, o)
	}
	r.finish()
	return r
}

func describeSource(in *input.Input) string {
	switch in.Source {
	case "png", "svg":
		return "baked " + strings.ToUpper(in.Source) + " (" + formatName(in.Format) + ")"
	case "enveloped":
		return "enveloped VC-JWT"
	}
	return formatName(in.Format)
}

func formatName(f input.Format) string {
	if f == input.JWT {
		return "VC-JWT"
	}
	return "JSON-LD"
}

// jwtCredential decodes (without verifying) the credential a VC-JWT carries, so the
// structure check can run on it before the proof check, as the algorithm orders.
func jwtCredential(token string) ([]byte, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("not a compact JWS")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	var claims map[string]json.RawMessage
	if err := json.Unmarshal(payload, &claims); err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	if vc, ok := claims["vc"]; ok {
		return vc, nil
	}
	return payload, nil
}

func (v *Verifier) checkStructure(r *Report, cred []byte, doc map[string]any, endorsement bool) {
	types := stringsOf(doc["type"])
	isOB := contains(types, "OpenBadgeCredential") || contains(types, "AchievementCredential")
	isEndorsement := contains(types, "EndorsementCredential")
	rep := &schema.Report{}
	switch {
	case isEndorsement:
		var ve *schema.ValidationError
		if err := schema.ValidateEndorsement(cred); errors.As(err, &ve) {
			rep.Errors = ve.Errors
		} else if err != nil {
			rep.Errors = []schema.FieldError{{Message: err.Error()}}
		}
	case endorsement:
		r.fail(CheckStructure, "an endorsement must have type EndorsementCredential", ErrNonConformant)
		return
	case isOB:
		rep = schema.Validate(cred)
	default:
		// Not a badge (a status list, another kind of credential): hold it to the
		// VC Data Model only, and say so.
		if err := schema.ValidateVCWithLoader(cred, v.opts.Loader); err != nil {
			r.fail(CheckStructure, "not an Open Badges credential, and not a conformant Verifiable Credential: "+err.Error(), fmt.Errorf("%w: %w", ErrNotOpenBadge, err))
			return
		}
		r.warn(CheckStructure, fmt.Sprintf("not an Open Badges 3.0 credential (type %s); checked as a W3C Verifiable Credential", strings.Join(types, ", ")), ErrNotOpenBadge)
		return
	}
	if len(rep.Errors) > 0 {
		msgs := make([]string, 0, len(rep.Errors))
		for _, e := range rep.Errors {
			msgs = append(msgs, e.Path+": "+e.Message)
		}
		r.fail(CheckStructure, strings.Join(msgs, "; "), fmt.Errorf("%w: %s", ErrNonConformant, msgs[0]))
		return
	}
	if len(rep.Warnings) > 0 {
		msgs := make([]string, 0, len(rep.Warnings))
		for _, e := range rep.Warnings {
			msgs = append(msgs, e.Path+": "+e.Message)
		}
		r.warn(CheckStructure, "conforms, with remarks: "+strings.Join(msgs, "; "), nil)
		return
	}
	r.pass(CheckStructure, "conforms to the Open Badges 3.0 data model")
}

// checkLDProof verifies the embedded proofs and that their key belongs to the issuer.
func (v *Verifier) checkLDProof(ctx context.Context, r *Report, cred []byte, doc map[string]any) {
	if _, ok := doc["proof"]; !ok {
		r.fail(CheckProof, "the credential has no proof", proof.ErrMalformedProof)
		return
	}
	res, err := dataintegrity.Verify(ctx, cred, dataintegrity.VerifyOptions{Resolver: v.opts.Resolver, Loader: v.opts.Loader})
	if res != nil && len(res.Proofs) > 0 {
		p := res.Proofs[0]
		r.Summary.ProofType = strings.TrimSpace(p.Type + " " + p.Cryptosuite)
	}
	if err != nil {
		r.fail(CheckProof, proofMessage(err), err)
		r.skip(CheckIssuerKey, "not checked: the proof did not verify", nil)
		return
	}
	var methods []string
	issuer := issuerID(doc)
	bound := true
	for _, p := range res.Proofs {
		if p.Err != nil || p.Method == nil {
			continue
		}
		methods = append(methods, p.Method.ID)
		if p.Method.Controller != issuer {
			bound = false
		}
	}
	r.pass(CheckProof, fmt.Sprintf("%s proof verified with key %s", r.Summary.ProofType, strings.Join(methods, ", ")))
	v.checkBinding(r, issuer, bound, methods)
}

// checkBinding reports whether the signing key is the issuer's. A key controlled by
// another party fails, unless the issuer id is not something a verifier can
// dereference at all (a urn:uuid, an unsupported DID method), where it warns: the
// signature is intact, but who issued the credential rests on its word alone.
func (v *Verifier) checkBinding(r *Report, issuer string, bound bool, methods []string) {
	switch {
	case bound:
		r.pass(CheckIssuerKey, "the signing key is listed by the issuer "+issuer+" for assertions")
	case !dereferenceable(issuer):
		r.warn(CheckIssuerKey, fmt.Sprintf("the issuer id %s cannot be dereferenced, so nothing ties the signing key %s to it", issuer, strings.Join(methods, ", ")), ErrIssuerKey)
	default:
		r.fail(CheckIssuerKey, fmt.Sprintf("the signing key %s is not controlled by the issuer %s", strings.Join(methods, ", "), issuer), ErrIssuerKey)
	}
}

// dereferenceable reports whether an issuer id names a document a verifier can
// obtain: an https URL or a DID of a method we resolve.
func dereferenceable(id string) bool {
	for _, p := range []string{"https://", "http://", "did:web:", "did:key:", "did:jwk:"} {
		if strings.HasPrefix(id, p) {
			return true
		}
	}
	return false
}

func (v *Verifier) checkJWTProof(ctx context.Context, r *Report, token string, doc map[string]any) {
	res, err := vcjwt.Verify(ctx, token, vcjwt.VerifyOptions{Resolver: v.opts.Resolver})
	if err != nil {
		r.fail(CheckProof, proofMessage(err), err)
		r.skip(CheckIssuerKey, "not checked: the proof did not verify", nil)
		return
	}
	r.Summary.ProofType = "VC-JWT " + res.Alg
	r.Summary.Version = res.Version
	kid := res.KeyID
	if kid == "" {
		kid = "the key in the JWT header"
	}
	r.pass(CheckProof, fmt.Sprintf("VC-JWT %s signature verified with %s; its claims match the credential", res.Alg, kid))
	if res.SubjectClaimMissing {
		r.warn(CheckJWTClaims, "the JWT has no sub claim although the credential subject has an id (Open Badges 3.0 requires sub)", nil)
	}
	if res.SelfAssertedKey {
		r.warn(CheckIssuerKey, "the JWT is signed with a key carried in its own header; nothing published by the issuer "+issuerID(doc)+" confirms that key", ErrIssuerKey)
		return
	}
	r.pass(CheckIssuerKey, "the signing key "+kid+" belongs to the issuer "+issuerID(doc))
}

func proofMessage(err error) string {
	switch {
	case errors.Is(err, proof.ErrDataLoss):
		return "part of the credential is not covered by its signature (undefined term or type): " + err.Error()
	case errors.Is(err, proof.ErrInvalidSignature):
		return "the signature does not match the credential: it was altered after signing or signed with another key"
	case errors.Is(err, proof.ErrKeyNotAuthorized):
		return "the signing key is not authorized by its controller: " + err.Error()
	case errors.Is(err, proof.ErrKeyResolution):
		return "the signing key could not be obtained: " + err.Error()
	case errors.Is(err, proof.ErrAlgorithmRefused):
		return "the signature algorithm is refused: " + err.Error()
	case errors.Is(err, rdfc.ErrWorkLimit):
		return "refused: the credential's blank nodes are too symmetric to canonicalize within the work limit (a poison graph, RDFC-1.0 §4.4); nothing was verified"
	case errors.Is(err, dataintegrity.ErrDocumentTooLarge):
		return "refused: " + err.Error()
	case errors.Is(err, proof.ErrCanonicalization):
		return "the credential could not be canonicalized for checking: " + err.Error()
	}
	return err.Error()
}

// checkDates judges the validity window at the verification time.
func (v *Verifier) checkDates(r *Report, doc map[string]any, o VerifyOptions) {
	at := v.at(o)
	from := firstString(doc, "validFrom", "issuanceDate")
	until := firstString(doc, "validUntil", "expirationDate")
	when := at.UTC().Format(time.RFC3339)
	if from == "" {
		r.fail(CheckValidFrom, "the credential has no validFrom (issuanceDate)", ErrNonConformant)
	} else if t, err := parseDate(from); err != nil {
		r.fail(CheckValidFrom, "validFrom is not a date-time: "+from, ErrNonConformant)
	} else if at.Before(t) {
		r.fail(CheckValidFrom, "not valid until "+from+" (checked at "+when+")", ErrNotYetValid)
	} else {
		r.pass(CheckValidFrom, "valid from "+from)
	}
	switch t, err := parseDate(until); {
	case until == "":
		r.pass(CheckValidUntil, "does not expire")
	case err != nil:
		r.fail(CheckValidUntil, "validUntil is not a date-time: "+until, ErrNonConformant)
	case at.After(t):
		r.fail(CheckValidUntil, "expired on "+until+" (checked at "+when+")", ErrExpired)
	default:
		r.pass(CheckValidUntil, "valid until "+until)
	}
}

func parseDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	// XML Schema dateTime without an offset: read as UTC (VCDM 2.0 §4.9).
	return time.Parse("2006-01-02T15:04:05.999999999", s)
}

// checkRecipient compares a known email or id with the credential subject (OB 3.0
// "Verify the Recipient Using an Identifier").
func checkRecipient(r *Report, doc map[string]any, o VerifyOptions) {
	if o.RecipientEmail == "" && o.RecipientID == "" {
		return
	}
	subject, _ := doc["credentialSubject"].(map[string]any)
	if subject == nil {
		r.fail(CheckRecipient, "the credential has no credentialSubject", ErrRecipientMismatch)
		return
	}
	if o.RecipientID != "" {
		if id, _ := subject["id"].(string); id != "" && id == o.RecipientID {
			r.pass(CheckRecipient, "issued to "+o.RecipientID)
			return
		}
		if matchIdentifier(subject, "", o.RecipientID) {
			r.pass(CheckRecipient, "issued to "+o.RecipientID)
			return
		}
	}
	if o.RecipientEmail != "" {
		// The spec hashes the address as given; many issuers (obadge among them)
		// trim and lower-case it first, so try that form too.
		for _, e := range []string{o.RecipientEmail, strings.ToLower(strings.TrimSpace(o.RecipientEmail))} {
			if matchIdentifier(subject, "emailAddress", e) {
				r.pass(CheckRecipient, "issued to "+o.RecipientEmail)
				return
			}
		}
	}
	known := o.RecipientEmail
	if known == "" {
		known = o.RecipientID
	}
	r.fail(CheckRecipient, "not issued to "+known, ErrRecipientMismatch)
}

// matchIdentifier reports whether any identifier of the subject matches known. An
// empty identityType matches any type.
func matchIdentifier(subject map[string]any, identityType, known string) bool {
	for _, it := range asList(subject["identifier"]) {
		id, _ := it.(map[string]any)
		if id == nil {
			continue
		}
		if t, _ := id["identityType"].(string); identityType != "" && t != identityType {
			continue
		}
		hash, _ := id["identityHash"].(string)
		if hashed, _ := id["hashed"].(bool); !hashed {
			if hash == known {
				return true
			}
			continue
		}
		salt, _ := id["salt"].(string)
		alg, digest, ok := strings.Cut(hash, "$")
		if !ok {
			continue
		}
		var sum []byte
		switch strings.ToLower(alg) {
		case "sha256":
			s := sha256.Sum256([]byte(known + salt))
			sum = s[:]
		case "md5":
			s := md5.Sum([]byte(known + salt))
			sum = s[:]
		default:
			continue
		}
		if strings.EqualFold(hex.EncodeToString(sum), digest) {
			return true
		}
	}
	return false
}

// checkEndorsements verifies each embedded endorsement the same way (steps 1-4).
func (v *Verifier) checkEndorsements(ctx context.Context, r *Report, doc map[string]any, o VerifyOptions) {
	var items []*input.Input
	collect := func(holder map[string]any) {
		if holder == nil {
			return
		}
		for _, e := range asList(holder["endorsement"]) {
			if b, err := json.Marshal(e); err == nil {
				items = append(items, &input.Input{Kind: input.Credential, Format: input.JSONLD, Source: "embedded", JSON: b})
			}
		}
		for _, e := range asList(holder["endorsementJwt"]) {
			if s, ok := e.(string); ok {
				items = append(items, &input.Input{Kind: input.Credential, Format: input.JWT, Source: "embedded", JWT: s})
			}
		}
	}
	collect(doc)
	if subject, ok := doc["credentialSubject"].(map[string]any); ok {
		ach, _ := subject["achievement"].(map[string]any)
		collect(ach)
	}
	iss, _ := doc["issuer"].(map[string]any)
	collect(iss)
	if len(items) == 0 {
		return
	}
	if len(items) > v.opts.MaxEndorsements {
		r.fail(CheckEndorsements, fmt.Sprintf("%d endorsements exceed the limit of %d", len(items), v.opts.MaxEndorsements), ErrEndorsement)
		return
	}
	failed := 0
	for _, in := range items {
		eo := o
		eo.RecipientEmail, eo.RecipientID = "", ""
		er := v.verifyCredential(ctx, in, eo, true)
		r.Endorsements = append(r.Endorsements, er)
		if !er.Verified {
			failed++
		}
	}
	if failed > 0 {
		r.fail(CheckEndorsements, fmt.Sprintf("%d of %d endorsements did not verify", failed, len(items)), ErrEndorsement)
		return
	}
	r.pass(CheckEndorsements, fmt.Sprintf("%d endorsement(s) verified", len(items)))
}

// verifyPresentation checks a presentation's proof (authentication, with the domain
// and challenge asked for), then each credential it carries.
func (v *Verifier) verifyPresentation(ctx context.Context, in *input.Input, o VerifyOptions) (*Report, error) {
	r := &Report{Kind: "presentation"}
	r.Summary.Source = in.Source
	if in.Format == input.JWT {
		r.fail(CheckParse, "presentations secured as JWT are not supported; send the presentation as JSON-LD with a Data Integrity proof", proof.ErrUnsupportedProof)
		r.finish()
		return r, nil
	}
	var vp map[string]any
	if err := json.Unmarshal(in.JSON, &vp); err != nil {
		r.fail(CheckParse, "the presentation is not a JSON object", ErrUnreadable)
		r.finish()
		return r, nil
	}
	r.pass(CheckParse, "read a JSON-LD presentation")
	if _, ok := vp["proof"]; !ok {
		r.fail(CheckPresentation, "the presentation has no proof", proof.ErrMalformedProof)
	} else {
		holder, _ := vp["holder"].(string)
		opts := dataintegrity.VerifyOptions{Resolver: v.opts.Resolver, Loader: v.opts.Loader, Purpose: proof.Authentication, Domain: o.Domain, Challenge: o.Challenge, Controller: holder}
		if _, err := dataintegrity.Verify(ctx, in.JSON, opts); err != nil {
			r.fail(CheckPresentation, proofMessage(err), err)
		} else {
			r.pass(CheckPresentation, "the presentation's authentication proof verified")
		}
	}
	creds := asList(vp["verifiableCredential"])
	if len(creds) == 0 {
		r.skip(CheckCredentials, "the presentation carries no credential", nil)
	}
	failed := 0
	for _, c := range creds {
		var sub *input.Input
		switch t := c.(type) {
		case string:
			sub = &input.Input{Kind: input.Credential, Format: input.JWT, Source: "jwt", JWT: t}
		default:
			b, _ := json.Marshal(t)
			d, err := input.Decode(b, "application/json")
			if err != nil {
				sub = &input.Input{Kind: input.Credential, Format: input.JSONLD, Source: "json", JSON: b}
			} else {
				sub = d
			}
		}
		cr := v.verifyCredential(ctx, sub, o, false)
		r.Credentials = append(r.Credentials, cr)
		if !cr.Verified {
			failed++
		}
	}
	if len(creds) > 0 {
		if failed > 0 {
			r.fail(CheckCredentials, fmt.Sprintf("%d of %d credentials did not verify", failed, len(creds)), ErrPresentation)
		} else {
			r.pass(CheckCredentials, fmt.Sprintf("%d credential(s) verified", len(creds)))
		}
	}
	r.finish()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return r, nil
}

// summarize fills the display summary from the credential as given.
func summarize(s *Summary, doc map[string]any) {
	s.CredentialID, _ = doc["id"].(string)
	s.CredentialName, _ = doc["name"].(string)
	s.IssuerID = issuerID(doc)
	if iss, ok := doc["issuer"].(map[string]any); ok {
		s.IssuerName, _ = iss["name"].(string)
	}
	s.ValidFrom = firstString(doc, "validFrom", "issuanceDate")
	s.ValidUntil = firstString(doc, "validUntil", "expirationDate")
	s.AwardedDate, _ = doc["awardedDate"].(string)
	if ctx := stringsOf(doc["@context"]); len(ctx) > 0 && ctx[0] == schema.ContextVCv1 {
		s.Version = "1.1"
	} else if s.Version == "" {
		s.Version = "2.0"
	}
	subject, _ := doc["credentialSubject"].(map[string]any)
	if subject == nil {
		return
	}
	if id, _ := subject["id"].(string); id != "" {
		s.Recipient = id
	} else if len(asList(subject["identifier"])) > 0 {
		s.Recipient = "identified by a hashed identifier"
	}
	if n, ok := subject["creditsEarned"].(float64); ok {
		s.Credits = &n
	}
	ach, _ := subject["achievement"].(map[string]any)
	if ach == nil {
		return
	}
	s.AchievementID, _ = ach["id"].(string)
	s.AchievementName, _ = ach["name"].(string)
	s.Description, _ = ach["description"].(string)
	s.AchievementType, _ = ach["achievementType"].(string)
	if c, ok := ach["criteria"].(map[string]any); ok {
		s.Criteria, _ = c["narrative"].(string)
	}
	if s.Credits == nil {
		if n, ok := ach["creditsAvailable"].(float64); ok {
			s.Credits = &n
		}
	}
	switch img := ach["image"].(type) {
	case string:
		s.Image = img
	case map[string]any:
		s.Image, _ = img["id"].(string)
	}
}

func issuerID(doc map[string]any) string {
	switch t := doc["issuer"].(type) {
	case string:
		return t
	case map[string]any:
		id, _ := t["id"].(string)
		return id
	}
	return ""
}

func firstString(doc map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, ok := doc[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

func asList(v any) []any {
	switch t := v.(type) {
	case nil:
		return nil
	case []any:
		return t
	default:
		return []any{t}
	}
}

func stringsOf(v any) []string {
	var out []string
	for _, e := range asList(v) {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// JSON renders the report for scripts.
func (r *Report) JSON() []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(r)
	return bytes.TrimRight(b.Bytes(), "\n")
}
