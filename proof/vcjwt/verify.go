package vcjwt

import (
	"bytes"
	"context"
	"crypto"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/obadge/obadge/proof"
)

// allowedHeaders are the only JOSE header members OB permits.
var allowedHeaders = map[string]bool{"alg": true, "kid": true, "jwk": true, "typ": true}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", proof.ErrMalformedProof, fmt.Sprintf(format, args...))
}

func mismatch(format string, args ...any) error {
	return fmt.Errorf("%w: %s", proof.ErrClaimMismatch, fmt.Sprintf(format, args...))
}

func notAuthorized(format string, args ...any) error {
	return fmt.Errorf("%w: %s", proof.ErrKeyNotAuthorized, fmt.Sprintf(format, args...))
}

// header is the decoded JOSE header.
type header struct {
	alg, kid string
	jwk      crypto.PublicKey // nil without a jwk header
}

// Verify checks a compact VC-JWT as OB 3.0 profiles it and returns the credential it
// carries; see the package doc for every step. Errors wrap the proof sentinels. When
// the signature verified but a claim disagrees with the credential, the Result is
// returned with the error (wrapping proof.ErrClaimMismatch).
func Verify(ctx context.Context, token string, opts VerifyOptions) (*Result, error) {
	limit := opts.MaxTokenBytes
	if limit <= 0 {
		limit = DefaultMaxTokenBytes
	}
	if len(token) > limit {
		return nil, malformed("token of %d bytes exceeds the %d-byte limit", len(token), limit)
	}
	token = strings.Trim(token, " \t\r\n")
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, malformed("compact JWS must have 3 parts, got %d", len(parts))
	}
	rawHeader, err := decodePart(parts[0], "header")
	if err != nil {
		return nil, err
	}
	hdr, err := parseHeader(rawHeader) // first, so alg none is refused as such
	if err != nil {
		return nil, err
	}
	payload, err := decodePart(parts[1], "payload")
	if err != nil {
		return nil, err
	}
	if _, err := decodePart(parts[2], "signature"); err != nil {
		return nil, err
	}

	if !utf8.Valid(payload) {
		return nil, malformed("payload is not UTF-8")
	}
	pobj, err := parseObject(payload)
	if err != nil {
		return nil, malformed("payload: %v", err)
	}
	version, credRaw, cobj, err := credentialOf(pobj)
	if err != nil {
		return nil, err
	}
	// Only the issuer id is read before the signature is checked: the key must be
	// bound to it before anything is resolved.
	issuerRaw, _ := cobj.get("issuer")
	issuer, ok := idOf(issuerRaw)
	if !ok || issuer == "" {
		return nil, mismatch("the credential has no issuer id to bind the key to")
	}

	res := &Result{Version: version, Alg: hdr.alg, KeyID: hdr.kid}
	key, err := resolveKey(ctx, hdr, issuer, opts.Resolver, res)
	if err != nil {
		return nil, err
	}
	if err := checkKeyForAlg(hdr.alg, key); err != nil {
		return nil, err
	}
	jalg, _ := signatureAlgorithm(hdr.alg) // parseHeader admitted only these
	verified, err := jws.Verify([]byte(token), jws.WithKey(jalg, key))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", proof.ErrInvalidSignature, err)
	}
	if !bytes.Equal(verified, payload) { // cannot happen unless jwx decodes differently
		return nil, malformed("payload decoded differently by jwx")
	}

	if version == Version1 {
		res.Credential = bytes.Clone(credRaw)
	} else {
		res.Credential = withoutRegisteredClaims(pobj)
	}
	cf, err := credentialFields(cobj, version)
	if err != nil {
		return res, mismatch("%v", err)
	}
	if err := checkClaims(pobj, cf, opts.RequireSubject, res); err != nil {
		if !errors.Is(err, proof.ErrClaimMismatch) {
			return nil, err
		}
		return res, err
	}
	return res, nil
}

