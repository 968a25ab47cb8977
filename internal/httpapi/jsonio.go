package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/obadge/obadge/schema"
)

// readBody reads the whole (size-limited) body.
func readBody(r *http.Request) ([]byte, error) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, mbe
		}
		return nil, &malformedError{detail: "the request body could not be read", cause: err}
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, &malformedError{detail: "the request body is empty; send a JSON object", cause: errNoBody}
	}
	return raw, nil
}

// decodeJSON reads the body into v: one JSON object, no duplicate member names,
// no unknown members, no trailing data. Errors name the offending member.
func decodeJSON(r *http.Request, v any) error {
	raw, err := readBody(r)
	if err != nil {
		return err
	}
	return decodeStrict(raw, v)
}

func decodeStrict(raw []byte, v any) error {
	if err := schema.CheckJSON(raw); err != nil {
		return &malformedError{detail: strings.TrimPrefix(err.Error(), "schema: "), cause: err}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			ptr := "/" + strings.ReplaceAll(te.Field, ".", "/")
			detail := fmt.Sprintf("must be a JSON %s, not %s", jsonKind(te.Type.Kind().String()), te.Value)
			return &malformedError{detail: ptr + " " + detail, fields: []schema.FieldError{{Path: ptr, Message: detail}}, cause: err}
		}
		if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			name = strings.Trim(name, `"`)
			return &malformedError{detail: fmt.Sprintf("unknown member %q", name),
				fields: []schema.FieldError{{Path: "/" + name, Message: "is not a member of this request"}}, cause: err}
		}
		return &malformedError{detail: "the body is not valid JSON: " + err.Error(), cause: err}
	}
	return nil
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "slice", "array":
		return "array"
	case "struct", "map", "ptr":
		return "object"
	case "bool":
		return "boolean"
	default:
		return "number"
	}
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("httpapi: encode response: %w", err)
	}
	return writeRaw(w, status, "application/json", body)
}

// writeRaw writes body with the given content type.
func writeRaw(w http.ResponseWriter, status int, contentType string, body []byte) error {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return nil
}
