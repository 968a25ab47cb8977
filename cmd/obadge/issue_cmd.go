package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/obadge/obadge/issuer"
)

const issueUsage = `Usage:
  obadge issue [--issuer ID] --achievement ID (--email EMAIL | --recipient-id DID/URL)
               [--name "Display Name"] [--format ldp|jwt] [--alg EdDSA|ES256|RS256]
               [--valid-from RFC3339] [--valid-until RFC3339]
               [--evidence-url URL] [--evidence-narrative TEXT]
               [--idempotency-key KEY] [--file request.json] [--out FILE]

Writes the signed credential (JSON for ldp, the compact JWT for jwt) to stdout, or
exactly as signed to --out. With --json, prints the server's response (metadata
and credential) instead. A retry with the same --idempotency-key returns the same
credential, never a second one.
`

func runIssue(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("issue", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, issueUsage+"\nFlags:\n"); fs.PrintDefaults() }
	var cf clientFlags
	cf.register(fs, getenv)
	var (
		issuerID, file, out, idem, evURL, evNarr string
		req                                      issuer.IssueRequest
	)
	fs.StringVar(&issuerID, "issuer", envOr(getenv, "OBADGE_ISSUER", "dev"), "issuer id (env OBADGE_ISSUER)")
	fs.StringVar(&file, "file", "", "JSON issue request file, - for stdin")
	fs.StringVar(&out, "out", "", "write the credential to this file (exact signed bytes)")
	fs.StringVar(&idem, "idempotency-key", "", "Idempotency-Key header")
	fs.StringVar(&evURL, "evidence-url", "", "URL of evidence")
	fs.StringVar(&evNarr, "evidence-narrative", "", "narrative of the evidence")
	achievement := fs.String("achievement", "", "achievement id or URL (required)")
	email := fs.String("email", "", "recipient email (published only as a salted SHA-256)")
	rid := fs.String("recipient-id", "", "recipient DID or URL")
	name := fs.String("name", "", "recipient display name")
	format := fs.String("format", "", "ldp (default) or jwt")
	alg := fs.String("alg", "", "JWT algorithm: EdDSA, ES256 or RS256 (default RS256)")
	from := fs.String("valid-from", "", "validFrom (RFC 3339; default now)")
	until := fs.String("valid-until", "", "validUntil (RFC 3339)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if file != "" {
		if err := readJSONFile(file, stdin, &req); err != nil {
			return fail(stderr, "issue", err)
		}
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&req.Achievement, *achievement)
	set(&req.Recipient.Email, *email)
	set(&req.Recipient.ID, *rid)
	set(&req.Recipient.Name, *name)
	set(&req.Format, *format)
	set(&req.Alg, *alg)
	set(&req.ValidFrom, *from)
	set(&req.ValidUntil, *until)
	if evURL != "" || evNarr != "" {
		req.Evidence = append(req.Evidence, issuer.EvidenceInput{ID: evURL, Narrative: evNarr})
	}
	if req.Achievement == "" {
		fmt.Fprintln(stderr, "obadge issue: --achievement is required (see obadge achievement list)")
		return exitUsage
	}
	c, err := cf.client(getenv)
	if err != nil {
		return fail(stderr, "issue", err)
	}
	raw, hdr, err := c.do(ctx, "POST", "/api/v1/issuers/"+pathEscape(issuerID)+"/credentials", req, map[string]string{"Idempotency-Key": idem})
	if err != nil {
		return fail(stderr, "issue", err)
	}
	var resp struct {
		issuer.Issued
		Credential json.RawMessage `json:"credential"`
	}
	if err := json.Unmarshal(raw, &resp); err != nil {
		return fail(stderr, "issue", fmt.Errorf("decode response: %w", err))
	}
	cred := []byte(resp.Credential)
	if resp.Format == issuer.FormatJWT {
		var s string
		if err := json.Unmarshal(resp.Credential, &s); err != nil {
			return fail(stderr, "issue", fmt.Errorf("decode JWT: %w", err))
		}
		cred = []byte(s)
	}
	if out != "" {
		if err := os.WriteFile(out, cred, 0o644); err != nil {
			return fail(stderr, "issue", err)
		}
	}
	replayed := hdr.Get("Idempotent-Replayed") == "true"
	switch {
	case cf.json:
		printJSON(stdout, raw)
	case out == "":
		stdout.Write(cred)
		fmt.Fprintln(stdout)
	}
	if !cf.json {
		verb := "Issued"
		if replayed {
			verb = "Already issued (idempotent replay)"
		}
		fmt.Fprintf(stderr, "%s %s (%s, %s, kid %s)\n", verb, resp.URL, resp.Format, resp.Alg, resp.KeyID)
		if resp.BadgeURL != "" {
			hidden := ""
			if resp.Hidden {
				hidden = " (hidden; obadge badge show " + resp.ID + " publishes it)"
			}
			fmt.Fprintf(stderr, "Badge page: %s%s\n", resp.BadgeURL, hidden)
		}
		if resp.ManageURL != "" {
			fmt.Fprintf(stderr, "Manage link: %s\n  (send it to the recipient with the badge page: it lets them hide and show the page;\n  it is shown only now, obadge badge manage-key %s makes a new one)\n", resp.ManageURL, resp.ID)
		}
		if out != "" {
			fmt.Fprintf(stderr, "Wrote %s\n", out)
		}
	}
	return exitOK
}
