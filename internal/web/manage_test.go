package web_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/obadge/obadge/internal/web"
)

// fakeManager is a BadgeSource with recipient control over one badge per token,
// each with its own key ("" = no key).
type fakeManager struct {
	fakeSource
	keys   map[string]string
	hidden map[string]bool
	err    error
}

func (f *fakeManager) check(token, key string) error {
	want, ok := f.keys[token]
	switch {
	case f.err != nil:
		return f.err
	case !ok:
		return fmt.Errorf("badge %q: %w", token, web.ErrNotFound)
	case want == "":
		return web.ErrNoManageKey
	case want != key:
		return web.ErrWrongManageKey
	}
	return nil
}

func (f *fakeManager) ManagedBadge(ctx context.Context, token, key string) (*web.ManagedBadge, error) {
	if err := f.check(token, key); err != nil {
		return nil, err
	}
	return &web.ManagedBadge{Name: "Guided Reading Instruction", Hidden: f.hidden[token]}, nil
}

func (f *fakeManager) SetHidden(ctx context.Context, token, key string, hidden bool) (*web.ManagedBadge, error) {
	if err := f.check(token, key); err != nil {
		return nil, err
	}
	f.hidden[token] = hidden
	return &web.ManagedBadge{Name: "Guided Reading Instruction", Hidden: hidden}, nil
}

func TestManagePage(t *testing.T) {
	h := web.New(web.Options{Verifier: offlineVerifier(t, nil), BaseURL: "https://badges.example.gov"})
	m := &fakeManager{keys: map[string]string{"tok-a": "key-a", "tok-old": ""}, hidden: map[string]bool{}}
	router := newRouter(h, m)
	post := func(token string, form url.Values) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/badges/"+token+"/manage", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "text/html")
		rec := httptest.NewRecorder()
		router.ServeHTTP(rec, req)
		return rec
	}
	tests := []struct {
		name       string
		token      string
		form       url.Values
		err        error
		wantStatus int
		want       []string
		notWant    []string
		wantHidden bool
	}{
		{"view", "tok-a", url.Values{"key": {"key-a"}, "action": {"view"}}, nil, 200,
			[]string{"Guided Reading Instruction", "Visible to anyone", `value="hide"`, "https://badges.example.gov/badges/tok-a"}, []string{"Done:"}, false},
		{"hide", "tok-a", url.Values{"key": {"key-a"}, "action": {"hide"}}, nil, 200,
			[]string{"Done: your badge page is now hidden", `value="show"`, `value="key-a"`}, nil, true},
		{"wrong key", "tok-a", url.Values{"key": {"key-b"}, "action": {"show"}}, nil, 403,
			[]string{"Wrong manage key", "nothing was changed", `name="key"`}, []string{"key-b", "Guided Reading"}, true},
		{"no manage key", "tok-old", url.Values{"key": {"key-a"}, "action": {"hide"}}, nil, 403,
			[]string{"no manage key", "Ask the issuer"}, []string{`name="key"`, "key-a"}, true},
		{"unknown token", "tok-x", url.Values{"key": {"key-a"}, "action": {"hide"}}, nil, 404,
			[]string{"Badge not found"}, nil, true},
		{"source failure", "tok-a", url.Values{"key": {"key-a"}, "action": {"show"}}, errors.New("database on fire"), 500,
			nil, []string{"fire"}, true},
		{"show", "tok-a", url.Values{"key": {"key-a"}, "action": {"show"}}, nil, 200,
			[]string{"Done: your badge page is visible again", `value="hide"`}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m.err = tt.err
			rec := post(tt.token, tt.form)
			body := rec.Body.String()
			if rec.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.wantStatus, body)
			}
			mustContain(t, body, tt.want...)
			for _, nw := range tt.notWant {
				if strings.Contains(body, nw) {
					t.Errorf("page shows %q", nw)
				}
			}
			if m.hidden["tok-a"] != tt.wantHidden {
				t.Errorf("hidden %v, want %v", m.hidden["tok-a"], tt.wantHidden)
			}
		})
	}
	m.err = nil

	// The form looks nothing up and never shows a key from the URL.
	rec := get(t, router, "/badges/tok-x/manage?key=key-a", "text/html")
	if rec.Code != 200 || strings.Contains(rec.Body.String(), "key-a") || rec.Header().Get("Cache-Control") != "no-store" ||
		rec.Header().Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("form: %d %v", rec.Code, rec.Header())
	}
	mustContain(t, rec.Body.String(), `id="manage-key"`, `action="/badges/tok-x/manage"`, "/static/obadge.js")

	// A BadgeSource without the capability has no manage routes.
	if rec := get(t, newRouter(h, &m.fakeSource), "/badges/tok-a/manage", "text/html"); rec.Code != http.StatusNotFound {
		t.Fatalf("manage route without a BadgeManager: %d", rec.Code)
	}
}
