package keys_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"sync"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/obadge/obadge/keys"
)

// verify checks sig over msg with pub the way each algorithm's verifier does.
func verify(t *testing.T, alg string, pub crypto.PublicKey, msg, sig []byte) bool {
	t.Helper()
	digest := sha256.Sum256(msg)
	switch alg {
	case keys.AlgEdDSA:
		return ed25519.Verify(pub.(ed25519.PublicKey), msg, sig)
	case keys.AlgES256:
		return ecdsa.VerifyASN1(pub.(*ecdsa.PublicKey), digest[:], sig)
	case keys.AlgRS256:
		return rsa.VerifyPKCS1v15(pub.(*rsa.PublicKey), crypto.SHA256, digest[:], sig) == nil
	}
	t.Fatalf("unknown alg %q", alg)
	return false
}

// signMsg signs msg the way a JOSE library calls the Signer for alg.
func signMsg(s keys.Signer, msg []byte) ([]byte, error) {
	if s.Algorithm() == keys.AlgEdDSA {
		return s.Sign(rand.Reader, msg, crypto.Hash(0))
	}
	d := sha256.Sum256(msg)
	return s.Sign(rand.Reader, d[:], crypto.SHA256)
}

// opaque is a crypto.Signer whose key is not visible, like an HSM handle.
type opaque struct{ crypto.Signer }

func TestGenerate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		alg     string
		wantAlg string
		wantErr error
	}{
		{alg: "", wantAlg: keys.AlgEdDSA},
		{alg: keys.AlgEdDSA, wantAlg: keys.AlgEdDSA},
		{alg: keys.AlgES256, wantAlg: keys.AlgES256},
		{alg: keys.AlgRS256, wantAlg: keys.AlgRS256},
		{alg: "HS256", wantErr: keys.ErrUnsupportedKey},
		{alg: "ES384", wantErr: keys.ErrUnsupportedKey},
		{alg: "none", wantErr: keys.ErrUnsupportedKey},
	}
	for _, tt := range tests {
		t.Run("alg="+tt.alg, func(t *testing.T) {
			t.Parallel()
			s, err := keys.Generate(tt.alg, "did:web:example.org#key-1")
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Generate(%q) error = %v, want %v", tt.alg, err, tt.wantErr)
			}
			if tt.wantErr != nil {
				return
			}
			if s.Algorithm() != tt.wantAlg || s.KeyID() != "did:web:example.org#key-1" {
				t.Fatalf("got alg %q kid %q", s.Algorithm(), s.KeyID())
			}
			if got, _ := keys.PublicKeyAlgorithm(s.Public()); got != tt.wantAlg {
				t.Fatalf("PublicKeyAlgorithm(Public()) = %q", got)
			}
			if tt.wantAlg == keys.AlgRS256 {
				if bits := s.Public().(*rsa.PublicKey).N.BitLen(); bits != keys.GenerateRSABits {
					t.Fatalf("RSA key of %d bits", bits)
				}
			}
			msg := []byte("obadge test message")
			sig, err := signMsg(s, msg)
			if err != nil {
				t.Fatal(err)
			}
			if !verify(t, tt.wantAlg, s.Public(), msg, sig) {
				t.Fatal("signature does not verify")
			}
			if verify(t, tt.wantAlg, s.Public(), []byte("other message"), sig) {
				t.Fatal("signature verifies over a different message")
			}
		})
	}
}

