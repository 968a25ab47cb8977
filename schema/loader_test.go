package schema

import (
	"encoding/json"
	"errors"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/obadge/obadge/internal/testutil"
	"github.com/piprate/json-gold/ld"
)

// TestEmbeddedContextsMatchReference checks each embedded context against the copy
// collected independently in ../shared/ref/contexts (paired by URL through both
// context maps): the parsed JSON must be deep-equal, so a context cannot drift from
// the published one unnoticed (a changed term definition changes what is signed).
func TestEmbeddedContextsMatchReference(t *testing.T) {
	t.Parallel()
	var ref struct {
		Contexts map[string]string `json:"contexts"`
	}
	if err := json.Unmarshal(testutil.ReadShared(t, "contexts", "context-map.json"), &ref); err != nil {
		t.Fatal(err)
	}
	mapping, err := contextFS.ReadFile("contexts/context-map.json")
	if err != nil {
		t.Fatal(err)
	}
	var embedded map[string]string
	if err := json.Unmarshal(mapping, &embedded); err != nil {
		t.Fatal(err)
	}
	if len(embedded) == 0 {
		t.Fatal("no embedded contexts")
	}
	for u, file := range embedded {
		t.Run(u, func(t *testing.T) {
			refFile, ok := ref.Contexts[u]
			if !ok {
				t.Fatalf("no reference copy of %s in ../shared/ref/contexts/context-map.json", u)
			}
			got := parseJSON(t, mustRead(t, func() ([]byte, error) { return contextFS.ReadFile(path.Join("contexts", file)) }))
			want := parseJSON(t, mustRead(t, func() ([]byte, error) {
				return os.ReadFile(filepath.Join(testutil.SharedRef(t, "contexts"), refFile))
			}))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("embedded %s differs from the reference %s", file, refFile)
			}
		})
	}
}

func mustRead(t *testing.T, f func() ([]byte, error)) []byte {
	t.Helper()
	b, err := f()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parseJSON(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestLoaderRefuses(t *testing.T) {
	t.Parallel()
	l := DefaultLoader()
	for _, u := range []string{
		"https://example.org/context.jsonld",
		"https://www.w3.org/ns/credentials/v2/", // not the exact URL
		"http://www.w3.org/ns/credentials/v2",   // not the exact scheme
		"/etc/passwd",
		"contexts/credentials-v2.jsonld",
		"credentials-v2.jsonld",
		"file:///etc/passwd",
		"data:application/ld+json,{\"@context\":{}}",
		"",
	} {
		doc, err := l.LoadDocument(u)
		if doc != nil || !errors.Is(err, ErrUnknownContext) {
			t.Errorf("LoadDocument(%q) = %v, %v; want ErrUnknownContext", u, doc, err)
		}
		if l.Has(u) {
			t.Errorf("Has(%q)", u)
		}
	}
	// Through json-gold, an unknown context fails expansion, not silently.
	_, err := ld.NewJsonLdProcessor().Expand(map[string]any{"@context": "file:///etc/passwd", "x": 1}, l.Options())
	if !errors.Is(err, ErrUnknownContext) {
		t.Errorf("Expand with a file: context: err = %v", err)
	}
}

func TestLoaderAnswers(t *testing.T) {
	t.Parallel()
	l := DefaultLoader()
	for _, u := range []string{ContextVCv2, ContextVCv1, ContextOB303, ContextDIv2, ContextMultikey, ContextEd2020, ContextStatusV1, ContextDIDv1} {
		d, err := l.LoadDocument(u)
		if err != nil || d.DocumentURL != u || d.Document == nil {
			t.Errorf("LoadDocument(%s): %v", u, err)
		}
	}
	if got := l.URLs(); len(got) < 10 {
		t.Errorf("URLs() = %v", got)
	}
	o := l.Options()
	if !o.SafeMode || o.Base != "" || o.ProcessingMode != ld.JsonLd_1_1 || o.DocumentLoader != l {
		t.Errorf("Options() = %+v", o)
	}
}

func TestNewLoaderExtra(t *testing.T) {
	t.Parallel()
	if _, err := NewLoader(map[string][]byte{ContextVCv2: []byte(`{"@context":{}}`)}); err == nil {
		t.Error("an extra context replaced an embedded one")
	}
	if _, err := NewLoader(map[string][]byte{"https://example.org/c": []byte(`{`)}); err == nil {
		t.Error("a malformed extra context was accepted")
	}
	l, err := NewLoader(map[string][]byte{"https://example.org/c": []byte(`{"@context":{"ex":"https://example.org/#"}}`)})
	if err != nil || !l.Has("https://example.org/c") || DefaultLoader().Has("https://example.org/c") {
		t.Errorf("extra context: %v", err)
	}
}

// TestLoaderConcurrent expands documents from many goroutines at once through the
// shared default loader; run with -race.
func TestLoaderConcurrent(t *testing.T) {
	t.Parallel()
	raw := testutil.ReadShared(t, "examples", "1edtech-validator-ob30", "simple.json")
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 3; j++ {
				var doc map[string]any
				if err := json.Unmarshal(raw, &doc); err != nil {
					errs <- err
					return
				}
				if _, err := DetectDataLoss(doc, DefaultLoader()); err != nil {
					errs <- err
					return
				}
				if _, err := DefaultLoader().LoadDocument(ContextOB303); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
