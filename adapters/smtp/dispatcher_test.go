package smtp_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/smtp"
)

// scripted is a Notifier that answers each key's attempts from a script
// (nil: delivered; past the end of the script: delivered) and counts calls.
type scripted struct {
	mu     sync.Mutex
	script map[string][]error
	calls  map[string]int
	at     map[string][]time.Time
	clock  *fakeClock
	hook   func(n smtp.Notification, call int) error // optional, overrides the script
}

func newScripted(clock *fakeClock) *scripted {
	return &scripted{script: map[string][]error{}, calls: map[string]int{}, at: map[string][]time.Time{}, clock: clock}
}

func (s *scripted) Notify(_ context.Context, n smtp.Notification) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.calls[n.Key]
	s.calls[n.Key]++
	if s.clock != nil {
		s.at[n.Key] = append(s.at[n.Key], s.clock.Now())
	}
	if s.hook != nil {
		return s.hook(n, i)
	}
	if i < len(s.script[n.Key]) {
		return s.script[n.Key][i]
	}
	return nil
}

func (s *scripted) count(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[key]
}

func sendErr(r smtp.Reason, code int) error {
	return &smtp.SendError{Key: "k", Reason: r, ReplyCode: code}
}

func fastOptions(clock *fakeClock) *smtp.DispatcherOptions {
	return &smtp.DispatcherOptions{
		Worker: "w1", Lease: time.Hour, Batch: 10, MaxAttempts: 3,
		RetryBase: time.Minute, RetryMax: time.Hour, Rate: math.Inf(1),
		Now: clock.Now, Sleep: clock.Sleep,
	}
}

// Each kind of outcome ends in the documented outbox status and reason,
// and is attempted as often as it should be: ambiguous and permanent
// outcomes once, temporary ones until they succeed or run out of attempts.
func TestDispatcherOutcomes(t *testing.T) {
	t.Parallel()
	deferred := sendErr(smtp.ReasonDeferred, 451)
	cases := []struct {
		name    string
		script  []error
		render  func(ob *outbox) smtp.RenderFunc // nil: ob.render
		status  string
		reason  smtp.Reason
		calls   int
		summary smtp.Summary
	}{
		{name: "sent", status: adapters.MessageSent, calls: 1, summary: smtp.Summary{Sent: 1}},
		{name: "bounced", script: []error{sendErr(smtp.ReasonRejected, 550)},
			status: adapters.MessageBounced, reason: smtp.ReasonRejected, calls: 1, summary: smtp.Summary{Bounced: 1}},
		{name: "ambiguous", script: []error{sendErr(smtp.ReasonAmbiguous, 0)},
			status: adapters.MessageFailed, reason: smtp.ReasonAmbiguous, calls: 1, summary: smtp.Summary{Ambiguous: 1}},
		{name: "unknown error is ambiguous", script: []error{errors.New("boom")},
			status: adapters.MessageFailed, reason: smtp.ReasonAmbiguous, calls: 1, summary: smtp.Summary{Ambiguous: 1}},
		{name: "retried, then sent", script: []error{deferred, sendErr(smtp.ReasonConnectionLost, 0)},
			status: adapters.MessageSent, calls: 3, summary: smtp.Summary{Sent: 1, Retried: 2}},
		{name: "too many attempts", script: []error{deferred, deferred, deferred},
			status: adapters.MessageFailed, reason: smtp.ReasonTooManyAttempts, calls: 3, summary: smtp.Summary{Failed: 1, Retried: 2}},
		{name: "several recipients never reach the notifier",
			render: func(ob *outbox) smtp.RenderFunc {
				return func(ctx context.Context, m adapters.Message) (smtp.Notification, error) {
					n, err := ob.render(ctx, m)
					n.To = "a@example.com, b@example.com"
					return n, err
				}
			},
			status: adapters.MessageFailed, reason: smtp.ReasonInvalidNotification, calls: 0, summary: smtp.Summary{Failed: 1}},
		{name: "render refused: data erased",
			render: func(*outbox) smtp.RenderFunc {
				return func(context.Context, adapters.Message) (smtp.Notification, error) {
					return smtp.Notification{}, fmt.Errorf("unseal: %w", adapters.ErrKeyDestroyed)
				}
			},
			status: adapters.MessageFailed, reason: smtp.ReasonRenderRefused, calls: 0, summary: smtp.Summary{Failed: 1}},
		{name: "render failed once",
			render: func(ob *outbox) smtp.RenderFunc {
				failed := false
				return func(ctx context.Context, m adapters.Message) (smtp.Notification, error) {
					if !failed {
						failed = true
						return smtp.Notification{}, errors.New("key store unreachable")
					}
					return ob.render(ctx, m)
				}
			},
			status: adapters.MessageSent, calls: 1, summary: smtp.Summary{Sent: 1, Retried: 1}},
		{name: "render for another message",
			render: func(ob *outbox) smtp.RenderFunc {
				return func(ctx context.Context, m adapters.Message) (smtp.Notification, error) {
					n, err := ob.render(ctx, m)
					n.Key = "other/key"
					return n, err
				}
			},
			status: adapters.MessageFailed, reason: smtp.ReasonWrongKey, calls: 0, summary: smtp.Summary{Failed: 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ob := newOutbox(t, "ev", 1)
			clock := newClock()
			n := newScripted(clock)
			n.script[ob.keys[0]] = tc.script
			render := ob.render
			if tc.render != nil {
				render = tc.render(ob)
			}
			sum, err := smtp.NewDispatcher(ob.store, n, render, fastOptions(clock)).Run(t.Context(), ob.event)
			require.NoError(t, err)
			require.Equal(t, tc.summary, sum)
			require.Equal(t, tc.calls, n.count(ob.keys[0]))
			m := ob.messages(t)[ob.keys[0]]
			require.Equal(t, tc.status, m.Status)
			require.Equal(t, string(tc.reason), m.Reason)
			require.Empty(t, m.ClaimedBy)
		})
	}
}

