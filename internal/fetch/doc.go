// Package fetch is the one HTTP client obadge uses for documents a stranger names:
// did:web documents, controller documents and issuer profiles, JWKs, status lists
// and credential URLs. Every such URL is treated as hostile.
//
// A Client enforces its Policy on every hop:
//
//   - only https (http too when Policy.AllowHTTP), no userinfo, redirects only to
//     allowed schemes and at most Policy.MaxRedirects of them;
//   - the address check happens at dial time on the resolved IP address, so a host
//     name that resolves (or re-resolves, DNS rebinding) to loopback, RFC 1918,
//     link-local, CGNAT, ULA, cloud metadata, unspecified, multicast, documentation
//     or other special-purpose ranges is refused before any packet is sent to it,
//     and so is a redirect to such an address. IPv4-mapped IPv6 forms are unmapped
//     first, and non-canonical IPv4 spellings in URLs (2130706433, 0x7f.1, 127.1,
//     017.0.0.1) are refused outright. Environment proxies are never used;
//   - bodies are bounded by Policy.MaxBytes: reading more is ErrTooLarge, never a
//     truncation, and gzip is decoded only up to MaxBytes of decoded output;
//   - Policy.Offline refuses every request with ErrOffline.
//
// Errors are sentinels matched with errors.Is: ErrForbiddenAddress, ErrTooLarge,
// ErrScheme, ErrOffline, ErrStatus (errors.As gives *StatusError with the code),
// ErrInvalidURL, ErrTooManyRedirects and ErrContentEncoding.
//
// Response carries the caching headers (Cache-Control max-age, no-store and
// no-cache, Age, Expires, ETag, Last-Modified) so that callers can cache.
package fetch
