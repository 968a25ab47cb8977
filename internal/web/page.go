package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/obadge/obadge/verifier"
)

// pageData is what the badge page template renders.
type pageData struct {
	Title     string
	PageURL   string
	Base      string // path prefix of the badge's sub-resources
	Report    *verifier.Report
	Summary   verifier.Summary
	Details   details
	Verdict   verdict
	CheckedAt time.Time
	Recipient string
	Evidence  []Evidence
	ImageSrc  string // same-origin path or an https URL
	ImageAlt  string
	JWT       bool
	LinkedIn  string
	OG        openGraph
	Expired   bool
}

// openGraph holds the social card tags.
type openGraph struct {
	Title, Description, Image, ImageAlt, URL string
}

// page renders the badge page, verifying the credential (or reusing a fresh report).
func (h *Handler) page(w http.ResponseWriter, r *http.Request, b *Badge) {
	rep, at, err := h.verifyBadge(r.Context(), b)
	if err != nil {
		if r.Context().Err() != nil {
			return // the client went away
		}
		h.log.WarnContext(r.Context(), "web: verify badge", "error", err)
		rep = nil // the page still shows what the credential says, marked not verified
	}
	d := h.badgeData(r, b, rep)
	if !at.IsZero() {
		d.CheckedAt = at
	}
	h.render(w, r, http.StatusOK, "badge.html", d)
}

func (h *Handler) badgeData(r *http.Request, b *Badge, rep *verifier.Report) *pageData {
	pageURL := h.pageURL(r, b)
	cred := credentialJSON(b)
	if rep != nil && len(rep.Credential) > 0 {
		cred = rep.Credential
	}
	d := &pageData{
		PageURL:   pageURL,
		Base:      "/badges/" + url.PathEscape(b.Token),
		Report:    rep,
		Details:   readDetails(cred),
		Verdict:   verdictOf(rep),
		CheckedAt: h.now(),
		Evidence:  b.Evidence,
		JWT:       b.format() == "jwt",
	}
	if rep != nil {
		d.Summary = rep.Summary
	} else {
		d.Summary.AchievementName = achievementName(b)
		d.Summary.IssuerName = issuerName(b)
	}
	s := d.Summary
	d.Recipient = strings.TrimSpace(b.RecipientName)
	if d.Recipient == "" {
		d.Recipient = d.Details.RecipientName
	}
	if strings.Contains(d.Recipient, "@") {
		d.Recipient = "" // never an email address
	}
	name := s.AchievementName
	if name == "" {
		name = s.CredentialName
	}
	if name == "" {
		name = "Open Badge"
	}
	d.Title = name
	if until, ok := parseDate(s.ValidUntil); ok && h.now().After(until) {
		d.Expired = true
	}

	// The image: ours when we have the bytes, the issuer's https URL otherwise.
	d.ImageSrc = d.Base + "/image"
	if img, _ := b.image(); img == nil && strings.HasPrefix(d.Details.ImageURL, "https://") {
		d.ImageSrc = d.Details.ImageURL
	}
	d.ImageAlt = d.Details.ImageCaption
	if d.ImageAlt == "" {
		d.ImageAlt = "Badge image for " + name
	}

	issued, _ := parseDate(s.ValidFrom)
	expires, _ := parseDate(s.ValidUntil)
	d.LinkedIn = LinkedInURL(name, b.LinkedInOrganizationID, s.IssuerName, issued, expires, pageURL, s.CredentialID)

	desc := ""
	switch {
	case d.Recipient != "" && s.IssuerName != "":
		desc = "Awarded to " + d.Recipient + " by " + s.IssuerName + "."
	case s.IssuerName != "":
		desc = "Issued by " + s.IssuerName + "."
	}
	if s.Description != "" {
		desc = strings.TrimSpace(desc + " " + s.Description)
	}
	d.OG = openGraph{
		Title:       name,
		Description: truncate(desc, 200),
		Image:       h.baseURL(r) + d.Base + "/image.png",
		ImageAlt:    d.ImageAlt,
		URL:         pageURL,
	}
	return d
}

// notFound answers a missing or hidden badge: a page for people, problem+json for
// programs.
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request, page bool) {
	if page && wantsHTML(r) {
		h.render(w, r, http.StatusNotFound, "notfound.html", nil)
		return
	}
	h.problem(w, r, http.StatusNotFound, "not-found", "Not found", "no badge at this address (it may have been hidden by its recipient)")
}

func (h *Handler) failure(w http.ResponseWriter, r *http.Request, page bool) {
	if page && wantsHTML(r) {
		h.render(w, r, http.StatusInternalServerError, "error.html", map[string]string{"Message": "Something went wrong on our side. Please try again in a moment."})
		return
	}
	h.problem(w, r, http.StatusInternalServerError, "internal", "Internal server error", "an internal error occurred")
}

func wantsHTML(r *http.Request) bool {
	a := r.Header.Get("Accept")
	return a == "" || strings.Contains(a, "text/html") || strings.Contains(a, "*/*")
}
