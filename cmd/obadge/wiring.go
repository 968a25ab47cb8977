package main

import (
	"log/slog"

	"github.com/obadge/obadge/internal/httpapi"
	"github.com/obadge/obadge/issuer"
	"github.com/obadge/obadge/verifier"
)

// newVerifier builds the verifier the server mounts at its verify endpoints: the
// network resolver under the default (public-internet, https-only) fetch policy,
// behind the issuer service, which answers this server's own issuers from the
// store, so that credentials we issue verify even before the base URL is reachable
// over https (and without the server fetching its own, possibly private, address).
// It returns nil (no verify endpoints) if the verifier cannot be built.
func newVerifier(svc *issuer.Service, log *slog.Logger) httpapi.VerifyService {
	v, err := verifier.Configure(verifier.Config{Local: svc, LocalDocuments: svc, Logger: log})
	if err != nil {
		log.Error("verifier disabled", "error", err)
		return nil
	}
	return v
}
