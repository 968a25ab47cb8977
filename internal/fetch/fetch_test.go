package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

var errWouldLeaveLoopback = errors.New("test guard: would dial beyond loopback")

// newC is New with a guard that makes it impossible for these tests to send a packet
// to anything but loopback, whatever a regression in the address checks.
func newC(p Policy, opts ...Option) *Client {
	c := New(p, opts...)
	c.dialGuard = func(ap netip.AddrPort) error {
		if !ap.Addr().Unmap().IsLoopback() {
			return fmt.Errorf("%w: %s", errWouldLeaveLoopback, ap)
		}
		return nil
	}
	return c
}

// testServer is a loopback TLS server counting the requests it receives.
type testServer struct {
	*httptest.Server
	hits atomic.Int64
	pool *x509.CertPool
	addr netip.AddrPort
}

func newTestServer(t *testing.T, h http.HandlerFunc) *testServer {
	t.Helper()
	ts := &testServer{}
	ts.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts.hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(ts.Close)
	ts.pool = x509.NewCertPool()
	ts.pool.AddCert(ts.Certificate())
	ap, err := netip.ParseAddrPort(ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	ts.addr = ap
	return ts
}

// hostURL is the server's URL under the name example.com (which the httptest
// certificate covers); pair it with lookupTo(ts.addr.Addr()).
func (ts *testServer) hostURL(path string) string {
	return fmt.Sprintf("https://example.com:%d%s", ts.addr.Port(), path)
}

// lookupTo resolves every name to the given addresses and counts the calls.
func lookupTo(calls *atomic.Int64, addrs ...netip.Addr) Option {
	return WithLookup(func(ctx context.Context, host string) ([]netip.Addr, error) {
		calls.Add(1)
		return addrs, nil
	})
}

func ok(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(body)) }
}

func TestRefusedLiteralHosts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, url string
		wantErr   error
	}{
		{"loopback", "https://127.0.0.1/", ErrForbiddenAddress},
		{"loopback range", "https://127.8.9.10/", ErrForbiddenAddress},
		{"rfc1918 10", "https://10.0.0.1/", ErrForbiddenAddress},
		{"rfc1918 172", "https://172.16.0.1/", ErrForbiddenAddress},
		{"rfc1918 192", "https://192.168.1.1/", ErrForbiddenAddress},
		{"metadata", "https://169.254.169.254/latest/meta-data/", ErrForbiddenAddress},
		{"cgnat", "https://100.64.0.1/", ErrForbiddenAddress},
		{"zero", "https://0.0.0.0/", ErrForbiddenAddress},
		{"zero net", "https://0.1.2.3/", ErrForbiddenAddress},
		{"broadcast", "https://255.255.255.255/", ErrForbiddenAddress},
		{"multicast", "https://224.0.0.1/", ErrForbiddenAddress},
		{"v6 loopback", "https://[::1]/", ErrForbiddenAddress},
		{"v6 unspecified", "https://[::]/", ErrForbiddenAddress},
		{"v4-mapped loopback", "https://[::ffff:127.0.0.1]/", ErrForbiddenAddress},
		{"v4-mapped hex", "https://[::ffff:7f00:1]/", ErrForbiddenAddress},
		{"v4-mapped 10", "https://[::ffff:a00:1]/", ErrForbiddenAddress},
		{"v4-mapped metadata", "https://[::ffff:169.254.169.254]/", ErrForbiddenAddress},
		{"v4-compatible", "https://[::127.0.0.1]/", ErrForbiddenAddress},
		{"nat64 loopback", "https://[64:ff9b::7f00:1]/", ErrForbiddenAddress},
		{"6to4 rfc1918", "https://[2002:a00:1::]/", ErrForbiddenAddress},
		{"ula", "https://[fd00::1]/", ErrForbiddenAddress},
		{"v6 link-local", "https://[fe80::1]/", ErrForbiddenAddress},
		{"v6 zone", "https://[fe80::1%25eth0]/", ErrForbiddenAddress},
		{"decimal", "https://2130706433/", ErrForbiddenAddress},
		{"hex", "https://0x7f000001/", ErrForbiddenAddress},
		{"short form", "https://127.1/", ErrForbiddenAddress},
		{"octal", "https://017.0.0.1/", ErrForbiddenAddress},
		{"octal parts", "https://0177.0.0.01/", ErrForbiddenAddress},
		{"trailing dot number", "https://10.0.0.1./", ErrForbiddenAddress},
		{"localhost", "https://localhost/", ErrForbiddenAddress},
		{"sub.localhost", "https://a.localhost:8443/", ErrForbiddenAddress},
		{"http", "http://example.com/", ErrScheme},
		{"file", "file:///etc/passwd", ErrScheme},
		{"data", "data:text/plain,hello", ErrScheme},
		{"gopher", "gopher://example.com/", ErrScheme},
		{"userinfo", "https://user:pw@example.com/", ErrInvalidURL},
		{"userinfo at ip", "https://example.com@127.0.0.1/", ErrInvalidURL},
		{"relative", "/did.json", ErrInvalidURL},
		{"bad port", "https://example.com:99999/", ErrInvalidURL},
		{"overlong", "https://example.com/" + strings.Repeat("a", MaxURLLength), ErrInvalidURL},
	}
	var lookups atomic.Int64
	c := newC(Policy{}, lookupTo(&lookups)) // any lookup would be a bug: nothing may reach the network
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := c.Get(t.Context(), tt.url)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Get(%q) = %v, want %v", tt.url, err, tt.wantErr)
			}
		})
	}
	t.Cleanup(func() {
		if n := lookups.Load(); n != 0 {
			t.Errorf("%d DNS lookups for refused URLs, want 0", n)
		}
	})
}

