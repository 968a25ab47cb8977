package web

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/obadge/obadge/verifier"
)

// Errors of this package; match them with errors.Is.
var (
	// ErrNotFound is what a BadgeSource wraps when no badge has the token.
	ErrNotFound = errors.New("web: badge not found")
	// ErrBusy is returned when no verification slot frees up in time.
	ErrBusy = errors.New("web: too many verifications in progress")
	// ErrWrongManageKey is what a BadgeManager wraps when the manage key does not
	// match the badge's.
	ErrWrongManageKey = errors.New("web: wrong manage key")
	// ErrNoManageKey is what a BadgeManager wraps when the badge has no manage key
	// (only its issuer can hide it).
	ErrNoManageKey = errors.New("web: badge has no manage key")
)

// BadgeSource finds the badge a page token names. The caller implements it over its
// store; web never sees how tokens are made (they must be unguessable).
type BadgeSource interface {
	// Badge returns the badge with the page token, or an error wrapping ErrNotFound.
	// A hidden badge may be returned with Hidden set or as ErrNotFound: both answer 404.
	Badge(ctx context.Context, token string) (*Badge, error)
}

// BadgeSourceFunc adapts a function to BadgeSource.
type BadgeSourceFunc func(ctx context.Context, token string) (*Badge, error)

// Badge implements BadgeSource.
func (f BadgeSourceFunc) Badge(ctx context.Context, token string) (*Badge, error) {
	return f(ctx, token)
}

// Defaults of Options.
const (
	DefaultCacheTTL  = 60 * time.Second
	DefaultMaxUpload = 10 << 20
	// verifyTimeout bounds one verification, including the documents it fetches.
	verifyTimeout = 30 * time.Second
)

// Options configure a Handler. Verifier is required.
type Options struct {
	// Verifier checks the credentials shown and uploaded.
	Verifier *verifier.Verifier
	// Logger receives one line per error; if nil, nothing is logged.
	Logger *slog.Logger
	// BaseURL is the public origin the pages are served under, e.g.
	// "https://badges.example.gov" (no trailing slash). It makes the absolute URLs of
	// OpenGraph tags, the QR code and the LinkedIn link. If empty, the request's host
	// is used (fine for tests, wrong behind a proxy).
	BaseURL string
	// Now is the clock for the report cache and the "checked at" line; if nil,
	// time.Now. (The verifier keeps its own clock for validity dates.)
	Now func() time.Time
	// CacheTTL is how long a badge page reuses a verification report; if zero,
	// DefaultCacheTTL. Negative disables the cache.
	CacheTTL time.Duration
	// MaxUpload caps a /verify submission (the whole form); if zero, DefaultMaxUpload.
	MaxUpload int64
	// MaxConcurrent bounds verifications running at once (they are CPU-bound); if
	// zero, twice the number of CPUs.
	MaxConcurrent int
}

// Handler serves the badge pages and the /verify page. It is safe for concurrent use.
type Handler struct {
	v         *verifier.Verifier
	log       *slog.Logger
	base      string
	now       func() time.Time
	ttl       time.Duration
	maxUpload int64
	slot      chan struct{}
	cache     *reportCache
	tmpl      *template.Template
	static    fs.FS
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// New returns a Handler. It panics if opts.Verifier is nil or the embedded templates
// do not parse (both are programming errors).
func New(opts Options) *Handler {
	if opts.Verifier == nil {
		panic("web: Options.Verifier is required")
	}
	h := &Handler{
		v:         opts.Verifier,
		log:       opts.Logger,
		base:      strings.TrimRight(opts.BaseURL, "/"),
		now:       opts.Now,
		ttl:       opts.CacheTTL,
		maxUpload: opts.MaxUpload,
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.ttl == 0 {
		h.ttl = DefaultCacheTTL
	}
	if h.maxUpload <= 0 {
		h.maxUpload = DefaultMaxUpload
	}
	n := opts.MaxConcurrent
	if n <= 0 {
		n = 2 * runtime.GOMAXPROCS(0)
	}
	h.slot = make(chan struct{}, n)
	h.cache = newReportCache(1024)
	h.tmpl = template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html"))
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err)
	}
	h.static = sub
	return h
}

