package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// clientFlags are the flags every client command shares.
type clientFlags struct {
	server  string
	token   string
	json    bool
	timeout time.Duration
}

func (cf *clientFlags) register(fs *flag.FlagSet, getenv func(string) string) {
	server := getenv("OBADGE_SERVER")
	if server == "" {
		server = "http://127.0.0.1:8080"
	}
	fs.StringVar(&cf.server, "server", server, "server base URL (env OBADGE_SERVER)")
	fs.StringVar(&cf.token, "token", getenv("OBADGE_TOKEN"), "API token (env OBADGE_TOKEN; default: the admin token in ./obadge-data/admin.token)")
	fs.BoolVar(&cf.json, "json", false, "print machine-readable JSON")
	fs.DurationVar(&cf.timeout, "timeout", 60*time.Second, "request timeout")
}

// client returns an API client, reading the admin token file when no token is set.
func (cf *clientFlags) client(getenv func(string) string) (*client, error) {
	tok := strings.TrimSpace(cf.token)
	if tok == "" {
		dir := getenv("OBADGE_DATA")
		if dir == "" {
			dir = "./obadge-data"
		}
		raw, err := os.ReadFile(filepath.Join(dir, "admin.token"))
		if err != nil {
			return nil, fmt.Errorf("no API token: pass --token or set OBADGE_TOKEN (no %s either)", filepath.Join(dir, "admin.token"))
		}
		tok = strings.TrimSpace(string(raw))
	}
	return &client{server: strings.TrimRight(cf.server, "/"), token: tok, http: &http.Client{Timeout: cf.timeout}}, nil
}

type client struct {
	server string
	token  string
	http   *http.Client
}

// problem is an RFC 9457 body as the server writes it.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Pointer string `json:"pointer"`
		Detail  string `json:"detail"`
	} `json:"errors"`
	RequestID string `json:"requestId"`
}

func (p *problem) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (HTTP %d)", p.Title, p.Status)
	if p.Detail != "" {
		b.WriteString(": " + p.Detail)
	}
	for _, e := range p.Errors {
		fmt.Fprintf(&b, "\n  %s: %s", e.Pointer, e.Detail)
	}
	return b.String()
}

// do sends a JSON request and returns the response body of a 2xx answer, or a
// *problem for an error answer.
func (c *client) do(ctx context.Context, method, path string, body any, header map[string]string) ([]byte, http.Header, error) {
	var rd io.Reader
	if body != nil {
		raw, ok := body.([]byte)
		if !ok {
			var err error
			if raw, err = json.Marshal(body); err != nil {
				return nil, nil, err
			}
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.server+path, rd)
	if err != nil {
		return nil, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	for k, v := range header {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot reach %s: %w", c.server, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, nil, fmt.Errorf("read response: %w", err)
	}
	if resp.StatusCode >= 300 {
		p := &problem{}
		if json.Unmarshal(raw, p) != nil || p.Status == 0 {
			p = &problem{Title: http.StatusText(resp.StatusCode), Status: resp.StatusCode, Detail: strings.TrimSpace(string(raw))}
		}
		return nil, resp.Header, p
	}
	return raw, resp.Header, nil
}

// fail prints err for a client command and returns the exit code.
func fail(stderr io.Writer, cmd string, err error) int {
	var p *problem
	if errors.As(err, &p) {
		fmt.Fprintf(stderr, "obadge %s: %v\n", cmd, p)
		return exitFail
	}
	fmt.Fprintf(stderr, "obadge %s: %v\n", cmd, err)
	return exitFail
}

// printJSON indents raw to w.
func printJSON(w io.Writer, raw []byte) {
	var buf bytes.Buffer
	if json.Indent(&buf, raw, "", "  ") != nil {
		w.Write(raw)
		fmt.Fprintln(w)
		return
	}
	buf.WriteByte('\n')
	w.Write(buf.Bytes())
}

// stringsFlag collects a repeatable flag.
type stringsFlag []string

func (s *stringsFlag) String() string     { return strings.Join(*s, ",") }
func (s *stringsFlag) Set(v string) error { *s = append(*s, v); return nil }

// parseFlags parses a subcommand's flags; ok=false means return code.
func parseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected argument %q\n", fs.Arg(0))
		return exitUsage, false
	}
	return 0, true
}

// readJSONFile reads a JSON request file ("-" = stdin) into v.
func readJSONFile(path string, stdin io.Reader, v any) error {
	var raw []byte
	var err error
	if path == "-" {
		raw, err = io.ReadAll(io.LimitReader(stdin, 16<<20))
	} else {
		raw, err = os.ReadFile(path)
	}
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// parseCredentialID parses fs with the credential ID given before or after the
// flags, and accepts the credential's id URL for its UUID. When ok is false the
// command returns code (exitOK for --help, exitUsage otherwise).
func parseCredentialID(fs *flag.FlagSet, args []string, cmd, usage string, stderr io.Writer) (id string, code int, ok bool) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		id, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return "", exitOK, false
		}
		return "", exitUsage, false
	}
	if id == "" && fs.NArg() > 0 {
		id = fs.Arg(0)
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return "", exitUsage, false
		}
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q\n", cmd, fs.Arg(0))
		return "", exitUsage, false
	}
	if id == "" {
		fmt.Fprintf(stderr, "%s: the credential ID is required\n\n%s", cmd, usage)
		return "", exitUsage, false
	}
	if i := strings.LastIndex(id, "/credentials/"); i >= 0 {
		id = id[i+len("/credentials/"):]
	}
	return id, 0, true
}
