package sqlite

import (
	"context"
	"database/sql"
	"sync/atomic"
	"time"
)

// tx is one caller's transaction: a savepoint in a writer batch (b != nil)
// or a read transaction on the read pool. It is not safe for concurrent
// use.
type tx struct {
	s     *Store
	b     *batch // nil for a read transaction
	sqltx *sql.Tx
	write bool
	ended atomic.Bool
	// receipts is the highest receipt number drawn per event through this
	// transaction, kept if the transaction rolls back.
	receipts map[string]int64
}

func (t *tx) end() { t.ended.Store(true) }

func (t *tx) sql() *sql.Tx {
	if t.b != nil {
		return t.b.tx
	}
	return t.sqltx
}

// begin checks that the transaction may run a statement and returns the
// context to run it with.
//
// In a writer transaction the statement runs detached from ctx's
// cancellation (keeping its values): SQLite answers an interrupted write by
// rolling back the whole transaction, which holds the work of every caller
// in the batch. A cancelled ctx is instead noticed before each statement
// and between rows, and the caller's savepoint alone is rolled back.
func (t *tx) begin(ctx context.Context, write bool) (context.Context, error) {
	if t.ended.Load() {
		return nil, errTxEnded
	}
	if write && !t.write {
		return nil, errReadOnly
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if t.b == nil {
		return ctx, nil
	}
	if t.b.broken != nil {
		return nil, t.b.broken
	}
	return context.WithoutCancel(ctx), nil
}

// fail translates a statement's error and, if SQLite abandoned the
// transaction because of it, marks the batch broken so that nothing more
// runs in it and it is rolled back rather than committed.
func (t *tx) fail(err error, what string) error {
	if err == nil {
		return nil
	}
	if t.b != nil && !statementLevel(err) && t.b.broken == nil {
		t.b.broken = translate(err, what)
	}
	return t.s.translate(err, what)
}

func (t *tx) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	return t.s.stmts.stmt(ctx, t.sql(), t.write, q)
}

// exec runs a statement that returns no rows; ctx comes from begin.
func (t *tx) exec(ctx context.Context, what, q string, args ...any) (sql.Result, error) {
	st, err := t.stmt(ctx, q)
	if err != nil {
		return nil, t.fail(err, what)
	}
	r, err := st.ExecContext(ctx, args...)
	return r, t.fail(err, what)
}

// affected runs exec and returns the number of rows it changed.
func (t *tx) affected(ctx context.Context, what, q string, args ...any) (int64, error) {
	r, err := t.exec(ctx, what, q, args...)
	if err != nil {
		return 0, err
	}
	n, err := r.RowsAffected()
	return n, t.fail(err, what)
}

// row runs a query expected to return at most one row and scans it;
// sql.ErrNoRows becomes adapters.ErrNotFound.
func (t *tx) row(ctx context.Context, what, q string, args []any, dest ...any) error {
	st, err := t.stmt(ctx, q)
	if err != nil {
		return t.fail(err, what)
	}
	return t.fail(st.QueryRowContext(ctx, args...).Scan(dest...), what)
}

// rows runs a query and calls scan for each row, checking the caller's
// context (outer) between rows.
func (t *tx) rows(outer, ctx context.Context, what, q string, args []any, scan func(*sql.Rows) error) error {
	st, err := t.stmt(ctx, q)
	if err != nil {
		return t.fail(err, what)
	}
	rs, err := st.QueryContext(ctx, args...)
	if err != nil {
		return t.fail(err, what)
	}
	defer rs.Close()
	for rs.Next() {
		if err := outer.Err(); err != nil {
			return err
		}
		if err := scan(rs); err != nil {
			return err
		}
	}
	if err := rs.Err(); err != nil {
		return t.fail(err, what)
	}
	return t.fail(rs.Close(), what)
}

// atomically runs fn, a write of several statements, inside a nested
// savepoint, so that it leaves nothing behind if it fails even when the
// caller carries on with the transaction.
func (t *tx) atomically(ctx context.Context, fn func() error) error {
	if _, err := t.exec(ctx, "savepoint", "SAVEPOINT op"); err != nil {
		return err
	}
	if err := fn(); err != nil {
		if t.b.broken == nil {
			for _, q := range []string{"ROLLBACK TO op", "RELEASE op"} {
				if _, rerr := t.exec(ctx, "roll back savepoint", q); rerr != nil {
					if t.b.broken == nil {
						t.b.broken = rerr
					}
					break
				}
			}
		}
		return err
	}
	_, err := t.exec(ctx, "release savepoint", "RELEASE op")
	return err
}

// Times are stored as Unix microseconds (the zero time included) and come
// back in UTC.
func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(x int64) time.Time { return time.UnixMicro(x).UTC() }

// nonNil keeps a nil blob from becoming NULL in a NOT NULL column.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