// Retries wait RetryBase·2^(attempt−1), capped at RetryMax, of which the
// upper half is jitter: with the jitter at its least and at its most, the
// waits are exactly as documented.
func TestDispatcherBackoff(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		jitter func(string, int, time.Duration) time.Duration
		want   []time.Duration
	}{
		{"least jitter", func(string, int, time.Duration) time.Duration { return 0 },
			[]time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 150 * time.Second}},
		{"most jitter", func(_ string, _ int, d time.Duration) time.Duration { return d - 1 },
			[]time.Duration{time.Minute - 1, 2*time.Minute - 1, 4*time.Minute - 1, 5*time.Minute - 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ob := newOutbox(t, "ev", 1)
			clock := newClock()
			n := newScripted(clock)
			d := sendErr(smtp.ReasonDeferred, 421)
			n.script[ob.keys[0]] = []error{d, d, d, d}
			o := fastOptions(clock)
			o.MaxAttempts, o.RetryBase, o.RetryMax, o.Jitter = 10, time.Minute, 5*time.Minute, tc.jitter
			_, err := smtp.NewDispatcher(ob.store, n, ob.render, o).Run(t.Context(), ob.event)
			require.NoError(t, err)
			at := n.at[ob.keys[0]]
			require.Len(t, at, 5)
			var got []time.Duration
			for i := 1; i < len(at); i++ {
				got = append(got, at[i].Sub(at[i-1]))
			}
			require.Equal(t, tc.want, got)
		})
	}
}