func TestNewSigner(t *testing.T) {
	t.Parallel()
	rsaStrong, rsaWeak := rsaKeys(t)
	_, edPriv, _ := ed25519.GenerateKey(rand.Reader)
	_, otherEd, _ := ed25519.GenerateKey(rand.Reader)
	mismatched := append(bytes.Clone(edPriv[:32]), otherEd[32:]...)
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecMismatch := *p256Key(t)
	ecMismatch.PublicKey = p256Key(t).PublicKey
	badRSA := *rsaStrong
	badRSA.D = new(big.Int).Add(rsaStrong.D, big.NewInt(2))
	tests := []struct {
		name    string
		priv    crypto.Signer
		wantAlg string
		wantErr error
	}{
		{name: "ed25519", priv: edPriv, wantAlg: keys.AlgEdDSA},
		{name: "*ed25519", priv: &edPriv, wantAlg: keys.AlgEdDSA},
		{name: "p256", priv: p256Key(t), wantAlg: keys.AlgES256},
		{name: "rsa2048", priv: rsaStrong, wantAlg: keys.AlgRS256},
		{name: "opaque ed25519", priv: opaque{edPriv}, wantAlg: keys.AlgEdDSA},
		{name: "opaque rsa", priv: opaque{rsaStrong}, wantAlg: keys.AlgRS256},
		{name: "nil", priv: nil, wantErr: keys.ErrInvalidKey},
		{name: "nil ecdsa", priv: (*ecdsa.PrivateKey)(nil), wantErr: keys.ErrInvalidKey},
		{name: "short ed25519", priv: edPriv[:40], wantErr: keys.ErrInvalidKey},
		{name: "ed25519 public half mismatch", priv: ed25519.PrivateKey(mismatched), wantErr: keys.ErrInvalidKey},
		{name: "p256 public key of another scalar", priv: &ecMismatch, wantErr: keys.ErrInvalidKey},
		{name: "p384", priv: p384, wantErr: keys.ErrUnsupportedKey},
		{name: "opaque p384", priv: opaque{p384}, wantErr: keys.ErrUnsupportedKey},
		{name: "rsa1024", priv: rsaWeak, wantErr: keys.ErrWeakKey},
		{name: "opaque rsa1024", priv: opaque{rsaWeak}, wantErr: keys.ErrInvalidKey},
		{name: "rsa inconsistent", priv: &badRSA, wantErr: keys.ErrInvalidKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := keys.NewSigner(tt.priv, "kid-1")
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("NewSigner error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil {
				if s != nil {
					t.Fatal("non-nil Signer with an error")
				}
				return
			}
			if s.Algorithm() != tt.wantAlg || s.KeyID() != "kid-1" {
				t.Fatalf("alg %q kid %q", s.Algorithm(), s.KeyID())
			}
			msg := []byte("hello")
			sig, err := signMsg(s, msg)
			if err != nil {
				t.Fatal(err)
			}
			if !verify(t, tt.wantAlg, tt.priv.Public(), msg, sig) {
				t.Fatal("signature does not verify under the original public key")
			}
		})
	}
}

func TestRSA1024RefusedEverywhere(t *testing.T) {
	t.Parallel()
	_, weak := rsaKeys(t)
	if _, err := keys.NewSigner(weak, "k"); !errors.Is(err, keys.ErrWeakKey) || !errors.Is(err, keys.ErrInvalidKey) {
		t.Errorf("NewSigner: %v", err)
	}
	if _, err := keys.PublicKeyAlgorithm(&weak.PublicKey); !errors.Is(err, keys.ErrWeakKey) {
		t.Errorf("PublicKeyAlgorithm: %v", err)
	}
	der := mustPKCS8(t, weak)
	if _, err := keys.ParsePrivateKey(der, "k"); !errors.Is(err, keys.ErrWeakKey) {
		t.Errorf("ParsePrivateKey: %v", err)
	}
	if _, err := keys.Thumbprint(&weak.PublicKey); !errors.Is(err, keys.ErrWeakKey) {
		t.Errorf("Thumbprint: %v", err)
	}
}

func TestEd25519FromSeed(t *testing.T) {
	t.Parallel()
	v := readOBVector(t)
	s, err := keys.Ed25519FromSeed(mustHex(t, v.KeyPair.SeedHex), "k")
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(s.Public().(ed25519.PublicKey)); got != v.KeyPair.PublicKeyHex {
		t.Fatalf("public key %s, want %s", got, v.KeyPair.PublicKeyHex)
	}
	for _, n := range []int{0, 31, 33, 64} {
		if _, err := keys.Ed25519FromSeed(make([]byte, n), "k"); !errors.Is(err, keys.ErrInvalidKey) {
			t.Errorf("seed of %d bytes: %v", n, err)
		}
	}
}

