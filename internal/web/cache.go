package web

import (
	"context"
	"crypto/sha256"
	"sync"
	"time"

	"github.com/obadge/obadge/verifier"
)

// reportCache keeps verification reports of badge pages for a short while, keyed by
// the SHA-256 of the credential's exact bytes (so two credentials can never share a
// report, whatever their ids say), and remembers each credential id for Invalidate.
// Concurrent views of one badge wait for a single verification.
type reportCache struct {
	mu  sync.Mutex
	m   map[[32]byte]*cacheEntry
	max int
}

type cacheEntry struct {
	done    chan struct{} // closed when rep/err are set
	rep     *verifier.Report
	err     error
	at      time.Time // when the report was made
	expires time.Time
	credID  string
}

func newReportCache(max int) *reportCache {
	return &reportCache{m: make(map[[32]byte]*cacheEntry), max: max}
}

// get returns the cached report for raw, or runs verify once for all concurrent
// callers. Errors are not cached. A ttl of zero or less disables caching.
func (c *reportCache) get(ctx context.Context, raw []byte, now time.Time, ttl time.Duration, verify func() (*verifier.Report, error)) (*verifier.Report, time.Time, error) {
	if ttl <= 0 {
		rep, err := verify()
		return rep, now, err
	}
	key := sha256.Sum256(raw)
	c.mu.Lock()
	e, ok := c.m[key]
	if ok {
		select {
		case <-e.done:
			if !now.Before(e.expires) {
				ok = false
			}
		default: // in flight: wait for it below
		}
	}
	if !ok {
		e = &cacheEntry{done: make(chan struct{})}
		c.evict(now)
		c.m[key] = e
		c.mu.Unlock()
		e.rep, e.err = verify()
		e.at, e.expires = now, now.Add(ttl)
		if e.rep != nil {
			e.credID = e.rep.Summary.CredentialID
		}
		c.mu.Lock()
		if e.err != nil && c.m[key] == e {
			delete(c.m, key)
		}
		c.mu.Unlock()
		close(e.done)
		return e.rep, e.at, e.err
	}
	c.mu.Unlock()
	select {
	case <-e.done:
		return e.rep, e.at, e.err
	case <-ctx.Done():
		return nil, time.Time{}, ctx.Err()
	}
}

// evict makes room for one entry: expired ones go first, then any finished one.
// c.mu is held.
func (c *reportCache) evict(now time.Time) {
	if len(c.m) < c.max {
		return
	}
	for k, e := range c.m {
		select {
		case <-e.done:
			if !now.Before(e.expires) {
				delete(c.m, k)
			}
		default:
		}
	}
	for k, e := range c.m {
		if len(c.m) < c.max {
			return
		}
		select {
		case <-e.done:
			delete(c.m, k)
		default:
		}
	}
}

// forget drops every finished entry for the credential id.
func (c *reportCache) forget(credID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.m {
		select {
		case <-e.done:
			if e.credID == credID {
				delete(c.m, k)
			}
		default:
		}
	}
}
