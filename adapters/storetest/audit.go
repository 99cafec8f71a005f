package storetest

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/audit"
)

func auditCases() []testCase {
	return []testCase{
		{"AuditAppendsOrderedWithoutGaps", testAuditConcurrent},
		{"AuditAppendRollsBack", testAuditRollback},
		{"AuditReadsAndCheckpoints", testAuditReads},
	}
}

const testOrigin = "kuji.test/storetest/ev-1"

func auditEntry(worker, i int) audit.Entry {
	return audit.Entry{
		Time:       t0.Add(time.Duration(worker*1000+i) * time.Millisecond),
		Actor:      fmt.Sprintf("handler-%02d", worker),
		Role:       audit.RoleHandler,
		Purpose:    "reception",
		Action:     audit.ActionView,
		Event:      "ev-1",
		Subjects:   []string{fmt.Sprintf("W%02d-N%03d", worker, i)},
		Categories: []string{"user.name"},
		Outcome:    audit.OutcomeAllowed,
	}
}

func appendIn(tx adapters.Tx, origin string, entries ...audit.Entry) (int64, error) {
	l, err := audit.NewLog(origin, tx.AuditLog(origin))
	if err != nil {
		return 0, err
	}
	return l.Append(bg(), entries...)
}

// Writers on (where possible) two stores append to one log at once, some in
// batches and beside other writes: indexes have no gaps and no duplicates,
// each writer's entries keep their order, and the stored tree verifies.
func testAuditConcurrent(t *testing.T, h Harness) {
	ss := stores(t, h)
	createEvent(t, ss[0], "ev-1")
	const workers, each = 16, 8
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := ss[w%len(ss)]
			for i := 0; i < each; {
				batch := []audit.Entry{auditEntry(w, i)}
				if w%4 == 0 && i+1 < each {
					batch = append(batch, auditEntry(w, i+1)) // a batch of two
				}
				err := s.Update(bg(), func(tx adapters.Tx) error {
					if _, err := tx.NextReceipt(bg(), "ev-1"); err != nil {
						return err
					}
					_, err := appendIn(tx, testOrigin, batch...)
					return err
				})
				if err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
				i += len(batch)
			}
		}()
	}
	wg.Wait()

	skey, vkey, err := audit.GenerateKey(rand.Reader, testOrigin)
	require.NoError(t, err)
	signer, err := note.NewSigner(skey)
	require.NoError(t, err)
	view(t, ss[len(ss)-1], func(tx adapters.ReadTx) error {
		l, err := audit.NewLog(testOrigin, tx.AuditLog(testOrigin))
		require.NoError(t, err)
		size, err := l.Size(bg())
		require.NoError(t, err)
		require.Equal(t, int64(workers*each), size)
		last := map[string]int64{}
		seen := map[string]bool{}
		next := int64(0)
		require.NoError(t, l.Entries(bg(), 0, size, func(n int64, e audit.Entry) error {
			require.Equal(t, next, n, "no gaps")
			next++
			s := e.Subjects[0]
			require.False(t, seen[s], "entry %s appended twice", s)
			seen[s] = true
			if prev, ok := last[e.Actor]; ok {
				require.Greater(t, n, prev)
			}
			last[e.Actor] = n
			return nil
		}))
		require.Len(t, seen, workers*each)
		cp, err := l.Checkpoint(bg())
		require.NoError(t, err)
		require.Equal(t, size, cp.Size)
		require.Equal(t, rfc6962Root(t, tx.AuditLog(testOrigin), size), cp.Hash,
			"the stored hashes give the RFC 6962 root of the stored leaves")
		signed, err := audit.SignCheckpoint(cp, signer)
		require.NoError(t, err)
		_, err = l.Verify(bg(), cp)
		require.NoError(t, err)
		p, err := l.ProveInclusion(bg(), size/2, signed)
		require.NoError(t, err)
		verifier, err := note.NewVerifier(vkey)
		require.NoError(t, err)
		e, _, err := p.Verify(verifier)
		require.NoError(t, err)
		require.NotEmpty(t, e.Subjects, "the proof carries the entry it proves")
		return nil
	})
}

// rfc6962Root recomputes the tree head from the leaves alone.
func rfc6962Root(t *testing.T, s audit.Storage, size int64) tlog.Hash {
	t.Helper()
	var level []tlog.Hash
	require.NoError(t, s.ReadLeaves(bg(), 0, size, func(_ int64, data []byte) error {
		level = append(level, tlog.RecordHash(data))
		return nil
	}))
	require.Len(t, level, int(size))
	var root func(hs []tlog.Hash) tlog.Hash
	root = func(hs []tlog.Hash) tlog.Hash {
		if len(hs) == 1 {
			return hs[0]
		}
		k := 1
		for k*2 < len(hs) {
			k *= 2
		}
		return tlog.NodeHash(root(hs[:k]), root(hs[k:]))
	}
	return root(level)
}