func TestPublicIsACopy(t *testing.T) {
	t.Parallel()
	s, err := keys.Generate(keys.AlgEdDSA, "k")
	if err != nil {
		t.Fatal(err)
	}
	pub := s.Public().(ed25519.PublicKey)
	orig := bytes.Clone(pub)
	pub[0] ^= 0xff
	if !bytes.Equal(s.Public().(ed25519.PublicKey), orig) {
		t.Fatal("changing the returned public key changed the signer")
	}
}

func TestWithKeyID(t *testing.T) {
	t.Parallel()
	s, err := keys.Generate(keys.AlgEdDSA, "old")
	if err != nil {
		t.Fatal(err)
	}
	n := keys.WithKeyID(s, "new")
	if n.KeyID() != "new" || s.KeyID() != "old" || n.Algorithm() != keys.AlgEdDSA {
		t.Fatalf("WithKeyID: new %q old %q alg %q", n.KeyID(), s.KeyID(), n.Algorithm())
	}
	sig, err := n.Sign(nil, []byte("m"), crypto.Hash(0))
	if err != nil || !ed25519.Verify(s.Public().(ed25519.PublicKey), []byte("m"), sig) {
		t.Fatalf("renamed signer does not sign with the same key: %v", err)
	}
	// A foreign Signer is wrapped and keeps working, printing no more than kid and alg.
	f := keys.WithKeyID(foreign{s}, "wrapped")
	if f.KeyID() != "wrapped" || f.Algorithm() != keys.AlgEdDSA || fmt.Sprint(f) != `keys.Signer{kid: "wrapped", alg: "EdDSA"}` {
		t.Fatalf("wrapped foreign signer: %v", f)
	}
	if _, err := keys.MarshalPrivateKey(f); !errors.Is(err, keys.ErrUnsupportedKey) {
		t.Fatalf("MarshalPrivateKey of a foreign signer: %v", err)
	}
	if keys.WithKeyID(nil, "x") != nil {
		t.Fatal("WithKeyID(nil) is not nil")
	}
	// NewSigner over one of ours re-uses its key.
	again, err := keys.NewSigner(n, "third")
	if err != nil || again.KeyID() != "third" {
		t.Fatalf("NewSigner(Signer): %v", err)
	}
	if _, err := keys.MarshalPrivateKey(again); err != nil {
		t.Fatalf("MarshalPrivateKey after NewSigner(Signer): %v", err)
	}
}

// foreign is a Signer implemented outside package keys.
type foreign struct{ keys.Signer }

