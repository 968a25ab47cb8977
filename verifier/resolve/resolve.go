package resolve

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/obadge/obadge/internal/fetch"
	"github.com/obadge/obadge/keys"
	"github.com/obadge/obadge/proof"
)

// Errors of this package; each is returned wrapped together with
// proof.ErrKeyResolution.
var (
	// ErrInvalidDID: a DID that does not follow its method's syntax.
	ErrInvalidDID = errors.New("resolve: invalid DID")
	// ErrUnsupportedMethod: a DID method or URL scheme this resolver does not handle.
	ErrUnsupportedMethod = errors.New("resolve: unsupported DID method or URL scheme")
	// ErrIDMismatch: the document's id is not the id it was resolved for.
	ErrIDMismatch = errors.New("resolve: document id does not match")
	// ErrInvalidDocument: the document is not a JSON object, is too large, or is
	// malformed where it matters.
	ErrInvalidDocument = errors.New("resolve: invalid document")
)

// Defaults for zero Options fields.
const (
	DefaultCacheTTL    = 5 * time.Minute
	DefaultCacheSize   = 256
	DefaultMaxDocBytes = 1 << 20
)

// typeJsonWebKey is the method type of did:jwk methods and of bare JWK URLs.
const typeJsonWebKey = "JsonWebKey"

// maxIDLen bounds the ids accepted, before any work.
const maxIDLen = 8 << 10

// Options configure a Resolver.
type Options struct {
	// Fetch fetches did:web and https documents. Nil means no network: only pinned
	// documents, did:key and did:jwk resolve.
	Fetch *fetch.Client
	// Documents pins documents by id (a DID or URL without fragment). They are used
	// before any computation or fetch, so a verifier can run air-gapped. A pinned
	// document's id must still equal its key (except a pinned JWK for a URL).
	Documents map[string]json.RawMessage
	// Offline refuses all fetching even when Fetch is set.
	Offline bool
	// CacheTTL is how long fetched documents are reused; default DefaultCacheTTL.
	// Cache headers can only shorten it. Negative disables the cache.
	CacheTTL time.Duration
	// CacheSize bounds the number of cached documents; default DefaultCacheSize.
	CacheSize int
	// Now is the clock (cache expiry, method "expires"); default time.Now.
	Now func() time.Time
	// MaxDocBytes bounds a document; default DefaultMaxDocBytes.
	MaxDocBytes int64
}

// Resolver implements proof.MethodResolver. It is safe for concurrent use.
type Resolver struct {
	opts    Options
	docs    map[string][]byte
	mu      sync.Mutex
	cache   map[string]cacheEntry
	flights map[string]*flight
}

type cacheEntry struct {
	raw     []byte
	expires time.Time
}

var _ proof.MethodResolver = (*Resolver)(nil)

// New returns a Resolver; zero Options fields take the defaults.
func New(opts Options) *Resolver {
	if opts.CacheTTL == 0 {
		opts.CacheTTL = DefaultCacheTTL
	}
	if opts.CacheSize <= 0 {
		opts.CacheSize = DefaultCacheSize
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxDocBytes <= 0 {
		opts.MaxDocBytes = DefaultMaxDocBytes
	}
	docs := make(map[string][]byte, len(opts.Documents))
	for k, v := range opts.Documents {
		docs[k] = bytes.Clone(v)
	}
	opts.Documents = nil
	return &Resolver{opts: opts, docs: docs, cache: make(map[string]cacheEntry), flights: make(map[string]*flight)}
}

// resolutionErr wraps err with proof.ErrKeyResolution, quoting a bounded id (ids
// come from strangers and end up in logs).
func resolutionErr(id string, err error) error {
	return fmt.Errorf("%w: %q: %w", proof.ErrKeyResolution, truncate(id, 200), err)
}

func notAuthorized(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{proof.ErrKeyNotAuthorized}, args...)...)
}

