// Package httpapi is obadge's HTTP interface, and the only package that imports
// net/http and chi: the public issuer documents (OB Profile, did:web document, JWKS,
// per-key JWK, achievements, credentials by id), the admin REST API under /api/v1
// (bearer tokens scoped to an issuer or admin), the W3C VC API issue endpoint
// POST /credentials/issue, the verifier endpoints (verify.go), /healthz and a
// hand-written Prometheus /metrics.
//
// Every error body is an RFC 9457 problem+json written by writeError, whose type
// URIs come from the registry in problem.go. Handlers return errors; they never
// write error bodies themselves.
//
// Middleware order: request id -> access log and metrics -> recoverer -> body size
// limit -> routes. Logs never include Authorization headers, bodies, credentials or
// recipient identifiers.
package httpapi
