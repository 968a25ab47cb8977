package httpapi

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/obadge/obadge/internal/web"
	"github.com/obadge/obadge/issuer"
	"github.com/obadge/obadge/verifier"
)

// VerifyService is what the verify endpoints (verify.go) need: a *verifier.Verifier.
type VerifyService interface {
	Verify(ctx context.Context, raw []byte, o verifier.VerifyOptions) (*verifier.Report, error)
	VerifyURL(ctx context.Context, rawURL string, o verifier.VerifyOptions) (*verifier.Report, error)
}

// Deps are the router's collaborators.
type Deps struct {
	// Issuer is required.
	Issuer *issuer.Service
	// Verifier, if set, mounts the verifier endpoints (verify.go).
	Verifier VerifyService
	// Logger for access and error logs; if nil, slog.Default().
	Logger *slog.Logger
	// MaxBodyBytes caps request bodies; if zero, 1 MiB.
	MaxBodyBytes int64
	// Metrics collects /metrics; if nil, new metrics are made.
	Metrics *Metrics
	// Web, if set, mounts the public badge pages and the /verify page (badges.go)
	// over Badges, or over the issuer's credentials when Badges is nil. POST /verify
	// is exempt from MaxBodyBytes: the pages enforce their own upload limit.
	Web    *web.Handler
	Badges web.BadgeSource
}

// NewRouter returns the HTTP handler of the whole service.
func NewRouter(d Deps) http.Handler {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.MaxBodyBytes <= 0 {
		d.MaxBodyBytes = 1 << 20
	}
	if d.Metrics == nil {
		d.Metrics = NewMetrics()
	}
	a := &api{svc: d.Issuer, metrics: d.Metrics}
	r := chi.NewRouter()
	r.Use(requestID(d.Logger), accessLog(d.Metrics), recoverer, limitBodyExcept(d.MaxBodyBytes, webUpload(d)))
	r.NotFound(handle(func(w http.ResponseWriter, r *http.Request) error { return errRouteNotFound }))
	r.MethodNotAllowed(handle(func(w http.ResponseWriter, r *http.Request) error { return errMethod }))

	r.Get("/healthz", a.health)
	r.Get("/metrics", d.Metrics.handler)

	// Public documents: no authentication, cacheable, readable cross-origin.
	r.Group(func(r chi.Router) {
		r.Use(publicHeaders)
		r.Get("/.well-known/jwks.json", handle(a.allJWKS))
		r.Get("/issuers/{issuer}", handle(a.profile))
		r.Get("/issuers/{issuer}/did.json", handle(a.didDocument))
		r.Get("/issuers/{issuer}/jwks.json", handle(a.issuerJWKS))
		r.Get("/issuers/{issuer}/keys/{kid}", handle(a.jwk))
		r.Get("/issuers/{issuer}/achievements/{ach}", handle(a.publicAchievement))
		r.Get("/issuers/{issuer}/achievements/{ach}/versions/{version}", handle(a.publicAchievement))
		r.Get("/credentials/{id}", handle(a.publicCredential))
		r.Get("/issuers/{issuer}/status/{purpose}/{n}", handle(a.statusList))
	})

	// W3C VC API.
	r.With(requireJSON, authenticate(d.Issuer)).Post("/credentials/issue", handle(a.vcIssue))
	r.With(requireJSON, authenticate(d.Issuer)).Post("/credentials/status", handle(a.vcStatus))
	r.With(requireJSON, authenticate(d.Issuer)).Post("/issuers/{issuer}/status/{purpose}/{n}/publish", handle(a.publishStatusList))

	// Admin API.
	r.Route("/api/v1", func(r chi.Router) {
		r.Use(requireJSON, authenticate(d.Issuer))
		r.Post("/tokens", handle(a.createAdminToken))
		r.Get("/issuers", handle(a.listIssuers))
		r.Post("/issuers", handle(a.createIssuer))
		r.Route("/issuers/{issuer}", func(r chi.Router) {
			r.Get("/", handle(a.getIssuer))
			r.Put("/", handle(a.updateIssuer))
			r.Post("/keys", handle(a.rotateKey))
			r.Post("/tokens", handle(a.createIssuerToken))
			r.Get("/achievements", handle(a.listAchievements))
			r.Post("/achievements", handle(a.createAchievement))
			r.Get("/achievements/{ach}", handle(a.getAchievement))
			r.Put("/achievements/{ach}", handle(a.updateAchievement))
			r.Get("/credentials", handle(a.listCredentials))
			r.Post("/credentials", handle(a.issue))
			r.Get("/credentials/{id}", handle(a.getCredential))
			r.Get("/credentials/{id}/status", handle(a.getStatus))
			r.Post("/credentials/{id}/status", handle(a.changeStatus))
			r.Put("/credentials/{id}/visibility", handle(a.setVisibility))
			r.Post("/credentials/{id}/manage-key", handle(a.rotateManageKey))
			r.Get("/status-settings", handle(a.getStatusSettings))
			r.Put("/status-settings", handle(a.putStatusSettings))
		})
	})

	if d.Verifier != nil {
		mountVerify(r, d)
	}
	if d.Web != nil {
		mountWeb(r, d)
	}
	return r
}

// api holds the handlers' collaborators.
type api struct {
	svc     *issuer.Service
	metrics *Metrics
}

func publicHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Cache-Control", "public, max-age=300")
		next.ServeHTTP(w, r)
	})
}
