package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/adapters"
)

func listIDs(t *testing.T, s adapters.Store, event string, f adapters.ApplicationFilter) []string {
	t.Helper()
	var ids []string
	view(t, s, func(tx adapters.ReadTx) error {
		return tx.ListApplications(bg(), event, f, func(a adapters.Application) error {
			ids = append(ids, a.ID)
			return nil
		})
	})
	return ids
}

func testApplicationRoundTrip(t *testing.T, h Harness) {
	s := h.Store()
	createEvent(t, s, "ev-1")
	createEvent(t, s, "ev-2")
	want := app("ev-1", 7)
	want.Sealed["contact"] = []byte("sealed-contact-7")
	insert(t, s, want)
	for i := range 5 {
		insert(t, s, app("ev-1", 10+i))
	}
	insert(t, s, app("ev-2", 99))

	view(t, s, func(tx adapters.ReadTx) error {
		got, err := tx.Application(bg(), "ev-1", want.ID)
		require.NoError(t, err)
		require.Equal(t, want.Receipt, got.Receipt)
		require.Equal(t, want.Channel, got.Channel)
		require.Equal(t, want.Category, got.Category)
		require.Equal(t, want.Size, got.Size)
		require.Equal(t, want.Prefs, got.Prefs, "preferences keep their order")
		require.Equal(t, want.Weight, got.Weight)
		require.Equal(t, want.Tier, got.Tier)
		require.Equal(t, want.Status, got.Status)
		require.True(t, want.Created.Equal(got.Created))
		require.Equal(t, want.Sealed, got.Sealed, "Application loads every sealed class")

		byReceipt, err := tx.ApplicationByReceipt(bg(), "ev-1", want.Receipt)
		require.NoError(t, err)
		require.Equal(t, want.ID, byReceipt.ID)
		_, err = tx.ApplicationByReceipt(bg(), "ev-2", want.Receipt)
		require.ErrorIs(t, err, adapters.ErrNotFound, "receipt numbers are per event")
		_, err = tx.Application(bg(), "ev-2", want.ID)
		require.ErrorIs(t, err, adapters.ErrNotFound, "an application is found only under its own event")

		ids, err := tx.FindApplications(bg(), "ev-1", adapters.BlindKey{Kind: "kana", MAC: []byte("kana-1")})
		require.NoError(t, err)
		require.Equal(t, []string{app("ev-1", 7).ID, app("ev-1", 10).ID, app("ev-1", 13).ID}, ids,
			"search by blind key, in receipt order")
		ids, err = tx.FindApplications(bg(), "ev-1", adapters.BlindKey{Kind: "phone", MAC: []byte("kana-1")})
		require.NoError(t, err)
		require.Empty(t, ids, "the kind is part of the key")

		has, err := tx.HasIdentity(bg(), "ev-1", []byte("identity-7"))
		require.NoError(t, err)
		require.True(t, has)
		has, err = tx.HasIdentity(bg(), "ev-2", []byte("identity-7"))
		require.NoError(t, err)
		require.False(t, has, "identities are per event")
		return nil
	})

	sealed := func(class string) []string {
		var out []string
		view(t, s, func(tx adapters.ReadTx) error {
			return tx.ListSealed(bg(), "ev-1", class, func(r string) error {
				out = append(out, r)
				return nil
			})
		})
		return out
	}
	require.Equal(t, []string{want.Receipt}, sealed("contact"), "ListSealed names the holders of a class")
	require.Len(t, sealed("application"), 6)
	require.Equal(t, want.Receipt, sealed("application")[0], "in receipt order")
	require.Empty(t, sealed("no-such-class"))

	ids := listIDs(t, s, "ev-1", adapters.ApplicationFilter{})
	require.Len(t, ids, 6)
	require.Equal(t, want.ID, ids[0], "listing is in receipt order")

	view(t, s, func(tx adapters.ReadTx) error {
		return tx.ListApplications(bg(), "ev-1", adapters.ApplicationFilter{Classes: []string{"contact"}}, func(a adapters.Application) error {
			_, hasApp := a.Sealed["application"]
			require.False(t, hasApp, "only the requested classes are loaded")
			if a.ID == want.ID {
				require.Equal(t, []byte("sealed-contact-7"), a.Sealed["contact"])
			}
			return nil
		})
	})
	view(t, s, func(tx adapters.ReadTx) error {
		return tx.ListApplications(bg(), "ev-1", adapters.ApplicationFilter{}, func(a adapters.Application) error {
			require.Empty(t, a.Sealed, "no classes requested, none loaded")
			require.NotEmpty(t, a.Prefs)
			if a.ID == want.ID {
				require.Equal(t, want.Identity, a.Identity, "a listing carries the identity keys")
				require.Equal(t, want.Search, a.Search, "and the search keys, in order")
			}
			return nil
		})
	})
	stop := errors.New("stop")
	n := 0
	err := s.View(bg(), func(tx adapters.ReadTx) error {
		return tx.ListApplications(bg(), "ev-1", adapters.ApplicationFilter{}, func(adapters.Application) error {
			n++
			return stop
		})
	})
	require.ErrorIs(t, err, stop, "an error from the callback stops the listing and is returned")
	require.Equal(t, 1, n)
}

