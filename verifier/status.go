package verifier

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/obadge/obadge/proof/dataintegrity"
	"github.com/obadge/obadge/statuslist"
)

// Status states reported in Summary.StatusState.
const (
	StateActive    = "active"
	StateRevoked   = "revoked"
	StateSuspended = "suspended"
	StateUnknown   = "unknown"
)

// Status entry types verifiers meet in the wild.
const (
	typeBSLEntry      = "BitstringStatusListEntry"
	typeSL2021Entry   = "StatusList2021Entry"
	type1EdTechRevoke = "1EdTechRevocationList"
)

// statusCacheTTL bounds how long a fetched list is reused when its response named
// no lifetime; statusCacheMax bounds how many lists are kept.
const (
	statusCacheTTL = 5 * time.Minute
	statusCacheMax = 256
)

type cachedList struct {
	body    []byte
	expires time.Time
}

// statusChecker checks credentialStatus entries. Lists are cached by URL with the
// lifetime their HTTP caching headers give (5 minutes when they give none).
type statusChecker struct {
	v     *Verifier
	mu    sync.Mutex
	cache map[string]cachedList
}

func newStatusChecker(v *Verifier) *statusChecker {
	return &statusChecker{v: v, cache: make(map[string]cachedList)}
}

// statusError is a status check outcome: fail (revoked, suspended, a list that does
// not verify) or warn (the list could not be obtained).
type statusError struct {
	fail bool
	err  error
	msg  string
}

func (s *statusChecker) check(ctx context.Context, r *Report, doc map[string]any) {
	entries := asList(doc["credentialStatus"])
	if len(entries) == 0 {
		r.Summary.StatusState = StateActive
		r.pass(CheckStatus, "the credential carries no status entry; its issuer cannot revoke it")
		return
	}
	var msgs []string
	state := StateActive
	for _, e := range entries {
		entry, _ := e.(map[string]any)
		if entry == nil {
			r.Summary.StatusState = StateUnknown
			r.fail(CheckStatus, "credentialStatus is not an object", ErrNonConformant)
			return
		}
		msg, serr := s.checkEntry(ctx, doc, entry)
		if serr != nil {
			switch {
			case errors.Is(serr.err, ErrRevoked):
				r.Summary.StatusState = StateRevoked
			case errors.Is(serr.err, ErrSuspended):
				r.Summary.StatusState = StateSuspended
			default:
				r.Summary.StatusState = StateUnknown
			}
			if serr.fail {
				r.fail(CheckStatus, serr.msg, serr.err)
			} else {
				r.warn(CheckStatus, serr.msg, serr.err)
			}
			return
		}
		msgs = append(msgs, msg)
	}
	r.Summary.StatusState = state
	r.pass(CheckStatus, strings.Join(msgs, "; "))
}

func (s *statusChecker) checkEntry(ctx context.Context, doc, entry map[string]any) (string, *statusError) {
	typ, _ := entry["type"].(string)
	switch typ {
	case typeBSLEntry, typeSL2021Entry:
		return s.checkBitstring(ctx, doc, entry, typ)
	case type1EdTechRevoke:
		return s.check1EdTech(ctx, doc, entry)
	}
	return "", &statusError{err: ErrStatusUnchecked, msg: fmt.Sprintf("status type %q is not supported, so revocation could not be checked", typ)}
}

