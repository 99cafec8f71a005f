package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/kuji-go/kuji/adapters"
)

// --- events ---

func (t *tx) Event(ctx context.Context, id string) (adapters.Event, error) {
	if err := t.check(ctx, false); err != nil {
		return adapters.Event{}, err
	}
	e := adapters.Event{ID: id}
	t.hold(id)
	err := t.queryRow(ctx, t.q("SELECT state, version, data, updated FROM {s}.events WHERE id = $1"), id).
		Scan(&e.State, &e.Version, &e.Data, &e.Updated)
	if errors.Is(err, pgx.ErrNoRows) {
		return adapters.Event{}, notFound("event")
	}
	if err != nil {
		return adapters.Event{}, translate(ctx, "event", err)
	}
	e.Updated = e.Updated.UTC()
	return e, nil
}

func (t *tx) EventState(ctx context.Context, id string) (string, error) {
	if err := t.check(ctx, false); err != nil {
		return "", err
	}
	t.hold(id)
	var state string
	err := t.queryRow(ctx, t.q("SELECT state FROM {s}.events WHERE id = $1"), id).Scan(&state)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", notFound("event")
	}
	if err != nil {
		return "", translate(ctx, "event", err)
	}
	return state, nil
}

// OpenIntake implements [adapters.IntakeTx]: the state and the next
// receipt number in one statement, sent with the event's lock.
func (t *tx) OpenIntake(ctx context.Context, event string) (string, int64, error) {
	if err := t.check(ctx, true); err != nil {
		return "", 0, err
	}
	t.hold(event)
	var state string
	var n *int64
	err := t.queryRow(ctx, t.q(`SELECT state, nextval(to_regclass(format('%I.%I', $1::text, 'receipt_' || seq)))
		FROM {s}.events WHERE id = $2`), t.s.schema, event).Scan(&state, &n)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", 0, notFound("event")
	}
	if err != nil {
		return "", 0, translate(ctx, "open intake", err)
	}
	if n == nil {
		return "", 0, fmt.Errorf("kuji/postgres: the event's receipt sequence is missing: %w", adapters.ErrCorrupt)
	}
	return state, *n, nil
}

// CreateEvent stores the event and creates its receipt-number sequence,
// receipt_<seq>, in the same transaction.
func (t *tx) CreateEvent(ctx context.Context, ev adapters.Event) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	var seq int64
	err := t.queryRow(ctx, t.q(`INSERT INTO {s}.events (id, state, version, data, updated)
		VALUES ($1, $2, 1, $3, $4) ON CONFLICT (id) DO NOTHING RETURNING seq`),
		ev.ID, ev.State, ev.Data, ev.Updated).Scan(&seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return duplicate("event exists")
	}
	if err != nil {
		return translate(ctx, "create event", err)
	}
	// A sequence hands out numbers outside transaction isolation: concurrent
	// applications never wait for each other's receipt numbers, and a
	// rolled-back number is never handed out again. The name is built from
	// an integer, so it needs no quoting; the statement is sent unprepared
	// because its text is used once.
	ddl := fmt.Sprintf("CREATE SEQUENCE %s.receipt_%d AS bigint MINVALUE 1", t.s.ident, seq)
	if _, err := t.exec(ctx, ddl, pgx.QueryExecModeSimpleProtocol); err != nil {
		return translate(ctx, "create event: receipt sequence", err)
	}
	return nil
}

func (t *tx) UpdateEvent(ctx context.Context, ev adapters.Event) (int64, error) {
	if err := t.check(ctx, true); err != nil {
		return 0, err
	}
	// Wait for every transaction that holds the event (Event), then
	// compare-and-set: under READ COMMITTED a concurrent update makes this
	// one wait for the row, then re-check the version against the
	// committed row, so exactly one of two racing updates matches. Two
	// transactions that both read the event and both update it deadlock
	// on the lock; PostgreSQL aborts one, which reports ErrConflict.
	if _, err := t.exec(ctx, "SELECT pg_advisory_xact_lock($1)", t.eventKey(ev.ID)); err != nil {
		return 0, translate(ctx, "update event", err)
	}
	var version *int64
	var exists bool
	err := t.queryRow(ctx, t.q(`WITH u AS (
			UPDATE {s}.events SET state = $3, data = $4, updated = $5, version = version + 1
			WHERE id = $1 AND version = $2
			RETURNING version)
		SELECT (SELECT version FROM u), EXISTS (SELECT 1 FROM {s}.events WHERE id = $1)`),
		ev.ID, ev.Version, ev.State, ev.Data, ev.Updated).Scan(&version, &exists)
	switch {
	case err != nil:
		return 0, translate(ctx, "update event", err)
	case version != nil:
		return *version, nil
	case !exists:
		return 0, notFound("event")
	default:
		return 0, conflict(fmt.Sprintf("event changed since version %d", ev.Version))
	}
}

