package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/obadge/obadge/issuer"
	"github.com/obadge/obadge/schema"
)

// vcIssueRequest is the VC API issue body: {"credential": {...}, "options": {...}}.
// options may be absent or an object; credentialStatus {"type":
// "BitstringStatusListEntry"} adds a status entry, other members are ignored.
type vcIssueRequest struct {
	Credential json.RawMessage `json:"credential"`
	Options    json.RawMessage `json:"options,omitempty"`
}

// vcIssue implements POST /credentials/issue. Every invalid input is answered 400,
// as the VC API specifies, with the problem naming the member.
func (a *api) vcIssue(w http.ResponseWriter, r *http.Request) error {
	raw, err := readBody(r)
	if err != nil {
		return err
	}
	var in vcIssueRequest
	if err := decodeStrict(raw, &in); err != nil {
		return &statusError{status: http.StatusBadRequest, err: err}
	}
	if len(in.Credential) == 0 || bytes.Equal(in.Credential, []byte("null")) {
		return &statusError{status: http.StatusBadRequest, err: &issuer.RequestError{Errors: []issuer.FieldError{{Pointer: "/credential", Detail: "is required"}}}}
	}
	if len(in.Options) > 0 && !bytes.Equal(in.Options, []byte("null")) && in.Options[0] != '{' {
		return &statusError{status: http.StatusBadRequest, err: &issuer.RequestError{Errors: []issuer.FieldError{{Pointer: "/options", Detail: "must be an object"}}}}
	}
	opts, err := vcIssueOptions(in.Options)
	if err != nil {
		return &statusError{status: http.StatusBadRequest, err: err}
	}
	c, err := a.svc.SignVCWithOptions(r.Context(), principalFrom(r.Context()), in.Credential, r.Header.Get("Idempotency-Key"), opts)
	if err != nil {
		var ve *schema.ValidationError
		if errors.As(err, &ve) {
			prefixed := make([]schema.FieldError, len(ve.Errors))
			for i, f := range ve.Errors {
				prefixed[i] = schema.FieldError{Path: "/credential" + f.Path, Message: f.Message}
			}
			err = &schema.ValidationError{Errors: prefixed, Cause: ve.Cause}
		}
		if pt, _, _ := classify(err); pt.Status == http.StatusUnprocessableEntity {
			return &statusError{status: http.StatusBadRequest, err: err}
		}
		return err
	}
	status := http.StatusCreated
	if c.Replayed {
		status = http.StatusOK
		w.Header().Set("Idempotent-Replayed", "true")
	} else {
		a.metrics.CredentialIssued(c.Format, c.Alg)
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, status, map[string]json.RawMessage{"verifiableCredential": c.Raw})
}
