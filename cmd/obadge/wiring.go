package main

import (
	"context"
	"errors"
	"log/slog"

	"github.com/obadge/obadge/internal/fetch"
	"github.com/obadge/obadge/internal/httpapi"
	"github.com/obadge/obadge/issuer"
	"github.com/obadge/obadge/proof"
	"github.com/obadge/obadge/verifier"
	"github.com/obadge/obadge/verifier/resolve"
)

// newVerifier builds the verifier the server mounts at its verify endpoints: the
// network resolver under the default (public-internet, https-only) fetch policy,
// behind a resolver that answers this server's own issuers from the store, so
// that credentials we issue verify even before the base URL is reachable over
// https. It returns nil (no verify endpoints) if the verifier cannot be built.
func newVerifier(svc *issuer.Service, log *slog.Logger) httpapi.VerifyService {
	client := fetch.New(fetch.Policy{})
	v, err := verifier.New(verifier.Options{
		Resolver: localFirst{local: svc, remote: resolve.New(resolve.Options{Fetch: client})},
		Fetch:    client,
		Logger:   log,
	})
	if err != nil {
		log.Error("verifier disabled", "error", err)
		return nil
	}
	return verifyAdapter{v: v}
}

// localFirst resolves with local, falling back to remote when local does not know
// the method. A method local knows but does not authorise is refused outright.
type localFirst struct {
	local, remote proof.MethodResolver
}

func (l localFirst) ResolveMethod(ctx context.Context, id, rel string) (*proof.VerificationMethod, error) {
	vm, err := l.local.ResolveMethod(ctx, id, rel)
	if err == nil || errors.Is(err, proof.ErrKeyNotAuthorized) {
		return vm, err
	}
	return l.remote.ResolveMethod(ctx, id, rel)
}

// verifyAdapter is the verifier as httpapi.VerifyService.
type verifyAdapter struct{ v *verifier.Verifier }

// VerifyRaw verifies raw; the result is a *verifier.Report.
func (a verifyAdapter) VerifyRaw(ctx context.Context, raw []byte, hint string) (any, error) {
	return a.v.Verify(ctx, raw, verifier.VerifyOptions{Hint: hint})
}
