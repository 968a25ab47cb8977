package keys_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"sync"
	"testing"

	"github.com/obadge/obadge/internal/testutil"
)

// RSA key generation is the slow part of this suite: each size is made once.
var (
	rsaOnce          sync.Once
	rsa2048, rsa1024 *rsa.PrivateKey
)

func rsaKeys(t testing.TB) (strong, weak *rsa.PrivateKey) {
	t.Helper()
	rsaOnce.Do(func() {
		var err error
		if rsa2048, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if rsa1024, err = rsa.GenerateKey(rand.Reader, 1024); err != nil {
			panic(err)
		}
	})
	return rsa2048, rsa1024
}

func p256Key(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// obVector is the key pair of the 1EdTech OB 3.0 eddsa-rdfc-2022 test vector.
type obVector struct {
	KeyPair struct {
		PublicKeyHex       string `json:"publicKeyHex"`
		PrivateKeyHex      string `json:"privateKeyHex_seedThenPublic_64bytes"`
		SeedHex            string `json:"ed25519SeedHex"`
		PublicKeyMultibase string `json:"publicKeyMultibase"`
		SecretKeyMultibase string `json:"secretKeyMultibase"`
	} `json:"keyPair"`
}

func readOBVector(t *testing.T) obVector {
	t.Helper()
	var v obVector
	if err := json.Unmarshal(testutil.ReadShared(t, "test-vectors", "ob-v3p0-eddsa-rdfc-2022", "vector.json"), &v); err != nil {
		t.Fatal(err)
	}
	if v.KeyPair.SecretKeyMultibase == "" || v.KeyPair.PublicKeyHex == "" {
		t.Fatal("vector.json: keyPair members missing")
	}
	return v
}

// diKeyPair is vc-di-eddsa's keyPair.json.
type diKeyPair struct {
	PublicKeyMultibase  string `json:"publicKeyMultibase"`
	PrivateKeyMultibase string `json:"privateKeyMultibase"`
}

func readDIKeyPair(t *testing.T) diKeyPair {
	t.Helper()
	var kp diKeyPair
	if err := json.Unmarshal(testutil.ReadShared(t, "test-vectors", "vc-di-eddsa", "keyPair.json"), &kp); err != nil {
		t.Fatal(err)
	}
	if kp.PublicKeyMultibase == "" || kp.PrivateKeyMultibase == "" {
		t.Fatal("keyPair.json: members missing")
	}
	return kp
}

func jwkXFromHex(t testing.TB, h string) string {
	t.Helper()
	return base64.RawURLEncoding.EncodeToString(mustHex(t, h))
}
