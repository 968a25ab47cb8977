package bake_test

import (
	"fmt"

	"github.com/obadge/obadge/bake"
)

// A VC-JWT baked into an SVG lands in the verify attribute of the element that
// directly follows the root start tag, and reads back unchanged.
func ExampleBakeSVG() {
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>`)
	baked, err := bake.BakeSVG(svg, []byte("eyJhbGciOiJSUzI1NiJ9.eyJ2YyI6e319.c2ln"))
	if err != nil {
		panic(err)
	}
	fmt.Println(string(baked))
	jwt, _ := bake.UnbakeSVG(baked)
	fmt.Println(string(jwt))
	// Output:
	// <svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential verify="eyJhbGciOiJSUzI1NiJ9.eyJ2YyI6e319.c2ln"/><circle r="4"/></svg>
	// eyJhbGciOiJSUzI1NiJ9.eyJ2YyI6e319.c2ln
}

// The issuer's fallback image, baked with a JSON-LD credential.
func ExampleBakePNG() {
	img, err := bake.GeneratePNG("Teamwork", "Example University")
	if err != nil {
		panic(err)
	}
	baked, err := bake.BakePNG(img, []byte(`{"type":["VerifiableCredential","OpenBadgeCredential"]}`))
	if err != nil {
		panic(err)
	}
	cred, _ := bake.UnbakePNG(baked)
	fmt.Println(string(cred))
	// Output: {"type":["VerifiableCredential","OpenBadgeCredential"]}
}
