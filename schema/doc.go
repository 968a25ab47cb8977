// Package schema holds the Open Badges 3.0 data model: the JSON-LD contexts obadge
// embeds, an offline document loader that answers only from them, Go types for the
// OB 3.0 classes an issuer and a verifier touch, and validation of the OB rules
// written from the specification.
//
// schema does no network or file I/O at run time: the contexts are compiled in
// (see contexts/PROVENANCE.md and scripts/fetch-contexts.sh), and a URL that is not
// embedded is an error, never a fetch.
package schema
