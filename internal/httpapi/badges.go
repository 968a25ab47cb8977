package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/obadge/obadge/internal/web"
	"github.com/obadge/obadge/issuer"
	"github.com/obadge/obadge/store"
)

// Public badge pages (issue 6): internal/web serves them; this file adapts the
// issuer service to web.BadgeSource and serves the admin visibility switch.

// BadgeSource returns the web.BadgeSource of svc's credentials: a page token names
// a credential; an unknown token or a hidden badge is web.ErrNotFound. It is also a
// web.BadgeManager: the recipient hides and shows the page with the credential's
// manage key.
func BadgeSource(svc *issuer.Service) web.BadgeSource { return issuerBadges{svc} }

type issuerBadges struct{ svc *issuer.Service }

var _ web.BadgeManager = issuerBadges{}

// Badge implements web.BadgeSource.
func (ib issuerBadges) Badge(ctx context.Context, token string) (*web.Badge, error) {
	b, err := ib.svc.BadgeByToken(ctx, token)
	if err != nil {
		return nil, webError(err)
	}
	wb := &web.Badge{Token: b.Token, Credential: b.Credential, Format: b.Format, Image: b.Image,
		RecipientName: b.RecipientName, LinkedInOrganizationID: b.LinkedInOrganizationID, Hidden: b.Hidden}
	for _, e := range b.Evidence {
		wb.Evidence = append(wb.Evidence, web.Evidence{Name: e.Name, Description: e.Description, Narrative: e.Narrative, URL: e.URL})
	}
	return wb, nil
}

// ManagedBadge implements web.BadgeManager.
func (ib issuerBadges) ManagedBadge(ctx context.Context, token, key string) (*web.ManagedBadge, error) {
	m, err := ib.svc.ManagedBadge(ctx, token, key)
	if err != nil {
		return nil, webError(err)
	}
	return &web.ManagedBadge{Name: m.Name, Hidden: m.Hidden}, nil
}

// SetHidden implements web.BadgeManager.
func (ib issuerBadges) SetHidden(ctx context.Context, token, key string, hidden bool) (*web.ManagedBadge, error) {
	m, err := ib.svc.SetBadgeHiddenByRecipient(ctx, token, key, hidden)
	if err != nil {
		return nil, webError(err)
	}
	return &web.ManagedBadge{Name: m.Name, Hidden: m.Hidden}, nil
}

// webError maps the issuer's badge errors onto the web package's.
func webError(err error) error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("%w: %w", web.ErrNotFound, err)
	case errors.Is(err, issuer.ErrWrongManageKey):
		return fmt.Errorf("%w: %w", web.ErrWrongManageKey, err)
	case errors.Is(err, issuer.ErrNoManageKey):
		return fmt.Errorf("%w: %w", web.ErrNoManageKey, err)
	}
	return err
}

// limitBodyExcept is limitBody for every request except those exempt reports: the
// web pages' POST /verify takes uploads up to its own, larger limit (web.Options.
// MaxUpload) and enforces it itself. Every other route, including any added later,
// stays under max.
func limitBodyExcept(max int64, exempt func(*http.Request) bool) func(http.Handler) http.Handler {
	limit := limitBody(max)
	return func(next http.Handler) http.Handler {
		limited := limit(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if exempt != nil && exempt(r) {
				next.ServeHTTP(w, r)
				return
			}
			limited.ServeHTTP(w, r)
		})
	}
}

// webUpload reports a request for the web /verify form (only when the pages are
// mounted).
func webUpload(d Deps) func(*http.Request) bool {
	if d.Web == nil {
		return nil
	}
	return func(r *http.Request) bool { return r.Method == http.MethodPost && r.URL.Path == "/verify" }
}

// mountWeb mounts the public pages on the top-level router (request id, access log
// and recoverer apply), over d.Badges or, if nil, the issuer's credentials.
func mountWeb(r chi.Router, d Deps) {
	src := d.Badges
	if src == nil {
		src = BadgeSource(d.Issuer)
	}
	d.Web.Mount(r, src)
}

type visibilityRequest struct {
	// Hidden is required: true hides the public page (404), false shows it.
	Hidden *bool `json:"hidden"`
}

// setVisibility serves PUT /api/v1/issuers/{issuer}/credentials/{id}/visibility
// {"hidden": true|false} and answers with the credential's admin view.
func (a *api) setVisibility(w http.ResponseWriter, r *http.Request) error {
	var in visibilityRequest
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.Hidden == nil {
		return &issuer.RequestError{Errors: []issuer.FieldError{{Pointer: "/hidden", Detail: "is required (true hides the badge page, false shows it)"}}}
	}
	c, err := a.svc.SetBadgeHidden(r.Context(), principalFrom(r.Context()), chi.URLParam(r, "issuer"), chi.URLParam(r, "id"), *in.Hidden)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, issueResponse{Issued: c, Credential: credentialJSON(c)})
}

// rotateManageKey serves POST /api/v1/issuers/{issuer}/credentials/{id}/manage-key
// (no body): a new manage key for the credential's recipient, the old one invalid
// from now on. The answer is the credential's admin view with the new manageUrl,
// the only time the key is shown.
func (a *api) rotateManageKey(w http.ResponseWriter, r *http.Request) error {
	c, err := a.svc.RotateManageKey(r.Context(), principalFrom(r.Context()), chi.URLParam(r, "issuer"), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, issueResponse{Issued: c, Credential: credentialJSON(c)})
}