func (s *statusChecker) checkBitstring(ctx context.Context, doc, entry map[string]any, typ string) (string, *statusError) {
	listURL, _ := entry["statusListCredential"].(string)
	purpose, _ := entry["statusPurpose"].(string)
	if listURL == "" || purpose == "" {
		return "", &statusError{fail: true, err: ErrNonConformant, msg: typ + " needs statusListCredential and statusPurpose"}
	}
	index, err := indexOf(entry["statusListIndex"])
	if err != nil {
		return "", &statusError{fail: true, err: fmt.Errorf("%w: %w", ErrNonConformant, err), msg: "statusListIndex: " + err.Error()}
	}
	size := 1
	if v, ok := entry["statusSize"]; ok {
		n, err := indexOf(v)
		if err != nil || n < 1 || n > 8 {
			return "", &statusError{fail: true, err: ErrNonConformant, msg: "statusSize must be an integer from 1 to 8"}
		}
		size = n
	}
	where := fmt.Sprintf("%s index %d", listURL, index)
	body, err := s.get(ctx, listURL)
	if err != nil {
		return "", &statusError{err: fmt.Errorf("%w: %w", ErrStatusUnchecked, err), msg: "the status list " + listURL + " could not be retrieved (STATUS_RETRIEVAL_ERROR): " + err.Error()}
	}
	// The list is itself a credential: verify its proof, issuer and validity window.
	var list map[string]any
	if err := json.Unmarshal(body, &list); err != nil {
		return "", &statusError{fail: true, err: fmt.Errorf("%w: list is not JSON", ErrStatusUnchecked), msg: "the status list " + listURL + " is not a JSON credential"}
	}
	wantType := "BitstringStatusListCredential"
	if typ == typeSL2021Entry {
		wantType = "StatusList2021Credential"
	}
	if !contains(stringsOf(list["type"]), wantType) {
		return "", &statusError{fail: true, err: ErrStatusUnchecked, msg: fmt.Sprintf("the status list %s is not a %s", listURL, wantType)}
	}
	if _, err := dataintegrity.Verify(ctx, body, dataintegrity.VerifyOptions{Resolver: s.v.opts.Resolver, Loader: s.v.opts.Loader}); err != nil {
		return "", &statusError{fail: true, err: fmt.Errorf("%w: %w", ErrStatusUnchecked, err), msg: "the status list's proof does not verify (STATUS_VERIFICATION_ERROR): " + proofMessage(err)}
	}
	if li, ci := issuerID(list), issuerID(doc); li != ci {
		return "", &statusError{fail: true, err: ErrStatusUnchecked, msg: fmt.Sprintf("the status list is issued by %q, not by the credential's issuer %q", li, ci)}
	}
	now := s.v.opts.Now()
	if from := firstString(list, "validFrom", "issuanceDate"); from != "" {
		if t, err := parseDate(from); err != nil || now.Before(t) {
			return "", &statusError{fail: true, err: ErrStatusUnchecked, msg: "the status list is not yet valid (validFrom " + from + ")"}
		}
	}
	if until := firstString(list, "validUntil", "expirationDate"); until != "" {
		if t, err := parseDate(until); err != nil || now.After(t) {
			return "", &statusError{err: ErrStatusUnchecked, msg: "the status list has expired (validUntil " + until + "); the issuer has not published a current one"}
		}
	}
	subject, _ := list["credentialSubject"].(map[string]any)
	if subject == nil {
		return "", &statusError{fail: true, err: ErrStatusUnchecked, msg: "the status list has no credentialSubject"}
	}
	if !contains(stringsOf(subject["statusPurpose"]), purpose) {
		return "", &statusError{fail: true, err: ErrStatusUnchecked, msg: fmt.Sprintf("the status list's purpose is %v, the entry's %q (STATUS_VERIFICATION_ERROR)", subject["statusPurpose"], purpose)}
	}
	encoded, _ := subject["encodedList"].(string)
	bits, err := statuslist.Decode(encoded, 0)
	if err != nil {
		return "", &statusError{fail: true, err: fmt.Errorf("%w: %w", ErrStatusUnchecked, err), msg: "the status list's encodedList: " + err.Error()}
	}
	if statuslist.Entries(bits, size) < statuslist.MinEntries {
		return "", &statusError{fail: true, err: fmt.Errorf("%w: %w", ErrStatusUnchecked, statuslist.ErrLength), msg: fmt.Sprintf("the status list holds %d entries, fewer than %d (STATUS_LIST_LENGTH_ERROR)", statuslist.Entries(bits, size), statuslist.MinEntries)}
	}
	value, err := statuslist.Get(bits, index, size)
	if err != nil {
		return "", &statusError{fail: true, err: fmt.Errorf("%w: %w", ErrStatusUnchecked, err), msg: err.Error()}
	}
	switch purpose {
	case "revocation":
		if value != 0 {
			return "", &statusError{fail: true, err: ErrRevoked, msg: "revoked by its issuer (" + where + ")"}
		}
		return "not revoked (" + where + ")", nil
	case "suspension":
		if value != 0 {
			return "", &statusError{fail: true, err: ErrSuspended, msg: "suspended by its issuer (" + where + ")"}
		}
		return "not suspended (" + where + ")", nil
	case "message":
		return fmt.Sprintf("status message %s (%s)", statusMessage(entry, value, size), where), nil
	default:
		return fmt.Sprintf("%s status %#x (%s)", purpose, value, where), nil
	}
}

