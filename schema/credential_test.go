package schema

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/obadge/obadge/internal/testutil"
)

func TestCheckJSON(t *testing.T) {
	t.Parallel()
	deep := strings.Repeat(`{"a":`, MaxDepth) + `1` + strings.Repeat(`}`, MaxDepth)
	tooDeep := strings.Repeat(`{"a":`, MaxDepth+1) + `1` + strings.Repeat(`}`, MaxDepth+1)
	deepArr := `{"a":` + strings.Repeat(`[`, MaxDepth) + strings.Repeat(`]`, MaxDepth) + `}`
	tests := []struct {
		name    string
		raw     string
		wantErr error
		wantMsg string
	}{
		{name: "object", raw: `{"a":1,"b":[1,{"a":2}],"c":{"a":{"a":3}}}`},
		{name: "same key in sibling objects", raw: `{"x":[{"id":1},{"id":2}]}`},
		{name: "whitespace around", raw: " \n{}\t "},
		{name: "max depth", raw: deep},
		{name: "duplicate top-level key", raw: `{"id":"a","type":[],"id":"b"}`, wantErr: ErrDuplicateKey, wantMsg: `"id" at /id`},
		{name: "duplicate nested key", raw: `{"credentialSubject":{"identifier":[{"hashed":true},{"hashed":true,"hashed":false}]}}`, wantErr: ErrDuplicateKey, wantMsg: "/credentialSubject/identifier/1/hashed"},
		{name: "duplicate after escape", raw: `{"id":1,"\u0069d":2}`, wantErr: ErrDuplicateKey},
		{name: "key with slash", raw: `{"a/b":1,"a/b":2}`, wantErr: ErrDuplicateKey, wantMsg: "/a~1b"},
		{name: "too deep objects", raw: tooDeep, wantErr: ErrTooDeep},
		{name: "too deep arrays", raw: `{"a":` + strings.Repeat(`[`, MaxDepth+1) + strings.Repeat(`]`, MaxDepth+1) + `}`, wantErr: ErrTooDeep},
		{name: "object plus arrays over the limit", raw: deepArr, wantErr: ErrTooDeep},
		{name: "array top level", raw: `[{"a":1}]`, wantErr: ErrMalformedJSON},
		{name: "string top level", raw: `"x"`, wantErr: ErrMalformedJSON},
		{name: "null top level", raw: `null`, wantErr: ErrMalformedJSON},
		{name: "empty", raw: ``, wantErr: ErrMalformedJSON},
		{name: "two objects", raw: `{}{}`, wantErr: ErrMalformedJSON},
		{name: "trailing garbage", raw: `{} x`, wantErr: ErrMalformedJSON},
		{name: "unterminated", raw: `{"a":[1,2}`, wantErr: ErrMalformedJSON},
		{name: "invalid UTF-8", raw: "{\"a\":\"\xff\"}", wantErr: ErrMalformedJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := CheckJSON([]byte(tt.raw))
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("err = %q, want it to contain %q", err, tt.wantMsg)
			}
		})
	}
}

func TestParseCredential(t *testing.T) {
	t.Parallel()
	raw := testutil.ReadShared(t, "examples", "1edtech-validator-ob30", "simple.json")
	in := bytes.Clone(raw)
	c, err := ParseCredential(in)
	if err != nil {
		t.Fatal(err)
	}
	in[0] = 'X' // the caller reusing its buffer must not change the credential
	if !bytes.Equal(c.Raw(), raw) {
		t.Error("Raw is not a copy of the received bytes")
	}
	if c.View.ID != "http://example.com/credentials/3527" || c.IssuerID() != "https://example.com/issuers/876543" {
		t.Errorf("typed view: id %q issuer %q", c.View.ID, c.IssuerID())
	}
	if c.View.CredentialSubject.Achievement == nil || c.View.CredentialSubject.Achievement.Name != "Teamwork" {
		t.Errorf("achievement not decoded: %+v", c.View.CredentialSubject)
	}
	if len(c.View.Proof) != 1 || c.View.Proof[0].Cryptosuite != "eddsa-rdfc-2022" {
		t.Errorf("proof: %+v", c.View.Proof)
	}
	if !c.HasType("OpenBadgeCredential") || c.HasType("EndorsementCredential") || c.IsVCDM11() {
		t.Error("HasType / IsVCDM11")
	}
	m, err := c.Map()
	if err != nil || m["id"] != c.View.ID {
		t.Fatalf("Map: %v %v", m["id"], err)
	}
	if _, err := DetectDataLoss(m, nil); err != nil {
		t.Errorf("Map output is not usable by DetectDataLoss: %v", err)
	}

	v1, err := ParseCredential(testutil.ReadShared(t, "examples", "1edtech-validator-ob30", "simple_v1.json"))
	if err != nil || !v1.IsVCDM11() || v1.View.IssuanceDate == "" {
		t.Errorf("VCDM 1.1: %v", err)
	}

	e, err := ParseCredential(testutil.ReadShared(t, "examples", "1edtech-validator-ob30", "endorsement-valid.json"))
	if err != nil {
		t.Fatal(err)
	}
	ec, err := e.Endorsement()
	if err != nil || ec.CredentialSubject.ID == "" || ec.CredentialSubject.EndorsementComment == "" {
		t.Errorf("Endorsement view: %+v %v", ec, err)
	}
}

