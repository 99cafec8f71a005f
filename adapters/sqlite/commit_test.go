package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/sqlite"
)

func open(t *testing.T, opts *sqlite.Options) *sqlite.Store {
	t.Helper()
	h := newHarness(t, opts)
	t.Cleanup(func() { h.Close() })
	return h.s
}

func eventIDs(t *testing.T, s adapters.Store) map[string]bool {
	t.Helper()
	ids := map[string]bool{}
	ctx := context.Background()
	require.NoError(t, s.View(ctx, func(tx adapters.ReadTx) error {
		for i := range 400 {
			id := fmt.Sprintf("ev-%03d", i)
			if _, err := tx.Event(ctx, id); err == nil {
				ids[id] = true
			} else if !errors.Is(err, adapters.ErrNotFound) {
				return err
			}
		}
		return nil
	}))
	return ids
}

// Many concurrent Updates, some failing, some panicking, some cancelled
// half way: exactly the ones that returned nil are stored, whole, and the
// others left nothing, whichever batch they shared.
func TestGroupCommitKeepsExactlyTheSuccessful(t *testing.T) {
	t.Parallel()
	for _, maxBatch := range []int{0, 1, 5} {
		t.Run(fmt.Sprintf("MaxBatch=%d", maxBatch), func(t *testing.T) {
			t.Parallel()
			s := open(t, &sqlite.Options{MaxBatch: maxBatch})
			const n = 400
			errs := make([]error, n)
			panics := make([]any, n)
			boom := errors.New("operation refused")
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer func() { panics[i] = recover() }()
					ctx, cancel := context.WithCancel(context.Background())
					defer cancel()
					id := fmt.Sprintf("ev-%03d", i)
					errs[i] = s.Update(ctx, func(tx adapters.Tx) error {
						// Two writes, so that a half-kept operation would show.
						if err := tx.CreateEvent(ctx, adapters.Event{ID: id, State: "open"}); err != nil {
							return err
						}
						if err := tx.PutDrawRecord(ctx, id, []byte(`{}`)); err != nil {
							return err
						}
						switch i % 8 {
						case 1:
							return boom
						case 2:
							panic(fmt.Sprintf("fn %d panicked", i))
						case 3:
							cancel() // Update notices the cancellation after fn
						case 4:
							cancel()
							return tx.SetStatus(ctx, id, "x", "a", "b") // and before a statement
						}
						return nil
					})
				}()
			}
			wg.Wait()

			stored := eventIDs(t, s)
			for i := range n {
				id := fmt.Sprintf("ev-%03d", i)
				switch i % 8 {
				case 1:
					require.ErrorIs(t, errs[i], boom)
				case 2:
					require.Equal(t, fmt.Sprintf("fn %d panicked", i), panics[i], "the panic reaches the caller's goroutine")
				case 3, 4:
					require.ErrorIs(t, errs[i], context.Canceled)
				default:
					require.NoError(t, errs[i])
					require.Nil(t, panics[i])
				}
				ok := errs[i] == nil && panics[i] == nil
				require.Equal(t, ok, stored[id], "event %s stored iff its Update returned nil", id)
				if ok {
					require.NoError(t, s.View(context.Background(), func(tx adapters.ReadTx) error {
						_, err := tx.DrawRecord(context.Background(), id)
						return err
					}), "both writes of %s are stored", id)
				}
			}
		})
	}
}

// fn calling runtime.Goexit (t.FailNow does) ends its goroutine without
// wedging the store: its work is undone and the writer is released.
func TestGoexitInUpdate(t *testing.T) {
	t.Parallel()
	s := open(t, nil)
	ctx := context.Background()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Update(ctx, func(tx adapters.Tx) error {
			if err := tx.CreateEvent(ctx, adapters.Event{ID: "ev-gone", State: "open"}); err != nil {
				return err
			}
			runtime.Goexit()
			return nil
		})
		t.Error("Update returned after Goexit")
	}()
	<-done
	require.NoError(t, s.Update(ctx, func(tx adapters.Tx) error {
		return tx.CreateEvent(ctx, adapters.Event{ID: "ev-after", State: "open"})
	}))
	require.NoError(t, s.View(ctx, func(tx adapters.ReadTx) error {
		_, err := tx.Event(ctx, "ev-gone")
		require.ErrorIs(t, err, adapters.ErrNotFound)
		_, err = tx.Event(ctx, "ev-after")
		return err
	}))
}

