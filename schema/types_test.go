package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/obadge/obadge/internal/testutil"
)

// canonical re-encodes JSON text with sorted keys so two documents can be compared.
func canonical(t testing.TB, b []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// collapse replaces every one-element array by its element, so a round trip (which
// writes OneOrMany properties as arrays) compares equal to its array-compacted input.
func collapse(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = collapse(e)
		}
		return t
	case []any:
		if len(t) == 1 {
			return collapse(t[0])
		}
		for i := range t {
			t[i] = collapse(t[i])
		}
		return t
	}
	return v
}

func collapsed(t testing.TB, b []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(collapse(v))
	return string(out)
}

func TestRoundTripFixtures(t *testing.T) {
	t.Parallel()
	files := []string{"simple.json", "complete.json", "simple_v1.json", "simple-did-web-method.json", "credential-status-revoked.json"}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			t.Parallel()
			raw := testutil.ReadShared(t, "examples", "1edtech-validator-ob30", f)
			c, err := ParseCredential(raw)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(c.Raw(), raw) {
				t.Fatal("Raw differs from the input")
			}
			out, err := json.Marshal(c.View)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := collapsed(t, out), collapsed(t, raw); got != want {
				t.Errorf("round trip differs\n got: %.2000s\nwant: %.2000s", got, want)
			}
			// Encoding the typed view again is stable.
			var again AchievementCredential
			if err := json.Unmarshal(out, &again); err != nil {
				t.Fatal(err)
			}
			out2, _ := json.Marshal(again)
			if !bytes.Equal(out, out2) {
				t.Error("second round trip changed the encoding")
			}
		})
	}
}

func TestExtraMembersSurvive(t *testing.T) {
	t.Parallel()
	in := []byte(`{"id":"https://example.com/a","type":["Achievement"],"name":"A","description":"d",
		"criteria":{"narrative":"n","ext:level":{"deep":[1,2,{"x":null}]}},
		"ext:note":"kept","ID":"other member, not id","creditsAvailable":3.5,
		"alignment":{"type":"Alignment","targetName":"t","targetUrl":"https://x.org","ext:weight":2}}`)
	var a Achievement
	if err := json.Unmarshal(in, &a); err != nil {
		t.Fatal(err)
	}
	if a.ID != "https://example.com/a" {
		t.Errorf("ID = %q: a differently-cased member must not fill it", a.ID)
	}
	if string(a.Extra["ID"]) != `"other member, not id"` || string(a.Extra["ext:note"]) != `"kept"` {
		t.Errorf("Extra = %v", a.Extra)
	}
	if a.Criteria == nil || a.Criteria.Extra["ext:level"] == nil {
		t.Errorf("nested extension lost: %+v", a.Criteria)
	}
	if len(a.Alignment) != 1 || a.Alignment[0].TargetURL != "https://x.org" || a.Alignment[0].Extra["ext:weight"] == nil {
		t.Errorf("single alignment not read: %+v", a.Alignment)
	}
	if a.CreditsAvailable == nil || *a.CreditsAvailable != 3.5 {
		t.Errorf("creditsAvailable = %v", a.CreditsAvailable)
	}
	out, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var back Achievement
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(normalizeExtra(a), normalizeExtra(back)) {
		t.Errorf("second round trip differs:\n%s", out)
	}
	for _, want := range []string{`"ext:note":"kept"`, `"ID":"other member, not id"`, `"ext:level":{"deep":[1,2,{"x":null}]}`, `"alignment":[{`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %s: %s", want, out)
		}
	}
}

// normalizeExtra compacts Extra values so equal JSON compares equal.
func normalizeExtra(a Achievement) string {
	b, _ := json.Marshal(a)
	return string(b)
}

