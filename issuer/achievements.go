package issuer

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/obadge/obadge/schema"
	"github.com/obadge/obadge/store"
)

// AchievementInput creates or updates a catalogue entry. Field names follow OB 3.0.
type AchievementInput struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Criteria    struct {
		ID        string `json:"id,omitempty"`
		Narrative string `json:"narrative,omitempty"`
	} `json:"criteria"`
	// Image is an http(s) or data: URL.
	Image            string            `json:"image,omitempty"`
	AchievementType  string            `json:"achievementType,omitempty"`
	Alignment        []AlignmentInput  `json:"alignment,omitempty"`
	CreditsAvailable *float64          `json:"creditsAvailable,omitempty"`
	ResultDesc       []ResultDescInput `json:"resultDescription,omitempty"`
	Tag              []string          `json:"tag,omitempty"`
	HumanCode        string            `json:"humanCode,omitempty"`
	FieldOfStudy     string            `json:"fieldOfStudy,omitempty"`
	Specialization   string            `json:"specialization,omitempty"`
	InLanguage       string            `json:"inLanguage,omitempty"`
}

// AlignmentInput aligns an achievement (or result description) with a framework item.
type AlignmentInput struct {
	TargetName        string `json:"targetName"`
	TargetURL         string `json:"targetUrl"`
	TargetDescription string `json:"targetDescription,omitempty"`
	TargetFramework   string `json:"targetFramework,omitempty"`
	TargetCode        string `json:"targetCode,omitempty"`
	TargetType        string `json:"targetType,omitempty"`
}

// ResultDescInput is a ResultDescription. ID is a local slug ([a-z0-9-]); the
// published id is <achievement id>#<slug> ("result-<n>" when empty).
type ResultDescInput struct {
	ID            string          `json:"id,omitempty"`
	Name          string          `json:"name"`
	ResultType    string          `json:"resultType"`
	AllowedValue  []string        `json:"allowedValue,omitempty"`
	RequiredValue string          `json:"requiredValue,omitempty"`
	RequiredLevel string          `json:"requiredLevel,omitempty"` // slug of one of the levels
	ValueMin      string          `json:"valueMin,omitempty"`
	ValueMax      string          `json:"valueMax,omitempty"`
	Levels        []RubricLvInput `json:"rubricCriterionLevel,omitempty"`
}

// RubricLvInput is a RubricCriterionLevel; ID is a local slug as for ResultDescInput.
type RubricLvInput struct {
	ID          string `json:"id,omitempty"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Level       string `json:"level,omitempty"`
	Points      string `json:"points,omitempty"`
}

// The OB documents, in the member order they are published in.
type achievementDoc struct {
	Context          []string        `json:"@context,omitempty"`
	ID               string          `json:"id"`
	Type             []string        `json:"type"`
	Name             string          `json:"name"`
	Description      string          `json:"description"`
	Criteria         criteriaDoc     `json:"criteria"`
	Image            *profileImage   `json:"image,omitempty"`
	AchievementType  string          `json:"achievementType,omitempty"`
	Alignment        []alignmentDoc  `json:"alignment,omitempty"`
	CreditsAvailable *float64        `json:"creditsAvailable,omitempty"`
	ResultDesc       []resultDescDoc `json:"resultDescription,omitempty"`
	Tag              []string        `json:"tag,omitempty"`
	HumanCode        string          `json:"humanCode,omitempty"`
	FieldOfStudy     string          `json:"fieldOfStudy,omitempty"`
	Specialization   string          `json:"specialization,omitempty"`
	InLanguage       string          `json:"inLanguage,omitempty"`
	Version          string          `json:"version"`
}

type criteriaDoc struct {
	ID        string `json:"id,omitempty"`
	Narrative string `json:"narrative,omitempty"`
}

type alignmentDoc struct {
	Type              []string `json:"type"`
	TargetName        string   `json:"targetName"`
	TargetURL         string   `json:"targetUrl"`
	TargetDescription string   `json:"targetDescription,omitempty"`
	TargetFramework   string   `json:"targetFramework,omitempty"`
	TargetCode        string   `json:"targetCode,omitempty"`
	TargetType        string   `json:"targetType,omitempty"`
}

type resultDescDoc struct {
	ID            string           `json:"id"`
	Type          []string         `json:"type"`
	Name          string           `json:"name"`
	ResultType    string           `json:"resultType"`
	AllowedValue  []string         `json:"allowedValue,omitempty"`
	RequiredValue string           `json:"requiredValue,omitempty"`
	RequiredLevel string           `json:"requiredLevel,omitempty"`
	ValueMin      string           `json:"valueMin,omitempty"`
	ValueMax      string           `json:"valueMax,omitempty"`
	Levels        []rubricLevelDoc `json:"rubricCriterionLevel,omitempty"`
}

type rubricLevelDoc struct {
	ID          string   `json:"id"`
	Type        []string `json:"type"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Level       string   `json:"level,omitempty"`
	Points      string   `json:"points,omitempty"`
}