func statusMessage(entry map[string]any, value uint64, size int) string {
	hexv := "0x" + strconv.FormatUint(value, 16)
	for _, m := range asList(entry["statusMessage"]) {
		mm, _ := m.(map[string]any)
		if st, _ := mm["status"].(string); strings.EqualFold(st, hexv) {
			if msg, _ := mm["message"].(string); msg != "" {
				return fmt.Sprintf("%s %q", hexv, msg)
			}
		}
	}
	_ = size
	return hexv
}

// check1EdTech reads a 1EdTech Revocation List: the credential is revoked if the
// list's revokedCredential array holds its id with revoked true or omitted.
func (s *statusChecker) check1EdTech(ctx context.Context, doc, entry map[string]any) (string, *statusError) {
	listURL, _ := entry["id"].(string)
	if listURL == "" {
		return "", &statusError{fail: true, err: ErrNonConformant, msg: "1EdTechRevocationList needs an id (the list URL)"}
	}
	body, err := s.get(ctx, listURL)
	if err != nil {
		return "", &statusError{err: fmt.Errorf("%w: %w", ErrStatusUnchecked, err), msg: "the revocation list " + listURL + " could not be retrieved: " + err.Error()}
	}
	var list struct {
		RevokedCredential []struct {
			ID               string `json:"id"`
			Revoked          *bool  `json:"revoked"`
			RevocationReason string `json:"revocationReason"`
		} `json:"revokedCredential"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return "", &statusError{err: fmt.Errorf("%w: %w", ErrStatusUnchecked, err), msg: "the revocation list " + listURL + " is not the expected JSON"}
	}
	id, _ := doc["id"].(string)
	for _, rc := range list.RevokedCredential {
		if rc.ID == id && (rc.Revoked == nil || *rc.Revoked) {
			msg := "revoked by its issuer (" + listURL + ")"
			if rc.RevocationReason != "" {
				msg += ": " + rc.RevocationReason
			}
			return "", &statusError{fail: true, err: ErrRevoked, msg: msg}
		}
	}
	return "not on the issuer's revocation list " + listURL, nil
}

func indexOf(v any) (int, error) {
	switch t := v.(type) {
	case string:
		n, err := strconv.ParseUint(t, 10, 31)
		if err != nil {
			return 0, fmt.Errorf("%q is not a non-negative decimal integer", t)
		}
		return int(n), nil
	case float64:
		if t < 0 || t != float64(int(t)) || t > 1<<31 {
			return 0, fmt.Errorf("%v is not a non-negative integer", t)
		}
		return int(t), nil
	}
	return 0, errors.New("missing or not an integer")
}

// get returns a pinned document or fetches one (under the fetch policy), caching it.
func (s *statusChecker) get(ctx context.Context, u string) ([]byte, error) {
	if d, ok := s.v.opts.Documents[u]; ok {
		return d, nil
	}
	if s.v.opts.Local != nil {
		d, ok, err := s.v.opts.Local.Document(ctx, u)
		if err != nil {
			return nil, err
		}
		if ok {
			return d, nil
		}
	}
	now := s.v.opts.Now()
	s.mu.Lock()
	c, ok := s.cache[u]
	s.mu.Unlock()
	if ok && now.Before(c.expires) {
		return c.body, nil
	}
	if s.v.opts.Fetch == nil {
		return nil, errors.New("fetching is disabled (offline) and the list is not pinned")
	}
	resp, err := s.v.opts.Fetch.Get(ctx, u, "application/vc+ld+json", "application/vc", "application/ld+json", "application/json")
	if err != nil {
		return nil, err
	}
	ttl, ok := resp.Cache.TTL(now)
	if !ok {
		ttl = statusCacheTTL
	}
	if ttl > 0 {
		s.mu.Lock()
		if len(s.cache) >= statusCacheMax {
			for k, v := range s.cache {
				if !now.Before(v.expires) || len(s.cache) >= statusCacheMax {
					delete(s.cache, k)
				}
			}
		}
		s.cache[u] = cachedList{body: resp.Body, expires: now.Add(ttl)}
		s.mu.Unlock()
	}
	return resp.Body, nil
}
