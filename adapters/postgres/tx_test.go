package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/adapters"
)

func createEvent(t *testing.T, s adapters.Store, id string) {
	t.Helper()
	require.NoError(t, s.Update(bg(), func(tx adapters.Tx) error {
		return tx.CreateEvent(bg(), adapters.Event{ID: id, State: "open", Updated: t0})
	}))
}

// Every refusal the ports document leaves the transaction usable, as in
// the memory store: the operation can go on (to audit the attempt, say)
// and commit.
func TestTransactionUsableAfterRefusals(t *testing.T) {
	t.Parallel()
	s, _, _ := openStore(t)
	createEvent(t, s, "ev-1")
	first := testApp("ev-1", 1)
	require.NoError(t, s.Update(bg(), func(tx adapters.Tx) error {
		if err := tx.InsertApplication(bg(), first); err != nil {
			return err
		}
		return tx.EnqueueMessage(bg(), adapters.Message{Key: "m-1", Event: "ev-1", Application: first.ID, Kind: "won", NextAttempt: t0})
	}))

	later := testApp("ev-1", 2)
	require.NoError(t, s.Update(bg(), func(tx adapters.Tx) error {
		ctx := bg()
		dupIdentity := testApp("ev-1", 3)
		dupIdentity.Identity = append(dupIdentity.Identity, first.Identity[0])
		refusals := []struct {
			name string
			err  error
			want error
		}{
			{"duplicate ID", tx.InsertApplication(ctx, first), adapters.ErrDuplicate},
			{"duplicate identity", tx.InsertApplication(ctx, dupIdentity), adapters.ErrDuplicate},
			{"application of a missing event", tx.InsertApplication(ctx, testApp("no-such-event", 4)), adapters.ErrNotFound},
			{"event exists", tx.CreateEvent(ctx, adapters.Event{ID: "ev-1"}), adapters.ErrDuplicate},
			{"stale status", tx.SetStatus(ctx, "ev-1", first.ID, "won", "confirmed"), adapters.ErrConflict},
			{"consent of a missing application", tx.PutConsent(ctx, adapters.Consent{ID: "c", Event: "ev-1", Application: "missing"}), adapters.ErrNotFound},
			{"duplicate message", tx.EnqueueMessage(ctx, adapters.Message{Key: "m-1", Event: "ev-1", Application: first.ID}), adapters.ErrDuplicate},
			{"message of an application of another event", tx.EnqueueMessage(ctx, adapters.Message{Key: "m-x", Event: "ev-other", Application: first.ID}), adapters.ErrNotFound},
			{"check-in of a missing application", tx.InsertCheckIn(ctx, adapters.CheckIn{Event: "ev-1", Application: "missing", Slot: "d1/am"}), adapters.ErrNotFound},
			{"card of a missing event", tx.InsertContactCard(ctx, adapters.ContactCard{ID: "card", Event: "missing", Sealed: []byte("x")}), adapters.ErrNotFound},
			{"deleting a missing application", tx.DeleteApplication(ctx, "ev-1", "missing"), adapters.ErrNotFound},
			{"completing an unclaimed message", tx.CompleteMessage(ctx, "m-1", "w", adapters.MessageSent, "", time.Time{}, t0), adapters.ErrConflict},
		}
		for _, r := range refusals {
			require.ErrorIs(t, r.err, r.want, r.name)
		}
		_, err := tx.UpdateEvent(ctx, adapters.Event{ID: "ev-1", Version: 7})
		require.ErrorIs(t, err, adapters.ErrConflict, "stale version")
		has, err := tx.HasIdentity(ctx, "ev-1", dupIdentity.Identity[0])
		require.NoError(t, err)
		require.False(t, has, "the refused application's own identity key was undone")
		return tx.InsertApplication(ctx, later)
	}), "the transaction commits after the refusals")

	require.NoError(t, s.View(bg(), func(tx adapters.ReadTx) error {
		_, err := tx.Application(bg(), "ev-1", later.ID)
		require.NoError(t, err, "the write after the refusals committed")
		_, err = tx.Application(bg(), "ev-1", testApp("ev-1", 3).ID)
		require.ErrorIs(t, err, adapters.ErrNotFound, "nothing of a refused application remains")
		return nil
	}))
}

