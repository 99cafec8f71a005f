package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/audit"
)

const (
	qAuditSize       = `SELECT coalesce(max(idx) + 1, 0) FROM audit_leaves WHERE log = ?`
	qAuditHashCount  = `SELECT coalesce(max(idx) + 1, 0) FROM audit_hashes WHERE log = ?`
	qAuditLeaf       = `INSERT INTO audit_leaves (log, idx, data) VALUES (?, ?, ?)`
	qAuditHash       = `INSERT INTO audit_hashes (log, idx, hash) VALUES (?, ?, ?)`
	qAuditHashRange  = `SELECT idx, hash FROM audit_hashes WHERE log = ? AND idx BETWEEN ? AND ? ORDER BY idx`
	qAuditHashSet    = `SELECT idx, hash FROM audit_hashes WHERE log = ? AND idx IN (SELECT value FROM json_each(?)) ORDER BY idx`
	qAuditLeaves     = `SELECT idx, data FROM audit_leaves WHERE log = ? AND idx >= ? AND idx < ? ORDER BY idx`
	qSaveCheckpoint  = `INSERT INTO audit_checkpoints (log, size, signed) VALUES (?, ?, ?) ON CONFLICT (log, size) DO UPDATE SET signed = excluded.signed`
	qLatestCheckoint = `SELECT signed FROM audit_checkpoints WHERE log = ? ORDER BY size DESC LIMIT 1`
)

// txLog is one audit log seen through a transaction.
type txLog struct {
	t    *tx
	name string
}

// AuditLog implements [adapters.AuditReader]. Appends are serialised by
// SQLite's single writer: a writer transaction holds the database's write
// lock from BEGIN IMMEDIATE to COMMIT, across processes.
func (t *tx) AuditLog(name string) adapters.AuditLog { return txLog{t, name} }

func (l txLog) Append(ctx context.Context, leaves [][]byte, grow audit.GrowFunc) (int64, error) {
	t := l.t
	ctx, err := t.begin(ctx, true)
	if err != nil {
		return 0, err
	}
	var n int64
	err = t.atomically(ctx, func() error {
		var hashes int64
		if err := t.row(ctx, "audit size", qAuditSize, []any{l.name}, &n); err != nil {
			return err
		}
		if err := t.row(ctx, "audit size", qAuditHashCount, []any{l.name}, &hashes); err != nil {
			return err
		}
		first, hs, err := grow(n, hashReader{ctx, l})
		if err != nil {
			return err
		}
		if first != hashes {
			return fmt.Errorf("kuji/sqlite: audit hashes must continue at index %d, not %d: %w", hashes, first, adapters.ErrConflict)
		}
		for i, leaf := range leaves {
			if _, err := t.exec(ctx, "append audit leaf", qAuditLeaf, l.name, n+int64(i), nonNil(leaf)); err != nil {
				return err
			}
		}
		for i, h := range hs {
			if _, err := t.exec(ctx, "append audit hash", qAuditHash, l.name, first+int64(i), h[:]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

func (l txLog) Size(ctx context.Context) (int64, error) {
	ctx, err := l.t.begin(ctx, false)
	if err != nil {
		return 0, err
	}
	var n int64
	err = l.t.row(ctx, "audit size", qAuditSize, []any{l.name}, &n)
	return n, err
}

// ReadHashes reads each contiguous run of the asked indexes with one range
// query, and every isolated index together with one more query.
func (l txLog) ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	outer := ctx
	ctx, err := l.t.begin(ctx, false)
	if err != nil {
		return nil, err
	}
	return l.readHashes(outer, ctx, indexes)
}

func (l txLog) readHashes(outer, ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	want := slices.Clone(indexes)
	slices.Sort(want)
	want = slices.Compact(want)
	got := make([]tlog.Hash, len(want))
	found := make([]bool, len(want))

	// fill stores the rows of one query into got; the rows and want[lo:]
	// are both ascending.
	fill := func(q string, args []any, lo int) error {
		i := lo
		return l.t.rows(outer, ctx, "audit hashes", q, args, func(r *sql.Rows) error {
			var idx int64
			var h sql.RawBytes
			if err := r.Scan(&idx, &h); err != nil {
				return err
			}
			for i < len(want) && want[i] < idx {
				i++
			}
			if i == len(want) || want[i] != idx || len(h) != tlog.HashSize {
				return fmt.Errorf("kuji/sqlite: audit hash %d: %w", idx, adapters.ErrCorrupt)
			}
			copy(got[i][:], h)
			found[i] = true
			return nil
		})
	}
	var single []int64
	var singleAt int
	for lo := 0; lo < len(want); {
		hi := lo + 1
		for hi < len(want) && want[hi] == want[hi-1]+1 {
			hi++
		}
		if hi-lo == 1 {
			if single == nil {
				singleAt = lo
			}
			single = append(single, want[lo])
		} else if err := fill(qAuditHashRange, []any{l.name, want[lo], want[hi-1]}, lo); err != nil {
			return nil, err
		}
		lo = hi
	}
	if single != nil {
		if err := fill(qAuditHashSet, []any{l.name, jsonInts(single)}, singleAt); err != nil {
			return nil, err
		}
	}

	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		j, _ := slices.BinarySearch(want, x)
		if !found[j] {
			return nil, fmt.Errorf("kuji/sqlite: audit hash %d: %w", x, audit.ErrNotStored)
		}
		out[i] = got[j]
	}
	return out, nil
}

// ReadLeaves streams the leaves with one query; data points into the
// driver's buffer and is valid only during fn, as the contract allows.
func (l txLog) ReadLeaves(ctx context.Context, start, end int64, fn func(int64, []byte) error) error {
	outer := ctx
	ctx, err := l.t.begin(ctx, false)
	if err != nil {
		return err
	}
	return l.t.rows(outer, ctx, "audit leaves", qAuditLeaves, []any{l.name, max(start, 0), end}, func(r *sql.Rows) error {
		var n int64
		var data sql.RawBytes
		if err := r.Scan(&n, &data); err != nil {
			return err
		}
		return fn(n, data)
	})
}

func (l txLog) SaveCheckpoint(ctx context.Context, size int64, signed []byte) error {
	ctx, err := l.t.begin(ctx, true)
	if err != nil {
		return err
	}
	_, err = l.t.exec(ctx, "save checkpoint", qSaveCheckpoint, l.name, size, nonNil(signed))
	return err
}

func (l txLog) LatestCheckpoint(ctx context.Context) ([]byte, error) {
	ctx, err := l.t.begin(ctx, false)
	if err != nil {
		return nil, err
	}
	var signed []byte
	err = l.t.row(ctx, "checkpoint", qLatestCheckoint, []any{l.name}, &signed)
	if errors.Is(err, adapters.ErrNotFound) {
		return nil, fmt.Errorf("kuji/sqlite: checkpoint: %w", audit.ErrNotStored)
	}
	return signed, err
}

// hashReader reads hashes inside Append's serialised section, through the
// same transaction.
type hashReader struct {
	ctx context.Context
	l   txLog
}

func (r hashReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	return r.l.readHashes(r.ctx, r.ctx, indexes)
}
