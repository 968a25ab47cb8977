package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Duration is a time.Duration written in JSON as a Go duration string ("5s").
type Duration time.Duration

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads a duration string such as "30s" or "1m".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string such as \"30s\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// D returns the time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// Config is the whole service configuration.
type Config struct {
	HTTP  HTTP  `json:"http"`
	Store Store `json:"store"`
	Keys  Keys  `json:"keys"`
	Log   Log   `json:"log"`
}

// HTTP configures the listener and server limits.
type HTTP struct {
	// Addr is the listen address (OBADGE_ADDR, --addr).
	Addr string `json:"addr"`
	// BaseURL is the public URL ids, did:web and links are built on (OBADGE_BASE_URL,
	// --base-url). If empty, it is derived from Addr: http://<host>:<port>, with
	// 127.0.0.1 for an unspecified host.
	BaseURL           string   `json:"baseUrl"`
	ReadHeaderTimeout Duration `json:"readHeaderTimeout"`
	ReadTimeout       Duration `json:"readTimeout"`
	WriteTimeout      Duration `json:"writeTimeout"`
	IdleTimeout       Duration `json:"idleTimeout"`
	ShutdownTimeout   Duration `json:"shutdownTimeout"`
	// MaxBodyBytes bounds every request body (OBADGE_MAX_BODY_BYTES).
	MaxBodyBytes int64 `json:"maxBodyBytes"`
}

// Store configures the data directory.
type Store struct {
	// DataDir holds obadge.db, admin.token and (dev mode) dev.kek (OBADGE_DATA, --data).
	DataDir     string   `json:"dataDir"`
	OpenTimeout Duration `json:"openTimeout"`
}

// Keys configures the key-encryption key of private keys at rest.
type Keys struct {
	// KEKFile names a file of exactly 32 random bytes (OBADGE_KEK_FILE, --kek-file).
	KEKFile string `json:"kekFile"`
	// Passphrase comes only from OBADGE_KEY_PASSPHRASE; it is never read from the file
	// nor logged.
	Passphrase string `json:"-"`
}

// Log configures slog.
type Log struct {
	Level  string `json:"level"`  // debug | info | warn | error
	Format string `json:"format"` // json | text
}

// Default returns the zero-config settings.
func Default() Config {
	return Config{
		HTTP: HTTP{
			Addr:              "127.0.0.1:8080",
			ReadHeaderTimeout: Duration(5 * time.Second),
			ReadTimeout:       Duration(15 * time.Second),
			WriteTimeout:      Duration(30 * time.Second),
			IdleTimeout:       Duration(120 * time.Second),
			ShutdownTimeout:   Duration(20 * time.Second),
			MaxBodyBytes:      1 << 20,
		},
		Store: Store{DataDir: "./obadge-data", OpenTimeout: Duration(5 * time.Second)},
		Log:   Log{Level: "info", Format: "json"},
	}
}

// LoadFile overlays the JSON file at path on c. Unknown members are an error.
func (c *Config) LoadFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		return fmt.Errorf("config: %s: %w", path, err)
	}
	return nil
}

// ApplyEnv overlays OBADGE_* variables read through getenv.
func (c *Config) ApplyEnv(getenv func(string) string) error {
	var errs []error
	str := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	dur := func(name string, dst *Duration) {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
				return
			}
			*dst = Duration(d)
		}
	}
	str("OBADGE_ADDR", &c.HTTP.Addr)
	str("OBADGE_BASE_URL", &c.HTTP.BaseURL)
	str("OBADGE_DATA", &c.Store.DataDir)
	str("OBADGE_KEK_FILE", &c.Keys.KEKFile)
	str("OBADGE_KEY_PASSPHRASE", &c.Keys.Passphrase)
	str("OBADGE_LOG_LEVEL", &c.Log.Level)
	str("OBADGE_LOG_FORMAT", &c.Log.Format)
	dur("OBADGE_READ_HEADER_TIMEOUT", &c.HTTP.ReadHeaderTimeout)
	dur("OBADGE_READ_TIMEOUT", &c.HTTP.ReadTimeout)
	dur("OBADGE_WRITE_TIMEOUT", &c.HTTP.WriteTimeout)
	dur("OBADGE_IDLE_TIMEOUT", &c.HTTP.IdleTimeout)
	dur("OBADGE_SHUTDOWN_TIMEOUT", &c.HTTP.ShutdownTimeout)
	if v := getenv("OBADGE_MAX_BODY_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("OBADGE_MAX_BODY_BYTES: %w", err))
		} else {
			c.HTTP.MaxBodyBytes = n
		}
	}
	return errors.Join(errs...)
}

// durationFlag adapts a *Duration to flag.Value.
type durationFlag struct{ d *Duration }

func (f durationFlag) String() string {
	if f.d == nil {
		return ""
	}
	return time.Duration(*f.d).String()
}

func (f durationFlag) Set(s string) error {
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*f.d = Duration(v)
	return nil
}