func testApplicationUniqueness(t *testing.T, h Harness) {
	s := h.Store()
	createEvent(t, s, "ev-1")
	insert(t, s, app("ev-1", 1))
	for name, a := range map[string]adapters.Application{
		"same ID": func() adapters.Application {
			a := app("ev-1", 2)
			a.ID = app("ev-1", 1).ID
			return a
		}(),
		"same receipt": func() adapters.Application {
			a := app("ev-1", 3)
			a.Receipt = app("ev-1", 1).Receipt
			return a
		}(),
		"same identity": func() adapters.Application {
			a := app("ev-1", 4)
			a.Identity = append(a.Identity, []byte("identity-1"))
			return a
		}(),
		"identity repeated within one application": func() adapters.Application {
			a := app("ev-1", 5)
			a.Identity = [][]byte{[]byte("x"), []byte("x")}
			return a
		}(),
	} {
		err := s.Update(bg(), func(tx adapters.Tx) error { return tx.InsertApplication(bg(), a) })
		require.ErrorIs(t, err, adapters.ErrDuplicate, name)
	}
	require.Len(t, listIDs(t, s, "ev-1", adapters.ApplicationFilter{}), 1, "refused inserts left nothing")
	view(t, s, func(tx adapters.ReadTx) error {
		has, err := tx.HasIdentity(bg(), "ev-1", []byte("identity-4"))
		require.NoError(t, err)
		require.False(t, has, "a refused application's other identity keys are not stored")
		return nil
	})
	err := s.Update(bg(), func(tx adapters.Tx) error { return tx.InsertApplication(bg(), app("no-such-event", 9)) })
	require.ErrorIs(t, err, adapters.ErrNotFound, "an application needs its event")

	// A refused insert leaves the transaction usable: a batch of postcards
	// reports every clash and goes on.
	update(t, s, func(tx adapters.Tx) error {
		dup := app("ev-1", 6)
		dup.Identity = [][]byte{[]byte("identity-1")}
		require.ErrorIs(t, tx.InsertApplication(bg(), dup), adapters.ErrDuplicate)
		require.ErrorIs(t, tx.InsertApplication(bg(), app("no-such-event", 10)), adapters.ErrNotFound)
		return tx.InsertApplication(bg(), app("ev-1", 7))
	})
	require.Equal(t, []string{app("ev-1", 1).ID, app("ev-1", 7).ID}, listIDs(t, s, "ev-1", adapters.ApplicationFilter{}),
		"the transaction went on after the refused inserts")

	// With its consent receipt: stored together, or not at all.
	withConsent := func(n int, identity string) adapters.Application {
		a := app("ev-1", n)
		a.Identity = [][]byte{[]byte(identity)}
		a.Consent = &adapters.Consent{ID: fmt.Sprintf("c-%d", n), Event: "ev-1", Application: a.ID, Data: []byte(`{"v":1}`)}
		return a
	}
	insert(t, s, withConsent(20, "fresh"))
	err = s.Update(bg(), func(tx adapters.Tx) error { return tx.InsertApplication(bg(), withConsent(21, "identity-1")) })
	require.ErrorIs(t, err, adapters.ErrDuplicate)
	view(t, s, func(tx adapters.ReadTx) error {
		c, err := tx.Consent(bg(), "ev-1", app("ev-1", 20).ID)
		require.NoError(t, err)
		require.Equal(t, "c-20", c.ID)
		require.JSONEq(t, `{"v":1}`, string(c.Data))
		_, err = tx.Consent(bg(), "ev-1", app("ev-1", 21).ID)
		require.ErrorIs(t, err, adapters.ErrNotFound, "a refused application leaves no consent receipt")
		got, err := tx.Application(bg(), "ev-1", app("ev-1", 20).ID)
		require.NoError(t, err)
		require.Nil(t, got.Consent, "reads leave Consent nil")
		return nil
	})
}

