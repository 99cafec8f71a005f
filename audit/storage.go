package audit

import (
	"context"

	"golang.org/x/mod/sumdb/tlog"
)

// Storage is one audit log's persistence: numbered leaves (the encoded
// entries) and numbered hashes (the Merkle tree's stored hashes, see
// [tlog.StoredHashIndex]). Implementations are dumb on purpose: they keep
// bytes by index and serialise appends; every piece of tree logic is in
// this package, which is also what checks that the bytes were not changed.
//
// A Storage may be bound to a database transaction: the Office appends the
// audit entry of an operation in the same transaction as the operation, by
// making a [Log] over the transaction's Storage.
//
// Size may count leaf rows or be one more than the highest leaf index:
// [Log.Verify] notices a missing leaf either way. The store conformance
// suite (adapters/storetest) is where implementations are checked.
type Storage interface {
	// Append stores leaves as leaves n, n+1, ..., n+len(leaves)-1, where n is
	// the number of leaves stored when the append is serialised, and returns n.
	//
	// Within that serialised section (a lock, a transaction holding a row or
	// advisory lock, ...) Append calls grow(n, r) once, where r reads hashes
	// already stored, inside the same section; grow returns the hashes to
	// store at hash indexes first, first+1, .... Append then stores the leaves
	// and the hashes. It is all or nothing: if grow or any write fails,
	// nothing is stored and Append returns the error (grow's error as it
	// was returned, so errors.Is and errors.As see it).
	//
	// Append must be serialised against every other Append to the same log,
	// across goroutines and processes, so that leaf indexes have neither
	// gaps nor duplicates. If the implementation retries a failed
	// transaction it may call grow again; grow has no side effects.
	// Append does not keep leaves after it returns.
	Append(ctx context.Context, leaves [][]byte, grow GrowFunc) (n int64, err error)

	// Size returns the number of leaves stored.
	Size(ctx context.Context) (int64, error)

	// ReadHashes returns the hashes stored at the given hash indexes, in the
	// order asked, or an error. An index not stored is an error wrapping
	// [ErrNotStored]. Callers usually ask for ascending, often contiguous,
	// indexes; [Log.Verify] asks for contiguous runs of up to about 8,200.
	ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error)

	// ReadLeaves calls fn for every stored leaf n with start <= n < end, in
	// increasing order of n, and stops at fn's first error, returning it.
	// A leaf that is not stored is skipped, not invented: the caller detects
	// the gap. data is valid only during the call; fn neither modifies nor
	// keeps it.
	ReadLeaves(ctx context.Context, start, end int64, fn func(n int64, data []byte) error) error
}

// GrowFunc computes the hashes to store with leaves appended as leaf n
// onwards, reading earlier hashes from r. It returns the hash index of the
// first hash to store and the hashes, to be stored at consecutive indexes.
type GrowFunc func(n int64, r tlog.HashReader) (first int64, hashes []tlog.Hash, err error)

// CheckpointStore keeps the signed checkpoints of one log (see
// [SignCheckpoint]). The ward keeps its own copies, which are what counts;
// the store's copies let the Office prove consistency from the last
// checkpoint it handed out. It is separate from [Storage] so that a store
// may keep checkpoints elsewhere (a file, an object store).
type CheckpointStore interface {
	// SaveCheckpoint stores a signed checkpoint for a tree of size leaves.
	// Saving a size that is already stored replaces it.
	SaveCheckpoint(ctx context.Context, size int64, signed []byte) error
	// LatestCheckpoint returns the stored checkpoint with the largest size,
	// or an error wrapping [ErrNotStored] if there is none.
	LatestCheckpoint(ctx context.Context) (signed []byte, err error)
}

// hashReader adapts a Storage to tlog's context-free reader.
type hashReader struct {
	ctx context.Context
	s   Storage
}

func (r hashReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	return r.s.ReadHashes(r.ctx, indexes)
}

// pendingReader serves the hashes of a batch being appended (stored hash
// indexes base, base+1, ...) from memory and every earlier hash from r.
type pendingReader struct {
	base    int64
	pending []tlog.Hash
	r       tlog.HashReader
}

func (p *pendingReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	var older []int64
	var at []int
	for i, x := range indexes {
		if x >= p.base && x-p.base < int64(len(p.pending)) {
			out[i] = p.pending[x-p.base]
			continue
		}
		older = append(older, x)
		at = append(at, i)
	}
	if len(older) > 0 {
		hs, err := p.r.ReadHashes(older)
		if err != nil {
			return nil, err
		}
		if len(hs) != len(older) {
			return nil, errShortRead
		}
		for j, i := range at {
			out[i] = hs[j]
		}
	}
	return out, nil
}
