package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/obadge/obadge/verifier"
)

// maxURLBytes bounds the URL field; maxParts bounds the parts of a submission.
const (
	maxURLBytes = 4096
	maxParts    = 16
	// maxEcho is the largest pasted text written back into the form.
	maxEcho = 64 << 10
)

// verifyData is what the /verify template renders.
type verifyData struct {
	Title     string
	Problem   string // why the submission was refused, in plain words
	Report    *verifier.Report
	Verdict   verdict
	Source    string // what was verified, for the heading
	Recipient string
	CheckedAt time.Time
	Pasted    string
	URL       string
	MaxUpload string
}

func (h *Handler) verifyForm(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "verify.html", &verifyData{Title: "Verify a badge", MaxUpload: mib(h.maxUpload)})
}

func mib(n int64) string { return fmt.Sprintf("%d MiB", n>>20) }

// submission is one /verify form, read.
type submission struct {
	file     []byte
	fileName string
	pasted   string
	url      string
}

// errFormTooLarge and errFormMalformed are refusals of the form itself.
var (
	errFormTooLarge  = errors.New("web: submission too large")
	errFormMalformed = errors.New("web: malformed submission")
)

// verifySubmit verifies what the form carries: an uploaded file, pasted text or a URL.
//
// CSRF: this form has no token on purpose. Verifying is public and has no side
// effects (nothing is stored, no account is involved, the result goes back only to
// whoever submitted), so a cross-site submission gains an attacker nothing. The URL
// field is fetched only through the verifier's SSRF-safe client (VerifyURL).
func (h *Handler) verifySubmit(w http.ResponseWriter, r *http.Request) {
	data := &verifyData{Title: "Verification result", MaxUpload: mib(h.maxUpload)}
	sub, err := h.readSubmission(w, r)
	if sub != nil {
		if len(sub.pasted) <= maxEcho {
			data.Pasted = sub.pasted
		}
		data.URL = sub.url
	}
	if err != nil {
		status := http.StatusBadRequest
		data.Title = "Verify a badge"
		data.Problem = "The form could not be read. Please choose the file again, or paste the credential, and submit once more."
		if errors.Is(err, errFormTooLarge) {
			status = http.StatusRequestEntityTooLarge
			data.Problem = "That is too large to be a badge: the limit is " + mib(h.maxUpload) + " in all. Please upload the badge image, JSON or JWT itself."
		}
		h.log.InfoContext(r.Context(), "web: verify form refused", "error", err)
		h.render(w, r, status, "verify.html", data)
		return
	}
	given := 0
	for _, ok := range []bool{len(sub.file) > 0, strings.TrimSpace(sub.pasted) != "", sub.url != ""} {
		if ok {
			given++
		}
	}
	if given != 1 {
		data.Title = "Verify a badge"
		data.Problem = "Please give one credential: upload a file, paste the credential, or enter its URL."
		if given > 1 {
			data.Problem = "Please give one credential at a time: you gave more than one of a file, pasted text and a URL."
		}
		h.render(w, r, http.StatusBadRequest, "verify.html", data)
		return
	}

	ctx, release, err := h.acquire(r.Context())
	if err != nil {
		data.Title = "Verify a badge"
		data.Problem = "The verifier is busy. Please try again in a moment."
		w.Header().Set("Retry-After", "5")
		h.render(w, r, http.StatusServiceUnavailable, "verify.html", data)
		return
	}
	defer release()
	var rep *verifier.Report
	switch {
	case len(sub.file) > 0:
		data.Source = "the uploaded file " + quoteName(sub.fileName)
		rep, err = h.v.Verify(ctx, sub.file, verifier.VerifyOptions{Hint: sub.fileName})
	case sub.url != "":
		data.Source = sub.url
		rep, err = h.v.VerifyURL(ctx, sub.url, verifier.VerifyOptions{})
	default:
		data.Source = "the pasted credential"
		rep, err = h.v.Verify(ctx, []byte(sub.pasted), verifier.VerifyOptions{})
	}
	if err != nil {
		if r.Context().Err() != nil {
			return
		}
		h.log.WarnContext(r.Context(), "web: verify", "error", err)
		data.Title = "Verify a badge"
		data.Problem = "The verification did not finish in time. Please try again."
		h.render(w, r, http.StatusServiceUnavailable, "verify.html", data)
		return
	}
	data.Report = rep
	data.Verdict = verdictOf(rep)
	data.CheckedAt = h.now()
	data.Recipient = readDetails(rep.Credential).RecipientName
	if strings.Contains(data.Recipient, "@") {
		data.Recipient = ""
	}
	data.Title = data.Verdict.Label + ": verification result"
	h.render(w, r, http.StatusOK, "verify.html", data)
}

// quoteName shows a file name the browser sent, shortened and quoted.
func quoteName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return "(unnamed)"
	}
	return "“" + truncate(s, 80) + "”"
}

// readSubmission reads a multipart (or urlencoded) form within the upload limit,
// without spilling to disk.
func (h *Handler) readSubmission(w http.ResponseWriter, r *http.Request) (*submission, error) {
	if r.ContentLength > h.maxUpload {
		return nil, errFormTooLarge
	}
	r.Body = http.MaxBytesReader(w, r.Body, h.maxUpload)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	sub := &submission{}
	if mt == "application/x-www-form-urlencoded" {
		if err := r.ParseForm(); err != nil {
			return nil, classifyRead(err)
		}
		sub.pasted = r.PostForm.Get("credential")
		sub.url = strings.TrimSpace(r.PostForm.Get("url"))
		if len(sub.url) > maxURLBytes {
			return sub, fmt.Errorf("%w: url longer than %d bytes", errFormMalformed, maxURLBytes)
		}
		return sub, nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errFormMalformed, err)
	}
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return sub, classifyRead(err)
		}
		if n >= maxParts {
			return sub, fmt.Errorf("%w: more than %d parts", errFormMalformed, maxParts)
		}
		var limit int64
		switch part.FormName() {
		case "file", "credential":
			limit = h.maxUpload
		case "url":
			limit = maxURLBytes
		default:
			if _, err := io.Copy(io.Discard, part); err != nil {
				return sub, classifyRead(err)
			}
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, limit+1))
		if err != nil {
			return sub, classifyRead(err)
		}
		if int64(len(b)) > limit {
			if part.FormName() == "url" {
				return sub, fmt.Errorf("%w: url longer than %d bytes", errFormMalformed, maxURLBytes)
			}
			return sub, errFormTooLarge
		}
		switch part.FormName() {
		case "file":
			sub.file, sub.fileName = b, part.FileName()
		case "credential":
			sub.pasted = string(b)
		case "url":
			sub.url = string(bytes.TrimSpace(b))
		}
	}
	return sub, nil
}

func classifyRead(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return fmt.Errorf("%w: %w", errFormTooLarge, err)
	}
	return fmt.Errorf("%w: %w", errFormMalformed, err)
}
