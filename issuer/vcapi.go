package issuer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/obadge/obadge/keys"
	"github.com/obadge/obadge/proof/dataintegrity"
	"github.com/obadge/obadge/schema"
	"github.com/obadge/obadge/store"
)

// SignVC implements the W3C VC API issue operation: it signs a caller-supplied
// VCDM 2.0 or 1.1 credential (not only OB credentials) with an eddsa-rdfc-2022
// proof of the issuer the credential names, which the principal must be allowed to
// act for. Every input member and the @context order are kept; a 1.1 credential
// gets the Data Integrity v2 context appended to its @context first (1.1 does not
// define DataIntegrityProof). The signed credential is stored like any other
// (format ldp, no achievement); idempotencyKey works as for Issue.
//
// Refusals: a *schema.ValidationError (errors.Is schema.ErrInvalid) for anything
// the VC Data Model forbids, including undefined terms (data loss); a
// *RequestError at /credential/issuer when the issuer is not one of ours;
// ErrForbidden when it is one the principal may not act for.
func (s *Service) SignVC(ctx context.Context, p Principal, credential []byte, idempotencyKey string) (*Issued, error) {
	return s.SignVCWithOptions(ctx, p, credential, idempotencyKey, VCIssueOptions{})
}

// SignVCWithOptions is SignVC with the VC API issue options: CredentialStatus adds
// a BitstringStatusListEntry (a VCDM 2.0 credential without credentialStatus only;
// the entry is allocated in the issue transaction, and a credential without an id
// gets urn:uuid:<UUID>).
func (s *Service) SignVCWithOptions(ctx context.Context, p Principal, credential []byte, idempotencyKey string, opts VCIssueOptions) (*Issued, error) {
	if len(idempotencyKey) > maxIdemKeyLen {
		return nil, invalid("/Idempotency-Key", "must be at most %d characters", maxIdemKeyLen)
	}
	if err := schema.ValidateVC(credential); err != nil {
		return nil, err
	}
	var head struct {
		Context []json.RawMessage `json:"@context"`
		ID      json.RawMessage   `json:"id"`
		Issuer  json.RawMessage   `json:"issuer"`
		Status  json.RawMessage   `json:"credentialStatus"`
	}
	if err := json.Unmarshal(credential, &head); err != nil {
		return nil, fmt.Errorf("issuer: decode validated credential: %w", err)
	}
	issuerID := issuerOf(head.Issuer)
	l, err := s.findIssuerByDID(ctx, p, issuerID)
	if err != nil {
		return nil, err
	}
	doc := credential
	var first string
	_ = json.Unmarshal(head.Context[0], &first)
	if opts.CredentialStatus {
		switch {
		case first != schema.ContextVCv2:
			return nil, invalid("/options/credentialStatus", "a BitstringStatusListEntry needs a VCDM 2.0 credential (@context %s first)", schema.ContextVCv2)
		case len(head.Status) > 0:
			return nil, invalid("/credential/credentialStatus", "is already present; leave it out to have the issuer add its status entry")
		}
	}
	if first == schema.ContextVCv1 {
		if doc, err = appendContext(credential, schema.ContextDIv2); err != nil {
			return nil, err
		}
	}
	signer, _, err := s.activeSigner(ctx, l, keys.AlgEdDSA)
	if err != nil {
		return nil, err
	}
	var credURL string
	_ = json.Unmarshal(head.ID, &credURL)
	if credURL == "" {
		credURL = opts.CredentialID // VC API: refers to a credential that has no id
	}
	sum := requestHashBytes(l.rec.ID, credential)
	if opts.CredentialStatus {
		sum = requestHashBytes(l.rec.ID, append([]byte("status\x00"), credential...))
	}
	c, replayed, err := s.st.IssueCredential(ctx, store.IssueParams{IssuerID: l.rec.ID, IdempotencyKey: idempotencyKey, RequestHash: sum},
		func(tx store.IssueTx) (*store.Credential, error) {
			now := s.nowUTC()
			id, toSign, url := s.newID(), doc, credURL
			var entry *store.StatusEntry
			if opts.CredentialStatus {
				var err error
				if toSign, url, entry, err = s.vcStatus(tx, l.rec.ID, doc, credURL, id); err != nil {
					return nil, err
				}
			}
			raw, err := dataintegrity.Sign(ctx, toSign, signer, dataintegrity.SignOptions{Created: now, VerificationMethod: signer.KeyID()})
			if err != nil {
				return nil, fmt.Errorf("issuer: sign credential: %w", err)
			}
			c := &store.Credential{ID: id, URL: url, IssuerID: l.rec.ID, Format: FormatLDP, Alg: signer.Algorithm(),
				KeyID: signer.KeyID(), IssuedAt: now, Raw: raw}
			if entry != nil {
				c.StatusListID, c.StatusIndex = entry.ListID, entry.Index
			}
			return c, nil
		})
	if err != nil {
		if errors.Is(err, store.ErrIdempotencyMismatch) {
			return nil, fmt.Errorf("issuer: Idempotency-Key %q: %w", idempotencyKey, err)
		}
		return nil, err
	}
	if !replayed {
		s.log.InfoContext(ctx, "credential issued", "credential_id", c.ID, "issuer", l.rec.ID, "kid", c.KeyID, "alg", c.Alg, "format", c.Format, "api", "vc-api")
	}
	return issuedView(c, replayed), nil
}