func TestCheckIP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr         string
		allowPrivate bool
		wantErr      error
	}{
		{"93.184.215.14", false, nil},
		{"2606:4700::1111", false, nil},
		{"::ffff:93.184.215.14", false, nil},
		{"64:ff9b::5db8:d70e", false, nil}, // NAT64 of a public address
		{"127.0.0.1", false, ErrForbiddenAddress},
		{"127.0.0.1", true, nil},
		{"10.0.0.1", true, nil},
		{"169.254.169.254", true, nil},
		{"::1", true, nil},
		{"0.0.0.0", true, ErrForbiddenAddress}, // never, even for tests
		{"::", true, ErrForbiddenAddress},
		{"ff02::1", true, ErrForbiddenAddress},
		{"255.255.255.255", true, ErrForbiddenAddress},
		{"198.18.0.1", false, ErrForbiddenAddress},
		{"2001:db8::1", false, ErrForbiddenAddress},
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", false, ErrForbiddenAddress}, // Teredo
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%v", tt.addr, tt.allowPrivate), func(t *testing.T) {
			t.Parallel()
			if err := checkIP(netip.MustParseAddr(tt.addr), tt.allowPrivate); !errors.Is(err, tt.wantErr) {
				t.Fatalf("checkIP(%s, %v) = %v, want %v", tt.addr, tt.allowPrivate, err, tt.wantErr)
			}
		})
	}
}

// TestDialTimeCheck: a name that resolves to a private address (DNS rebinding, or a
// plain internal name) is refused by the dialer, before any connection: the loopback
// test server never sees a request. With AllowPrivate the same setup succeeds.
func TestDialTimeCheck(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, ok(`{"ok":true}`))
	tests := []struct {
		name         string
		allowPrivate bool
		addrs        []netip.Addr
		wantErr      error
		wantHit      bool
	}{
		{"loopback refused by default", false, []netip.Addr{ts.addr.Addr()}, ErrForbiddenAddress, false},
		{"mixed public and private answers refused", false, []netip.Addr{netip.MustParseAddr("93.184.215.14"), ts.addr.Addr()}, ErrForbiddenAddress, false},
		{"rfc1918 answer refused", false, []netip.Addr{netip.MustParseAddr("10.0.0.1")}, ErrForbiddenAddress, false},
		{"mapped metadata answer refused", false, []netip.Addr{netip.MustParseAddr("::ffff:169.254.169.254")}, ErrForbiddenAddress, false},
		{"loopback allowed with AllowPrivate", true, []netip.Addr{ts.addr.Addr()}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var lookups atomic.Int64
			before := ts.hits.Load()
			c := newC(Policy{AllowPrivate: tt.allowPrivate}, WithRootCAs(ts.pool), lookupTo(&lookups, tt.addrs...))
			resp, err := c.Get(t.Context(), ts.hostURL("/doc"))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Get = %v, want %v", err, tt.wantErr)
			}
			if lookups.Load() == 0 {
				t.Error("the name was never resolved: the refusal did not come from the dial path")
			}
			if hit := ts.hits.Load() > before; hit != tt.wantHit {
				t.Errorf("server hit = %v, want %v", hit, tt.wantHit)
			}
			if err == nil && string(resp.Body) != `{"ok":true}` {
				t.Errorf("body = %q", resp.Body)
			}
		})
	}
}

