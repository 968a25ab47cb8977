package schema

import (
	"encoding/json"
	"reflect"
)

// The Go view of the Open Badges 3.0 classes an issuer and a verifier touch
// (1EdTech OB 3.0 "Data Models", common_credentials.lines). JSON member names are the
// spec's. Every struct keeps the members it does not define in Extra, so extension
// and unknown members survive a decode/encode round trip; on encode a member of Extra
// that a field already writes is ignored. Properties typed 0..* / 1..* are
// OneOrMany (single value or array on input, array on output).
//
// These types are for building and reading credentials. Never re-encode a received
// credential to verify it: verify Credential.Raw.

// Envelope holds the Verifiable Credential members shared by AchievementCredential
// and EndorsementCredential (VCDM 2.0, plus the VCDM 1.1 date members a verifier
// meets in legacy credentials).
type Envelope struct {
	Context          OneOrMany[ContextEntry]          `json:"@context,omitempty"`
	ID               string                           `json:"id,omitempty"`
	Type             OneOrMany[string]                `json:"type,omitempty"`
	Name             string                           `json:"name,omitempty"`
	Description      string                           `json:"description,omitempty"`
	Image            *Image                           `json:"image,omitempty"`
	AwardedDate      string                           `json:"awardedDate,omitempty"`
	Issuer           ProfileRef                       `json:"issuer,omitzero"`
	ValidFrom        string                           `json:"validFrom,omitempty"`
	ValidUntil       string                           `json:"validUntil,omitempty"`
	IssuanceDate     string                           `json:"issuanceDate,omitempty"`   // VCDM 1.1
	ExpirationDate   string                           `json:"expirationDate,omitempty"` // VCDM 1.1
	Endorsement      OneOrMany[EndorsementCredential] `json:"endorsement,omitempty"`
	EndorsementJwt   OneOrMany[string]                `json:"endorsementJwt,omitempty"`
	Evidence         OneOrMany[Evidence]              `json:"evidence,omitempty"`
	CredentialSchema OneOrMany[CredentialSchema]      `json:"credentialSchema,omitempty"`
	CredentialStatus OneOrArray[CredentialStatus]     `json:"credentialStatus,omitempty"`
	RefreshService   OneOrArray[RefreshService]       `json:"refreshService,omitempty"`
	TermsOfUse       OneOrMany[TermsOfUse]            `json:"termsOfUse,omitempty"`
	Proof            OneOrMany[Proof]                 `json:"proof,omitempty"`
}

// AchievementCredential (alias OpenBadgeCredential) asserts that its subject
// achieved an Achievement.
type AchievementCredential struct {
	Envelope
	CredentialSubject AchievementSubject         `json:"credentialSubject"`
	Extra             map[string]json.RawMessage `json:"-"`
}

// OpenBadgeCredential is the other name the spec gives AchievementCredential.
type OpenBadgeCredential = AchievementCredential

// EndorsementCredential endorses a credential, achievement or profile (its
// credentialSubject.id).
type EndorsementCredential struct {
	Envelope
	CredentialSubject EndorsementSubject         `json:"credentialSubject"`
	Extra             map[string]json.RawMessage `json:"-"`
}

// EndorsementSubject names the endorsed entity.
type EndorsementSubject struct {
	ID                 string                     `json:"id,omitempty"`
	Type               OneOrMany[string]          `json:"type,omitempty"`
	EndorsementComment string                     `json:"endorsementComment,omitempty"`
	Extra              map[string]json.RawMessage `json:"-"`
}

// AchievementSubject is the credentialSubject of an AchievementCredential: the
// recipient (by id and/or identifier) and what they achieved.
type AchievementSubject struct {
	ID                string                     `json:"id,omitempty"`
	Type              OneOrMany[string]          `json:"type,omitempty"`
	ActivityEndDate   string                     `json:"activityEndDate,omitempty"`
	ActivityStartDate string                     `json:"activityStartDate,omitempty"`
	CreditsEarned     *float64                   `json:"creditsEarned,omitempty"`
	Achievement       *Achievement               `json:"achievement,omitempty"`
	Identifier        OneOrMany[IdentityObject]  `json:"identifier,omitempty"`
	Image             *Image                     `json:"image,omitempty"`
	LicenseNumber     string                     `json:"licenseNumber,omitempty"`
	Narrative         string                     `json:"narrative,omitempty"`
	Result            OneOrMany[Result]          `json:"result,omitempty"`
	Role              string                     `json:"role,omitempty"`
	Source            *Profile                   `json:"source,omitempty"`
	Term              string                     `json:"term,omitempty"`
	Extra             map[string]json.RawMessage `json:"-"`
}

