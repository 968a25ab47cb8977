// Package statuslist encodes and decodes the bitstring of a W3C Bitstring Status
// List (and of the older StatusList2021, which uses the same encoding): GZIP, then
// base64url without padding, prefixed by the multibase code "u". Index 0 is the
// most significant bit of the first byte. Both the issuer (which publishes lists)
// and the verifier (which reads strangers' lists) use it; decoding is bounded, so a
// gzip bomb cannot exhaust memory.
package statuslist
