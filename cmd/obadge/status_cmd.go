package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/obadge/obadge/issuer"
)

const statusUsage = `Usage:
  obadge revoke    ID --reason TEXT [--issuer ID]   revoke a credential (final)
  obadge suspend   ID --reason TEXT [--issuer ID]   suspend it while under review
  obadge reinstate ID --reason TEXT [--issuer ID]   end a suspension
  obadge status    ID [--issuer ID]                 show its status and history

ID is the credential's UUID (the last segment of its id URL; the URL itself is
accepted too). The change reaches every verifier when its cached status list
expires (at most 5 minutes). Who (the token's name), when and why are recorded and
shown by "obadge status". A revoked credential cannot be reinstated or suspended.
Suspension needs the issuer's suspension setting on when the credential was
issued (PUT /api/v1/issuers/{issuer}/status-settings {"suspension": true}).
`

// runStatus runs revoke, suspend, reinstate (action set) and status (action "").
func runStatus(ctx context.Context, cmd string, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, statusUsage+"\nFlags:\n"); fs.PrintDefaults() }
	var cf clientFlags
	cf.register(fs, getenv)
	issuerID := fs.String("issuer", envOr(getenv, "OBADGE_ISSUER", "dev"), "issuer id (env OBADGE_ISSUER)")
	reason := fs.String("reason", "", "why (required for a change; recorded, never published)")
	id, code, ok := parseCredentialID(fs, args, "obadge "+cmd, statusUsage, stderr)
	if !ok {
		return code
	}
	action := map[string]string{"revoke": "revoke", "suspend": "suspend", "reinstate": "reinstate"}[cmd]
	if action != "" && strings.TrimSpace(*reason) == "" {
		fmt.Fprintf(stderr, "obadge %s: --reason is required (it is recorded with the change)\n", cmd)
		return exitUsage
	}
	c, err := cf.client(getenv)
	if err != nil {
		return fail(stderr, cmd, err)
	}
	path := "/api/v1/issuers/" + pathEscape(*issuerID) + "/credentials/" + pathEscape(id) + "/status"
	var raw []byte
	if action == "" {
		raw, _, err = c.do(ctx, "GET", path, nil, nil)
	} else {
		raw, _, err = c.do(ctx, "POST", path, issuer.StatusChangeRequest{Action: action, Reason: *reason}, nil)
	}
	if err != nil {
		return fail(stderr, cmd, err)
	}
	if cf.json {
		printJSON(stdout, raw)
		return exitOK
	}
	var st issuer.CredentialStatus
	if err := json.Unmarshal(raw, &st); err != nil {
		return fail(stderr, cmd, fmt.Errorf("decode response: %w", err))
	}
	switch {
	case action == "":
		fmt.Fprintf(stdout, "%s: %s\n", st.CredentialID, st.State)
		for _, e := range st.Entries {
			fmt.Fprintf(stdout, "  %s entry %s\n", e.StatusPurpose, e.ID)
		}
		for _, ev := range st.History {
			fmt.Fprintf(stdout, "  %s  %-9s by %s: %s\n", ev.At.UTC().Format("2006-01-02T15:04:05Z"), ev.Action, ev.By, ev.Reason)
		}
	case st.Changed:
		fmt.Fprintf(stdout, "%s is now %s\n", st.CredentialID, st.State)
	default:
		fmt.Fprintf(stdout, "%s was already %s (nothing changed)\n", st.CredentialID, st.State)
	}
	return exitOK
}