// IdentityObject identifies the recipient, in the clear or hashed
// ("sha256$<hex>" of identifier ‖ salt).
type IdentityObject struct {
	Type         string                     `json:"type"` // exactly "IdentityObject"
	Hashed       bool                       `json:"hashed"`
	IdentityHash string                     `json:"identityHash"`
	IdentityType string                     `json:"identityType"`
	Salt         string                     `json:"salt,omitempty"`
	Extra        map[string]json.RawMessage `json:"-"`
}

// Achievement describes what was achieved (the OB 2.0 BadgeClass).
type Achievement struct {
	ID                string                           `json:"id,omitempty"`
	Type              OneOrMany[string]                `json:"type,omitempty"`
	Alignment         OneOrMany[Alignment]             `json:"alignment,omitempty"`
	AchievementType   string                           `json:"achievementType,omitempty"`
	Creator           *Profile                         `json:"creator,omitempty"`
	CreditsAvailable  *float64                         `json:"creditsAvailable,omitempty"`
	Criteria          *Criteria                        `json:"criteria,omitempty"`
	Description       string                           `json:"description,omitempty"`
	Endorsement       OneOrMany[EndorsementCredential] `json:"endorsement,omitempty"`
	EndorsementJwt    OneOrMany[string]                `json:"endorsementJwt,omitempty"`
	FieldOfStudy      string                           `json:"fieldOfStudy,omitempty"`
	HumanCode         string                           `json:"humanCode,omitempty"`
	Image             *Image                           `json:"image,omitempty"`
	InLanguage        string                           `json:"inLanguage,omitempty"`
	Name              string                           `json:"name,omitempty"`
	OtherIdentifier   OneOrMany[IdentifierEntry]       `json:"otherIdentifier,omitempty"`
	Related           OneOrMany[Related]               `json:"related,omitempty"`
	ResultDescription OneOrMany[ResultDescription]     `json:"resultDescription,omitempty"`
	Specialization    string                           `json:"specialization,omitempty"`
	Tag               OneOrMany[string]                `json:"tag,omitempty"`
	Version           string                           `json:"version,omitempty"`
	Extra             map[string]json.RawMessage       `json:"-"`
}

// Criteria says how the achievement is earned; it has no type.
type Criteria struct {
	ID        string                     `json:"id,omitempty"`
	Narrative string                     `json:"narrative,omitempty"`
	Extra     map[string]json.RawMessage `json:"-"`
}

// Profile describes a person or organization: issuer, creator, source, endorser.
type Profile struct {
	ID               string                           `json:"id,omitempty"`
	Type             OneOrMany[string]                `json:"type,omitempty"`
	Name             string                           `json:"name,omitempty"`
	URL              string                           `json:"url,omitempty"`
	Phone            string                           `json:"phone,omitempty"`
	Description      string                           `json:"description,omitempty"`
	Endorsement      OneOrMany[EndorsementCredential] `json:"endorsement,omitempty"`
	EndorsementJwt   OneOrMany[string]                `json:"endorsementJwt,omitempty"`
	Image            *Image                           `json:"image,omitempty"`
	Email            string                           `json:"email,omitempty"`
	Address          *Address                         `json:"address,omitempty"`
	OtherIdentifier  OneOrMany[IdentifierEntry]       `json:"otherIdentifier,omitempty"`
	Official         string                           `json:"official,omitempty"`
	ParentOrg        *Profile                         `json:"parentOrg,omitempty"`
	FamilyName       string                           `json:"familyName,omitempty"`
	GivenName        string                           `json:"givenName,omitempty"`
	AdditionalName   string                           `json:"additionalName,omitempty"`
	PatronymicName   string                           `json:"patronymicName,omitempty"`
	HonorificPrefix  string                           `json:"honorificPrefix,omitempty"`
	HonorificSuffix  string                           `json:"honorificSuffix,omitempty"`
	FamilyNamePrefix string                           `json:"familyNamePrefix,omitempty"`
	DateOfBirth      string                           `json:"dateOfBirth,omitempty"`
	Extra            map[string]json.RawMessage       `json:"-"`
}

