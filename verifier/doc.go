// Package verifier checks an Open Badges 3.0 credential in any form in circulation
// (JSON-LD with a Data Integrity proof, VC-JWT, a baked PNG or SVG, a Verifiable
// Presentation, or a URL to any of these) and reports, check by check in the order of
// the OB 3.0 verification algorithm, whether it is well formed, authentic, issued by
// the holder of the key, currently valid, unrevoked, issued to a given person, and
// endorsed by verifiable endorsements.
//
// Verify returns an error only when it cannot run at all (a cancelled context, an
// internal fault). A forged, expired, malformed or revoked credential yields a Report
// with Verified false and the failing Check, whose Err answers errors.Is against
// this package's sentinels and those of package proof.
//
// verifier fetches nothing itself: keys come through the proof.MethodResolver and
// documents through the fetch client the caller configures (see verifier/resolve and
// internal/fetch for the policies that keep hostile URLs away from private networks).
package verifier
