package audit_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/kuji-go/kuji/audit"
)

// signedLog returns a log of size entries, its storage and the checkpoint
// the ward holds for it, opened with the ward's public key.
func signedLog(t *testing.T, size int) (*audit.Log, *memoryStorage, audit.Checkpoint) {
	t.Helper()
	ctx := context.Background()
	signer, verifier := testKey(t, testOrigin)
	s := &memoryStorage{}
	log := newTestLog(t, s)
	entries := make([]audit.Entry, size)
	for i := range entries {
		entries[i] = numbered(i)
	}
	if size > 0 {
		_, err := log.Append(ctx, entries...)
		require.NoError(t, err)
	}
	signed, _, err := log.Sign(ctx, signer)
	require.NoError(t, err)
	cp, err := audit.OpenCheckpoint(signed, verifier)
	require.NoError(t, err)
	return log, s, cp
}

// flipByte changes one byte in the middle of leaf n.
func flipByte(s *memoryStorage, n int) {
	leaf := bytes.Clone(s.leaves[n])
	leaf[len(leaf)/2] ^= 0x01
	s.leaves[n] = leaf
}

// gapStorage hides leaf skip from ReadLeaves, as a store does after a row
// was deleted.
type gapStorage struct {
	*memoryStorage
	skip int64
}

func (g gapStorage) ReadLeaves(ctx context.Context, start, end int64, fn func(int64, []byte) error) error {
	return g.memoryStorage.ReadLeaves(ctx, start, end, func(n int64, data []byte) error {
		if n == g.skip {
			return nil
		}
		return fn(n, data)
	})
}

func TestVerifyNamesTheFirstTamperedEntry(t *testing.T) {
	t.Parallel()
	const size = 50
	for _, tc := range []struct {
		name   string
		tamper func(t *testing.T, s *memoryStorage) audit.Storage
		reason audit.VerifyReason
		entry  int64
	}{
		{"first entry byte changed", func(_ *testing.T, s *memoryStorage) audit.Storage {
			flipByte(s, 0)
			return s
		}, audit.ReasonEntryChanged, 0},
		{"middle entry byte changed", func(_ *testing.T, s *memoryStorage) audit.Storage {
			flipByte(s, 17)
			flipByte(s, 30)
			return s
		}, audit.ReasonEntryChanged, 17},
		{"last entry byte changed", func(_ *testing.T, s *memoryStorage) audit.Storage {
			flipByte(s, size-1)
			return s
		}, audit.ReasonEntryChanged, size - 1},
		{"last entry deleted", func(_ *testing.T, s *memoryStorage) audit.Storage {
			s.leaves = s.leaves[:size-1]
			return s
		}, audit.ReasonEntryMissing, size - 1},
		{"last entry deleted with its hashes", func(_ *testing.T, s *memoryStorage) audit.Storage {
			s.leaves = s.leaves[:size-1]
			s.hashes = s.hashes[:tlog.StoredHashCount(size-1)]
			return s
		}, audit.ReasonEntryMissing, size - 1},
		{"two entries swapped", func(_ *testing.T, s *memoryStorage) audit.Storage {
			s.leaves[3], s.leaves[10] = s.leaves[10], s.leaves[3]
			return s
		}, audit.ReasonEntryChanged, 3},
		{"neighbours swapped", func(_ *testing.T, s *memoryStorage) audit.Storage {
			s.leaves[8], s.leaves[9] = s.leaves[9], s.leaves[8]
			return s
		}, audit.ReasonEntryChanged, 8},
		{"log truncated", func(_ *testing.T, s *memoryStorage) audit.Storage {
			s.leaves = s.leaves[:20]
			s.hashes = s.hashes[:tlog.StoredHashCount(20)]
			return s
		}, audit.ReasonEntryMissing, 20},
		{"entry deleted from the middle", func(_ *testing.T, s *memoryStorage) audit.Storage {
			return gapStorage{s, 12}
		}, audit.ReasonEntryMissing, 12},
		{"extra entry inserted", func(_ *testing.T, s *memoryStorage) audit.Storage {
			extra, err := numbered(999).Encode()
			if err != nil {
				panic(err)
			}
			s.leaves = slices.Insert(s.leaves, 7, extra)
			return s
		}, audit.ReasonEntryChanged, 7},
		{"extra entry appended without hashes", func(_ *testing.T, s *memoryStorage) audit.Storage {
			extra, err := numbered(999).Encode()
			if err != nil {
				panic(err)
			}
			s.leaves = append(s.leaves, extra)
			return s
		}, audit.ReasonHashesMissing, size},
		{"entry changed with its own hash", func(_ *testing.T, s *memoryStorage) audit.Storage {
			flipByte(s, 20)
			s.hashes[tlog.StoredHashIndex(0, 20)] = tlog.RecordHash(s.leaves[20])
			return s
		}, audit.ReasonHashesChanged, 20},
		{"entries swapped with their own hashes", func(_ *testing.T, s *memoryStorage) audit.Storage {
			i, j := tlog.StoredHashIndex(0, 33), tlog.StoredHashIndex(0, 34)
			s.leaves[33], s.leaves[34] = s.leaves[34], s.leaves[33]
			s.hashes[i], s.hashes[j] = s.hashes[j], s.hashes[i]
			return s
		}, audit.ReasonHashesChanged, 32},
		{"log rebuilt with every hash", func(t *testing.T, s *memoryStorage) audit.Storage {
			flipByte(s, 30)
			rebuilt := &memoryStorage{}
			for _, leaf := range s.leaves {
				appendRaw(t, rebuilt, leaf)
			}
			return rebuilt
		}, audit.ReasonRootMismatch, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, s, cp := signedLog(t, size)
			tampered := newTestLog(t, tc.tamper(t, s))
			_, err := tampered.Verify(context.Background(), cp)
			requireVerifyError(t, err, tc.reason, tc.entry)
		})
	}
}

