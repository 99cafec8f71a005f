package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/adapters"
)

// stores returns the harness's store and, where the harness can open its
// database a second time, a second store on the same database.
func stores(t *testing.T, h Harness) []adapters.Store {
	t.Helper()
	out := []adapters.Store{h.Store()}
	if so, ok := h.(SecondOpener); ok {
		second, err := so.OpenSecond(bg())
		require.NoError(t, err)
		t.Cleanup(func() { second.Close() })
		out = append(out, second)
	}
	return out
}

func enqueue(t *testing.T, s adapters.Store, event string, apps, perApp int) []string {
	t.Helper()
	var keys []string
	update(t, s, func(tx adapters.Tx) error {
		for i := range apps {
			a := app(event, i)
			require.NoError(t, tx.InsertApplication(bg(), a))
			for k := range perApp {
				m := adapters.Message{
					Key:         fmt.Sprintf("%s/%s/kind%d", event, a.Receipt, k),
					Event:       event,
					Application: a.ID,
					Kind:        fmt.Sprintf("kind%d", k),
					NextAttempt: t0.Add(time.Duration(i) * time.Millisecond),
				}
				require.NoError(t, tx.EnqueueMessage(bg(), m))
				keys = append(keys, m.Key)
			}
		}
		return nil
	})
	return keys
}

// Eight workers on (where possible) two stores drain 300 messages: each
// message is claimed by exactly one worker.
func testOutboxClaims(t *testing.T, h Harness) {
	ss := stores(t, h)
	createEvent(t, ss[0], "ev-1")
	createEvent(t, ss[0], "ev-2")
	keys := enqueue(t, ss[0], "ev-1", 100, 3)
	enqueue(t, ss[0], "ev-2", 5, 1)

	err := ss[0].Update(bg(), func(tx adapters.Tx) error {
		return tx.EnqueueMessage(bg(), adapters.Message{Key: keys[0], Event: "ev-1", Application: app("ev-1", 0).ID, Kind: "kind0"})
	})
	require.ErrorIs(t, err, adapters.ErrDuplicate, "enqueueing the same key twice")

	var mu sync.Mutex
	claimedBy := map[string]string{}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			worker := fmt.Sprintf("worker-%d", w)
			s := ss[w%len(ss)]
			for {
				var got []adapters.Message
				err := s.Update(bg(), func(tx adapters.Tx) error {
					var err error
					got, err = tx.ClaimMessages(bg(), "ev-1", worker, t0.Add(time.Hour), time.Hour, 7)
					return err
				})
				if err != nil {
					t.Errorf("%s: claim: %v", worker, err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, m := range got {
					if prev, dup := claimedBy[m.Key]; dup {
						t.Errorf("message %s claimed by %s and %s", m.Key, prev, worker)
					}
					claimedBy[m.Key] = worker
					if m.Status != adapters.MessageClaimed || m.ClaimedBy != worker || m.Attempts != 1 || m.Event != "ev-1" {
						t.Errorf("claimed message %+v", m)
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	require.Len(t, claimedBy, len(keys), "every message was claimed")

	update(t, ss[0], func(tx adapters.Tx) error {
		for k, w := range claimedBy {
			require.NoError(t, tx.CompleteMessage(bg(), k, w, adapters.MessageSent, "", time.Time{}, t0.Add(time.Hour)))
		}
		return nil
	})
	var statuses = map[string]int{}
	view(t, ss[0], func(tx adapters.ReadTx) error {
		var prev string
		return tx.ListMessages(bg(), "ev-1", adapters.MessageFilter{}, func(m adapters.Message) error {
			require.Greater(t, m.Key, prev, "listing is in key order")
			prev = m.Key
			statuses[m.Status]++
			return nil
		})
	})
	require.Equal(t, map[string]int{adapters.MessageSent: len(keys)}, statuses)
	view(t, ss[0], func(tx adapters.ReadTx) error {
		n := 0
		require.NoError(t, tx.ListMessages(bg(), "ev-2", adapters.MessageFilter{Status: []string{adapters.MessagePending}}, func(adapters.Message) error {
			n++
			return nil
		}))
		require.Equal(t, 5, n, "claims are per event")
		return nil
	})
}

func claim(t *testing.T, s adapters.Store, worker string, now time.Time, lease time.Duration) []adapters.Message {
	t.Helper()
	var got []adapters.Message
	update(t, s, func(tx adapters.Tx) error {
		var err error
		got, err = tx.ClaimMessages(bg(), "ev-1", worker, now, lease, 10)
		return err
	})
	return got
}

func testOutboxLease(t *testing.T, h Harness) {
	s := h.Store()
	createEvent(t, s, "ev-1")
	keys := enqueue(t, s, "ev-1", 1, 1)
	key := keys[0]

	got := claim(t, s, "a", t0, time.Minute)
	require.Len(t, got, 1)
	require.True(t, got[0].LeaseUntil.Equal(t0.Add(time.Minute)))
	require.Empty(t, claim(t, s, "b", t0.Add(30*time.Second), time.Minute), "a live lease is not taken over")

	got = claim(t, s, "b", t0.Add(61*time.Second), time.Minute)
	require.Len(t, got, 1, "an expired lease is taken over (the worker died)")
	require.Equal(t, 2, got[0].Attempts)
	err := s.Update(bg(), func(tx adapters.Tx) error {
		return tx.CompleteMessage(bg(), key, "a", adapters.MessageSent, "", time.Time{}, t0.Add(62*time.Second))
	})
	require.ErrorIs(t, err, adapters.ErrConflict, "the old worker may not complete it")

	retryAt := t0.Add(5 * time.Minute)
	update(t, s, func(tx adapters.Tx) error {
		return tx.CompleteMessage(bg(), key, "b", adapters.MessagePending, "smtp-421", retryAt, t0.Add(62*time.Second))
	})
	view(t, s, func(tx adapters.ReadTx) error {
		m, err := tx.Message(bg(), key)
		require.NoError(t, err)
		require.Equal(t, adapters.MessagePending, m.Status)
		require.Equal(t, "smtp-421", m.Reason)
		require.True(t, m.NextAttempt.Equal(retryAt))
		require.Empty(t, m.ClaimedBy)
		return nil
	})
	require.Empty(t, claim(t, s, "c", t0.Add(2*time.Minute), time.Minute), "not before its retry time")
	got = claim(t, s, "c", retryAt, time.Minute)
	require.Len(t, got, 1)
	require.Equal(t, 3, got[0].Attempts)
	update(t, s, func(tx adapters.Tx) error {
		return tx.CompleteMessage(bg(), key, "c", adapters.MessageBounced, "smtp-550", time.Time{}, retryAt)
	})
	require.Empty(t, claim(t, s, "d", retryAt.Add(time.Hour), time.Minute), "a bounced message is final")
	err = s.Update(bg(), func(tx adapters.Tx) error {
		return tx.CompleteMessage(bg(), "no-such-key", "c", adapters.MessageSent, "", time.Time{}, retryAt)
	})
	require.ErrorIs(t, err, adapters.ErrNotFound)
}
