package retention_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/kuji-go/kuji/audit"
	"github.com/kuji-go/kuji/retention"
)

// jst is Japan Standard Time for the tests' literals.
var jst = time.FixedZone("JST", 9*60*60)

func at(y int, m time.Month, d, hh, mm, ss int) time.Time {
	return time.Date(y, m, d, hh, mm, ss, 0, jst)
}

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Tick advances the clock by d and returns the new time.
func (c *fakeClock) Tick(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// ticking returns a clock function that advances by one second per call,
// so every step of an erasure gets its own time.
func ticking(start time.Time) func() time.Time {
	c := &fakeClock{t: start}
	return func() time.Time { return c.Tick(time.Second) }
}

// fakeEraser is an in-memory store and key store for one event. Each class
// has a key (present or destroyed) and a set of stored record IDs.
type fakeEraser struct {
	kinds     map[string]retention.IDKind
	keys      map[string]bool // present
	ids       map[string][]string
	calls     []string // "method:class" in order
	compacted int

	// failAt makes the n-th call (1-based) of "method:class" fail;
	// afterEffect says whether the call still takes effect (a lost reply).
	failAt      map[string]int
	afterEffect bool
	seen        map[string]int
	// stubborn IDs survive Delete.
	stubborn map[string]bool
	// inspectIDs, if set, replaces what the first Inspect of a class returns.
	inspectIDs map[string][]string
}

var errInjected = errors.New("injected failure")

func newFakeEraser(ids map[string][]string, kinds map[string]retention.IDKind) *fakeEraser {
	e := &fakeEraser{kinds: kinds, keys: map[string]bool{}, ids: map[string][]string{},
		failAt: map[string]int{}, seen: map[string]int{}, stubborn: map[string]bool{}}
	for class, list := range ids {
		e.keys[class] = true
		e.ids[class] = slices.Clone(list)
	}
	return e
}

// call records a call and reports whether it must fail and, if so,
// whether it still takes effect.
func (e *fakeEraser) call(method, class string) (fail, effect bool) {
	k := method + ":" + class
	e.calls = append(e.calls, k)
	e.seen[k]++
	if n, ok := e.failAt[k]; ok && e.seen[k] == n {
		return true, e.afterEffect
	}
	return false, true
}

func (e *fakeEraser) Inspect(ctx context.Context, class string) (retention.Inspection, error) {
	if fail, _ := e.call("inspect", class); fail {
		return retention.Inspection{}, errInjected
	}
	ids := slices.Clone(e.ids[class])
	if over, ok := e.inspectIDs[class]; ok {
		ids = over
		delete(e.inspectIDs, class)
	}
	return retention.Inspection{KeyDestroyed: !e.keys[class], IDKind: e.kinds[class], IDs: ids}, nil
}

func (e *fakeEraser) DestroyKey(ctx context.Context, class string) error {
	fail, effect := e.call("destroy", class)
	if effect {
		e.keys[class] = false
	}
	if fail {
		return errInjected
	}
	return nil
}

func (e *fakeEraser) Delete(ctx context.Context, class string) (int64, error) {
	fail, effect := e.call("delete", class)
	var n int64
	if effect {
		var kept []string
		for _, id := range e.ids[class] {
			if e.stubborn[id] {
				kept = append(kept, id)
			} else {
				n++
			}
		}
		e.ids[class] = kept
	}
	if fail {
		return 0, errInjected
	}
	return n, nil
}

func (e *fakeEraser) Compact(ctx context.Context) error {
	fail, _ := e.call("compact", "")
	if fail {
		return errInjected
	}
	e.compacted++
	return nil
}

// receipts returns n receipt numbers prefix-000001 ... in a shuffled but
// fixed order, so that sorting is exercised.
func receipts(prefix string, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		j := (i*7 + 3) % n // a permutation when gcd(7, n) == 1
		ids[j] = fmt.Sprintf("%s-%06d", prefix, i+1)
	}
	return ids
}

// memStorage is an in-memory audit.Storage.
type memStorage struct {
	mu     sync.Mutex
	leaves [][]byte
	hashes []tlog.Hash
}

func (s *memStorage) Append(ctx context.Context, leaves [][]byte, grow audit.GrowFunc) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := int64(len(s.leaves))
	first, hashes, err := grow(n, s)
	if err != nil {
		return 0, err
	}
	if first != int64(len(s.hashes)) {
		return 0, fmt.Errorf("hash index %d, want %d", first, len(s.hashes))
	}
	for _, l := range leaves {
		s.leaves = append(s.leaves, slices.Clone(l))
	}
	s.hashes = append(s.hashes, hashes...)
	return n, nil
}

func (s *memStorage) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(s.hashes)) {
			return nil, audit.ErrNotStored
		}
		out[i] = s.hashes[x]
	}
	return out, nil
}

func (s *memStorage) Size(ctx context.Context) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return int64(len(s.leaves)), nil
}

func (s *memStorage) readHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ReadHashes(indexes)
}

type lockedStorage struct{ *memStorage }

func (s lockedStorage) ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	return s.readHashes(ctx, indexes)
}

func (s lockedStorage) ReadLeaves(ctx context.Context, start, end int64, fn func(int64, []byte) error) error {
	s.mu.Lock()
	leaves := s.leaves
	s.mu.Unlock()
	for n := start; n < end && n < int64(len(leaves)); n++ {
		if err := fn(n, leaves[n]); err != nil {
			return err
		}
	}
	return nil
}