func TestSignOptions(t *testing.T) {
	t.Parallel()
	ed, _ := keys.Generate(keys.AlgEdDSA, "ed")
	ec, _ := keys.Generate(keys.AlgES256, "ec")
	rsaStrong, _ := rsaKeys(t)
	rs, err := keys.NewSigner(rsaStrong, "rs")
	if err != nil {
		t.Fatal(err)
	}
	d256 := sha256.Sum256([]byte("m"))
	d512 := sha512.Sum512([]byte("m"))
	tests := []struct {
		name    string
		s       keys.Signer
		msg     []byte
		opts    crypto.SignerOpts
		wantErr error
	}{
		{"ed pure", ed, []byte("m"), crypto.Hash(0), nil},
		{"ed nil opts", ed, []byte("m"), nil, nil},
		{"ed options pure", ed, []byte("m"), &ed25519.Options{}, nil},
		{"ed ph refused", ed, d512[:], crypto.SHA512, keys.ErrSignOptions},
		{"ed options ph refused", ed, d512[:], &ed25519.Options{Hash: crypto.SHA512}, keys.ErrSignOptions},
		{"ed ctx refused", ed, []byte("m"), &ed25519.Options{Context: "x"}, keys.ErrSignOptions},
		{"ed sha256 refused (ES256 confusion)", ed, d256[:], crypto.SHA256, keys.ErrSignOptions},
		{"ec sha256", ec, d256[:], crypto.SHA256, nil},
		{"ec raw refused (EdDSA confusion)", ec, []byte("m"), crypto.Hash(0), keys.ErrSignOptions},
		{"ec nil opts refused", ec, d256[:], nil, keys.ErrSignOptions},
		{"ec sha512 refused", ec, d512[:], crypto.SHA512, keys.ErrSignOptions},
		{"ec short digest refused", ec, d256[:31], crypto.SHA256, keys.ErrSignOptions},
		{"rsa sha256", rs, d256[:], crypto.SHA256, nil},
		{"rsa pss", rs, d256[:], &rsa.PSSOptions{Hash: crypto.SHA256, SaltLength: rsa.PSSSaltLengthEqualsHash}, nil},
		{"rsa raw refused", rs, []byte("m"), crypto.Hash(0), keys.ErrSignOptions},
		{"rsa md5 refused", rs, d256[:16], crypto.MD5, keys.ErrSignOptions},
		{"rsa wrong digest length", rs, d256[:], crypto.SHA512, keys.ErrSignOptions},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sig, err := tt.s.Sign(rand.Reader, tt.msg, tt.opts)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Sign error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == nil && len(sig) == 0 {
				t.Fatal("empty signature")
			}
		})
	}
}

// TestJWSSign checks that jwx v2 takes our Signer as the key for each algorithm, and
// refuses (through our option check) an algorithm that does not match the key.
func TestJWSSign(t *testing.T) {
	t.Parallel()
	rsaStrong, _ := rsaKeys(t)
	rs, err := keys.NewSigner(rsaStrong, "rs")
	if err != nil {
		t.Fatal(err)
	}
	ed, _ := keys.Generate(keys.AlgEdDSA, "ed")
	ec, _ := keys.Generate(keys.AlgES256, "ec")
	tests := []struct {
		name  string
		s     keys.Signer
		alg   jwa.SignatureAlgorithm
		valid bool
	}{
		{"EdDSA", ed, jwa.EdDSA, true},
		{"ES256", ec, jwa.ES256, true},
		{"RS256", rs, jwa.RS256, true},
		{"Ed25519 key as ES256", ed, jwa.ES256, false},
		{"P-256 key as EdDSA", ec, jwa.EdDSA, false},
		{"RSA key as EdDSA", rs, jwa.EdDSA, false},
	}
	payload := []byte(`{"iss":"did:web:example.org"}`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			compact, err := jws.Sign(payload, jws.WithKey(tt.alg, tt.s))
			if !tt.valid {
				if err == nil {
					t.Fatalf("jws.Sign accepted a %s key for %s", tt.s.Algorithm(), tt.alg)
				}
				return
			}
			if err != nil {
				t.Fatalf("jws.Sign: %v", err)
			}
			got, err := jws.Verify(compact, jws.WithKey(tt.alg, tt.s.Public()))
			if err != nil || !bytes.Equal(got, payload) {
				t.Fatalf("jws.Verify: %v", err)
			}
			// The public JWK verifies too, as a relying party would use it.
			key, err := keys.PublicJWK(tt.s)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := jws.Verify(compact, jws.WithKey(tt.alg, key)); err != nil {
				t.Fatalf("jws.Verify with PublicJWK: %v", err)
			}
			tampered := append([]byte(nil), compact...)
			tampered[len(tampered)-5] ^= 1
			if _, err := jws.Verify(tampered, jws.WithKey(tt.alg, tt.s.Public())); err == nil {
				t.Fatal("tampered JWS verifies")
			}
		})
	}
}

