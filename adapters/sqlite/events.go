package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/kuji-go/kuji/adapters"
)

const (
	qEvent          = `SELECT state, version, data, updated FROM events WHERE id = ?`
	qEventState     = `SELECT state FROM events WHERE id = ?`
	qEventExists    = `SELECT 1 FROM events WHERE id = ?`
	qCreateEvent    = `INSERT INTO events (id, state, version, data, updated) VALUES (?, ?, 1, ?, ?)`
	qUpdateEvent    = `UPDATE events SET state = ?, data = ?, updated = ?, version = version + 1 WHERE id = ? AND version = ? RETURNING version`
	qNextReceipt    = `UPDATE receipt_seqs SET seq = max(seq, ?) + 1 WHERE event = ? RETURNING seq`
	qKeepReceipt    = `UPDATE receipt_seqs SET seq = max(seq, ?) WHERE event = ?`
	qCreateSeq      = `INSERT INTO receipt_seqs (event, seq) VALUES (?, 0)`
	qDrawRecord     = `SELECT record FROM draw_records WHERE event = ?`
	qPutDrawRecord  = `INSERT INTO draw_records (event, record) VALUES (?, ?) ON CONFLICT (event) DO UPDATE SET record = excluded.record`
	qDesignations   = `SELECT id, data FROM designations WHERE event = ? ORDER BY id`
	qPutDesignation = `INSERT INTO designations (event, id, data) VALUES (?, ?, ?) ON CONFLICT (event, id) DO UPDATE SET data = excluded.data`
	qErasures       = `SELECT id, created, data, signed FROM erasures WHERE event = ? ORDER BY seq`
	qInsertErasure  = `INSERT INTO erasures (id, event, created, data, signed) VALUES (?, ?, ?, ?, ?)`
)

func (t *tx) Event(ctx context.Context, id string) (adapters.Event, error) {
	ctx, err := t.begin(ctx, false)
	if err != nil {
		return adapters.Event{}, err
	}
	e := adapters.Event{ID: id}
	var updated int64
	if err := t.row(ctx, "event", qEvent, []any{id}, &e.State, &e.Version, &e.Data, &updated); err != nil {
		return adapters.Event{}, err
	}
	e.Updated = fromMicros(updated)
	return e, nil
}

func (t *tx) EventState(ctx context.Context, id string) (string, error) {
	ctx, err := t.begin(ctx, false)
	if err != nil {
		return "", err
	}
	var state string
	err = t.row(ctx, "event", qEventState, []any{id}, &state)
	return state, err
}

func (t *tx) CreateEvent(ctx context.Context, ev adapters.Event) error {
	ctx, err := t.begin(ctx, true)
	if err != nil {
		return err
	}
	if _, err = t.exec(ctx, "create event", qCreateEvent, ev.ID, ev.State, ev.Data, micros(ev.Updated)); err != nil {
		return err
	}
	_, err = t.exec(ctx, "create event", qCreateSeq, ev.ID)
	return err
}

func (t *tx) UpdateEvent(ctx context.Context, ev adapters.Event) (int64, error) {
	ctx, err := t.begin(ctx, true)
	if err != nil {
		return 0, err
	}
	var v int64
	err = t.row(ctx, "update event", qUpdateEvent, []any{ev.State, ev.Data, micros(ev.Updated), ev.ID, ev.Version}, &v)
	if errors.Is(err, adapters.ErrNotFound) {
		if err := t.eventExists(ctx, ev.ID); err != nil {
			return 0, err
		}
		return 0, fmt.Errorf("kuji/sqlite: event changed since version %d: %w", ev.Version, adapters.ErrConflict)
	}
	return v, err
}

// eventExists returns nil if the event exists, else an error wrapping
// ErrNotFound.
func (t *tx) eventExists(ctx context.Context, id string) error {
	var one int
	return t.row(ctx, "event", qEventExists, []any{id}, &one)
}

// NextReceipt draws the number inside the caller's savepoint, so that it
// commits with the caller's work; if the caller's work rolls back, the
// number is written back outside the savepoint (see Store.undo), so the
// batch commits it anyway and no later transaction draws it again. The
// Store also remembers the highest number it handed out per event, so that
// even a COMMIT that fails (a full disk) does not make it hand a number
// out twice.
func (t *tx) NextReceipt(ctx context.Context, event string) (int64, error) {
	ctx, err := t.begin(ctx, true)
	if err != nil {
		return 0, err
	}
	var n int64
	if err := t.row(ctx, "next receipt", qNextReceipt, []any{t.s.receiptHW[event], event}, &n); err != nil {
		return 0, err
	}
	t.s.receiptHW[event] = n
	if t.receipts == nil {
		t.receipts = map[string]int64{}
	}
	t.receipts[event] = n
	return n, nil
}

func (t *tx) DrawRecord(ctx context.Context, event string) ([]byte, error) {
	ctx, err := t.begin(ctx, false)
	if err != nil {
		return nil, err
	}
	var rec []byte
	err = t.row(ctx, "draw record", qDrawRecord, []any{event}, &rec)
	return rec, err
}

func (t *tx) PutDrawRecord(ctx context.Context, event string, record []byte) error {
	ctx, err := t.begin(ctx, true)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, "put draw record", qPutDrawRecord, event, record)
	return err
}

func (t *tx) Designations(ctx context.Context, event string) ([]adapters.Designation, error) {
	outer := ctx
	ctx, err := t.begin(ctx, false)
	if err != nil {
		return nil, err
	}
	var out []adapters.Designation
	err = t.rows(outer, ctx, "designations", qDesignations, []any{event}, func(r *sql.Rows) error {
		d := adapters.Designation{Event: event}
		if err := r.Scan(&d.ID, &d.Data); err != nil {
			return err
		}
		out = append(out, d)
		return nil
	})
	return out, err
}

func (t *tx) PutDesignation(ctx context.Context, d adapters.Designation) error {
	ctx, err := t.begin(ctx, true)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, "put designation", qPutDesignation, d.Event, d.ID, d.Data)
	return err
}

func (t *tx) Erasures(ctx context.Context, event string) ([]adapters.Erasure, error) {
	outer := ctx
	ctx, err := t.begin(ctx, false)
	if err != nil {
		return nil, err
	}
	var out []adapters.Erasure
	err = t.rows(outer, ctx, "erasures", qErasures, []any{event}, func(r *sql.Rows) error {
		e := adapters.Erasure{Event: event}
		var created int64
		if err := r.Scan(&e.ID, &created, &e.Data, &e.Signed); err != nil {
			return err
		}
		e.Created = fromMicros(created)
		out = append(out, e)
		return nil
	})
	return out, err
}

func (t *tx) InsertErasure(ctx context.Context, e adapters.Erasure) error {
	ctx, err := t.begin(ctx, true)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, "insert erasure", qInsertErasure, e.ID, e.Event, micros(e.Created), e.Data, e.Signed)
	return err
}