// Address is a postal address.
type Address struct {
	Type                OneOrMany[string]          `json:"type,omitempty"`
	AddressCountry      string                     `json:"addressCountry,omitempty"`
	AddressCountryCode  string                     `json:"addressCountryCode,omitempty"`
	AddressRegion       string                     `json:"addressRegion,omitempty"`
	AddressLocality     string                     `json:"addressLocality,omitempty"`
	StreetAddress       string                     `json:"streetAddress,omitempty"`
	PostOfficeBoxNumber string                     `json:"postOfficeBoxNumber,omitempty"`
	PostalCode          string                     `json:"postalCode,omitempty"`
	Geo                 *GeoCoordinates            `json:"geo,omitempty"`
	Extra               map[string]json.RawMessage `json:"-"`
}

// GeoCoordinates is a point on Earth.
type GeoCoordinates struct {
	Type      string                     `json:"type"` // exactly "GeoCoordinates"
	Latitude  float64                    `json:"latitude"`
	Longitude float64                    `json:"longitude"`
	Extra     map[string]json.RawMessage `json:"-"`
}

// IdentifierEntry is another identifier of a Profile or Achievement.
type IdentifierEntry struct {
	Type           string                     `json:"type"` // exactly "IdentifierEntry"
	Identifier     string                     `json:"identifier"`
	IdentifierType string                     `json:"identifierType"`
	Extra          map[string]json.RawMessage `json:"-"`
}

// Evidence supports the claim that the subject achieved the Achievement.
type Evidence struct {
	ID          string                     `json:"id,omitempty"`
	Type        OneOrMany[string]          `json:"type,omitempty"`
	Narrative   string                     `json:"narrative,omitempty"`
	Name        string                     `json:"name,omitempty"`
	Description string                     `json:"description,omitempty"`
	Genre       string                     `json:"genre,omitempty"`
	Audience    string                     `json:"audience,omitempty"`
	Extra       map[string]json.RawMessage `json:"-"`
}

// Alignment links to a competency or framework node.
type Alignment struct {
	Type              OneOrMany[string]          `json:"type,omitempty"`
	TargetCode        string                     `json:"targetCode,omitempty"`
	TargetDescription string                     `json:"targetDescription,omitempty"`
	TargetName        string                     `json:"targetName,omitempty"`
	TargetFramework   string                     `json:"targetFramework,omitempty"`
	TargetType        string                     `json:"targetType,omitempty"`
	TargetURL         string                     `json:"targetUrl,omitempty"`
	Extra             map[string]json.RawMessage `json:"-"`
}

// Result is a result the subject obtained, described by a ResultDescription of the
// achievement.
type Result struct {
	Type              OneOrMany[string]          `json:"type,omitempty"`
	AchievedLevel     string                     `json:"achievedLevel,omitempty"`
	Alignment         OneOrMany[Alignment]       `json:"alignment,omitempty"`
	ResultDescription string                     `json:"resultDescription,omitempty"`
	Status            string                     `json:"status,omitempty"`
	Value             string                     `json:"value,omitempty"`
	Extra             map[string]json.RawMessage `json:"-"`
}

// ResultDescription describes a possible result of an achievement.
type ResultDescription struct {
	ID                   string                          `json:"id,omitempty"`
	Type                 OneOrMany[string]               `json:"type,omitempty"`
	Alignment            OneOrMany[Alignment]            `json:"alignment,omitempty"`
	AllowedValue         OneOrMany[string]               `json:"allowedValue,omitempty"`
	Name                 string                          `json:"name,omitempty"`
	RequiredLevel        string                          `json:"requiredLevel,omitempty"`
	RequiredValue        string                          `json:"requiredValue,omitempty"`
	ResultType           string                          `json:"resultType,omitempty"`
	RubricCriterionLevel OneOrMany[RubricCriterionLevel] `json:"rubricCriterionLevel,omitempty"`
	ValueMax             string                          `json:"valueMax,omitempty"`
	ValueMin             string                          `json:"valueMin,omitempty"`
	Extra                map[string]json.RawMessage      `json:"-"`
}

