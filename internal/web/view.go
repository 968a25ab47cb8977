package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/obadge/obadge/verifier"
)

// details are the display fields of a credential the verifier's Summary does not
// carry, read from the credential JSON as given (trusted only as far as the checks
// passed, like the Summary).
type details struct {
	IssuerURL     string
	IssuerEmail   string
	CriteriaURL   string
	ImageURL      string // the achievement image as the credential names it
	ImageCaption  string
	RecipientName string // an unhashed "name" identifier, never an email
	HumanCode     string
	FieldOfStudy  string
	Tags          []string
	Alignments    []alignment
	Results       []result
}

type alignment struct {
	Name, URL, Framework, Code, Description string
}

type result struct {
	Value, Status, Level string
}

// readDetails reads the extra display fields; a credential it cannot read simply
// has none.
func readDetails(cred []byte) details {
	var d details
	var doc map[string]any
	if json.Unmarshal(cred, &doc) != nil {
		return d
	}
	if iss, ok := doc["issuer"].(map[string]any); ok {
		d.IssuerURL = str(iss["url"])
		d.IssuerEmail = str(iss["email"])
	}
	subject, _ := doc["credentialSubject"].(map[string]any)
	if subject == nil {
		return d
	}
	for _, it := range list(subject["identifier"]) {
		id, _ := it.(map[string]any)
		if str(id["identityType"]) == "name" && id["hashed"] == false && d.RecipientName == "" {
			d.RecipientName = str(id["identityHash"])
		}
	}
	for _, it := range list(subject["result"]) {
		res, _ := it.(map[string]any)
		if res == nil {
			continue
		}
		r := result{Value: str(res["value"]), Status: str(res["status"]), Level: str(res["achievedLevel"])}
		if r != (result{}) {
			d.Results = append(d.Results, r)
		}
	}
	ach, _ := subject["achievement"].(map[string]any)
	if ach == nil {
		return d
	}
	if c, ok := ach["criteria"].(map[string]any); ok {
		d.CriteriaURL = str(c["id"])
	}
	switch img := ach["image"].(type) {
	case string:
		d.ImageURL = img
	case map[string]any:
		d.ImageURL, d.ImageCaption = str(img["id"]), str(img["caption"])
	}
	d.HumanCode = str(ach["humanCode"])
	d.FieldOfStudy = str(ach["fieldOfStudy"])
	for _, t := range list(ach["tag"]) {
		if s := str(t); s != "" {
			d.Tags = append(d.Tags, s)
		}
	}
	for _, it := range list(ach["alignment"]) {
		a, _ := it.(map[string]any)
		if a == nil {
			continue
		}
		d.Alignments = append(d.Alignments, alignment{
			Name: str(a["targetName"]), URL: str(a["targetUrl"]), Framework: str(a["targetFramework"]),
			Code: str(a["targetCode"]), Description: str(a["targetDescription"]),
		})
	}
	return d
}

func str(v any) string {
	s, _ := v.(string)
	return strings.TrimSpace(s)
}

func list(v any) []any {
	switch t := v.(type) {
	case nil:
		return nil
	case []any:
		return t
	default:
		return []any{t}
	}
}

// verdict is the one-word result a person reads first, with a sentence saying why.
type verdict struct {
	Label   string // Verified | Revoked | Suspended | Expired | Not verified
	Tone    string // ok | bad | warn (CSS class; the label says it in words)
	Symbol  string // ✓ or ✗, decorative
	Explain string
}

