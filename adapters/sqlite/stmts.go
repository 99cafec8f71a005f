package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sync/atomic"
)

// stmtCache keeps prepared statements, so that SQLite compiles each query
// once per connection instead of once per call.
//
// Every query is prepared when the store opens, on the writer and on the
// read pool. Preparing later would not be safe: the writer has one
// connection, which a transaction holds while it runs, and the read pool
// may be all taken by View transactions, so a statement prepared on the
// *sql.DB mid-transaction could wait for a connection forever. Within a
// transaction, database/sql reuses the statement on the transaction's
// connection, preparing it there first if that connection has not seen it.
type stmtCache struct {
	w, r   map[string]*sql.Stmt // read-only after prepare
	misses atomic.Int64         // queries missing from allQueries (tests keep it at zero)
	uses   atomic.Int64         // statements run (the tests count queries with it)
}

func prepare(ctx context.Context, wdb, rdb *sql.DB) (*stmtCache, error) {
	c := &stmtCache{w: make(map[string]*sql.Stmt, len(allQueries)), r: make(map[string]*sql.Stmt, len(allQueries))}
	for _, q := range allQueries {
		for _, p := range []struct {
			db *sql.DB
			m  map[string]*sql.Stmt
		}{{wdb, c.w}, {rdb, c.r}} {
			st, err := p.db.PrepareContext(ctx, q)
			if err != nil {
				c.close()
				return nil, translate(err, "prepare")
			}
			p.m[q] = st
		}
	}
	return c, nil
}

// stmt returns q prepared, bound to tx (a writer or a reader transaction).
func (c *stmtCache) stmt(ctx context.Context, tx *sql.Tx, write bool, q string) (*sql.Stmt, error) {
	c.uses.Add(1)
	m := c.r
	if write {
		m = c.w
	}
	if st, ok := m[q]; ok {
		return tx.StmtContext(ctx, st), nil
	}
	c.misses.Add(1)
	return tx.PrepareContext(ctx, q)
}

func (c *stmtCache) close() error {
	if c == nil {
		return nil
	}
	var errs []error
	for _, m := range []map[string]*sql.Stmt{c.w, c.r} {
		for _, st := range m {
			errs = append(errs, st.Close())
		}
	}
	return errors.Join(errs...)
}