// RubricCriterionLevel is one level of a rubric criterion.
type RubricCriterionLevel struct {
	ID          string                     `json:"id,omitempty"`
	Type        OneOrMany[string]          `json:"type,omitempty"`
	Alignment   OneOrMany[Alignment]       `json:"alignment,omitempty"`
	Description string                     `json:"description,omitempty"`
	Level       string                     `json:"level,omitempty"`
	Name        string                     `json:"name,omitempty"`
	Points      string                     `json:"points,omitempty"`
	Extra       map[string]json.RawMessage `json:"-"`
}

// Related links an achievement to another version or representation of it.
type Related struct {
	ID         string                     `json:"id,omitempty"`
	Type       OneOrMany[string]          `json:"type,omitempty"`
	InLanguage string                     `json:"inLanguage,omitempty"`
	Version    string                     `json:"version,omitempty"`
	Extra      map[string]json.RawMessage `json:"-"`
}

// Image is an image with its URL or data: URI.
type Image struct {
	ID      string                     `json:"id"`
	Type    string                     `json:"type"` // exactly "Image"
	Caption string                     `json:"caption,omitempty"`
	Extra   map[string]json.RawMessage `json:"-"`
}

// CredentialStatus locates the status of the credential (1EdTechRevocationList,
// BitstringStatusListEntry, ...). StatusListIndex is kept verbatim because the
// Bitstring Status List spec makes it a string and some issuers write a number.
type CredentialStatus struct {
	ID                   string                     `json:"id,omitempty"`
	Type                 string                     `json:"type,omitempty"`
	StatusPurpose        string                     `json:"statusPurpose,omitempty"`
	StatusListIndex      json.RawMessage            `json:"statusListIndex,omitempty"`
	StatusListCredential string                     `json:"statusListCredential,omitempty"`
	Extra                map[string]json.RawMessage `json:"-"`
}

// CredentialSchema names a schema the credential conforms to.
type CredentialSchema struct {
	ID    string                     `json:"id,omitempty"`
	Type  string                     `json:"type,omitempty"`
	Extra map[string]json.RawMessage `json:"-"`
}

// RefreshService says where a newer version of the credential can be obtained.
type RefreshService struct {
	ID    string                     `json:"id,omitempty"`
	Type  string                     `json:"type,omitempty"`
	Extra map[string]json.RawMessage `json:"-"`
}

// TermsOfUse is a policy under which the credential was issued.
type TermsOfUse struct {
	ID    string                     `json:"id,omitempty"`
	Type  string                     `json:"type,omitempty"`
	Extra map[string]json.RawMessage `json:"-"`
}

// Proof is an embedded proof (Data Integrity or a legacy Linked Data suite).
type Proof struct {
	ID                 string                     `json:"id,omitempty"`
	Type               string                     `json:"type,omitempty"`
	Created            string                     `json:"created,omitempty"`
	Expires            string                     `json:"expires,omitempty"`
	Cryptosuite        string                     `json:"cryptosuite,omitempty"`
	Challenge          string                     `json:"challenge,omitempty"`
	Domain             string                     `json:"domain,omitempty"`
	Nonce              string                     `json:"nonce,omitempty"`
	ProofPurpose       string                     `json:"proofPurpose,omitempty"`
	ProofValue         string                     `json:"proofValue,omitempty"`
	VerificationMethod string                     `json:"verificationMethod,omitempty"`
	PreviousProof      OneOrMany[string]          `json:"previousProof,omitempty"`
	Extra              map[string]json.RawMessage `json:"-"`
}

// The methods below keep Extra: decode the members no field takes into it, and
// write it back after the fields.

// UnmarshalJSON decodes a AchievementCredential, keeping unknown members in Extra.
func (x *AchievementCredential) UnmarshalJSON(b []byte) error { return unmarshalVia(b, x) }

func (x *AchievementCredential) fillFrom(v any, p ptr) error {
	return fillStruct(reflect.ValueOf(x).Elem(), v, p, &x.Extra)
}

// MarshalJSON encodes a AchievementCredential followed by the members of Extra.
func (x AchievementCredential) MarshalJSON() ([]byte, error) {
	type plain AchievementCredential
	return marshalExtra((*plain)(&x), x.Extra)
}