// verdictOf reads a report: the status and validity checks decide the word when the
// credential is not verified, the first failing check explains it.
func verdictOf(rep *verifier.Report) verdict {
	if rep == nil {
		return verdict{Label: "Not verified", Tone: "warn", Symbol: "!", Explain: "The credential could not be checked just now. Please reload this page in a moment."}
	}
	if rep.Verified {
		v := verdict{Label: "Verified", Tone: "ok", Symbol: "✓", Explain: "The signature is valid and the credential is current: it has not expired and its issuer has not revoked it."}
		if rep.Kind == "presentation" {
			v.Explain = "The presentation's proof and every credential in it verified."
		}
		return v
	}
	switch {
	case rep.Summary.StatusState == verifier.StateRevoked:
		return verdict{Label: "Revoked", Tone: "bad", Symbol: "✗", Explain: "The issuer has revoked this credential. It is no longer valid."}
	case rep.Summary.StatusState == verifier.StateSuspended:
		return verdict{Label: "Suspended", Tone: "warn", Symbol: "!", Explain: "The issuer has suspended this credential. It is not valid while it is suspended."}
	}
	if c := rep.Check(verifier.CheckParse); c != nil && c.Status == verifier.Fail {
		return verdict{Label: "Not verified", Tone: "bad", Symbol: "✗", Explain: "No credential could be read from this. " + upperFirst(c.Message) + "."}
	}
	if c := rep.Check(verifier.CheckValidUntil); c != nil && errors.Is(c.Err, verifier.ErrExpired) {
		return verdict{Label: "Expired", Tone: "bad", Symbol: "✗", Explain: "This credential expired on " + humanDate(rep.Summary.ValidUntil) + "."}
	}
	why := "It did not pass every check; see the details below."
	for _, c := range rep.Checks {
		if c.Status == verifier.Fail {
			why = checkName(c.ID) + ": " + c.Message
			break
		}
	}
	if why == "It did not pass every check; see the details below." {
		for _, c := range rep.Checks {
			if c.Status == verifier.Warn || c.Status == verifier.Skip {
				why = checkName(c.ID) + ": " + c.Message
				break
			}
		}
	}
	return verdict{Label: "Not verified", Tone: "bad", Symbol: "✗", Explain: "This credential could not be verified. " + why}
}

// checkName is the plain-language name of a check.
func checkName(id string) string {
	switch id {
	case verifier.CheckParse:
		return "Readable credential"
	case verifier.CheckStructure:
		return "Open Badges data model"
	case verifier.CheckProof:
		return "Signature"
	case verifier.CheckJWTClaims:
		return "JWT claims"
	case verifier.CheckIssuerKey:
		return "Issuer's key"
	case verifier.CheckRefresh:
		return "Refresh service"
	case verifier.CheckStatus:
		return "Revocation status"
	case verifier.CheckValidFrom:
		return "Start of validity"
	case verifier.CheckValidUntil:
		return "Expiry"
	case verifier.CheckRecipient:
		return "Recipient"
	case verifier.CheckEndorsements:
		return "Endorsements"
	case verifier.CheckPresentation:
		return "Presentation proof"
	case verifier.CheckCredentials:
		return "Credentials in the presentation"
	}
	return id
}

// statusWord says a check's outcome in words, so colour is never the only cue.
func statusWord(s verifier.Status) string {
	switch s {
	case verifier.Pass:
		return "Passed"
	case verifier.Fail:
		return "Failed"
	case verifier.Warn:
		return "Warning"
	case verifier.Skip:
		return "Not checked"
	}
	return string(s)
}

func statusSymbol(s verifier.Status) string {
	switch s {
	case verifier.Pass:
		return "✓"
	case verifier.Fail:
		return "✗"
	case verifier.Warn:
		return "!"
	}
	return "–"
}

// parseDate reads an XML Schema / RFC 3339 date-time.
func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// humanDate formats a credential date for people ("2 January 2026", in UTC), or
// returns it as given when it is not a date.
func humanDate(s string) string {
	if t, ok := parseDate(s); ok {
		return t.UTC().Format("2 January 2006")
	}
	return s
}

func humanTime(t time.Time) string {
	return t.UTC().Format("2 January 2006, 15:04 UTC")
}

func formatCredits(c *float64) string {
	if c == nil {
		return ""
	}
	return strconv.FormatFloat(*c, 'f', -1, 64)
}

func formatName(f string) string {
	switch f {
	case "jwt":
		return "VC-JWT"
	case "ldp":
		return "JSON-LD with an embedded proof"
	}
	return f
}

// issuerKind labels the issuer identifier: a DID or a web address.
func issuerKind(id string) string {
	if strings.HasPrefix(id, "did:") {
		return "Issuer DID"
	}
	return "Issuer ID"
}

var funcs = template.FuncMap{
	"checkName":    checkName,
	"statusWord":   statusWord,
	"statusSymbol": statusSymbol,
	"humanDate":    humanDate,
	"humanTime":    humanTime,
	"credits":      formatCredits,
	"formatName":   formatName,
	"issuerKind":   issuerKind,
	"plural": func(n int, word string) string {
		if n == 1 {
			return "1 " + word
		}
		return fmt.Sprintf("%d %ss", n, word)
	},
	"webURL": webURL,
}

// webURL returns s when it is an http(s) URL a page may link to, else "".
func webURL(s string) string {
	if strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") {
		return s
	}
	return ""
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}
