package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/postgres"
)

var t0 = time.Date(2021, 7, 1, 9, 0, 0, 0, time.UTC)

func bg() context.Context { return context.Background() }

// secondStore opens another store on the same schema, as a second
// application server would.
func secondStore(t *testing.T, dsn, schema string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(bg(), dsn, &postgres.Options{Schema: schema})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func testApp(event string, n int) adapters.Application {
	return adapters.Application{
		ID:       fmt.Sprintf("00000000-0000-7000-8000-%012d", n),
		Event:    event,
		Receipt:  fmt.Sprintf("R-%06d", n),
		Channel:  "web",
		Category: "resident",
		Size:     1,
		Prefs:    []string{"d1/am"},
		Weight:   1,
		Status:   "applied",
		Created:  t0,
		Sealed:   map[string][]byte{"application": []byte(fmt.Sprintf("sealed-%d", n))},
		Identity: [][]byte{[]byte(fmt.Sprintf("identity-%d", n))},
		Search:   []adapters.BlindKey{{Kind: "phone", MAC: []byte(fmt.Sprintf("phone-%d", n))}},
	}
}

// Two servers race read-modify-write cycles on one event and
// compare-and-set transitions on the same applications: no update is
// lost and every application makes exactly one transition.
func TestTwoStoresRaceUpdates(t *testing.T) {
	t.Parallel()
	a, dsn, schema := openStore(t)
	b := secondStore(t, dsn, schema)
	stores := []*postgres.Store{a, b}

	const apps = 40
	require.NoError(t, a.Update(bg(), func(tx adapters.Tx) error {
		if err := tx.CreateEvent(bg(), adapters.Event{ID: "ev-race", State: "open", Data: []byte(`{"count":0}`), Updated: t0}); err != nil {
			return err
		}
		for i := range apps {
			if err := tx.InsertApplication(bg(), testApp("ev-race", i)); err != nil {
				return err
			}
		}
		return nil
	}))

	// A counter in the event's document, incremented by 16 workers on two
	// servers, retrying on ErrConflict as the core does.
	const workers, each = 16, 10
	var retries atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := stores[w%2]
			for range each {
				for {
					err := s.Update(bg(), func(tx adapters.Tx) error {
						e, err := tx.Event(bg(), "ev-race")
						if err != nil {
							return err
						}
						var doc struct{ Count int }
						if err := json.Unmarshal(e.Data, &doc); err != nil {
							return err
						}
						e.Data = []byte(fmt.Sprintf(`{"count":%d}`, doc.Count+1))
						_, err = tx.UpdateEvent(bg(), e)
						return err
					})
					if errors.Is(err, adapters.ErrConflict) {
						retries.Add(1)
						continue
					}
					if err != nil {
						t.Errorf("worker %d: %v", w, err)
					}
					break
				}
			}
		}()
	}

	// Meanwhile each application is confirmed and cancelled at once from
	// both servers: exactly one of the four attempts wins.
	var mu sync.Mutex
	winner := map[string]string{}
	for i := range apps {
		id := testApp("ev-race", i).ID
		for k, to := range []string{"confirmed", "cancelled", "confirmed", "cancelled"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := stores[k%2].Update(bg(), func(tx adapters.Tx) error {
					return tx.SetStatus(bg(), "ev-race", id, "applied", to)
				})
				switch {
				case err == nil:
					mu.Lock()
					if prev, ok := winner[id]; ok {
						t.Errorf("application %s moved twice (%s, %s)", id, prev, to)
					}
					winner[id] = to
					mu.Unlock()
				case !errors.Is(err, adapters.ErrConflict):
					t.Errorf("set status: %v", err)
				}
			}()
		}
	}
	wg.Wait()
	t.Logf("%d optimistic-concurrency retries", retries.Load())

	require.NoError(t, b.View(bg(), func(tx adapters.ReadTx) error {
		e, err := tx.Event(bg(), "ev-race")
		require.NoError(t, err)
		require.JSONEq(t, fmt.Sprintf(`{"count":%d}`, workers*each), string(e.Data), "no increment was lost")
		require.Equal(t, int64(1+workers*each), e.Version)
		require.Len(t, winner, apps, "every application made a transition")
		for id, to := range winner {
			got, err := tx.Application(bg(), "ev-race", id)
			require.NoError(t, err)
			require.Equal(t, to, got.Status, "the stored status is the winner's")
		}
		return nil
	}))
}