func requestHashBytes(issuerID string, body []byte) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, body); err != nil {
		buf.Reset()
		buf.Write(body)
	}
	sum := sha256.Sum256(append([]byte(issuerID+"\x00vc-api\x00"), buf.Bytes()...))
	return hex.EncodeToString(sum[:])
}

// issuerOf returns the issuer id of a credential: the string, or the object's id.
func issuerOf(raw json.RawMessage) string {
	var id string
	if json.Unmarshal(raw, &id) == nil {
		return id
	}
	var obj struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(raw, &obj)
	return obj.ID
}

// findIssuerByDID returns the issuer whose DID is did, if p may act for it. An
// issuer that is not ours is an invalid request; one of ours that p may not act for
// is ErrForbidden.
func (s *Service) findIssuerByDID(ctx context.Context, p Principal, did string) (*loaded, error) {
	if !p.Admin {
		if l, err := s.load(ctx, p.IssuerID); err == nil && l.did == did {
			return l, nil
		}
	}
	recs, err := s.st.ListIssuers(ctx)
	if err != nil {
		return nil, fmt.Errorf("issuer: list issuers: %w", err)
	}
	for _, r := range recs {
		l, err := s.load(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		if l.did != did {
			continue
		}
		if err := authorize(p, r.ID); err != nil {
			return nil, err
		}
		return l, nil
	}
	return nil, invalid("/credential/issuer", "%q is not an issuer of this service", did)
}

// appendContext returns doc with url appended to its @context array (kept if
// already present), every other member and their order unchanged.
func appendContext(doc []byte, url string) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("issuer: credential is not a JSON object")
	}
	var out bytes.Buffer
	out.WriteByte('{')
	for i := 0; dec.More(); i++ {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		if k == "@context" {
			var ctxs []json.RawMessage
			if err := json.Unmarshal(v, &ctxs); err != nil {
				ctxs = []json.RawMessage{v}
			}
			present := false
			for _, c := range ctxs {
				var s string
				if json.Unmarshal(c, &s) == nil && s == url {
					present = true
				}
			}
			if !present {
				u, _ := json.Marshal(url)
				ctxs = append(ctxs, u)
			}
			if v, err = json.Marshal(ctxs); err != nil {
				return nil, err
			}
		}
		if i > 0 {
			out.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		out.Write(kb)
		out.WriteByte(':')
		out.Write(v)
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}
