package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kuji-go/kuji/adapters"
)

// --- outbox ---

// The SQL below spells the message states as literals, because the partial
// index messages_due must: they are adapters.MessagePending ("pending") and
// adapters.MessageClaimed ("claimed").
const messageColumns = "key, event, application, kind, status, attempts, next_attempt, claimed_by, lease_until, reason, updated"

func scanMessage(r pgx.Row) (adapters.Message, error) {
	var m adapters.Message
	err := r.Scan(&m.Key, &m.Event, &m.Application, &m.Kind, &m.Status, &m.Attempts, &m.NextAttempt,
		&m.ClaimedBy, &m.LeaseUntil, &m.Reason, &m.Updated)
	m.NextAttempt, m.LeaseUntil, m.Updated = m.NextAttempt.UTC(), m.LeaseUntil.UTC(), m.Updated.UTC()
	return m, err
}

func (t *tx) Message(ctx context.Context, key string) (adapters.Message, error) {
	if err := t.check(ctx, false); err != nil {
		return adapters.Message{}, err
	}
	m, err := scanMessage(t.queryRow(ctx, t.q("SELECT "+messageColumns+" FROM {s}.messages WHERE key = $1"), key))
	if errors.Is(err, pgx.ErrNoRows) {
		return adapters.Message{}, notFound("message")
	}
	if err != nil {
		return adapters.Message{}, translate(ctx, "message", err)
	}
	return m, nil
}

func (t *tx) ListMessages(ctx context.Context, event string, f adapters.MessageFilter, fn func(adapters.Message) error) error {
	if err := t.check(ctx, false); err != nil {
		return err
	}
	const base = "SELECT " + messageColumns + " FROM {s}.messages WHERE event = $1 AND ($2::text[] IS NULL OR status = ANY ($2))"
	first := t.q(base + " ORDER BY key LIMIT $3")
	next := t.q(base + " AND key > $4 ORDER BY key LIMIT $3")
	var status []string
	if len(f.Status) > 0 {
		status = f.Status
	}
	return forPages(ctx, t, "list messages", pageSize,
		func(last *adapters.Message) (string, []any) {
			if last == nil {
				return first, []any{event, status, pageSize}
			}
			return next, []any{event, status, pageSize, last.Key}
		},
		func(r pgx.CollectableRow) (adapters.Message, error) { return scanMessage(r) },
		fn)
}

func (t *tx) EnqueueMessage(ctx context.Context, m adapters.Message) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	var app, inserted bool
	err := t.queryRow(ctx, t.q(`WITH ok AS (
			SELECT EXISTS (SELECT 1 FROM {s}.applications WHERE event = $2 AND id = $3) AS app
		), ins AS (
			INSERT INTO {s}.messages (`+messageColumns+`)
			SELECT $1, $2, $3, $4, 'pending', 0, $5::timestamptz, '', $6::timestamptz, $7, $8::timestamptz FROM ok WHERE ok.app
			ON CONFLICT (key) DO NOTHING
			RETURNING 1
		)
		SELECT (SELECT app FROM ok), EXISTS (SELECT 1 FROM ins)`),
		m.Key, m.Event, m.Application, m.Kind, m.NextAttempt, time.Time{}, m.Reason, m.Updated).Scan(&app, &inserted)
	switch {
	case err != nil:
		return translate(ctx, "enqueue message", err)
	case !app:
		return notFound("application")
	case !inserted:
		return duplicate("message key taken")
	}
	return nil
}

func (t *tx) ClaimMessages(ctx context.Context, event, worker string, now time.Time, lease time.Duration, limit int) ([]adapters.Message, error) {
	if err := t.check(ctx, true); err != nil {
		return nil, err
	}
	// FOR UPDATE SKIP LOCKED: a message another worker is claiming right
	// now is passed over rather than waited for; one it has claimed and
	// committed no longer matches when re-checked. Either way no two
	// workers get the same message.
	rows, err := t.query(ctx, t.q(`WITH due AS (
			SELECT key FROM {s}.messages
			WHERE event = $1 AND status IN ('pending', 'claimed')
				AND ((status = 'pending' AND next_attempt <= $3) OR (status = 'claimed' AND lease_until <= $3))
			ORDER BY next_attempt, key
			LIMIT $5
			FOR UPDATE SKIP LOCKED
		)
		UPDATE {s}.messages m SET status = 'claimed', claimed_by = $2, lease_until = $4, updated = $3, attempts = m.attempts + 1
		FROM due WHERE m.key = due.key
		RETURNING m.key, m.event, m.application, m.kind, m.status, m.attempts, m.next_attempt, m.claimed_by, m.lease_until, m.reason, m.updated`),
		event, worker, now, now.Add(lease), max(limit, 0))
	if err != nil {
		return nil, translate(ctx, "claim messages", err)
	}
	got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (adapters.Message, error) { return scanMessage(r) })
	if err != nil {
		return nil, translate(ctx, "claim messages", err)
	}
	// RETURNING has no order of its own.
	slices.SortFunc(got, func(a, b adapters.Message) int {
		return cmp.Or(a.NextAttempt.Compare(b.NextAttempt), cmp.Compare(a.Key, b.Key))
	})
	return got, nil
}

