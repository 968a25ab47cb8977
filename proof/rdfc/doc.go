// Package rdfc implements RDF Dataset Canonicalization, RDFC-1.0
// (https://www.w3.org/TR/rdf-canon/, W3C Recommendation 21 May 2024), the
// canonicalization step of the eddsa-rdfc-2022 cryptosuite.
//
// It works on the dataset json-gold produces (ld.ToRDF or ld.ParseNQuads) and
// replaces json-gold's Normalize, whose output is correct but which builds its
// result by repeated string concatenation (quadratic in the number of quads) and
// has no bound on the work a poison graph can demand.
//
// Canonicalize issues canonical blank node identifiers (c14n0, c14n1, ...) and
// returns the canonical N-Quads, sorted in code point order with duplicates
// removed, together with the issued identifiers map. The Hash N-Degree Quads
// algorithm is bounded as the Recommendation asks (section "Security
// Considerations"): every call to it and every permutation it examines costs one
// unit of work (plus one per 64 quads hashed or identifiers copied, so that a
// unit takes bounded time), and when the work exceeds Options.MaxWork (by default
// a multiple of the number of blank nodes that share a first degree hash, see
// DefaultMaxWork) Canonicalize stops with an error matching ErrWorkLimit and
// proof.ErrCanonicalization. The default canonicalizes every approved test of the
// W3C suite, including its "evil" poison graphs, and tree-shaped credentials of
// any size; it refuses cliques of ten or more blank nodes and symmetric cycles of
// more than about seventy (raise MaxWork for those).
//
// Literals are escaped as RDFC-1.0 canonical N-Quads require: \b \t \n \f \r \"
// and \\ as ECHAR, the remaining characters U+0000 to U+001F and U+007F as
// \uXXXX with upper-case hex, everything else as is. json-gold v0.9.1 escapes
// only \t \n \r \" and \\; Options.JSONGoldEscaping reproduces that form for
// checking signatures made with it. The two forms differ only for literals
// holding one of those control characters. IRIs are written as json-gold writes
// them (the same five escapes, which never apply to a valid IRI).
//
// Canonicalize does no I/O and keeps no state between calls; it is safe for
// concurrent use.
package rdfc