func TestVerifyErrorSaysWhichEntries(t *testing.T) {
	t.Parallel()
	_, s, cp := signedLog(t, 50)
	flipByte(s, 20)
	s.hashes[tlog.StoredHashIndex(0, 20)] = tlog.RecordHash(s.leaves[20])
	_, err := newTestLog(t, s).Verify(context.Background(), cp)
	var ve *audit.VerifyError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, int64(21), ve.Through)
	require.Equal(t, "hashes-changed", ve.Code())
	require.Contains(t, ve.English(), "entries 20 to 21 ")
	require.Contains(t, ve.Japanese(), "監査記録 20〜21 ")

	_, s, cp = signedLog(t, 50)
	flipByte(s, 17)
	_, err = newTestLog(t, s).Verify(context.Background(), cp)
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "kuji/audit: entry-changed: entry 17 content no longer matches the hash stored when it was appended (changed, swapped, inserted or removed)", ve.Error())
	require.Equal(t, "監査記録 17 の内容が追記時に保存したハッシュと一致しません（改変・入替・挿入・削除）", ve.Japanese())
}

// Entries appended after the checkpoint are not an error: the checkpoint
// covers its prefix, and the rest is checked against its stored hashes.
func TestVerifyAcceptsGrowthAfterTheCheckpoint(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	log, s, cp := signedLog(t, 50)
	for i := 50; i < 55; i++ {
		_, err := log.Append(ctx, numbered(i))
		require.NoError(t, err)
	}
	res, err := log.Verify(ctx, cp)
	require.NoError(t, err)
	require.Equal(t, audit.VerifyResult{Checkpoint: cp, Size: 55}, res)

	flipByte(s, 52)
	_, err = log.Verify(ctx, cp)
	requireVerifyError(t, err, audit.ReasonEntryChanged, 52)
}

// A log restored from a backup older than the ward's checkpoint is caught.
func TestVerifyCatchesARollback(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, old, _ := signedLog(t, 40)
	backup := &memoryStorage{leaves: slices.Clone(old.leaves), hashes: slices.Clone(old.hashes)}
	log := newTestLog(t, old)
	for i := 40; i < 50; i++ {
		_, err := log.Append(ctx, numbered(i))
		require.NoError(t, err)
	}
	cp, err := log.Checkpoint(ctx)
	require.NoError(t, err)
	_, err = newTestLog(t, backup).Verify(ctx, cp)
	requireVerifyError(t, err, audit.ReasonEntryMissing, 40)
}

func TestVerifyEdgeCases(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	log, _, cp := signedLog(t, 0)
	res, err := log.Verify(ctx, cp)
	require.NoError(t, err)
	require.Zero(t, res.Size)

	cp.Hash[0] ^= 1
	_, err = log.Verify(ctx, cp)
	requireVerifyError(t, err, audit.ReasonRootMismatch, -1)

	log, s, cp := signedLog(t, 3)
	other, err := audit.NewLog("kuji.example.jp/other", s)
	require.NoError(t, err)
	_, err = other.Verify(ctx, cp)
	requireVerifyError(t, err, audit.ReasonOriginMismatch, -1)

	// A storage failure is not tampering: it comes back as it is.
	boom := errors.New("connection reset")
	_, err = newTestLog(t, failingReads{s, boom}).Verify(ctx, cp)
	require.ErrorIs(t, err, boom)
	require.NotErrorIs(t, err, audit.ErrVerification)

	ctxDone, cancel := context.WithCancel(ctx)
	cancel()
	_, err = log.Verify(ctxDone, cp)
	require.ErrorIs(t, err, context.Canceled)
}

type failingReads struct {
	*memoryStorage
	err error
}

func (f failingReads) ReadHashes(context.Context, []int64) ([]tlog.Hash, error) { return nil, f.err }

// Verify reads the log in chunks; problems on either side of a chunk
// boundary are named exactly.
func TestVerifyAcrossChunks(t *testing.T) {
	t.Parallel()
	const size = 9000
	for _, tc := range []struct {
		name   string
		tamper func(s *memoryStorage) audit.Storage
		reason audit.VerifyReason
		entry  int64
	}{
		{"untouched", func(s *memoryStorage) audit.Storage { return s }, "", 0},
		{"changed before a boundary", func(s *memoryStorage) audit.Storage { flipByte(s, 4095); return s }, audit.ReasonEntryChanged, 4095},
		{"changed after a boundary", func(s *memoryStorage) audit.Storage { flipByte(s, 8192); return s }, audit.ReasonEntryChanged, 8192},
		{"gap at a boundary", func(s *memoryStorage) audit.Storage { return gapStorage{s, 4096} }, audit.ReasonEntryMissing, 4096},
		{"hashes lost in a later chunk", func(s *memoryStorage) audit.Storage {
			s.hashes = s.hashes[:tlog.StoredHashIndex(0, 8500)]
			return s
		}, audit.ReasonHashesMissing, 8500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, s, cp := signedLog(t, size)
			_, err := newTestLog(t, tc.tamper(s)).Verify(context.Background(), cp)
			if tc.reason == "" {
				require.NoError(t, err)
				return
			}
			requireVerifyError(t, err, tc.reason, tc.entry)
		})
	}
}
