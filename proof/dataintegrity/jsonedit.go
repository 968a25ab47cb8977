package dataintegrity

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// setTopLevelMember returns doc with its top-level member name set to value,
// leaving every other byte of doc as it was: an existing member's value is replaced
// in place, a new member is appended before the closing brace. Signing this way
// keeps the caller's member order and formatting, which matters to callers that
// compare bytes (idempotent issuing, golden files) and to humans reading diffs.
func setTopLevelMember(doc []byte, name string, value []byte) ([]byte, error) {
	start, end, found, closing, err := findTopLevelMember(doc, name)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Grow(len(doc) + len(value) + len(name) + 8)
	if found {
		out.Write(doc[:start])
		out.Write(value)
		out.Write(doc[end:])
		return out.Bytes(), nil
	}
	key, _ := json.Marshal(name)
	body := bytes.TrimRight(doc[:closing], " \t\r\n")
	out.Write(body)
	if body[len(body)-1] != '{' {
		out.WriteByte(',')
	}
	out.Write(key)
	out.WriteByte(':')
	out.Write(value)
	out.Write(doc[closing:])
	return out.Bytes(), nil
}

// findTopLevelMember locates the value of the top-level member name in a JSON
// object: [start, end) are the value's byte offsets; closing is the offset of the
// object's closing brace.
func findTopLevelMember(doc []byte, name string) (start, end int, found bool, closing int, err error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	tok, err := dec.Token()
	if err != nil {
		return 0, 0, false, 0, fmt.Errorf("dataintegrity: document: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return 0, 0, false, 0, errors.New("dataintegrity: document is not a JSON object")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return 0, 0, false, 0, fmt.Errorf("dataintegrity: document: %w", err)
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		valueEndBefore := dec.InputOffset()
		if err := dec.Decode(&raw); err != nil {
			return 0, 0, false, 0, fmt.Errorf("dataintegrity: document: %w", err)
		}
		if key == name && !found {
			end = int(dec.InputOffset())
			// The value starts after the colon and any white space following the key.
			s := int(valueEndBefore)
			for s < end && (doc[s] == ':' || doc[s] == ' ' || doc[s] == '\t' || doc[s] == '\n' || doc[s] == '\r') {
				s++
			}
			start, found = s, true
		}
	}
	tok, err = dec.Token()
	if err != nil {
		return 0, 0, false, 0, fmt.Errorf("dataintegrity: document: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '}' {
		return 0, 0, false, 0, errors.New("dataintegrity: document is not a JSON object")
	}
	closing = int(dec.InputOffset()) - 1
	if _, err := dec.Token(); err != io.EOF {
		return 0, 0, false, 0, errors.New("dataintegrity: trailing data after the JSON object")
	}
	return start, end, found, closing, nil
}