// Achievement is the admin view of a catalogue entry.
type Achievement struct {
	ID        string          `json:"id"` // UUID
	IssuerID  string          `json:"issuerId"`
	Version   int             `json:"version"`
	Issued    int             `json:"issued"` // credentials issued against this version
	URL       string          `json:"url"`
	CreatedAt string          `json:"createdAt"`
	UpdatedAt string          `json:"updatedAt"`
	Doc       json.RawMessage `json:"achievement"` // the OB Achievement as embedded in credentials
}

var (
	achievementTypes = setOf("Achievement", "ApprenticeshipCertificate", "Assessment", "Assignment", "AssociateDegree",
		"Award", "Badge", "BachelorDegree", "Certificate", "CertificateOfCompletion", "Certification", "CommunityService",
		"Competency", "Course", "CoCurricular", "Degree", "Diploma", "DoctoralDegree", "Fieldwork",
		"GeneralEducationDevelopment", "JourneymanCertificate", "LearningProgram", "License", "Membership",
		"ProfessionalDoctorate", "QualityAssuranceCredential", "MasterCertificate", "MasterDegree", "MicroCredential",
		"ResearchDoctorate", "SecondarySchoolDiploma")
	resultTypes = setOf("GradePointAverage", "LetterGrade", "Percent", "PerformanceLevel", "PredictedScore", "RawScore",
		"Result", "RubricCriterion", "RubricCriterionLevel", "RubricScore", "ScaledScore", "Status")
	alignmentTargetTypes = setOf("ceasn:Competency", "ceterms:Credential", "CFItem", "CFRubric", "CFRubricCriterion",
		"CFRubricCriterionLevel", "CTDL")
	extEnumRE = regexp.MustCompile(`^ext:[a-zA-Z0-9.\-_]+$`)
	langRE    = regexp.MustCompile(`^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$`)
)

func setOf(v ...string) map[string]bool {
	m := make(map[string]bool, len(v))
	for _, s := range v {
		m[s] = true
	}
	return m
}

func enumOK(set map[string]bool, v string) bool { return set[v] || extEnumRE.MatchString(v) }

func isImageURL(s string) bool { return isHTTPURL(s) || strings.HasPrefix(s, "data:image/") }

