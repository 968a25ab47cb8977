package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"rsc.io/qr"

	"github.com/obadge/obadge/bake"
	"github.com/obadge/obadge/verifier"
)

// Badge is one issued badge as its public page shows it.
type Badge struct {
	// Token is the page token (the last segment of /badges/{token}): permanent and
	// unguessable. Mount fills it from the URL when empty.
	Token string
	// Credential is the credential exactly as issued: the JSON for "ldp", the compact
	// JWS for "jwt". It is served and baked byte for byte, never re-serialized.
	Credential []byte
	// Format is "ldp" or "jwt"; if empty, it is read from Credential's shape.
	Format string
	// Image is the achievement image (PNG, SVG, JPEG, GIF or WebP). If nil, the image
	// the credential carries as a data: URI is used, else the one it links to over
	// https is shown (and a seal is drawn for baking), else a seal is drawn.
	Image []byte
	// RecipientName is the recipient's display name, if they gave one. Never an email
	// address. If empty, an unhashed name identifier in the credential is shown.
	RecipientName string
	// Evidence lists the evidence the issuer marked public.
	Evidence []Evidence
	// LinkedInOrganizationID is the issuer's LinkedIn organization id (optional); the
	// "Add to LinkedIn" link names the issuer by name without it.
	LinkedInOrganizationID string
	// Hidden badges are answered 404 (the recipient hid it, or the issuer's default).
	Hidden bool
}

// Evidence is one piece of public evidence.
type Evidence struct {
	Name, Description, Narrative string
	// URL links to the evidence (http or https only; other schemes are not linked).
	URL string
}

func (b *Badge) format() string {
	switch b.Format {
	case "ldp", "jwt":
		return b.Format
	}
	if bake.IsCompactJWS(b.Credential) {
		return "jwt"
	}
	return "ldp"
}

// jsonBytes is the JSON representation: the credential itself for ldp, and for jwt
// an EnvelopedVerifiableCredential (VCDM 2.0 §4.13) that carries the JWT unchanged,
// so that what is served as JSON still verifies.
func (b *Badge) jsonBytes() []byte {
	if b.format() != "jwt" {
		return b.Credential
	}
	env, _ := json.Marshal(map[string]any{
		"@context": "https://www.w3.org/ns/credentials/v2",
		"id":       "data:application/vc+jwt," + string(bytes.TrimSpace(b.Credential)),
		"type":     "EnvelopedVerifiableCredential",
	})
	return env
}

// Representations of a badge resource.
const (
	resPage       = ""
	resJSON       = "credential.json"
	resJWT        = "credential.jwt"
	resPNG        = "badge.png"
	resSVG        = "badge.svg"
	resImage      = "image"
	resImagePNG   = "image.png"
	resQR         = "qr.png"
	maxImageBytes = 10 << 20
)

var resources = map[string]bool{resPage: true, resJSON: true, resJWT: true, resPNG: true, resSVG: true, resImage: true, resImagePNG: true, resQR: true}

type badgeRoutes struct {
	h   *Handler
	src BadgeSource
}

func (br *badgeRoutes) route(res string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token := chi.URLParam(r, "token")
		b, err := br.src.Badge(r.Context(), token)
		if err == nil && b == nil {
			err = ErrNotFound
		}
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				br.h.notFound(w, r, res == resPage)
				return
			}
			br.h.log.ErrorContext(r.Context(), "web: badge source", "error", err)
			br.h.failure(w, r, res == resPage)
			return
		}
		if b.Hidden {
			br.h.notFound(w, r, res == resPage)
			return
		}
		if b.Token == "" {
			b.Token = token
		}
		br.h.serveBadge(w, r, b, res)
	}
}

// BadgePage serves the page of b (or its credential, when the Accept header asks for
// JSON or a JWT), for callers that route themselves. A hidden badge is a 404.
func (h *Handler) BadgePage(w http.ResponseWriter, r *http.Request, b *Badge) {
	securityHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if b == nil || b.Hidden {
			h.notFound(w, r, true)
			return
		}
		h.serveBadge(w, r, b, resPage)
	})).ServeHTTP(w, r)
}

