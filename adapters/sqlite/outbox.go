package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/kuji-go/kuji/adapters"
)

const (
	msgColumns = `m.key, m.event, a.id, m.kind, m.status, m.attempts, m.next_attempt, m.claimed_by, m.lease_until, m.reason, m.updated`
	msgFrom    = ` FROM messages m JOIN applications a ON a.seq = m.app `

	qMessage      = `SELECT ` + msgColumns + msgFrom + `WHERE m.key = ?`
	qMessages     = `SELECT ` + msgColumns + msgFrom + `WHERE m.event = ? AND (? = '[]' OR m.status IN (SELECT value FROM json_each(?))) ORDER BY m.key`
	qMessagesKeys = `SELECT ` + msgColumns + msgFrom + `WHERE m.key IN (SELECT value FROM json_each(?)) ORDER BY m.next_attempt, m.key`
	qEnqueue      = `INSERT INTO messages (key, event, app, kind, status, attempts, next_attempt, claimed_by, lease_until, reason, updated)
		VALUES (?, ?, ?, ?, 'pending', 0, ?, '', ?, ?, ?)`
	// One statement picks the due messages and claims them, so two workers
	// (in two processes, even) never claim the same message.
	qClaim = `UPDATE messages SET status = 'claimed', claimed_by = ?, lease_until = ?, updated = ?, attempts = attempts + 1
		WHERE key IN (
			SELECT key FROM messages
			WHERE event = ? AND ((status = 'pending' AND next_attempt <= ?) OR (status = 'claimed' AND lease_until <= ?))
			ORDER BY next_attempt, key LIMIT ?)
		RETURNING key`
	qMessageClaim = `SELECT status, claimed_by FROM messages WHERE key = ?`
	qComplete     = `UPDATE messages SET status = ?, reason = ?, next_attempt = ?, updated = ?, claimed_by = '', lease_until = ? WHERE key = ?`

	qCheckIns      = `SELECT a.id, c.slot, c.actor, c.at FROM checkins c JOIN applications a ON a.seq = c.app WHERE c.event = ? ORDER BY c.at, c.seq`
	qInsertCheckIn = `INSERT INTO checkins (app, slot, event, actor, at) VALUES (?, ?, ?, ?, ?)`
	qCards         = `SELECT id, slot, class, sealed, consent, created FROM contact_cards WHERE event = ? AND (? = '' OR slot = ?) ORDER BY created, id`
	qInsertCard    = `INSERT INTO contact_cards (id, event, slot, class, sealed, consent, created) VALUES (?, ?, ?, ?, ?, ?, ?)`
)

var zeroMicros = micros(time.Time{})

func scanMessage(r interface{ Scan(...any) error }) (adapters.Message, error) {
	var m adapters.Message
	var next, lease, updated int64
	err := r.Scan(&m.Key, &m.Event, &m.Application, &m.Kind, &m.Status, &m.Attempts, &next, &m.ClaimedBy, &lease, &m.Reason, &updated)
	m.NextAttempt, m.LeaseUntil, m.Updated = fromMicros(next), fromMicros(lease), fromMicros(updated)
	return m, err
}

func (t *tx) Message(ctx context.Context, key string) (adapters.Message, error) {
	ctx, err := t.begin(ctx, false)
	if err != nil {
		return adapters.Message{}, err
	}
	st, err := t.stmt(ctx, qMessage)
	if err != nil {
		return adapters.Message{}, t.fail(err, "message")
	}
	m, err := scanMessage(st.QueryRowContext(ctx, key))
	if err != nil {
		return adapters.Message{}, t.fail(err, "message")
	}
	return m, nil
}

func (t *tx) ListMessages(ctx context.Context, event string, f adapters.MessageFilter, fn func(adapters.Message) error) error {
	outer := ctx
	ctx, err := t.begin(ctx, false)
	if err != nil {
		return err
	}
	status := jsonStrings(f.Status)
	var list []adapters.Message
	err = t.rows(outer, ctx, "list messages", qMessages, []any{event, status, status}, func(r *sql.Rows) error {
		m, err := scanMessage(r)
		list = append(list, m)
		return err
	})
	return each(outer, list, err, fn)
}

