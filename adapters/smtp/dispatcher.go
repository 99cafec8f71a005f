package smtp

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/internal/kerr"
)

// RenderFunc turns an outbox message into the notification to send: it
// unseals the application's address for the notification purpose and
// renders the text (see [Templates.Compose]). It is called just before the
// message is sent, so the address never rests in the outbox.
//
// Errors: a context error stops the dispatcher; [FieldErrors],
// adapters.ErrNotFound, adapters.ErrKeyDestroyed and the core's
// not-permitted and retention-expired sentinels fail the message for good;
// any other error is retried like a temporary send failure.
type RenderFunc func(ctx context.Context, m adapters.Message) (Notification, error)

// DispatcherOptions configures a [Dispatcher]. The zero value of each field
// selects its default.
type DispatcherOptions struct {
	// Worker identifies this dispatcher in claims; a random UUID by
	// default. Two dispatchers running at once must have different IDs.
	Worker string
	// Lease is how long a claim lasts; 5 minutes by default. A message is
	// only sent while at least half of its lease remains, so that a
	// dispatcher that stalls never sends a message another one has
	// reclaimed. Keep the Notifier's timeout well under Lease/2.
	Lease time.Duration
	// Batch is how many messages one claim takes; 20 by default.
	Batch int
	// MaxAttempts bounds the attempts per message (claims that ended in a
	// temporary failure); 5 by default. The last failure then marks the
	// message failed with ReasonTooManyAttempts.
	MaxAttempts int
	// RetryBase and RetryMax shape the exponential backoff between
	// attempts: RetryBase·2^(attempt−1), at most RetryMax, of which the
	// upper half is jitter. 1 minute and 1 hour by default.
	RetryBase time.Duration
	RetryMax  time.Duration
	// Jitter returns a duration in [0, d). By default it is derived from a
	// hash of the message key and attempt: deterministic, yet different for
	// every message, so retries do not arrive in waves.
	Jitter func(key string, attempt int, d time.Duration) time.Duration
	// Rate is the most messages per second this dispatcher sends; 10 by
	// default; math.Inf(1) for no limit.
	Rate float64
	// Now is the clock; time.Now by default.
	Now func() time.Time
	// Sleep waits for d or until ctx is done; a timer by default. Tests
	// inject a Sleep that advances their clock.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Dispatcher drains an event's outbox through a [Notifier]: it claims
// messages under the store's lock, renders each, sends it and records the
// outcome on the message. Several dispatchers (in one process or several)
// may run at once on the same outbox: the store gives each message to one
// claim at a time. One Dispatcher runs one Run at a time; the rate limit
// is per Dispatcher.
type Dispatcher struct {
	store    adapters.Store
	notifier Notifier
	render   RenderFunc
	o        DispatcherOptions
	interval time.Duration // between sends, from Rate
	next     time.Time     // earliest time of the next send
}

// NewDispatcher returns a dispatcher. store, n and render are required.
func NewDispatcher(store adapters.Store, n Notifier, render RenderFunc, opts *DispatcherOptions) *Dispatcher {
	if store == nil || n == nil || render == nil {
		panic("kuji/smtp: NewDispatcher needs a store, a notifier and a render function")
	}
	var o DispatcherOptions
	if opts != nil {
		o = *opts
	}
	if o.Worker == "" {
		o.Worker = uuid.NewString()
	}
	if o.Lease <= 0 {
		o.Lease = 5 * time.Minute
	}
	if o.Batch <= 0 {
		o.Batch = 20
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 5
	}
	if o.RetryBase <= 0 {
		o.RetryBase = time.Minute
	}
	if o.RetryMax <= 0 {
		o.RetryMax = time.Hour
	}
	if o.Jitter == nil {
		o.Jitter = hashJitter
	}
	if o.Rate <= 0 || math.IsNaN(o.Rate) {
		o.Rate = 10
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	d := &Dispatcher{store: store, notifier: n, render: render, o: o}
	if !math.IsInf(o.Rate, 1) {
		d.interval = time.Duration(float64(time.Second) / o.Rate)
	}
	return d
}

// Summary counts what one Run did. Every claim of a message ends in
// exactly one of Sent, Bounced, Failed, Ambiguous, Retried, Released or
// Conflicts (a released or retried message may be claimed again in the
// same Run).
type Summary struct {
	Sent    int // delivered (status sent)
	Bounced int // refused for good by the server (status bounced)
	// Failed counts messages given up for a reason other than ambiguity
	// (status failed): too many attempts, refused rendering, invalid
	// notification.
	Failed int
	// Ambiguous counts messages the server may have accepted (status failed,
	// reason ambiguous-delivery): a person must check before resending.
	Ambiguous int
	Retried   int // temporary failures, rescheduled with backoff (status pending)
	Released  int // claimed but not attempted (lease running short, stop), handed back (pending)
	// Conflicts counts messages whose outcome could not be recorded
	// because the lease had expired and another worker had claimed them.
	Conflicts int
	// Remaining counts the event's messages still pending or claimed when
	// Run returned: claimed by other workers, or scheduled later than any
	// retry (their first attempt is due in the future).
	Remaining int
}

// Run drains the event's outbox: it claims batches of due messages and
// sends them, waiting (with Sleep) for retries that are due later, until no
// message is pending or claimed by this dispatcher. It returns early with
// the context's error when ctx is done, after recording the outcome of the
// message in flight and handing back the rest of its batch; or with a store
// error.
//
// Messages that are pending with no attempt yet and a NextAttempt in the
// future (scheduled reminders) are not waited for; they are counted in
// Remaining.
func (d *Dispatcher) Run(ctx context.Context, event string) (Summary, error) {
	var sum Summary
	for {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		// Wait for the rate limit before claiming, not after, so that the
		// first message of a batch goes out on a fresh lease.
		if err := d.untilSlot(ctx); err != nil {
			return sum, err
		}
		now := d.o.Now()
		var batch []adapters.Message
		err := d.store.Update(ctx, func(tx adapters.Tx) error {
			var err error
			batch, err = tx.ClaimMessages(ctx, event, d.o.Worker, now, d.o.Lease, d.o.Batch)
			return err
		})
		if err != nil {
			return sum, err
		}
		if len(batch) == 0 {
			due, remaining, err := d.nextRetry(ctx, event, now)
			if err != nil {
				return sum, err
			}
			if due.IsZero() {
				sum.Remaining = remaining
				return sum, nil
			}
			if err := d.o.Sleep(ctx, due.Sub(now)); err != nil {
				return sum, err
			}
			continue
		}
		if err := d.process(ctx, batch, &sum); err != nil {
			return sum, err
		}
	}
}

// nextRetry returns the earliest NextAttempt of a pending message that was
// attempted before, or zero if there is none; and the number of messages
// still pending or claimed.
func (d *Dispatcher) nextRetry(ctx context.Context, event string, now time.Time) (time.Time, int, error) {
	var due time.Time
	remaining := 0
	err := d.store.View(ctx, func(tx adapters.ReadTx) error {
		f := adapters.MessageFilter{Status: []string{adapters.MessagePending, adapters.MessageClaimed}}
		return tx.ListMessages(ctx, event, f, func(m adapters.Message) error {
			remaining++
			if m.Status == adapters.MessagePending && m.Attempts > 0 && (due.IsZero() || m.NextAttempt.Before(due)) {
				due = m.NextAttempt
			}
			return nil
		})
	})
	if err != nil {
		return time.Time{}, 0, err
	}
	if !due.IsZero() && !due.After(now) {
		due = now.Add(time.Nanosecond) // became due meanwhile: claim again at once
	}
	return due, remaining, nil
}

// process sends a claimed batch in order.
func (d *Dispatcher) process(ctx context.Context, batch []adapters.Message, sum *Summary) error {
	for i, m := range batch {
		if err := ctx.Err(); err != nil {
			return errors.Join(err, d.release(ctx, batch[i:], sum))
		}
		if err := d.untilSlot(ctx); err != nil {
			return errors.Join(err, d.release(ctx, batch[i:], sum))
		}
		if d.o.Now().Add(d.o.Lease / 2).After(m.LeaseUntil) {
			// Too little of the lease is left to be sure to finish before
			// another worker may take the message.
			return d.release(ctx, batch[i:], sum)
		}
		d.takeSlot()
		o := d.attempt(ctx, m)
		if err := d.complete(ctx, m, o, sum); err != nil {
			return errors.Join(err, d.release(ctx, batch[i+1:], sum))
		}
	}
	return nil
}

// outcome is what becomes of one attempted message.
type outcome struct {
	status  string // adapters.Message*
	reason  Reason
	next    time.Time // of a retry
	release bool      // not attempted after all: hand back, due now
}

// attempt renders and sends m and decides what to record.
func (d *Dispatcher) attempt(ctx context.Context, m adapters.Message) outcome {
	n, err := d.render(ctx, m)
	if err == nil && n.Key != "" && n.Key != m.Key {
		return outcome{status: adapters.MessageFailed, reason: ReasonWrongKey}
	}
	n.Key = m.Key
	if err != nil {
		var fe FieldErrors
		var one *FieldError
		switch {
		case ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)):
			return outcome{status: adapters.MessagePending, reason: ReasonCanceled, release: true}
		case errors.As(err, &fe), errors.As(err, &one):
			return outcome{status: adapters.MessageFailed, reason: ReasonInvalidNotification}
		case errors.Is(err, adapters.ErrNotFound), errors.Is(err, adapters.ErrKeyDestroyed),
			errors.Is(err, kerr.ErrNotPermitted), errors.Is(err, kerr.ErrRetentionExpired):
			return outcome{status: adapters.MessageFailed, reason: ReasonRenderRefused}
		}
		return d.temporary(m, ReasonRenderFailed)
	}
	if err := n.Validate(); err != nil {
		// Checked here too, whatever the Notifier: a message to no one or
		// to several people must never go out.
		return outcome{status: adapters.MessageFailed, reason: ReasonInvalidNotification}
	}
	err = d.notifier.Notify(ctx, n)
	if err == nil {
		return outcome{status: adapters.MessageSent}
	}
	var fe FieldErrors
	if errors.As(err, &fe) {
		return outcome{status: adapters.MessageFailed, reason: ReasonInvalidNotification}
	}
	reason := ReasonAmbiguous
	var se *SendError
	if errors.As(err, &se) {
		reason = se.Reason
	}
	switch ClassOf(err) {
	case Permanent:
		return outcome{status: adapters.MessageBounced, reason: reason}
	case Ambiguous:
		return outcome{status: adapters.MessageFailed, reason: ReasonAmbiguous}
	}
	if ctx.Err() != nil {
		// Stopped before the server could have accepted it: not a failure
		// of the message, hand it back.
		return outcome{status: adapters.MessagePending, reason: ReasonCanceled, release: true}
	}
	return d.temporary(m, reason)
}

