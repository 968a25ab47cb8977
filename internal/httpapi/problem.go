package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/obadge/obadge/issuer"
	"github.com/obadge/obadge/proof"
	"github.com/obadge/obadge/schema"
	"github.com/obadge/obadge/store"
)

// ProblemTypeBase prefixes every problem type URI; the slug after it names one
// entry of the registry below (documented in docs/problems.md by the lead).
const ProblemTypeBase = "https://obadge.dev/problems/"

// problemType is one registry entry.
type problemType struct {
	Slug   string
	Status int
	Title  string
}

// The problem registry. Each slug is a stable public identifier:
//
//	malformed-request           400  the body is not the JSON expected: syntax, duplicate or unknown
//	                                 member, wrong JSON type (errors[] names the member), empty body
//	payload-too-large           413  the body exceeds the server's limit (--max-body-bytes)
//	unsupported-media-type      415  a body-carrying request whose Content-Type is not JSON
//	invalid-request             422  well-formed but breaks a rule (unknown achievement, bad email,
//	                                 bad dates, ...); errors[] holds one JSON Pointer per rule
//	invalid-credential-request  422  a credential breaks the VC/OB data model or would lose data in
//	                                 JSON-LD processing (undefined term); 400 on the VC API endpoint
//	idempotency-key-reused      422  the Idempotency-Key was used before with a different body
//	not-found                   404  no such issuer, key, achievement, credential or route
//	method-not-allowed          405  the route exists, the method does not
//	conflict                    409  the id is taken (e.g. an issuer id)
//	unauthorized                401  no or unknown bearer token
//	forbidden                   403  the token may not act for that issuer
//	unavailable                 503  temporarily overloaded (e.g. verification slots); retry
//	internal                    500  our fault; quote requestId when reporting it
var (
	probMalformed     = problemType{"malformed-request", http.StatusBadRequest, "Malformed request"}
	probTooLarge      = problemType{"payload-too-large", http.StatusRequestEntityTooLarge, "Payload too large"}
	probMediaType     = problemType{"unsupported-media-type", http.StatusUnsupportedMediaType, "Unsupported media type"}
	probInvalid       = problemType{"invalid-request", http.StatusUnprocessableEntity, "Invalid request"}
	probInvalidCred   = problemType{"invalid-credential-request", http.StatusUnprocessableEntity, "Invalid credential request"}
	probIdemReused    = problemType{"idempotency-key-reused", http.StatusUnprocessableEntity, "Idempotency key reused with a different request"}
	probNotFound      = problemType{"not-found", http.StatusNotFound, "Not found"}
	probMethod        = problemType{"method-not-allowed", http.StatusMethodNotAllowed, "Method not allowed"}
	probConflict      = problemType{"conflict", http.StatusConflict, "Conflict"}
	probUnauthorized  = problemType{"unauthorized", http.StatusUnauthorized, "Unauthorized"}
	probForbidden     = problemType{"forbidden", http.StatusForbidden, "Forbidden"}
	probUnavailable   = problemType{"unavailable", http.StatusServiceUnavailable, "Service unavailable"}
	probInternal      = problemType{"internal", http.StatusInternalServerError, "Internal server error"}
	problemRegistry   = []problemType{probMalformed, probTooLarge, probMediaType, probInvalid, probInvalidCred, probIdemReused, probNotFound, probMethod, probConflict, probUnauthorized, probForbidden, probUnavailable, probInternal}
	errMethod         = errors.New("httpapi: method not allowed")
	errRouteNotFound  = errors.New("httpapi: no such resource")
	errNoCredentialID = errors.New("httpapi: credential not found")
)

// Problem is an RFC 9457 problem details body with obadge's extensions.
type Problem struct {
	Type      string              `json:"type"`
	Title     string              `json:"title"`
	Status    int                 `json:"status"`
	Detail    string              `json:"detail,omitempty"`
	Instance  string              `json:"instance,omitempty"`
	RequestID string              `json:"requestId,omitempty"`
	Errors    []schema.FieldError `json:"errors,omitempty"`
}

// malformedError is a request body that is not the JSON we expect.
type malformedError struct {
	detail string
	fields []schema.FieldError
	cause  error
}

func (e *malformedError) Error() string { return "httpapi: malformed request: " + e.detail }
func (e *malformedError) Unwrap() error { return e.cause }

// mediaTypeError is a request with the wrong Content-Type.
type mediaTypeError struct{ got string }

