package schema

import (
	"regexp"
	"time"
)

// The Open Badges 3.0 rules, written from the OB 3.0 data model
// (common_credentials.lines, rendered as the spec's "Data Models" appendix) and its
// verification section; the 1EdTech JSON Schemas are only used as test fixtures.
// Array-compacted properties accept a single value (the JSON-LD compacted form) as
// well as an array. These checks are structural: they do no JSON-LD processing (see
// DetectDataLoss and ValidateVC) and do not look at proofs.

// OB enumerations.
var (
	achievementTypes = []string{"Achievement", "ApprenticeshipCertificate", "Assessment", "Assignment",
		"AssociateDegree", "Award", "Badge", "BachelorDegree", "Certificate", "CertificateOfCompletion",
		"Certification", "CommunityService", "Competency", "Course", "CoCurricular", "Degree", "Diploma",
		"DoctoralDegree", "Fieldwork", "GeneralEducationDevelopment", "JourneymanCertificate", "LearningProgram",
		"License", "Membership", "ProfessionalDoctorate", "QualityAssuranceCredential", "MasterCertificate",
		"MasterDegree", "MicroCredential", "ResearchDoctorate", "SecondarySchoolDiploma"}
	identifierTypes = []string{"name", "sourcedId", "systemId", "productId", "userName", "accountId",
		"emailAddress", "nationalIdentityNumber", "isbn", "issn", "lisSourcedId", "oneRosterSourcedId",
		"sisSourcedId", "ltiContextId", "ltiDeploymentId", "ltiToolId", "ltiPlatformId", "ltiUserId", "identifier"}
	alignmentTargetTypes = []string{"ceasn:Competency", "ceterms:Credential", "CFItem", "CFRubric",
		"CFRubricCriterion", "CFRubricCriterionLevel", "CTDL"}
	resultTypes = []string{"GradePointAverage", "LetterGrade", "Percent", "PerformanceLevel", "PredictedScore",
		"RawScore", "Result", "RubricCriterion", "RubricCriterionLevel", "RubricScore", "ScaledScore", "Status"}
	resultStatuses = []string{"Completed", "Enrolled", "Failed", "InProgress", "OnHold", "Provisional", "Withdrew"}
)

var (
	// obContextRe is the OB JSON Schema's pattern for the second @context entry.
	obContextRe    = regexp.MustCompile(`^https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d\.\d)*\.json$`)
	compactJWSRe   = regexp.MustCompile(`^[a-zA-Z0-9_-]+\.[a-zA-Z0-9_-]*\.[a-zA-Z0-9_-]+$`)
	identityHashRe = regexp.MustCompile(`^(sha256\$[0-9a-fA-F]{64}|md5\$[0-9a-fA-F]{32})$`)
)

// Validate checks raw as an Open Badges 3.0 AchievementCredential
// (OpenBadgeCredential), VCDM 2.0 or the legacy VCDM 1.1 form, and reports every
// rule it breaks with the JSON Pointer of the member. Warnings flag what is accepted
// but not current (VCDM 1.1, an OB context other than 3.0.3).
func Validate(raw []byte) *Report {
	doc, err := decodeForValidation(raw)
	if err != nil {
		return parseFailure(err)
	}
	r := &Report{}
	validateCredential(r, doc, "", kindAchievement)
	validateSerialization(r, doc, "")
	return r
}

// ValidateOB is Validate as an error: nil when raw is a conformant
// AchievementCredential, otherwise a *ValidationError (errors.Is ErrInvalid; a
// JSON-level failure also matches ErrMalformedJSON, ErrDuplicateKey, ErrTooDeep or
// ErrTooLarge).
func ValidateOB(raw []byte) error {
	return validateKind(raw, func(r *Report, doc map[string]any) {
		validateCredential(r, doc, "", kindAchievement)
		validateSerialization(r, doc, "")
	})
}

// ValidateEndorsement checks raw as an EndorsementCredential, as ValidateOB does.
func ValidateEndorsement(raw []byte) error {
	return validateKind(raw, func(r *Report, doc map[string]any) {
		validateCredential(r, doc, "", kindEndorsement)
		validateSerialization(r, doc, "")
	})
}

