package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/audit"
)

// auditLog is one audit log seen through a transaction. Rows carry the
// log's ID, [logID] of its name, rather than the name itself, which may be
// 255 bytes long; audit_logs maps IDs back to names.
type auditLog struct {
	t    *tx
	name string
	id   int64
}

var _ adapters.AuditLog = (*auditLog)(nil)

// AuditLog implements [adapters.AuditReader].
func (t *tx) AuditLog(name string) adapters.AuditLog {
	return &auditLog{t: t, name: name, id: logID(name)}
}

// logID is the ID of the log named name in the audit tables: the first
// eight bytes of SHA-256("kuji/postgres audit log" || 0x00 || name), read
// as a big-endian signed integer.
func logID(name string) int64 { return advisoryKey("kuji/postgres audit log", name) }

// appendLock is the advisory lock key that serialises appends to the log
// named name in the store's schema: the first eight bytes of
// SHA-256("kuji/postgres audit append" || 0x00 || schema || 0x00 || name),
// read as a big-endian signed integer. Advisory locks are database-wide,
// so the schema is part of the key: logs of the same name in two schemas
// do not wait for each other.
func (s *Store) appendLock(name string) int64 {
	return advisoryKey("kuji/postgres audit append", s.schema, name)
}

// Append implements [audit.Storage]. It takes the log's transaction-level
// advisory lock, which it holds until the transaction ends, so appends to
// one log from any number of transactions, stores and servers are
// serialised and leaf indexes have neither gaps nor duplicates.
//
// Everything between taking the lock and committing delays every other
// append to the log, so Append keeps it short: the lock, the log's
// registration, the reading of its size and of the hashes grow will need
// go to the server in one round trip, and the leaves and hashes are written
// with the transaction's next statement or its COMMIT. A failure of that
// write (which only a broken connection or a damaged table can cause) is
// therefore reported by the call that sends it, at the latest by Update,
// and the transaction rolls back whole.
func (l *auditLog) Append(ctx context.Context, leaves [][]byte, grow audit.GrowFunc) (int64, error) {
	if err := l.t.check(ctx, true); err != nil {
		return 0, err
	}
	var (
		name          string
		n, storedHash int64
		have          = map[int64]tlog.Hash{}
		bad           error
	)
	b := &pgx.Batch{}
	b.Queue("SELECT pg_advisory_xact_lock($1)", l.t.s.appendLock(l.name))
	// After the lock: under READ COMMITTED each statement of the batch
	// takes its own snapshot, so these see every append committed before
	// the lock was granted.
	b.Queue(l.t.q("INSERT INTO {s}.audit_logs (id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING"), l.id, l.name)
	b.Queue(l.t.q(`SELECT coalesce((SELECT name FROM {s}.audit_logs WHERE id = $1), ''),
			coalesce((SELECT max(n) + 1 FROM {s}.audit_leaves WHERE log = $1), 0),
			coalesce((SELECT max(n) + 1 FROM {s}.audit_hashes WHERE log = $1), 0)`), l.id).
		QueryRow(func(r pgx.Row) error { return r.Scan(&name, &n, &storedHash) })
	b.Queue(l.t.q(prefetchHashes), l.id).Query(func(rows pgx.Rows) error {
		var i int64
		var h []byte
		_, err := pgx.ForEachRow(rows, []any{&i, &h}, func() error {
			if len(h) == len(tlog.Hash{}) {
				have[i] = tlog.Hash(h)
			} else {
				bad = fmt.Errorf("kuji/postgres: audit hash %d has %d bytes: %w", i, len(h), adapters.ErrCorrupt)
			}
			return nil
		})
		return err
	})
	if err := l.t.sendBatch(ctx, b); err != nil {
		return 0, translate(ctx, "audit append", err)
	}
	if bad != nil {
		return 0, bad
	}
	if name != l.name {
		// Two names with one 64-bit ID: never expected, but never mixed.
		return 0, fmt.Errorf("kuji/postgres: audit log ID %d belongs to another log: %w", l.id, adapters.ErrConflict)
	}

	first, hashes, err := grow(n, prefetched{have, hashReader{ctx, l}})
	if err != nil {
		return 0, err
	}
	if first != storedHash {
		return 0, fmt.Errorf("kuji/postgres: audit hashes must continue at index %d, not %d: %w", storedHash, first, adapters.ErrConflict)
	}
	hs := make([][]byte, len(hashes))
	for i := range hashes {
		hs[i] = hashes[i][:]
	}
	data := make([][]byte, len(leaves))
	for i, d := range leaves {
		data[i] = bytes.Clone(nonNil(d)) // Append keeps no caller's slice
	}
	l.t.later(l.t.q(`WITH l AS (
			INSERT INTO {s}.audit_leaves (log, n, data)
			SELECT $1, $2 + t.o - 1, t.d FROM unnest($3::bytea[]) WITH ORDINALITY AS t(d, o)
		)
		INSERT INTO {s}.audit_hashes (log, n, hash)
		SELECT $1, $4 + t.o - 1, t.h FROM unnest($5::bytea[]) WITH ORDINALITY AS t(h, o)`),
		l.id, n, data, first, hs)
	return n, nil
}

