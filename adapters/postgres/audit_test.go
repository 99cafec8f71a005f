package postgres_test

import (
	"crypto/rand"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/audit"
)

const origin = "kuji.example.jp/test/pg-audit"

func entry(i int) audit.Entry {
	return audit.Entry{
		Time:     t0.Add(time.Duration(i) * time.Millisecond),
		Actor:    "staff-017",
		Role:     audit.RoleSystem,
		Action:   audit.ActionApply,
		Event:    "ev-1",
		Subjects: []string{fmt.Sprintf("R-%06d", i)},
		Outcome:  audit.OutcomeAllowed,
	}
}

// Thirty-two writers on two servers append to one log, one or two entries
// per transaction, and every fourth transaction rolls back after its
// append: the committed entries have indexes 0..n-1 without gap or
// duplicate, and the log verifies against a signed checkpoint.
func TestAuditAppendsAcrossStoresHaveNoGaps(t *testing.T) {
	t.Parallel()
	a, dsn, schema := openStore(t)
	b := secondStore(t, dsn, schema)
	stores := []adapters.Store{a, b}

	const writers, each = 32, 6
	rollback := errors.New("roll back after appending")
	var mu sync.Mutex
	committed := map[int64]string{} // leaf index -> subject
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				k := w*each + i
				batch := []audit.Entry{entry(k)}
				if k%3 == 0 {
					batch = append(batch, entry(100000+k))
				}
				var n int64
				err := stores[w%2].Update(bg(), func(tx adapters.Tx) error {
					log, err := audit.NewLog(origin, tx.AuditLog(origin))
					if err != nil {
						return err
					}
					if n, err = log.Append(bg(), batch...); err != nil {
						return err
					}
					if k%4 == 3 {
						return rollback
					}
					return nil
				})
				if k%4 == 3 {
					if !errors.Is(err, rollback) {
						t.Errorf("writer %d: %v", w, err)
					}
					continue
				}
				if err != nil {
					t.Errorf("writer %d: %v", w, err)
					continue
				}
				mu.Lock()
				for j, e := range batch {
					if prev, dup := committed[n+int64(j)]; dup {
						t.Errorf("leaf %d handed out twice (%s, %s)", n+int64(j), prev, e.Subjects[0])
					}
					committed[n+int64(j)] = e.Subjects[0]
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()

	skey, vkey, err := audit.GenerateKey(rand.Reader, origin)
	require.NoError(t, err)
	signer, err := note.NewSigner(skey)
	require.NoError(t, err)
	verifier, err := note.NewVerifier(vkey)
	require.NoError(t, err)

	var signed []byte
	require.NoError(t, a.Update(bg(), func(tx adapters.Tx) error {
		store := tx.AuditLog(origin)
		log, err := audit.NewLog(origin, store)
		require.NoError(t, err)
		size, err := log.Size(bg())
		require.NoError(t, err)
		require.Equal(t, int64(len(committed)), size, "the size counts committed entries only")

		var indexes []int64
		require.NoError(t, store.ReadLeaves(bg(), 0, size, func(n int64, data []byte) error {
			indexes = append(indexes, n)
			e, err := audit.DecodeEntry(data)
			require.NoError(t, err)
			require.Equal(t, committed[n], e.Subjects[0], "leaf %d holds the entry appended there", n)
			return nil
		}))
		require.True(t, sort.SliceIsSorted(indexes, func(i, j int) bool { return indexes[i] < indexes[j] }))
		for i, n := range indexes {
			require.Equal(t, int64(i), n, "no gap")
		}

		signed, _, err = log.Sign(bg(), signer)
		require.NoError(t, err)
		return store.SaveCheckpoint(bg(), size, signed)
	}))

	require.NoError(t, b.View(bg(), func(tx adapters.ReadTx) error {
		store := tx.AuditLog(origin)
		latest, err := store.LatestCheckpoint(bg())
		require.NoError(t, err)
		require.Equal(t, signed, latest)
		cp, err := audit.OpenCheckpoint(latest, verifier)
		require.NoError(t, err)
		log, err := audit.NewLog(origin, store)
		require.NoError(t, err)
		res, err := log.Verify(bg(), cp)
		require.NoError(t, err, "the other server verifies the whole log")
		require.Equal(t, int64(len(committed)), res.Size)
		return nil
	}))
}

func TestAuditStorageContract(t *testing.T) {
	t.Parallel()
	s, _, _ := openStore(t)
	require.NoError(t, s.Update(bg(), func(tx adapters.Tx) error {
		one, err := audit.NewLog(origin, tx.AuditLog(origin))
		require.NoError(t, err)
		other, err := audit.NewLog(origin+"-other", tx.AuditLog(origin+"-other"))
		require.NoError(t, err)
		for i := range 5 {
			n, err := one.Append(bg(), entry(i))
			require.NoError(t, err)
			require.Equal(t, int64(i), n)
		}
		n, err := other.Append(bg(), entry(9), entry(10))
		require.NoError(t, err)
		require.Zero(t, n, "logs are independent")

		store := tx.AuditLog(origin)
		_, err = store.ReadHashes(bg(), []int64{0, 999})
		require.ErrorIs(t, err, audit.ErrNotStored, "a hash not stored")
		hs, err := store.ReadHashes(bg(), []int64{3, 0, 3})
		require.NoError(t, err, "any order, repeats allowed")
		require.Len(t, hs, 3)
		require.Equal(t, hs[0], hs[2])
		require.NotEqual(t, hs[0], hs[1])

		var got []int64
		require.NoError(t, store.ReadLeaves(bg(), 2, 100, func(n int64, _ []byte) error {
			got = append(got, n)
			return nil
		}))
		require.Equal(t, []int64{2, 3, 4}, got, "a range past the end stops at the last leaf")

		_, err = store.LatestCheckpoint(bg())
		require.ErrorIs(t, err, audit.ErrNotStored, "no checkpoint yet")
		require.NoError(t, store.SaveCheckpoint(bg(), 2, []byte("cp-2")))
		require.NoError(t, store.SaveCheckpoint(bg(), 5, []byte("cp-5")))
		require.NoError(t, store.SaveCheckpoint(bg(), 2, []byte("cp-2b")))
		latest, err := store.LatestCheckpoint(bg())
		require.NoError(t, err)
		require.Equal(t, []byte("cp-5"), latest, "the largest size wins")

		grow := errors.New("grow failed")
		_, err = store.Append(bg(), [][]byte{[]byte("x")}, func(int64, tlog.HashReader) (int64, []tlog.Hash, error) {
			return 0, nil, grow
		})
		require.ErrorIs(t, err, grow, "grow's error as it was returned")
		size, err := store.Size(bg())
		require.NoError(t, err)
		require.Equal(t, int64(5), size, "a failed append stores nothing")
		return nil
	}))

	require.NoError(t, s.View(bg(), func(tx adapters.ReadTx) error {
		log, err := audit.NewLog(origin, tx.AuditLog(origin))
		require.NoError(t, err)
		_, err = log.Append(bg(), entry(99))
		require.Error(t, err, "no append through a View")
		require.Error(t, tx.AuditLog(origin).SaveCheckpoint(bg(), 1, []byte("x")))
		return nil
	}))
}