func TestTxMisuse(t *testing.T) {
	t.Parallel()
	s := open(t, nil)
	ctx := context.Background()
	var kept adapters.Tx
	require.NoError(t, s.Update(ctx, func(tx adapters.Tx) error {
		kept = tx
		return tx.CreateEvent(ctx, adapters.Event{ID: "ev-1", State: "open"})
	}))
	err := kept.CreateEvent(ctx, adapters.Event{ID: "ev-2", State: "open"})
	require.ErrorIs(t, err, adapters.ErrClosed, "a Tx used after its Update returned")
	_, err = kept.Event(ctx, "ev-1")
	require.ErrorIs(t, err, adapters.ErrClosed)

	var keptRead adapters.ReadTx
	require.NoError(t, s.View(ctx, func(tx adapters.ReadTx) error {
		keptRead = tx
		w, ok := tx.(adapters.Tx)
		require.True(t, ok)
		err := w.CreateEvent(ctx, adapters.Event{ID: "ev-3", State: "open"})
		require.ErrorIs(t, err, adapters.ErrConflict, "no write through a read transaction")
		_, err = w.NextReceipt(ctx, "ev-1")
		require.ErrorIs(t, err, adapters.ErrConflict)
		return nil
	}))
	_, err = keptRead.Event(ctx, "ev-1")
	require.ErrorIs(t, err, adapters.ErrClosed, "a ReadTx used after its View returned")
}

// View runs beside an Update in progress and sees the last commit, not the
// Update's uncommitted writes.
func TestViewBesideWriter(t *testing.T) {
	t.Parallel()
	s := open(t, nil)
	ctx := context.Background()
	require.NoError(t, s.Update(ctx, func(tx adapters.Tx) error {
		return tx.CreateEvent(ctx, adapters.Event{ID: "ev-1", State: "open"})
	}))
	inside := make(chan struct{})
	release := make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		errc <- s.Update(ctx, func(tx adapters.Tx) error {
			if _, err := tx.UpdateEvent(ctx, adapters.Event{ID: "ev-1", State: "closed", Version: 1}); err != nil {
				return err
			}
			close(inside)
			<-release
			return nil
		})
	}()
	<-inside
	require.NoError(t, s.View(ctx, func(tx adapters.ReadTx) error {
		e, err := tx.Event(ctx, "ev-1")
		require.NoError(t, err)
		require.Equal(t, "open", e.State, "the writer's uncommitted change is not visible")
		return nil
	}))
	close(release)
	require.NoError(t, <-errc)
	require.NoError(t, s.View(ctx, func(tx adapters.ReadTx) error {
		e, err := tx.Event(ctx, "ev-1")
		require.NoError(t, err)
		require.Equal(t, "closed", e.State)
		return nil
	}))
}

// An Update queued behind a long one gives up when its context ends,
// without disturbing the one running or those queued after it.
func TestUpdateWaitEndsWithContext(t *testing.T) {
	t.Parallel()
	s := open(t, nil)
	bg := context.Background()
	inside := make(chan struct{})
	release := make(chan struct{})
	long := make(chan error, 1)
	go func() {
		long <- s.Update(bg, func(tx adapters.Tx) error {
			close(inside)
			<-release
			return tx.CreateEvent(bg, adapters.Event{ID: "ev-long", State: "open"})
		})
	}()
	<-inside
	ctx, cancel := context.WithTimeout(bg, 50*time.Millisecond)
	defer cancel()
	err := s.Update(ctx, func(tx adapters.Tx) error {
		return tx.CreateEvent(ctx, adapters.Event{ID: "ev-impatient", State: "open"})
	})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	patient := make(chan error, 1)
	go func() {
		patient <- s.Update(bg, func(tx adapters.Tx) error {
			return tx.CreateEvent(bg, adapters.Event{ID: "ev-patient", State: "open"})
		})
	}()
	close(release)
	require.NoError(t, <-long)
	require.NoError(t, <-patient)
	require.NoError(t, s.View(bg, func(tx adapters.ReadTx) error {
		_, err := tx.Event(bg, "ev-impatient")
		require.ErrorIs(t, err, adapters.ErrNotFound)
		for _, id := range []string{"ev-long", "ev-patient"} {
			if _, err := tx.Event(bg, id); err != nil {
				return err
			}
		}
		return nil
	}))
}
