package fetch

import (
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Errors callers match with errors.Is.
var (
	// ErrForbiddenAddress: the host is, or resolves to, an address the policy refuses.
	ErrForbiddenAddress = errors.New("fetch: forbidden address")
	// ErrTooLarge: the body (after decoding) is longer than Policy.MaxBytes.
	ErrTooLarge = errors.New("fetch: response too large")
	// ErrScheme: the URL or a redirect uses a scheme the policy does not allow.
	ErrScheme = errors.New("fetch: scheme not allowed")
	// ErrOffline: the policy forbids all network access.
	ErrOffline = errors.New("fetch: offline")
	// ErrStatus: the server answered with a non-2xx status; see StatusError.
	ErrStatus = errors.New("fetch: unexpected HTTP status")
	// ErrInvalidURL: the URL cannot be parsed, is not absolute, or carries userinfo.
	ErrInvalidURL = errors.New("fetch: invalid URL")
	// ErrTooManyRedirects: more than Policy.MaxRedirects redirects.
	ErrTooManyRedirects = errors.New("fetch: too many redirects")
	// ErrContentEncoding: a Content-Encoding other than identity or gzip, or a
	// corrupt gzip stream.
	ErrContentEncoding = errors.New("fetch: unsupported content encoding")
)

// StatusError is the error for a non-2xx answer. errors.Is(err, ErrStatus) holds.
type StatusError struct {
	Code int
	URL  string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("fetch: unexpected HTTP status %d from %s", e.Code, e.URL)
}

// Unwrap makes errors.Is(err, ErrStatus) true.
func (e *StatusError) Unwrap() error { return ErrStatus }

// Defaults applied by New to zero Policy fields.
const (
	DefaultMaxBytes     = 1 << 20
	DefaultTimeout      = 10 * time.Second
	DefaultMaxRedirects = 3
	DefaultUserAgent    = "obadge-fetch/1"
	// MaxURLLength bounds the URLs Get accepts.
	MaxURLLength = 8 << 10
)

// Policy says what a Client may fetch. The zero value is the safe default: https
// only, public addresses only, 1 MiB, 10 s, 3 redirects.
type Policy struct {
	// AllowPrivate permits loopback, RFC 1918, link-local (including the cloud
	// metadata address 169.254.169.254), CGNAT, ULA and the other special-purpose
	// ranges. For tests and closed deployments only. Unspecified (0.0.0.0/8, ::),
	// multicast and 240.0.0.0/4 stay refused even then.
	AllowPrivate bool
	// AllowHTTP permits plain http (and redirects to it); default https only.
	AllowHTTP bool
	// MaxBytes bounds the decoded body; default DefaultMaxBytes.
	MaxBytes int64
	// Timeout bounds a whole request including redirects and the body; default
	// DefaultTimeout.
	Timeout time.Duration
	// MaxRedirects is the most redirects followed; default DefaultMaxRedirects.
	// A negative value follows none.
	MaxRedirects int
	// Offline refuses every request with ErrOffline.
	Offline bool
	// UserAgent is sent on every request; default DefaultUserAgent.
	UserAgent string
}

func (p Policy) withDefaults() Policy {
	if p.MaxBytes <= 0 {
		p.MaxBytes = DefaultMaxBytes
	}
	if p.Timeout <= 0 {
		p.Timeout = DefaultTimeout
	}
	if p.MaxRedirects == 0 {
		p.MaxRedirects = DefaultMaxRedirects
	} else if p.MaxRedirects < 0 {
		p.MaxRedirects = 0
	}
	if p.UserAgent == "" {
		p.UserAgent = DefaultUserAgent
	}
	return p
}

// LookupFunc resolves a host name to addresses. Every address it returns still goes
// through the policy's address check.
type LookupFunc func(ctx context.Context, host string) ([]netip.Addr, error)

// Option configures a Client.
type Option func(*Client)

// WithRootCAs makes the client trust pool instead of the system roots (for tests
// with httptest.NewTLSServer, or a private PKI). The address check is unchanged.
func WithRootCAs(pool *x509.CertPool) Option {
	return func(c *Client) { c.roots = pool }
}

// WithLookup replaces DNS resolution (net.DefaultResolver) with lookup, e.g. to pin
// names in tests. The addresses it returns are checked like any other.
func WithLookup(lookup LookupFunc) Option {
	return func(c *Client) { c.lookup = lookup }
}

// Client fetches documents under a Policy. It is safe for concurrent use.
type Client struct {
	policy Policy
	roots  *x509.CertPool
	lookup LookupFunc
	http   *http.Client
	// allowAddr, set only by this package's tests, admits one exact address and
	// port despite the policy, so that redirects from a test server to private
	// addresses can be shown to be refused on the real dial path.
	allowAddr func(netip.AddrPort) bool
	// dialGuard, set only by this package's tests, sees every address just before
	// it is dialed; the tests use it to guarantee that a regression in the checks
	// can never make them send a packet beyond loopback.
	dialGuard func(netip.AddrPort) error
}

// New returns a Client enforcing p (zero fields take the defaults).
func New(p Policy, opts ...Option) *Client {
	c := &Client{policy: p.withDefaults()}
	for _, o := range opts {
		o(c)
	}
	if c.lookup == nil {
		c.lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	tr := &http.Transport{
		Proxy:                  nil, // never the environment's proxy: the check must see the real peer
		DialContext:            c.dialContext,
		TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: c.roots},
		TLSHandshakeTimeout:    c.policy.Timeout,
		ResponseHeaderTimeout:  c.policy.Timeout,
		DisableCompression:     true, // we decode gzip ourselves, within MaxBytes
		MaxResponseHeaderBytes: 64 << 10,
		MaxIdleConns:           16,
		IdleConnTimeout:        30 * time.Second,
		ForceAttemptHTTP2:      true,
	}
	c.http = &http.Client{
		Transport:     tr,
		Timeout:       c.policy.Timeout,
		CheckRedirect: c.checkRedirect,
	}
	return c
}

// CloseIdleConnections closes kept-alive connections (at shutdown, or in tests).
func (c *Client) CloseIdleConnections() { c.http.CloseIdleConnections() }

// Policy returns the effective policy, defaults applied.
func (c *Client) Policy() Policy { return c.policy }

// CacheInfo holds the caching headers of a response.
type CacheInfo struct {
	NoStore      bool          // Cache-Control: no-store
	NoCache      bool          // Cache-Control: no-cache (must revalidate before reuse)
	MaxAge       time.Duration // Cache-Control: max-age, when HasMaxAge
	HasMaxAge    bool
	Age          time.Duration // Age header
	ETag         string
	Expires      time.Time // zero when absent or invalid (an invalid Expires means already expired, see ExpiresInvalid)
	Date         time.Time
	LastModified time.Time
	// ExpiresInvalid: an Expires header was present but unparseable, which RFC 9111
	// §5.3 says means "already expired".
	ExpiresInvalid bool
}

// TTL returns how long from now the response may be reused, and whether the
// headers said anything about it. no-store and no-cache give (0, true).
func (ci CacheInfo) TTL(now time.Time) (time.Duration, bool) {
	switch {
	case ci.NoStore || ci.NoCache:
		return 0, true
	case ci.HasMaxAge:
		return max(ci.MaxAge-ci.Age, 0), true
	case ci.ExpiresInvalid:
		return 0, true
	case !ci.Expires.IsZero():
		base := now
		if !ci.Date.IsZero() {
			base = ci.Date
		}
		return max(ci.Expires.Sub(base)-ci.Age, 0), true
	}
	return 0, false
}

// Response is a successful (2xx) answer with its body read in full.
type Response struct {
	StatusCode  int
	Body        []byte
	ContentType string // the Content-Type header as sent
	URL         string // the final URL, after redirects
	Cache       CacheInfo
}

// Get fetches rawURL, sending accept (joined with ", ") as the Accept header. It
// returns an error for any non-2xx answer (wrapping ErrStatus) and for anything the
// policy refuses.
func (c *Client) Get(ctx context.Context, rawURL string, accept ...string) (*Response, error) {
	if c.policy.Offline {
		return nil, fmt.Errorf("%w: refusing to fetch %s", ErrOffline, redact(rawURL))
	}
	u, err := c.checkURL(rawURL)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidURL, err)
	}
	if len(accept) > 0 {
		req.Header.Set("Accept", strings.Join(accept, ", "))
	}
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("User-Agent", c.policy.UserAgent)

	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u.Redacted(), err)
	}
	defer resp.Body.Close()
	final := resp.Request.URL.String()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10)) // let the connection be reused
		return nil, &StatusError{Code: resp.StatusCode, URL: final}
	}
	body, err := c.readBody(resp)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", final, err)
	}
	return &Response{
		StatusCode:  resp.StatusCode,
		Body:        body,
		ContentType: resp.Header.Get("Content-Type"),
		URL:         final,
		Cache:       parseCacheInfo(resp.Header),
	}, nil
}