// each calls fn for the listed records once the cursor is closed, so that
// fn may use the transaction, even to change what is being listed.
func each[T any](ctx context.Context, list []T, err error, fn func(T) error) error {
	if err != nil {
		return err
	}
	for _, x := range list {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(x); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) EnqueueMessage(ctx context.Context, m adapters.Message) error {
	ctx, err := t.begin(ctx, true)
	if err != nil {
		return err
	}
	var seq int64
	if err := t.row(ctx, "application", qAppSeq, []any{m.Event, m.Application}, &seq); err != nil {
		return err
	}
	_, err = t.exec(ctx, "enqueue message", qEnqueue,
		m.Key, m.Event, seq, m.Kind, micros(m.NextAttempt), zeroMicros, m.Reason, micros(m.Updated))
	return err
}

func (t *tx) ClaimMessages(ctx context.Context, event, worker string, now time.Time, lease time.Duration, limit int) ([]adapters.Message, error) {
	outer := ctx
	ctx, err := t.begin(ctx, true)
	if err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, nil
	}
	var keys []string
	err = t.rows(outer, ctx, "claim messages", qClaim,
		[]any{worker, micros(now.Add(lease)), micros(now), event, micros(now), micros(now), limit},
		func(r *sql.Rows) error {
			var k string
			if err := r.Scan(&k); err != nil {
				return err
			}
			keys = append(keys, k)
			return nil
		})
	if err != nil || len(keys) == 0 {
		return nil, err
	}
	out := make([]adapters.Message, 0, len(keys))
	err = t.rows(outer, ctx, "claimed messages", qMessagesKeys, []any{jsonStrings(keys)}, func(r *sql.Rows) error {
		m, err := scanMessage(r)
		out = append(out, m)
		return err
	})
	return out, err
}

func (t *tx) CompleteMessage(ctx context.Context, key, worker, status, reason string, next, now time.Time) error {
	ctx, err := t.begin(ctx, true)
	if err != nil {
		return err
	}
	var cur, by string
	if err := t.row(ctx, "message", qMessageClaim, []any{key}, &cur, &by); err != nil {
		return err
	}
	if cur != adapters.MessageClaimed || by != worker {
		return fmt.Errorf("kuji/sqlite: message not claimed by this worker: %w", adapters.ErrConflict)
	}
	switch status {
	case adapters.MessageSent, adapters.MessageFailed, adapters.MessageBounced, adapters.MessagePending:
	default:
		return fmt.Errorf("kuji/sqlite: unknown message status %q", status)
	}
	_, err = t.exec(ctx, "complete message", qComplete, status, reason, micros(next), micros(now), zeroMicros, key)
	return err
}

func (t *tx) ListCheckIns(ctx context.Context, event string, fn func(adapters.CheckIn) error) error {
	outer := ctx
	ctx, err := t.begin(ctx, false)
	if err != nil {
		return err
	}
	var list []adapters.CheckIn
	err = t.rows(outer, ctx, "list check-ins", qCheckIns, []any{event}, func(r *sql.Rows) error {
		c := adapters.CheckIn{Event: event}
		var at int64
		if err := r.Scan(&c.Application, &c.Slot, &c.Actor, &at); err != nil {
			return err
		}
		c.At = fromMicros(at)
		list = append(list, c)
		return nil
	})
	return each(outer, list, err, fn)
}

func (t *tx) InsertCheckIn(ctx context.Context, c adapters.CheckIn) error {
	ctx, err := t.begin(ctx, true)
	if err != nil {
		return err
	}
	var seq int64
	if err := t.row(ctx, "application", qAppSeq, []any{c.Event, c.Application}, &seq); err != nil {
		return err
	}
	_, err = t.exec(ctx, "insert check-in", qInsertCheckIn, seq, c.Slot, c.Event, c.Actor, micros(c.At))
	return err
}

func (t *tx) ListContactCards(ctx context.Context, event, slot string, fn func(adapters.ContactCard) error) error {
	outer := ctx
	ctx, err := t.begin(ctx, false)
	if err != nil {
		return err
	}
	var list []adapters.ContactCard
	err = t.rows(outer, ctx, "list contact cards", qCards, []any{event, slot, slot}, func(r *sql.Rows) error {
		c := adapters.ContactCard{Event: event}
		var created int64
		if err := r.Scan(&c.ID, &c.Slot, &c.Class, &c.Sealed, &c.Consent, &created); err != nil {
			return err
		}
		c.Created = fromMicros(created)
		list = append(list, c)
		return nil
	})
	return each(outer, list, err, fn)
}

func (t *tx) InsertContactCard(ctx context.Context, c adapters.ContactCard) error {
	ctx, err := t.begin(ctx, true)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, "insert contact card", qInsertCard, c.ID, c.Event, c.Slot, c.Class, nonNil(c.Sealed), c.Consent, micros(c.Created))
	return err
}
