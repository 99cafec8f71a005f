package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/adapters"
)

func testDocuments(t *testing.T, h Harness) {
	s := h.Store()
	createEvent(t, s, "ev-1")
	a := app("ev-1", 1)
	insert(t, s, a)
	update(t, s, func(tx adapters.Tx) error {
		ctx := bg()
		require.NoError(t, tx.PutConsent(ctx, adapters.Consent{ID: "c-1", Event: "ev-1", Application: a.ID, Data: []byte(`{"v":1}`)}))
		require.NoError(t, tx.PutConsent(ctx, adapters.Consent{ID: "c-1", Event: "ev-1", Application: a.ID, Data: []byte(`{"v":2,"withdrawn":true}`)}))
		require.NoError(t, tx.PutDrawRecord(ctx, "ev-1", []byte(`{"r":1}`)))
		require.NoError(t, tx.PutDrawRecord(ctx, "ev-1", []byte(`{"r":2}`)))
		require.NoError(t, tx.PutDesignation(ctx, adapters.Designation{ID: "h-2", Event: "ev-1", Data: []byte(`{"h":2}`)}))
		require.NoError(t, tx.PutDesignation(ctx, adapters.Designation{ID: "h-1", Event: "ev-1", Data: []byte(`{"h":1}`)}))
		require.NoError(t, tx.PutDesignation(ctx, adapters.Designation{ID: "h-1", Event: "ev-1", Data: []byte(`{"h":1,"revoked":true}`)}))
		require.NoError(t, tx.PutDesignation(ctx, adapters.Designation{ID: "h-9", Event: "ev-other", Data: []byte(`{}`)}))
		require.NoError(t, tx.InsertErasure(ctx, adapters.Erasure{ID: "e-1", Event: "ev-1", Created: t0, Data: []byte(`{"e":1}`), Signed: []byte("signed 1")}))
		require.NoError(t, tx.InsertErasure(ctx, adapters.Erasure{ID: "e-2", Event: "ev-1", Created: t0.Add(time.Hour), Data: []byte(`{"e":2}`)}))
		return nil
	})
	err := s.Update(bg(), func(tx adapters.Tx) error {
		return tx.InsertErasure(bg(), adapters.Erasure{ID: "e-1", Event: "ev-1", Created: t0, Data: []byte(`{}`)})
	})
	require.ErrorIs(t, err, adapters.ErrDuplicate, "an erasure record is never overwritten")
	err = s.Update(bg(), func(tx adapters.Tx) error {
		return tx.PutConsent(bg(), adapters.Consent{ID: "c-x", Event: "ev-1", Application: "missing", Data: []byte(`{}`)})
	})
	require.Error(t, err, "a consent receipt needs its application")

	view(t, s, func(tx adapters.ReadTx) error {
		ctx := bg()
		c, err := tx.Consent(ctx, "ev-1", a.ID)
		require.NoError(t, err)
		require.Equal(t, "c-1", c.ID)
		require.JSONEq(t, `{"v":2,"withdrawn":true}`, string(c.Data), "PutConsent replaces")
		d, err := tx.DrawRecord(ctx, "ev-1")
		require.NoError(t, err)
		require.JSONEq(t, `{"r":2}`, string(d), "PutDrawRecord replaces")
		ds, err := tx.Designations(ctx, "ev-1")
		require.NoError(t, err)
		require.Len(t, ds, 2, "designations are per event")
		require.Equal(t, "h-1", ds[0].ID, "in ID order")
		require.JSONEq(t, `{"h":1,"revoked":true}`, string(ds[0].Data))
		es, err := tx.Erasures(ctx, "ev-1")
		require.NoError(t, err)
		require.Len(t, es, 2)
		require.Equal(t, "e-1", es[0].ID, "in creation order")
		require.Equal(t, []byte("signed 1"), es[0].Signed)
		require.True(t, es[1].Created.Equal(t0.Add(time.Hour)))
		_, err = tx.DrawRecord(ctx, "ev-other")
		require.ErrorIs(t, err, adapters.ErrNotFound)
		return nil
	})
}