func TestParseCredentialLimits(t *testing.T) {
	t.Parallel()
	big := []byte(`{"name":"` + strings.Repeat("a", 2000) + `"}`)
	tests := []struct {
		name    string
		raw     []byte
		limit   int
		wantErr error
	}{
		{name: "under limit", raw: big, limit: 4096},
		{name: "over limit", raw: big, limit: 1024, wantErr: ErrTooLarge},
		{name: "default limit", raw: []byte(`{"a":"` + strings.Repeat("b", DefaultMaxCredentialBytes) + `"}`), wantErr: ErrTooLarge},
		{name: "zero means default", raw: big, limit: 0},
		{name: "duplicate key", raw: []byte(`{"id":"a","id":"b"}`), wantErr: ErrDuplicateKey},
		{name: "not an object", raw: []byte(`[]`), wantErr: ErrMalformedJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseCredentialLimit(tt.raw, tt.limit)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}
	if _, err := ParseCredential([]byte(`{"a":"` + strings.Repeat("b", DefaultMaxCredentialBytes) + `"}`)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("ParseCredential: err = %v, want ErrTooLarge", err)
	}
}

func TestValidationErrorMessage(t *testing.T) {
	t.Parallel()
	ve := &ValidationError{}
	for i := 0; i < 7; i++ {
		ve.Errors = append(ve.Errors, FieldError{Path: "/a", Message: "bad"})
	}
	msg := ve.Error()
	if !strings.Contains(msg, "/a: bad") || !strings.Contains(msg, "and 2 more") {
		t.Errorf("message %q", msg)
	}
	if !errors.Is(ve, ErrInvalid) || errors.Is(ve, ErrDataLoss) {
		t.Error("Is")
	}
	wrapped := &ValidationError{Cause: ErrDuplicateKey}
	if !errors.Is(wrapped, ErrDuplicateKey) || !errors.Is(wrapped, ErrInvalid) {
		t.Error("Cause not matched")
	}
	if (&Report{}).Err() != nil || !(*Report)(nil).OK() {
		t.Error("empty report must be OK")
	}
}

// adversarialNesting is a document of about 3 MiB whose one large string sits under
// 60 nested typed objects (parentOrg chains): decoding it must stay linear.
func adversarialNesting() []byte {
	inner := `{"id":"https://x.org","type":"Profile","name":"` + strings.Repeat("a", 3<<20) + `"}`
	for i := 0; i < 60; i++ {
		inner = `{"id":"https://x.org","type":"Profile","parentOrg":` + inner + `}`
	}
	return []byte(`{"issuer":` + inner + `}`)
}

func BenchmarkParseCredentialDeep(b *testing.B) {
	raw := adversarialNesting()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := ParseCredential(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheckJSONManyObjects(b *testing.B) {
	raw := []byte(`{"a":[` + strings.Repeat(`{"b":1,"c":"x"},`, 200000) + `{}]}`)
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if err := CheckJSON(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseCredential(b *testing.B) {
	raw := testutil.ReadShared(b, "examples", "1edtech-validator-ob30", "complete.json")
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := ParseCredential(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidateOB(b *testing.B) {
	raw := testutil.ReadShared(b, "examples", "1edtech-validator-ob30", "complete.json")
	for b.Loop() {
		if err := ValidateOB(raw); err != nil {
			b.Fatal(err)
		}
	}
}