// build validates in and returns the OB Achievement for id URL achURL, version v.
func (in *AchievementInput) build(achURL string, version int) (*achievementDoc, error) {
	var f fieldErrs
	in.Name, in.Description = strings.TrimSpace(in.Name), strings.TrimSpace(in.Description)
	if in.Name == "" {
		f.add("/name", "is required")
	}
	if in.Description == "" {
		f.add("/description", "is required")
	}
	if in.Criteria.ID == "" && strings.TrimSpace(in.Criteria.Narrative) == "" {
		f.add("/criteria", "needs a narrative or an id (URL)")
	}
	if in.Criteria.ID != "" && !isHTTPURL(in.Criteria.ID) {
		f.add("/criteria/id", "must be an absolute http(s) URL")
	}
	if in.Image != "" && !isImageURL(in.Image) {
		f.add("/image", "must be an http(s) URL or a data:image/ URL")
	}
	if in.AchievementType != "" && !enumOK(achievementTypes, in.AchievementType) {
		f.add("/achievementType", "%q is not an OB AchievementType (e.g. MicroCredential, Badge, Certificate) or ext:...", in.AchievementType)
	}
	if in.CreditsAvailable != nil && *in.CreditsAvailable < 0 {
		f.add("/creditsAvailable", "must not be negative")
	}
	if in.InLanguage != "" && !langRE.MatchString(in.InLanguage) {
		f.add("/inLanguage", "must be a BCP 47 language tag")
	}
	for i, t := range in.Tag {
		if strings.TrimSpace(t) == "" {
			f.add(fmt.Sprintf("/tag/%d", i), "must not be empty")
		}
	}
	doc := &achievementDoc{
		ID: achURL, Type: []string{"Achievement"}, Name: in.Name, Description: in.Description,
		Criteria:        criteriaDoc{ID: in.Criteria.ID, Narrative: in.Criteria.Narrative},
		AchievementType: in.AchievementType, CreditsAvailable: in.CreditsAvailable, Tag: in.Tag,
		HumanCode: in.HumanCode, FieldOfStudy: in.FieldOfStudy, Specialization: in.Specialization,
		InLanguage: in.InLanguage, Version: strconv.Itoa(version),
	}
	if in.Image != "" {
		doc.Image = &profileImage{ID: in.Image, Type: "Image"}
	}
	doc.Alignment = buildAlignments(&f, "/alignment", in.Alignment)
	seen := map[string]bool{}
	for i, rd := range in.ResultDesc {
		p := fmt.Sprintf("/resultDescription/%d", i)
		slug := localSlug(&f, p, rd.ID, fmt.Sprintf("result-%d", i+1), seen)
		if strings.TrimSpace(rd.Name) == "" {
			f.add(p+"/name", "is required")
		}
		if !enumOK(resultTypes, rd.ResultType) {
			f.add(p+"/resultType", "%q is not an OB ResultType (e.g. Status, Percent, RubricCriterionLevel) or ext:...", rd.ResultType)
		}
		d := resultDescDoc{ID: achURL + "#" + slug, Type: []string{"ResultDescription"}, Name: rd.Name, ResultType: rd.ResultType,
			AllowedValue: rd.AllowedValue, RequiredValue: rd.RequiredValue, ValueMin: rd.ValueMin, ValueMax: rd.ValueMax}
		levelIDs := map[string]bool{}
		for j, lv := range rd.Levels {
			lp := fmt.Sprintf("%s/rubricCriterionLevel/%d", p, j)
			ls := localSlug(&f, lp, lv.ID, fmt.Sprintf("level-%d", j+1), levelIDs)
			if strings.TrimSpace(lv.Name) == "" {
				f.add(lp+"/name", "is required")
			}
			d.Levels = append(d.Levels, rubricLevelDoc{ID: achURL + "#" + slug + "-" + ls, Type: []string{"RubricCriterionLevel"},
				Name: lv.Name, Description: lv.Description, Level: lv.Level, Points: lv.Points})
		}
		if rd.RequiredLevel != "" {
			if !levelIDs[rd.RequiredLevel] {
				f.add(p+"/requiredLevel", "%q is not one of this result description's levels", rd.RequiredLevel)
			}
			d.RequiredLevel = achURL + "#" + slug + "-" + rd.RequiredLevel
		}
		doc.ResultDesc = append(doc.ResultDesc, d)
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	return doc, nil
}

func buildAlignments(f *fieldErrs, at string, in []AlignmentInput) []alignmentDoc {
	var out []alignmentDoc
	for i, a := range in {
		p := fmt.Sprintf("%s/%d", at, i)
		if strings.TrimSpace(a.TargetName) == "" {
			f.add(p+"/targetName", "is required")
		}
		if !isHTTPURL(a.TargetURL) {
			f.add(p+"/targetUrl", "must be an absolute http(s) URL")
		}
		if a.TargetType != "" && !enumOK(alignmentTargetTypes, a.TargetType) {
			f.add(p+"/targetType", "%q is not an OB AlignmentTargetType or ext:...", a.TargetType)
		}
		out = append(out, alignmentDoc{Type: []string{"Alignment"}, TargetName: a.TargetName, TargetURL: a.TargetURL,
			TargetDescription: a.TargetDescription, TargetFramework: a.TargetFramework, TargetCode: a.TargetCode, TargetType: a.TargetType})
	}
	return out
}

// AchievementURL is the public id URL of an achievement.
func (s *Service) AchievementURL(issuerID, id string) string {
	return s.IssuerURL(issuerID) + "/achievements/" + id
}

func (s *Service) achievementView(a *store.Achievement) *Achievement {
	return &Achievement{ID: a.ID, IssuerID: a.IssuerID, Version: a.Version, Issued: a.Issued,
		URL:       s.AchievementURL(a.IssuerID, a.ID),
		CreatedAt: a.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"), UpdatedAt: a.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z"),
		Doc: a.Doc}
}

// CreateAchievement adds an achievement to an issuer's catalogue.
func (s *Service) CreateAchievement(ctx context.Context, p Principal, issuerID string, in AchievementInput) (*Achievement, error) {
	if err := authorize(p, issuerID); err != nil {
		return nil, err
	}
	if _, err := s.load(ctx, issuerID); err != nil {
		return nil, err
	}
	id := s.newID()
	doc, err := in.build(s.AchievementURL(issuerID, id), 1)
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	now := s.nowUTC()
	a, err := s.st.PutAchievement(ctx, &store.Achievement{IssuerID: issuerID, ID: id, Doc: raw, CreatedAt: now, UpdatedAt: now}, true)
	if err != nil {
		return nil, fmt.Errorf("issuer: create achievement: %w", err)
	}
	s.log.InfoContext(ctx, "achievement created", "issuer", issuerID, "achievement", id)
	return s.achievementView(a), nil
}

