package issuer

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/obadge/obadge/keys"
	"github.com/obadge/obadge/store"
)

// Errors callers match with errors.Is. Store errors (store.ErrNotFound,
// store.ErrConflict, store.ErrIdempotencyMismatch) are passed through wrapped.
var (
	// ErrInvalidRequest: the request is well-formed JSON but breaks a rule; the error
	// is a *RequestError naming the fields.
	ErrInvalidRequest = errors.New("issuer: invalid request")
	// ErrForbidden: the principal may not act for that issuer.
	ErrForbidden = errors.New("issuer: not allowed for this issuer")
	// ErrUnauthenticated: no token, or a token that is not known.
	ErrUnauthenticated = errors.New("issuer: unknown or missing API token")
)

// FieldError names one offending field by JSON Pointer (RFC 6901) into the request.
type FieldError struct {
	Pointer string `json:"pointer"`
	Detail  string `json:"detail"`
}

// RequestError is an invalid request with the fields at fault. It matches
// ErrInvalidRequest.
type RequestError struct {
	Errors []FieldError
}

func (e *RequestError) Error() string {
	parts := make([]string, len(e.Errors))
	for i, f := range e.Errors {
		parts[i] = f.Pointer + ": " + f.Detail
	}
	return "issuer: invalid request: " + strings.Join(parts, "; ")
}

// Unwrap makes errors.Is(err, ErrInvalidRequest) true.
func (e *RequestError) Unwrap() error { return ErrInvalidRequest }

// fieldErrs collects field errors while validating a request.
type fieldErrs []FieldError

func (f *fieldErrs) add(pointer, format string, args ...any) {
	*f = append(*f, FieldError{Pointer: pointer, Detail: fmt.Sprintf(format, args...)})
}

func (f fieldErrs) err() error {
	if len(f) == 0 {
		return nil
	}
	return &RequestError{Errors: f}
}

func invalid(pointer, format string, args ...any) error {
	var f fieldErrs
	f.add(pointer, format, args...)
	return f.err()
}

// Config configures a Service.
type Config struct {
	// BaseURL is the public absolute URL every id, did:web and link is built on,
	// e.g. https://badges.example.gov or http://127.0.0.1:8080 (no trailing slash
	// needed; a path is allowed).
	BaseURL string
	// Status, if set, gives every credential from Issue a credentialStatus inside
	// the issue transaction (the Bitstring Status List issue plugs in here). If nil,
	// credentials carry no status.
	Status StatusAssigner
	// OnStatusChange, if set, is called with the credential's id URL after each
	// committed revoke, suspend or reinstate (the public badge page drops its cached
	// verification report). It must not block.
	OnStatusChange func(credentialURL string)
}

// StatusAssigner allocates a status entry for a credential being issued. It runs
// inside the store's write transaction, before the credential is signed, so the
// entries it takes with tx.AllocateStatus are consumed exactly when the credential
// is stored.
type StatusAssigner interface {
	// Assign returns the credentialStatus member (a JSON object whose terms the VC
	// v2 or OB context define) and the list id and index it recorded.
	Assign(tx store.IssueTx, issuerID, credentialURL string) (status json.RawMessage, listID string, index uint64, err error)
}

// Option customises a Service (tests use them for byte-stable output).
type Option func(*Service)

// WithClock sets the time source; if not given, time.Now.
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithIDGenerator sets the generator of credential and achievement UUIDs and of
// issuer ids when none is given; if not given, random UUIDv4.
func WithIDGenerator(gen func() string) Option { return func(s *Service) { s.newID = gen } }

// WithRand sets the randomness for recipient salts and API tokens; if not given,
// crypto/rand. Never use a deterministic reader outside tests.
func WithRand(r io.Reader) Option { return func(s *Service) { s.rand = r } }

// WithLogger sets the logger for business events; if not given, slog.Default.
func WithLogger(l *slog.Logger) Option { return func(s *Service) { s.log = l } }

// WithKeyGenerator replaces keys.Generate for new issuer keys (tests use fixed
// seeds).
func WithKeyGenerator(gen func(alg, keyID string) (keys.Signer, error)) Option {
	return func(s *Service) { s.genKey = gen }
}

// Service issues credentials and manages issuers, keys, achievements and tokens.
// It is safe for concurrent use.
type Service struct {
	st     *store.Store
	base   *url.URL
	baseS  string
	now    func() time.Time
	newID  func() string
	rand   io.Reader
	log    *slog.Logger
	genKey func(alg, keyID string) (keys.Signer, error)
	status StatusAssigner
	// onStatus is Config.OnStatusChange (badges.go).
	onStatus func(credentialURL string)

	mu      sync.Mutex
	signers map[string]keys.Signer // issuerID\x00keyID -> parsed key
	genMu   sync.Mutex             // serialises lazy key generation
}

// New returns a Service over st.
func New(cfg Config, st *store.Store, opts ...Option) (*Service, error) {
	if st == nil {
		return nil, errors.New("issuer: nil store")
	}
	u, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("issuer: base URL %q must be an absolute http(s) URL without query or fragment", cfg.BaseURL)
	}
	s := &Service{
		st:       st,
		base:     u,
		baseS:    u.String(),
		now:      time.Now,
		rand:     rand.Reader,
		log:      slog.Default(),
		genKey:   keys.Generate,
		signers:  map[string]keys.Signer{},
		status:   cfg.Status,
		onStatus: cfg.OnStatusChange,
	}
	s.newID = s.uuid
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// BaseURL returns the normalised base URL (no trailing slash).
func (s *Service) BaseURL() string { return s.baseS }

// Store returns the underlying store (for health checks).
func (s *Service) Store() *store.Store { return s.st }

// uuid returns a random (version 4) UUID.
func (s *Service) uuid() string {
	var b [16]byte
	if _, err := io.ReadFull(s.rand, b[:]); err != nil {
		panic(fmt.Sprintf("issuer: read random: %v", err)) // crypto/rand does not fail
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func (s *Service) randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(s.rand, b); err != nil {
		return "", fmt.Errorf("issuer: read random: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// nowUTC is the clock truncated to seconds (credentials carry second precision).
func (s *Service) nowUTC() time.Time { return s.now().UTC().Truncate(time.Second) }

// Principal is who calls: an admin (all issuers) or one issuer's token.
type Principal struct {
	// IssuerID is the issuer a scoped token acts for; empty for an admin.
	IssuerID string
	// Admin tokens may act for every issuer and create issuers.
	Admin bool
	// Name is the token's name (set by AuthenticateNamed, not Authenticate), recorded
	// as who made a status change.
	Name string
}

// CanActFor reports whether p may act for issuerID.
func (p Principal) CanActFor(issuerID string) bool { return p.Admin || p.IssuerID == issuerID }

// authorize returns ErrForbidden unless p may act for issuerID.
func authorize(p Principal, issuerID string) error {
	if !p.CanActFor(issuerID) {
		return fmt.Errorf("%w: token may not act for issuer %q", ErrForbidden, issuerID)
	}
	return nil
}