// ResolveDocument returns the document named by id (a DID or URL; a fragment is
// ignored): a DID document, controller document or issuer profile, or, for an
// https URL, possibly a single JWK. Each call returns a fresh map the caller may
// modify.
func (r *Resolver) ResolveDocument(ctx context.Context, id string) (map[string]any, error) {
	base, _, _ := strings.Cut(id, "#")
	raw, err := r.document(ctx, base)
	if err != nil {
		return nil, resolutionErr(base, err)
	}
	doc, err := r.parse(raw)
	if err != nil {
		return nil, resolutionErr(base, err)
	}
	if err := checkDocumentID(base, doc); err != nil {
		return nil, resolutionErr(base, err)
	}
	return doc, nil
}

// isJWK reports whether a document is a bare JWK.
func isJWK(doc map[string]any) bool {
	_, ok := doc["kty"]
	return ok
}

func isURL(id string) bool {
	return strings.HasPrefix(id, "https://") || strings.HasPrefix(id, "http://")
}

// isJWKSet reports whether a document is a JWK Set (RFC 7517 §5): a "keys" array
// and no "id".
func isJWKSet(doc map[string]any) bool {
	_, hasID := doc["id"]
	_, hasKeys := doc["keys"].([]any)
	return hasKeys && !hasID && !isJWK(doc)
}

func checkDocumentID(base string, doc map[string]any) error {
	if isJWK(doc) || isJWKSet(doc) {
		if !isURL(base) {
			return fmt.Errorf("%w: a bare JWK or JWK Set can only be named by a URL", ErrInvalidDocument)
		}
		return nil
	}
	got, _ := doc["id"].(string)
	if got != base {
		return fmt.Errorf("%w: document id %q", ErrIDMismatch, got)
	}
	return nil
}

func (r *Resolver) parse(raw []byte) (map[string]any, error) {
	if int64(len(raw)) > r.opts.MaxDocBytes {
		return nil, fmt.Errorf("%w: %d bytes exceeds %d", ErrInvalidDocument, len(raw), r.opts.MaxDocBytes)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidDocument, err)
	}
	if doc == nil {
		return nil, fmt.Errorf("%w: not a JSON object", ErrInvalidDocument)
	}
	return doc, nil
}

// document returns the raw bytes of the document base names.
func (r *Resolver) document(ctx context.Context, base string) ([]byte, error) {
	if base == "" || len(base) > maxIDLen {
		return nil, fmt.Errorf("%w: empty or overlong id", ErrInvalidDocument)
	}
	if raw, ok := r.docs[base]; ok {
		return raw, nil
	}
	switch {
	case strings.HasPrefix(base, keys.DIDKeyPrefix):
		d, err := keys.ResolveDIDKey(base)
		if err != nil {
			return nil, err
		}
		return json.Marshal(d)
	case strings.HasPrefix(base, "did:jwk:"):
		return didJWKDocument(base)
	case strings.HasPrefix(base, "did:web:"):
		allowIP := r.opts.Fetch != nil && r.opts.Fetch.Policy().AllowPrivate
		u, err := DIDWebURL(base, allowIP)
		if err != nil {
			return nil, err
		}
		return r.fetch(ctx, base, u, "application/did+json", "application/did+ld+json;q=0.9", "application/json;q=0.8")
	case isURL(base):
		return r.fetch(ctx, base, base, "application/json", "application/ld+json", "application/jwk+json", "application/did+json;q=0.9", "*/*;q=0.1")
	default:
		return nil, fmt.Errorf("%w: %q", ErrUnsupportedMethod, truncate(base, 40))
	}
}

