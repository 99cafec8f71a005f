package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/bits"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/kuji-go/kuji/adapters"
)

// openInternal opens a store on a fresh schema, dropped when the test
// ends (see the external tests' helpers, which these mirror).
func openInternal(t *testing.T) *Store {
	t.Helper()
	dsn := os.Getenv("KUJI_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("PostgreSQL tests skipped: set KUJI_TEST_POSTGRES_DSN (for example postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run them")
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	schema := "kuji_test_" + hex.EncodeToString(b[:])
	ctx := context.Background()
	s, err := Open(ctx, dsn, &Options{Schema: schema})
	require.NoError(t, err)
	t.Cleanup(func() {
		_, err := s.pool.Exec(ctx, "DROP SCHEMA "+s.ident+" CASCADE")
		require.NoError(t, err)
		s.Close()
	})
	return s
}

// needed returns the stored hash indexes tlog reads to append leaf n.
func needed(n int64) []int64 {
	var out []int64
	for i := range bits.TrailingZeros64(uint64(n + 1)) {
		out = append(out, tlog.StoredHashIndex(i, n>>uint(i)-1))
	}
	return out
}

// The prefetch query reads exactly the hashes tlog needs to append leaf n,
// for small logs and for logs far larger than a test can write: leaves
// and hashes are planted at the indexes a log of that size would have.
func TestPrefetchReadsWhatTlogNeeds(t *testing.T) {
	t.Parallel()
	s := openInternal(t)
	ctx := context.Background()
	sizes := []int64{0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 15, 16, 23, 31, 32, 1<<20 - 1, 1<<20 + 7, 1<<33 - 1, 0b1011_0111_1111, 1<<40 + 1<<39 - 1}
	for i, n := range sizes {
		log := int64(1000 + i)
		want := needed(n)
		err := s.Update(ctx, func(atx adapters.Tx) error {
			ptx := atx.(*tx)
			if n > 0 {
				if _, err := ptx.exec(ctx, ptx.q("INSERT INTO {s}.audit_leaves (log, n, data) VALUES ($1, $2, 'x')"), log, n-1); err != nil {
					return err
				}
			}
			// The needed hashes, and decoys next to them.
			for _, x := range want {
				for _, y := range []int64{x - 1, x, x + 1} {
					if _, err := ptx.exec(ctx, ptx.q(`INSERT INTO {s}.audit_hashes (log, n, hash) VALUES ($1, $2, $3)
						ON CONFLICT DO NOTHING`), log, y, make([]byte, 32)); err != nil {
						return err
					}
				}
			}
			rows, err := ptx.query(ctx, ptx.q(prefetchHashes), log)
			if err != nil {
				return err
			}
			got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (int64, error) {
				var x int64
				var h []byte
				return x, r.Scan(&x, &h)
			})
			if err != nil {
				return err
			}
			if !sameSet(want, got) {
				return fmt.Errorf("size %d: prefetched %v, tlog needs %v", n, got, want)
			}
			return nil
		})
		require.NoError(t, err)
	}
}

func sameSet(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[int64]int{}
	for _, x := range a {
		seen[x]++
	}
	for _, x := range b {
		seen[x]--
	}
	for _, c := range seen {
		if c != 0 {
			return false
		}
	}
	return true
}

// Single-leaf appends find every hash they need prefetched: grow never
// goes back to the database inside the serialised section.
func TestAppendUsesPrefetchedHashes(t *testing.T) {
	t.Parallel()
	s := openInternal(t)
	ctx := context.Background()
	for k := range 70 {
		leaf := []byte(fmt.Sprintf("leaf %d", k))
		err := s.Update(ctx, func(atx adapters.Tx) error {
			l := atx.AuditLog("kuji.example.jp/prefetch").(*auditLog)
			n, err := l.Append(ctx, [][]byte{leaf}, func(n int64, r tlog.HashReader) (int64, []tlog.Hash, error) {
				p := r.(prefetched)
				require.Len(t, p.have, len(needed(n)), "leaf %d", n)
				miss := missing{p.have}
				hs, err := tlog.StoredHashesForRecordHash(n, tlog.RecordHash(leaf), miss)
				return tlog.StoredHashIndex(0, n), hs, err
			})
			require.Equal(t, int64(k), n)
			return err
		})
		require.NoError(t, err)
	}
}

// missing serves only what was prefetched.
type missing struct{ have map[int64]tlog.Hash }

func (m missing) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		h, ok := m.have[x]
		if !ok {
			return nil, fmt.Errorf("hash %d was not prefetched", x)
		}
		out[i] = h
	}
	return out, nil
}