// An unexpected database error aborts the transaction: even if fn ignores
// it and returns nil, Update fails and nothing is committed.
func TestUnexpectedErrorAbortsUpdate(t *testing.T) {
	t.Parallel()
	s, _, _ := openStore(t)
	createEvent(t, s, "ev-1")
	a := testApp("ev-1", 1)
	err := s.Update(bg(), func(tx adapters.Tx) error {
		require.NoError(t, tx.InsertApplication(bg(), a))
		_, err := tx.Event(bg(), "\xff not UTF-8")
		require.Error(t, err, "the server refuses invalid UTF-8")
		require.NotErrorIs(t, err, adapters.ErrNotFound)
		return nil // swallowed
	})
	require.Error(t, err, "the commit of an aborted transaction fails")
	require.NoError(t, s.View(bg(), func(tx adapters.ReadTx) error {
		_, err := tx.Application(bg(), "ev-1", a.ID)
		require.ErrorIs(t, err, adapters.ErrNotFound)
		return nil
	}))
}

// Listings span several pages, come in byte order whatever the database's
// collation, and their callbacks may write through the transaction.
func TestListingCallbacksUseTheTransaction(t *testing.T) {
	t.Parallel()
	s, _, _ := openStore(t)
	createEvent(t, s, "ev-1")
	const n = 1234 // more than two pages
	var want []string
	require.NoError(t, s.Update(bg(), func(tx adapters.Tx) error {
		for i := range n {
			a := testApp("ev-1", i)
			// Upper and lower case: byte order puts "B" before "a", most
			// locales do not.
			a.Receipt = fmt.Sprintf("%c-%05d", "aB"[i%2], n-i)
			want = append(want, a.Receipt)
			if err := tx.InsertApplication(bg(), a); err != nil {
				return err
			}
			m := adapters.Message{Key: a.Receipt, Event: "ev-1", Application: a.ID, Kind: "won", NextAttempt: t0}
			if err := tx.EnqueueMessage(bg(), m); err != nil {
				return err
			}
		}
		return nil
	}))
	slices.Sort(want)

	var got []string
	require.NoError(t, s.Update(bg(), func(tx adapters.Tx) error {
		return tx.ListApplications(bg(), "ev-1", adapters.ApplicationFilter{Classes: []string{"application"}}, func(a adapters.Application) error {
			got = append(got, a.Receipt)
			require.Len(t, a.Sealed, 1)
			return tx.SetStatus(bg(), "ev-1", a.ID, "applied", "lost")
		})
	}))
	require.Equal(t, want, got, "every application once, in byte order of receipt numbers")

	var keys []string
	require.NoError(t, s.View(bg(), func(tx adapters.ReadTx) error {
		n := 0
		err := tx.ListApplications(bg(), "ev-1", adapters.ApplicationFilter{Status: []string{"lost"}}, func(adapters.Application) error {
			n++
			return nil
		})
		require.Equal(t, len(want), n, "the callbacks' writes committed")
		if err != nil {
			return err
		}
		return tx.ListMessages(bg(), "ev-1", adapters.MessageFilter{}, func(m adapters.Message) error {
			keys = append(keys, m.Key)
			return nil
		})
	}))
	require.Equal(t, want, keys, "messages in byte order of keys, across pages")
}

// A View sees one snapshot: a commit made while it runs is not visible
// to it. Writes through a View fail.
func TestViewIsASnapshot(t *testing.T) {
	t.Parallel()
	s, _, _ := openStore(t)
	createEvent(t, s, "ev-1")
	require.NoError(t, s.View(bg(), func(tx adapters.ReadTx) error {
		before, err := tx.Event(bg(), "ev-1")
		require.NoError(t, err)
		require.NoError(t, s.Update(bg(), func(w adapters.Tx) error {
			_, err := w.UpdateEvent(bg(), adapters.Event{ID: "ev-1", State: "closed", Version: 1})
			return err
		}))
		after, err := tx.Event(bg(), "ev-1")
		require.NoError(t, err)
		require.Equal(t, before.State, after.State, "same snapshot")

		w, ok := tx.(adapters.Tx)
		require.True(t, ok)
		require.Error(t, w.PutDrawRecord(bg(), "ev-1", []byte("{}")), "a View does not write")
		return nil
	}))
}

