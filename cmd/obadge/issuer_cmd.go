package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/obadge/obadge/issuer"
)

const issuerUsage = `Usage:
  obadge issuer create --name NAME [--id SLUG] [--url URL] [--description TEXT]
                       [--email EMAIL] [--image URL] [--did-method web|key]
  obadge issuer list
  obadge issuer token --issuer ID [--name LABEL]   mint an API token scoped to one issuer

Creating issuers and listing all of them needs an admin token.
`

func runIssuer(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "--help" || args[0] == "-h" || args[0] == "help" {
		fmt.Fprint(stderr, issuerUsage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	fs := flag.NewFlagSet("issuer "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, issuerUsage+"\nFlags:\n"); fs.PrintDefaults() }
	var cf clientFlags
	cf.register(fs, getenv)
	switch args[0] {
	case "create":
		var in issuer.IssuerInput
		fs.StringVar(&in.ID, "id", "", "slug used in URLs and the DID ([a-z0-9-]; generated if empty)")
		fs.StringVar(&in.Name, "name", "", "display name (required)")
		fs.StringVar(&in.URL, "url", "", "homepage URL")
		fs.StringVar(&in.Description, "description", "", "description")
		fs.StringVar(&in.Email, "email", "", "contact email")
		fs.StringVar(&in.Image, "image", "", "logo URL")
		fs.StringVar(&in.DIDMethod, "did-method", "web", "web (did:web on the server URL) or key (did:key)")
		if code, ok := parseFlags(fs, args[1:]); !ok {
			return code
		}
		c, err := cf.client(getenv)
		if err != nil {
			return fail(stderr, "issuer create", err)
		}
		raw, _, err := c.do(ctx, "POST", "/api/v1/issuers", in, nil)
		if err != nil {
			return fail(stderr, "issuer create", err)
		}
		if cf.json {
			printJSON(stdout, raw)
			return exitOK
		}
		var iss issuer.Issuer
		if err := json.Unmarshal(raw, &iss); err != nil {
			return fail(stderr, "issuer create", err)
		}
		fmt.Fprintf(stdout, "Created issuer %s (%s)\n", iss.ID, iss.Name)
		printIssuer(stdout, &iss)
		return exitOK
	case "list":
		if code, ok := parseFlags(fs, args[1:]); !ok {
			return code
		}
		c, err := cf.client(getenv)
		if err != nil {
			return fail(stderr, "issuer list", err)
		}
		raw, _, err := c.do(ctx, "GET", "/api/v1/issuers", nil, nil)
		if err != nil {
			return fail(stderr, "issuer list", err)
		}
		if cf.json {
			printJSON(stdout, raw)
			return exitOK
		}
		var resp struct {
			Issuers []issuer.Issuer `json:"issuers"`
		}
		if err := json.Unmarshal(raw, &resp); err != nil {
			return fail(stderr, "issuer list", err)
		}
		for i := range resp.Issuers {
			fmt.Fprintf(stdout, "%s\t%s\n", resp.Issuers[i].ID, resp.Issuers[i].Name)
			printIssuer(stdout, &resp.Issuers[i])
		}
		return exitOK
	case "token":
		id := fs.String("issuer", "", "issuer id the token acts for (required)")
		name := fs.String("name", "", "label stored with the token")
		if code, ok := parseFlags(fs, args[1:]); !ok {
			return code
		}
		if *id == "" {
			fmt.Fprintln(stderr, "obadge issuer token: --issuer is required")
			return exitUsage
		}
		c, err := cf.client(getenv)
		if err != nil {
			return fail(stderr, "issuer token", err)
		}
		raw, _, err := c.do(ctx, "POST", "/api/v1/issuers/"+pathEscape(*id)+"/tokens", map[string]string{"name": *name}, nil)
		if err != nil {
			return fail(stderr, "issuer token", err)
		}
		if cf.json {
			printJSON(stdout, raw)
			return exitOK
		}
		var resp struct {
			Token string `json:"token"`
		}
		_ = json.Unmarshal(raw, &resp)
		fmt.Fprintf(stdout, "%s\n", resp.Token)
		return exitOK
	default:
		fmt.Fprintf(stderr, "obadge issuer: unknown subcommand %q\n\n%s", args[0], issuerUsage)
		return exitUsage
	}
}

func printIssuer(w io.Writer, iss *issuer.Issuer) {
	fmt.Fprintf(w, "  DID:     %s\n  Profile: %s\n", iss.DID, iss.ProfileURL)
	if iss.DIDDocumentURL != "" {
		fmt.Fprintf(w, "  DID doc: %s\n", iss.DIDDocumentURL)
	}
	for _, k := range iss.Keys {
		fmt.Fprintf(w, "  Key:     %s %s (%s)\n", k.Alg, k.VerificationMethod, k.JWKURL)
	}
}