func (h *Handler) serveBadge(w http.ResponseWriter, r *http.Request, b *Badge, res string) {
	switch res {
	case resPage:
		h.negotiate(w, r, b)
	case resJSON:
		h.serveCredential(w, r, b, "application/vc+ld+json", true)
	case resJWT:
		if b.format() != "jwt" {
			h.problem(w, r, http.StatusNotFound, "not-found", "Not found", "this badge was issued as JSON-LD with an embedded proof; there is no JWT (see credential.json)")
			return
		}
		h.serveCredential(w, r, b, "application/vc+jwt", true)
	case resPNG:
		h.serveBaked(w, r, b, "png")
	case resSVG:
		h.serveBaked(w, r, b, "svg")
	case resImage:
		h.serveImage(w, r, b)
	case resImagePNG:
		h.serveImagePNG(w, r, b)
	case resQR:
		h.serveQR(w, r, b)
	default:
		h.problem(w, r, http.StatusNotFound, "not-found", "Not found", "no such resource")
	}
}

// offers are the representations of a badge URL in the server's order of
// preference; jwt-only ones are offered only for jwt badges.
var offers = []struct {
	mediaType string
	jwtOnly   bool
}{
	{"text/html", false},
	{"application/xhtml+xml", false},
	{"application/vc+ld+json", false},
	{"application/ld+json", false},
	{"application/vc", false},
	{"application/json", false},
	{"application/vc+jwt", true},
	{"application/jwt", true},
}

// negotiate answers the badge URL with the page or the credential, as Accept asks.
func (h *Handler) negotiate(w http.ResponseWriter, r *http.Request, b *Badge) {
	w.Header().Add("Vary", "Accept")
	jwt := b.format() == "jwt"
	var avail []string
	for _, o := range offers {
		if !o.jwtOnly || jwt {
			avail = append(avail, o.mediaType)
		}
	}
	mt := negotiateType(r.Header.Get("Accept"), avail)
	switch mt {
	case "":
		detail := "this badge is available as text/html, application/vc+ld+json, application/ld+json or application/json"
		if jwt {
			detail += ", application/vc+jwt"
		} else if acceptsJWT(r.Header.Get("Accept")) {
			detail = "this badge was issued as JSON-LD with an embedded proof, not as a JWT; ask for application/vc+ld+json, application/ld+json or application/json"
		}
		h.problem(w, r, http.StatusNotAcceptable, "not-acceptable", "Not acceptable", detail)
	case "text/html", "application/xhtml+xml":
		h.page(w, r, b)
	case "application/vc+jwt", "application/jwt":
		h.serveCredential(w, r, b, mt, false)
	default:
		h.serveCredential(w, r, b, mt, false)
	}
}

func acceptsJWT(accept string) bool {
	return strings.Contains(accept, "application/vc+jwt") || strings.Contains(accept, "application/jwt")
}

// negotiateType picks the offer with the highest quality under the Accept header
// (RFC 9110 §12.5.1: the most specific matching range decides an offer's quality),
// ties going to the earlier offer. An empty header accepts anything. It returns ""
// when nothing offered is acceptable.
func negotiateType(accept string, avail []string) string {
	if strings.TrimSpace(accept) == "" {
		return avail[0]
	}
	type rng struct {
		typ, sub string
		q        float64
	}
	var ranges []rng
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if qs, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(qs, 64); err == nil && f >= 0 && f <= 1 {
				q = f
			}
		}
		t, s, _ := strings.Cut(mt, "/")
		ranges = append(ranges, rng{t, s, q})
	}
	best, bestQ := "", 0.0
	for _, o := range avail {
		ot, os, _ := strings.Cut(o, "/")
		q, spec := 0.0, -1
		for _, rg := range ranges {
			s := -1
			switch {
			case rg.typ == ot && rg.sub == os:
				s = 2
			case rg.typ == ot && rg.sub == "*":
				s = 1
			case rg.typ == "*" && rg.sub == "*":
				s = 0
			}
			if s > spec {
				spec, q = s, rg.q
			}
		}
		if q > bestQ {
			best, bestQ = o, q
		}
	}
	return best
}

