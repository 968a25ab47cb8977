package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/obadge/obadge/issuer"
	"github.com/obadge/obadge/schema"
	"github.com/obadge/obadge/store"
)

// statusListMaxAge is the Cache-Control max-age of served status lists: a change
// reaches every verifier within five minutes.
const statusListMaxAge = 300

// statusList serves a signed BitstringStatusListCredential (public, no auth) with
// a strong ETag; If-None-Match answers 304. The signed bytes come from the store,
// so serving never re-signs.
func (a *api) statusList(w http.ResponseWriter, r *http.Request) error {
	n, err := strconv.Atoi(chi.URLParam(r, "n"))
	if err != nil || n < 1 {
		return fmt.Errorf("status list %q: %w", chi.URLParam(r, "n"), store.ErrNotFound)
	}
	sl, err := a.svc.StatusList(r.Context(), chi.URLParam(r, "issuer"), chi.URLParam(r, "purpose"), n)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", sl.ETag)
	w.Header().Set("Cache-Control", "public, max-age="+strconv.Itoa(statusListMaxAge))
	if etagMatches(r.Header.Get("If-None-Match"), sl.ETag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	return writeRaw(w, http.StatusOK, issuer.MediaTypeStatusList, sl.Raw)
}

// etagMatches applies If-None-Match (weak comparison, RFC 9110 13.1.2).
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// changeStatus is POST /api/v1/issuers/{issuer}/credentials/{id}/status with
// {"action": "revoke|suspend|reinstate", "reason": "..."}.
func (a *api) changeStatus(w http.ResponseWriter, r *http.Request) error {
	var in issuer.StatusChangeRequest
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	v, err := a.svc.ChangeCredentialStatus(r.Context(), principalFrom(r.Context()), chi.URLParam(r, "issuer"), chi.URLParam(r, "id"), in)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, v)
}

// getStatus is GET /api/v1/issuers/{issuer}/credentials/{id}/status.
func (a *api) getStatus(w http.ResponseWriter, r *http.Request) error {
	v, err := a.svc.CredentialStatus(r.Context(), principalFrom(r.Context()), chi.URLParam(r, "issuer"), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, v)
}