// The default jitter is deterministic, within the upper half of the
// backoff, and different for different messages.
func TestDispatcherDefaultJitter(t *testing.T) {
	t.Parallel()
	waits := func() map[string]time.Duration {
		ob := newOutbox(t, "ev", 20)
		clock := newClock()
		n := newScripted(clock)
		for _, k := range ob.keys {
			n.script[k] = []error{sendErr(smtp.ReasonDeferred, 451)}
		}
		o := fastOptions(clock)
		o.RetryBase = time.Minute
		_, err := smtp.NewDispatcher(ob.store, n, ob.render, o).Run(t.Context(), ob.event)
		require.NoError(t, err)
		out := map[string]time.Duration{}
		for _, k := range ob.keys {
			require.Len(t, n.at[k], 2)
			out[k] = n.at[k][1].Sub(n.at[k][0])
		}
		return out
	}
	first, second := waits(), waits()
	require.Equal(t, first, second, "deterministic")
	distinct := map[time.Duration]bool{}
	for _, w := range first {
		// The retry is claimed when due; messages due earlier are sent
		// first, so a wait may exceed its backoff by the time the others
		// took, which is zero on this clock.
		require.GreaterOrEqual(t, w, 30*time.Second)
		require.Less(t, w, time.Minute)
		distinct[w] = true
	}
	// Twenty draws from 30 s of nanoseconds: a collision has probability
	// below 10⁻⁸.
	require.Len(t, distinct, 20)
}

// At 10 messages per second, 50 messages take 4.9 s of the injected clock
// (49 intervals) and no real waiting.
func TestDispatcherRateLimit(t *testing.T) {
	t.Parallel()
	ob := newOutbox(t, "ev", 50)
	clock := newClock()
	n := newScripted(clock)
	o := fastOptions(clock)
	o.Rate = 10
	start := time.Now()
	sum, err := smtp.NewDispatcher(ob.store, n, ob.render, o).Run(t.Context(), ob.event)
	require.NoError(t, err)
	require.Equal(t, 50, sum.Sent)
	first, last := clock.Now(), t0
	for _, at := range n.at {
		first, last = minTime(first, at[0]), maxTime(last, at[0])
	}
	require.Equal(t, 4900*time.Millisecond, last.Sub(first))
	require.Less(t, time.Since(start), 30*time.Second)
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Four dispatchers on one outbox: each message is sent exactly once.
func TestDispatcherConcurrentWorkers(t *testing.T) {
	t.Parallel()
	ob := newOutbox(t, "ev", 400)
	clock := newClock()
	n := newScripted(clock)
	var wg sync.WaitGroup
	sums := make([]smtp.Summary, 4)
	for w := range sums {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := fastOptions(clock)
			o.Worker = fmt.Sprintf("w%d", w)
			sum, err := smtp.NewDispatcher(ob.store, n, ob.render, o).Run(t.Context(), ob.event)
			if err != nil {
				panic(err)
			}
			sums[w] = sum
		}()
	}
	wg.Wait()
	total := 0
	for _, s := range sums {
		total += s.Sent
	}
	require.Equal(t, 400, total)
	for _, k := range ob.keys {
		require.Equal(t, 1, n.count(k), k)
	}
}

// Messages claimed by a worker that died are left alone until its lease
// expires, then taken over; the dead worker can no longer record anything.
func TestDispatcherReclaimsAfterLeaseExpiry(t *testing.T) {
	t.Parallel()
	ob := newOutbox(t, "ev", 30)
	clock := newClock()
	var crashed []adapters.Message
	require.NoError(t, ob.store.Update(t.Context(), func(tx adapters.Tx) error {
		var err error
		crashed, err = tx.ClaimMessages(t.Context(), ob.event, "crashed", clock.Now(), time.Minute, 10)
		return err
	}))
	n := newScripted(clock)
	d := smtp.NewDispatcher(ob.store, n, ob.render, fastOptions(clock))
	sum, err := d.Run(t.Context(), ob.event)
	require.NoError(t, err)
	require.Equal(t, smtp.Summary{Sent: 20, Remaining: 10}, sum)
	for _, m := range crashed {
		require.Zero(t, n.count(m.Key))
	}

	clock.Advance(time.Minute)
	sum, err = d.Run(t.Context(), ob.event)
	require.NoError(t, err)
	require.Equal(t, smtp.Summary{Sent: 10}, sum)
	for _, k := range ob.keys {
		require.Equal(t, 1, n.count(k))
	}
	err = ob.store.Update(t.Context(), func(tx adapters.Tx) error {
		return tx.CompleteMessage(t.Context(), crashed[0].Key, "crashed", adapters.MessageSent, "", time.Time{}, clock.Now())
	})
	require.ErrorIs(t, err, adapters.ErrConflict)
}

