package resolve

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// maxDIDWebLen bounds a did:web before it is mapped.
const maxDIDWebLen = 2048

// DIDWebURL maps a did:web DID (no fragment or query) to the URL of its DID
// document (did:web method specification, "Read (Resolve)"): the method-specific
// id's ':' separators become '/', each part is percent-decoded (a port is written
// %3A), the scheme is https, "/.well-known" is used when there is no path, and
// "/did.json" is appended:
//
//	did:web:w3c-ccg.github.io              → https://w3c-ccg.github.io/.well-known/did.json
//	did:web:example.com%3A3000:user:alice  → https://example.com:3000/user/alice/did.json
//
// The host must be a DNS name; IP-address hosts are refused (the specification
// forbids them) unless allowIP is set, for tests against loopback servers. A part
// that decodes to something containing '/', a control character, "." or ".." is
// refused rather than mapped to a different path. Errors wrap ErrInvalidDID.
func DIDWebURL(did string, allowIP bool) (string, error) {
	if len(did) > maxDIDWebLen {
		return "", fmt.Errorf("%w: did:web of %d characters", ErrInvalidDID, len(did))
	}
	msid, ok := strings.CutPrefix(did, "did:web:")
	if !ok || msid == "" {
		return "", fmt.Errorf("%w: not a did:web", ErrInvalidDID)
	}
	for _, c := range msid {
		// DID syntax idchar: ALPHA / DIGIT / "." / "-" / "_" / pct-encoded, plus ':'.
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune(".-_:%", c)) {
			return "", fmt.Errorf("%w: character %q in did:web", ErrInvalidDID, c)
		}
	}
	parts := strings.Split(msid, ":")
	host, err := url.PathUnescape(parts[0])
	if err != nil {
		return "", fmt.Errorf("%w: host: %w", ErrInvalidDID, err)
	}
	if err := checkWebHost(host, allowIP); err != nil {
		return "", err
	}
	path := "/.well-known/did.json"
	if len(parts) > 1 {
		segs := make([]string, 0, len(parts)-1)
		for _, p := range parts[1:] {
			s, err := url.PathUnescape(p)
			if err != nil {
				return "", fmt.Errorf("%w: path: %w", ErrInvalidDID, err)
			}
			if s == "" || s == "." || s == ".." || strings.ContainsAny(s, "/\\") || hasControl(s) {
				return "", fmt.Errorf("%w: path segment %q", ErrInvalidDID, p)
			}
			segs = append(segs, s)
		}
		path = "/" + strings.Join(segs, "/") + "/did.json"
	}
	u := url.URL{Scheme: "https", Host: host, Path: path}
	return u.String(), nil
}

func hasControl(s string) bool {
	for _, c := range s {
		if c < 0x20 || c == 0x7f {
			return true
		}
	}
	return false
}

// checkWebHost accepts "name[:port]" with a DNS name, or an IPv4 literal when
// allowIP is set.
func checkWebHost(hostport string, allowIP bool) error {
	host, port := hostport, ""
	if i := strings.LastIndexByte(hostport, ':'); i >= 0 {
		h, p, err := net.SplitHostPort(hostport)
		if err != nil {
			return fmt.Errorf("%w: host %q: %w", ErrInvalidDID, hostport, err)
		}
		host, port = h, p
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || port[0] == '0' || strings.Trim(port, "0123456789") != "" {
			return fmt.Errorf("%w: port %q", ErrInvalidDID, port)
		}
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if !allowIP || !a.Is4() {
			return fmt.Errorf("%w: IP-address host %q (did:web requires a domain name)", ErrInvalidDID, host)
		}
		return nil
	}
	if len(host) == 0 || len(host) > 253 {
		return fmt.Errorf("%w: host %q", ErrInvalidDID, host)
	}
	labels := strings.Split(host, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return fmt.Errorf("%w: host %q", ErrInvalidDID, host)
		}
		for _, c := range l {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Errorf("%w: host %q", ErrInvalidDID, host)
			}
		}
	}
	if last := strings.ToLower(labels[len(labels)-1]); strings.Trim(last, "0123456789") == "" ||
		(strings.HasPrefix(last, "0x") && strings.Trim(last[2:], "0123456789abcdef") == "") {
		// 127.1, 2130706433, 0x7f000001: a number where a top-level domain should be
		// (WHATWG URL parsing would turn it into an IPv4 address).
		return fmt.Errorf("%w: numeric host %q", ErrInvalidDID, host)
	}
	return nil
}