// Mount adds the routes to r (the manage routes only when badges is also a
// BadgeManager):
//
//	GET  /verify                          the verification form
//	POST /verify                          verify a pasted, uploaded or linked credential
//	GET  /badges/{token}                  the badge page (or the credential, by Accept)
//	GET  /badges/{token}/credential.json  the credential (JSON; an enveloped JWT for jwt badges)
//	GET  /badges/{token}/credential.jwt   the VC-JWT (jwt badges only)
//	GET  /badges/{token}/badge.png        the image with the credential baked in
//	GET  /badges/{token}/badge.svg        the same as SVG
//	GET  /badges/{token}/image            the achievement image as shown on the page
//	GET  /badges/{token}/image.png        a PNG of it for social cards (og:image)
//	GET  /badges/{token}/qr.png           a QR code of the page URL
//	GET  /badges/{token}/manage           the recipient's form to hide or show the page (manage.go)
//	POST /badges/{token}/manage           key=<manage key>&action=view|hide|show
//	GET  /static/*                        the stylesheet and the optional script
//
// Every response carries the security headers (CSP, nosniff, Referrer-Policy). The
// caller's body limit must allow Options.MaxUpload on POST /verify.
func (h *Handler) Mount(r chi.Router, badges BadgeSource) {
	r.Group(func(r chi.Router) {
		r.Use(securityHeaders)
		// HEAD is answered like GET (link checkers and social crawlers use it).
		getHead := func(pattern string, fn http.HandlerFunc) {
			r.Get(pattern, fn)
			r.Head(pattern, fn)
		}
		getHead("/static/{file}", h.serveStatic)
		getHead("/verify", h.verifyForm)
		r.Post("/verify", h.verifySubmit)
		bh := &badgeRoutes{h: h, src: badges}
		getHead("/badges/{token}", bh.route(resPage))
		for name := range resources {
			if name != resPage {
				getHead("/badges/{token}/"+name, bh.route(name))
			}
		}
		if m, ok := badges.(BadgeManager); ok {
			mr := &manageRoutes{h: h, m: m}
			getHead("/badges/{token}/manage", mr.form)
			r.Post("/badges/{token}/manage", mr.submit)
		}
	})
}

// Invalidate drops the cached verification reports of a credential (by its id), so
// the next view of its page verifies afresh: call it after revoking or suspending.
func (h *Handler) Invalidate(credentialID string) { h.cache.forget(credentialID) }

// contentSecurityPolicy allows only same-origin style and script, images from
// anywhere over https (issuer-hosted achievement images), forms posting to us, and
// no framing.
const contentSecurityPolicy = "default-src 'none'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// svgPolicy is sent with every SVG: no script, no external anything.
const svgPolicy = "default-src 'none'; style-src 'unsafe-inline'"

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", contentSecurityPolicy)
		hd.Set("X-Content-Type-Options", "nosniff")
		// The page URL is the capability to see the badge: never leak it to the sites
		// linked from the page.
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

func (h *Handler) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := chi.URLParam(r, "file")
	var ct string
	switch {
	case strings.HasSuffix(name, ".css"):
		ct = "text/css; charset=utf-8"
	case strings.HasSuffix(name, ".js"):
		ct = "text/javascript; charset=utf-8"
	}
	b, err := fs.ReadFile(h.static, name)
	if err != nil || ct == "" || strings.Contains(name, "/") {
		h.problem(w, r, http.StatusNotFound, "not-found", "Not found", "no such file")
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(b)
}

// acquire waits for a verification slot and returns a context bounded by the
// verification timeout.
func (h *Handler) acquire(ctx context.Context) (context.Context, func(), error) {
	ctx, cancel := context.WithTimeout(ctx, verifyTimeout)
	select {
	case h.slot <- struct{}{}:
		return ctx, func() { <-h.slot; cancel() }, nil
	case <-ctx.Done():
		cancel()
		return nil, nil, ErrBusy
	}
}

// ProblemTypeBase prefixes problem type URIs; it is the same registry as the API's
// (internal/httpapi), plus the slug "not-acceptable".
const ProblemTypeBase = "https://obadge.dev/problems/"

// problem writes an RFC 9457 problem+json body. Only for machine clients (content
// negotiation, downloads); people get HTML pages.
func (h *Handler) problem(w http.ResponseWriter, r *http.Request, status int, slug, title, detail string) {
	body, _ := json.Marshal(map[string]any{
		"type": ProblemTypeBase + slug, "title": title, "status": status, "detail": detail, "instance": r.URL.Path,
	})
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// render executes a page template into a buffer first, so a template error becomes a
// clean 500 page instead of half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var b strings.Builder
	if err := h.tmpl.ExecuteTemplate(&b, name, data); err != nil {
		h.log.ErrorContext(r.Context(), "web: render page", "template", name, "error", err)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("Internal error: the page could not be rendered.\n"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String()))
}

// baseURL is the configured origin, or the request's.
func (h *Handler) baseURL(r *http.Request) string {
	if h.base != "" {
		return h.base
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