// UnmarshalJSON decodes a EndorsementCredential, keeping unknown members in Extra.
func (x *EndorsementCredential) UnmarshalJSON(b []byte) error { return unmarshalVia(b, x) }

func (x *EndorsementCredential) fillFrom(v any, p ptr) error {
	return fillStruct(reflect.ValueOf(x).Elem(), v, p, &x.Extra)
}

// MarshalJSON encodes a EndorsementCredential followed by the members of Extra.
func (x EndorsementCredential) MarshalJSON() ([]byte, error) {
	type plain EndorsementCredential
	return marshalExtra((*plain)(&x), x.Extra)
}

// UnmarshalJSON decodes a EndorsementSubject, keeping unknown members in Extra.
func (x *EndorsementSubject) UnmarshalJSON(b []byte) error { return unmarshalVia(b, x) }

func (x *EndorsementSubject) fillFrom(v any, p ptr) error {
	return fillStruct(reflect.ValueOf(x).Elem(), v, p, &x.Extra)
}

// MarshalJSON encodes a EndorsementSubject followed by the members of Extra.
func (x EndorsementSubject) MarshalJSON() ([]byte, error) {
	type plain EndorsementSubject
	return marshalExtra((*plain)(&x), x.Extra)
}

// UnmarshalJSON decodes a AchievementSubject, keeping unknown members in Extra.
func (x *AchievementSubject) UnmarshalJSON(b []byte) error { return unmarshalVia(b, x) }

func (x *AchievementSubject) fillFrom(v any, p ptr) error {
	return fillStruct(reflect.ValueOf(x).Elem(), v, p, &x.Extra)
}

// MarshalJSON encodes a AchievementSubject followed by the members of Extra.
func (x AchievementSubject) MarshalJSON() ([]byte, error) {
	type plain AchievementSubject
	return marshalExtra((*plain)(&x), x.Extra)
}

// UnmarshalJSON decodes a IdentityObject, keeping unknown members in Extra.
func (x *IdentityObject) UnmarshalJSON(b []byte) error { return unmarshalVia(b, x) }

func (x *IdentityObject) fillFrom(v any, p ptr) error {
	return fillStruct(reflect.ValueOf(x).Elem(), v, p, &x.Extra)
}

// MarshalJSON encodes a IdentityObject followed by the members of Extra.
func (x IdentityObject) MarshalJSON() ([]byte, error) {
	type plain IdentityObject
	return marshalExtra((*plain)(&x), x.Extra)
}

// UnmarshalJSON decodes a Achievement, keeping unknown members in Extra.
func (x *Achievement) UnmarshalJSON(b []byte) error { return unmarshalVia(b, x) }

func (x *Achievement) fillFrom(v any, p ptr) error {
	return fillStruct(reflect.ValueOf(x).Elem(), v, p, &x.Extra)
}

// MarshalJSON encodes a Achievement followed by the members of Extra.
func (x Achievement) MarshalJSON() ([]byte, error) {
	type plain Achievement
	return marshalExtra((*plain)(&x), x.Extra)
}

// UnmarshalJSON decodes a Criteria, keeping unknown members in Extra.
func (x *Criteria) UnmarshalJSON(b []byte) error { return unmarshalVia(b, x) }

func (x *Criteria) fillFrom(v any, p ptr) error {
	return fillStruct(reflect.ValueOf(x).Elem(), v, p, &x.Extra)
}

// MarshalJSON encodes a Criteria followed by the members of Extra.
func (x Criteria) MarshalJSON() ([]byte, error) {
	type plain Criteria
	return marshalExtra((*plain)(&x), x.Extra)
}

// UnmarshalJSON decodes a Profile, keeping unknown members in Extra.
func (x *Profile) UnmarshalJSON(b []byte) error { return unmarshalVia(b, x) }

func (x *Profile) fillFrom(v any, p ptr) error {
	return fillStruct(reflect.ValueOf(x).Elem(), v, p, &x.Extra)
}

// MarshalJSON encodes a Profile followed by the members of Extra.
func (x Profile) MarshalJSON() ([]byte, error) {
	type plain Profile
	return marshalExtra((*plain)(&x), x.Extra)
}

// UnmarshalJSON decodes a Address, keeping unknown members in Extra.
func (x *Address) UnmarshalJSON(b []byte) error { return unmarshalVia(b, x) }

