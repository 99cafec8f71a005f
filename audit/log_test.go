package audit_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/kuji-go/kuji/audit"
)

const testOrigin = "kuji.example.jp/shinjuku/citywalk-2026"

func newTestLog(t testing.TB, s audit.Storage) *audit.Log {
	t.Helper()
	l, err := audit.NewLog(testOrigin, s)
	require.NoError(t, err)
	return l
}

// testKeys returns a fresh checkpoint key pair in note's encodings.
func testKeys(t testing.TB) (skey, vkey string) {
	t.Helper()
	skey, vkey, err := audit.GenerateKey(rand.Reader, testOrigin)
	require.NoError(t, err)
	return skey, vkey
}

// testKey returns a fresh checkpoint signer for name and its verifier.
func testKey(t testing.TB, name string) (note.Signer, note.Verifier) {
	t.Helper()
	skey, vkey, err := audit.GenerateKey(rand.Reader, name)
	require.NoError(t, err)
	return mustSigner(t, skey), mustVerifier(t, vkey)
}

func mustSigner(t testing.TB, skey string) note.Signer {
	t.Helper()
	s, err := note.NewSigner(skey)
	require.NoError(t, err)
	return s
}

func mustVerifier(t testing.TB, vkey string) note.Verifier {
	t.Helper()
	v, err := note.NewVerifier(vkey)
	require.NoError(t, err)
	return v
}

// appendRaw stores leaf in s with the hashes tlog prescribes, bypassing
// the audit package: how a forger with write access rebuilds a log.
func appendRaw(t testing.TB, s *memoryStorage, leaf []byte) {
	t.Helper()
	n := int64(len(s.leaves))
	hs, err := tlog.StoredHashes(n, leaf, tlog.HashReaderFunc(s.readHashes))
	require.NoError(t, err)
	s.leaves = append(s.leaves, leaf)
	s.hashes = append(s.hashes, hs...)
}

func testDesignation(id, actor string, role audit.Role) audit.Designation {
	return audit.Designation{
		ID: id, Event: testEvent, Actor: actor, Role: role,
		Organisation: audit.OrganisationContractor,
		Purposes:     []string{"reception", "notification"},
		From:         day0.AddDate(0, -1, 0),
		Until:        day0.AddDate(0, 2, 0),
		TrainedOn:    day0.AddDate(0, -1, -7),
	}
}

// numbered returns a valid entry whose subject tells it apart.
func numbered(i int) audit.Entry {
	e := validEntry()
	e.Time = day0.Add(time.Duration(i) * time.Second)
	e.Subjects = []string{fmt.Sprintf("CW-%06d", i)}
	return e
}

// mth is the Merkle tree hash of RFC 6962, section 2.1, written from the
// RFC's definition as an independent reference.
func mth(leaves [][]byte) tlog.Hash {
	switch len(leaves) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return sha256.Sum256(append([]byte{0}, leaves[0]...))
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	l, r := mth(leaves[:k]), mth(leaves[k:])
	return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...))
}

// Appending one entry at a time or in batches of any size stores the
// hashes tlog.StoredHashes prescribes, and the tree's root is the RFC 6962
// hash of the leaves at every size.
func TestAppendStoresTheTreeTlogPrescribes(t *testing.T) {
	t.Parallel()
	const total = 70
	for _, batch := range []int{1, 2, 3, 7, 16, total} {
		t.Run(fmt.Sprint("batch ", batch), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := &memoryStorage{}
			log := newTestLog(t, s)
			var want []tlog.Hash // built with tlog as the reference
			ref := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
				out := make([]tlog.Hash, len(idx))
				for i, x := range idx {
					out[i] = want[x]
				}
				return out, nil
			})
			for i := 0; i < total; i += batch {
				var entries []audit.Entry
				for j := i; j < min(i+batch, total); j++ {
					entries = append(entries, numbered(j))
				}
				n, err := log.Append(ctx, entries...)
				require.NoError(t, err)
				require.Equal(t, int64(i), n)
				for j := range entries {
					hs, err := tlog.StoredHashes(int64(i+j), s.leaves[i+j], ref)
					require.NoError(t, err)
					want = append(want, hs...)
				}
				require.Equal(t, want, s.hashes)
				cp, err := log.Checkpoint(ctx)
				require.NoError(t, err)
				require.Equal(t, int64(len(s.leaves)), cp.Size)
				require.Equal(t, mth(s.leaves), cp.Hash)
			}
		})
	}
}

func TestAppendIsAllOrNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := &memoryStorage{}
	log := newTestLog(t, s)
	bad := numbered(1)
	bad.Actor = "not an id"
	_, err := log.Append(ctx, numbered(0), bad, numbered(2))
	var ee *audit.EntryError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, int64(1), ee.Entry)
	require.Empty(t, s.leaves)

	_, err = log.Append(ctx)
	require.Error(t, err)

	// A storage failure while growing the tree stores nothing either.
	_, err = log.Append(ctx, numbered(0))
	require.NoError(t, err)
	boom := errors.New("disk on fire")
	failing := growFailure{s, boom}
	_, err = newTestLog(t, failing).Append(ctx, numbered(1))
	require.ErrorIs(t, err, boom)
	require.Len(t, s.leaves, 1)
	require.Len(t, s.hashes, 1)
}

// growFailure hands grow a hash reader that fails.
type growFailure struct {
	*memoryStorage
	err error
}

func (g growFailure) Append(ctx context.Context, leaves [][]byte, grow audit.GrowFunc) (int64, error) {
	return g.memoryStorage.Append(ctx, leaves, func(n int64, _ tlog.HashReader) (int64, []tlog.Hash, error) {
		return grow(n, tlog.HashReaderFunc(func([]int64) ([]tlog.Hash, error) { return nil, g.err }))
	})
}

// Several writers, each with its own Log as the Office has one per
// transaction, append to one storage at once: every entry lands exactly
// once, indexes have no gaps, and the result verifies.
func TestConcurrentAppendsLeaveNoGaps(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := &memoryStorage{}
	const writers, rounds = 8, 40
	type span struct{ first, count int64 }
	spans := make(chan span, writers*rounds)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			log := newTestLog(t, s)
			for r := range rounds {
				size := 1 + (w+r)%3
				var batch []audit.Entry
				for k := range size {
					batch = append(batch, numbered(w*1000+r*10+k))
				}
				n, err := log.Append(ctx, batch...)
				if err != nil {
					t.Error(err)
					return
				}
				spans <- span{n, int64(size)}
			}
		})
	}
	wg.Wait()
	close(spans)

	log := newTestLog(t, s)
	size, err := log.Size(ctx)
	require.NoError(t, err)
	covered := make([]int, size)
	var total int64
	for sp := range spans {
		total += sp.count
		for n := sp.first; n < sp.first+sp.count; n++ {
			covered[n]++
		}
	}
	require.Equal(t, total, size)
	for n, c := range covered {
		require.Equal(t, 1, c, "leaf %d", n)
	}

	seen := map[string]int{}
	require.NoError(t, log.Entries(ctx, 0, size, func(_ int64, e audit.Entry) error {
		seen[e.Subjects[0]]++
		return nil
	}))
	require.Len(t, seen, int(size))

	cp, err := log.Checkpoint(ctx)
	require.NoError(t, err)
	require.Equal(t, mth(s.leaves), cp.Hash)
	_, err = log.Verify(ctx, cp)
	require.NoError(t, err)
}

func TestEntriesReadsBackWhatWasAppended(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	log := newTestLog(t, &memoryStorage{})
	var want []audit.Entry
	for i := range 5 {
		want = append(want, numbered(i))
	}
	_, err := log.Append(ctx, want...)
	require.NoError(t, err)
	var got []audit.Entry
	require.NoError(t, log.Entries(ctx, 1, 4, func(n int64, e audit.Entry) error {
		require.Equal(t, int64(len(got)+1), n)
		got = append(got, e)
		return nil
	}))
	require.Equal(t, want[1:4], got)

	err = log.Entries(ctx, 0, 6, func(int64, audit.Entry) error { return nil })
	var ve *audit.VerifyError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, audit.ReasonEntryMissing, ve.Reason)
	require.Equal(t, int64(5), ve.Entry)

	stop := errors.New("stop")
	require.ErrorIs(t, log.Entries(ctx, 0, 5, func(int64, audit.Entry) error { return stop }), stop)
}

func TestNewLogRefusesBadOrigins(t *testing.T) {
	t.Parallel()
	for _, origin := range []string{"", "has space", "a+b", "line\nbreak", "日本語", string(make([]byte, 256))} {
		_, err := audit.NewLog(origin, &memoryStorage{})
		require.ErrorIs(t, err, audit.ErrInvalidOrigin, "%q", origin)
	}
}
