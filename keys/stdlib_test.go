package keys_test

import (
	"crypto"
	"crypto/x509"
)

// The standard library, not the package under test, builds and reads the PKCS#8
// fixtures of the tests.
func marshalPKCS8(s crypto.Signer) ([]byte, error) { return x509.MarshalPKCS8PrivateKey(s) }
func parsePKCS8(der []byte) (any, error)           { return x509.ParsePKCS8PrivateKey(der) }
