package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/obadge/obadge/internal/config"
	"github.com/obadge/obadge/internal/httpapi"
	"github.com/obadge/obadge/issuer"
	"github.com/obadge/obadge/store"
)

const serveUsage = `Usage: obadge serve [flags]

Runs the issuer and verifier service. With an empty data directory it creates a
development issuer ("dev", Ed25519, did:web on the base URL) and an admin API token,
prints the token once and writes it to <data>/admin.token (mode 0600). A restart
reuses everything in the data directory.

Private keys are encrypted at rest with a key-encryption key from
OBADGE_KEY_PASSPHRASE (scrypt), or from a 32-byte file (--kek-file); without either,
a development KEK is generated as <data>/dev.kek - fine on a laptop, not in
production.

Precedence: defaults < --config JSON file < OBADGE_* environment < flags.

Flags:
`

// configArg finds --config/-config in args before the flag set is built, so that
// the file can sit below env and flags in precedence.
func configArg(args []string) string {
	for i, a := range args {
		for _, p := range []string{"--config", "-config"} {
			if a == p && i+1 < len(args) {
				return args[i+1]
			}
			if v, ok := strings.CutPrefix(a, p+"="); ok {
				return v
			}
		}
	}
	return ""
}

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cfg := config.Default()
	if path := configArg(args); path != "" {
		if err := cfg.LoadFile(path); err != nil {
			fmt.Fprintln(stderr, "obadge serve:", err)
			return exitUsage
		}
	}
	if err := cfg.ApplyEnv(getenv); err != nil {
		fmt.Fprintln(stderr, "obadge serve:", err)
		return exitUsage
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, serveUsage); fs.PrintDefaults() }
	fs.String("config", "", "JSON configuration file (below env and flags in precedence)")
	cfg.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "obadge serve: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintln(stderr, "obadge serve: invalid configuration:\n"+err.Error())
		return exitUsage
	}
	level, _ := cfg.SlogLevel()
	var h slog.Handler = slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level})
	if cfg.Log.Format == "text" {
		h = slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})
	}
	log := slog.New(h)
	if err := serve(ctx, &cfg, log, stdout); err != nil {
		log.Error("obadge serve failed", "error", err)
		return exitFail
	}
	return exitOK
}

// openStore opens the data directory's store with the configured KEK, generating
// the development KEK on first start when none is configured.
func openStore(cfg *config.Config, log *slog.Logger) (*store.Store, error) {
	if err := os.MkdirAll(cfg.Store.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	opts := store.Options{Timeout: cfg.Store.OpenTimeout.D(), Passphrase: cfg.Keys.Passphrase}
	switch {
	case cfg.Keys.Passphrase != "":
		log.Info("private keys encrypted under a KEK derived from OBADGE_KEY_PASSPHRASE (scrypt)")
	case cfg.Keys.KEKFile != "":
		kek, err := store.ReadKEKFile(cfg.Keys.KEKFile)
		if err != nil {
			return nil, err
		}
		opts.KEK = kek
		log.Info("private keys encrypted under the KEK file", "kek_file", cfg.Keys.KEKFile)
	default:
		path := filepath.Join(cfg.Store.DataDir, "dev.kek")
		kek, err := store.ReadKEKFile(path)
		if errors.Is(err, os.ErrNotExist) {
			kek, err = store.GenerateKEKFile(path)
		}
		if err != nil {
			return nil, err
		}
		opts.KEK = kek
		log.Warn("DEVELOPMENT MODE: private keys are encrypted under a generated key-encryption key stored beside the data; "+
			"anyone who can read the data directory can read the keys. In production set OBADGE_KEY_PASSPHRASE or --kek-file.",
			"kek_file", path)
	}
	st, err := store.Open(cfg.DBPath(), opts)
	if errors.Is(err, store.ErrWrongKEK) {
		return nil, fmt.Errorf("%w (was the data directory created with another passphrase or KEK file?)", err)
	}
	return st, err
}

func serve(ctx context.Context, cfg *config.Config, log *slog.Logger, stdout io.Writer) error {
	ln, err := net.Listen("tcp", cfg.HTTP.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.HTTP.Addr, err)
	}
	defer ln.Close()
	if cfg.HTTP.BaseURL == "" {
		// Derive from the real address, so that --addr 127.0.0.1:0 works too.
		c := *cfg
		c.HTTP.Addr = ln.Addr().String()
		cfg.HTTP.BaseURL = c.EffectiveBaseURL()
	}
	log.Info("configuration", "config", cfg.Redacted())

	st, err := openStore(cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	pages := &pageInvalidator{}
	svc, err := issuer.New(issuer.Config{BaseURL: cfg.HTTP.BaseURL, OnStatusChange: pages.StatusChanged}, st,
		issuer.WithLogger(log), issuer.WithStatusLists(issuer.StatusListOptions{}))
	if err != nil {
		return err
	}
	tok, err := svc.Bootstrap(ctx)
	if err != nil {
		return err
	}
	if tok != "" {
		// Print first: the token exists only now, so a failed write must not lose it.
		path := filepath.Join(cfg.Store.DataDir, "admin.token")
		fmt.Fprintf(stdout, "First start: created issuer %q and an admin API token (shown once, also saved to %s):\n\n    %s\n\n",
			issuer.DevIssuerID, path, tok)
		log.Warn("DEVELOPMENT MODE: first start created the issuer \"dev\" and an admin API token", "token_file", path)
		if err := os.WriteFile(path, []byte(tok+"\n"), 0o600); err != nil {
			log.Error("could not save the admin token; copy it from the output above", "token_file", path, "error", err)
		}
	}

	handler := httpapi.NewRouter(routerDeps(svc, newVerifier(svc, log), pages, cfg.HTTP.BaseURL, log, cfg.HTTP.MaxBodyBytes))
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: cfg.HTTP.ReadHeaderTimeout.D(),
		ReadTimeout:       cfg.HTTP.ReadTimeout.D(),
		WriteTimeout:      cfg.HTTP.WriteTimeout.D(),
		IdleTimeout:       cfg.HTTP.IdleTimeout.D(),
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("obadge listening", "addr", ln.Addr().String(), "base_url", cfg.HTTP.BaseURL)
	fmt.Fprintf(stdout, "obadge listening on %s (base URL %s)\n", ln.Addr().String(), cfg.HTTP.BaseURL)

	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve: %w", err)
		}
		return nil
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.HTTP.ShutdownTimeout.D().String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.HTTP.ShutdownTimeout.D())
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("stopped")
	return nil
}