// fetch gets a remote document through the cache. Concurrent requests for the same
// document share one fetch.
func (r *Resolver) fetch(ctx context.Context, key, u string, accept ...string) ([]byte, error) {
	if r.opts.Offline || r.opts.Fetch == nil {
		return nil, fmt.Errorf("%w: resolver has no network access", fetch.ErrOffline)
	}
	for retried := false; ; retried = true {
		now := r.opts.Now()
		r.mu.Lock()
		if e, ok := r.cache[key]; ok {
			if now.Before(e.expires) {
				r.mu.Unlock()
				return e.raw, nil
			}
			delete(r.cache, key)
		}
		if f, ok := r.flights[key]; ok {
			r.mu.Unlock()
			select {
			case <-f.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			// The leader's own deadline or cancellation is not ours: try once more.
			if f.err != nil && !retried && ctx.Err() == nil &&
				(errors.Is(f.err, context.Canceled) || errors.Is(f.err, context.DeadlineExceeded)) {
				continue
			}
			return f.raw, f.err
		}
		f := &flight{done: make(chan struct{})}
		r.flights[key] = f
		r.mu.Unlock()

		f.raw, f.err = r.fetchNow(ctx, key, u, now, accept...)
		r.mu.Lock()
		delete(r.flights, key)
		r.mu.Unlock()
		close(f.done)
		return f.raw, f.err
	}
}

// flight is one fetch in progress; raw and err are set before done is closed.
type flight struct {
	done chan struct{}
	raw  []byte
	err  error
}

// fetchNow fetches, checks and caches one document.
func (r *Resolver) fetchNow(ctx context.Context, key, u string, now time.Time, accept ...string) ([]byte, error) {
	resp, err := r.opts.Fetch.Get(ctx, u, accept...)
	if err != nil {
		return nil, err
	}
	if int64(len(resp.Body)) > r.opts.MaxDocBytes {
		return nil, fmt.Errorf("%w: %d bytes exceeds %d", ErrInvalidDocument, len(resp.Body), r.opts.MaxDocBytes)
	}
	// Only a document that parses and names itself correctly is cached.
	doc, err := r.parse(resp.Body)
	if err != nil {
		return nil, err
	}
	if err := checkDocumentID(key, doc); err != nil {
		return nil, err
	}
	ttl := r.opts.CacheTTL
	if hdr, known := resp.Cache.TTL(now); known {
		ttl = min(ttl, hdr)
	}
	if ttl > 0 {
		r.store(key, resp.Body, now.Add(ttl), now)
	}
	return resp.Body, nil
}

// store inserts into the bounded cache, evicting expired entries first and then
// the entry closest to expiry.
func (r *Resolver) store(key string, raw []byte, expires, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.cache[key]; !ok && len(r.cache) >= r.opts.CacheSize {
		maps.DeleteFunc(r.cache, func(_ string, e cacheEntry) bool { return !now.Before(e.expires) })
		for len(r.cache) >= r.opts.CacheSize {
			var victim string
			var first time.Time
			for k, e := range r.cache {
				if victim == "" || e.expires.Before(first) {
					victim, first = k, e.expires
				}
			}
			delete(r.cache, victim)
		}
	}
	r.cache[key] = cacheEntry{raw: raw, expires: expires}
}

// didJWKDocument builds the did:jwk DID document (did:jwk method specification):
// one JsonWebKey method "<did>#0" holding the decoded JWK.
func didJWKDocument(did string) ([]byte, error) {
	msid := strings.TrimPrefix(did, "did:jwk:")
	if msid == "" || strings.ContainsAny(msid, ":/?#%=") || len(msid) > keys.MaxJWKBytes*4/3+4 {
		return nil, fmt.Errorf("%w: did:jwk method-specific id", ErrInvalidDID)
	}
	raw, err := base64.RawURLEncoding.DecodeString(msid)
	if err != nil {
		return nil, fmt.Errorf("%w: did:jwk is not base64url: %w", ErrInvalidDID, err)
	}
	if _, err := keys.PublicKeyFromJWK(raw); err != nil {
		return nil, fmt.Errorf("%w: did:jwk: %w", ErrInvalidDID, err)
	}
	var jwk map[string]any
	if err := json.Unmarshal(raw, &jwk); err != nil {
		return nil, fmt.Errorf("%w: did:jwk: %w", ErrInvalidDID, err)
	}
	vmID := did + "#0"
	doc := map[string]any{
		"@context": []any{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"},
		"id":       did,
		"verificationMethod": []any{map[string]any{
			"id":           vmID,
			"type":         typeJsonWebKey,
			"controller":   did,
			"publicKeyJwk": jwk,
		}},
	}
	// keys.PublicKeyFromJWK accepts only signature keys ("use" absent or "sig"), so
	// keyAgreement is never listed.
	for _, rel := range []string{proof.AssertionMethod, proof.Authentication, "capabilityInvocation", "capabilityDelegation"} {
		doc[rel] = []any{vmID}
	}
	return json.Marshal(doc)
}

// ResolveMethod implements proof.MethodResolver.
func (r *Resolver) ResolveMethod(ctx context.Context, id, relationship string) (*proof.VerificationMethod, error) {
	if relationship == "" {
		return nil, notAuthorized("no verification relationship given for %q", truncate(id, 80))
	}
	if len(id) > maxIDLen {
		return nil, resolutionErr(truncate(id, 80), fmt.Errorf("%w: overlong id", ErrInvalidDocument))
	}
	base, frag, hasFrag := strings.Cut(id, "#")
	if base == "" || !strings.Contains(base, ":") {
		// "#key-1" or "key-1": a key named only relative to nothing. Never trusted.
		return nil, resolutionErr(id, fmt.Errorf("%w: relative verification method id; the document it belongs to must be named", ErrInvalidDocument))
	}
	target := id
	if !hasFrag && strings.HasPrefix(base, keys.DIDKeyPrefix) {
		// A bare did:key names its only method (1EdTech fixtures and BSL examples).
		target = base + "#" + strings.TrimPrefix(base, keys.DIDKeyPrefix)
	}
	if hasFrag && frag == "" {
		return nil, resolutionErr(id, fmt.Errorf("%w: empty fragment", ErrInvalidDocument))
	}
	doc, err := r.ResolveDocument(ctx, base)
	if err != nil {
		return nil, err
	}
	if isJWK(doc) {
		if hasFrag {
			return nil, resolutionErr(id, fmt.Errorf("%w: a fragment into a bare JWK", ErrInvalidDocument))
		}
		pub, err := jwkKey(doc)
		if err != nil {
			return nil, resolutionErr(id, err)
		}
		return &proof.VerificationMethod{ID: id, Type: typeJsonWebKey, Controller: "", PublicKey: pub}, nil
	}
	if isJWKSet(doc) {
		if !hasFrag {
			return nil, resolutionErr(id, fmt.Errorf("%w: a JWK Set URL needs a #kid fragment", ErrInvalidDocument))
		}
		pub, err := jwkSetKey(doc, frag, id)
		if err != nil {
			return nil, resolutionErr(id, err)
		}
		return &proof.VerificationMethod{ID: id, Type: typeJsonWebKey, Controller: "", PublicKey: pub}, nil
	}
	if !hasFrag && target == base && isMethodDocument(doc) {
		return r.resolveMethodDocument(ctx, base, doc, relationship)
	}
	if target == base {
		return nil, resolutionErr(id, fmt.Errorf("%w: id names a document, not a verification method", ErrInvalidDocument))
	}
	vm, err := findMethod(doc, base, target, relationship)
	if err != nil {
		return nil, err
	}
	return r.method(vm, target, base)
}

// method checks the controller and decodes the key of a found method.
func (r *Resolver) method(vm map[string]any, target, controller string) (*proof.VerificationMethod, error) {
	c, _ := vm["controller"].(string)
	if c != controller {
		return nil, notAuthorized("method %q has controller %q, not %q", target, truncate(c, 80), controller)
	}
	if err := r.checkValidity(vm, target); err != nil {
		return nil, err
	}
	typ, pub, err := decodeKey(vm)
	if err != nil {
		return nil, resolutionErr(target, err)
	}
	return &proof.VerificationMethod{ID: target, Type: typ, Controller: controller, PublicKey: pub}, nil
}

// checkValidity refuses methods marked revoked or past their expires time
// (Controlled Identifiers 1.0).
func (r *Resolver) checkValidity(vm map[string]any, id string) error {
	if v, ok := vm["revoked"]; ok && v != nil {
		return notAuthorized("method %q is revoked", id)
	}
	if v, ok := vm["expires"]; ok && v != nil {
		s, _ := v.(string)
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return resolutionErr(id, fmt.Errorf("%w: unparseable expires %q", ErrInvalidDocument, truncate(s, 40)))
		}
		if !r.opts.Now().Before(t) {
			return notAuthorized("method %q expired at %q", id, truncate(s, 40))
		}
	}
	return nil
}

// isMethodDocument reports whether a fetched document is itself a verification
// method rather than a controller document.
func isMethodDocument(doc map[string]any) bool {
	_, hasVMs := doc["verificationMethod"]
	_, hasController := doc["controller"].(string)
	return !hasVMs && hasController && hasKeyMember(doc)
}

func hasKeyMember(m map[string]any) bool {
	for _, k := range keyMembers {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

// resolveMethodDocument accepts a method published as its own document only when
// its controller document lists it under relationship.
func (r *Resolver) resolveMethodDocument(ctx context.Context, id string, vm map[string]any, relationship string) (*proof.VerificationMethod, error) {
	controller, _ := vm["controller"].(string)
	if controller == id || controller == "" {
		return nil, notAuthorized("method document %q does not name another controller", id)
	}
	cdoc, err := r.ResolveDocument(ctx, controller)
	if err != nil {
		return nil, err
	}
	if isJWK(cdoc) {
		return nil, resolutionErr(controller, fmt.Errorf("%w: controller is a bare JWK", ErrInvalidDocument))
	}
	listed, authorized := scanDocument(cdoc, controller, id, relationship)
	if !authorized {
		return nil, notAuthorized("controller %q does not list %q under %q", controller, id, relationship)
	}
	for _, other := range listed {
		if !sameMethod(other, vm) {
			return nil, notAuthorized("controller %q lists %q with different contents", controller, id)
		}
	}
	return r.method(vm, id, controller)
}

// sameMethod compares two method objects ignoring a relative/absolute id spelling.
func sameMethod(a, b map[string]any) bool {
	ca, cb := maps.Clone(a), maps.Clone(b)
	delete(ca, "id")
	delete(cb, "id")
	return reflect.DeepEqual(ca, cb)
}

// relationships whose embedded methods may be referenced from another relationship.
var relationships = []string{
	proof.AssertionMethod, proof.Authentication,
	"capabilityInvocation", "capabilityDelegation", "keyAgreement",
}

func absolute(ref, docID string) string {
	if strings.HasPrefix(ref, "#") {
		return docID + ref
	}
	return ref
}

// asList reads a JSON-LD set member: an array or a single value.
func asList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	default:
		return []any{x}
	}
}

// scanDocument collects the method objects with absolute id target (from
// verificationMethod and from any relationship) and reports whether relationship
// lists target, by reference or embedded.
func scanDocument(doc map[string]any, docID, target, relationship string) (found []map[string]any, authorized bool) {
	for _, v := range asList(doc["verificationMethod"]) {
		if m, ok := v.(map[string]any); ok {
			if id, _ := m["id"].(string); absolute(id, docID) == target {
				found = append(found, m)
			}
		}
	}
	rels := relationships
	if !contains(rels, relationship) {
		rels = append(rels[:len(rels):len(rels)], relationship)
	}
	for _, rel := range rels {
		for _, v := range asList(doc[rel]) {
			switch e := v.(type) {
			case string:
				if rel == relationship && absolute(e, docID) == target {
					authorized = true
				}
			case map[string]any:
				if id, _ := e["id"].(string); absolute(id, docID) == target {
					found = append(found, e)
					if rel == relationship {
						authorized = true
					}
				}
			}
		}
	}
	return found, authorized
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// findMethod locates target in doc and checks it is listed under relationship.
func findMethod(doc map[string]any, docID, target, relationship string) (map[string]any, error) {
	found, authorized := scanDocument(doc, docID, target, relationship)
	if len(found) == 0 {
		return nil, resolutionErr(target, fmt.Errorf("%w: the document does not list this verification method", keys.ErrNotFound))
	}
	for _, other := range found[1:] {
		if !sameMethod(found[0], other) {
			return nil, resolutionErr(target, fmt.Errorf("%w: the method is listed twice with different contents", ErrInvalidDocument))
		}
	}
	if !authorized {
		return nil, notAuthorized("%q is not listed under %q of %q", target, relationship, docID)
	}
	return found[0], nil
}

// Key members of a verification method; exactly one must be present.
var keyMembers = []string{"publicKeyMultibase", "publicKeyJwk", "publicKeyBase58", "publicKeyHex", "publicKeyPem", "publicKeyBase64"}

// decodeKey decodes the key of a method according to its type.
func decodeKey(vm map[string]any) (string, crypto.PublicKey, error) {
	typ, _ := vm["type"].(string)
	var present []string
	for _, k := range keyMembers {
		if _, ok := vm[k]; ok {
			present = append(present, k)
		}
	}
	want := map[string]string{
		"Multikey":                   "publicKeyMultibase",
		"Ed25519VerificationKey2020": "publicKeyMultibase",
		"Ed25519VerificationKey2018": "publicKeyBase58",
		"JsonWebKey":                 "publicKeyJwk",
		"JsonWebKey2020":             "publicKeyJwk",
	}[typ]
	if want == "" {
		return "", nil, fmt.Errorf("%w: verification method type %q", keys.ErrUnsupportedKey, truncate(typ, 40))
	}
	if len(present) != 1 || present[0] != want {
		return "", nil, fmt.Errorf("%w: a %s method must have exactly one key member, %s (has %v)", ErrInvalidDocument, typ, want, present)
	}
	switch want {
	case "publicKeyMultibase":
		s, ok := vm[want].(string)
		if !ok {
			return "", nil, fmt.Errorf("%w: publicKeyMultibase is not a string", ErrInvalidDocument)
		}
		pub, err := keys.DecodePublicKeyMultibase(s)
		if err != nil {
			return "", nil, err
		}
		if _, ed := pub.(ed25519.PublicKey); typ == "Ed25519VerificationKey2020" && !ed {
			return "", nil, fmt.Errorf("%w: %s holds a %T", keys.ErrInvalidKey, typ, pub)
		}
		return typ, pub, nil
	case "publicKeyBase58":
		s, ok := vm[want].(string)
		if !ok || len(s) > 64 {
			return "", nil, fmt.Errorf("%w: publicKeyBase58 is not a short string", ErrInvalidDocument)
		}
		b, err := keys.Base58Decode(s)
		if err != nil {
			return "", nil, err
		}
		if len(b) != ed25519.PublicKeySize {
			return "", nil, fmt.Errorf("%w: Ed25519 key of %d bytes", keys.ErrInvalidKey, len(b))
		}
		return typ, ed25519.PublicKey(b), nil
	default: // publicKeyJwk
		m, ok := vm[want].(map[string]any)
		if !ok {
			return "", nil, fmt.Errorf("%w: publicKeyJwk is not an object", ErrInvalidDocument)
		}
		pub, err := jwkKey(m)
		return typ, pub, err
	}
}

// jwkSetKey picks the one key of a JWK Set whose "kid" is the fragment or the whole
// id.
func jwkSetKey(set map[string]any, frag, id string) (crypto.PublicKey, error) {
	var match map[string]any
	for _, v := range set["keys"].([]any) {
		k, ok := v.(map[string]any)
		if !ok {
			continue
		}
		if kid, _ := k["kid"].(string); kid != "" && (kid == frag || kid == id) {
			if match != nil {
				return nil, fmt.Errorf("%w: two keys with kid %q", ErrInvalidDocument, truncate(frag, 40))
			}
			match = k
		}
	}
	if match == nil {
		return nil, fmt.Errorf("%w: no key with kid %q in the JWK Set", keys.ErrNotFound, truncate(frag, 40))
	}
	return jwkKey(match)
}

func jwkKey(m map[string]any) (crypto.PublicKey, error) {
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidDocument, err)
	}
	return keys.PublicKeyFromJWK(raw)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