// ValidateProfile checks raw as a Profile (the OB API getProfile/putProfile body, an
// issuer profile document), as ValidateOB does. A @context, if present, must hold
// URL strings or objects.
func ValidateProfile(raw []byte) error {
	return validateKind(raw, func(r *Report, doc map[string]any) {
		if c, ok := doc["@context"]; ok {
			each(c, "/@context", func(e any, p ptr) {
				switch v := e.(type) {
				case string:
					if !isURI(v) {
						r.errorf(string(p), "context entry must be an absolute URL")
					}
				case map[string]any:
				default:
					r.errorf(string(p), "context entry must be a URL string or an object")
				}
			})
		}
		validateProfile(r, doc, "")
		validateSerialization(r, doc, "")
	})
}

func validateKind(raw []byte, f func(*Report, map[string]any)) error {
	doc, err := decodeForValidation(raw)
	if err != nil {
		return reportErr(parseFailure(err), err)
	}
	r := &Report{}
	f(r, doc)
	return r.Err()
}

// validateSerialization applies the OB serialization rule "Null values and empty
// arrays MUST be omitted" (ob_v3p0/serialization.md) to the whole document except
// embedded contexts, where null has a JSON-LD meaning. A null is an error (JSON-LD
// drops it, so it is not signed, and the OB JSON Schemas refuse it); an empty array
// is a warning, as the 1EdTech JSON Schemas accept most of them.
func validateSerialization(r *Report, v any, p ptr) {
	switch t := v.(type) {
	case nil:
		r.errorf(string(p), "null values must be omitted")
	case []any:
		if len(t) == 0 {
			r.warnf(string(p), "empty arrays should be omitted")
		}
		for i, e := range t {
			validateSerialization(r, e, p.idx(i))
		}
	case map[string]any:
		for k, e := range t {
			if k == "@context" {
				continue
			}
			validateSerialization(r, e, p.key(k))
		}
	}
}

type credentialKind int

const (
	kindAchievement credentialKind = iota
	kindEndorsement
)

// validateCredential checks the VC envelope as OB profiles it, then the subject.
func validateCredential(r *Report, doc map[string]any, p ptr, kind credentialKind) {
	v11 := validateOBContext(r, doc, p)

	requireURI(r, doc, p, "id")
	if requireType(r, doc, p, "VerifiableCredential") {
		switch kind {
		case kindAchievement:
			requireType(r, doc, p, "OpenBadgeCredential", "AchievementCredential")
		case kindEndorsement:
			requireType(r, doc, p, "EndorsementCredential")
		}
	}
	if kind == kindEndorsement || v11 {
		// EndorsementCredential requires name; so does the VCDM 1.1 AchievementCredential.
		requireStr(r, doc, p, "name")
	} else {
		str(r, doc, p, "name")
	}
	str(r, doc, p, "description")
	if img, ok := doc["image"]; ok {
		validateImage(r, img, p.key("image"))
	}
	dateTimeZ(r, doc, p, "awardedDate")

	// issuer: a URI or a Profile
	switch iss := doc["issuer"].(type) {
	case nil:
		r.errorf(string(p.key("issuer")), "issuer is required")
	case string:
		if !isURI(iss) {
			r.errorf(string(p.key("issuer")), "issuer must be an absolute URI or a Profile, got %q", truncate(iss))
		}
	case map[string]any:
		validateProfile(r, iss, p.key("issuer"))
	default:
		r.errorf(string(p.key("issuer")), "issuer must be a URI string or a Profile object")
	}

	validateValidity(r, doc, p, v11, true)

	// credentialSubject: exactly one object
	switch cs := doc["credentialSubject"].(type) {
	case nil:
		r.errorf(string(p.key("credentialSubject")), "credentialSubject is required")
	case map[string]any:
		if kind == kindEndorsement {
			validateEndorsementSubject(r, cs, p.key("credentialSubject"))
		} else {
			validateAchievementSubject(r, cs, p.key("credentialSubject"))
		}
	default:
		r.errorf(string(p.key("credentialSubject")), "credentialSubject must be a single object")
	}

	validateEnvelopeExtras(r, doc, p)
}

