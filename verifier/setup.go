package verifier

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/obadge/obadge/internal/fetch"
	"github.com/obadge/obadge/proof"
	"github.com/obadge/obadge/schema"
	"github.com/obadge/obadge/verifier/resolve"
)

// MaxDocumentsBytes bounds a pinned-documents file.
const MaxDocumentsBytes = 32 << 20

// Config is how the CLI and the server set a Verifier up: the network policy for
// what strangers' credentials name, and the documents pinned for air-gapped use.
type Config struct {
	// Documents pins DID documents, controller documents and status lists by id.
	Documents map[string]json.RawMessage
	// Offline forbids the network entirely: only pinned documents, did:key and did:jwk.
	Offline bool
	// AllowPrivate lets fetches reach loopback and private networks (tests and
	// closed deployments only).
	AllowPrivate bool
	// AllowHTTP permits plain-http fetches (tests only).
	AllowHTTP bool
	// RootCAs, when set, replaces the system roots for fetches (tests).
	RootCAs *x509.CertPool
	// Loader resolves JSON-LD contexts; if nil, the embedded contexts only.
	Loader *schema.Loader
	Logger *slog.Logger
	// Local, when set, is asked first for every verification method: a server
	// resolves its own issuers' keys from its store instead of fetching its own
	// public URL (which the address policy would refuse on a private network).
	// Methods it cannot resolve (ErrKeyResolution) go to the network resolver.
	Local proof.MethodResolver
	// LocalDocuments, when set, answers for status lists the server publishes
	// itself, before any fetch.
	LocalDocuments DocumentSource
}

// Configure returns a Verifier with a resolver (did:key, did:jwk, did:web, https,
// pinned documents) and a fetch client under the SSRF-safe policy in c.
func Configure(c Config) (*Verifier, error) {
	var client *fetch.Client
	if !c.Offline {
		var opts []fetch.Option
		if c.RootCAs != nil {
			opts = append(opts, fetch.WithRootCAs(c.RootCAs))
		}
		client = fetch.New(fetch.Policy{AllowPrivate: c.AllowPrivate, AllowHTTP: c.AllowHTTP}, opts...)
	}
	var res proof.MethodResolver = resolve.New(resolve.Options{Fetch: client, Documents: c.Documents, Offline: c.Offline})
	if c.Local != nil {
		res = chain{c.Local, res}
	}
	return New(Options{Resolver: res, Fetch: client, Documents: c.Documents, Local: c.LocalDocuments, Loader: c.Loader, Logger: c.Logger})
}

// chain asks local first and falls back to remote when local cannot resolve the
// method at all. A method local knows but does not authorize stays refused.
type chain struct{ local, remote proof.MethodResolver }

func (c chain) ResolveMethod(ctx context.Context, id, rel string) (*proof.VerificationMethod, error) {
	vm, err := c.local.ResolveMethod(ctx, id, rel)
	if err == nil || !errors.Is(err, proof.ErrKeyResolution) {
		return vm, err
	}
	return c.remote.ResolveMethod(ctx, id, rel)
}

// ReadDocuments reads a pinned-documents file: one JSON object mapping DIDs and URLs
// to the documents to use for them.
func ReadDocuments(path string) (map[string]json.RawMessage, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, MaxDocumentsBytes+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > MaxDocumentsBytes {
		return nil, fmt.Errorf("documents file %s is larger than %d bytes", path, MaxDocumentsBytes)
	}
	var docs map[string]json.RawMessage
	if err := json.Unmarshal(raw, &docs); err != nil {
		return nil, fmt.Errorf("documents file %s: want one JSON object mapping ids to documents: %w", path, err)
	}
	for id, d := range docs {
		if len(bytes.TrimSpace(d)) == 0 || bytes.TrimSpace(d)[0] != '{' {
			return nil, fmt.Errorf("documents file %s: the document for %q is not a JSON object", path, id)
		}
	}
	return docs, nil
}
