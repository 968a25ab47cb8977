// Package bake embeds an Open Badges 3.0 credential in a badge image and extracts it
// again ("baking" and "unbaking", OB 3.0 §"Badge baking", docformat.md).
//
// PNG: the credential travels in one iTXt chunk with keyword "openbadgecredential",
// compression flag 0 and method 0, an empty language tag and translated keyword, and
// the compact JWS or the credential JSON as UTF-8 text, placed before IEND. BakePNG
// replaces any such chunk already present; UnbakePNG returns the first one.
//
// SVG: the root <svg> declares xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"
// and its first child is <openbadges:credential>, carrying a VC-JWT in its verify
// attribute or the credential JSON in CDATA. BakeSVG splices the element in and leaves
// every other byte of the document untouched; UnbakeSVG resolves the namespace with
// encoding/xml, so any prefix bound to the OB 3.0 namespace URI is recognised.
//
// Both formats are treated as hostile input: sizes, chunk and token counts and element
// depth are capped; every PNG chunk CRC is checked; a compressed credential chunk is
// refused rather than inflated; image data is never decoded (no decompression bomb is
// possible); SVG internal DTD subsets and ENTITY declarations are refused outright and
// no external resource is ever fetched. Errors wrap ErrNotBaked, ErrMalformedImage,
// ErrTooLarge, ErrForbiddenMarkup or ErrInvalidPayload; match them with errors.Is.
//
// GenerateSVG and GeneratePNG draw a plain seal-shaped badge for achievements that come
// without an image.
//
// bake does no network or file I/O and does not check the credential's proof: the
// verifier does that with what UnbakePNG or UnbakeSVG returns.
package bake
