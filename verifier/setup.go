package verifier

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/obadge/obadge/internal/fetch"
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
	res := resolve.New(resolve.Options{Fetch: client, Documents: c.Documents, Offline: c.Offline})
	return New(Options{Resolver: res, Fetch: client, Documents: c.Documents, Loader: c.Loader, Logger: c.Logger})
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