func testAuditRollback(t *testing.T, h Harness) {
	s := h.Store()
	createEvent(t, s, "ev-1")
	update(t, s, func(tx adapters.Tx) error {
		_, err := appendIn(tx, testOrigin, auditEntry(1, 0), auditEntry(1, 1))
		return err
	})
	boom := errors.New("operation failed after auditing")
	err := s.Update(bg(), func(tx adapters.Tx) error {
		_, err := appendIn(tx, testOrigin, auditEntry(1, 2))
		require.NoError(t, err)
		require.NoError(t, tx.AuditLog(testOrigin).SaveCheckpoint(bg(), 3, []byte("cp3")))
		return boom
	})
	require.ErrorIs(t, err, boom)

	growErr := errors.New("grow refused")
	err = s.Update(bg(), func(tx adapters.Tx) error {
		_, err := tx.AuditLog(testOrigin).Append(bg(), [][]byte{[]byte("x")}, func(int64, tlog.HashReader) (int64, []tlog.Hash, error) {
			return 0, nil, growErr
		})
		return err
	})
	require.ErrorIs(t, err, growErr, "grow's error comes back unchanged")

	update(t, s, func(tx adapters.Tx) error {
		n, err := appendIn(tx, testOrigin, auditEntry(1, 3))
		require.NoError(t, err)
		require.Equal(t, int64(2), n, "the rolled-back appends left no index behind")
		_, err = tx.AuditLog(testOrigin).LatestCheckpoint(bg())
		require.ErrorIs(t, err, audit.ErrNotStored, "the rolled-back checkpoint is gone")
		return nil
	})
	view(t, s, func(tx adapters.ReadTx) error {
		l, err := audit.NewLog(testOrigin, tx.AuditLog(testOrigin))
		require.NoError(t, err)
		cp, err := l.Checkpoint(bg())
		require.NoError(t, err)
		_, err = l.Verify(bg(), cp)
		require.NoError(t, err)
		return nil
	})
}

func testAuditReads(t *testing.T, h Harness) {
	s := h.Store()
	createEvent(t, s, "ev-1")
	const other = "kuji.test/storetest/ev-2"
	update(t, s, func(tx adapters.Tx) error {
		for i := range 5 {
			if _, err := appendIn(tx, testOrigin, auditEntry(2, i)); err != nil {
				return err
			}
		}
		_, err := appendIn(tx, other, auditEntry(3, 0))
		return err
	})
	update(t, s, func(tx adapters.Tx) error {
		cs := tx.AuditLog(testOrigin)
		_, err := cs.LatestCheckpoint(bg())
		require.ErrorIs(t, err, audit.ErrNotStored)
		require.NoError(t, cs.SaveCheckpoint(bg(), 3, []byte("cp3")))
		require.NoError(t, cs.SaveCheckpoint(bg(), 5, []byte("cp5")))
		require.NoError(t, cs.SaveCheckpoint(bg(), 4, []byte("cp4")))
		require.NoError(t, cs.SaveCheckpoint(bg(), 5, []byte("cp5-replaced")))
		return nil
	})
	view(t, s, func(tx adapters.ReadTx) error {
		a := tx.AuditLog(testOrigin)
		size, err := a.Size(bg())
		require.NoError(t, err)
		require.Equal(t, int64(5), size)
		size, err = tx.AuditLog(other).Size(bg())
		require.NoError(t, err)
		require.Equal(t, int64(1), size, "logs are independent")
		size, err = tx.AuditLog("kuji.test/never-written").Size(bg())
		require.NoError(t, err)
		require.Zero(t, size)

		cp, err := a.LatestCheckpoint(bg())
		require.NoError(t, err)
		require.Equal(t, []byte("cp5-replaced"), cp, "the largest size wins; saving a size again replaces it")

		var got []int64
		require.NoError(t, a.ReadLeaves(bg(), 1, 4, func(n int64, data []byte) error {
			got = append(got, n)
			e, err := audit.DecodeEntry(data)
			require.NoError(t, err)
			require.Equal(t, fmt.Sprintf("W02-N%03d", n), e.Subjects[0])
			return nil
		}))
		require.Equal(t, []int64{1, 2, 3}, got)
		got = nil
		require.NoError(t, a.ReadLeaves(bg(), 3, 100, func(n int64, _ []byte) error {
			got = append(got, n)
			return nil
		}))
		require.Equal(t, []int64{3, 4}, got, "ReadLeaves stops at the end of the log")

		want := make([]int64, 0, tlog.StoredHashIndex(0, 5))
		for i := range tlog.StoredHashIndex(0, 5) {
			want = append(want, i)
		}
		hs, err := a.ReadHashes(bg(), want)
		require.NoError(t, err)
		require.Len(t, hs, len(want))
		rev, err := a.ReadHashes(bg(), []int64{want[2], want[0]})
		require.NoError(t, err)
		require.Equal(t, []tlog.Hash{hs[2], hs[0]}, rev, "hashes come back in the order asked")
		_, err = a.ReadHashes(bg(), []int64{tlog.StoredHashIndex(0, 5)})
		require.ErrorIs(t, err, audit.ErrNotStored)

		_, err = a.Append(bg(), [][]byte{[]byte("x")}, func(n int64, r tlog.HashReader) (int64, []tlog.Hash, error) {
			return tlog.StoredHashIndex(0, n), []tlog.Hash{tlog.RecordHash([]byte("x"))}, nil
		})
		require.Error(t, err, "no append through a read-only transaction")
		require.Error(t, a.SaveCheckpoint(bg(), 9, []byte("x")))
		return nil
	})
	view(t, s, func(tx adapters.ReadTx) error {
		size, err := tx.AuditLog(testOrigin).Size(bg())
		require.NoError(t, err)
		require.Equal(t, int64(5), size)
		return nil
	})
	r := raw(t, h)
	require.True(t, bytes.Contains(r, []byte("W02-N003")), "audit leaves are in the store's raw storage")
}