func TestClosedStoreAndEndedTransaction(t *testing.T) {
	t.Parallel()
	s, _, _ := openStore(t)
	createEvent(t, s, "ev-1")
	var kept adapters.Tx
	require.NoError(t, s.Update(bg(), func(tx adapters.Tx) error {
		kept = tx
		return nil
	}))
	_, err := kept.Event(bg(), "ev-1")
	require.ErrorIs(t, err, adapters.ErrClosed, "a transaction used after it ended")

	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "closing twice")
	require.ErrorIs(t, s.Update(bg(), func(adapters.Tx) error { return nil }), adapters.ErrClosed)
	require.ErrorIs(t, s.View(bg(), func(adapters.ReadTx) error { return nil }), adapters.ErrClosed)
	require.ErrorIs(t, s.Compact(bg()), adapters.ErrClosed)
}

// A transaction waiting for a row another server holds gives up when its
// context expires, returns the context's error and writes nothing.
func TestContextExpiresWhileWaiting(t *testing.T) {
	t.Parallel()
	a, dsn, schema := openStore(t)
	b := secondStore(t, dsn, schema)
	createEvent(t, a, "ev-1")
	app := testApp("ev-1", 1)
	require.NoError(t, a.Update(bg(), func(tx adapters.Tx) error { return tx.InsertApplication(bg(), app) }))

	holding, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- a.Update(bg(), func(tx adapters.Tx) error {
			if err := tx.SetStatus(bg(), "ev-1", app.ID, "applied", "won"); err != nil {
				return err
			}
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding

	ctx, cancel := context.WithTimeout(bg(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := b.Update(ctx, func(tx adapters.Tx) error {
		if err := tx.PutDrawRecord(ctx, "ev-1", []byte(`{"partial":true}`)); err != nil {
			return err
		}
		return tx.SetStatus(ctx, "ev-1", app.ID, "applied", "lost") // waits for a's row lock
	})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, time.Since(start), 5*time.Second, "the wait was interrupted")
	close(release)
	require.NoError(t, <-done)

	require.NoError(t, b.View(bg(), func(tx adapters.ReadTx) error {
		got, err := tx.Application(bg(), "ev-1", app.ID)
		require.NoError(t, err)
		require.Equal(t, "won", got.Status)
		_, err = tx.DrawRecord(bg(), "ev-1")
		require.ErrorIs(t, err, adapters.ErrNotFound, "the interrupted transaction wrote nothing")
		return nil
	}))
	// The server that gave up is still usable.
	require.NoError(t, b.Update(bg(), func(tx adapters.Tx) error { return tx.PutDrawRecord(bg(), "ev-1", []byte(`{}`)) }))
}

// An error from fn is returned as it is, and a panic rolls back.
func TestFunctionErrorsAndPanics(t *testing.T) {
	t.Parallel()
	s, _, _ := openStore(t)
	boom := errors.New("boom")
	require.ErrorIs(t, s.Update(bg(), func(tx adapters.Tx) error {
		require.NoError(t, tx.CreateEvent(bg(), adapters.Event{ID: "ev-1", State: "open"}))
		return boom
	}), boom)
	require.Panics(t, func() {
		_ = s.Update(bg(), func(tx adapters.Tx) error {
			require.NoError(t, tx.CreateEvent(bg(), adapters.Event{ID: "ev-1", State: "open"}))
			panic("in the middle of an operation")
		})
	})
	require.NoError(t, s.View(bg(), func(tx adapters.ReadTx) error {
		_, err := tx.Event(bg(), "ev-1")
		require.ErrorIs(t, err, adapters.ErrNotFound, "neither the failed nor the panicking transaction committed")
		return nil
	}))
	createEvent(t, s, "ev-1") // and the pool's connection came back clean
}
