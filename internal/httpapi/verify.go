package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/obadge/obadge/verifier"
)

// verifyTimeout bounds one verification, including the documents it fetches.
const verifyTimeout = 30 * time.Second

// verifyHandlers serve the W3C VC API verify endpoints and obadge's raw-form
// endpoint. Verification is CPU-bound (JSON-LD processing and canonicalization), so
// at most two per core run at once; the rest wait their turn (or their deadline),
// and the server keeps answering everything else meanwhile.
type verifyHandlers struct {
	v    VerifyService
	slot chan struct{}
}

// mountVerify mounts POST /credentials/verify, POST /presentations/verify and
// POST /api/v1/verify. None needs authentication: verifying is public.
func mountVerify(r chi.Router, d Deps) {
	h := &verifyHandlers{v: d.Verifier, slot: make(chan struct{}, 2*runtime.GOMAXPROCS(0))}
	r.With(requireJSON).Post("/credentials/verify", h.vcapi("verifiableCredential"))
	r.With(requireJSON).Post("/presentations/verify", h.vcapi("verifiablePresentation"))
	r.Post("/api/v1/verify", handle(h.raw))
}

// acquire waits for a verification slot.
func (h *verifyHandlers) acquire(ctx context.Context) (context.Context, func(), error) {
	ctx, cancel := context.WithTimeout(ctx, verifyTimeout)
	select {
	case h.slot <- struct{}{}:
		return ctx, func() { <-h.slot; cancel() }, nil
	case <-ctx.Done():
		cancel()
		return nil, nil, errBusy
	}
}

var errBusy = errors.New("httpapi: busy")

// vcOptions are the VC API verify options obadge understands; others are ignored.
type vcOptions struct {
	Domain         string `json:"domain"`
	Challenge      string `json:"challenge"`
	At             string `json:"verificationTime"`
	RecipientEmail string `json:"recipientEmail"`
	RecipientID    string `json:"recipientId"`
}

// vcapi serves POST /credentials/verify ({verifiableCredential, options}) and POST
// /presentations/verify ({verifiablePresentation, options}). It answers 200 with
// the report when verified, 422 with the same report shape when not, and 400 with
// that shape when the body is not such a request at all. Never 500 for bad input.
func (h *verifyHandlers) vcapi(member string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				writeError(w, r, mbe)
				return
			}
			writeReport(w, http.StatusBadRequest, junkReport("the request body could not be read"))
			return
		}
		var req map[string]json.RawMessage
		if err := json.Unmarshal(body, &req); err != nil || req == nil {
			writeReport(w, http.StatusBadRequest, junkReport("the body must be a JSON object with "+member))
			return
		}
		item := bytes.TrimSpace(req[member])
		if len(item) == 0 || bytes.Equal(item, []byte("null")) {
			writeReport(w, http.StatusBadRequest, junkReport("the body has no "+member))
			return
		}
		var o vcOptions
		if raw, ok := req["options"]; ok && !bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			if err := json.Unmarshal(raw, &o); err != nil {
				writeReport(w, http.StatusBadRequest, junkReport("options must be a JSON object: "+err.Error()))
				return
			}
		}
		vo := verifier.VerifyOptions{Domain: o.Domain, Challenge: o.Challenge, RecipientEmail: o.RecipientEmail, RecipientID: o.RecipientID, Hint: "application/json"}
		if o.At != "" {
			t, err := time.Parse(time.RFC3339, o.At)
			if err != nil {
				writeReport(w, http.StatusBadRequest, junkReport("options.verificationTime must be an RFC 3339 date-time"))
				return
			}
			vo.At = t
		}
		if item[0] == '"' {
			// A VC-JWT given as a JSON string.
			var s string
			if err := json.Unmarshal(item, &s); err != nil {
				writeReport(w, http.StatusBadRequest, junkReport(member+" is not a valid JSON string"))
				return
			}
			item, vo.Hint = []byte(s), "application/vc+jwt"
		} else if item[0] != '{' {
			writeReport(w, http.StatusBadRequest, junkReport(member+" must be a JSON object or a compact JWT string"))
			return
		}
		ctx, release, err := h.acquire(r.Context())
		if err != nil {
			writeError(w, r, err)
			return
		}
		defer release()
		rep, err := h.v.Verify(ctx, item, vo)
		if err != nil {
			writeError(w, r, err)
			return
		}
		wantPresentation := member == "verifiablePresentation"
		if (rep.Kind == "presentation") != wantPresentation && rep.Check(verifier.CheckParse) != nil && rep.Check(verifier.CheckParse).Status == verifier.Pass {
			writeReport(w, http.StatusBadRequest, junkReport(fmt.Sprintf("%s holds a %s", member, rep.Kind)))
			return
		}
		status := http.StatusOK
		switch {
		case rep.Verified:
		case rep.Check(verifier.CheckParse) != nil && rep.Check(verifier.CheckParse).Status == verifier.Fail:
			status = http.StatusBadRequest
		default:
			status = http.StatusUnprocessableEntity
		}
		writeReport(w, status, rep)
	}
}