// UpdateAchievement replaces an achievement's content. If credentials were issued
// against the current version, a new version is created (they keep theirs).
func (s *Service) UpdateAchievement(ctx context.Context, p Principal, issuerID, id string, in AchievementInput) (*Achievement, error) {
	if err := authorize(p, issuerID); err != nil {
		return nil, err
	}
	cur, err := s.st.GetAchievement(ctx, issuerID, id, 0)
	if err != nil {
		return nil, fmt.Errorf("achievement %s: %w", id, err)
	}
	next := cur.Version
	if cur.Issued > 0 {
		next++
	}
	doc, err := in.build(s.AchievementURL(issuerID, id), next)
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	a, err := s.st.PutAchievement(ctx, &store.Achievement{IssuerID: issuerID, ID: id, Doc: raw, UpdatedAt: s.nowUTC()}, false)
	if err != nil {
		return nil, fmt.Errorf("issuer: update achievement: %w", err)
	}
	if a.Version != next { // an issue raced in between: rebuild with the version the store chose
		doc.Version = strconv.Itoa(a.Version)
		if raw, err = json.Marshal(doc); err != nil {
			return nil, err
		}
		if a, err = s.st.PutAchievement(ctx, &store.Achievement{IssuerID: issuerID, ID: id, Doc: raw, UpdatedAt: s.nowUTC()}, false); err != nil {
			return nil, fmt.Errorf("issuer: update achievement: %w", err)
		}
	}
	return s.achievementView(a), nil
}

// GetAchievement returns the latest version (version 0) or a given version.
func (s *Service) GetAchievement(ctx context.Context, p Principal, issuerID, id string, version int) (*Achievement, error) {
	if err := authorize(p, issuerID); err != nil {
		return nil, err
	}
	a, err := s.st.GetAchievement(ctx, issuerID, id, version)
	if err != nil {
		return nil, fmt.Errorf("achievement %s: %w", id, err)
	}
	return s.achievementView(a), nil
}

// ListAchievements returns an issuer's catalogue (latest versions).
func (s *Service) ListAchievements(ctx context.Context, p Principal, issuerID string) ([]*Achievement, error) {
	if err := authorize(p, issuerID); err != nil {
		return nil, err
	}
	if _, err := s.load(ctx, issuerID); err != nil {
		return nil, err
	}
	as, err := s.st.ListAchievements(ctx, issuerID)
	if err != nil {
		return nil, fmt.Errorf("issuer: list achievements: %w", err)
	}
	out := make([]*Achievement, 0, len(as))
	for _, a := range as {
		out = append(out, s.achievementView(a))
	}
	return out, nil
}

// PublicAchievement returns the OB Achievement JSON-LD served at its id URL
// (version 0 = latest).
func (s *Service) PublicAchievement(ctx context.Context, issuerID, id string, version int) ([]byte, error) {
	if !slugRE.MatchString(issuerID) {
		return nil, fmt.Errorf("issuer %q: %w", issuerID, store.ErrNotFound)
	}
	a, err := s.st.GetAchievement(ctx, issuerID, id, version)
	if err != nil {
		return nil, fmt.Errorf("achievement %s: %w", id, err)
	}
	return withContext(a.Doc)
}

// withContext prefixes a JSON object with the VC v2 and OB 3.0.3 @context.
func withContext(obj []byte) ([]byte, error) {
	ctx, err := json.Marshal([]string{schema.ContextVCv2, schema.ContextOB303})
	if err != nil {
		return nil, err
	}
	if len(obj) < 2 || obj[0] != '{' {
		return nil, fmt.Errorf("issuer: stored document is not an object")
	}
	out := append([]byte(`{"@context":`), ctx...)
	if len(obj) > 2 {
		out = append(out, ',')
	}
	return append(out, obj[1:]...), nil
}

// localSlug returns the id segment of a result description or rubric level at
// pointer p: given, or fallback when empty. It reports a malformed or repeated one
// (seen holds the slugs of the same list).
func localSlug(f *fieldErrs, p, given, fallback string, seen map[string]bool) string {
	slug := given
	if slug == "" {
		slug = fallback
	}
	if !slugRE.MatchString(slug) {
		f.add(p+"/id", "must match %s", slugRE)
	}
	if seen[slug] {
		f.add(p+"/id", "duplicate id %q", slug)
	}
	seen[slug] = true
	return slug
}