// temporary schedules a retry, or gives up after MaxAttempts.
func (d *Dispatcher) temporary(m adapters.Message, reason Reason) outcome {
	if m.Attempts >= d.o.MaxAttempts {
		return outcome{status: adapters.MessageFailed, reason: ReasonTooManyAttempts}
	}
	return outcome{status: adapters.MessagePending, reason: reason, next: d.o.Now().Add(d.backoff(m))}
}

// backoff is RetryBase·2^(attempts−1) capped at RetryMax, half fixed and
// half jitter ("equal jitter").
func (d *Dispatcher) backoff(m adapters.Message) time.Duration {
	b := d.o.RetryBase
	for i := 1; i < m.Attempts && b < d.o.RetryMax; i++ {
		b *= 2
	}
	b = min(b, d.o.RetryMax)
	half := b / 2
	j := time.Duration(0)
	if half > 0 {
		j = min(max(d.o.Jitter(m.Key, m.Attempts, half), 0), half-1)
	}
	return b - half + j
}

func hashJitter(key string, attempt int, d time.Duration) time.Duration {
	sum := sha256.Sum256(fmt.Appendf(nil, "kuji/smtp jitter\x00%s\x00%d", key, attempt))
	return time.Duration(binary.BigEndian.Uint64(sum[:8]) % uint64(d))
}