func (x *Address) fillFrom(v any, p ptr) error {
	return fillStruct(reflect.ValueOf(x).Elem(), v, p, &x.Extra)
}

// MarshalJSON encodes a Address followed by the members of Extra.
func (x Address) MarshalJSON() ([]byte, error) {
	type plain Address
	return marshalExtra((*plain)(&x), x.Extra)
}

// UnmarshalJSON decodes a GeoCoordinates, keeping unknown members in Extra.
func (x *GeoCoordinates) UnmarshalJSON(b []byte) error { return unmarshalVia(b, x) }

func (x *GeoCoordinates) fillFrom(v any, p ptr) error {
	return fillStruct(reflect.ValueOf(x).Elem(), v, p, &x.Extra)
}

// MarshalJSON encodes a GeoCoordinates followed by the members of Extra.
func (x GeoCoordinates) MarshalJSON() ([]byte, error) {
	type plain GeoCoordinates
	return marshalExtra((*plain)(&x), x.Extra)
}

// UnmarshalJSON decodes a IdentifierEntry, keeping unknown members in Extra.
func (x *IdentifierEntry) UnmarshalJSON(b []byte) error { return unmarshalVia(b, x) }

func (x *IdentifierEntry) fillFrom(v any, p ptr) error {
	return fillStruct(reflect.ValueOf(x).Elem(), v, p, &x.Extra)
}

// MarshalJSON encodes a IdentifierEntry followed by the members of Extra.
func (x IdentifierEntry) MarshalJSON() ([]byte, error) {
	type plain IdentifierEntry
	return marshalExtra((*plain)(&x), x.Extra)
}

// UnmarshalJSON decodes a Evidence, keeping unknown members in Extra.
func (x *Evidence) UnmarshalJSON(b []byte) error { return unmarshalVia(b, x) }

func (x *Evidence) fillFrom(v any, p ptr) error {
	return fillStruct(reflect.ValueOf(x).Elem(), v, p, &x.Extra)
}

// MarshalJSON encodes a Evidence followed by the members of Extra.
func (x Evidence) MarshalJSON() ([]byte, error) {
	type plain Evidence
	return marshalExtra((*plain)(&x), x.Extra)
}

// UnmarshalJSON decodes a Alignment, keeping unknown members in Extra.
func (x *Alignment) UnmarshalJSON(b []byte) error { return unmarshalVia(b, x) }

func (x *Alignment) fillFrom(v any, p ptr) error {
	return fillStruct(reflect.ValueOf(x).Elem(), v, p, &x.Extra)
}

// MarshalJSON encodes a Alignment followed by the members of Extra.
func (x Alignment) MarshalJSON() ([]byte, error) {
	type plain Alignment
	return marshalExtra((*plain)(&x), x.Extra)
}

// UnmarshalJSON decodes a Result, keeping unknown members in Extra.
func (x *Result) UnmarshalJSON(b []byte) error { return unmarshalVia(b, x) }

func (x *Result) fillFrom(v any, p ptr) error {
	return fillStruct(reflect.ValueOf(x).Elem(), v, p, &x.Extra)
}

// MarshalJSON encodes a Result followed by the members of Extra.
func (x Result) MarshalJSON() ([]byte, error) {
	type plain Result
	return marshalExtra((*plain)(&x), x.Extra)
}

// UnmarshalJSON decodes a ResultDescription, keeping unknown members in Extra.
func (x *ResultDescription) UnmarshalJSON(b []byte) error { return unmarshalVia(b, x) }

func (x *ResultDescription) fillFrom(v any, p ptr) error {
	return fillStruct(reflect.ValueOf(x).Elem(), v, p, &x.Extra)
}

// MarshalJSON encodes a ResultDescription followed by the members of Extra.
func (x ResultDescription) MarshalJSON() ([]byte, error) {
	type plain ResultDescription
	return marshalExtra((*plain)(&x), x.Extra)
}

// UnmarshalJSON decodes a RubricCriterionLevel, keeping unknown members in Extra.
func (x *RubricCriterionLevel) UnmarshalJSON(b []byte) error { return unmarshalVia(b, x) }

func (x *RubricCriterionLevel) fillFrom(v any, p ptr) error {
	return fillStruct(reflect.ValueOf(x).Elem(), v, p, &x.Extra)
}

