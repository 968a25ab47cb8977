package main

import (
	"log/slog"

	"github.com/obadge/obadge/internal/httpapi"
	"github.com/obadge/obadge/issuer"
)

// newVerifier builds the verifier the server mounts at its verify endpoints. It
// returns nil (no verify endpoints) until the verifier wiring lands; the issuer
// service is passed so that the verifier can resolve this server's own issuers
// locally (issuer.Service implements proof.MethodResolver).
func newVerifier(svc *issuer.Service, log *slog.Logger) httpapi.VerifyService { return nil }
