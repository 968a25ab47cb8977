// Package testutil holds helpers shared by the tests of several packages: finding the
// reference fixtures in ../shared/ref beside the repository, and golden files.
package testutil

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// RepoRoot returns the directory holding go.mod, found by walking up from the
// working directory of the test.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("testutil: go.mod not found above the test directory")
		}
		dir = parent
	}
}

// SharedRef returns the path of parts under ../shared/ref beside the repository, or
// skips the test with a clear message when that folder is absent (it is present in CI).
func SharedRef(t testing.TB, parts ...string) string {
	t.Helper()
	base := filepath.Join(RepoRoot(t), "..", "shared", "ref")
	if _, err := os.Stat(base); err != nil {
		t.Skipf("../shared/ref not present beside the repository (%v): reference fixtures skipped", err)
	}
	return filepath.Join(append([]string{base}, parts...)...)
}

// ReadShared reads a file under ../shared/ref, skipping the test when the folder is absent.
func ReadShared(t testing.TB, parts ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(SharedRef(t, parts...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Golden compares got with testdata/golden/<name> in the calling package, rewriting the
// file when the test binary runs with -update.
func Golden(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run with -update to create it)", name, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("golden %s differs (run with -update to accept):\n got: %s\nwant: %s", name, got, want)
	}
}