// The same person applies from 32 browsers at once: exactly one application
// is accepted.
func testDuplicateIdentityRace(t *testing.T, h Harness) {
	stores := []adapters.Store{h.Store()}
	if so, ok := h.(SecondOpener); ok {
		second, err := so.OpenSecond(bg())
		require.NoError(t, err)
		t.Cleanup(func() { second.Close() })
		stores = append(stores, second)
	}
	createEvent(t, stores[0], "ev-dup")
	const n = 32
	var wins, dups atomic.Int32
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := app("ev-dup", 100+i)
			a.Identity = [][]byte{[]byte(fmt.Sprintf("own-%d", i)), []byte("same-person")}
			err := stores[i%len(stores)].Update(bg(), func(tx adapters.Tx) error {
				if _, err := tx.NextReceipt(bg(), "ev-dup"); err != nil {
					return err
				}
				return tx.InsertApplication(bg(), a)
			})
			switch {
			case err == nil:
				wins.Add(1)
			case errors.Is(err, adapters.ErrDuplicate):
				dups.Add(1)
			default:
				t.Errorf("applicant %d: unexpected error %v", i, err)
			}
		}()
	}
	wg.Wait()
	require.Equal(t, int32(1), wins.Load(), "exactly one application wins")
	require.Equal(t, int32(n-1), dups.Load(), "every other one is a duplicate")
	require.Len(t, listIDs(t, stores[0], "ev-dup", adapters.ApplicationFilter{}), 1)
}

func testStatusCAS(t *testing.T, h Harness) {
	s := h.Store()
	createEvent(t, s, "ev-1")
	a := app("ev-1", 1)
	insert(t, s, a)
	update(t, s, func(tx adapters.Tx) error { return tx.SetStatus(bg(), "ev-1", a.ID, "applied", "won") })
	err := s.Update(bg(), func(tx adapters.Tx) error { return tx.SetStatus(bg(), "ev-1", a.ID, "applied", "lost") })
	require.ErrorIs(t, err, adapters.ErrConflict, "from-status no longer matches")
	err = s.Update(bg(), func(tx adapters.Tx) error { return tx.SetStatus(bg(), "ev-1", "missing", "applied", "won") })
	require.ErrorIs(t, err, adapters.ErrNotFound)

	// Confirmations racing a cancellation: exactly one transition happens.
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			to := "confirmed"
			if i%2 == 1 {
				to = "cancelled"
			}
			err := s.Update(bg(), func(tx adapters.Tx) error { return tx.SetStatus(bg(), "ev-1", a.ID, "won", to) })
			if err == nil {
				wins.Add(1)
			} else if !errors.Is(err, adapters.ErrConflict) {
				t.Errorf("unexpected error %v", err)
			}
		}()
	}
	wg.Wait()
	require.Equal(t, int32(1), wins.Load())
	ok := []string{"confirmed", "cancelled"}
	view(t, s, func(tx adapters.ReadTx) error {
		got, err := tx.Application(bg(), "ev-1", a.ID)
		require.NoError(t, err)
		require.Contains(t, ok, got.Status)
		ids := listIDs(t, s, "ev-1", adapters.ApplicationFilter{Status: []string{got.Status}})
		require.Equal(t, []string{a.ID}, ids, "status filter")
		require.Empty(t, listIDs(t, s, "ev-1", adapters.ApplicationFilter{Status: []string{"applied"}}))
		return nil
	})
}

