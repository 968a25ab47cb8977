package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/obadge/obadge/issuer"
)

const badgeUsage = `Usage:
  obadge badge hide ID [--issuer ID]   make the credential's public badge page answer 404
  obadge badge show ID [--issuer ID]   publish it again (the same URL as before)

ID is the credential's UUID (the last segment of its id URL; the URL itself is
accepted too). Hiding does not revoke: the credential still verifies wherever its
holder shows it. An issuer whose badgesHiddenByDefault is set issues badges hidden.
`

// runBadge runs "badge hide" and "badge show".
func runBadge(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "hide" && args[0] != "show") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprint(stdout, badgeUsage)
			return exitOK
		}
		fmt.Fprint(stderr, badgeUsage)
		return exitUsage
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("badge "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, badgeUsage+"\nFlags:\n"); fs.PrintDefaults() }
	var cf clientFlags
	cf.register(fs, getenv)
	issuerID := fs.String("issuer", envOr(getenv, "OBADGE_ISSUER", "dev"), "issuer id (env OBADGE_ISSUER)")
	id, code, ok := parseCredentialID(fs, args, "obadge badge "+sub, badgeUsage, stderr)
	if !ok {
		return code
	}
	c, err := cf.client(getenv)
	if err != nil {
		return fail(stderr, "badge "+sub, err)
	}
	path := "/api/v1/issuers/" + pathEscape(*issuerID) + "/credentials/" + pathEscape(id) + "/visibility"
	raw, _, err := c.do(ctx, "PUT", path, map[string]bool{"hidden": sub == "hide"}, nil)
	if err != nil {
		return fail(stderr, "badge "+sub, err)
	}
	if cf.json {
		printJSON(stdout, raw)
		return exitOK
	}
	var v issuer.Issued
	if err := json.Unmarshal(raw, &v); err != nil {
		return fail(stderr, "badge "+sub, fmt.Errorf("decode response: %w", err))
	}
	if v.Hidden {
		fmt.Fprintf(stdout, "Hidden: %s now answers 404\n", v.BadgeURL)
	} else {
		fmt.Fprintf(stdout, "Shown: %s\n", v.BadgeURL)
	}
	return exitOK
}
