package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/kuji-go/kuji/adapters"
)

// batch is one SQLite write transaction shared by the Update calls that
// ran while it was open (group commit). Fields are guarded by Store.writer,
// except err, which is written before done is closed and read after.
type batch struct {
	tx      *sql.Tx
	members int
	// broken is the error that made SQLite abandon the transaction (an I/O
	// error, a full disk): the batch is rolled back instead of committed.
	broken error
	done   chan struct{}
	err    error // the outcome of COMMIT, for the members whose fn succeeded
}

// Update implements [adapters.Store]. See "Group commit" in the package
// documentation: fn runs on the caller's goroutine inside its own
// savepoint of a transaction it may share with concurrent callers, and
// Update returns nil only once that transaction's COMMIT is durable.
//
// fn must not call Update, Compact or Backup on the same Store: the nested
// call would wait for the transaction that is running it.
func (s *Store) Update(ctx context.Context, fn func(adapters.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.closed.Load() {
		return errClosed
	}
	if err := s.lock(ctx); err != nil {
		return err
	}
	b, err := s.join(ctx)
	if err != nil {
		s.leave()
		return err
	}
	t := &tx{s: s, b: b, write: true}
	returned := false
	defer func() {
		if !returned {
			// fn panicked or called runtime.Goexit (t.FailNow in a test):
			// undo its work, let the rest of the batch commit, and let the
			// panic go on up this goroutine with its own stack.
			t.end()
			s.undo(t)
			s.leave()
		}
	}()
	err = fn(t)
	returned = true
	t.end()
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		s.undo(t)
		s.leave()
		return err
	}
	s.keep(t)
	s.leave()
	<-b.done
	return b.err
}

// lock takes the writer as a caller joining a batch, or gives up when ctx
// ends.
func (s *Store) lock(ctx context.Context) error {
	s.waiting.Add(1)
	select {
	case s.writer <- struct{}{}:
		s.waiting.Add(-1)
		return nil
	case <-ctx.Done():
		// The last member of the open batch may have left it for us to
		// commit, having seen us waiting: hand our place in the queue to a
		// goroutine that takes the writer and lets leave decide.
		go func() {
			s.writer <- struct{}{}
			s.waiting.Add(-1)
			s.leave()
		}()
		return ctx.Err()
	}
}

func (s *Store) unlock() { <-s.writer }

// join opens a batch if none is open and starts the caller's savepoint in
// it. The caller holds the writer.
func (s *Store) join(ctx context.Context) (*batch, error) {
	if s.closed.Load() {
		return nil, errClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.cur == nil {
		// The writer's transaction is not bound to any caller's context:
		// database/sql would roll it back, with everyone's work in it, when
		// that one context ended.
		sqltx, err := s.wdb.BeginTx(context.Background(), nil)
		if err != nil {
			return nil, translate(err, "begin")
		}
		s.cur = &batch{tx: sqltx, done: make(chan struct{})}
	}
	b := s.cur
	b.members++
	if _, err := s.bexec(b, "SAVEPOINT member"); err != nil {
		b.broken = translate(err, "savepoint")
		return nil, b.broken
	}
	return b, nil
}

// keep releases a member's savepoint, folding its work into the batch.
func (s *Store) keep(t *tx) {
	if t.b.broken != nil {
		return
	}
	if _, err := s.bexec(t.b, "RELEASE member"); err != nil {
		t.b.broken = translate(err, "release savepoint")
	}
}

// undo rolls a member's work back to its savepoint. Receipt numbers it
// drew are written back outside the savepoint, so they are never handed
// out again (see NextReceipt).
func (s *Store) undo(t *tx) {
	b := t.b
	if b.broken != nil {
		return
	}
	for _, q := range []string{"ROLLBACK TO member", "RELEASE member"} {
		if _, err := s.bexec(b, q); err != nil {
			// The savepoint is gone: SQLite abandoned the transaction.
			b.broken = translate(err, "roll back savepoint")
			return
		}
	}
	for event, n := range t.receipts {
		if _, err := s.bexec(b, qKeepReceipt, n, event); err != nil {
			b.broken = translate(err, "keep receipt number")
			return
		}
	}
}

// leave commits the open batch if nobody else is about to join it, or if
// it is full or broken, and releases the writer.
func (s *Store) leave() {
	defer s.unlock()
	b := s.cur
	if b == nil {
		return
	}
	if b.broken != nil || b.members >= s.maxBatch || s.waiting.Load() == 0 {
		s.finish(b)
	}
}

// finish ends the open batch: COMMIT, or ROLLBACK if it is broken. The
// caller holds the writer.
func (s *Store) finish(b *batch) {
	s.cur = nil
	if b.broken != nil {
		_ = b.tx.Rollback()
		b.err = fmt.Errorf("kuji/sqlite: another update in the same transaction failed, nothing was stored: %w", b.broken)
	} else if err := b.tx.Commit(); err != nil {
		b.err = translate(err, "commit")
	} else {
		s.commits.Add(1)
	}
	close(b.done)
}

// bexec runs a statement of the batch's own (savepoints, receipts)
// outside any caller's context.
func (s *Store) bexec(b *batch, q string, args ...any) (sql.Result, error) {
	ctx := context.Background()
	st, err := s.stmts.stmt(ctx, b.tx, true, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// View implements [adapters.Store]: fn runs in a read transaction on the
// read pool, beside the writer, and sees one consistent snapshot.
func (s *Store) View(ctx context.Context, fn func(adapters.ReadTx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.closed.Load() {
		return errClosed
	}
	sqltx, err := s.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return s.translate(err, "begin")
	}
	defer sqltx.Rollback()
	t := &tx{s: s, sqltx: sqltx}
	defer t.end()
	return fn(t)
}

// translate is translate, reporting ErrClosed once the store is closed.
func (s *Store) translate(err error, what string) error {
	if err != nil && s.closed.Load() {
		return errClosed
	}
	return translate(err, what)
}
