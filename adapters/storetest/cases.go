package storetest

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/adapters"
)

func conformanceCases() []testCase {
	return []testCase{
		{"EventRoundTrip", testEventRoundTrip},
		{"EventOptimisticConcurrency", testEventOptimisticConcurrency},
		{"EventHeldUntilTransactionEnds", testEventHeld},
		{"EventReadAfterUpdateInFlight", testEventUpdateInFlight},
		{"ReceiptNumbersUniqueUnderConcurrency", testReceiptNumbers},
		{"ApplicationRoundTrip", testApplicationRoundTrip},
		{"ApplicationUniqueness", testApplicationUniqueness},
		{"DuplicateIdentityExactlyOneWins", testDuplicateIdentityRace},
		{"StatusCompareAndSet", testStatusCAS},
		{"RollbackLeavesNothing", testRollback},
		{"CancelledContext", testCancelledContext},
		{"ClosedStore", testClosedStore},
		{"DeleteApplicationCascades", testDeleteCascades},
		{"ConsentDrawDesignationErasure", testDocuments},
		{"OutboxClaimsExactlyOnce", testOutboxClaims},
		{"OutboxLeaseAndRetry", testOutboxLease},
		{"CheckInsAndContactCards", testCheckInsAndCards},
		{"SealedBlobsAreOpaque", testOpaque},
		{"PurgeDeletesPhysically", testPurge},
		{"TwoStoresOneDatabase", testTwoStores},
	}
}

// t0 is the suite's fixed clock: stores must round-trip times to the
// microsecond.
var t0 = time.Date(2021, 7, 1, 9, 0, 0, 0, time.UTC)

func bg() context.Context { return context.Background() }

func update(t *testing.T, s adapters.Store, fn func(adapters.Tx) error) {
	t.Helper()
	require.NoError(t, s.Update(bg(), fn))
}

func view(t *testing.T, s adapters.Store, fn func(adapters.ReadTx) error) {
	t.Helper()
	require.NoError(t, s.View(bg(), fn))
}

func createEvent(t *testing.T, s adapters.Store, id string) {
	t.Helper()
	update(t, s, func(tx adapters.Tx) error {
		return tx.CreateEvent(bg(), adapters.Event{ID: id, State: "open", Data: []byte(`{"name":"test"}`), Updated: t0})
	})
}

// app builds a non-personal application row; n makes it unique.
func app(event string, n int) adapters.Application {
	return adapters.Application{
		ID:       fmt.Sprintf("%08x-0000-7000-8000-%012d", crc32.ChecksumIEEE([]byte(event)), n),
		Event:    event,
		Receipt:  fmt.Sprintf("R-%06d", n),
		Channel:  "web",
		Category: "resident",
		Size:     1 + n%4,
		Prefs:    []string{"d1/am", "d2/pm"},
		Weight:   1,
		Tier:     0,
		Status:   "applied",
		Created:  t0.Add(time.Duration(n) * time.Second),
		Sealed:   map[string][]byte{"application": []byte(fmt.Sprintf("sealed-%d", n))},
		Identity: [][]byte{[]byte(fmt.Sprintf("identity-%d", n))},
		Search: []adapters.BlindKey{
			{Kind: "kana", MAC: []byte(fmt.Sprintf("kana-%d", n%3))},
			{Kind: "phone", MAC: []byte(fmt.Sprintf("phone-%d", n))},
		},
	}
}

func insert(t *testing.T, s adapters.Store, a adapters.Application) {
	t.Helper()
	update(t, s, func(tx adapters.Tx) error { return tx.InsertApplication(bg(), a) })
}

