package main

import (
	"log/slog"

	"github.com/obadge/obadge/internal/httpapi"
	"github.com/obadge/obadge/internal/web"
	"github.com/obadge/obadge/issuer"
	"github.com/obadge/obadge/verifier"
)

// newVerifier builds the verifier the server mounts at its verify endpoints and
// badge pages: the network resolver under the default (public-internet, https-only)
// fetch policy, behind the issuer service, which answers this server's own issuers
// and status lists from the store, so that credentials we issue verify even before
// the base URL is reachable over https (and without the server fetching its own,
// possibly private, address). It returns nil (no verify endpoints, no pages) if the
// verifier cannot be built.
func newVerifier(svc *issuer.Service, log *slog.Logger) *verifier.Verifier {
	v, err := verifier.Configure(verifier.Config{Local: svc, LocalDocuments: svc, Logger: log})
	if err != nil {
		log.Error("verifier disabled", "error", err)
		return nil
	}
	return v
}

// pageInvalidator forwards issuer.Config.OnStatusChange to the badge pages, which
// are built after the issuer service (their verifier needs it). Set is called
// before the server starts; a change before that has no cached page to drop.
type pageInvalidator struct{ h *web.Handler }

// StatusChanged drops the cached verification report of a credential's page.
func (p *pageInvalidator) StatusChanged(credentialURL string) {
	if p.h != nil {
		p.h.Invalidate(credentialURL)
	}
}

// routerDeps wires the issuer service, the verifier and the public pages into the
// HTTP router's dependencies. Without a verifier there are no verify endpoints and
// no pages (a page without its verification report would mislead).
func routerDeps(svc *issuer.Service, v *verifier.Verifier, pages *pageInvalidator, baseURL string, log *slog.Logger, maxBody int64) httpapi.Deps {
	d := httpapi.Deps{Issuer: svc, Logger: log, MaxBodyBytes: maxBody}
	if v != nil {
		d.Verifier = v
		d.Web = web.New(web.Options{Verifier: v, BaseURL: baseURL, Logger: log})
		pages.h = d.Web
	}
	return d
}