// complete records the outcome. It uses a context that outlives ctx, so an
// outcome reached while stopping is still recorded: a sent message left
// claimed would be sent again once its lease expires.
func (d *Dispatcher) complete(ctx context.Context, m adapters.Message, o outcome, sum *Summary) error {
	if o.release {
		return d.release(ctx, []adapters.Message{m}, sum)
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	err := d.store.Update(rctx, func(tx adapters.Tx) error {
		return tx.CompleteMessage(rctx, m.Key, d.o.Worker, o.status, string(o.reason), o.next, d.o.Now())
	})
	switch {
	case errors.Is(err, adapters.ErrConflict):
		sum.Conflicts++
		return nil
	case err != nil:
		return err
	}
	switch {
	case o.status == adapters.MessageSent:
		sum.Sent++
	case o.status == adapters.MessageBounced:
		sum.Bounced++
	case o.reason == ReasonAmbiguous:
		sum.Ambiguous++
	case o.status == adapters.MessageFailed:
		sum.Failed++
	default:
		sum.Retried++
	}
	return nil
}

// recordTimeout bounds recording outcomes after the context was cancelled.
const recordTimeout = 10 * time.Second

// release hands claimed, unattempted messages back as pending and due now.
func (d *Dispatcher) release(ctx context.Context, ms []adapters.Message, sum *Summary) error {
	if len(ms) == 0 {
		return nil
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	now := d.o.Now()
	conflicts := 0
	err := d.store.Update(rctx, func(tx adapters.Tx) error {
		conflicts = 0
		for _, m := range ms {
			err := tx.CompleteMessage(rctx, m.Key, d.o.Worker, adapters.MessagePending, m.Reason, now, now)
			if errors.Is(err, adapters.ErrConflict) {
				conflicts++
				continue
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	sum.Conflicts += conflicts
	sum.Released += len(ms) - conflicts
	return nil
}

// untilSlot sleeps until the rate limit allows the next send.
func (d *Dispatcher) untilSlot(ctx context.Context) error {
	if now := d.o.Now(); d.next.After(now) {
		return d.o.Sleep(ctx, d.next.Sub(now))
	}
	return nil
}

// takeSlot uses the current send slot.
func (d *Dispatcher) takeSlot() {
	d.next = maxTime(d.next, d.o.Now()).Add(d.interval)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
