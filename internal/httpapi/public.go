package httpapi

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/obadge/obadge/keys"
	"github.com/obadge/obadge/store"
)

func (a *api) profile(w http.ResponseWriter, r *http.Request) error {
	body, err := a.svc.Profile(r.Context(), chi.URLParam(r, "issuer"))
	if err != nil {
		return err
	}
	return writeRaw(w, http.StatusOK, "application/ld+json", body)
}

func (a *api) didDocument(w http.ResponseWriter, r *http.Request) error {
	body, err := a.svc.DIDDocument(r.Context(), chi.URLParam(r, "issuer"))
	if err != nil {
		return err
	}
	return writeRaw(w, http.StatusOK, "application/did+json", body)
}

func (a *api) issuerJWKS(w http.ResponseWriter, r *http.Request) error {
	body, err := a.svc.JWKS(r.Context(), chi.URLParam(r, "issuer"))
	if err != nil {
		return err
	}
	return writeRaw(w, http.StatusOK, "application/jwk-set+json", body)
}

func (a *api) allJWKS(w http.ResponseWriter, r *http.Request) error {
	body, err := a.svc.JWKS(r.Context(), "")
	if err != nil {
		return err
	}
	return writeRaw(w, http.StatusOK, "application/jwk-set+json", body)
}

func (a *api) jwk(w http.ResponseWriter, r *http.Request) error {
	body, err := a.svc.JWK(r.Context(), chi.URLParam(r, "issuer"), chi.URLParam(r, "kid"))
	if err != nil {
		return err
	}
	return writeRaw(w, http.StatusOK, "application/jwk+json", body)
}

func (a *api) publicAchievement(w http.ResponseWriter, r *http.Request) error {
	version := 0
	if v := chi.URLParam(r, "version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fmt.Errorf("achievement version %q: %w", v, store.ErrNotFound)
		}
		version = n
	}
	body, err := a.svc.PublicAchievement(r.Context(), chi.URLParam(r, "issuer"), chi.URLParam(r, "ach"), version)
	if err != nil {
		return err
	}
	return writeRaw(w, http.StatusOK, "application/ld+json", body)
}

// publicCredential serves the exact stored bytes at the credential's id URL.
func (a *api) publicCredential(w http.ResponseWriter, r *http.Request) error {
	c, err := a.svc.PublicCredential(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return writeRaw(w, http.StatusOK, c.MediaType, c.Raw)
}

type healthReport struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks"`
}

// health reads the store and makes a test signature with a throwaway key.
func (a *api) health(w http.ResponseWriter, r *http.Request) {
	rep := healthReport{Status: "ok", Checks: map[string]string{"store": "ok", "signature": "ok"}}
	if err := a.svc.Store().Ping(r.Context()); err != nil {
		rep.Status, rep.Checks["store"] = "fail", "unavailable"
		loggerFrom(r.Context()).ErrorContext(r.Context(), "health: store", "error", err)
	}
	if err := testSignature(); err != nil {
		rep.Status, rep.Checks["signature"] = "fail", "failed"
		loggerFrom(r.Context()).ErrorContext(r.Context(), "health: signature", "error", err)
	}
	status := http.StatusOK
	if rep.Status != "ok" {
		status = http.StatusServiceUnavailable
	}
	w.Header().Set("Cache-Control", "no-store")
	_ = writeJSON(w, status, rep)
}

func testSignature() error {
	s, err := keys.Generate(keys.AlgEdDSA, "health")
	if err != nil {
		return err
	}
	msg := []byte("obadge health check")
	sig, err := s.Sign(rand.Reader, msg, ed25519Opts)
	if err != nil {
		return err
	}
	if !ed25519.Verify(s.Public().(ed25519.PublicKey), msg, sig) {
		return fmt.Errorf("httpapi: health signature does not verify")
	}
	return nil
}

var ed25519Opts = &ed25519.Options{}