// RegisterFlags binds the service flags to c's fields; their defaults are c's
// current values, so call it after LoadFile and ApplyEnv.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.HTTP.Addr, "addr", c.HTTP.Addr, "listen address (env OBADGE_ADDR)")
	fs.StringVar(&c.HTTP.BaseURL, "base-url", c.HTTP.BaseURL, "public base URL for ids, did:web and links (env OBADGE_BASE_URL; default http://<addr>)")
	fs.StringVar(&c.Store.DataDir, "data", c.Store.DataDir, "data directory: bbolt file, admin token, dev KEK (env OBADGE_DATA)")
	fs.StringVar(&c.Keys.KEKFile, "kek-file", c.Keys.KEKFile, "file with a 32-byte key-encryption key (env OBADGE_KEK_FILE; or set OBADGE_KEY_PASSPHRASE)")
	fs.StringVar(&c.Log.Level, "log-level", c.Log.Level, "debug, info, warn or error (env OBADGE_LOG_LEVEL)")
	fs.StringVar(&c.Log.Format, "log-format", c.Log.Format, "json or text (env OBADGE_LOG_FORMAT)")
	fs.Int64Var(&c.HTTP.MaxBodyBytes, "max-body-bytes", c.HTTP.MaxBodyBytes, "largest request body accepted (env OBADGE_MAX_BODY_BYTES)")
	fs.Var(durationFlag{&c.HTTP.ReadHeaderTimeout}, "read-header-timeout", "HTTP read-header timeout")
	fs.Var(durationFlag{&c.HTTP.ReadTimeout}, "read-timeout", "HTTP read timeout")
	fs.Var(durationFlag{&c.HTTP.WriteTimeout}, "write-timeout", "HTTP write timeout")
	fs.Var(durationFlag{&c.HTTP.IdleTimeout}, "idle-timeout", "HTTP idle timeout")
	fs.Var(durationFlag{&c.HTTP.ShutdownTimeout}, "shutdown-timeout", "graceful shutdown bound")
}

// EffectiveBaseURL returns BaseURL, or the URL derived from Addr.
func (c *Config) EffectiveBaseURL() string {
	if c.HTTP.BaseURL != "" {
		return strings.TrimRight(c.HTTP.BaseURL, "/")
	}
	host, port, err := net.SplitHostPort(c.HTTP.Addr)
	if err != nil {
		return "http://" + c.HTTP.Addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// DBPath is the bbolt file inside DataDir.
func (c *Config) DBPath() string { return filepath.Join(c.Store.DataDir, "obadge.db") }

// Validate returns every problem found, joined.
func (c *Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.HTTP.Addr); err != nil {
		errs = append(errs, fmt.Errorf("http.addr %q: %w", c.HTTP.Addr, err))
	}
	if c.HTTP.BaseURL != "" {
		u, err := url.Parse(c.HTTP.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			errs = append(errs, fmt.Errorf("http.baseUrl %q must be an absolute http(s) URL without query or fragment", c.HTTP.BaseURL))
		}
	}
	for name, d := range map[string]Duration{
		"readHeaderTimeout": c.HTTP.ReadHeaderTimeout, "readTimeout": c.HTTP.ReadTimeout,
		"writeTimeout": c.HTTP.WriteTimeout, "idleTimeout": c.HTTP.IdleTimeout, "shutdownTimeout": c.HTTP.ShutdownTimeout,
	} {
		if d <= 0 {
			errs = append(errs, fmt.Errorf("http.%s must be positive", name))
		}
	}
	if c.HTTP.MaxBodyBytes < 1024 {
		errs = append(errs, fmt.Errorf("http.maxBodyBytes %d is below 1024", c.HTTP.MaxBodyBytes))
	}
	if c.Store.DataDir == "" {
		errs = append(errs, errors.New("store.dataDir is required"))
	}
	if c.Store.OpenTimeout <= 0 {
		errs = append(errs, errors.New("store.openTimeout must be positive"))
	}
	if c.Keys.KEKFile != "" && c.Keys.Passphrase != "" {
		errs = append(errs, errors.New("keys: set either a KEK file or OBADGE_KEY_PASSPHRASE, not both"))
	}
	if _, err := c.SlogLevel(); err != nil {
		errs = append(errs, err)
	}
	if c.Log.Format != "json" && c.Log.Format != "text" {
		errs = append(errs, fmt.Errorf("log.format %q must be json or text", c.Log.Format))
	}
	return errors.Join(errs...)
}

// SlogLevel parses Log.Level.
func (c *Config) SlogLevel() (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.Log.Level)); err != nil {
		return 0, fmt.Errorf("log.level %q: %w", c.Log.Level, err)
	}
	return l, nil
}

// Redacted returns the config as it may be logged (no passphrase; only whether one
// is set).
func (c *Config) Redacted() map[string]any {
	raw, _ := json.Marshal(c)
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	_ = dec.Decode(&m)
	m["keys"] = map[string]any{"kekFile": c.Keys.KEKFile, "passphraseSet": c.Keys.Passphrase != ""}
	m["effectiveBaseUrl"] = c.EffectiveBaseURL()
	return m
}
