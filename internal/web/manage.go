package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
)

// BadgeManager is the optional capability of a BadgeSource whose badges their
// recipients can hide and show with a manage key (a secret the issuer gave them
// with the badge). Mount serves /badges/{token}/manage only for a BadgeSource that
// implements it. Implementations compare keys in constant time.
type BadgeManager interface {
	// ManagedBadge returns the badge with the page token, hidden or not, if key is
	// its manage key. Errors wrap ErrNotFound (no such token), ErrWrongManageKey or
	// ErrNoManageKey.
	ManagedBadge(ctx context.Context, token, key string) (*ManagedBadge, error)
	// SetHidden hides or shows the badge's public page, if key is its manage key
	// (errors as ManagedBadge; nothing changes on error), and returns the result.
	SetHidden(ctx context.Context, token, key string, hidden bool) (*ManagedBadge, error)
}

// ManagedBadge is what the manage page shows of a badge.
type ManagedBadge struct {
	// Name is the badge's (credential's) name.
	Name string
	// Hidden is true while the public page answers 404.
	Hidden bool
}

// maxManageForm caps the manage form's body (a key and an action).
const maxManageForm = 4 << 10

type manageRoutes struct {
	h *Handler
	m BadgeManager
}

type manageData struct {
	Title string
	// Action is the form's target, the manage page's path (never with the key).
	Action string
	// Key is echoed into the follow-up form only after it was accepted.
	Key     string
	Badge   *ManagedBadge
	PageURL string
	// Done says what the last submission changed; Problem why it was refused.
	Done, Problem string
	// NoKey: the badge cannot be managed with a key at all.
	NoKey bool
}

// form serves GET /badges/{token}/manage: the key form. It looks nothing up, so it
// tells nobody whether the token exists or whether its page is hidden; the key
// never comes in the URL (the manage link carries it in the fragment, which the
// optional script copies into the field).
func (mr *manageRoutes) form(w http.ResponseWriter, r *http.Request) {
	mr.render(w, r, http.StatusOK, &manageData{Title: "Manage your badge page"})
}

// submit serves POST /badges/{token}/manage with key and action=view|hide|show.
func (mr *manageRoutes) submit(w http.ResponseWriter, r *http.Request) {
	token := chi.URLParam(r, "token")
	r.Body = http.MaxBytesReader(w, r.Body, maxManageForm)
	if err := r.ParseForm(); err != nil {
		mr.render(w, r, http.StatusBadRequest, &manageData{Title: "Manage your badge page", Problem: "The form could not be read. Please try again."})
		return
	}
	key := strings.TrimSpace(r.PostForm.Get("key"))
	if key == "" {
		mr.render(w, r, http.StatusBadRequest, &manageData{Title: "Manage your badge page", Problem: "Enter your manage key: the part of your manage link after the “#” sign."})
		return
	}
	var (
		b    *ManagedBadge
		err  error
		done string
	)
	switch action := r.PostForm.Get("action"); action {
	case "view", "":
		b, err = mr.m.ManagedBadge(r.Context(), token, key)
	case "hide", "show":
		b, err = mr.m.SetHidden(r.Context(), token, key, action == "hide")
		if err == nil && b.Hidden {
			done = "Done: your badge page is now hidden. Anyone who opens its address, including you, sees “Badge not found” until you show it again here."
		} else if err == nil {
			done = "Done: your badge page is visible again, at the same address as before."
		}
	default:
		mr.render(w, r, http.StatusBadRequest, &manageData{Title: "Manage your badge page", Problem: "Choose whether to hide or show your badge page."})
		return
	}
	if err != nil {
		mr.refuse(w, r, err)
		return
	}
	mr.render(w, r, http.StatusOK, &manageData{Title: "Manage your badge page", Key: key, Badge: b, Done: done,
		PageURL: mr.h.baseURL(r) + "/badges/" + token})
}

// refuse answers a submission the BadgeManager refused: 404 for an unknown badge,
// a readable 403 page for a wrong key or a badge without one, else a 500 page.
func (mr *manageRoutes) refuse(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, ErrNotFound):
		mr.h.notFound(w, r, true)
	case errors.Is(err, ErrWrongManageKey):
		mr.render(w, r, http.StatusForbidden, &manageData{Title: "Wrong manage key",
			Problem: "That manage key does not belong to this badge, so nothing was changed. Check that you copied the whole key: the part of your manage link after the “#” sign."})
	case errors.Is(err, ErrNoManageKey):
		mr.render(w, r, http.StatusForbidden, &manageData{Title: "This badge has no manage key", NoKey: true,
			Problem: "This badge cannot be hidden or shown with a manage key, so nothing was changed. Ask the issuer of the badge to hide it for you, or to send you a new manage link."})
	default:
		mr.h.log.ErrorContext(r.Context(), "web: badge manager", "error", err)
		mr.h.failure(w, r, true)
	}
}

// render sends a manage page: never stored by a cache (it may hold the key), and
// never indexed.
func (mr *manageRoutes) render(w http.ResponseWriter, r *http.Request, status int, d *manageData) {
	d.Action = "/badges/" + chi.URLParam(r, "token") + "/manage"
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Robots-Tag", "noindex")
	mr.h.render(w, r, status, "manage.html", d)
}