// decodePart decodes one base64url part strictly: no padding, no other alphabet, no
// stray bits.
func decodePart(s, what string) ([]byte, error) {
	if s == "" {
		return nil, malformed("empty %s", what)
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, malformed("%s is not base64url: %v", what, err)
	}
	return b, nil
}

func parseHeader(raw []byte) (*header, error) {
	if !utf8.Valid(raw) {
		return nil, malformed("header is not UTF-8")
	}
	obj, err := parseObject(raw)
	if err != nil {
		return nil, malformed("header: %v", err)
	}
	for _, m := range obj.members {
		if !allowedHeaders[m.name] {
			return nil, malformed("header member %q is not allowed (OB allows only alg, kid, jwk, typ)", m.name)
		}
	}
	h := &header{}
	algRaw, ok := obj.get("alg")
	if !ok {
		return nil, malformed("header has no alg")
	}
	if h.alg, ok = asString(algRaw); !ok {
		return nil, malformed("alg is not a string")
	}
	if _, ok := signatureAlgorithm(h.alg); !ok {
		return nil, fmt.Errorf("%w: alg %q (accepted: EdDSA, ES256, RS256)", proof.ErrAlgorithmRefused, h.alg)
	}
	if raw, ok := obj.get("typ"); ok {
		typ, ok := asString(raw)
		if !ok || !strings.EqualFold(typ, "JWT") {
			return nil, malformed("typ must be \"JWT\", got %s", raw)
		}
	}
	if raw, ok := obj.get("kid"); ok {
		if h.kid, ok = asString(raw); !ok || h.kid == "" {
			return nil, malformed("kid must be a non-empty string")
		}
	}
	if raw, ok := obj.get("jwk"); ok {
		if len(raw) == 0 || raw[0] != '{' {
			return nil, malformed("jwk is not an object")
		}
		if h.jwk, err = publicKeyFromJWK(raw); err != nil {
			return nil, err
		}
	}
	if h.kid == "" && h.jwk == nil {
		return nil, malformed("header has neither kid nor jwk")
	}
	return h, nil
}

// credentialOf finds the credential in the payload: the vc claim (VCDM 1.1) or the
// payload itself (VCDM 2.0), and checks @context[0] agrees with that form.
func credentialOf(pobj *object) (version string, raw []byte, cobj *object, err error) {
	if vc, ok := pobj.get("vc"); ok {
		cobj, err := parseObject(vc)
		if err != nil {
			return "", nil, nil, malformed("vc claim: %v", err)
		}
		ctxRaw, _ := cobj.get("@context")
		if c, _ := firstContext(ctxRaw); c != ContextV1 {
			return "", nil, nil, mismatch("vc claim carries @context[0] %q, want %q", c, ContextV1)
		}
		return Version1, vc, cobj, nil
	}
	ctxRaw, _ := pobj.get("@context")
	if c, _ := firstContext(ctxRaw); c != ContextV2 {
		return "", nil, nil, mismatch("payload without vc claim has @context[0] %q, want %q", c, ContextV2)
	}
	return Version2, nil, pobj, nil
}

// fields are the credential members the claims are compared with.
type fields struct {
	id, issuer            string
	validFrom, validUntil time.Time // issuanceDate/expirationDate for VCDM 1.1
	subjects              []string  // credentialSubject ids
}

func credentialFields(o *object, version string) (*fields, error) {
	f := &fields{}
	if raw, ok := o.get("id"); ok {
		if f.id, ok = asString(raw); !ok {
			return nil, errors.New("credential id is not a string")
		}
	}
	if raw, ok := o.get("issuer"); ok {
		if f.issuer, ok = idOf(raw); !ok {
			return nil, errors.New("issuer is neither a string nor an object with a string id")
		}
	}
	from, until := "validFrom", "validUntil"
	if version == Version1 {
		from, until = "issuanceDate", "expirationDate"
	}
	for _, d := range []struct {
		name string
		dst  *time.Time
	}{{from, &f.validFrom}, {until, &f.validUntil}} {
		raw, ok := o.get(d.name)
		if !ok {
			continue
		}
		s, ok := asString(raw)
		if !ok {
			return nil, fmt.Errorf("%s is not a string", d.name)
		}
		t, err := parseDateTime(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.name, err)
		}
		*d.dst = t
	}
	if raw, ok := o.get("credentialSubject"); ok {
		ids, err := subjectIDs(raw)
		if err != nil {
			return nil, err
		}
		f.subjects = ids
	}
	return f, nil
}