func (t *tx) NextReceipt(ctx context.Context, event string) (int64, error) {
	if err := t.check(ctx, true); err != nil {
		return 0, err
	}
	// to_regclass yields NULL rather than an error for a missing sequence,
	// so a damaged schema does not abort the transaction.
	var n *int64
	err := t.queryRow(ctx, t.q(`SELECT nextval(to_regclass(format('%I.%I', $1::text, 'receipt_' || seq)))
		FROM {s}.events WHERE id = $2`), t.s.schema, event).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, notFound("event")
	}
	if err != nil {
		return 0, translate(ctx, "next receipt", err)
	}
	if n == nil {
		return 0, fmt.Errorf("kuji/postgres: the event's receipt sequence is missing: %w", adapters.ErrCorrupt)
	}
	return *n, nil
}

// --- draw records ---

func (t *tx) DrawRecord(ctx context.Context, event string) ([]byte, error) {
	if err := t.check(ctx, false); err != nil {
		return nil, err
	}
	var rec []byte
	err := t.queryRow(ctx, t.q("SELECT record FROM {s}.draw_records WHERE event = $1"), event).Scan(&rec)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("draw record")
	}
	if err != nil {
		return nil, translate(ctx, "draw record", err)
	}
	return rec, nil
}

func (t *tx) PutDrawRecord(ctx context.Context, event string, record []byte) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	_, err := t.exec(ctx, t.q(`INSERT INTO {s}.draw_records (event, record) VALUES ($1, $2)
		ON CONFLICT (event) DO UPDATE SET record = EXCLUDED.record`), event, record)
	return translate(ctx, "put draw record", err)
}

// --- designations ---

func (t *tx) Designations(ctx context.Context, event string) ([]adapters.Designation, error) {
	if err := t.check(ctx, false); err != nil {
		return nil, err
	}
	rows, err := t.query(ctx, t.q("SELECT id, data FROM {s}.designations WHERE event = $1 ORDER BY id"), event)
	if err != nil {
		return nil, translate(ctx, "designations", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (adapters.Designation, error) {
		d := adapters.Designation{Event: event}
		return d, r.Scan(&d.ID, &d.Data)
	})
	if err != nil {
		return nil, translate(ctx, "designations", err)
	}
	return out, nil
}

func (t *tx) PutDesignation(ctx context.Context, d adapters.Designation) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	_, err := t.exec(ctx, t.q(`INSERT INTO {s}.designations (event, id, data) VALUES ($1, $2, $3)
		ON CONFLICT (event, id) DO UPDATE SET data = EXCLUDED.data`), d.Event, d.ID, d.Data)
	return translate(ctx, "put designation", err)
}

// --- erasures ---

func (t *tx) Erasures(ctx context.Context, event string) ([]adapters.Erasure, error) {
	if err := t.check(ctx, false); err != nil {
		return nil, err
	}
	rows, err := t.query(ctx, t.q("SELECT id, created, data, signed FROM {s}.erasures WHERE event = $1 ORDER BY seq"), event)
	if err != nil {
		return nil, translate(ctx, "erasures", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (adapters.Erasure, error) {
		e := adapters.Erasure{Event: event}
		err := r.Scan(&e.ID, &e.Created, &e.Data, &e.Signed)
		e.Created = e.Created.UTC()
		return e, err
	})
	if err != nil {
		return nil, translate(ctx, "erasures", err)
	}
	return out, nil
}

func (t *tx) InsertErasure(ctx context.Context, e adapters.Erasure) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	tag, err := t.exec(ctx, t.q(`INSERT INTO {s}.erasures (id, event, created, data, signed) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (id) DO NOTHING`), e.ID, e.Event, e.Created, e.Data, e.Signed)
	if err != nil {
		return translate(ctx, "insert erasure", err)
	}
	if tag.RowsAffected() == 0 {
		return duplicate("erasure record exists")
	}
	return nil
}

// hold makes a write transaction hold the event (see
// adapters.EventReader) from its next statement on: a shared advisory lock,
// which UpdateEvent's exclusive one waits for, and which waits for an
// UpdateEvent in flight. Shared advisory locks cost no row writes, unlike
// FOR SHARE.
//
// The lock is its own statement, pipelined before the read (no extra round
// trip): at READ COMMITTED a statement reads the snapshot taken when it
// started, so a read in the same statement as the lock — started before an
// UpdateEvent in flight committed, finished after — would see the state
// from before the change it waited for.
func (t *tx) hold(id string) {
	if t.write {
		t.later("SELECT pg_advisory_xact_lock_shared($1)", t.eventKey(id))
	}
}

// eventKey is the advisory lock key that holds an event.
func (t *tx) eventKey(id string) int64 {
	return advisoryKey("kuji/postgres event", t.s.schema, id)
}