// TestLoopbackLiteral: the test server by its 127.0.0.1 URL is refused by default
// and served with AllowPrivate.
func TestLoopbackLiteral(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, ok("hello"))
	if _, err := newC(Policy{}, WithRootCAs(ts.pool)).Get(t.Context(), ts.URL); !errors.Is(err, ErrForbiddenAddress) {
		t.Fatalf("default policy: %v, want ErrForbiddenAddress", err)
	}
	if ts.hits.Load() != 0 {
		t.Fatal("refused request reached the server")
	}
	resp, err := newC(Policy{AllowPrivate: true}, WithRootCAs(ts.pool)).Get(t.Context(), ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != "hello" || resp.URL != ts.URL {
		t.Fatalf("got %q from %s", resp.Body, resp.URL)
	}
}

func TestControlRefuses(t *testing.T) {
	t.Parallel()
	c := newC(Policy{})
	for _, a := range []string{"10.0.0.1:443", "[::ffff:127.0.0.1]:443", "169.254.169.254:80", "garbage"} {
		if err := c.control("tcp", a, nil); !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("control(%s) = %v, want ErrForbiddenAddress", a, err)
		}
	}
	if err := c.control("tcp", "93.184.215.14:443", nil); err != nil {
		t.Errorf("control(public) = %v", err)
	}
}

// TestRedirects uses the test-only allowAddr hook to admit exactly the test server
// (AllowPrivate stays false), then checks where its redirects may lead.
func TestRedirects(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/redirect":
			http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		default:
			_, _ = w.Write([]byte("final"))
		}
	})
	other := newTestServer(t, ok("other"))
	var internalLookups atomic.Int64
	newClient := func(p Policy) *Client {
		c := newC(p, WithRootCAs(ts.pool), WithLookup(func(ctx context.Context, host string) ([]netip.Addr, error) {
			if host == "internal.example" {
				internalLookups.Add(1)
				return []netip.Addr{netip.MustParseAddr("10.0.0.1")}, nil
			}
			return nil, fmt.Errorf("unexpected lookup of %s", host)
		}))
		c.allowAddr = func(ap netip.AddrPort) bool { return ap == ts.addr }
		return c
	}
	self := ts.URL + "/final"
	tests := []struct {
		name, to string
		policy   Policy
		wantErr  error
	}{
		{"same server", self, Policy{}, nil},
		{"to rfc1918 literal", "https://10.0.0.1/secret", Policy{}, ErrForbiddenAddress},
		{"to metadata", "https://169.254.169.254/latest/meta-data/", Policy{}, ErrForbiddenAddress},
		{"to name resolving to rfc1918 (dial-time)", "https://internal.example/x", Policy{}, ErrForbiddenAddress},
		{"to another loopback port", other.URL, Policy{}, ErrForbiddenAddress},
		{"to decimal ip", "https://2130706433/", Policy{}, ErrForbiddenAddress},
		{"to file", "file:///etc/passwd", Policy{}, ErrScheme},
		{"to data", "data:text/plain,owned", Policy{}, ErrScheme},
		{"to http", "http://example.com/", Policy{}, ErrScheme},
		{"to userinfo", "https://u:p@example.com/", Policy{}, ErrInvalidURL},
		{"no redirects allowed", self, Policy{MaxRedirects: -1}, ErrTooManyRedirects},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := ts.URL + "/redirect?to=" + url.QueryEscape(tt.to)
			resp, err := newClient(tt.policy).Get(t.Context(), u)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Get = %v, want %v", err, tt.wantErr)
			}
			if err == nil && (string(resp.Body) != "final" || resp.URL != self) {
				t.Fatalf("got %q from %s", resp.Body, resp.URL)
			}
		})
	}
	if other.hits.Load() != 0 {
		t.Error("a redirect reached the other loopback server")
	}
	if internalLookups.Load() == 0 {
		t.Error("internal.example was never resolved: the dial-time path was not exercised")
	}
	if _, err := newClient(Policy{}).Get(t.Context(), ts.URL+"/loop"); !errors.Is(err, ErrTooManyRedirects) {
		t.Errorf("redirect loop: %v, want ErrTooManyRedirects", err)
	}
}

func gzipBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestBodies(t *testing.T) {
	t.Parallel()
	const limit = 4096
	small := []byte(`{"id":"did:web:example.com"}`)
	exact := bytes.Repeat([]byte("a"), limit)
	bomb := gzipBytes(t, make([]byte, 2<<20)) // 2 MiB of zeros (512 times the limit), ~2 KiB compressed
	if len(bomb) > 8<<10 {
		t.Fatalf("bomb is %d bytes compressed", len(bomb))
	}
	smallBomb := gzipBytes(t, make([]byte, limit+1))
	tests := []struct {
		name    string
		h       http.HandlerFunc
		want    []byte
		wantErr error
	}{
		{"plain", ok(string(small)), small, nil},
		{"exactly the limit", ok(string(exact)), exact, nil},
		{"one byte over with length", ok(string(exact) + "a"), nil, ErrTooLarge},
		{"over the limit chunked", func(w http.ResponseWriter, r *http.Request) {
			for range 10 {
				_, _ = w.Write(exact[:1000])
				w.(http.Flusher).Flush()
			}
		}, nil, ErrTooLarge},
		{"gzip", func(w http.ResponseWriter, r *http.Request) {
			if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
				http.Error(w, "no gzip", http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write(gzipBytes(t, small))
		}, small, nil},
		{"gzip bomb", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write(bomb)
		}, nil, ErrTooLarge},
		{"gzip decoded one byte over", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write(smallBomb)
		}, nil, ErrTooLarge},
		{"corrupt gzip", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write([]byte("not gzip at all"))
		}, nil, ErrContentEncoding},
		{"truncated gzip", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			g := gzipBytes(t, small)
			_, _ = w.Write(g[:len(g)-6])
		}, nil, ErrContentEncoding},
		{"brotli", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "br")
			_, _ = w.Write(small)
		}, nil, ErrContentEncoding},
		{"404", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, nil, ErrStatus},
		{"304 is not success", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotModified) }, nil, ErrStatus},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := newTestServer(t, tt.h)
			c := newC(Policy{AllowPrivate: true, MaxBytes: limit}, WithRootCAs(ts.pool))
			resp, err := c.Get(t.Context(), ts.URL)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Get = %v, want %v", err, tt.wantErr)
			}
			if err == nil && !bytes.Equal(resp.Body, tt.want) {
				t.Fatalf("body = %.60q, want %.60q", resp.Body, tt.want)
			}
		})
	}
}

func TestStatusError(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	_, err := newC(Policy{AllowPrivate: true}, WithRootCAs(ts.pool)).Get(t.Context(), ts.URL)
	var se *StatusError
	if !errors.As(err, &se) || se.Code != http.StatusTeapot || !errors.Is(err, ErrStatus) {
		t.Fatalf("err = %v, want StatusError 418", err)
	}
}

func TestOffline(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, ok("x"))
	var lookups atomic.Int64
	c := newC(Policy{Offline: true, AllowPrivate: true}, WithRootCAs(ts.pool), lookupTo(&lookups, ts.addr.Addr()))
	for _, u := range []string{ts.URL, ts.hostURL("/"), "https://example.org/"} {
		if _, err := c.Get(t.Context(), u); !errors.Is(err, ErrOffline) {
			t.Errorf("Get(%s) = %v, want ErrOffline", u, err)
		}
	}
	if ts.hits.Load() != 0 || lookups.Load() != 0 {
		t.Error("offline client touched the network")
	}
}