// checkURL parses rawURL and applies the checks that need no network.
func (c *Client) checkURL(rawURL string) (*url.URL, error) {
	if len(rawURL) > MaxURLLength {
		return nil, fmt.Errorf("%w: %d characters (max %d)", ErrInvalidURL, len(rawURL), MaxURLLength)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidURL, err)
	}
	return u, c.checkParsed(u)
}

func (c *Client) checkParsed(u *url.URL) error {
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !c.policy.AllowHTTP {
			return fmt.Errorf("%w: http not allowed (%s)", ErrScheme, u.Redacted())
		}
	case "":
		return fmt.Errorf("%w: not an absolute URL", ErrInvalidURL)
	default:
		return fmt.Errorf("%w: %q", ErrScheme, u.Scheme)
	}
	if u.User != nil {
		return fmt.Errorf("%w: userinfo in URL", ErrInvalidURL)
	}
	if u.Opaque != "" {
		return fmt.Errorf("%w: opaque URL", ErrInvalidURL)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%w: bad port %q", ErrInvalidURL, p)
		}
	}
	a, err := checkHostName(u.Hostname(), c.policy.AllowPrivate)
	if err != nil && a.IsValid() && c.allowAddr != nil && c.allowAddr(netip.AddrPortFrom(a, portOf(u))) {
		err = nil
	}
	return err
}

