// Package dataintegrity creates and verifies W3C Data Integrity proofs of type
// DataIntegrityProof with the eddsa-rdfc-2022 cryptosuite (W3C vc-di-eddsa), and
// verifies the legacy suites Open Badges verifiers still meet: Ed25519Signature2020
// and the pre-Recommendation cryptosuite name eddsa-2022. All three hash the same
// way: SHA-256 of the RDFC-1.0 canonical proof configuration, then SHA-256 of the
// canonical document, signed with Ed25519.
//
// Before canonicalizing, the document and the proof configuration are expanded
// in JSON-LD safe mode with the offline schema loader, and anything JSON-LD would
// drop (an undefined term, an undefined type, an IRI that is not absolute or not
// valid, a bad language tag) is refused with an error wrapping proof.ErrDataLoss:
// a signature must cover every member of what it signs.
//
// dataintegrity does no I/O: keys arrive through the proof.MethodResolver the
// caller passes to Verify.
package dataintegrity
