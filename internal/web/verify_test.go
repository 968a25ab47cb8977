package web_test

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/obadge/obadge/bake"
	"github.com/obadge/obadge/internal/testutil"
	"github.com/obadge/obadge/internal/web"
	"github.com/obadge/obadge/verifier"
)

// verdictLabel returns the verdict word a page shows, or "".
func verdictLabel(body string) string {
	m := regexp.MustCompile(`class="verdict-label"><span[^>]*>[^<]*</span> ([^<]+)</p>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

func TestVerifyForm(t *testing.T) {
	f := newFixture(t)
	rec := get(t, f.router, "/verify", "")
	if rec.Code != 200 {
		t.Fatalf("GET /verify: %d", rec.Code)
	}
	body := rec.Body.String()
	mustContain(t, body, `enctype="multipart/form-data"`, `<label for="file">`, `<label for="credential">`, `<label for="url">`,
		`id="file" name="file" type="file"`, `id="credential" name="credential"`, `id="url" name="url" type="url"`, "<legend>")
}

func TestVerifySubmit(t *testing.T) {
	f := newFixture(t)
	bakedPNG, err := bake.BakePNG(mustGeneratePNG(t), f.ldp)
	if err != nil {
		t.Fatal(err)
	}
	bakedSVG, err := bake.BakeSVG(bake.GenerateSVG("Guided Reading", "State"), f.jwt)
	if err != nil {
		t.Fatal(err)
	}
	revoked, _ := f.src.Badge(t.Context(), "tok-revoked")
	tests := []struct {
		name     string
		fields   map[string]string
		fileName string
		file     []byte
		status   int
		verdict  string
		want     []string
	}{
		{"baked png", nil, "badge.png", bakedPNG, 200, "Verified", []string{"the uploaded file “badge.png”", "Guided Reading Instruction", "State Board of Education", "Awarded to <strong>Ada Lovelace</strong>", "Passed", "Signature"}},
		{"baked svg with a jwt", nil, "badge.svg", bakedSVG, 200, "Verified", []string{"VC-JWT"}},
		{"json file", nil, "badge.json", f.ldp, 200, "Verified", nil},
		{"pasted json", map[string]string{"credential": string(f.ldp)}, "", nil, 200, "Verified", []string{"the pasted credential"}},
		{"pasted jwt", map[string]string{"credential": string(f.jwt)}, "", nil, 200, "Verified", nil},
		{"revoked", map[string]string{"credential": string(revoked.Credential)}, "", nil, 200, "Revoked", []string{"Failed", "Revocation status"}},
		{"junk", map[string]string{"credential": "hello there"}, "", nil, 200, "Not verified", []string{"Readable credential"}},
		{"nothing", nil, "", nil, 400, "", []string{"Please give one credential"}},
		{"empty file field", nil, "", []byte{}, 400, "", []string{"Please give one credential"}},
		{"two at once", map[string]string{"credential": string(f.ldp), "url": "https://example.org/x"}, "", nil, 400, "", []string{"one credential at a time"}},
		// The offline verifier refuses every fetch, and says so.
		{"url offline", map[string]string{"url": "https://example.org/badge.json"}, "", nil, 200, "Not verified", []string{"offline"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := postForm(t, f.router, tt.fields, tt.fileName, tt.file)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d", rec.Code, tt.status)
			}
			body := rec.Body.String()
			if got := verdictLabel(body); got != tt.verdict {
				t.Errorf("verdict %q, want %q", got, tt.verdict)
			}
			mustContain(t, body, tt.want...)
			mustContain(t, body, "<form", `<html lang="en">`)
		})
	}

	// A urlencoded form works too (no JavaScript, curl).
	req := httptest.NewRequest(http.MethodPost, "/verify", strings.NewReader(url.Values{"credential": {string(f.jwt)}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	f.router.ServeHTTP(rec, req)
	if verdictLabel(rec.Body.String()) != "Verified" {
		t.Errorf("urlencoded: %d %s", rec.Code, verdictLabel(rec.Body.String()))
	}
}

// TestVerifyURL: the URL field goes through the verifier's fetch client (here
// allowed to reach loopback over http, as tests need).
func TestVerifyURL(t *testing.T) {
	f := newFixture(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vc+ld+json")
		_, _ = w.Write(f.ldp)
	}))
	defer srv.Close()
	v, err := verifier.Configure(verifier.Config{AllowPrivate: true, AllowHTTP: true, Documents: map[string]json.RawMessage{statusURL: f.iss.statusList(t, statusURL)}})
	if err != nil {
		t.Fatal(err)
	}
	router := newRouter(web.New(web.Options{Verifier: v}), f.src)
	rec := postForm(t, router, map[string]string{"url": srv.URL + "/badge.json"}, "", nil)
	if verdictLabel(rec.Body.String()) != "Verified" {
		t.Fatalf("url: %d %s", rec.Code, rec.Body)
	}
	mustContain(t, rec.Body.String(), "Result for "+srv.URL+"/badge.json")

	// The default policy refuses loopback, with a readable reason.
	v, _ = verifier.Configure(verifier.Config{})
	router = newRouter(web.New(web.Options{Verifier: v}), f.src)
	rec = postForm(t, router, map[string]string{"url": srv.URL + "/badge.json"}, "", nil)
	if rec.Code != 200 || verdictLabel(rec.Body.String()) != "Not verified" {
		t.Fatalf("loopback url: %d %s", rec.Code, verdictLabel(rec.Body.String()))
	}
}

func mustGeneratePNG(t testing.TB) []byte {
	t.Helper()
	b, err := bake.GeneratePNG("Guided Reading", "State Board of Education")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHostileUploads: every hostile upload gets a readable page (never a 500), and
// no uploaded SVG is ever written into a response.
func TestHostileUploads(t *testing.T) {
	f := newFixture(t)

	// A PNG that would inflate to 10 GB if anyone decoded its pixels.
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	zero := make([]byte, 1<<20)
	for range 16 {
		_, _ = zw.Write(zero)
	}
	_ = zw.Close()
	bomb := append([]byte(pngSig), ihdr(100000, 100000)...)
	bomb = append(bomb, pngChunk("IDAT", z.Bytes())...)
	bomb = append(bomb, pngChunk("IEND", nil)...)

	// A credential chunk whose CRC is wrong.
	good, _ := bake.BakePNG(mustGeneratePNG(t), f.ldp)
	badCRC := bytes.Clone(good)
	badCRC[len(badCRC)-13] ^= 0xff // inside the iTXt chunk's CRC, just before IEND
	truncated := good[:len(good)/2]
	// A chunk claiming 2 GB.
	giantChunk := append([]byte(pngSig), ihdr(1, 1)...)
	giantChunk = append(giantChunk, 0x7f, 0xff, 0xff, 0xff, 'i', 'T', 'X', 't', 1, 2, 3)

	huge := make([]byte, 11<<20)
	copy(huge, good)

	entity := []byte(`<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>` +
		`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential><![CDATA[&lol2;]]></openbadges:credential></svg>`)
	xxe := []byte(`<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&xxe;</svg>`)
	script, err := bake.BakeSVG([]byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert('upload-xss')"><script>alert('upload-xss')</script><rect width="1" height="1"/></svg>`), f.ldp)
	if err != nil {
		t.Fatal(err)
	}
	scriptNoCred := []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert('upload-xss')</script></svg>`)

	tests := []struct {
		name    string
		file    []byte
		status  int
		verdict string
	}{
		{"huge png", huge, http.StatusRequestEntityTooLarge, ""},
		{"decompression bomb", bomb, 200, "Not verified"},
		{"bad crc", badCRC, 200, "Not verified"},
		{"truncated png", truncated, 200, "Not verified"},
		{"giant chunk", giantChunk, 200, "Not verified"},
		{"svg entity", entity, 200, "Not verified"},
		{"svg xxe", xxe, 200, "Not verified"},
		{"svg with script and a credential", script, 200, "Verified"},
		{"svg with script", scriptNoCred, 200, "Not verified"},
		{"binary junk", []byte("\x00\x01\x02\xff\xfe"), 200, "Not verified"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "upload.png"
			if bytes.Contains(tt.file[:min(len(tt.file), 64)], []byte("<")) {
				name = "upload.svg"
			}
			rec := postForm(t, f.router, nil, name, tt.file)
			body := rec.Body.String()
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d", rec.Code, tt.status)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q: not a readable page", ct)
			}
			if got := verdictLabel(body); got != tt.verdict {
				t.Errorf("verdict %q, want %q", got, tt.verdict)
			}
			if tt.status != 200 {
				mustContain(t, body, `role="alert"`, "too large")
			}
			for _, bad := range []string{"<svg", "upload-xss", "ENTITY", "/etc/passwd\">", "<!DOCTYPE svg"} {
				if strings.Contains(body, bad) {
					t.Errorf("the response contains %q from the upload", bad)
				}
			}
		})
	}
}

// TestOneEdTechBakedFixtures: the 1EdTech validator's baked PNGs, uploaded.
func TestOneEdTechBakedFixtures(t *testing.T) {
	const issuer = "https://example.com/issuers/876543"
	const key = "z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x"
	doc, _ := json.Marshal(map[string]any{
		"@context":           []string{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"},
		"id":                 issuer,
		"verificationMethod": []map[string]string{{"id": issuer + "#" + key, "type": "Multikey", "controller": issuer, "publicKeyMultibase": key}},
		"assertionMethod":    []string{issuer + "#" + key},
	})
	v := offlineVerifier(t, map[string]json.RawMessage{issuer: doc})
	router := newRouter(web.New(web.Options{Verifier: v}), &fakeSource{})
	for _, tc := range []struct {
		file string
		want []string
	}{
		// The JWT fixture is signed with a key carried in its own header: verified, with
		// the issuer-key warning shown in words.
		{"simple-json.png", []string{"Passed"}},
		{"simple-jwt.png", []string{"Warning", "Issuer&#39;s key"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			png := testutil.ReadShared(t, "examples", "1edtech-validator-ob30", tc.file)
			rec := postForm(t, router, nil, tc.file, png)
			if got := verdictLabel(rec.Body.String()); rec.Code != 200 || got != "Verified" {
				t.Fatalf("%s: %d %q", tc.file, rec.Code, got)
			}
			mustContain(t, rec.Body.String(), tc.want...)
		})
	}
}