// prefetchHashes reads, for a log of n leaves, the stored hashes that
// appending leaf n needs (see tlog.StoredHashesForRecordHash): for each
// level i below the number of trailing one bits of n, the hash at
// StoredHashIndex(i, n>>i - 1), which works out as
// 2(n - 2^i) - (popcount(n) - 1) + i. Whatever grow asks beyond these (the
// second and later leaves of a batch) it reads with ReadHashes.
const prefetchHashes = `WITH s AS (
		SELECT coalesce(max(n) + 1, 0) AS n FROM {s}.audit_leaves WHERE log = $1
	), p AS (
		SELECT n, length(replace(n::bit(64)::text, '0', '')) AS ones FROM s
	)
	SELECT h.n, h.hash FROM p, generate_series(0, 61) AS g(i), {s}.audit_hashes h
	WHERE (p.n & ((2::bigint << g.i) - 1)) = (2::bigint << g.i) - 1
		AND h.log = $1 AND h.n = 2 * (p.n - (1::bigint << g.i)) - (p.ones - 1) + g.i`

// prefetched serves hashes read ahead of time, and the rest from r.
type prefetched struct {
	have map[int64]tlog.Hash
	r    tlog.HashReader
}

func (p prefetched) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		h, ok := p.have[x]
		if !ok {
			return p.r.ReadHashes(indexes)
		}
		out[i] = h
	}
	return out, nil
}

// Size implements [audit.Storage]: one more than the largest leaf index
// stored, which is the number of leaves in a log without gaps (and Append
// makes none).
func (l *auditLog) Size(ctx context.Context) (int64, error) {
	if err := l.t.check(ctx, false); err != nil {
		return 0, err
	}
	var n int64
	err := l.t.queryRow(ctx, l.t.q("SELECT coalesce(max(n) + 1, 0) FROM {s}.audit_leaves WHERE log = $1"), l.id).Scan(&n)
	if err != nil {
		return 0, translate(ctx, "audit size", err)
	}
	return n, nil
}

