package smtp_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/memory"
	"github.com/kuji-go/kuji/adapters/smtp"
)

var t0 = time.Date(2026, 8, 5, 9, 0, 0, 0, time.UTC)

// fakeClock is the injected clock: it moves only when a dispatcher sleeps
// or the test advances it.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *fakeClock { return &fakeClock{now: t0} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.Advance(d)
	runtime.Gosched()
	return nil
}

// outbox is an event with n applications and one result message each, in a
// memory store.
type outbox struct {
	store *memory.Store
	event string
	keys  []string           // in order
	app   map[string]int     // application ID → index
	byKey map[string]int     // message key → index
	addr  func(i int) string // the applicant's address
}

func newOutbox(t *testing.T, event string, n int) *outbox {
	t.Helper()
	o := &outbox{
		store: memory.OpenStore(nil), event: event,
		app: map[string]int{}, byKey: map[string]int{},
		addr: func(i int) string { return fmt.Sprintf("applicant-%05d@example.com", i) },
	}
	err := o.store.Update(t.Context(), func(tx adapters.Tx) error {
		if err := tx.CreateEvent(t.Context(), adapters.Event{ID: event, State: "drawn", Data: []byte(`{}`), Updated: t0}); err != nil {
			return err
		}
		for i := range n {
			id := fmt.Sprintf("00000000-0000-7000-8000-%012d", i)
			a := adapters.Application{
				ID: id, Event: event, Receipt: fmt.Sprintf("R-%06d", i), Channel: "web", Category: "resident",
				Size: 1, Prefs: []string{"d1/pm"}, Weight: 1, Status: "won", Created: t0,
			}
			if err := tx.InsertApplication(t.Context(), a); err != nil {
				return err
			}
			key := fmt.Sprintf("%s/%s/won", event, id)
			m := adapters.Message{Key: key, Event: event, Application: id, Kind: "won", NextAttempt: t0}
			if err := tx.EnqueueMessage(t.Context(), m); err != nil {
				return err
			}
			o.keys = append(o.keys, key)
			o.app[id] = i
			o.byKey[key] = i
		}
		return nil
	})
	require.NoError(t, err)
	return o
}

// render is the Office's part, played by the test: it looks up the
// application's address and renders its result.
func (o *outbox) render(_ context.Context, m adapters.Message) (smtp.Notification, error) {
	i, ok := o.app[m.Application]
	if !ok {
		return smtp.Notification{}, adapters.ErrNotFound
	}
	return smtp.DefaultTemplates().Compose(m, smtp.LangJa, o.addr(i), smtp.Content{
		Event:   "しんじゅくシティウォーク2026",
		Receipt: fmt.Sprintf("R-%06d", i),
		Slots:   []string{"10月18日（日）Aコース"},
		Contact: "事務局 03-0000-0000",
	})
}

// messages returns the outbox messages by key.
func (o *outbox) messages(t *testing.T) map[string]adapters.Message {
	t.Helper()
	out := map[string]adapters.Message{}
	err := o.store.View(t.Context(), func(tx adapters.ReadTx) error {
		return tx.ListMessages(t.Context(), o.event, adapters.MessageFilter{}, func(m adapters.Message) error {
			out[m.Key] = m
			return nil
		})
	})
	require.NoError(t, err)
	return out
}
