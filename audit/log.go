package audit

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

var (
	// ErrInvalidOrigin: a log origin that cannot be a checkpoint's first
	// line (see [NewLog]).
	ErrInvalidOrigin = errors.New("kuji/audit: invalid log origin")

	errNoEntries  = errors.New("kuji/audit: Append needs at least one entry")
	errShortRead  = errors.New("kuji/audit: storage returned the wrong number of hashes")
	errOutOfRange = errors.New("kuji/audit: entry index out of range")
)

// Log is a tamper-evident audit log: an RFC 6962 Merkle tree over encoded
// entries, kept in a [Storage]. A Log holds no state of its own besides its
// origin and storage, so it is cheap to make one per transaction; any
// number of Logs may append to the same storage concurrently, since the
// storage serialises appends. A Log is safe for concurrent use.
type Log struct {
	origin string
	s      Storage
}

// NewLog returns the log named origin kept in s. The origin is the first
// line of the log's checkpoints and must identify the log uniquely, e.g.
// "kuji.example.jp/shinjuku/citywalk-2026": printable ASCII without spaces
// or '+', at most 255 bytes. Otherwise NewLog returns an error wrapping
// [ErrInvalidOrigin].
func NewLog(origin string, s Storage) (*Log, error) {
	if !validOrigin(origin) {
		return nil, fmt.Errorf("%w: printable ASCII without spaces or '+' expected", ErrInvalidOrigin)
	}
	return &Log{origin: origin, s: s}, nil
}

// Origin returns the log's origin.
func (l *Log) Origin() string { return l.origin }

// Append validates and appends entries, in order, and returns the index of
// the first. Either every entry is appended or none is: if any entry is
// invalid, Append returns an [ErrorList] of [*EntryError] (Entry being the
// position in entries) and appends nothing.
func (l *Log) Append(ctx context.Context, entries ...Entry) (int64, error) {
	if len(entries) == 0 {
		return 0, errNoEntries
	}
	leaves := make([][]byte, len(entries))
	var errs ErrorList
	for i, e := range entries {
		data, err := e.encode(int64(i))
		var list ErrorList
		switch {
		case errors.As(err, &list):
			errs = append(errs, list...)
		case err != nil:
			return 0, err
		default:
			leaves[i] = data
		}
	}
	if len(errs) > 0 {
		return 0, errs
	}
	return l.s.Append(ctx, leaves, growFor(leaves))
}

// growFor returns the GrowFunc for appending leaves. Record hashes are
// computed here, outside the storage's serialised section.
func growFor(leaves [][]byte) GrowFunc {
	records := make([]tlog.Hash, len(leaves))
	for i, data := range leaves {
		records[i] = tlog.RecordHash(data)
	}
	return func(n int64, r tlog.HashReader) (int64, []tlog.Hash, error) {
		p := &pendingReader{base: tlog.StoredHashIndex(0, n), r: r}
		for i, h := range records {
			hs, err := tlog.StoredHashesForRecordHash(n+int64(i), h, p)
			if err != nil {
				return 0, nil, err
			}
			p.pending = append(p.pending, hs...)
		}
		return p.base, p.pending, nil
	}
}

// Size returns the number of entries in the log.
func (l *Log) Size(ctx context.Context) (int64, error) {
	return l.s.Size(ctx)
}

// Checkpoint returns the log's current tree head, unsigned.
func (l *Log) Checkpoint(ctx context.Context) (Checkpoint, error) {
	size, err := l.s.Size(ctx)
	if err != nil {
		return Checkpoint{}, err
	}
	return l.checkpointAt(ctx, size)
}

// checkpointAt returns the tree head of the first size entries, from the
// stored hashes.
func (l *Log) checkpointAt(ctx context.Context, size int64) (Checkpoint, error) {
	h, err := tlog.TreeHash(size, hashReader{ctx, l.s})
	if err != nil {
		return Checkpoint{}, err
	}
	return Checkpoint{Origin: l.origin, Size: size, Hash: h}, nil
}

// Sign returns the log's current tree head signed with s, as a C2SP
// tlog-checkpoint note (see [SignCheckpoint]), and the checkpoint itself.
// Keep the signed bytes: they are what the ward holds and what proofs and
// [Log.Verify] are checked against.
func (l *Log) Sign(ctx context.Context, s note.Signer) ([]byte, Checkpoint, error) {
	cp, err := l.Checkpoint(ctx)
	if err != nil {
		return nil, Checkpoint{}, err
	}
	signed, err := SignCheckpoint(cp, s)
	if err != nil {
		return nil, Checkpoint{}, err
	}
	return signed, cp, nil
}

// Entries calls fn with each entry n, start <= n < end, in order, and
// stops at fn's first error, returning it. A missing leaf is a
// [*VerifyError]; a stored leaf that is not a valid entry is an
// [*EntryError] or an [ErrorList] of them, naming the leaf index. Entries
// only decodes; [Log.Verify] checks the content against a checkpoint.
func (l *Log) Entries(ctx context.Context, start, end int64, fn func(n int64, e Entry) error) error {
	if start < 0 || end < start {
		return errOutOfRange
	}
	next := start
	err := l.s.ReadLeaves(ctx, start, end, func(n int64, data []byte) error {
		if n != next {
			return &VerifyError{Entry: next, Through: next, Reason: ReasonEntryMissing}
		}
		next++
		e, err := decodeEntry(data, n)
		if err != nil {
			return err
		}
		return fn(n, e)
	})
	if err != nil {
		return err
	}
	if next < end {
		return &VerifyError{Entry: next, Through: next, Reason: ReasonEntryMissing}
	}
	return nil
}
