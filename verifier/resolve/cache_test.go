package resolve

import (
	"fmt"
	"testing"
	"time"
)

// TestCacheBound: the cache never holds more than CacheSize entries; expired
// entries go first, then the one closest to expiry.
func TestCacheBound(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r := New(Options{CacheSize: 3})
	r.store("expired", nil, now.Add(-time.Second), now)
	r.store("soon", nil, now.Add(time.Minute), now)
	r.store("late", nil, now.Add(time.Hour), now)
	r.store("new1", nil, now.Add(30*time.Minute), now) // evicts "expired"
	if _, ok := r.cache["expired"]; ok || len(r.cache) != 3 {
		t.Fatalf("cache = %v", r.cache)
	}
	r.store("new2", nil, now.Add(30*time.Minute), now) // evicts "soon"
	if _, ok := r.cache["soon"]; ok || len(r.cache) != 3 {
		t.Fatalf("cache = %v", r.cache)
	}
	for i := range 100 {
		r.store(fmt.Sprint(i), nil, now.Add(time.Duration(i)*time.Second), now)
		if len(r.cache) > 3 {
			t.Fatalf("cache grew to %d", len(r.cache))
		}
	}
}