func (a *api) getStatusSettings(w http.ResponseWriter, r *http.Request) error {
	v, err := a.svc.GetStatusSettings(r.Context(), principalFrom(r.Context()), chi.URLParam(r, "issuer"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

func (a *api) putStatusSettings(w http.ResponseWriter, r *http.Request) error {
	var in issuer.StatusSettings
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	v, err := a.svc.SetStatusSettings(r.Context(), principalFrom(r.Context()), chi.URLParam(r, "issuer"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

// vcStatusRequest is the VC API status update body, in either shape the VC API
// has had: {"credentialId": "...", "credentialStatus": {"type":
// "BitstringStatusList", "statusPurpose": "revocation"}, "status": true} (current
// UpdateCredentialStatusRequest; without status, as the W3C Bitstring Status
// List test suite sends it, the purpose's status is set) or {"credentialId":
// "...", "credentialStatus": [{"type": "BitstringStatusListCredential", "status":
// "revoked"}]} (earlier).
type vcStatusRequest struct {
	CredentialID     string          `json:"credentialId"`
	CredentialStatus json.RawMessage `json:"credentialStatus"`
	Status           json.RawMessage `json:"status"`
}

// vcStatusItem is one requested status. status is a state name ("revoked",
// "suspended", "active"/"unsuspended"/"reinstated"), or a boolean with
// statusPurpose (revocation true, suspension true/false), as test suites send.
type vcStatusItem struct {
	Type          string          `json:"type"`
	Status        json.RawMessage `json:"status"`
	StatusPurpose string          `json:"statusPurpose"`
}

var vcStatusTypes = map[string]bool{"": true, "BitstringStatusList": true, "BitstringStatusListCredential": true,
	"BitstringStatusListEntry": true, "StatusList2021": true, "StatusList2021Credential": true, "StatusList2021Entry": true}

// action maps one item to a status action, or a field error.
func (it vcStatusItem) action(ptr string) (string, *issuer.FieldError) {
	if !vcStatusTypes[it.Type] {
		return "", &issuer.FieldError{Pointer: ptr + "/type", Detail: "must be BitstringStatusListCredential"}
	}
	var name string
	var flag bool
	switch {
	case json.Unmarshal(it.Status, &name) == nil:
		switch strings.ToLower(name) {
		case "revoked", "revocation", "revoke":
			return store.ActionRevoke, nil
		case "suspended", "suspension", "suspend":
			return store.ActionSuspend, nil
		case "active", "valid", "unsuspended", "reinstated", "reinstate":
			return store.ActionReinstate, nil
		}
	case json.Unmarshal(it.Status, &flag) == nil:
		switch {
		case it.StatusPurpose == store.PurposeRevocation && flag:
			return store.ActionRevoke, nil
		case it.StatusPurpose == store.PurposeRevocation:
			return store.ActionReinstate, nil // refused: a revocation is final
		case it.StatusPurpose == store.PurposeSuspension && flag:
			return store.ActionSuspend, nil
		case it.StatusPurpose == store.PurposeSuspension:
			return store.ActionReinstate, nil
		}
		return "", &issuer.FieldError{Pointer: ptr + "/statusPurpose", Detail: `must be "revocation" or "suspension" with a boolean status`}
	}
	return "", &issuer.FieldError{Pointer: ptr + "/status", Detail: `must be "revoked", "suspended" or "active" (or a boolean with statusPurpose)`}
}

// vcStatus implements the W3C VC API POST /credentials/status. Invalid input is a
// 400 as the VC API specifies; an unknown credential 404; a revoked credential
// asked to become active or suspended 409.
func (a *api) vcStatus(w http.ResponseWriter, r *http.Request) error {
	raw, err := readBody(r)
	if err != nil {
		return err
	}
	if err := schema.CheckJSON(raw); err != nil {
		return &statusError{status: http.StatusBadRequest, err: &malformedError{detail: strings.TrimPrefix(err.Error(), "schema: "), cause: err}}
	}
	var in vcStatusRequest
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&in); err != nil {
		return &statusError{status: http.StatusBadRequest, err: &malformedError{detail: "the body is not the expected JSON: " + err.Error(), cause: err}}
	}
	var errs []issuer.FieldError
	if strings.TrimSpace(in.CredentialID) == "" {
		errs = append(errs, issuer.FieldError{Pointer: "/credentialId", Detail: "is required (the credential's id)"})
	}
	var items []vcStatusItem
	ptr := "/credentialStatus/%d"
	switch cs := bytes.TrimSpace(in.CredentialStatus); {
	case len(cs) > 0 && cs[0] == '{':
		var it vcStatusItem
		if err := json.Unmarshal(cs, &it); err == nil {
			items, ptr = []vcStatusItem{it}, "/credentialStatus"
		}
	case len(cs) > 0 && cs[0] == '[':
		_ = json.Unmarshal(cs, &items)
	}
	if len(items) == 0 {
		errs = append(errs, issuer.FieldError{Pointer: "/credentialStatus", Detail: `must be {"type": "BitstringStatusList", "statusPurpose": "revocation"} with "status": true, or [{"type": "BitstringStatusListCredential", "status": "revoked"}]`})
	}
	var actions []string
	for i, it := range items {
		if len(it.Status) == 0 {
			it.Status = in.Status
		}
		if len(it.Status) == 0 && it.StatusPurpose != "" {
			// The Bitstring Status List test suite names only the purpose to set.
			it.Status = json.RawMessage("true")
		}
		p := ptr
		if strings.Contains(ptr, "%d") {
			p = fmt.Sprintf(ptr, i)
		}
		act, fe := it.action(p)
		if fe != nil {
			errs = append(errs, *fe)
			continue
		}
		actions = append(actions, act)
	}
	if len(errs) > 0 {
		return &statusError{status: http.StatusBadRequest, err: &issuer.RequestError{Errors: errs}}
	}
	var v *issuer.CredentialStatus
	for _, act := range actions {
		v, err = a.svc.ChangeStatusByCredentialID(r.Context(), principalFrom(r.Context()), in.CredentialID,
			issuer.StatusChangeRequest{Action: act, Reason: "W3C VC API status update"})
		if err != nil {
			if pt, _, _ := classify(err); pt.Status == http.StatusUnprocessableEntity {
				return &statusError{status: http.StatusBadRequest, err: err}
			}
			return err
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, v)
}

// vcIssueOptions reads the VC API issue options obadge honours:
// options.credentialStatus {"type": "BitstringStatusListEntry"} and
// options.credentialId. Other members are accepted and ignored.
func vcIssueOptions(raw json.RawMessage) (issuer.VCIssueOptions, error) {
	var o issuer.VCIssueOptions
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return o, nil
	}
	var opts struct {
		CredentialStatus json.RawMessage `json:"credentialStatus"`
		CredentialID     json.RawMessage `json:"credentialId"`
	}
	if err := json.Unmarshal(raw, &opts); err != nil {
		return o, nil
	}
	if len(opts.CredentialID) > 0 && json.Unmarshal(opts.CredentialID, &o.CredentialID) != nil {
		return o, &issuer.RequestError{Errors: []issuer.FieldError{{Pointer: "/options/credentialId", Detail: "must be a string (a URI)"}}}
	}
	if len(opts.CredentialStatus) == 0 || bytes.Equal(opts.CredentialStatus, []byte("null")) {
		return o, nil
	}
	var cs struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(opts.CredentialStatus, &cs); err != nil || cs.Type != "BitstringStatusListEntry" {
		return o, &issuer.RequestError{Errors: []issuer.FieldError{{Pointer: "/options/credentialStatus/type", Detail: `must be "BitstringStatusListEntry"`}}}
	}
	o.CredentialStatus = true
	return o, nil
}

// publishStatusList is POST <list URL>/publish, the hook the W3C Bitstring Status
// List test suite calls after a change: our lists are re-signed and published in
// the change's transaction, so it only checks the caller may act for the issuer
// and that the list exists, and answers 204.
func (a *api) publishStatusList(w http.ResponseWriter, r *http.Request) error {
	issuerID := chi.URLParam(r, "issuer")
	if !principalFrom(r.Context()).CanActFor(issuerID) {
		return fmt.Errorf("%w: token may not act for issuer %q", issuer.ErrForbidden, issuerID)
	}
	n, err := strconv.Atoi(chi.URLParam(r, "n"))
	if err != nil || n < 1 {
		return fmt.Errorf("status list %q: %w", chi.URLParam(r, "n"), store.ErrNotFound)
	}
	if _, err := a.svc.StatusList(r.Context(), issuerID, chi.URLParam(r, "purpose"), n); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