func mustPKCS8(t *testing.T, priv any) []byte {
	t.Helper()
	s, ok := priv.(crypto.Signer)
	if !ok {
		t.Fatalf("%T is not a crypto.Signer", priv)
	}
	// Build the DER with the standard library, not through the package under test.
	der, err := marshalPKCS8(s)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestPrivateKeyRoundTrip(t *testing.T) {
	t.Parallel()
	rsaStrong, _ := rsaKeys(t)
	rs, err := keys.NewSigner(rsaStrong, "rs")
	if err != nil {
		t.Fatal(err)
	}
	ed, _ := keys.Generate(keys.AlgEdDSA, "ed")
	ec, _ := keys.Generate(keys.AlgES256, "ec")
	for _, s := range []keys.Signer{ed, ec, rs} {
		t.Run(s.Algorithm(), func(t *testing.T) {
			t.Parallel()
			der, err := keys.MarshalPrivateKey(s)
			if err != nil {
				t.Fatal(err)
			}
			back, err := keys.ParsePrivateKey(der, "restored")
			if err != nil {
				t.Fatal(err)
			}
			if back.KeyID() != "restored" || back.Algorithm() != s.Algorithm() {
				t.Fatalf("kid %q alg %q", back.KeyID(), back.Algorithm())
			}
			type equaler interface{ Equal(crypto.PublicKey) bool }
			if !back.Public().(equaler).Equal(s.Public()) {
				t.Fatal("public key changed in the round trip")
			}
			sig, err := signMsg(back, []byte("m"))
			if err != nil || !verify(t, s.Algorithm(), s.Public(), []byte("m"), sig) {
				t.Fatalf("restored key does not sign as the original: %v", err)
			}
		})
	}
}

func TestParsePrivateKeyRejects(t *testing.T) {
	t.Parallel()
	ed, _ := keys.Generate(keys.AlgEdDSA, "ed")
	der, err := keys.MarshalPrivateKey(ed)
	if err != nil {
		t.Fatal(err)
	}
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	tests := []struct {
		name    string
		der     []byte
		wantErr error
	}{
		{"empty", nil, keys.ErrInvalidKey},
		{"garbage", []byte("not DER"), keys.ErrInvalidKey},
		{"truncated", der[:len(der)-3], keys.ErrInvalidKey},
		{"trailing data", append(bytes.Clone(der), 0), keys.ErrInvalidKey},
		{"too large", make([]byte, keys.MaxPrivateKeyDER+1), keys.ErrInvalidKey},
		{"p384", mustPKCS8(t, p384), keys.ErrUnsupportedKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := keys.ParsePrivateKey(tt.der, "k"); !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestPublicKeyAlgorithm(t *testing.T) {
	t.Parallel()
	rsaStrong, rsaWeak := rsaKeys(t)
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	tests := []struct {
		name    string
		pub     crypto.PublicKey
		want    string
		wantErr error
	}{
		{"ed25519", edPub, keys.AlgEdDSA, nil},
		{"p256", &p256Key(t).PublicKey, keys.AlgES256, nil},
		{"rsa2048", &rsaStrong.PublicKey, keys.AlgRS256, nil},
		{"ed25519 short", edPub[:31], "", keys.ErrInvalidKey},
		{"p384", &p384.PublicKey, "", keys.ErrUnsupportedKey},
		{"rsa1024", &rsaWeak.PublicKey, "", keys.ErrWeakKey},
		{"nil rsa", (*rsa.PublicKey)(nil), "", keys.ErrInvalidKey},
		{"nil ecdsa", (*ecdsa.PublicKey)(nil), "", keys.ErrInvalidKey},
		{"ecdsa value", p384.PublicKey, "", keys.ErrUnsupportedKey},
		{"private key", ed25519.PrivateKey(make([]byte, 64)), "", keys.ErrUnsupportedKey},
		{"nil", nil, "", keys.ErrUnsupportedKey},
		{"bytes", []byte{1, 2, 3}, "", keys.ErrUnsupportedKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := keys.PublicKeyAlgorithm(tt.pub)
			if got != tt.want || !errors.Is(err, tt.wantErr) {
				t.Fatalf("got %q, %v; want %q, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// TestNoKeyMaterialInOutput formats a signer every way a log line or error message
// might, and checks that no encoding of the private key appears.
func TestNoKeyMaterialInOutput(t *testing.T) {
	t.Parallel()
	v := readOBVector(t)
	seed := mustHex(t, v.KeyPair.SeedHex)
	ed, err := keys.Ed25519FromSeed(seed, "did:web:example.org#key-1")
	if err != nil {
		t.Fatal(err)
	}
	ec, _ := keys.Generate(keys.AlgES256, "ec")
	rsaStrong, _ := rsaKeys(t)
	rs, err := keys.NewSigner(rsaStrong, "rs")
	if err != nil {
		t.Fatal(err)
	}
	secrets := map[keys.Signer][]string{
		ed: {hex.EncodeToString(seed[:8]), strings.ToUpper(hex.EncodeToString(seed[:8])), strings.Trim(fmt.Sprint(seed[:8]), "[]")},
		ec: {ecSecret(t, ec)},
		rs: {rsaStrong.D.String()[:20], fmt.Sprintf("%x", rsaStrong.D.Bytes()[:8]), rsaStrong.Primes[0].String()[:20]},
	}
	for s, needles := range secrets {
		t.Run(s.Algorithm(), func(t *testing.T) {
			var out strings.Builder
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
				fmt.Fprintf(&out, verb+"\n", s)
			}
			fmt.Fprintf(&out, "%v %+v\n", struct{ S keys.Signer }{s}, []keys.Signer{s})
			fmt.Fprintf(&out, "%#v\n", struct{ s keys.Signer }{s})
			fmt.Fprintln(&out, fmt.Errorf("wrapping: %v", s))
			b, _ := json.Marshal(struct{ S keys.Signer }{s})
			out.Write(b)
			for _, h := range []slog.Handler{
				slog.NewJSONHandler(&out, nil),
				slog.NewTextHandler(&out, nil),
			} {
				slog.New(h).Info("signing", "signer", s, slog.Any("any", s), "list", []keys.Signer{s})
			}
			text := out.String()
			for _, n := range needles {
				if strings.Contains(text, n) {
					t.Fatalf("output reveals key material %q:\n%s", n, text)
				}
			}
			for _, want := range []string{`"kid":"` + s.KeyID() + `"`, `"alg":"` + s.Algorithm() + `"`, "signer.kid=" + s.KeyID()} {
				if !strings.Contains(text, want) {
					t.Errorf("log output lacks %s:\n%s", want, text)
				}
			}
		})
	}
}

func ecSecret(t *testing.T, s keys.Signer) string {
	t.Helper()
	der, err := keys.MarshalPrivateKey(s)
	if err != nil {
		t.Fatal(err)
	}
	back, err := parsePKCS8(der)
	if err != nil {
		t.Fatal(err)
	}
	d, err := back.(*ecdsa.PrivateKey).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(d[:8])
}

func TestStringerForms(t *testing.T) {
	t.Parallel()
	s, _ := keys.Generate(keys.AlgES256, "did:web:example.org#k")
	want := `keys.Signer{kid: "did:web:example.org#k", alg: "ES256"}`
	for name, got := range map[string]string{
		"String":   s.(fmt.Stringer).String(),
		"GoString": s.(fmt.GoStringer).GoString(),
		"%#v":      fmt.Sprintf("%#v", s),
		"%d":       fmt.Sprintf("%d", s),
	} {
		if got != want {
			t.Errorf("%s = %s, want %s", name, got, want)
		}
	}
}

// TestConcurrentSign runs one Signer from several goroutines (go test -race).
func TestConcurrentSign(t *testing.T) {
	t.Parallel()
	for _, alg := range []string{keys.AlgEdDSA, keys.AlgES256} {
		s, err := keys.Generate(alg, "k")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for i := range 8 {
			wg.Go(func() {
				msg := []byte{byte(i)}
				sig, err := signMsg(s, msg)
				if err == nil && !verify(t, alg, s.Public(), msg, sig) {
					err = errors.New("signature does not verify")
				}
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
}
