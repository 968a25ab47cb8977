package fetch

import (
	"fmt"
	"net/netip"
	"strings"
)

// alwaysRefused are ranges no document host can legitimately use, refused even
// when Policy.AllowPrivate is set: "this network" (0.0.0.0/8 connects to the local
// host on many systems), the unspecified IPv6 address, multicast and the reserved
// 240.0.0.0/4 block including the limited broadcast address.
var alwaysRefused = prefixes(
	"0.0.0.0/8",
	"224.0.0.0/4",
	"240.0.0.0/4",
	"::/128",
	"ff00::/8",
)

// privateRanges are refused unless Policy.AllowPrivate is set (IANA IPv4 and IPv6
// special-purpose address registries, RFC 6890 and successors).
var privateRanges = prefixes(
	"10.0.0.0/8",      // RFC 1918
	"100.64.0.0/10",   // CGNAT, RFC 6598
	"127.0.0.0/8",     // loopback
	"169.254.0.0/16",  // link-local, including 169.254.169.254 cloud metadata
	"172.16.0.0/12",   // RFC 1918
	"192.0.0.0/24",    // IETF protocol assignments
	"192.0.2.0/24",    // TEST-NET-1
	"192.88.99.0/24",  // 6to4 relay anycast
	"192.168.0.0/16",  // RFC 1918
	"198.18.0.0/15",   // benchmarking
	"198.51.100.0/24", // TEST-NET-2
	"203.0.113.0/24",  // TEST-NET-3
	"::1/128",         // loopback
	"::/96",           // deprecated IPv4-compatible addresses (::127.0.0.1)
	"100::/64",        // discard-only
	"2001::/32",       // Teredo (embeds an arbitrary IPv4 address)
	"2001:db8::/32",   // documentation
	"fc00::/7",        // unique local (ULA)
	"fe80::/10",       // link-local
	"fec0::/10",       // deprecated site-local
)

// embeddingRanges carry an IPv4 address the packet ends up at; the embedded
// address is checked instead (NAT64 well-known prefixes and 6to4).
var (
	nat64     = prefixes("64:ff9b::/96", "64:ff9b:1::/48")
	sixToFour = netip.MustParsePrefix("2002::/16")
)

func prefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

func inAny(a netip.Addr, ps []netip.Prefix) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// checkIP reports whether a may be connected to under the policy. It returns an
// error wrapping ErrForbiddenAddress when it may not.
func checkIP(a netip.Addr, allowPrivate bool) error {
	if !a.IsValid() {
		return fmt.Errorf("%w: invalid address", ErrForbiddenAddress)
	}
	if a.Zone() != "" {
		return fmt.Errorf("%w: scoped address %s", ErrForbiddenAddress, a)
	}
	orig := a
	a = a.Unmap()
	if a.Is6() {
		if inAny(a, nat64) {
			b := a.As16()
			a = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
		} else if sixToFour.Contains(a) {
			b := a.As16()
			a = netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})
		}
	}
	if inAny(a, alwaysRefused) {
		return fmt.Errorf("%w: %s is never a document host", ErrForbiddenAddress, orig)
	}
	if !allowPrivate && inAny(a, privateRanges) {
		return fmt.Errorf("%w: %s is a private or special-purpose address", ErrForbiddenAddress, orig)
	}
	return nil
}

// checkHostName applies the checks that can be made on a URL's host before any
// DNS lookup: IP literals are checked directly, non-canonical IPv4 spellings that
// some resolvers (inet_aton) and browsers (WHATWG URL) turn into addresses are
// refused, and localhost names are refused unless private addresses are allowed.
// It returns the literal address when host is one.
func checkHostName(host string, allowPrivate bool) (netip.Addr, error) {
	if host == "" {
		return netip.Addr{}, fmt.Errorf("%w: empty host", ErrInvalidURL)
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return a, checkIP(a, allowPrivate)
	}
	if strings.ContainsAny(host, "%[]") {
		return netip.Addr{}, fmt.Errorf("%w: malformed host %q", ErrInvalidURL, host)
	}
	name := strings.TrimSuffix(strings.ToLower(host), ".")
	labels := strings.Split(name, ".")
	if last := labels[len(labels)-1]; isNumericLabel(last) {
		// WHATWG URL: a host whose last label is a number is an IPv4 address;
		// only the canonical dotted quad (handled above) is accepted.
		return netip.Addr{}, fmt.Errorf("%w: non-canonical IPv4 host %q", ErrForbiddenAddress, host)
	}
	if !allowPrivate && (name == "localhost" || strings.HasSuffix(name, ".localhost")) {
		return netip.Addr{}, fmt.Errorf("%w: %q names the local host", ErrForbiddenAddress, host)
	}
	return netip.Addr{}, nil
}

// isNumericLabel reports whether s is a decimal, octal or 0x-hex number.
func isNumericLabel(s string) bool {
	if s == "" {
		return false
	}
	if strings.HasPrefix(s, "0x") {
		s = s[2:]
		for _, r := range s {
			if !strings.ContainsRune("0123456789abcdef", r) {
				return false
			}
		}
		return true
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