// One operation writes to every kind of record and then fails: nothing of
// it remains.
func testRollback(t *testing.T, h Harness) {
	s := h.Store()
	createEvent(t, s, "ev-1")
	keep := app("ev-1", 1)
	insert(t, s, keep)
	boom := errors.New("operation failed half way")
	err := s.Update(bg(), func(tx adapters.Tx) error {
		ctx := bg()
		require.NoError(t, tx.CreateEvent(ctx, adapters.Event{ID: "ev-new", State: "draft"}))
		_, err := tx.UpdateEvent(ctx, adapters.Event{ID: "ev-1", State: "closed", Version: 1})
		require.NoError(t, err)
		a := app("ev-1", 2)
		require.NoError(t, tx.InsertApplication(ctx, a))
		require.NoError(t, tx.SetStatus(ctx, "ev-1", keep.ID, "applied", "won"))
		require.NoError(t, tx.PutConsent(ctx, adapters.Consent{ID: "c-2", Event: "ev-1", Application: a.ID, Data: []byte(`{}`)}))
		require.NoError(t, tx.PutDrawRecord(ctx, "ev-1", []byte(`{"draw":1}`)))
		require.NoError(t, tx.EnqueueMessage(ctx, adapters.Message{Key: "m-2", Event: "ev-1", Application: a.ID, Kind: "won", NextAttempt: t0}))
		require.NoError(t, tx.InsertCheckIn(ctx, adapters.CheckIn{Event: "ev-1", Application: keep.ID, Slot: "d1/am", Actor: "h1", At: t0}))
		require.NoError(t, tx.InsertContactCard(ctx, adapters.ContactCard{ID: "card-1", Event: "ev-1", Slot: "d1/am", Class: "contact-card", Sealed: []byte("x"), Created: t0}))
		require.NoError(t, tx.PutDesignation(ctx, adapters.Designation{ID: "d-1", Event: "ev-1", Data: []byte(`{}`)}))
		require.NoError(t, tx.InsertErasure(ctx, adapters.Erasure{ID: "e-1", Event: "ev-1", Created: t0, Data: []byte(`{}`)}))
		_, err = tx.PurgeClass(ctx, "ev-1", "application")
		require.NoError(t, err)
		return boom
	})
	require.ErrorIs(t, err, boom, "Update returns fn's error")
	assertUntouched(t, s, keep)
}

// assertUntouched checks that the store holds exactly event ev-1 (version
// 1, open) with the one application keep and nothing else.
func assertUntouched(t *testing.T, s adapters.Store, keep adapters.Application) {
	t.Helper()
	view(t, s, func(tx adapters.ReadTx) error {
		ctx := bg()
		_, err := tx.Event(ctx, "ev-new")
		require.ErrorIs(t, err, adapters.ErrNotFound)
		e, err := tx.Event(ctx, "ev-1")
		require.NoError(t, err)
		require.Equal(t, "open", e.State)
		require.Equal(t, int64(1), e.Version)
		got, err := tx.Application(ctx, "ev-1", keep.ID)
		require.NoError(t, err)
		require.Equal(t, "applied", got.Status)
		require.Equal(t, keep.Sealed, got.Sealed, "the purge was rolled back")
		_, err = tx.Application(ctx, "ev-1", app("ev-1", 2).ID)
		require.ErrorIs(t, err, adapters.ErrNotFound)
		has, err := tx.HasIdentity(ctx, "ev-1", app("ev-1", 2).Identity[0])
		require.NoError(t, err)
		require.False(t, has)
		_, err = tx.DrawRecord(ctx, "ev-1")
		require.ErrorIs(t, err, adapters.ErrNotFound)
		_, err = tx.Message(ctx, "m-2")
		require.ErrorIs(t, err, adapters.ErrNotFound)
		n := 0
		require.NoError(t, tx.ListCheckIns(ctx, "ev-1", func(adapters.CheckIn) error { n++; return nil }))
		require.NoError(t, tx.ListContactCards(ctx, "ev-1", "", func(adapters.ContactCard) error { n++; return nil }))
		require.Zero(t, n)
		d, err := tx.Designations(ctx, "ev-1")
		require.NoError(t, err)
		require.Empty(t, d)
		es, err := tx.Erasures(ctx, "ev-1")
		require.NoError(t, err)
		require.Empty(t, es)
		return nil
	})
	require.Len(t, listIDs(t, s, "ev-1", adapters.ApplicationFilter{}), 1)
}

