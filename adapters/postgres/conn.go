package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// A transaction drives its pooled connection itself rather than through
// pgx.Tx, to save round trips: BEGIN is not sent on its own but pipelined
// with the transaction's first statement, and writes whose outcome the
// caller does not need (an audit append's leaves and hashes) are pipelined
// with the next statement or with COMMIT. Inside an audit append's
// serialised section that is one round trip fewer before the lock is
// released.

// Transaction control statements.
const (
	beginWrite = "BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE"
	beginRead  = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
	commitSQL  = "COMMIT"
)

// errAborted: COMMIT found the transaction aborted by an earlier error
// (which the function passed to Update ignored) and rolled it back.
var errAborted = errors.New("kuji/postgres: the transaction was aborted by an earlier database error and rolled back")

type statement struct {
	sql  string
	args []any
}

// begin starts a transaction on a connection from the pool. Nothing is
// sent yet.
func (s *Store) begin(ctx context.Context, write bool) (*tx, error) {
	pc, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	t := &tx{s: s, pc: pc, conn: pc.Conn(), write: write}
	begin := beginRead
	if write {
		begin = beginWrite
	}
	t.pending = append(t.pending, statement{sql: begin})
	return t, nil
}

// batch returns a batch holding the pending statements, and forgets them.
func (t *tx) batch() *pgx.Batch {
	b := &pgx.Batch{}
	for _, p := range t.pending {
		b.Queue(p.sql, p.args...)
	}
	t.pending = t.pending[:0]
	t.sent = true
	return b
}

// later queues a statement to be sent with the next one. Its errors are
// reported by whichever call sends it (at the latest, the commit).
func (t *tx) later(sql string, args ...any) {
	t.pending = append(t.pending, statement{sql, args})
}

// row is a pgx.Row whose statement is sent, with the pending ones, when
// it is scanned.
type row struct {
	t    *tx
	ctx  context.Context
	sql  string
	args []any
}

func (t *tx) queryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return row{t, ctx, sql, args}
}

func (r row) Scan(dest ...any) error {
	t := r.t
	if len(t.pending) == 0 {
		return t.conn.QueryRow(r.ctx, r.sql, r.args...).Scan(dest...)
	}
	b := t.batch()
	var scanErr error
	b.Queue(r.sql, r.args...).QueryRow(func(row pgx.Row) error {
		scanErr = row.Scan(dest...)
		if errors.Is(scanErr, pgx.ErrNoRows) {
			return nil // not a failure of the batch (which would drop its statements from the cache)
		}
		return scanErr
	})
	if err := t.conn.SendBatch(r.ctx, b).Close(); err != nil {
		return err
	}
	return scanErr
}

func (t *tx) exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if len(t.pending) > 0 {
		if _, simple := firstArg(args).(pgx.QueryExecMode); !simple {
			b := t.batch()
			var tag pgconn.CommandTag
			b.Queue(sql, args...).Exec(func(ct pgconn.CommandTag) error {
				tag = ct
				return nil
			})
			return tag, t.conn.SendBatch(ctx, b).Close()
		}
		// A batch cannot carry a query mode: send the pending statements first.
		if err := t.flush(ctx); err != nil {
			return pgconn.CommandTag{}, err
		}
	}
	return t.conn.Exec(ctx, sql, args...)
}

func firstArg(args []any) any {
	if len(args) == 0 {
		return nil
	}
	return args[0]
}

// query sends the pending statements, then the query. (Pipelining a
// query's rows behind a batch is possible but not worth its complexity:
// listings are rarely a transaction's first statement.)
func (t *tx) query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if err := t.flush(ctx); err != nil {
		return nil, err
	}
	return t.conn.Query(ctx, sql, args...)
}

// sendBatch sends the pending statements and then b's, in one round trip.
func (t *tx) sendBatch(ctx context.Context, b *pgx.Batch) error {
	if len(t.pending) > 0 {
		all := t.batch()
		all.QueuedQueries = append(all.QueuedQueries, b.QueuedQueries...)
		b = all
	}
	return t.conn.SendBatch(ctx, b).Close()
}

func (t *tx) flush(ctx context.Context) error {
	if len(t.pending) == 0 {
		return nil
	}
	return t.conn.SendBatch(ctx, t.batch()).Close()
}

// commit sends the pending statements and COMMIT in one round trip. A
// transaction that never sent a statement has nothing to commit.
func (t *tx) commit(ctx context.Context) error {
	if !t.sent && len(t.pending) == 1 { // BEGIN alone: nothing to commit
		t.pending = t.pending[:0]
		return nil
	}
	b := t.batch()
	var tag pgconn.CommandTag
	b.Queue(commitSQL).Exec(func(ct pgconn.CommandTag) error {
		tag = ct
		return nil
	})
	if err := t.conn.SendBatch(ctx, b).Close(); err != nil {
		return err
	}
	if tag.String() != "COMMIT" {
		return errAborted
	}
	return nil
}

// release rolls back whatever is still open on the connection (after an
// error, a panic or a failed commit) and returns it to the pool; pgxpool
// destroys a connection that is still in a transaction or busy.
func (t *tx) release(ctx context.Context) {
	pc := t.conn.PgConn()
	if !pc.IsClosed() && !pc.IsBusy() && pc.TxStatus() != 'I' {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
		_, _ = t.conn.Exec(rctx, "ROLLBACK")
		cancel()
	}
	t.pc.Release()
}