func TestExtraDoesNotOverrideFields(t *testing.T) {
	t.Parallel()
	img := Image{ID: "https://x.org/i.png", Type: "Image", Extra: map[string]json.RawMessage{"id": json.RawMessage(`"evil"`), "z": json.RawMessage(`1`)}}
	out, err := json.Marshal(img)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(out), `{"id":"https://x.org/i.png","type":"Image","z":1}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	bad := Image{ID: "x", Type: "Image", Extra: map[string]json.RawMessage{"z": json.RawMessage(`{bad`)}}
	if _, err := json.Marshal(bad); err == nil {
		t.Error("invalid Extra JSON was written")
	}
	empty := Criteria{Extra: map[string]json.RawMessage{"ext:a": json.RawMessage(`true`)}}
	if out, _ := json.Marshal(empty); string(out) != `{"ext:a":true}` {
		t.Errorf("got %s", out)
	}
}

func TestOneOrMany(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    OneOrMany[string]
		out     string
		wantErr bool
	}{
		{in: `"a"`, want: OneOrMany[string]{"a"}, out: `["a"]`},
		{in: `["a","b"]`, want: OneOrMany[string]{"a", "b"}, out: `["a","b"]`},
		{in: `[]`, want: OneOrMany[string]{}, out: `[]`},
		{in: `null`, want: nil, out: `[]`},
		{in: `3`, wantErr: true},
		{in: `["a",3]`, wantErr: true},
	}
	for _, tt := range tests {
		var got OneOrMany[string]
		err := json.Unmarshal([]byte(tt.in), &got)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: err = %v", tt.in, err)
			continue
		}
		if tt.wantErr {
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %#v, want %#v", tt.in, got, tt.want)
		}
		out, _ := json.Marshal(got)
		if string(out) != tt.out {
			t.Errorf("%s: marshal %s, want %s", tt.in, out, tt.out)
		}
	}
	var withOmit struct {
		T OneOrMany[string] `json:"t,omitempty"`
	}
	if out, _ := json.Marshal(withOmit); string(out) != `{}` {
		t.Errorf("omitempty: %s", out)
	}
	if (OneOrMany[string]{"x", "y"}).First() != "x" || (OneOrMany[string]{}).First() != "" {
		t.Error("First")
	}
}

func TestOneOrArray(t *testing.T) {
	t.Parallel()
	for in, out := range map[string]string{
		`{"id":"https://x.org/s","type":"T"}`:        `{"id":"https://x.org/s","type":"T"}`,
		`[{"id":"https://x.org/s","type":"T"}]`:      `{"id":"https://x.org/s","type":"T"}`,
		`[{"type":"A"},{"type":"B","statusSize":2}]`: `[{"type":"A"},{"type":"B","statusSize":2}]`,
	} {
		var v OneOrArray[CredentialStatus]
		if err := json.Unmarshal([]byte(in), &v); err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(v)
		if string(got) != out {
			t.Errorf("%s: got %s, want %s", in, got, out)
		}
	}
}

func TestStatusListIndexKeepsItsForm(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`{"type":"BitstringStatusListEntry","statusListIndex":"23"}`, `{"type":"BitstringStatusListEntry","statusListIndex":23}`} {
		var s CredentialStatus
		if err := json.Unmarshal([]byte(in), &s); err != nil {
			t.Fatal(err)
		}
		out, _ := json.Marshal(s)
		if string(out) != in {
			t.Errorf("got %s, want %s", out, in)
		}
	}
}

func TestProfileRef(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, id  string
		object  bool
		wantErr bool
	}{
		{in: `"https://example.com/issuers/1"`, id: "https://example.com/issuers/1"},
		{in: `{"id":"did:web:example.com","type":["Profile"],"name":"X"}`, id: "did:web:example.com", object: true},
		{in: `42`, wantErr: true},
		{in: `["https://a"]`, wantErr: true},
	}
	for _, tt := range tests {
		var p ProfileRef
		err := json.Unmarshal([]byte(tt.in), &p)
		if (err != nil) != tt.wantErr {
			t.Fatalf("%s: err = %v", tt.in, err)
		}
		if tt.wantErr {
			continue
		}
		if p.ID != tt.id || (p.Profile != nil) != tt.object {
			t.Errorf("%s: got %+v", tt.in, p)
		}
		out, _ := json.Marshal(p)
		if canonical(t, out) != canonical(t, []byte(tt.in)) {
			t.Errorf("%s: marshal %s (must keep its form)", tt.in, out)
		}
	}
	var c struct {
		Issuer ProfileRef `json:"issuer,omitzero"`
	}
	if out, _ := json.Marshal(c); string(out) != `{}` {
		t.Errorf("zero ProfileRef not omitted: %s", out)
	}
}

func TestContextEntry(t *testing.T) {
	t.Parallel()
	in := `["https://www.w3.org/ns/credentials/v2",{"ex":"https://example.org/"}]`
	var c OneOrMany[ContextEntry]
	if err := json.Unmarshal([]byte(in), &c); err != nil {
		t.Fatal(err)
	}
	if len(c) != 2 || c[0].URL != ContextVCv2 || c[1].Object == nil {
		t.Fatalf("got %+v", c)
	}
	out, _ := json.Marshal(c)
	if string(out) != in {
		t.Errorf("got %s", out)
	}
	if err := json.Unmarshal([]byte(`[1]`), &c); err == nil {
		t.Error("a number context entry was accepted")
	}
	if got, _ := json.Marshal(Contexts(ContextVCv2, ContextOB303)); string(got) != `["`+ContextVCv2+`","`+ContextOB303+`"]` {
		t.Errorf("Contexts: %s", got)
	}
}

// TestBuildCredential is how an issuer uses the types: the output validates.
func TestBuildCredential(t *testing.T) {
	t.Parallel()
	credits := 1.5
	vc := AchievementCredential{
		Envelope: Envelope{
			Context:   Contexts(ContextVCv2, ContextOB303),
			ID:        "urn:uuid:1c2e3f0a-0000-4000-8000-000000000001",
			Type:      OneOrMany[string]{"VerifiableCredential", "OpenBadgeCredential"},
			Name:      "Classroom Management",
			Issuer:    ProfileRef{Profile: &Profile{ID: "did:web:badges.example.gov", Type: OneOrMany[string]{"Profile"}, Name: "State DOE"}},
			ValidFrom: "2026-01-01T00:00:00Z",
			CredentialStatus: OneOrArray[CredentialStatus]{{ID: "https://badges.example.gov/status/1#94567",
				Type: "BitstringStatusListEntry", StatusPurpose: "revocation", StatusListIndex: json.RawMessage(`"94567"`),
				StatusListCredential: "https://badges.example.gov/status/1"}},
		},
		CredentialSubject: AchievementSubject{
			Type: OneOrMany[string]{"AchievementSubject"},
			Identifier: OneOrMany[IdentityObject]{{Type: "IdentityObject", Hashed: true, IdentityType: "emailAddress",
				IdentityHash: "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399", Salt: "Kosher"}},
			Achievement: &Achievement{ID: "https://badges.example.gov/achievements/cm", Type: OneOrMany[string]{"Achievement"},
				Name: "Classroom Management", Description: "d", Criteria: &Criteria{Narrative: "n"},
				AchievementType: "MicroCredential", CreditsAvailable: &credits},
		},
	}
	raw, err := json.Marshal(vc)
	if err != nil {
		t.Fatal(err)
	}
	if err := ValidateOB(raw); err != nil {
		t.Fatalf("built credential does not validate: %v\n%s", err, raw)
	}
	if _, err := DetectDataLoss(decodeMap(t, raw), nil); err != nil {
		t.Fatalf("built credential loses data: %v", err)
	}
	if !strings.Contains(string(raw), `"credentialStatus":{`) {
		t.Errorf("credentialStatus must be a single object in OB: %s", raw)
	}
}

func TestParseCredentialTypeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, raw, wantPath string
	}{
		{name: "hashed string", raw: `{"credentialSubject":{"identifier":[{"type":"IdentityObject","hashed":"yes"}]}}`, wantPath: "/credentialSubject/identifier/0/hashed"},
		{name: "name number", raw: `{"name":3}`, wantPath: "/name"},
		{name: "issuer number", raw: `{"issuer":3}`},
	}
	for _, tt := range tests {
		_, err := ParseCredential([]byte(tt.raw))
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", tt.name, err)
			continue
		}
		if tt.wantPath != "" && paths(err)[0] != tt.wantPath {
			t.Errorf("%s: path %v, want %s", tt.name, paths(err), tt.wantPath)
		}
	}
}
