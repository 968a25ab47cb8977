package web_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/obadge/obadge/internal/web"
	"github.com/obadge/obadge/keys"
	"github.com/obadge/obadge/proof/dataintegrity"
	"github.com/obadge/obadge/proof/vcjwt"
	"github.com/obadge/obadge/statuslist"
	"github.com/obadge/obadge/verifier"
)

// testIssuer is a did:key issuer: its key resolves with no network.
type testIssuer struct {
	did    string
	signer keys.Signer
}

func newTestIssuer(t testing.TB) *testIssuer {
	t.Helper()
	s, err := keys.Generate(keys.AlgEdDSA, "")
	if err != nil {
		t.Fatal(err)
	}
	did, vm, err := keys.DIDKey(s.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	return &testIssuer{did: did, signer: keys.WithKeyID(s, vm)}
}

// cred describes a test credential.
type cred struct {
	ID         string
	Name       string
	Recipient  string // an unhashed name identifier
	ValidFrom  string
	ValidUntil string
	ImageURI   string // achievement image id (a data: URI or https URL)
	StatusURL  string // a BitstringStatusListEntry when set
	StatusIdx  int
}

func (c cred) withDefaults() cred {
	if c.ID == "" {
		c.ID = "urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10001"
	}
	if c.Name == "" {
		c.Name = "Guided Reading Instruction"
	}
	if c.ValidFrom == "" {
		c.ValidFrom = "2026-01-15T00:00:00Z"
	}
	return c
}

// json returns the unsigned credential.
func (c cred) json(issuerID string) []byte {
	c = c.withDefaults()
	ach := map[string]any{
		"id":               "https://badges.example.gov/issuers/state/achievements/guided-reading",
		"type":             []string{"Achievement"},
		"name":             c.Name,
		"achievementType":  "Certificate",
		"description":      "Leads small-group guided reading with levelled texts & running records.",
		"criteria":         map[string]any{"narrative": "Submitted a lesson video scored 3 or higher on every rubric row.", "id": "https://badges.example.gov/criteria/guided-reading"},
		"creditsAvailable": 1.5,
		"alignment": []map[string]any{{
			"type": []string{"Alignment"}, "targetName": "Reading Foundations RF.2.4", "targetUrl": "https://standards.example.gov/rf-2-4",
			"targetFramework": "State ELA Standards", "targetCode": "RF.2.4",
		}},
	}
	if c.ImageURI != "" {
		ach["image"] = map[string]any{"id": c.ImageURI, "type": "Image", "caption": "Guided Reading seal"}
	}
	subject := map[string]any{
		"id":          "did:example:teacher-42",
		"type":        []string{"AchievementSubject"},
		"achievement": ach,
	}
	if c.Recipient != "" {
		subject["identifier"] = []map[string]any{{"type": "IdentityObject", "identityHash": c.Recipient, "identityType": "name", "hashed": false}}
	}
	doc := map[string]any{
		"@context":          []string{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":                c.ID,
		"type":              []string{"VerifiableCredential", "OpenBadgeCredential"},
		"name":              c.Name,
		"issuer":            map[string]any{"id": issuerID, "type": []string{"Profile"}, "name": "State Board of Education", "url": "https://education.example.gov/"},
		"validFrom":         c.ValidFrom,
		"credentialSubject": subject,
	}
	if c.ValidUntil != "" {
		doc["validUntil"] = c.ValidUntil
	}
	if c.StatusURL != "" {
		doc["credentialStatus"] = map[string]any{
			"id": fmt.Sprintf("%s#%d", c.StatusURL, c.StatusIdx), "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
			"statusListIndex": fmt.Sprint(c.StatusIdx), "statusListCredential": c.StatusURL,
		}
	}
	b, _ := json.MarshalIndent(doc, "", "  ")
	return b
}

var created = time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)

func (i *testIssuer) ldp(t testing.TB, c cred) []byte {
	t.Helper()
	signed, err := dataintegrity.Sign(context.Background(), c.json(i.did), i.signer, dataintegrity.SignOptions{Created: created})
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

func (i *testIssuer) jwt(t testing.TB, c cred) []byte {
	t.Helper()
	tok, err := vcjwt.Sign(c.json(i.did), i.signer, vcjwt.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return []byte(tok)
}

// statusList returns a signed revocation BitstringStatusListCredential at listURL
// with the given indexes set.
func (i *testIssuer) statusList(t testing.TB, listURL string, revoked ...int) []byte {
	t.Helper()
	bits := make([]byte, statuslist.MinEntries/8)
	for _, n := range revoked {
		if err := statuslist.Set(bits, n, 1, 1); err != nil {
			t.Fatal(err)
		}
	}
	enc, err := statuslist.Encode(bits)
	if err != nil {
		t.Fatal(err)
	}
	list := fmt.Sprintf(`{"@context":["https://www.w3.org/ns/credentials/v2"],"id":%q,"type":["VerifiableCredential","BitstringStatusListCredential"],"issuer":%q,"validFrom":"2026-01-01T00:00:00Z","credentialSubject":{"id":"%s#list","type":"BitstringStatusList","statusPurpose":"revocation","encodedList":%q}}`,
		listURL, i.did, listURL, enc)
	signed, err := dataintegrity.Sign(context.Background(), []byte(list), i.signer, dataintegrity.SignOptions{Created: created})
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

// fakeSource is an in-memory BadgeSource.
type fakeSource struct {
	mu     sync.Mutex
	badges map[string]*web.Badge
	err    error
}

func (f *fakeSource) Badge(ctx context.Context, token string) (*web.Badge, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	b, ok := f.badges[token]
	if !ok {
		return nil, fmt.Errorf("badge %q: %w", token, web.ErrNotFound)
	}
	cp := *b
	return &cp, nil
}

func (f *fakeSource) put(token string, b *web.Badge) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.badges == nil {
		f.badges = map[string]*web.Badge{}
	}
	f.badges[token] = b
}

// clock is a settable clock safe for concurrent use.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock    { c := &clock{}; c.ns.Store(t.UnixNano()); return c }
func (c *clock) Now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) Add(d time.Duration) { c.ns.Add(int64(d)) }

func offlineVerifier(t testing.TB, docs map[string]json.RawMessage) *verifier.Verifier {
	t.Helper()
	v, err := verifier.Configure(verifier.Config{Offline: true, Documents: docs})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// newServer mounts h over src on a chi router.
func newRouter(h *web.Handler, src web.BadgeSource) http.Handler {
	r := chi.NewRouter()
	h.Mount(r, src)
	return r
}

func get(t testing.TB, h http.Handler, path, accept string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// form builds a multipart /verify submission.
func form(t testing.TB, fields map[string]string, fileName string, file []byte) (io.Reader, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if fileName != "" || file != nil {
		fw, err := mw.CreateFormFile("file", fileName)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(file)
	}
	_ = mw.Close()
	return &b, mw.FormDataContentType()
}

func postForm(t testing.TB, h http.Handler, fields map[string]string, fileName string, file []byte) *httptest.ResponseRecorder {
	t.Helper()
	body, ct := form(t, fields, fileName, file)
	req := httptest.NewRequest(http.MethodPost, "/verify", body)
	req.Header.Set("Content-Type", ct)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// pngChunk encodes one PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	var b bytes.Buffer
	_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
	b.WriteString(typ)
	b.Write(data)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	return b.Bytes()
}

func ihdr(w, h uint32) []byte {
	d := make([]byte, 13)
	binary.BigEndian.PutUint32(d[0:], w)
	binary.BigEndian.PutUint32(d[4:], h)
	d[8], d[9] = 8, 0 // 8-bit greyscale
	return pngChunk("IHDR", d)
}

const pngSig = "\x89PNG\r\n\x1a\n"

// mustContain fails unless body holds every want.
func mustContain(t testing.TB, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("response lacks %q", w)
		}
	}
}