// MarshalJSON encodes a RubricCriterionLevel followed by the members of Extra.
func (x RubricCriterionLevel) MarshalJSON() ([]byte, error) {
	type plain RubricCriterionLevel
	return marshalExtra((*plain)(&x), x.Extra)
}

// UnmarshalJSON decodes a Related, keeping unknown members in Extra.
func (x *Related) UnmarshalJSON(b []byte) error { return unmarshalVia(b, x) }

func (x *Related) fillFrom(v any, p ptr) error {
	return fillStruct(reflect.ValueOf(x).Elem(), v, p, &x.Extra)
}

// MarshalJSON encodes a Related followed by the members of Extra.
func (x Related) MarshalJSON() ([]byte, error) {
	type plain Related
	return marshalExtra((*plain)(&x), x.Extra)
}

// UnmarshalJSON decodes a Image, keeping unknown members in Extra.
func (x *Image) UnmarshalJSON(b []byte) error { return unmarshalVia(b, x) }

func (x *Image) fillFrom(v any, p ptr) error {
	return fillStruct(reflect.ValueOf(x).Elem(), v, p, &x.Extra)
}

// MarshalJSON encodes a Image followed by the members of Extra.
func (x Image) MarshalJSON() ([]byte, error) {
	type plain Image
	return marshalExtra((*plain)(&x), x.Extra)
}

// UnmarshalJSON decodes a CredentialStatus, keeping unknown members in Extra.
func (x *CredentialStatus) UnmarshalJSON(b []byte) error { return unmarshalVia(b, x) }

func (x *CredentialStatus) fillFrom(v any, p ptr) error {
	return fillStruct(reflect.ValueOf(x).Elem(), v, p, &x.Extra)
}

// MarshalJSON encodes a CredentialStatus followed by the members of Extra.
func (x CredentialStatus) MarshalJSON() ([]byte, error) {
	type plain CredentialStatus
	return marshalExtra((*plain)(&x), x.Extra)
}

// UnmarshalJSON decodes a CredentialSchema, keeping unknown members in Extra.
func (x *CredentialSchema) UnmarshalJSON(b []byte) error { return unmarshalVia(b, x) }

func (x *CredentialSchema) fillFrom(v any, p ptr) error {
	return fillStruct(reflect.ValueOf(x).Elem(), v, p, &x.Extra)
}

// MarshalJSON encodes a CredentialSchema followed by the members of Extra.
func (x CredentialSchema) MarshalJSON() ([]byte, error) {
	type plain CredentialSchema
	return marshalExtra((*plain)(&x), x.Extra)
}

// UnmarshalJSON decodes a RefreshService, keeping unknown members in Extra.
func (x *RefreshService) UnmarshalJSON(b []byte) error { return unmarshalVia(b, x) }

func (x *RefreshService) fillFrom(v any, p ptr) error {
	return fillStruct(reflect.ValueOf(x).Elem(), v, p, &x.Extra)
}

// MarshalJSON encodes a RefreshService followed by the members of Extra.
func (x RefreshService) MarshalJSON() ([]byte, error) {
	type plain RefreshService
	return marshalExtra((*plain)(&x), x.Extra)
}

// UnmarshalJSON decodes a TermsOfUse, keeping unknown members in Extra.
func (x *TermsOfUse) UnmarshalJSON(b []byte) error { return unmarshalVia(b, x) }

func (x *TermsOfUse) fillFrom(v any, p ptr) error {
	return fillStruct(reflect.ValueOf(x).Elem(), v, p, &x.Extra)
}

// MarshalJSON encodes a TermsOfUse followed by the members of Extra.
func (x TermsOfUse) MarshalJSON() ([]byte, error) {
	type plain TermsOfUse
	return marshalExtra((*plain)(&x), x.Extra)
}

// UnmarshalJSON decodes a Proof, keeping unknown members in Extra.
func (x *Proof) UnmarshalJSON(b []byte) error { return unmarshalVia(b, x) }

func (x *Proof) fillFrom(v any, p ptr) error {
	return fillStruct(reflect.ValueOf(x).Elem(), v, p, &x.Extra)
}

// MarshalJSON encodes a Proof followed by the members of Extra.
func (x Proof) MarshalJSON() ([]byte, error) {
	type plain Proof
	return marshalExtra((*plain)(&x), x.Extra)
}