// raw serves POST /api/v1/verify: the credential in any raw form, chosen by
// Content-Type: JSON (a credential, a presentation, or {"url": ...}), a JWT as text,
// a PNG or SVG image, or a multipart upload (fields file, credential or url). Query
// parameters at, recipientEmail and recipientId tune the checks. A verification
// that fails is still a 200: the report says why.
func (h *verifyHandlers) raw(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	vo := verifier.VerifyOptions{RecipientEmail: q.Get("recipientEmail"), RecipientID: q.Get("recipientId")}
	if at := q.Get("at"); at != "" {
		t, err := time.Parse(time.RFC3339, at)
		if err != nil {
			return &malformedError{detail: "at must be an RFC 3339 date-time, e.g. 2026-06-30T00:00:00Z"}
		}
		vo.At = t
	}
	ct := r.Header.Get("Content-Type")
	mt, params, _ := mime.ParseMediaType(ct)
	var body []byte
	var url string
	switch {
	case mt == "multipart/form-data":
		b, u, hint, err := readMultipart(r, params["boundary"])
		if err != nil {
			return err
		}
		body, url, vo.Hint = b, u, hint
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		b, err := readBody(r)
		if err != nil {
			return err
		}
		var probe struct {
			URL string `json:"url"`
		}
		if json.Unmarshal(b, &probe) == nil && probe.URL != "" && !bytes.Contains(b, []byte(`"@context"`)) {
			url = probe.URL
		}
		body, vo.Hint = b, mt
	case mt == "text/plain", mt == "application/jwt", mt == "application/vc+jwt", mt == "application/vp+jwt",
		mt == "image/png", mt == "image/svg+xml", mt == "application/octet-stream":
		b, err := readBody(r)
		if err != nil {
			return err
		}
		body, vo.Hint = b, mt
	default:
		return &mediaTypeError{got: ct}
	}
	ctx, release, err := h.acquire(r.Context())
	if err != nil {
		return err
	}
	defer release()
	var rep *verifier.Report
	if url != "" {
		rep, err = h.v.VerifyURL(ctx, url, vo)
	} else {
		rep, err = h.v.Verify(ctx, body, vo)
	}
	if err != nil {
		return err
	}
	writeReport(w, http.StatusOK, rep)
	return nil
}

// maxUpload bounds a multipart upload's file part.
const maxUpload = 10 << 20

func readMultipart(r *http.Request, boundary string) (body []byte, url, hint string, err error) {
	if boundary == "" {
		return nil, "", "", &malformedError{detail: "multipart/form-data without a boundary"}
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, "", "", mbe
		}
		return nil, "", "", &malformedError{detail: "the multipart body could not be read", cause: err}
	}
	defer r.MultipartForm.RemoveAll()
	if f, fh, err := r.FormFile("file"); err == nil {
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, maxUpload+1))
		if err != nil {
			return nil, "", "", &malformedError{detail: "the uploaded file could not be read", cause: err}
		}
		if len(b) > maxUpload {
			return nil, "", "", &http.MaxBytesError{Limit: maxUpload}
		}
		if len(b) > 0 {
			return b, "", fh.Filename, nil
		}
	}
	if s := strings.TrimSpace(r.FormValue("credential")); s != "" {
		return []byte(s), "", "", nil
	}
	if u := strings.TrimSpace(r.FormValue("url")); u != "" {
		return nil, u, "", nil
	}
	return nil, "", "", &malformedError{detail: "send a file, a credential or a url field"}
}

// junkReport is the report shape for a body that is not a verification request.
func junkReport(why string) *verifier.Report {
	return verifier.Unreadable(why)
}

func writeReport(w http.ResponseWriter, status int, rep *verifier.Report) {
	_ = writeRaw(w, status, "application/json", rep.JSON())
}