func testEventRoundTrip(t *testing.T, h Harness) {
	s := h.Store()
	createEvent(t, s, "ev-1")
	view(t, s, func(tx adapters.ReadTx) error {
		e, err := tx.Event(bg(), "ev-1")
		require.NoError(t, err)
		require.Equal(t, "open", e.State)
		require.Equal(t, int64(1), e.Version, "a new event starts at version 1")
		require.JSONEq(t, `{"name":"test"}`, string(e.Data))
		require.True(t, e.Updated.Equal(t0), "Updated round-trips")
		st, err := tx.EventState(bg(), "ev-1")
		require.NoError(t, err)
		require.Equal(t, "open", st)
		_, err = tx.EventState(bg(), "no-such-event")
		require.ErrorIs(t, err, adapters.ErrNotFound)
		_, err = tx.Event(bg(), "no-such-event")
		require.ErrorIs(t, err, adapters.ErrNotFound)
		return nil
	})
	update(t, s, func(tx adapters.Tx) error {
		if it, ok := tx.(adapters.IntakeTx); ok {
			_, _, err := it.OpenIntake(bg(), "no-such-event")
			require.ErrorIs(t, err, adapters.ErrNotFound)
		}
		return nil
	})
	err := s.Update(bg(), func(tx adapters.Tx) error {
		return tx.CreateEvent(bg(), adapters.Event{ID: "ev-1", State: "draft"})
	})
	require.ErrorIs(t, err, adapters.ErrDuplicate, "creating an existing event")

	update(t, s, func(tx adapters.Tx) error {
		v, err := tx.UpdateEvent(bg(), adapters.Event{ID: "ev-1", State: "closed", Version: 1, Data: []byte(`{"n":2}`), Updated: t0.Add(time.Hour)})
		require.NoError(t, err)
		require.Equal(t, int64(2), v)
		return nil
	})
	err = s.Update(bg(), func(tx adapters.Tx) error {
		_, err := tx.UpdateEvent(bg(), adapters.Event{ID: "ev-1", State: "drawn", Version: 1})
		return err
	})
	require.ErrorIs(t, err, adapters.ErrConflict, "updating with a stale version")
	err = s.Update(bg(), func(tx adapters.Tx) error {
		_, err := tx.UpdateEvent(bg(), adapters.Event{ID: "missing", Version: 1})
		return err
	})
	require.ErrorIs(t, err, adapters.ErrNotFound)
	view(t, s, func(tx adapters.ReadTx) error {
		e, err := tx.Event(bg(), "ev-1")
		require.NoError(t, err)
		require.Equal(t, "closed", e.State, "the stale update left no trace")
		require.Equal(t, int64(2), e.Version)
		return nil
	})
}

// Thirty-two writers read the same version and try to move the event on:
// exactly one succeeds, the rest see ErrConflict.
func testEventOptimisticConcurrency(t *testing.T, h Harness) {
	s := h.Store()
	createEvent(t, s, "ev-occ")
	const n = 32
	var wins, conflicts atomic.Int32
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.Update(bg(), func(tx adapters.Tx) error {
				_, err := tx.UpdateEvent(bg(), adapters.Event{ID: "ev-occ", State: fmt.Sprintf("s%d", i), Version: 1})
				return err
			})
			switch {
			case err == nil:
				wins.Add(1)
			case errors.Is(err, adapters.ErrConflict):
				conflicts.Add(1)
			default:
				t.Errorf("writer %d: unexpected error %v", i, err)
			}
		}()
	}
	wg.Wait()
	require.Equal(t, int32(1), wins.Load(), "exactly one writer wins")
	require.Equal(t, int32(n-1), conflicts.Load())
	view(t, s, func(tx adapters.ReadTx) error {
		e, err := tx.Event(bg(), "ev-occ")
		require.NoError(t, err)
		require.Equal(t, int64(2), e.Version)
		return nil
	})
}

// nextReceipt takes a receipt number through NextReceipt, or through
// OpenIntake if intake is set and the store implements adapters.IntakeTx
// (which must then report the event open and hand out numbers from the
// same series).
func nextReceipt(tx adapters.Tx, event string, intake bool) (int64, error) {
	it, ok := tx.(adapters.IntakeTx)
	if !intake || !ok {
		return tx.NextReceipt(bg(), event)
	}
	st, n, err := it.OpenIntake(bg(), event)
	if err == nil && st != "open" {
		err = fmt.Errorf("OpenIntake: state %q, want open", st)
	}
	return n, err
}