// validateOBContext checks @context and reports whether the credential is VCDM 1.1.
func validateOBContext(r *Report, doc map[string]any, p ptr) (v11 bool) {
	cp := p.key("@context")
	c, ok := doc["@context"]
	if !ok {
		r.errorf(string(cp), "@context is required")
		return false
	}
	arr, ok := c.([]any)
	if !ok {
		r.errorf(string(cp), "@context must be an array of the VC context and the OB context")
		return false
	}
	for i, e := range arr {
		switch v := e.(type) {
		case string:
			if !isURI(v) {
				r.errorf(string(cp.idx(i)), "context entry must be an absolute URL")
			}
		case map[string]any:
		default:
			r.errorf(string(cp.idx(i)), "context entry must be a URL string or an object")
		}
	}
	if len(arr) < 2 {
		r.errorf(string(cp), "@context must have at least two entries: %s then the OB context", ContextVCv2)
	}
	if len(arr) > 0 {
		switch arr[0] {
		case ContextVCv2:
		case ContextVCv1:
			v11 = true
			r.warnf(string(cp.idx(0)), "VCDM 1.1 credential (%s); OB 3.0 issues VCDM 2.0 (%s)", ContextVCv1, ContextVCv2)
		default:
			r.errorf(string(cp.idx(0)), "the first context must be %s", ContextVCv2)
		}
	}
	if len(arr) > 1 {
		s, _ := arr[1].(string)
		switch {
		case !obContextRe.MatchString(s):
			r.errorf(string(cp.idx(1)), "the second context must be the OB 3.0 context %s", ContextOB303)
		case s != ContextOB303:
			r.warnf(string(cp.idx(1)), "OB context %s is not the current %s", s, ContextOB303)
		}
	}
	return v11
}

// validateValidity checks validFrom/validUntil (VCDM 2.0; validFrom required when
// requireFrom, as OB does) or issuanceDate/expirationDate (VCDM 1.1, issuanceDate
// always required) and their order.
func validateValidity(r *Report, doc map[string]any, p ptr, v11, requireFrom bool) {
	fromKey, untilKey := "validFrom", "validUntil"
	var from, until time.Time
	var okFrom, okUntil bool
	if v11 {
		fromKey, untilKey = "issuanceDate", "expirationDate"
		if _, ok := doc[fromKey]; !ok {
			r.errorf(string(p.key(fromKey)), "issuanceDate is required in a VCDM 1.1 credential")
		}
		from, okFrom = dateTime(r, doc, p, fromKey)
		until, okUntil = dateTime(r, doc, p, untilKey)
	} else {
		if _, ok := doc[fromKey]; !ok && requireFrom {
			r.errorf(string(p.key(fromKey)), "validFrom is required")
		}
		from, okFrom = dateTimeZ(r, doc, p, fromKey)
		until, okUntil = dateTimeZ(r, doc, p, untilKey)
	}
	if okFrom && okUntil && until.Before(from) {
		r.errorf(string(p.key(untilKey)), "%s is before %s", untilKey, fromKey)
	}
}

// validateEnvelopeExtras checks the optional VC members OB types.
func validateEnvelopeExtras(r *Report, doc map[string]any, p ptr) {
	if v, ok := doc["evidence"]; ok {
		each(v, p.key("evidence"), func(e any, ep ptr) {
			if ev, ok := object(r, e, ep, "evidence"); ok {
				requireType(r, ev, ep, "Evidence")
				uri(r, ev, ep, "id")
				for _, k := range []string{"narrative", "name", "description", "genre", "audience"} {
					str(r, ev, ep, k)
				}
			}
		})
	}
	if v, ok := doc["credentialSchema"]; ok {
		each(v, p.key("credentialSchema"), func(e any, ep ptr) {
			if cs, ok := object(r, e, ep, "credentialSchema"); ok {
				requireURI(r, cs, ep, "id")
				requireStr(r, cs, ep, "type")
			}
		})
	}
	if v, ok := doc["credentialStatus"]; ok {
		// OB 3.0 allows one status object. Bitstring Status List allows several (a
		// revocation and a suspension entry, as obadge issues when an issuer enables
		// suspension): accept that with a warning, each entry held to the same rules.
		if arr, isArr := v.([]any); isArr {
			if len(arr) > 1 {
				r.warnf(string(p.key("credentialStatus")), "%d status entries; OB 3.0 expects a single credentialStatus object (Bitstring Status List allows several)", len(arr))
			}
		}
		each(v, p.key("credentialStatus"), func(e any, ep ptr) {
			if cs, ok := object(r, e, ep, "credentialStatus"); ok {
				requireURI(r, cs, ep, "id")
				requireStr(r, cs, ep, "type")
			}
		})
	}
	if v, ok := doc["refreshService"]; ok {
		if rs, ok := object(r, v, p.key("refreshService"), "refreshService"); ok {
			requireURI(r, rs, p.key("refreshService"), "id")
			requireStr(r, rs, p.key("refreshService"), "type")
		}
	}
	if v, ok := doc["termsOfUse"]; ok {
		each(v, p.key("termsOfUse"), func(e any, ep ptr) {
			if tu, ok := object(r, e, ep, "termsOfUse"); ok {
				requireStr(r, tu, ep, "type")
				uri(r, tu, ep, "id")
			}
		})
	}
	if v, ok := doc["proof"]; ok {
		each(v, p.key("proof"), func(e any, ep ptr) {
			if pr, ok := object(r, e, ep, "proof"); ok {
				requireStr(r, pr, ep, "type")
				dateTime(r, pr, ep, "created")
			}
		})
	}
	validateEndorsements(r, doc, p)
}

