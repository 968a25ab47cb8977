package fetch

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// FuzzCheckURL: whatever the input, an accepted URL is https, has no userinfo, and
// its host is either a DNS name whose last label is not a number or a public IP.
func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{
		"https://example.com/did.json", "https://127.0.0.1/", "https://2130706433/",
		"https://[::ffff:127.0.0.1]/", "https://0x7f.1/", "file:///etc/passwd",
		"https://u@example.com/", "https://[fe80::1%25eth0]:443/", "https://example.com:0/",
		"HTTPS://EXAMPLE.COM./a", "https://%31%32%37.0.0.1/", "https://localhost./",
	} {
		f.Add(s)
	}
	c := New(Policy{})
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := c.checkURL(raw)
		if err != nil {
			return
		}
		if !strings.EqualFold(u.Scheme, "https") || u.User != nil {
			t.Fatalf("accepted %q (scheme %q, user %v)", raw, u.Scheme, u.User)
		}
		host := u.Hostname()
		if a, err := netip.ParseAddr(host); err == nil {
			if checkIP(a, false) != nil {
				t.Fatalf("accepted forbidden address %s in %q", a, raw)
			}
			return
		}
		labels := strings.Split(strings.TrimSuffix(strings.ToLower(host), "."), ".")
		if isNumericLabel(labels[len(labels)-1]) {
			t.Fatalf("accepted numeric host %q in %q", host, raw)
		}
		if name := strings.TrimSuffix(strings.ToLower(host), "."); name == "localhost" || strings.HasSuffix(name, ".localhost") {
			t.Fatalf("accepted localhost name in %q", raw)
		}
	})
}

// FuzzCacheControl: parsing never panics and never yields a negative lifetime.
func FuzzCacheControl(f *testing.F) {
	for _, s := range []string{"max-age=60", "no-store", `max-age="5", no-cache`, "max-age=-1", "max-age=99999999999999999999", ",,=,"} {
		f.Add(s, "Thu, 01 Jan 2026 00:00:00 GMT", "5")
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, cc, expires, age string) {
		h := http.Header{"Cache-Control": {cc}, "Expires": {expires}, "Age": {age}}
		ci := parseCacheInfo(h)
		if ci.MaxAge < 0 || ci.Age < 0 {
			t.Fatalf("negative durations: %+v", ci)
		}
		if ttl, _ := ci.TTL(now); ttl < 0 {
			t.Fatalf("negative TTL %v for %+v", ttl, ci)
		}
	})
}
