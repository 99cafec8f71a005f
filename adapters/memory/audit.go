package memory

import (
	"bytes"
	"context"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/audit"
)

// auditLog is one audit log: leaf data by index, tree hashes by storage
// index, and signed checkpoints by tree size.
type auditLog struct {
	leaves      [][]byte
	hashes      []tlog.Hash
	checkpoints map[int64][]byte
}

// txLog is an audit log seen through a transaction.
type txLog struct {
	t    *tx
	name string
}

// AuditLog implements [adapters.AuditReader].
func (t *tx) AuditLog(name string) adapters.AuditLog { return txLog{t, name} }

func (l txLog) log(create bool) *auditLog {
	lg := l.t.s.audit[l.name]
	if lg == nil && create {
		lg = &auditLog{checkpoints: map[int64][]byte{}}
		l.t.s.audit[l.name] = lg
		l.t.undo = append(l.t.undo, func() { delete(l.t.s.audit, l.name) })
	}
	return lg
}

func (l txLog) Append(ctx context.Context, leaves [][]byte, grow audit.GrowFunc) (int64, error) {
	if err := l.t.check(ctx, true); err != nil {
		return 0, err
	}
	lg := l.log(true)
	n := int64(len(lg.leaves))
	first, hashes, err := grow(n, hashReader{lg})
	if err != nil {
		return 0, err
	}
	if first != int64(len(lg.hashes)) {
		return 0, fmt.Errorf("kuji/memory: audit hashes must continue at index %d, not %d: %w", len(lg.hashes), first, adapters.ErrConflict)
	}
	oldLeaves, oldHashes := len(lg.leaves), len(lg.hashes)
	for _, d := range leaves {
		lg.leaves = append(lg.leaves, bytes.Clone(d))
	}
	lg.hashes = append(lg.hashes, hashes...)
	l.t.undo = append(l.t.undo, func() {
		lg.leaves = lg.leaves[:oldLeaves]
		lg.hashes = lg.hashes[:oldHashes]
	})
	return n, nil
}

func (l txLog) Size(ctx context.Context) (int64, error) {
	if err := l.t.check(ctx, false); err != nil {
		return 0, err
	}
	if lg := l.log(false); lg != nil {
		return int64(len(lg.leaves)), nil
	}
	return 0, nil
}

func (l txLog) ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	if err := l.t.check(ctx, false); err != nil {
		return nil, err
	}
	lg := l.log(false)
	if lg == nil {
		lg = &auditLog{}
	}
	return hashReader{lg}.ReadHashes(indexes)
}

func (l txLog) ReadLeaves(ctx context.Context, start, end int64, fn func(int64, []byte) error) error {
	if err := l.t.check(ctx, false); err != nil {
		return err
	}
	lg := l.log(false)
	if lg == nil {
		return nil
	}
	for n := max(start, 0); n < end && n < int64(len(lg.leaves)); n++ {
		if err := fn(n, lg.leaves[n]); err != nil {
			return err
		}
	}
	return nil
}

func (l txLog) SaveCheckpoint(ctx context.Context, size int64, signed []byte) error {
	if err := l.t.check(ctx, true); err != nil {
		return err
	}
	lg := l.log(true)
	setUndo(l.t, lg.checkpoints, size)
	lg.checkpoints[size] = bytes.Clone(signed)
	return nil
}

func (l txLog) LatestCheckpoint(ctx context.Context) ([]byte, error) {
	if err := l.t.check(ctx, false); err != nil {
		return nil, err
	}
	lg := l.log(false)
	best := int64(-1)
	if lg != nil {
		for size := range lg.checkpoints {
			best = max(best, size)
		}
	}
	if best < 0 {
		return nil, fmt.Errorf("kuji/memory: checkpoint: %w", audit.ErrNotStored)
	}
	return bytes.Clone(lg.checkpoints[best]), nil
}

type hashReader struct{ lg *auditLog }

func (r hashReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(r.lg.hashes)) {
			return nil, fmt.Errorf("kuji/memory: audit hash %d: %w", x, audit.ErrNotStored)
		}
		out[i] = r.lg.hashes[x]
	}
	return out, nil
}
