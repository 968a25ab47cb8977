package verifier

import (
	"errors"
)

// Status is the outcome of one check.
type Status string

// Check outcomes.
const (
	Pass Status = "pass"
	Fail Status = "fail"
	Warn Status = "warn"
	Skip Status = "skip"
)

// Check identifiers, in the order the OB 3.0 verification algorithm runs them.
const (
	CheckParse        = "parse"
	CheckStructure    = "structure"
	CheckProof        = "proof"
	CheckJWTClaims    = "jwt-claims"
	CheckIssuerKey    = "issuer-key"
	CheckRefresh      = "refresh"
	CheckStatus       = "status"
	CheckValidFrom    = "valid-from"
	CheckValidUntil   = "valid-until"
	CheckRecipient    = "recipient"
	CheckEndorsements = "endorsements"
	CheckPresentation = "presentation-proof"
	CheckCredentials  = "credentials"
)

// Errors a Check's Err matches with errors.Is (besides those of package proof).
var (
	ErrUnreadable        = errors.New("verifier: input is not a credential in a known form")
	ErrNotOpenBadge      = errors.New("verifier: not an Open Badges 3.0 credential")
	ErrNonConformant     = errors.New("verifier: credential does not conform to Open Badges 3.0")
	ErrIssuerKey         = errors.New("verifier: signing key does not belong to the issuer")
	ErrNotYetValid       = errors.New("verifier: credential is not yet valid")
	ErrExpired           = errors.New("verifier: credential has expired")
	ErrRecipientMismatch = errors.New("verifier: credential was not issued to this recipient")
	ErrStatusUnchecked   = errors.New("verifier: credential status could not be checked")
	ErrRevoked           = errors.New("verifier: credential has been revoked")
	ErrSuspended         = errors.New("verifier: credential is suspended")
	ErrEndorsement       = errors.New("verifier: an endorsement did not verify")
	ErrPresentation      = errors.New("verifier: a credential in the presentation did not verify")
)

// Check is the outcome of one verification step, with a message for people.
type Check struct {
	ID      string `json:"id"`
	Status  Status `json:"status"`
	Message string `json:"message"`
	// Err is the cause of a fail, warn or skip; nil on pass.
	Err error `json:"-"`
}

// Summary is what a display shows about a credential, taken from the credential as
// given (trust it only as far as the checks passed).
type Summary struct {
	CredentialID    string   `json:"credentialId,omitempty"`
	CredentialName  string   `json:"credentialName,omitempty"`
	IssuerID        string   `json:"issuerId,omitempty"`
	IssuerName      string   `json:"issuerName,omitempty"`
	AchievementID   string   `json:"achievementId,omitempty"`
	AchievementName string   `json:"achievementName,omitempty"`
	AchievementType string   `json:"achievementType,omitempty"`
	Description     string   `json:"description,omitempty"`
	Criteria        string   `json:"criteria,omitempty"`
	Image           string   `json:"image,omitempty"`
	Recipient       string   `json:"recipient,omitempty"`
	ValidFrom       string   `json:"validFrom,omitempty"`
	ValidUntil      string   `json:"validUntil,omitempty"`
	AwardedDate     string   `json:"awardedDate,omitempty"`
	Credits         *float64 `json:"credits,omitempty"`
	Version         string   `json:"vcVersion,omitempty"`
	Format          string   `json:"format,omitempty"`
	ProofType       string   `json:"proofType,omitempty"`
	Source          string   `json:"source,omitempty"`
	StatusState     string   `json:"status,omitempty"`
}

// Report is the verdict on one input.
type Report struct {
	Verified bool     `json:"verified"`
	Kind     string   `json:"kind"` // "credential" or "presentation"
	Summary  Summary  `json:"summary"`
	Checks   []Check  `json:"checks"`
	Warnings []string `json:"warnings"`
	Errors   []string `json:"errors"`
	// Endorsements holds a report per embedded endorsement.
	Endorsements []*Report `json:"endorsements,omitempty"`
	// Credentials holds a report per credential of a presentation.
	Credentials []*Report `json:"credentials,omitempty"`
	// Credential is the credential JSON that was checked (the JWT payload's
	// credential for VC-JWT); empty when the input could not be read.
	Credential []byte `json:"-"`
}

func (r *Report) add(c Check) {
	r.Checks = append(r.Checks, c)
}

func (r *Report) pass(id, msg string) { r.add(Check{ID: id, Status: Pass, Message: msg}) }

func (r *Report) fail(id, msg string, err error) {
	r.add(Check{ID: id, Status: Fail, Message: msg, Err: err})
}

func (r *Report) warn(id, msg string, err error) {
	r.add(Check{ID: id, Status: Warn, Message: msg, Err: err})
}

func (r *Report) skip(id, msg string, err error) {
	r.add(Check{ID: id, Status: Skip, Message: msg, Err: err})
}

// Check returns the check with the given id, or nil.
func (r *Report) Check(id string) *Check {
	for i := range r.Checks {
		if r.Checks[i].ID == id {
			return &r.Checks[i]
		}
	}
	return nil
}

// mustPass are the checks that must have run and passed for a credential to count
// as verified; any other check only needs not to have failed.
var mustPass = map[string]bool{CheckProof: true, CheckPresentation: true}

// finish computes Verified and the errors and warnings lists from the checks.
func (r *Report) finish() {
	r.Verified = len(r.Checks) > 0
	r.Errors, r.Warnings = []string{}, []string{}
	ran := map[string]bool{}
	for _, c := range r.Checks {
		ran[c.ID] = true
		switch c.Status {
		case Fail:
			r.Verified = false
			r.Errors = append(r.Errors, c.ID+": "+c.Message)
		case Warn:
			r.Warnings = append(r.Warnings, c.ID+": "+c.Message)
			if c.ID == CheckStatus {
				// A status that could not be established is not "current".
				r.Verified = false
			}
		case Skip:
			if mustPass[c.ID] || c.ID == CheckStatus {
				r.Verified = false
				r.Warnings = append(r.Warnings, c.ID+": "+c.Message)
			}
		}
	}
	if r.Kind == "credential" && !ran[CheckProof] {
		r.Verified = false
	}
}

// Unreadable returns the report for input that is not a credential at all, with
// why as the parse check's message.
func Unreadable(why string) *Report {
	r := &Report{Kind: "credential"}
	r.fail(CheckParse, why, ErrUnreadable)
	r.finish()
	return r
}
