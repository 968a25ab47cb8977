package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/obadge/obadge/issuer"
	"github.com/obadge/obadge/store"
)

func (a *api) createIssuer(w http.ResponseWriter, r *http.Request) error {
	var in issuer.IssuerInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	iss, err := a.svc.CreateIssuer(r.Context(), principalFrom(r.Context()), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/issuers/"+iss.ID)
	return writeJSON(w, http.StatusCreated, iss)
}

func (a *api) listIssuers(w http.ResponseWriter, r *http.Request) error {
	list, err := a.svc.ListIssuers(r.Context(), principalFrom(r.Context()))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"issuers": list})
}

func (a *api) getIssuer(w http.ResponseWriter, r *http.Request) error {
	iss, err := a.svc.GetIssuer(r.Context(), principalFrom(r.Context()), chi.URLParam(r, "issuer"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, iss)
}

func (a *api) updateIssuer(w http.ResponseWriter, r *http.Request) error {
	var in issuer.IssuerInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	iss, err := a.svc.UpdateIssuer(r.Context(), principalFrom(r.Context()), chi.URLParam(r, "issuer"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, iss)
}

type rotateRequest struct {
	Alg string `json:"alg"`
}

// rotateKey makes a new primary key of an algorithm; old keys stay published.
func (a *api) rotateKey(w http.ResponseWriter, r *http.Request) error {
	var in rotateRequest
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	k, err := a.svc.RotateKey(r.Context(), principalFrom(r.Context()), chi.URLParam(r, "issuer"), in.Alg)
	if err != nil {
		return err
	}
	w.Header().Set("Location", k.JWKURL)
	return writeJSON(w, http.StatusCreated, k)
}

type tokenRequest struct {
	Name string `json:"name"`
}

type tokenResponse struct {
	Token    string `json:"token"`
	IssuerID string `json:"issuerId,omitempty"`
	Admin    bool   `json:"admin"`
	Name     string `json:"name,omitempty"`
}

func (a *api) createIssuerToken(w http.ResponseWriter, r *http.Request) error {
	return a.createToken(w, r, chi.URLParam(r, "issuer"))
}

func (a *api) createAdminToken(w http.ResponseWriter, r *http.Request) error {
	return a.createToken(w, r, "")
}

func (a *api) createToken(w http.ResponseWriter, r *http.Request, issuerID string) error {
	var in tokenRequest
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	tok, err := a.svc.CreateToken(r.Context(), principalFrom(r.Context()), issuerID, in.Name)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusCreated, tokenResponse{Token: tok, IssuerID: issuerID, Admin: issuerID == "", Name: in.Name})
}

func (a *api) createAchievement(w http.ResponseWriter, r *http.Request) error {
	var in issuer.AchievementInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	ach, err := a.svc.CreateAchievement(r.Context(), principalFrom(r.Context()), chi.URLParam(r, "issuer"), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", ach.URL)
	return writeJSON(w, http.StatusCreated, ach)
}

func (a *api) updateAchievement(w http.ResponseWriter, r *http.Request) error {
	var in issuer.AchievementInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	ach, err := a.svc.UpdateAchievement(r.Context(), principalFrom(r.Context()), chi.URLParam(r, "issuer"), chi.URLParam(r, "ach"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ach)
}

func (a *api) listAchievements(w http.ResponseWriter, r *http.Request) error {
	list, err := a.svc.ListAchievements(r.Context(), principalFrom(r.Context()), chi.URLParam(r, "issuer"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"achievements": list})
}

func (a *api) getAchievement(w http.ResponseWriter, r *http.Request) error {
	version := 0
	if v := r.URL.Query().Get("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return &issuer.RequestError{Errors: []issuer.FieldError{{Pointer: "?version", Detail: "must be a positive integer"}}}
		}
		version = n
	}
	ach, err := a.svc.GetAchievement(r.Context(), principalFrom(r.Context()), chi.URLParam(r, "issuer"), chi.URLParam(r, "ach"), version)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ach)
}

// issueResponse is an issued credential with its metadata; credential is the JSON
// object (ldp) or the compact JWS as a JSON string (jwt).
type issueResponse struct {
	*issuer.Issued
	Credential json.RawMessage `json:"credential"`
	// Status is the credential's status and its change history (admin view only).
	Status *issuer.CredentialStatus `json:"status,omitempty"`
}

func credentialJSON(c *issuer.Issued) json.RawMessage {
	if c.Format == issuer.FormatJWT {
		s, _ := json.Marshal(string(c.Raw))
		return s
	}
	return c.Raw
}

func (a *api) issue(w http.ResponseWriter, r *http.Request) error {
	var in issuer.IssueRequest
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := a.svc.Issue(r.Context(), principalFrom(r.Context()), chi.URLParam(r, "issuer"), in, r.Header.Get("Idempotency-Key"))
	if err != nil {
		return err
	}
	return a.writeIssued(w, c)
}

func (a *api) writeIssued(w http.ResponseWriter, c *issuer.Issued) error {
	status := http.StatusCreated
	if c.Replayed {
		status = http.StatusOK
		w.Header().Set("Idempotent-Replayed", "true")
	} else {
		a.metrics.CredentialIssued(c.Format, c.Alg)
	}
	if c.URL != "" && strings.HasPrefix(c.URL, a.svc.BaseURL()+"/") {
		w.Header().Set("Location", c.URL)
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, status, issueResponse{Issued: c, Credential: credentialJSON(c)})
}

func (a *api) getCredential(w http.ResponseWriter, r *http.Request) error {
	c, err := a.svc.GetCredential(r.Context(), principalFrom(r.Context()), chi.URLParam(r, "issuer"), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	resp := issueResponse{Issued: c, Credential: credentialJSON(c)}
	if st, err := a.svc.CredentialStatus(r.Context(), principalFrom(r.Context()), chi.URLParam(r, "issuer"), c.ID); err == nil {
		resp.Status = st
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return writeJSON(w, http.StatusOK, resp)
}

func (a *api) listCredentials(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var errs []issuer.FieldError
	f := issuer.CredentialFilter{Achievement: q.Get("achievement"), Recipient: q.Get("recipient"),
		RecipientHash: q.Get("recipientHash"), Cursor: q.Get("cursor")}
	parseTime := func(name string) time.Time {
		v := q.Get(name)
		if v == "" {
			return time.Time{}
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			errs = append(errs, issuer.FieldError{Pointer: "?" + name, Detail: "must be an RFC 3339 date-time, e.g. 2026-01-01T00:00:00Z"})
		}
		return t
	}
	f.Since, f.Until = parseTime("since"), parseTime("until")
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			errs = append(errs, issuer.FieldError{Pointer: "?limit", Detail: "must be an integer from 1 to 1000"})
		}
		f.Limit = n
	}
	if len(errs) > 0 {
		return &issuer.RequestError{Errors: errs}
	}
	list, next, err := a.svc.ListCredentials(r.Context(), principalFrom(r.Context()), chi.URLParam(r, "issuer"), f)
	if err != nil {
		return err
	}
	resp := map[string]any{"credentials": list}
	if next != "" {
		resp["next"] = next
	}
	return writeJSON(w, http.StatusOK, resp)
}