// serveCredential writes the credential in the JSON or JWT representation, as an
// attachment for the download links.
func (h *Handler) serveCredential(w http.ResponseWriter, r *http.Request, b *Badge, mt string, download bool) {
	body := b.jsonBytes()
	ext := ".json"
	if strings.HasSuffix(mt, "jwt") {
		body, ext = bytes.TrimSpace(b.Credential), ".jwt"
	}
	hd := w.Header()
	hd.Set("Content-Type", mt)
	hd.Set("Cache-Control", "no-cache")
	// The credential is public wherever its page is: let web verifiers fetch it.
	hd.Set("Access-Control-Allow-Origin", "*")
	if download {
		hd.Set("Content-Disposition", attachment(b, ext))
	}
	_, _ = w.Write(body)
}

// attachment is a Content-Disposition naming a safe file after the achievement.
func attachment(b *Badge, ext string) string {
	return mime.FormatMediaType("attachment", map[string]string{"filename": fileName(b) + ext})
}

// fileName is a lower-case ASCII slug of the achievement name (letters, digits and
// hyphens, at most 60), or "badge".
func fileName(b *Badge) string {
	name := achievementName(b)
	var s strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			s.WriteRune(r)
			dash = false
		default:
			if !dash && s.Len() > 0 {
				s.WriteByte('-')
				dash = true
			}
		}
		if s.Len() >= 60 {
			break
		}
	}
	out := strings.Trim(s.String(), "-")
	if out == "" {
		return "badge"
	}
	return out
}

// achievementName reads the achievement's name from the credential without
// verifying it (for file names and generated images).
func achievementName(b *Badge) string {
	cred := credentialJSON(b)
	var doc struct {
		Name    string `json:"name"`
		Subject struct {
			Achievement struct {
				Name string `json:"name"`
			} `json:"achievement"`
		} `json:"credentialSubject"`
		Issuer json.RawMessage `json:"issuer"`
	}
	_ = json.Unmarshal(cred, &doc)
	if doc.Subject.Achievement.Name != "" {
		return doc.Subject.Achievement.Name
	}
	return doc.Name
}

func issuerName(b *Badge) string {
	var doc struct {
		Issuer struct {
			Name string `json:"name"`
		} `json:"issuer"`
	}
	_ = json.Unmarshal(credentialJSON(b), &doc)
	return doc.Issuer.Name
}

// credentialJSON is the credential JSON: the bytes for ldp, the JWT's vc claim (or
// payload) for jwt, unverified.
func credentialJSON(b *Badge) []byte {
	if b.format() != "jwt" {
		return b.Credential
	}
	parts := strings.Split(string(bytes.TrimSpace(b.Credential)), ".")
	if len(parts) != 3 {
		return nil
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil
	}
	var claims map[string]json.RawMessage
	if json.Unmarshal(payload, &claims) != nil {
		return nil
	}
	if vc, ok := claims["vc"]; ok {
		return vc
	}
	return payload
}

// imageKind sniffs an image's type by its signature; "" when it is none we serve.
func imageKind(img []byte) string {
	switch {
	case bake.IsPNG(img):
		return "image/png"
	case bytes.HasPrefix(img, []byte("\xff\xd8\xff")):
		return "image/jpeg"
	case bytes.HasPrefix(img, []byte("GIF87a")), bytes.HasPrefix(img, []byte("GIF89a")):
		return "image/gif"
	case len(img) > 12 && bytes.Equal(img[:4], []byte("RIFF")) && bytes.Equal(img[8:12], []byte("WEBP")):
		return "image/webp"
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(img, []byte("\xef\xbb\xbf")), " \t\r\n")
	if bytes.HasPrefix(t, []byte("<")) && bytes.Contains(t[:min(len(t), 4096)], []byte("<svg")) {
		return "image/svg+xml"
	}
	return ""
}

