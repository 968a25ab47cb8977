package input_test

import (
	"fmt"

	"github.com/obadge/obadge/verifier/input"
)

func ExampleDecode() {
	// An enveloped credential: the JWT travels in a data: URL.
	raw := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"EnvelopedVerifiableCredential",` +
		`"id":"data:application/vc+jwt,eyJhbGciOiJFUzI1NiJ9.eyJ0eXBlIjoiVmVyaWZpYWJsZUNyZWRlbnRpYWwifQ.c2ln"}`)
	in, err := input.Decode(raw, "credential.json")
	if err != nil {
		panic(err)
	}
	fmt.Println(in.Kind, in.Format, in.Source, in.JWT)
	// Output: credential jwt enveloped eyJhbGciOiJFUzI1NiJ9.eyJ0eXBlIjoiVmVyaWZpYWJsZUNyZWRlbnRpYWwifQ.c2ln
}