func testCancelledContext(t *testing.T, h Harness) {
	s := h.Store()
	createEvent(t, s, "ev-1")
	keep := app("ev-1", 1)
	insert(t, s, keep)

	ctx, cancel := context.WithCancel(bg())
	cancel()
	err := s.Update(ctx, func(adapters.Tx) error { return nil })
	require.ErrorIs(t, err, context.Canceled, "a cancelled context is passed through")
	err = s.View(ctx, func(adapters.ReadTx) error { return nil })
	require.ErrorIs(t, err, context.Canceled)

	// Cancelled half way through an operation: nothing is written.
	ctx, cancel = context.WithCancel(bg())
	err = s.Update(ctx, func(tx adapters.Tx) error {
		require.NoError(t, tx.InsertApplication(ctx, app("ev-1", 2)))
		_, err := tx.UpdateEvent(ctx, adapters.Event{ID: "ev-1", State: "closed", Version: 1})
		require.NoError(t, err)
		cancel()
		return tx.SetStatus(ctx, "ev-1", keep.ID, "applied", "won")
	})
	require.ErrorIs(t, err, context.Canceled)
	assertUntouched(t, s, keep)
}

func testClosedStore(t *testing.T, h Harness) {
	s := h.Store()
	createEvent(t, s, "ev-1")
	require.NoError(t, s.Close())
	err := s.Update(bg(), func(adapters.Tx) error { return nil })
	require.ErrorIs(t, err, adapters.ErrClosed)
	err = s.View(bg(), func(adapters.ReadTx) error { return nil })
	require.ErrorIs(t, err, adapters.ErrClosed)
}

func testDeleteCascades(t *testing.T, h Harness) {
	s := h.Store()
	createEvent(t, s, "ev-1")
	gone, kept := app("ev-1", 1), app("ev-1", 2)
	insert(t, s, gone)
	insert(t, s, kept)
	update(t, s, func(tx adapters.Tx) error {
		ctx := bg()
		for _, a := range []adapters.Application{gone, kept} {
			require.NoError(t, tx.PutConsent(ctx, adapters.Consent{ID: "c-" + a.Receipt, Event: "ev-1", Application: a.ID, Data: []byte(`{"v":1}`)}))
			require.NoError(t, tx.EnqueueMessage(ctx, adapters.Message{Key: "m-" + a.Receipt, Event: "ev-1", Application: a.ID, Kind: "won", NextAttempt: t0}))
			require.NoError(t, tx.InsertCheckIn(ctx, adapters.CheckIn{Event: "ev-1", Application: a.ID, Slot: "d1/am", Actor: "h1", At: t0}))
		}
		return nil
	})
	update(t, s, func(tx adapters.Tx) error { return tx.DeleteApplication(bg(), "ev-1", gone.ID) })
	err := s.Update(bg(), func(tx adapters.Tx) error { return tx.DeleteApplication(bg(), "ev-1", gone.ID) })
	require.ErrorIs(t, err, adapters.ErrNotFound, "deleting twice")

	view(t, s, func(tx adapters.ReadTx) error {
		ctx := bg()
		_, err := tx.Application(ctx, "ev-1", gone.ID)
		require.ErrorIs(t, err, adapters.ErrNotFound)
		_, err = tx.ApplicationByReceipt(ctx, "ev-1", gone.Receipt)
		require.ErrorIs(t, err, adapters.ErrNotFound)
		has, err := tx.HasIdentity(ctx, "ev-1", gone.Identity[0])
		require.NoError(t, err)
		require.False(t, has, "identity keys go with the application")
		ids, err := tx.FindApplications(ctx, "ev-1", gone.Search[1])
		require.NoError(t, err)
		require.Empty(t, ids, "search keys go with the application")
		_, err = tx.Consent(ctx, "ev-1", gone.ID)
		require.ErrorIs(t, err, adapters.ErrNotFound, "the consent receipt goes with it")
		_, err = tx.Message(ctx, "m-"+gone.Receipt)
		require.ErrorIs(t, err, adapters.ErrNotFound, "its messages go with it")
		var apps []string
		require.NoError(t, tx.ListCheckIns(ctx, "ev-1", func(c adapters.CheckIn) error {
			apps = append(apps, c.Application)
			return nil
		}))
		require.Equal(t, []string{kept.ID}, apps, "its check-ins go with it")

		_, err = tx.Application(ctx, "ev-1", kept.ID)
		require.NoError(t, err, "the other application is untouched")
		_, err = tx.Consent(ctx, "ev-1", kept.ID)
		require.NoError(t, err)
		_, err = tx.Message(ctx, "m-"+kept.Receipt)
		require.NoError(t, err)
		return nil
	})
	// The person may apply again once their data is erased.
	again := app("ev-1", 3)
	again.Identity = gone.Identity
	insert(t, s, again)
}
