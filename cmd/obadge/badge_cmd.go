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
  obadge badge manage-key ID [--issuer ID]
                                       print a new manage link for the recipient (the
                                       old one stops working)

ID is the credential's UUID (the last segment of its id URL; the URL itself is
accepted too). Hiding does not revoke: the credential still verifies wherever its
holder shows it. An issuer whose badgesHiddenByDefault is set issues badges hidden.

The recipient can hide and show the page themselves with the manage link printed
when the credential is issued (<badge page>/manage#<key>). Only a hash of the key
is kept, so a lost link cannot be shown again: manage-key makes a new one.
`

// runBadge runs "badge hide", "badge show" and "badge manage-key".
func runBadge(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "hide" && args[0] != "show" && args[0] != "manage-key") {
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
	path := "/api/v1/issuers/" + pathEscape(*issuerID) + "/credentials/" + pathEscape(id)
	var raw []byte
	if sub == "manage-key" {
		raw, _, err = c.do(ctx, "POST", path+"/manage-key", map[string]any{}, nil)
	} else {
		raw, _, err = c.do(ctx, "PUT", path+"/visibility", map[string]bool{"hidden": sub == "hide"}, nil)
	}
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
	switch {
	case sub == "manage-key":
		fmt.Fprintf(stdout, "Manage link: %s\n  (send it to the recipient; the previous link no longer works)\n", v.ManageURL)
	case v.Hidden:
		fmt.Fprintf(stdout, "Hidden: %s now answers 404\n", v.BadgeURL)
	default:
		fmt.Fprintf(stdout, "Shown: %s\n", v.BadgeURL)
	}
	return exitOK
}
