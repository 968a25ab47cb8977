package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/obadge/obadge/verifier"
)

const verifyUsage = `Usage: obadge verify [flags] INPUT...

Verify Open Badges 3.0 credentials and report every check.

INPUT is a file (.json, .jwt, .png, .svg), "-" for standard input, or an https URL.
The credential may be JSON-LD with a Data Integrity proof, a VC-JWT, a baked PNG or
SVG badge, or a Verifiable Presentation.

Exit status: 0 when every input verified, 1 when any did not, 2 when the command
could not run (bad flags, unreadable file).

Flags:
`

// maxInputBytes bounds one input read from a file or standard input.
const maxInputBytes = 16 << 20

// runVerify is `obadge verify`.
func runVerify(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON report per input (one per line)")
	documents := fs.String("documents", env("OBADGE_DOCUMENTS"), "JSON file mapping DIDs and URLs to pinned documents (DID documents, controller documents, status lists), used before any network fetch")
	offline := fs.Bool("offline", false, "never use the network: only pinned documents, did:key and did:jwk")
	at := fs.String("at", "", "judge validity at this time (RFC 3339), e.g. the day of a licence renewal; default now")
	email := fs.String("recipient-email", "", "check the credential was issued to this email address")
	rid := fs.String("recipient-id", "", "check the credential was issued to this id (DID or URL)")
	allowPrivate := fs.Bool("allow-private", false, "let fetches reach loopback and private networks (tests and closed deployments only)")
	fs.Usage = func() {
		fmt.Fprint(stderr, verifyUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "obadge verify: name at least one INPUT (a file, - or a URL)")
		fs.Usage()
		return 2
	}
	if *email != "" && *rid != "" {
		fmt.Fprintln(stderr, "obadge verify: use --recipient-email or --recipient-id, not both")
		return 2
	}
	opts := verifier.VerifyOptions{RecipientEmail: *email, RecipientID: *rid}
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			fmt.Fprintf(stderr, "obadge verify: --at %q is not an RFC 3339 time (e.g. 2026-06-30T00:00:00Z)\n", *at)
			return 2
		}
		opts.At = t
	}
	cfg := verifier.Config{Offline: *offline, AllowPrivate: *allowPrivate}
	if *documents != "" {
		docs, err := verifier.ReadDocuments(*documents)
		if err != nil {
			fmt.Fprintf(stderr, "obadge verify: %v\n", err)
			return 2
		}
		cfg.Documents = docs
	}
	v, err := verifier.Configure(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "obadge verify: %v\n", err)
		return 2
	}

	status := 0
	for i, in := range fs.Args() {
		if !*asJSON && fs.NArg() > 1 {
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			fmt.Fprintf(stderr, "[%d/%d] %s\n", i+1, fs.NArg(), in)
		}
		rep, err := verifyOne(ctx, v, in, opts, stdin)
		if err != nil {
			fmt.Fprintf(stderr, "obadge verify: %s: %v\n", in, err)
			return 2
		}
		if !rep.Verified && status == 0 {
			status = 1
		}
		if *asJSON {
			stdout.Write(rep.JSON())
			fmt.Fprintln(stdout)
			continue
		}
		printReport(stdout, in, rep)
	}
	return status
}

func verifyOne(ctx context.Context, v *verifier.Verifier, in string, opts verifier.VerifyOptions, stdin io.Reader) (*verifier.Report, error) {
	if strings.HasPrefix(in, "https://") || strings.HasPrefix(in, "http://") {
		return v.VerifyURL(ctx, in, opts)
	}
	var r io.Reader = stdin
	if in != "-" {
		f, err := os.Open(in)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
		opts.Hint = filepath.Base(in)
	}
	raw, err := io.ReadAll(io.LimitReader(r, maxInputBytes+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > maxInputBytes {
		return nil, fmt.Errorf("larger than %d bytes", maxInputBytes)
	}
	return v.Verify(ctx, raw, opts)
}

var statusMark = map[verifier.Status]string{verifier.Pass: "pass", verifier.Fail: "FAIL", verifier.Warn: "warn", verifier.Skip: "skip"}

// printReport writes the report for people: the verdict, what the badge is, and
// each check with its reason.
func printReport(w io.Writer, name string, r *verifier.Report) {
	verdict := "VERIFIED"
	if !r.Verified {
		verdict = "NOT VERIFIED"
	}
	fmt.Fprintf(w, "%s  %s\n", verdict, name)
	s := r.Summary
	if s.AchievementName != "" {
		line := "  " + s.AchievementName
		if s.AchievementType != "" {
			line += " (" + s.AchievementType + ")"
		}
		fmt.Fprintln(w, line)
	}
	if s.IssuerName != "" || s.IssuerID != "" {
		fmt.Fprintf(w, "  issued by %s\n", strings.TrimSpace(s.IssuerName+" "+bracket(s.IssuerID)))
	}
	if s.Recipient != "" {
		fmt.Fprintf(w, "  to        %s\n", s.Recipient)
	}
	if s.ValidFrom != "" {
		line := "  valid     from " + s.ValidFrom
		if s.ValidUntil != "" {
			line += " until " + s.ValidUntil
		}
		fmt.Fprintln(w, line)
	}
	if s.Credits != nil {
		fmt.Fprintf(w, "  credits   %g\n", *s.Credits)
	}
	if s.StatusState != "" {
		fmt.Fprintf(w, "  status    %s\n", s.StatusState)
	}
	if s.Format != "" {
		fmt.Fprintf(w, "  format    %s %s\n", s.Format, s.ProofType)
	}
	for _, c := range r.Checks {
		fmt.Fprintf(w, "  [%s] %-18s %s\n", statusMark[c.Status], c.ID, c.Message)
	}
	for i, e := range r.Endorsements {
		fmt.Fprintf(w, "  endorsement %d: %s\n", i+1, verdictWord(e.Verified))
		for _, c := range e.Checks {
			fmt.Fprintf(w, "    [%s] %-16s %s\n", statusMark[c.Status], c.ID, c.Message)
		}
	}
	for i, c := range r.Credentials {
		fmt.Fprintf(w, "  credential %d:\n", i+1)
		printReport(indent{w}, fmt.Sprintf("credential %d", i+1), c)
	}
}

func verdictWord(ok bool) string {
	if ok {
		return "verified"
	}
	return "NOT verified"
}

func bracket(s string) string {
	if s == "" {
		return ""
	}
	return "<" + s + ">"
}

type indent struct{ w io.Writer }

func (i indent) Write(p []byte) (int, error) {
	lines := strings.SplitAfter(string(p), "\n")
	for _, l := range lines {
		if l == "" {
			continue
		}
		if _, err := io.WriteString(i.w, "    "+l); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}