func testReceiptNumbers(t *testing.T, h Harness) {
	s := h.Store()
	createEvent(t, s, "ev-a")
	createEvent(t, s, "ev-b")
	const workers, each = 32, 10
	var mu sync.Mutex
	seen := map[int64]bool{}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				var got int64
				err := s.Update(bg(), func(tx adapters.Tx) error {
					var err error
					got, err = nextReceipt(tx, "ev-a", w%2 == 1)
					return err
				})
				if err != nil {
					t.Errorf("NextReceipt: %v", err)
					return
				}
				mu.Lock()
				if seen[got] {
					t.Errorf("receipt number %d handed out twice", got)
				}
				seen[got] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	require.Len(t, seen, workers*each)
	for n := range seen {
		require.GreaterOrEqual(t, n, int64(1))
	}

	// A rolled-back transaction may leave a gap but never hands its number
	// out again.
	var rolled int64
	err := s.Update(bg(), func(tx adapters.Tx) error {
		var err error
		rolled, err = tx.NextReceipt(bg(), "ev-a")
		require.NoError(t, err)
		return errors.New("roll back")
	})
	require.Error(t, err)
	var next int64
	update(t, s, func(tx adapters.Tx) error {
		var err error
		next, err = tx.NextReceipt(bg(), "ev-a")
		return err
	})
	require.Greater(t, next, rolled, "numbers increase even across a rollback")
	require.False(t, seen[next])

	// Events count independently.
	update(t, s, func(tx adapters.Tx) error {
		b, err := tx.NextReceipt(bg(), "ev-b")
		require.NoError(t, err)
		require.Equal(t, int64(1), b, "each event starts at 1")
		return nil
	})
	err = s.Update(bg(), func(tx adapters.Tx) error {
		_, err := tx.NextReceipt(bg(), "no-such-event")
		return err
	})
	require.ErrorIs(t, err, adapters.ErrNotFound)
}

// An application checked the event's state (open) inside its transaction;
// closing the event at the same moment, on (where possible) another store,
// must wait for it to commit, so that the close — and the draw input listed
// after it — sees the application instead of overtaking it.
func testEventHeld(t *testing.T, h Harness) {
	ss := stores(t, h)
	applier, closer := ss[0], ss[len(ss)-1]
	createEvent(t, applier, "ev-1")
	read := make(chan struct{})
	applied := make(chan error, 1)
	go func() {
		applied <- applier.Update(bg(), func(tx adapters.Tx) error {
			st, err := tx.EventState(bg(), "ev-1") // as intake reads it
			if err != nil || st != "open" {
				return fmt.Errorf("event: %v %q", err, st)
			}
			close(read)
			time.Sleep(300 * time.Millisecond) // the rest of the intake
			return tx.InsertApplication(bg(), app("ev-1", 1))
		})
	}()
	<-read
	var seen int
	err := closer.Update(bg(), func(tx adapters.Tx) error {
		if _, err := tx.UpdateEvent(bg(), adapters.Event{ID: "ev-1", State: "closed", Version: 1, Updated: t0}); err != nil {
			return err
		}
		return tx.ListApplications(bg(), "ev-1", adapters.ApplicationFilter{}, func(adapters.Application) error {
			seen++
			return nil
		})
	})
	require.NoError(t, err)
	require.NoError(t, <-applied)
	require.Equal(t, 1, seen, "the close waited for the application that read the event open, and sees it")
}

// The other direction: a change of state is in flight (updated, not yet
// committed) when an application reads the event. The read waits for the
// change and sees it — never the state from before it, which would let
// the application in after the close. Event and EventState both.
func testEventUpdateInFlight(t *testing.T, h Harness) {
	for _, read := range []struct {
		name string
		fn   func(tx adapters.Tx, id string) (string, error)
	}{
		{"EventState", func(tx adapters.Tx, id string) (string, error) { return tx.EventState(bg(), id) }},
		{"Event", func(tx adapters.Tx, id string) (string, error) {
			ev, err := tx.Event(bg(), id)
			return ev.State, err
		}},
		{"OpenIntake", func(tx adapters.Tx, id string) (string, error) {
			it, ok := tx.(adapters.IntakeTx)
			if !ok {
				return tx.EventState(bg(), id) // not implemented: nothing more to check
			}
			st, _, err := it.OpenIntake(bg(), id)
			return st, err
		}},
	} {
		t.Run(read.name, func(t *testing.T) {
			ss := stores(t, h)
			closer, applier := ss[0], ss[len(ss)-1]
			id := "ev-" + read.name
			createEvent(t, closer, id)
			updated := make(chan struct{})
			closed := make(chan error, 1)
			go func() {
				closed <- closer.Update(bg(), func(tx adapters.Tx) error {
					if _, err := tx.UpdateEvent(bg(), adapters.Event{ID: id, State: "closed", Version: 1, Updated: t0}); err != nil {
						return err
					}
					close(updated)
					time.Sleep(300 * time.Millisecond) // the rest of the close
					return nil
				})
			}()
			select {
			case <-updated:
			case err := <-closed:
				t.Fatalf("close: %v", err)
			}
			var state string
			err := applier.Update(bg(), func(tx adapters.Tx) error {
				var err error
				state, err = read.fn(tx, id)
				return err
			})
			require.NoError(t, err)
			require.NoError(t, <-closed)
			require.Equal(t, "closed", state, "a read of the event waits for the change of state in flight and sees it")
		})
	}
}