// validateEndorsements checks endorsement (embedded EndorsementCredentials) and
// endorsementJwt (compact JWS strings) of a credential, Achievement or Profile.
func validateEndorsements(r *Report, obj map[string]any, p ptr) {
	if v, ok := obj["endorsement"]; ok {
		each(v, p.key("endorsement"), func(e any, ep ptr) {
			if en, ok := object(r, e, ep, "endorsement"); ok {
				validateCredential(r, en, ep, kindEndorsement)
			}
		})
	}
	if v, ok := obj["endorsementJwt"]; ok {
		each(v, p.key("endorsementJwt"), func(e any, ep ptr) {
			if s, ok := e.(string); !ok || !compactJWSRe.MatchString(s) {
				r.errorf(string(ep), "endorsementJwt must be a compact JWS")
			}
		})
	}
}

func validateEndorsementSubject(r *Report, cs map[string]any, p ptr) {
	requireURI(r, cs, p, "id")
	requireType(r, cs, p, "EndorsementSubject")
	str(r, cs, p, "endorsementComment")
}

func validateAchievementSubject(r *Report, cs map[string]any, p ptr) {
	requireType(r, cs, p, "AchievementSubject")
	_, hasID := uri(r, cs, p, "id")
	if _, ok := cs["id"]; ok {
		hasID = true // a malformed id is reported above; do not also report it missing
	}
	if ids, ok := cs["identifier"]; ok {
		if count(ids) == 0 {
			r.errorf(string(p.key("identifier")), "identifier must not be empty")
		}
		each(ids, p.key("identifier"), func(e any, ep ptr) { validateIdentityObject(r, e, ep) })
	} else if !hasID {
		r.errorf(string(p), "credentialSubject needs an id or at least one identifier")
	}
	if a, ok := cs["achievement"]; ok {
		if am, ok := object(r, a, p.key("achievement"), "achievement"); ok {
			validateAchievement(r, am, p.key("achievement"))
		}
	} else {
		r.errorf(string(p.key("achievement")), "achievement is required")
	}
	dateTime(r, cs, p, "activityStartDate")
	dateTime(r, cs, p, "activityEndDate")
	number(r, cs, p, "creditsEarned")
	for _, k := range []string{"licenseNumber", "narrative", "role", "term"} {
		str(r, cs, p, k)
	}
	if img, ok := cs["image"]; ok {
		validateImage(r, img, p.key("image"))
	}
	if v, ok := cs["result"]; ok {
		each(v, p.key("result"), func(e any, ep ptr) {
			if res, ok := object(r, e, ep, "result"); ok {
				validateResult(r, res, ep)
			}
		})
	}
	if v, ok := cs["source"]; ok {
		if src, ok := object(r, v, p.key("source"), "source"); ok {
			validateProfile(r, src, p.key("source"))
		}
	}
}

