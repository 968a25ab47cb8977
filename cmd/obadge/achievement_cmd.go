package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/obadge/obadge/issuer"
)

const achievementUsage = `Usage:
  obadge achievement create [--issuer ID] --name NAME --description TEXT
                            (--criteria NARRATIVE | --criteria-url URL)
                            [--type MicroCredential] [--image URL] [--tag T ...]
                            [--human-code CODE] [--credits 1.5] [--file achievement.json]
  obadge achievement list [--issuer ID]

--file (or "-" for stdin) reads a full OB achievement request (alignment,
resultDescription with rubric levels, ...); flags given beside it override its fields.
`

func pathEscape(s string) string { return url.PathEscape(s) }

func runAchievement(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "--help" || args[0] == "-h" || args[0] == "help" {
		fmt.Fprint(stderr, achievementUsage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	fs := flag.NewFlagSet("achievement "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, achievementUsage+"\nFlags:\n"); fs.PrintDefaults() }
	var cf clientFlags
	cf.register(fs, getenv)
	issuerID := fs.String("issuer", envOr(getenv, "OBADGE_ISSUER", "dev"), "issuer id (env OBADGE_ISSUER)")
	switch args[0] {
	case "create":
		var (
			file, name, desc, criteria, criteriaURL, typ, image, code string
			credits                                                   float64
			tags                                                      stringsFlag
		)
		fs.StringVar(&file, "file", "", "JSON achievement request file, - for stdin")
		fs.StringVar(&name, "name", "", "name (required)")
		fs.StringVar(&desc, "description", "", "description (required)")
		fs.StringVar(&criteria, "criteria", "", "criteria narrative (Markdown)")
		fs.StringVar(&criteriaURL, "criteria-url", "", "URL of the criteria page")
		fs.StringVar(&typ, "type", "", "achievementType, e.g. MicroCredential, Badge, Certificate")
		fs.StringVar(&image, "image", "", "image URL")
		fs.StringVar(&code, "human-code", "", "human-readable code, e.g. TPD-101")
		fs.Float64Var(&credits, "credits", -1, "creditsAvailable")
		fs.Var(&tags, "tag", "tag (repeatable)")
		if code, ok := parseFlags(fs, args[1:]); !ok {
			return code
		}
		var in issuer.AchievementInput
		if file != "" {
			if err := readJSONFile(file, stdin, &in); err != nil {
				return fail(stderr, "achievement create", err)
			}
		}
		set := func(dst *string, v string) {
			if v != "" {
				*dst = v
			}
		}
		set(&in.Name, name)
		set(&in.Description, desc)
		set(&in.Criteria.Narrative, criteria)
		set(&in.Criteria.ID, criteriaURL)
		set(&in.AchievementType, typ)
		set(&in.Image, image)
		set(&in.HumanCode, code)
		if credits >= 0 {
			in.CreditsAvailable = &credits
		}
		if len(tags) > 0 {
			in.Tag = tags
		}
		c, err := cf.client(getenv)
		if err != nil {
			return fail(stderr, "achievement create", err)
		}
		raw, _, err := c.do(ctx, "POST", "/api/v1/issuers/"+pathEscape(*issuerID)+"/achievements", in, nil)
		if err != nil {
			return fail(stderr, "achievement create", err)
		}
		if cf.json {
			printJSON(stdout, raw)
			return exitOK
		}
		var a issuer.Achievement
		if err := json.Unmarshal(raw, &a); err != nil {
			return fail(stderr, "achievement create", err)
		}
		fmt.Fprintf(stdout, "Created achievement %s (version %d)\n  URL: %s\n", a.ID, a.Version, a.URL)
		return exitOK
	case "list":
		if code, ok := parseFlags(fs, args[1:]); !ok {
			return code
		}
		c, err := cf.client(getenv)
		if err != nil {
			return fail(stderr, "achievement list", err)
		}
		raw, _, err := c.do(ctx, "GET", "/api/v1/issuers/"+pathEscape(*issuerID)+"/achievements", nil, nil)
		if err != nil {
			return fail(stderr, "achievement list", err)
		}
		if cf.json {
			printJSON(stdout, raw)
			return exitOK
		}
		var resp struct {
			Achievements []issuer.Achievement `json:"achievements"`
		}
		if err := json.Unmarshal(raw, &resp); err != nil {
			return fail(stderr, "achievement list", err)
		}
		if len(resp.Achievements) == 0 {
			fmt.Fprintf(stdout, "Issuer %s has no achievements yet.\n", *issuerID)
		}
		for _, a := range resp.Achievements {
			var doc struct {
				Name            string `json:"name"`
				AchievementType string `json:"achievementType"`
			}
			_ = json.Unmarshal(a.Doc, &doc)
			fmt.Fprintf(stdout, "%s  v%d  %-16s %s (issued %d)\n", a.ID, a.Version, orDash(doc.AchievementType), doc.Name, a.Issued)
		}
		return exitOK
	default:
		fmt.Fprintf(stderr, "obadge achievement: unknown subcommand %q\n\n%s", args[0], achievementUsage)
		return exitUsage
	}
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

func envOr(getenv func(string) string, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return def
}
