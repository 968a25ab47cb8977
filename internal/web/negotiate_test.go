package web

import (
	"slices"
	"testing"
)

func TestNegotiateType(t *testing.T) {
	avail := []string{"text/html", "application/ld+json", "application/json"}
	tests := []struct{ accept, want string }{
		{"", "text/html"},
		{"*/*", "text/html"},
		{"application/*", "application/ld+json"},
		{"application/json, */*;q=0.1", "application/json"},
		{"text/html;q=0.2, application/ld+json;q=0.9", "application/ld+json"},
		{"application/json;q=0, */*", "text/html"},
		{"image/png", ""},
		{"text/html;q=0", ""},
		{"garbage;;;, ,", ""},
		{"application/ld+json;q=1.5", "application/ld+json"}, // an invalid q counts as 1
	}
	for _, tt := range tests {
		if got := negotiateType(tt.accept, avail); got != tt.want {
			t.Errorf("Accept %q: got %q, want %q", tt.accept, got, tt.want)
		}
	}
}

// FuzzNegotiateType: any Accept header gives one of the offers or "", never a panic.
func FuzzNegotiateType(f *testing.F) {
	for _, s := range []string{"", "*/*", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/vc+jwt;q=0.5", ";q=", "a/b;q=NaN"} {
		f.Add(s)
	}
	avail := []string{"text/html", "application/vc+ld+json", "application/vc+jwt"}
	f.Fuzz(func(t *testing.T, accept string) {
		if got := negotiateType(accept, avail); got != "" && !slices.Contains(avail, got) {
			t.Fatalf("%q gave %q", accept, got)
		}
	})
}