// ReadHashes implements [audit.Storage]. A contiguous run of indexes, what
// verification asks for, is read as a range.
func (l *auditLog) ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	if err := l.t.check(ctx, false); err != nil {
		return nil, err
	}
	out := make([]tlog.Hash, len(indexes))
	if len(indexes) == 0 {
		return out, nil
	}
	contiguous := true
	for i, x := range indexes {
		if x != indexes[0]+int64(i) {
			contiguous = false
			break
		}
	}
	var rows pgx.Rows
	var err error
	if contiguous {
		rows, err = l.t.query(ctx, l.t.q("SELECT n, hash FROM {s}.audit_hashes WHERE log = $1 AND n >= $2 AND n < $3"),
			l.id, indexes[0], indexes[0]+int64(len(indexes)))
	} else {
		rows, err = l.t.query(ctx, l.t.q("SELECT n, hash FROM {s}.audit_hashes WHERE log = $1 AND n = ANY ($2)"), l.id, indexes)
	}
	if err != nil {
		return nil, translate(ctx, "audit read hashes", err)
	}
	found := make(map[int64]tlog.Hash, len(indexes))
	var n int64
	var h []byte
	_, err = pgx.ForEachRow(rows, []any{&n, &h}, func() error {
		if len(h) != len(tlog.Hash{}) {
			return fmt.Errorf("kuji/postgres: audit hash %d has %d bytes: %w", n, len(h), adapters.ErrCorrupt)
		}
		found[n] = tlog.Hash(h)
		return nil
	})
	if err != nil {
		if errors.Is(err, adapters.ErrCorrupt) {
			return nil, err
		}
		return nil, translate(ctx, "audit read hashes", err)
	}
	for i, x := range indexes {
		hash, ok := found[x]
		if !ok {
			return nil, fmt.Errorf("kuji/postgres: audit hash %d: %w", x, audit.ErrNotStored)
		}
		out[i] = hash
	}
	return out, nil
}

type leaf struct {
	n    int64
	data []byte
}

// ReadLeaves implements [audit.Storage], a page of leaves at a time.
func (l *auditLog) ReadLeaves(ctx context.Context, start, end int64, fn func(int64, []byte) error) error {
	if err := l.t.check(ctx, false); err != nil {
		return err
	}
	if end <= start {
		return nil
	}
	query := l.t.q("SELECT n, data FROM {s}.audit_leaves WHERE log = $1 AND n >= $2 AND n < $3 ORDER BY n LIMIT $4")
	return forPages(ctx, l.t, "audit read leaves", leafPageSize,
		func(last *leaf) (string, []any) {
			from := start
			if last != nil {
				from = last.n + 1
			}
			return query, []any{l.id, from, end, leafPageSize}
		},
		func(r pgx.CollectableRow) (leaf, error) {
			var lf leaf
			return lf, r.Scan(&lf.n, &lf.data)
		},
		func(lf leaf) error { return fn(lf.n, lf.data) })
}

// SaveCheckpoint implements [audit.CheckpointStore].
func (l *auditLog) SaveCheckpoint(ctx context.Context, size int64, signed []byte) error {
	if err := l.t.check(ctx, true); err != nil {
		return err
	}
	_, err := l.t.exec(ctx, l.t.q(`INSERT INTO {s}.audit_checkpoints (log, size, signed) VALUES ($1, $2, $3)
		ON CONFLICT (log, size) DO UPDATE SET signed = EXCLUDED.signed`), l.id, size, nonNil(signed))
	return translate(ctx, "audit save checkpoint", err)
}

// LatestCheckpoint implements [audit.CheckpointStore].
func (l *auditLog) LatestCheckpoint(ctx context.Context) ([]byte, error) {
	if err := l.t.check(ctx, false); err != nil {
		return nil, err
	}
	var signed []byte
	err := l.t.queryRow(ctx, l.t.q("SELECT signed FROM {s}.audit_checkpoints WHERE log = $1 ORDER BY size DESC LIMIT 1"), l.id).Scan(&signed)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("kuji/postgres: checkpoint: %w", audit.ErrNotStored)
	}
	if err != nil {
		return nil, translate(ctx, "audit latest checkpoint", err)
	}
	return signed, nil
}

// hashReader adapts an auditLog to tlog's context-free reader, inside the
// append's serialised section.
type hashReader struct {
	ctx context.Context
	l   *auditLog
}

func (r hashReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	return r.l.ReadHashes(r.ctx, indexes)
}