func (t *tx) CompleteMessage(ctx context.Context, key, worker, status, reason string, next, now time.Time) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	switch status {
	case adapters.MessageSent, adapters.MessageFailed, adapters.MessageBounced, adapters.MessagePending:
	default:
		return fmt.Errorf("kuji/postgres: unknown message status %q", status)
	}
	var done, exists bool
	err := t.queryRow(ctx, t.q(`WITH u AS (
			UPDATE {s}.messages SET status = $3, reason = $4, next_attempt = $5, updated = $6, claimed_by = '', lease_until = $7
			WHERE key = $1 AND status = 'claimed' AND claimed_by = $2
			RETURNING 1)
		SELECT EXISTS (SELECT 1 FROM u), EXISTS (SELECT 1 FROM {s}.messages WHERE key = $1)`),
		key, worker, status, reason, next, now, time.Time{}).Scan(&done, &exists)
	switch {
	case err != nil:
		return translate(ctx, "complete message", err)
	case done:
		return nil
	case !exists:
		return notFound("message")
	default:
		return conflict("message not claimed by this worker")
	}
}

// --- check-ins ---

// checkIn is a check-in with its insertion sequence, the tie-breaker of
// the listing's keyset.
type checkIn struct {
	adapters.CheckIn
	seq int64
}

func (t *tx) ListCheckIns(ctx context.Context, event string, fn func(adapters.CheckIn) error) error {
	if err := t.check(ctx, false); err != nil {
		return err
	}
	const base = "SELECT application, slot, actor, at, seq FROM {s}.check_ins WHERE event = $1"
	first := t.q(base + " ORDER BY at, seq LIMIT $2")
	next := t.q(base + " AND (at, seq) > ($3, $4) ORDER BY at, seq LIMIT $2")
	return forPages(ctx, t, "list check-ins", pageSize,
		func(last *checkIn) (string, []any) {
			if last == nil {
				return first, []any{event, pageSize}
			}
			return next, []any{event, pageSize, last.At, last.seq}
		},
		func(r pgx.CollectableRow) (checkIn, error) {
			c := checkIn{CheckIn: adapters.CheckIn{Event: event}}
			err := r.Scan(&c.Application, &c.Slot, &c.Actor, &c.At, &c.seq)
			c.At = c.At.UTC()
			return c, err
		},
		func(c checkIn) error { return fn(c.CheckIn) })
}

func (t *tx) InsertCheckIn(ctx context.Context, c adapters.CheckIn) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	var app, inserted bool
	err := t.queryRow(ctx, t.q(`WITH ok AS (
			SELECT EXISTS (SELECT 1 FROM {s}.applications WHERE event = $1 AND id = $2) AS app
		), ins AS (
			INSERT INTO {s}.check_ins (event, application, slot, actor, at)
			SELECT $1, $2, $3, $4, $5::timestamptz FROM ok WHERE ok.app
			ON CONFLICT (event, application, slot) DO NOTHING
			RETURNING 1
		)
		SELECT (SELECT app FROM ok), EXISTS (SELECT 1 FROM ins)`),
		c.Event, c.Application, c.Slot, c.Actor, c.At).Scan(&app, &inserted)
	switch {
	case err != nil:
		return translate(ctx, "insert check-in", err)
	case !app:
		return notFound("application")
	case !inserted:
		return duplicate("already checked in")
	}
	return nil
}

// --- contact cards ---

func (t *tx) ListContactCards(ctx context.Context, event, slot string, fn func(adapters.ContactCard) error) error {
	if err := t.check(ctx, false); err != nil {
		return err
	}
	// Two statements rather than "slot = $2 OR $2 = ''", which would keep
	// a generic plan from using the index on slot.
	base := "SELECT id, slot, class, sealed, consent, created FROM {s}.contact_cards WHERE event = $1 AND slot = $2"
	if slot == "" {
		base = "SELECT id, slot, class, sealed, consent, created FROM {s}.contact_cards WHERE event = $1 AND $2::text = ''"
	}
	first := t.q(base + " ORDER BY created, id LIMIT $3")
	next := t.q(base + " AND (created, id) > ($4, $5) ORDER BY created, id LIMIT $3")
	return forPages(ctx, t, "list contact cards", pageSize,
		func(last *adapters.ContactCard) (string, []any) {
			if last == nil {
				return first, []any{event, slot, pageSize}
			}
			return next, []any{event, slot, pageSize, last.Created, last.ID}
		},
		func(r pgx.CollectableRow) (adapters.ContactCard, error) {
			c := adapters.ContactCard{Event: event}
			err := r.Scan(&c.ID, &c.Slot, &c.Class, &c.Sealed, &c.Consent, &c.Created)
			c.Created = c.Created.UTC()
			return c, err
		},
		fn)
}

func (t *tx) InsertContactCard(ctx context.Context, c adapters.ContactCard) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	var ev, inserted bool
	err := t.queryRow(ctx, t.q(`WITH ok AS (
			SELECT EXISTS (SELECT 1 FROM {s}.events WHERE id = $2) AS ev
		), ins AS (
			INSERT INTO {s}.contact_cards (id, event, slot, class, sealed, consent, created)
			SELECT $1, $2, $3, $4, $5::bytea, $7::bytea, $6::timestamptz FROM ok WHERE ok.ev
			ON CONFLICT (id) DO NOTHING
			RETURNING 1
		)
		SELECT (SELECT ev FROM ok), EXISTS (SELECT 1 FROM ins)`),
		c.ID, c.Event, c.Slot, c.Class, nonNil(c.Sealed), c.Created, c.Consent).Scan(&ev, &inserted)
	switch {
	case err != nil:
		return translate(ctx, "insert contact card", err)
	case !ev:
		return notFound("event")
	case !inserted:
		return duplicate("contact card ID taken")
	}
	return nil
}