func testCheckInsAndCards(t *testing.T, h Harness) {
	s := h.Store()
	createEvent(t, s, "ev-1")
	a, b := app("ev-1", 1), app("ev-1", 2)
	insert(t, s, a)
	insert(t, s, b)
	update(t, s, func(tx adapters.Tx) error {
		ctx := bg()
		require.NoError(t, tx.InsertCheckIn(ctx, adapters.CheckIn{Event: "ev-1", Application: b.ID, Slot: "d1/am", Actor: "h1", At: t0.Add(2 * time.Minute)}))
		require.NoError(t, tx.InsertCheckIn(ctx, adapters.CheckIn{Event: "ev-1", Application: a.ID, Slot: "d1/am", Actor: "h2", At: t0.Add(time.Minute)}))
		require.NoError(t, tx.InsertCheckIn(ctx, adapters.CheckIn{Event: "ev-1", Application: a.ID, Slot: "d2/pm", Actor: "h2", At: t0.Add(time.Hour)}))
		for i, slot := range []string{"d1/am", "d1/pm", "d1/am"} {
			require.NoError(t, tx.InsertContactCard(ctx, adapters.ContactCard{
				ID: fmt.Sprintf("card-%d", i), Event: "ev-1", Slot: slot, Class: "contact-card",
				Sealed: []byte(fmt.Sprintf("sealed-card-%d", i)), Consent: []byte(fmt.Sprintf(`{"card":%d}`, i)),
				Created: t0.Add(time.Duration(i) * time.Minute),
			}))
		}
		return nil
	})
	err := s.Update(bg(), func(tx adapters.Tx) error {
		return tx.InsertCheckIn(bg(), adapters.CheckIn{Event: "ev-1", Application: a.ID, Slot: "d1/am", Actor: "h3", At: t0.Add(3 * time.Minute)})
	})
	require.ErrorIs(t, err, adapters.ErrDuplicate, "a group checks in once per slot")
	err = s.Update(bg(), func(tx adapters.Tx) error {
		return tx.InsertContactCard(bg(), adapters.ContactCard{ID: "card-0", Event: "ev-1", Slot: "d1/am", Class: "contact-card", Sealed: []byte("x"), Created: t0})
	})
	require.ErrorIs(t, err, adapters.ErrDuplicate)

	view(t, s, func(tx adapters.ReadTx) error {
		ctx := bg()
		var got []adapters.CheckIn
		require.NoError(t, tx.ListCheckIns(ctx, "ev-1", func(c adapters.CheckIn) error {
			got = append(got, c)
			return nil
		}))
		require.Len(t, got, 3)
		require.Equal(t, a.ID, got[0].Application, "check-ins are listed in time order")
		require.Equal(t, "h2", got[0].Actor)
		require.True(t, got[0].At.Equal(t0.Add(time.Minute)))
		require.Equal(t, "d2/pm", got[2].Slot)

		var cards []string
		require.NoError(t, tx.ListContactCards(ctx, "ev-1", "d1/am", func(c adapters.ContactCard) error {
			require.Equal(t, "contact-card", c.Class)
			require.JSONEq(t, fmt.Sprintf(`{"card":%s}`, c.ID[len("card-"):]), string(c.Consent), "the card's consent receipt round-trips")
			cards = append(cards, c.ID+"="+string(c.Sealed))
			return nil
		}))
		require.Equal(t, []string{"card-0=sealed-card-0", "card-2=sealed-card-2"}, cards, "cards of one slot, in creation order")
		n := 0
		require.NoError(t, tx.ListContactCards(ctx, "ev-1", "", func(adapters.ContactCard) error { n++; return nil }))
		require.Equal(t, 3, n, "an empty slot lists all")
		return nil
	})
}

// testTwoStores races two stores opened on one database, as two
// application servers would be: what one commits the other sees, and the
// invariants hold across them.
func testTwoStores(t *testing.T, h Harness) {
	so, ok := h.(SecondOpener)
	if !ok {
		t.Skip("the harness cannot open its database twice (SecondOpener); nothing to race")
	}
	a := h.Store()
	b, err := so.OpenSecond(bg())
	require.NoError(t, err)
	defer b.Close()

	createEvent(t, a, "ev-1")
	view(t, b, func(tx adapters.ReadTx) error {
		_, err := tx.Event(bg(), "ev-1")
		require.NoError(t, err, "the second store sees the first one's commit")
		return nil
	})

	// Both servers accept applications at once; receipts never collide and
	// the version of the event moves by exactly one per successful update.
	var wg sync.WaitGroup
	var mu sync.Mutex
	receipts := map[int64]bool{}
	conflicts := 0
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := []adapters.Store{a, b}[i%2]
			err := s.Update(bg(), func(tx adapters.Tx) error {
				n, err := tx.NextReceipt(bg(), "ev-1")
				if err != nil {
					return err
				}
				ap := app("ev-1", 1000+i)
				ap.Receipt = fmt.Sprintf("R-%06d", n)
				if err := tx.InsertApplication(bg(), ap); err != nil {
					return err
				}
				mu.Lock()
				receipts[n] = true
				mu.Unlock()
				return nil
			})
			if err != nil {
				t.Errorf("server %d: %v", i%2, err)
			}
			err = s.Update(bg(), func(tx adapters.Tx) error {
				e, err := tx.Event(bg(), "ev-1")
				if err != nil {
					return err
				}
				_, err = tx.UpdateEvent(bg(), e)
				return err
			})
			if errors.Is(err, adapters.ErrConflict) {
				mu.Lock()
				conflicts++
				mu.Unlock()
			} else if err != nil {
				t.Errorf("server %d: update event: %v", i%2, err)
			}
		}()
	}
	wg.Wait()
	require.Len(t, receipts, 40)
	require.Len(t, listIDs(t, b, "ev-1", adapters.ApplicationFilter{}), 40)
	view(t, a, func(tx adapters.ReadTx) error {
		e, err := tx.Event(bg(), "ev-1")
		require.NoError(t, err)
		require.Equal(t, int64(1+40-conflicts), e.Version, "each successful read-modify-write moved the version by one")
		return nil
	})
}