// resolveKey obtains the verification key and binds it to the issuer, filling
// res.Method and res.SelfAssertedKey.
func resolveKey(ctx context.Context, h *header, issuer string, r proof.MethodResolver, res *Result) (crypto.PublicKey, error) {
	if h.kid == "" {
		return embeddedKey(h.jwk, issuer, res)
	}
	isDID, err := checkKidBinding(h.kid, issuer)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, fmt.Errorf("%w: kid %q but no resolver configured", proof.ErrKeyResolution, h.kid)
	}
	m, err := r.ResolveMethod(ctx, h.kid, proof.AssertionMethod)
	if err != nil {
		if errors.Is(err, proof.ErrKeyResolution) || errors.Is(err, proof.ErrKeyNotAuthorized) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %w", proof.ErrKeyResolution, err)
	}
	if m == nil || m.PublicKey == nil {
		return nil, fmt.Errorf("%w: resolver returned no key for %q", proof.ErrKeyResolution, h.kid)
	}
	if m.Controller != issuer && (isDID || m.Controller != "") {
		return nil, notAuthorized("method %q is controlled by %q, not by the issuer %q", h.kid, m.Controller, issuer)
	}
	if h.jwk != nil && !sameKey(h.jwk, m.PublicKey) {
		return nil, notAuthorized("jwk header is not the key kid %q names", h.kid)
	}
	res.Method = m
	return m.PublicKey, nil
}

// embeddedKey handles a jwk-only token: bound when the issuer DID encodes the key,
// self-asserted for any other issuer.
func embeddedKey(key crypto.PublicKey, issuer string, res *Result) (crypto.PublicKey, error) {
	didKey, methodID, isKeyDID, err := keyFromDID(issuer)
	if err != nil {
		return nil, notAuthorized("issuer %q: %v", issuer, err)
	}
	if isKeyDID {
		if !sameKey(key, didKey) {
			return nil, notAuthorized("jwk header is not the key the issuer %q encodes", issuer)
		}
		res.Method = &proof.VerificationMethod{ID: methodID, Type: "JsonWebKey", Controller: issuer, PublicKey: key}
		return key, nil
	}
	res.SelfAssertedKey = true
	res.Method = &proof.VerificationMethod{Type: "JsonWebKey", PublicKey: key}
	return key, nil
}

func sameKey(a, b crypto.PublicKey) bool {
	eq, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && eq.Equal(b)
}

// checkKidBinding refuses, before anything is fetched, a kid that cannot belong to the
// issuer: a DID URL whose DID is not the issuer, or a URL of another origin.
func checkKidBinding(kid, issuer string) (isDID bool, err error) {
	if strings.HasPrefix(kid, "did:") {
		did := kid
		if i := strings.IndexAny(did, "/?#"); i >= 0 {
			did = did[:i]
		}
		if did != issuer {
			return true, notAuthorized("kid %q belongs to %q, not to the issuer %q", kid, did, issuer)
		}
		return true, nil
	}
	ko, err := origin(kid)
	if err != nil {
		return false, fmt.Errorf("%w: kid %q is neither a DID URL nor an http(s) URL", proof.ErrKeyResolution, kid)
	}
	iso, err := origin(issuer)
	if err != nil || iso != ko {
		return false, notAuthorized("kid %q is not on the issuer's origin (%q)", kid, issuer)
	}
	return false, nil
}

