// Package proof holds what every proof format shares: the typed errors a failed proof
// is reported with, and the MethodResolver through which a verifier obtains the public
// key named by a proof. The formats live in sub-packages: proof/dataintegrity
// (eddsa-rdfc-2022, legacy Ed25519Signature2020), proof/vcjwt (VC-JWT as Open Badges
// 3.0 profiles it) and proof/rdfc (RDF Dataset Canonicalization, RDFC-1.0).
//
// proof does no I/O itself: keys arrive through a MethodResolver the caller supplies.
package proof