// Stopping in the middle of a batch records the outcome of the message in
// flight (an ambiguous one stays failed: it is not sent again) and hands
// the rest of the batch back at once.
func TestDispatcherStopsCleanly(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		err      error
		status   string
		summary  smtp.Summary
		resentBy int // calls for the in-flight message after the restart
	}{
		{"cut off after the end of data", sendErr(smtp.ReasonAmbiguous, 0), adapters.MessageFailed,
			smtp.Summary{Sent: 2, Ambiguous: 1, Released: 7}, 0},
		{"stopped before the server could accept", &smtp.SendError{Key: "k", Reason: smtp.ReasonCanceled}, adapters.MessagePending,
			smtp.Summary{Sent: 2, Released: 8}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ob := newOutbox(t, "ev", 10)
			clock := newClock()
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			n := newScripted(clock)
			var inFlight string
			n.hook = func(note smtp.Notification, _ int) error {
				if len(n.calls) == 3 && inFlight == "" {
					inFlight = note.Key
					cancel()
					return tc.err
				}
				return nil
			}
			d := smtp.NewDispatcher(ob.store, n, ob.render, fastOptions(clock))
			sum, err := d.Run(ctx, ob.event)
			require.ErrorIs(t, err, context.Canceled)
			require.Equal(t, tc.summary, sum)
			msgs := ob.messages(t)
			require.Equal(t, tc.status, msgs[inFlight].Status)
			for _, m := range msgs {
				require.NotEqual(t, adapters.MessageClaimed, m.Status, "nothing is left claimed")
			}

			// A new dispatcher at once (no lease to wait for) finishes.
			n.hook = nil
			sum, err = smtp.NewDispatcher(ob.store, n, ob.render, fastOptions(clock)).Run(t.Context(), ob.event)
			require.NoError(t, err)
			require.Equal(t, 10-tc.summary.Sent-tc.summary.Ambiguous, sum.Sent)
			require.Equal(t, 1+tc.resentBy, n.count(inFlight))
			for _, k := range ob.keys {
				if k != inFlight {
					require.Equal(t, 1, n.count(k))
				}
			}
		})
	}
}

// A dispatcher that stalls past half its lease hands the rest of its batch
// back instead of sending on a lease another worker may soon take.
func TestDispatcherRespectsLease(t *testing.T) {
	t.Parallel()
	ob := newOutbox(t, "ev", 10)
	clock := newClock()
	n := newScripted(clock)
	n.hook = func(_ smtp.Notification, _ int) error {
		if len(n.calls) == 1 {
			clock.Advance(31 * time.Minute) // of a one-hour lease
		}
		return nil
	}
	sum, err := smtp.NewDispatcher(ob.store, n, ob.render, fastOptions(clock)).Run(t.Context(), ob.event)
	require.NoError(t, err)
	require.Equal(t, smtp.Summary{Sent: 10, Released: 9}, sum)
	for _, k := range ob.keys {
		require.Equal(t, 1, n.count(k))
	}
}

// A rate slower than half the lease still sends everything: the dispatcher
// waits for its slot before it claims, so each message goes out on a fresh
// lease.
func TestDispatcherRateSlowerThanLease(t *testing.T) {
	t.Parallel()
	ob := newOutbox(t, "ev", 3)
	clock := newClock()
	n := newScripted(clock)
	o := fastOptions(clock)
	o.Rate, o.Lease = 0.001, 10*time.Minute // one message per 1000 s
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	sum, err := smtp.NewDispatcher(ob.store, n, ob.render, o).Run(ctx, ob.event)
	require.NoError(t, err)
	require.Equal(t, 3, sum.Sent)
	for _, k := range ob.keys {
		require.Equal(t, 1, n.count(k))
	}
	require.GreaterOrEqual(t, clock.Now().Sub(t0), 2000*time.Second)
}
