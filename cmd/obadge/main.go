// Command obadge issues and verifies Open Badges 3.0 credentials.
//
//	obadge serve                      run the issuer and verifier service
//	obadge issuer create|list|token   manage issuer profiles (client)
//	obadge achievement create|list    manage the achievement catalogue (client)
//	obadge issue                      issue one credential (client)
//	obadge verify                     verify a credential (offline or online)
//	obadge revoke|suspend|reinstate   change a credential's status (client)
//	obadge badge hide|show            hide or show a credential's public badge page (client)
//
// Run "obadge <command> --help" for the flags of each command.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `obadge issues and verifies Open Badges 3.0 credentials.

Usage:
  obadge serve [flags]                  run the issuer + verifier service (zero config)
  obadge issuer create|list|token       manage issuer profiles on a running server
  obadge achievement create|list        manage the achievement catalogue
  obadge issue [flags]                  issue one credential, write it to stdout or --out
  obadge verify [flags] <file|url|->    verify a credential
  obadge revoke|suspend|reinstate ID --reason TEXT
                                        change a credential's status (status ID: history)
  obadge badge hide|show ID             hide or show a credential's public badge page

Client commands take --server/--token (env OBADGE_SERVER, OBADGE_TOKEN; the token
defaults to ./obadge-data/admin.token) and --json for machine-readable output.
Run "obadge <command> --help" for details.
`

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // the operation failed (server refused, network, verification)
	exitUsage = 2 // bad command line
)

// run is main without the process: arguments after the program name, the
// environment, and the standard streams. It returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], getenv, stdout, stderr)
	case "issuer":
		return runIssuer(ctx, args[1:], getenv, stdout, stderr)
	case "achievement", "achievements":
		return runAchievement(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "issue":
		return runIssue(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "verify":
		return runVerify(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "revoke", "suspend", "reinstate", "status":
		return runStatus(ctx, args[0], args[1:], getenv, stdout, stderr)
	case "badge", "badges":
		return runBadge(ctx, args[1:], getenv, stdout, stderr)
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "obadge: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
}