func (e *mediaTypeError) Error() string {
	return fmt.Sprintf("httpapi: Content-Type %q is not application/json", e.got)
}

// statusError forces a status for an error the registry would map otherwise (the
// VC API answers 400 for every invalid input).
type statusError struct {
	status int
	err    error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// classify maps an error to its registry entry, a public detail and field errors.
func classify(err error) (problemType, string, []schema.FieldError) {
	var (
		mbe *http.MaxBytesError
		me  *malformedError
		mte *mediaTypeError
		re  *issuer.RequestError
		ve  *schema.ValidationError
	)
	switch {
	case errors.As(err, &mbe):
		return probTooLarge, fmt.Sprintf("the request body exceeds %d bytes", mbe.Limit), nil
	case errors.As(err, &me):
		return probMalformed, me.detail, me.fields
	case errors.As(err, &mte):
		return probMediaType, fmt.Sprintf("Content-Type %q is not accepted; send application/json", mte.got), nil
	case errors.As(err, &re):
		fields := make([]schema.FieldError, len(re.Errors))
		for i, f := range re.Errors {
			fields[i] = schema.FieldError{Path: f.Pointer, Message: f.Detail}
		}
		return probInvalid, "the request breaks " + plural(len(fields), "rule") + "; see errors", fields
	case errors.As(err, &ve):
		if errors.Is(err, schema.ErrMalformedJSON) || errors.Is(err, schema.ErrDuplicateKey) || errors.Is(err, schema.ErrTooDeep) {
			return probMalformed, ve.Error(), ve.Errors
		}
		return probInvalidCred, "the credential breaks " + plural(len(ve.Errors), "rule") + " of the data model; see errors", ve.Errors
	case errors.Is(err, proof.ErrDataLoss), errors.Is(err, schema.ErrDataLoss):
		return probInvalidCred, err.Error(), nil
	case errors.Is(err, store.ErrIdempotencyMismatch):
		return probIdemReused, "this Idempotency-Key was used with a different request body", nil
	case errors.Is(err, issuer.ErrUnauthenticated):
		return probUnauthorized, "send a valid API token: Authorization: Bearer <token>", nil
	case errors.Is(err, issuer.ErrForbidden):
		return probForbidden, publicDetail(err), nil
	case errors.Is(err, store.ErrNotFound), errors.Is(err, errRouteNotFound), errors.Is(err, errNoCredentialID):
		return probNotFound, publicDetail(err), nil
	case errors.Is(err, errMethod):
		return probMethod, "this resource does not support that method", nil
	case errors.Is(err, errBusy):
		return probUnavailable, "too many verifications are in progress; retry shortly", nil
	case errors.Is(err, store.ErrConflict):
		return probConflict, publicDetail(err), nil
	}
	return probInternal, "an internal error occurred; quote the requestId when reporting it", nil
}

// publicDetail is the message of errors whose text we write ourselves (ids and
// sentinels only, never key material or bodies).
func publicDetail(err error) string { return err.Error() }

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// writeError renders err as problem+json and logs it once: 4xx at Info, 5xx at
// Error with the full wrapped error. A cancelled request is only logged.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	log := loggerFrom(r.Context())
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		log.InfoContext(r.Context(), "request cancelled by client", "error", err)
		if sw, ok := w.(*statusWriter); ok {
			sw.status = 499
		}
		return
	}
	pt, detail, fields := classify(err)
	status := pt.Status
	var se *statusError
	if errors.As(err, &se) {
		switch {
		case pt.Status < 500:
			status = se.status
		case se.status != pt.Status:
			// The handler chose the status of an error the registry does not know
			// (e.g. 503 when busy): its message is written for the client.
			for _, p := range problemRegistry {
				if p.Status == se.status {
					pt, status, detail = p, se.status, publicDetail(se.err)
					break
				}
			}
		}
	}
	if status >= 500 {
		log.ErrorContext(r.Context(), "request failed", "error", err, "status", status)
	} else {
		log.InfoContext(r.Context(), "request refused", "problem", pt.Slug, "status", status, "error", err)
	}
	if pt == probUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="obadge"`)
	}
	p := Problem{Type: ProblemTypeBase + pt.Slug, Title: pt.Title, Status: status, Detail: detail,
		Instance: r.URL.Path, RequestID: requestIDFrom(r.Context()), Errors: fields}
	body, mErr := json.Marshal(p)
	if mErr != nil {
		body = []byte(`{"type":"` + ProblemTypeBase + `internal","title":"Internal server error","status":500}`)
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