// image returns the achievement image bytes and type: Badge.Image, or a data: URI in
// the credential; nil when there are none (the caller draws a seal or links out).
func (b *Badge) image() ([]byte, string) {
	if len(b.Image) > 0 && len(b.Image) <= maxImageBytes {
		if k := imageKind(b.Image); k != "" {
			return b.Image, k
		}
	}
	d := readDetails(credentialJSON(b))
	if img, ok := decodeDataURI(d.ImageURL); ok {
		if k := imageKind(img); k != "" {
			return img, k
		}
	}
	return nil, ""
}

// decodeDataURI decodes a base64 data: URI of an image.
func decodeDataURI(s string) ([]byte, bool) {
	rest, ok := strings.CutPrefix(s, "data:")
	if !ok {
		return nil, false
	}
	meta, data, ok := strings.Cut(rest, ",")
	if !ok || !strings.HasPrefix(meta, "image/") || !strings.HasSuffix(meta, ";base64") || len(data) > maxImageBytes*4/3+4 {
		return nil, false
	}
	b, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return nil, false
	}
	return b, true
}

// bakeSource returns the image to bake for the format: the achievement image when it
// is of that format, else a drawn seal.
func (b *Badge) bakeSource(format string) ([]byte, error) {
	img, kind := b.image()
	switch {
	case format == "png" && kind == "image/png":
		return img, nil
	case format == "svg" && kind == "image/svg+xml":
		return img, nil
	case format == "png":
		return bake.GeneratePNG(achievementName(b), issuerName(b))
	default:
		return bake.GenerateSVG(achievementName(b), issuerName(b)), nil
	}
}

// serveBaked bakes the credential into the image and sends it as an attachment.
func (h *Handler) serveBaked(w http.ResponseWriter, r *http.Request, b *Badge, format string) {
	src, err := b.bakeSource(format)
	var baked []byte
	if err == nil {
		if format == "png" {
			baked, err = bake.BakePNG(src, bytes.TrimSpace(b.Credential))
		} else {
			baked, err = bake.BakeSVG(src, bytes.TrimSpace(b.Credential))
		}
	}
	if err != nil && (errors.Is(err, bake.ErrMalformedImage) || errors.Is(err, bake.ErrForbiddenMarkup) || errors.Is(err, bake.ErrTooLarge)) {
		// The issuer's image cannot carry a credential: bake a drawn seal instead.
		h.log.WarnContext(r.Context(), "web: achievement image cannot be baked; using a drawn seal", "format", format, "error", err)
		if format == "png" {
			if src, err = bake.GeneratePNG(achievementName(b), issuerName(b)); err == nil {
				baked, err = bake.BakePNG(src, bytes.TrimSpace(b.Credential))
			}
		} else {
			baked, err = bake.BakeSVG(bake.GenerateSVG(achievementName(b), issuerName(b)), bytes.TrimSpace(b.Credential))
		}
	}
	if err != nil {
		h.log.ErrorContext(r.Context(), "web: bake badge", "format", format, "error", err)
		h.problem(w, r, http.StatusInternalServerError, "internal", "Internal server error", "the badge image could not be made")
		return
	}
	hd := w.Header()
	if format == "png" {
		hd.Set("Content-Type", "image/png")
	} else {
		hd.Set("Content-Type", "image/svg+xml")
		hd.Set("Content-Security-Policy", svgPolicy)
	}
	hd.Set("Cache-Control", "no-cache")
	hd.Set("Content-Disposition", attachment(b, "."+format))
	_, _ = w.Write(baked)
}