func validateIdentityObject(r *Report, e any, p ptr) {
	id, ok := object(r, e, p, "identifier")
	if !ok {
		return
	}
	requireExactType(r, id, p, "IdentityObject")
	hashed, isBool := id["hashed"].(bool)
	if _, present := id["hashed"]; !present {
		r.errorf(string(p.key("hashed")), "hashed is required")
	} else if !isBool {
		r.errorf(string(p.key("hashed")), "hashed must be a boolean")
	}
	if h, ok := requireStr(r, id, p, "identityHash"); ok && isBool && hashed && !identityHashRe.MatchString(h) {
		r.errorf(string(p.key("identityHash")), "a hashed identityHash must be sha256$<64 hex> or md5$<32 hex>")
	}
	if _, present := id["identityType"]; !present {
		r.errorf(string(p.key("identityType")), "identityType is required")
	} else {
		enumOrExt(r, id, p, "identityType", identifierTypes)
	}
	str(r, id, p, "salt")
	onlyMembers(r, id, p, "IdentityObject", "type", "hashed", "identityHash", "identityType", "salt")
}

func validateAchievement(r *Report, a map[string]any, p ptr) {
	requireURI(r, a, p, "id")
	requireType(r, a, p, "Achievement")
	if c, ok := a["criteria"]; ok {
		if cm, ok := object(r, c, p.key("criteria"), "criteria"); ok {
			uri(r, cm, p.key("criteria"), "id")
			str(r, cm, p.key("criteria"), "narrative")
			if _, hasID := cm["id"]; !hasID {
				if _, hasNarr := cm["narrative"]; !hasNarr {
					r.warnf(string(p.key("criteria")), "criteria should have an id or a narrative")
				}
			}
		}
	} else {
		r.errorf(string(p.key("criteria")), "criteria is required")
	}
	requireStr(r, a, p, "description")
	requireStr(r, a, p, "name")
	enumOrExt(r, a, p, "achievementType", achievementTypes)
	if v, ok := a["creator"]; ok {
		if c, ok := object(r, v, p.key("creator"), "creator"); ok {
			validateProfile(r, c, p.key("creator"))
		}
	}
	number(r, a, p, "creditsAvailable")
	for _, k := range []string{"fieldOfStudy", "humanCode", "inLanguage", "specialization", "version"} {
		str(r, a, p, k)
	}
	stringList(r, a, p, "tag")
	if img, ok := a["image"]; ok {
		validateImage(r, img, p.key("image"))
	}
	validateAlignments(r, a, p)
	validateIdentifierEntries(r, a, p)
	if v, ok := a["related"]; ok {
		each(v, p.key("related"), func(e any, ep ptr) {
			if rel, ok := object(r, e, ep, "related"); ok {
				requireURI(r, rel, ep, "id")
				requireType(r, rel, ep, "Related")
				str(r, rel, ep, "inLanguage")
				str(r, rel, ep, "version")
			}
		})
	}
	if v, ok := a["resultDescription"]; ok {
		each(v, p.key("resultDescription"), func(e any, ep ptr) {
			if rd, ok := object(r, e, ep, "resultDescription"); ok {
				validateResultDescription(r, rd, ep)
			}
		})
	}
	validateEndorsements(r, a, p)
}

func validateAlignments(r *Report, obj map[string]any, p ptr) {
	v, ok := obj["alignment"]
	if !ok {
		return
	}
	each(v, p.key("alignment"), func(e any, ep ptr) {
		al, ok := object(r, e, ep, "alignment")
		if !ok {
			return
		}
		requireType(r, al, ep, "Alignment")
		requireStr(r, al, ep, "targetName")
		requireURI(r, al, ep, "targetUrl")
		for _, k := range []string{"targetCode", "targetDescription", "targetFramework"} {
			str(r, al, ep, k)
		}
		enumOrExt(r, al, ep, "targetType", alignmentTargetTypes)
	})
}

func validateIdentifierEntries(r *Report, obj map[string]any, p ptr) {
	v, ok := obj["otherIdentifier"]
	if !ok {
		return
	}
	each(v, p.key("otherIdentifier"), func(e any, ep ptr) {
		ie, ok := object(r, e, ep, "otherIdentifier")
		if !ok {
			return
		}
		requireExactType(r, ie, ep, "IdentifierEntry")
		requireStr(r, ie, ep, "identifier")
		if _, present := ie["identifierType"]; !present {
			r.errorf(string(ep.key("identifierType")), "identifierType is required")
		} else {
			enumOrExt(r, ie, ep, "identifierType", identifierTypes)
		}
		onlyMembers(r, ie, ep, "IdentifierEntry", "type", "identifier", "identifierType")
	})
}

