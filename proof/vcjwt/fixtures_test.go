package vcjwt

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/obadge/obadge/internal/testutil"
	"github.com/obadge/obadge/proof"
)

// TestOneEdTechFixtures runs the 1EdTech validator's JWT fixtures. The baked ones are
// RS256 with the key in a jwk header and an https issuer, so the key is self-asserted;
// their signatures verify, and they carry aud instead of sub, which the claims check
// flags as SubjectClaimMissing (ErrSubjectClaimMissing with RequireSubject). simple.jwt
// has neither kid nor jwk; velocity.jwt names a key of another DID than its issuer.
func TestOneEdTechFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path        []string
		wantErr     error
		wantVersion string // "" when no Result is expected
	}{
		{[]string{"test-vectors", "ob-v3p0-vc-jwt", "simple-jwt.png.extracted.jwt"}, nil, Version2},
		{[]string{"test-vectors", "ob-v3p0-vc-jwt", "simple-jwt.svg.extracted.jwt"}, nil, Version2},
		{[]string{"test-vectors", "ob-v3p0-vc-jwt", "simple-jwt_v1.png.extracted.jwt"}, nil, Version1},
		{[]string{"test-vectors", "ob-v3p0-vc-jwt", "simple-jwt_v1.svg.extracted.jwt"}, nil, Version1},
		{[]string{"examples", "1edtech-validator-ob30", "simple.jwt"}, proof.ErrMalformedProof, ""},
		{[]string{"examples", "1edtech-validator-ob30", "velocity.jwt"}, proof.ErrKeyNotAuthorized, ""},
	}
	for _, tt := range tests {
		name := tt.path[len(tt.path)-1]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tok := string(testutil.ReadShared(t, tt.path...))
			res, err := Verify(context.Background(), tok, VerifyOptions{Resolver: staticResolver{}})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Verify error = %v, want %v", err, tt.wantErr)
			}
			t.Logf("verdict: %v", err)
			_, strictErr := Verify(context.Background(), tok, VerifyOptions{Resolver: staticResolver{}, RequireSubject: true})
			if tt.wantErr == nil && !errors.Is(strictErr, ErrSubjectClaimMissing) {
				t.Errorf("with RequireSubject: %v, want ErrSubjectClaimMissing", strictErr)
			}
			if tt.wantVersion == "" {
				if res != nil {
					t.Errorf("unexpected Result %+v", res)
				}
				return
			}
			if res == nil {
				t.Fatal("no Result although the signature verified")
			}
			if res.Version != tt.wantVersion || !res.SelfAssertedKey || !res.SubjectClaimMissing || res.Alg != "RS256" || res.NotBefore.Unix() != 1262304000 {
				t.Errorf("Result: version %q self %v alg %q nbf %v", res.Version, res.SelfAssertedKey, res.Alg, res.NotBefore)
			}
			if !strings.HasPrefix(string(res.Credential), `{"@context":[`) {
				t.Errorf("Credential = %.60s", res.Credential)
			}
			// The signature check is real: one payload byte changed must fail it.
			parts := strings.Split(strings.TrimSpace(tok), ".")
			payload, err := b64.DecodeString(parts[1])
			if err != nil {
				t.Fatal(err)
			}
			tampered := strings.Replace(string(payload), "Teamwork", "Teamwerk", 1)
			if tampered == string(payload) {
				t.Fatal("fixture does not contain the word to tamper with")
			}
			_, err = Verify(context.Background(), replacePart(tok, 1, b64.EncodeToString([]byte(tampered))), VerifyOptions{})
			if !errors.Is(err, proof.ErrInvalidSignature) {
				t.Errorf("tampered fixture: error = %v, want ErrInvalidSignature", err)
			}
		})
	}
}
