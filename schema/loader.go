package schema

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/piprate/json-gold/ld"
)

// Context URLs obadge issues with and checks positions against.
const (
	ContextVCv2     = "https://www.w3.org/ns/credentials/v2"
	ContextVCv1     = "https://www.w3.org/2018/credentials/v1"
	ContextOB303    = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
	ContextDIv1     = "https://w3id.org/security/data-integrity/v1"
	ContextDIv2     = "https://w3id.org/security/data-integrity/v2"
	ContextMultikey = "https://w3id.org/security/multikey/v1"
	ContextEd2020   = "https://w3id.org/security/suites/ed25519-2020/v1"
	ContextStatusV1 = "https://www.w3.org/ns/credentials/status/v1"
	ContextDIDv1    = "https://www.w3.org/ns/did/v1"
)

// ErrUnknownContext is returned by the loader for any URL that is not embedded:
// an unknown https URL, a file path, or any other scheme.
var ErrUnknownContext = errors.New("schema: context is not one of the embedded contexts")

//go:embed contexts/*.json contexts/*.jsonld
var contextFS embed.FS

// MaxContextBytes bounds an extra context handed to NewLoader.
const MaxContextBytes = 1 << 20

// Loader is a json-gold DocumentLoader that answers only from documents it was
// built with. It is immutable after construction and safe for concurrent use.
// The documents it returns are shared and must be treated as read-only
// (json-gold only reads them).
type Loader struct {
	docs map[string]*ld.RemoteDocument
}

var defaultLoader = mustLoader()

func mustLoader() *Loader {
	l, err := NewLoader(nil)
	if err != nil {
		panic(err) // the embedded files are checked by tests; this cannot fail at run time
	}
	return l
}

// DefaultLoader returns the loader over the embedded contexts only.
func DefaultLoader() *Loader { return defaultLoader }

// NewLoader returns a loader over the embedded contexts plus extra, a map from URL
// to JSON document (tests use it for the W3C examples context; deployments for
// pinned partner contexts). An extra URL may not replace an embedded one.
func NewLoader(extra map[string][]byte) (*Loader, error) {
	mapping, err := contextFS.ReadFile("contexts/context-map.json")
	if err != nil {
		return nil, fmt.Errorf("schema: read context map: %w", err)
	}
	var files map[string]string
	if err := json.Unmarshal(mapping, &files); err != nil {
		return nil, fmt.Errorf("schema: parse context map: %w", err)
	}
	l := &Loader{docs: make(map[string]*ld.RemoteDocument, len(files)+len(extra))}
	for u, f := range files {
		raw, err := contextFS.ReadFile(path.Join("contexts", f))
		if err != nil {
			return nil, fmt.Errorf("schema: read context %s: %w", u, err)
		}
		if err := l.add(u, raw); err != nil {
			return nil, err
		}
	}
	for u, raw := range extra {
		if _, dup := l.docs[u]; dup {
			return nil, fmt.Errorf("schema: extra context %s would replace an embedded one", u)
		}
		if len(raw) > MaxContextBytes {
			return nil, fmt.Errorf("schema: extra context %s is larger than %d bytes", u, MaxContextBytes)
		}
		if err := l.add(u, raw); err != nil {
			return nil, err
		}
	}
	return l, nil
}

func (l *Loader) add(u string, raw []byte) error {
	doc, err := ld.DocumentFromReader(strings.NewReader(string(raw)))
	if err != nil {
		return fmt.Errorf("schema: parse context %s: %w", u, err)
	}
	l.docs[u] = &ld.RemoteDocument{DocumentURL: u, Document: doc}
	return nil
}

// LoadDocument implements ld.DocumentLoader. It never touches the network or the disk.
func (l *Loader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	if d, ok := l.docs[u]; ok {
		return d, nil
	}
	return nil, ld.NewJsonLdError(ld.LoadingDocumentFailed, fmt.Errorf("%w: %q", ErrUnknownContext, u))
}

// Has reports whether u is a context this loader answers for.
func (l *Loader) Has(u string) bool {
	_, ok := l.docs[u]
	return ok
}

// URLs lists the context URLs this loader answers for, sorted.
func (l *Loader) URLs() []string {
	out := make([]string, 0, len(l.docs))
	for u := range l.docs {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

// Options returns json-gold options for JSON-LD 1.1 processing with this loader,
// a null base IRI and safe mode on (expansion errors instead of dropping data).
func (l *Loader) Options() *ld.JsonLdOptions {
	o := ld.NewJsonLdOptions("")
	o.ProcessingMode = ld.JsonLd_1_1
	o.DocumentLoader = l
	o.SafeMode = true
	return o
}