func portOf(u *url.URL) uint16 {
	if p, err := strconv.Atoi(u.Port()); err == nil {
		return uint16(p)
	}
	if strings.EqualFold(u.Scheme, "http") {
		return 80
	}
	return 443
}

func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > c.policy.MaxRedirects {
		return fmt.Errorf("%w: more than %d", ErrTooManyRedirects, c.policy.MaxRedirects)
	}
	return c.checkParsed(req.URL)
}

// checkAddrPort is the dial-time check of one resolved address.
func (c *Client) checkAddrPort(ap netip.AddrPort) error {
	if c.allowAddr != nil && c.allowAddr(ap) {
		return nil
	}
	return checkIP(ap.Addr(), c.policy.AllowPrivate)
}

// dialContext resolves addr itself, checks every address, and dials only checked
// addresses (so the check and the connection see the same IP: no rebinding window).
// The dialer's Control hook checks again on the socket's actual peer address.
func (c *Client) dialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if c.policy.Offline {
		return nil, ErrOffline
	}
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidURL, err)
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("%w: bad port %q", ErrInvalidURL, portStr)
	}
	var ips []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{a}
	} else {
		if _, err := checkHostName(host, c.policy.AllowPrivate); err != nil {
			return nil, err
		}
		ips, err = c.lookup(ctx, host)
		if err != nil {
			return nil, err
		}
		if len(ips) == 0 {
			return nil, fmt.Errorf("fetch: no addresses for %s", host)
		}
	}
	// Refuse the host if any address is forbidden: a name that mixes public and
	// private answers is an attack, not a configuration to work around.
	for _, ip := range ips {
		if err := c.checkAddrPort(netip.AddrPortFrom(ip, uint16(port))); err != nil {
			return nil, fmt.Errorf("%s resolves to a refused address: %w", host, err)
		}
	}
	d := &net.Dialer{Timeout: c.policy.Timeout, Control: c.control}
	var firstErr error
	for _, ip := range ips {
		ap := netip.AddrPortFrom(ip.Unmap(), uint16(port))
		if c.dialGuard != nil {
			if err := c.dialGuard(ap); err != nil {
				return nil, err
			}
		}
		conn, err := d.DialContext(ctx, network, ap.String())
		if err == nil {
			return conn, nil
		}
		if firstErr == nil {
			firstErr = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, firstErr
}

// control runs after the socket is created and before connect: the last word on
// the peer address.
func (c *Client) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: unparseable dial address %q", ErrForbiddenAddress, address)
	}
	return c.checkAddrPort(ap)
}