// serveImage sends the achievement image as shown on the page. SVG goes out with a
// script-free policy and as an attachment, so opening it directly runs nothing.
func (h *Handler) serveImage(w http.ResponseWriter, r *http.Request, b *Badge) {
	img, kind := b.image()
	if img == nil {
		img, kind = bake.GenerateSVG(achievementName(b), issuerName(b)), "image/svg+xml"
	}
	hd := w.Header()
	hd.Set("Content-Type", kind)
	hd.Set("Cache-Control", "public, max-age=3600")
	if kind == "image/svg+xml" {
		hd.Set("Content-Security-Policy", svgPolicy)
		hd.Set("Content-Disposition", attachment(b, ".svg"))
	}
	_, _ = w.Write(img)
}

// serveImagePNG sends a PNG for social cards: the achievement image when it is a
// PNG, else a drawn seal (social sites do not show SVG).
func (h *Handler) serveImagePNG(w http.ResponseWriter, r *http.Request, b *Badge) {
	img, kind := b.image()
	if kind != "image/png" {
		var err error
		if img, err = bake.GeneratePNG(achievementName(b), issuerName(b)); err != nil {
			h.problem(w, r, http.StatusInternalServerError, "internal", "Internal server error", "the image could not be drawn")
			return
		}
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(img)
}

// serveQR sends a QR code of the page URL.
func (h *Handler) serveQR(w http.ResponseWriter, r *http.Request, b *Badge) {
	png, err := qrPNG(h.pageURL(r, b))
	if err != nil {
		h.problem(w, r, http.StatusInternalServerError, "internal", "Internal server error", "the QR code could not be made")
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, _ = w.Write(png)
}

// qrPNG encodes text as a QR code (level M: survives a smudged print) with 6-pixel
// modules and the standard quiet zone.
func qrPNG(text string) ([]byte, error) {
	c, err := qr.Encode(text, qr.M)
	if err != nil {
		return nil, err
	}
	c.Scale = 6
	return c.PNG(), nil
}

func (h *Handler) pageURL(r *http.Request, b *Badge) string {
	return h.baseURL(r) + "/badges/" + url.PathEscape(b.Token)
}

// LinkedInURL returns the "Add to profile" link of LinkedIn's certification form for
// a credential: its name, the issuing organization (by LinkedIn id when known, else
// by name), the issue and expiry month, the page URL and the credential id.
func LinkedInURL(name, orgID, orgName string, issued, expires time.Time, pageURL, credentialID string) string {
	esc := func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
	var s strings.Builder
	s.WriteString("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME")
	add := func(k, v string) {
		if v != "" {
			s.WriteString("&" + k + "=" + esc(v))
		}
	}
	add("name", name)
	if orgID != "" {
		add("organizationId", orgID)
	} else {
		add("organizationName", orgName)
	}
	if !issued.IsZero() {
		add("issueYear", strconv.Itoa(issued.UTC().Year()))
		add("issueMonth", strconv.Itoa(int(issued.UTC().Month())))
	}
	if !expires.IsZero() {
		add("expirationYear", strconv.Itoa(expires.UTC().Year()))
		add("expirationMonth", strconv.Itoa(int(expires.UTC().Month())))
	}
	add("certUrl", pageURL)
	add("certId", credentialID)
	return s.String()
}

// verifyBadge runs the verifier on the badge's credential, through the cache.
func (h *Handler) verifyBadge(ctx context.Context, b *Badge) (*verifier.Report, time.Time, error) {
	return h.cache.get(ctx, b.Credential, h.now(), h.ttl, func() (*verifier.Report, error) {
		// The verification outlives a client that goes away: others may be waiting.
		vctx, release, err := h.acquire(context.WithoutCancel(ctx))
		if err != nil {
			return nil, err
		}
		defer release()
		hint := "application/vc+ld+json"
		if b.format() == "jwt" {
			hint = "application/vc+jwt"
		}
		return h.v.Verify(vctx, b.Credential, verifier.VerifyOptions{Hint: hint})
	})
}

// truncate shortens s to at most n runes at a word boundary, with an ellipsis.
func truncate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}