// origin returns scheme://host:port of an absolute http(s) URL, lower-cased, with the
// default port made explicit.
func origin(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil {
		return "", err
	}
	scheme := strings.ToLower(u.Scheme)
	if (scheme != "https" && scheme != "http") || u.Hostname() == "" {
		return "", errors.New("not an absolute http(s) URL")
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"https": "443", "http": "80"}[scheme]
	}
	return scheme + "://" + strings.ToLower(u.Hostname()) + ":" + port, nil
}

// withoutRegisteredClaims rebuilds the payload object without the JWT registered
// claims, every other member with its exact bytes and in order.
func withoutRegisteredClaims(o *object) []byte {
	out := make([]byte, 0, 1024)
	out = append(out, '{')
	first := true
	for _, m := range o.members {
		if registeredClaims[m.name] {
			continue
		}
		if !first {
			out = append(out, ',')
		}
		first = false
		out = append(out, m.key...)
		out = append(out, ':')
		out = append(out, m.value...)
	}
	return append(out, '}')
}

// checkClaims compares the JWT claims with the credential and records nbf/exp in res.
// A missing sub is looked at last, so that it is only ever flagged (or, with
// requireSub, reported) when nothing else is wrong.
func checkClaims(p *object, cf *fields, requireSub bool, res *Result) error {
	str := func(name string) (string, bool, error) {
		raw, ok := p.get(name)
		if !ok {
			return "", false, nil
		}
		s, ok := asString(raw)
		if !ok {
			return "", true, malformed("claim %s is not a string", name)
		}
		return s, true, nil
	}
	date := func(name string) (int64, bool, error) {
		raw, ok := p.get(name)
		if !ok {
			return 0, false, nil
		}
		n, err := numericDate(raw)
		if err != nil {
			return 0, true, malformed("claim %s: %v", name, err)
		}
		return n, true, nil
	}

	nbf, hasNbf, err := date("nbf")
	if err != nil {
		return err
	}
	exp, hasExp, err := date("exp")
	if err != nil {
		return err
	}
	if hasNbf {
		res.NotBefore = time.Unix(nbf, 0).UTC()
	}
	if hasExp {
		res.Expires = time.Unix(exp, 0).UTC()
	}

	iss, hasIss, err := str("iss")
	if err != nil {
		return err
	}
	if !hasIss || iss != cf.issuer {
		return mismatch("iss %q is not the issuer id %q", iss, cf.issuer)
	}
	jti, hasJti, err := str("jti")
	if err != nil {
		return err
	}
	if cf.id == "" {
		return mismatch("the credential has no id")
	}
	if !hasJti || jti != cf.id {
		return mismatch("jti %q is not the credential id %q", jti, cf.id)
	}
	from, until := "validFrom", "validUntil"
	if res.Version == Version1 {
		from, until = "issuanceDate", "expirationDate"
	}
	if !hasNbf {
		return mismatch("nbf is required")
	}
	if cf.validFrom.IsZero() || cf.validFrom.Unix() != nbf {
		return mismatch("nbf %d is not %s (%v)", nbf, from, cf.validFrom)
	}
	switch {
	case hasExp && cf.validUntil.IsZero():
		return mismatch("exp present but the credential has no %s", until)
	case !hasExp && !cf.validUntil.IsZero():
		return mismatch("%s present but the token has no exp", until)
	case hasExp && cf.validUntil.Unix() != exp:
		return mismatch("exp %d is not %s (%v)", exp, until, cf.validUntil)
	case hasExp && exp <= nbf:
		return mismatch("exp %d is not after nbf %d", exp, nbf)
	}
	sub, hasSub, err := str("sub")
	if err != nil {
		return err
	}
	if hasSub && !slices.Contains(cf.subjects, sub) {
		return mismatch("sub %q is not a credentialSubject id %q", sub, cf.subjects)
	}
	if !hasSub && len(cf.subjects) > 0 {
		if requireSub {
			return ErrSubjectClaimMissing
		}
		res.SubjectClaimMissing = true
	}
	return nil
}