func TestTimeout(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	start := time.Now()
	_, err := newC(Policy{AllowPrivate: true, Timeout: 200 * time.Millisecond}, WithRootCAs(ts.pool)).Get(t.Context(), ts.URL)
	if err == nil {
		t.Fatal("no timeout error")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("took %v", d)
	}
}

func TestHeadersAndCacheInfo(t *testing.T) {
	t.Parallel()
	date := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Accept"); got != "application/did+json, application/json" {
			http.Error(w, "accept "+got, http.StatusBadRequest)
			return
		}
		if got := r.Header.Get("User-Agent"); got != "obadge-test" {
			http.Error(w, "ua "+got, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/did+json")
		w.Header().Set("Cache-Control", "public, max-age=60")
		w.Header().Set("Age", "10")
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Expires", date.Add(time.Hour).Format(http.TimeFormat))
		w.Header().Set("Last-Modified", date.Add(-time.Hour).Format(http.TimeFormat))
		_, _ = w.Write([]byte("{}"))
	})
	c := newC(Policy{AllowPrivate: true, UserAgent: "obadge-test"}, WithRootCAs(ts.pool))
	resp, err := c.Get(t.Context(), ts.URL, "application/did+json", "application/json")
	if err != nil {
		t.Fatal(err)
	}
	ci := resp.Cache
	if resp.ContentType != "application/did+json" || ci.ETag != `"v1"` || !ci.HasMaxAge || ci.MaxAge != time.Minute ||
		ci.Age != 10*time.Second || !ci.Expires.Equal(date.Add(time.Hour)) || !ci.LastModified.Equal(date.Add(-time.Hour)) {
		t.Fatalf("response = %+v", resp)
	}
	if ttl, known := ci.TTL(date); !known || ttl != 50*time.Second {
		t.Fatalf("TTL = %v %v, want 50s (max-age wins over Expires, minus Age)", ttl, known)
	}
}

func TestCacheControl(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		header    http.Header
		wantTTL   time.Duration
		wantKnown bool
	}{
		{"none", http.Header{}, 0, false},
		{"max-age", http.Header{"Cache-Control": {"max-age=300"}}, 300 * time.Second, true},
		{"quoted max-age", http.Header{"Cache-Control": {`max-age="300"`}}, 300 * time.Second, true},
		{"no-store", http.Header{"Cache-Control": {"max-age=300, no-store"}}, 0, true},
		{"no-cache", http.Header{"Cache-Control": {"no-cache"}}, 0, true},
		{"invalid max-age is stale", http.Header{"Cache-Control": {"max-age=soon"}}, 0, true},
		{"negative max-age is stale", http.Header{"Cache-Control": {"max-age=-5"}}, 0, true},
		{"conflicting max-age takes the smaller", http.Header{"Cache-Control": {"max-age=600", "max-age=60"}}, 60 * time.Second, true},
		{"huge max-age capped", http.Header{"Cache-Control": {"max-age=99999999999999999999999"}}, maxCacheSeconds * time.Second, true},
		{"expires", http.Header{"Expires": {now.Add(time.Hour).Format(http.TimeFormat)}, "Date": {now.Format(http.TimeFormat)}}, time.Hour, true},
		{"expires in the past", http.Header{"Expires": {now.Add(-time.Hour).Format(http.TimeFormat)}}, 0, true},
		{"invalid expires", http.Header{"Expires": {"0"}}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ttl, known := parseCacheInfo(tt.header).TTL(now)
			if ttl != tt.wantTTL || known != tt.wantKnown {
				t.Fatalf("TTL = %v %v, want %v %v", ttl, known, tt.wantTTL, tt.wantKnown)
			}
		})
	}
}

func TestPolicyDefaults(t *testing.T) {
	t.Parallel()
	p := New(Policy{}).Policy()
	if p.MaxBytes != DefaultMaxBytes || p.Timeout != DefaultTimeout || p.MaxRedirects != DefaultMaxRedirects ||
		p.UserAgent != DefaultUserAgent || p.AllowPrivate || p.AllowHTTP || p.Offline {
		t.Fatalf("defaults = %+v", p)
	}
}
