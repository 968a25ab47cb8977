package config

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "obadge.json")
	if err := os.WriteFile(file, []byte(`{"http":{"addr":"127.0.0.1:7000","writeTimeout":"7s"},"store":{"dataDir":"/from/file"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	c := Default()
	if err := c.LoadFile(file); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"OBADGE_DATA": "/from/env", "OBADGE_KEY_PASSPHRASE": "s3cret", "OBADGE_READ_TIMEOUT": "9s"}
	if err := c.ApplyEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.RegisterFlags(fs)
	if err := fs.Parse([]string{"--addr", "0.0.0.0:9000"}); err != nil {
		t.Fatal(err)
	}
	if c.HTTP.Addr != "0.0.0.0:9000" || c.Store.DataDir != "/from/env" || c.HTTP.WriteTimeout.D() != 7*time.Second || c.HTTP.ReadTimeout.D() != 9*time.Second {
		t.Fatalf("precedence wrong: %+v", c)
	}
	if got := c.EffectiveBaseURL(); got != "http://127.0.0.1:9000" {
		t.Fatalf("base URL %s", got)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	red, _ := json.Marshal(c.Redacted())
	if strings.Contains(string(red), "s3cret") || !strings.Contains(string(red), `"passphraseSet":true`) {
		t.Fatalf("redacted config leaks or lacks flag: %s", red)
	}
}

func TestValidateReportsEverything(t *testing.T) {
	c := Default()
	c.HTTP.Addr = "nonsense"
	c.HTTP.BaseURL = "ftp://x"
	c.HTTP.WriteTimeout = 0
	c.Log.Format = "xml"
	c.Keys.KEKFile, c.Keys.Passphrase = "/k", "p"
	err := c.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"http.addr", "baseUrl", "writeTimeout", "log.format", "either a KEK file"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in %v", want, err)
		}
	}
	bad := Default()
	if err := bad.ApplyEnv(func(k string) string {
		if k == "OBADGE_IDLE_TIMEOUT" {
			return "soon"
		}
		return ""
	}); err == nil {
		t.Fatal("bad duration accepted")
	}
	if err := bad.LoadFile(writeTemp(t, `{"http":{"adr":"x"}}`)); err == nil {
		t.Fatal("unknown member accepted")
	}
}

func writeTemp(t *testing.T, s string) string {
	p := filepath.Join(t.TempDir(), "c.json")
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