func TestTranslate(t *testing.T) {
	t.Parallel()
	live := context.Background()
	cancelled, cancel := context.WithCancel(live)
	cancel()
	pg := func(code string) error {
		return &pgconn.PgError{Code: code, Message: "m", Detail: "Key (mac)=(\\x0102) already exists.", ConstraintName: "c"}
	}
	for _, c := range []struct {
		name string
		ctx  context.Context
		err  error
		want error
	}{
		{"unique violation", live, pg("23505"), adapters.ErrDuplicate},
		{"foreign key violation", live, pg("23503"), adapters.ErrNotFound},
		{"serialization failure", live, pg("40001"), adapters.ErrConflict},
		{"deadlock", live, pg("40P01"), adapters.ErrConflict},
		{"statement cancelled for a cancelled context", cancelled, pg("57014"), context.Canceled},
		{"any error under a cancelled context", cancelled, errors.New("conn closed"), context.Canceled},
		{"a context error from the driver", live, fmt.Errorf("timeout: %w", context.DeadlineExceeded), context.DeadlineExceeded},
		{"a closed transaction", live, pgx.ErrTxClosed, adapters.ErrClosed},
	} {
		err := translate(c.ctx, "op", c.err)
		require.ErrorIs(t, err, c.want, c.name)
		require.NotContains(t, err.Error(), "Key (", "%s: the server's detail is not quoted", c.name)
	}
	require.NoError(t, translate(live, "op", nil))
	other := translate(live, "op", pg("22021"))
	require.Error(t, other)
	for _, s := range []error{adapters.ErrDuplicate, adapters.ErrNotFound, adapters.ErrConflict, adapters.ErrClosed} {
		require.NotErrorIs(t, other, s, "an unexpected error is none of the sentinels")
	}
}

// A real unique violation raised by the server (not avoided by ON
// CONFLICT) is ErrDuplicate.
func TestServerUniqueViolationIsDuplicate(t *testing.T) {
	t.Parallel()
	s := openInternal(t)
	ctx := context.Background()
	_, err := s.pool.Exec(ctx, s.q("INSERT INTO {s}.designations (event, id) VALUES ('ev', 'd')"))
	require.NoError(t, err)
	_, err = s.pool.Exec(ctx, s.q("INSERT INTO {s}.designations (event, id) VALUES ('ev', 'd')"))
	require.ErrorIs(t, translate(ctx, "insert", err), adapters.ErrDuplicate)
	_, err = s.pool.Exec(ctx, s.q("INSERT INTO {s}.contact_cards (id, event, slot, class, sealed, created) VALUES ('c', 'no-such-event', '', '', '', now())"))
	require.ErrorIs(t, translate(ctx, "insert", err), adapters.ErrNotFound)
}

// The audit write travels with the COMMIT: if the connection dies after
// Append returned, Update reports the failure and nothing of the
// transaction is stored.
func TestAuditWriteFailureFailsUpdate(t *testing.T) {
	t.Parallel()
	s := openInternal(t)
	ctx := context.Background()
	const origin = "kuji.example.jp/broken"
	err := s.Update(ctx, func(atx adapters.Tx) error {
		require.NoError(t, atx.CreateEvent(ctx, adapters.Event{ID: "ev-1", State: "open"}))
		n, err := atx.AuditLog(origin).Append(ctx, [][]byte{[]byte("leaf")}, func(n int64, _ tlog.HashReader) (int64, []tlog.Hash, error) {
			return tlog.StoredHashIndex(0, n), []tlog.Hash{tlog.RecordHash([]byte("leaf"))}, nil
		})
		require.NoError(t, err)
		require.Zero(t, n)
		pid := atx.(*tx).conn.PgConn().PID()
		_, err = s.pool.Exec(ctx, "SELECT pg_terminate_backend($1)", pid)
		require.NoError(t, err)
		return nil
	})
	require.Error(t, err, "the commit on a dead connection fails")
	require.NoError(t, s.View(ctx, func(rtx adapters.ReadTx) error {
		size, err := rtx.AuditLog(origin).Size(ctx)
		require.NoError(t, err)
		require.Zero(t, size)
		_, err = rtx.Event(ctx, "ev-1")
		require.ErrorIs(t, err, adapters.ErrNotFound)
		return nil
	}), "the store still works, and holds nothing of the failed transaction")
}