// readBody reads the body, decoding gzip, and fails rather than truncates when more
// than MaxBytes arrive (raw or decoded).
func (c *Client) readBody(resp *http.Response) ([]byte, error) {
	limit := c.policy.MaxBytes
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("%w: Content-Length %d > %d", ErrTooLarge, resp.ContentLength, limit)
	}
	var r io.Reader = &capReader{r: resp.Body, left: limit}
	switch enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip", "x-gzip":
		gz, err := gzip.NewReader(r)
		if err != nil {
			if errors.Is(err, ErrTooLarge) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", ErrContentEncoding, err)
		}
		defer gz.Close()
		r = &capReader{r: gz, left: limit}
	default:
		return nil, fmt.Errorf("%w: %q", ErrContentEncoding, enc)
	}
	body, err := io.ReadAll(r)
	if err != nil {
		if errors.Is(err, ErrTooLarge) {
			return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
		}
		if errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("%w: %v", ErrContentEncoding, err)
		}
		return nil, err
	}
	return body, nil
}

// capReader passes through at most left bytes and returns ErrTooLarge as soon as
// one more byte is available.
type capReader struct {
	r    io.Reader
	left int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, ErrTooLarge
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return n + int(c.left), ErrTooLarge
	}
	return n, err
}

// parseCacheInfo extracts the caching headers.
func parseCacheInfo(h http.Header) CacheInfo {
	var ci CacheInfo
	for _, v := range h.Values("Cache-Control") {
		parseCacheControl(v, &ci)
	}
	ci.ETag = h.Get("ETag")
	if v := h.Get("Age"); v != "" {
		if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && n >= 0 {
			ci.Age = clampSeconds(n)
		}
	}
	if v := h.Get("Expires"); v != "" {
		if t, err := http.ParseTime(v); err == nil {
			ci.Expires = t
		} else {
			ci.ExpiresInvalid = true
		}
	}
	if t, err := http.ParseTime(h.Get("Date")); err == nil {
		ci.Date = t
	}
	if t, err := http.ParseTime(h.Get("Last-Modified")); err == nil {
		ci.LastModified = t
	}
	return ci
}

// maxCacheSeconds caps parsed delta-seconds (RFC 9111 §1.2.2 suggests 2^31).
const maxCacheSeconds = 1 << 31

func clampSeconds(n int64) time.Duration {
	return time.Duration(min(n, maxCacheSeconds)) * time.Second
}

// parseCacheControl reads the directives obadge cares about from one
// Cache-Control header value.
func parseCacheControl(v string, ci *CacheInfo) {
	for d := range strings.SplitSeq(v, ",") {
		name, val, _ := strings.Cut(strings.TrimSpace(d), "=")
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "no-store":
			ci.NoStore = true
		case "no-cache":
			ci.NoCache = true
		case "max-age":
			val = strings.Trim(strings.TrimSpace(val), `"`)
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil || n < 0 {
				if len(val) > 0 && strings.Trim(val, "0123456789") == "" {
					n = maxCacheSeconds // too large to parse: RFC 9111 says use 2^31
				} else {
					// An invalid max-age makes the response stale.
					ci.HasMaxAge, ci.MaxAge = true, 0
					continue
				}
			}
			d := clampSeconds(n)
			if ci.HasMaxAge {
				d = min(d, ci.MaxAge) // conflicting directives: the most conservative
			}
			ci.HasMaxAge, ci.MaxAge = true, d
		}
	}
}

// redact hides userinfo in a URL for error messages.
func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return "(unparseable URL)"
}