func validateResultDescription(r *Report, rd map[string]any, p ptr) {
	requireURI(r, rd, p, "id")
	requireType(r, rd, p, "ResultDescription")
	requireStr(r, rd, p, "name")
	if _, ok := rd["resultType"]; !ok {
		r.errorf(string(p.key("resultType")), "resultType is required")
	} else {
		enumOrExt(r, rd, p, "resultType", resultTypes)
	}
	validateAlignments(r, rd, p)
	stringList(r, rd, p, "allowedValue")
	uri(r, rd, p, "requiredLevel")
	for _, k := range []string{"requiredValue", "valueMax", "valueMin"} {
		str(r, rd, p, k)
	}
	if v, ok := rd["rubricCriterionLevel"]; ok {
		each(v, p.key("rubricCriterionLevel"), func(e any, ep ptr) {
			lvl, ok := object(r, e, ep, "rubricCriterionLevel")
			if !ok {
				return
			}
			requireURI(r, lvl, ep, "id")
			requireType(r, lvl, ep, "RubricCriterionLevel")
			requireStr(r, lvl, ep, "name")
			for _, k := range []string{"description", "level", "points"} {
				str(r, lvl, ep, k)
			}
			validateAlignments(r, lvl, ep)
		})
	}
}

func validateResult(r *Report, res map[string]any, p ptr) {
	requireType(r, res, p, "Result")
	uri(r, res, p, "achievedLevel")
	uri(r, res, p, "resultDescription")
	enum(r, res, p, "status", resultStatuses)
	str(r, res, p, "value")
	validateAlignments(r, res, p)
}

// validateProfile checks a Profile (issuer, creator, source, endorser, parentOrg).
func validateProfile(r *Report, pr map[string]any, p ptr) {
	requireURI(r, pr, p, "id")
	requireType(r, pr, p, "Profile")
	for _, k := range []string{"name", "phone", "description", "email", "official", "familyName", "givenName",
		"additionalName", "patronymicName", "honorificPrefix", "honorificSuffix", "familyNamePrefix"} {
		str(r, pr, p, k)
	}
	uri(r, pr, p, "url")
	date(r, pr, p, "dateOfBirth")
	if img, ok := pr["image"]; ok {
		validateImage(r, img, p.key("image"))
	}
	if v, ok := pr["address"]; ok {
		if ad, ok := object(r, v, p.key("address"), "address"); ok {
			validateAddress(r, ad, p.key("address"))
		}
	}
	validateIdentifierEntries(r, pr, p)
	if v, ok := pr["parentOrg"]; ok {
		if po, ok := object(r, v, p.key("parentOrg"), "parentOrg"); ok {
			validateProfile(r, po, p.key("parentOrg"))
		}
	}
	validateEndorsements(r, pr, p)
}

func validateAddress(r *Report, ad map[string]any, p ptr) {
	requireType(r, ad, p, "Address")
	for _, k := range []string{"addressCountry", "addressCountryCode", "addressRegion", "addressLocality",
		"streetAddress", "postOfficeBoxNumber", "postalCode"} {
		str(r, ad, p, k)
	}
	if v, ok := ad["geo"]; ok {
		if geo, ok := object(r, v, p.key("geo"), "geo"); ok {
			requireExactType(r, geo, p.key("geo"), "GeoCoordinates")
			for _, k := range []string{"latitude", "longitude"} {
				if _, ok := geo[k]; !ok {
					r.errorf(string(p.key("geo").key(k)), "%s is required", k)
				}
				number(r, geo, p.key("geo"), k)
			}
		}
	}
}

// validateImage checks an Image: exactly id (a URL or data: URI), type "Image", and
// an optional caption.
func validateImage(r *Report, v any, p ptr) {
	img, ok := object(r, v, p, "image")
	if !ok {
		return
	}
	requireURI(r, img, p, "id")
	requireExactType(r, img, p, "Image")
	str(r, img, p, "caption")
	onlyMembers(r, img, p, "Image", "id", "type", "caption")
}
