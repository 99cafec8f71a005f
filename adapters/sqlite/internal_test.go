package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/storetest"
)

func open(t *testing.T, opts *Options) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "kuji.db"), opts)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

type rawHarness struct {
	s       *Store
	mu      sync.Mutex
	opened  []*Store
	onClose func(*Store)
}

func (h *rawHarness) Store() adapters.Store { return h.s }
func (h *rawHarness) Raw(context.Context) ([]byte, error) {
	var all []byte
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(h.s.path + suffix)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		all = append(all, b...)
	}
	return all, nil
}
func (h *rawHarness) Close() error { h.onClose(h.s); return h.s.Close() }
func (h *rawHarness) OpenSecond(context.Context) (adapters.Store, error) {
	s, err := Open(h.s.path, nil)
	if err == nil {
		h.mu.Lock()
		h.opened = append(h.opened, s)
		h.mu.Unlock()
	}
	return s, err
}

// Every statement the store runs is in allQueries, so that it is prepared
// once when the store opens rather than compiled on every call.
func TestAllQueriesPrepared(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var misses, uses int64
	count := func(s *Store) {
		mu.Lock()
		defer mu.Unlock()
		misses += s.stmts.misses.Load()
		uses += s.stmts.uses.Load()
	}
	t.Run("suite", func(t *testing.T) {
		storetest.RunConformanceTests(t, func(_ context.Context, t *testing.T) (storetest.Harness, error) {
			s, err := Open(filepath.Join(t.TempDir(), "kuji.db"), nil)
			if err != nil {
				return nil, err
			}
			h := &rawHarness{s: s}
			h.onClose = func(s *Store) {
				count(s)
				h.mu.Lock()
				defer h.mu.Unlock()
				for _, o := range h.opened {
					count(o)
				}
			}
			return h, nil
		})
	})
	require.Positive(t, uses)
	require.Zero(t, misses, "a query is missing from allQueries")
}

// Concurrent Updates share transactions; MaxBatch bounds how many, and 1
// turns sharing off.
func TestGroupCommitBatches(t *testing.T) {
	t.Parallel()
	const workers, each = 16, 40
	for _, c := range []struct {
		name     string
		maxBatch int
		check    func(t *testing.T, commits int64)
	}{
		{"default", 0, func(t *testing.T, commits int64) {
			require.Less(t, commits, int64(workers*each), "concurrent Updates shared commits")
		}},
		{"bounded", 4, func(t *testing.T, commits int64) {
			require.GreaterOrEqual(t, commits, int64(workers*each/4), "no batch holds more than MaxBatch Updates")
		}},
		{"off", 1, func(t *testing.T, commits int64) {
			require.Equal(t, int64(workers*each), commits, "MaxBatch 1 commits every Update alone")
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := open(t, &Options{MaxBatch: c.maxBatch})
			var wg sync.WaitGroup
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range each {
						err := s.Update(context.Background(), func(tx adapters.Tx) error {
							return tx.CreateEvent(context.Background(), adapters.Event{ID: fmt.Sprintf("ev-%d-%d", w, i), State: "open"})
						})
						if err != nil {
							t.Errorf("update: %v", err)
							return
						}
					}
				}()
			}
			wg.Wait()
			commits := s.commits.Load()
			t.Logf("%d updates in %d commits", workers*each, commits)
			c.check(t, commits)
			var n int
			require.NoError(t, s.rdb.QueryRow("SELECT count(*) FROM events").Scan(&n))
			require.Equal(t, workers*each, n)
		})
	}
}

// A full disk in the middle of a batch may make SQLite abandon the whole
// transaction. Whatever it abandons, an Update that returned nil is stored
// and one that returned an error is not, and the store goes on working.
func TestFullDiskMidBatch(t *testing.T) {
	t.Parallel()
	s := open(t, nil)
	ctx := context.Background()
	require.NoError(t, s.Update(ctx, func(tx adapters.Tx) error {
		return tx.CreateEvent(ctx, adapters.Event{ID: "ev", State: "open"})
	}))
	var pages int64
	require.NoError(t, s.wdb.QueryRow("PRAGMA page_count").Scan(&pages))
	// Room for a few dozen records of 3 KiB, not for all of them.
	_, err := s.wdb.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages+40))
	require.NoError(t, err)

	const n = 120
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.Update(ctx, func(tx adapters.Tx) error {
				return tx.PutDesignation(ctx, adapters.Designation{ID: fmt.Sprint(i), Event: "ev", Data: bytes.Repeat([]byte{byte(i)}, 3<<10)})
			})
		}()
	}
	wg.Wait()

	stored := map[string]bool{}
	require.NoError(t, s.View(ctx, func(tx adapters.ReadTx) error {
		ds, err := tx.Designations(ctx, "ev")
		for _, d := range ds {
			stored[d.ID] = true
		}
		return err
	}))
	failed := 0
	for i, err := range errs {
		if err != nil {
			failed++
			require.False(t, stored[fmt.Sprint(i)], "update %d failed (%v) but its record is stored", i, err)
		} else {
			require.True(t, stored[fmt.Sprint(i)], "update %d was acknowledged but its record is missing", i)
		}
	}
	seen := map[string]bool{}
	for _, err := range errs {
		if err != nil && !seen[err.Error()] {
			seen[err.Error()] = true
			t.Log(err)
		}
	}
	require.Positive(t, failed, "the disk filled up")
	require.Positive(t, len(stored), "the records that fitted were stored")
	t.Logf("%d stored, %d refused", len(stored), failed)

	_, err = s.wdb.Exec("PRAGMA max_page_count = 1073741823")
	require.NoError(t, err)
	require.NoError(t, s.Update(ctx, func(tx adapters.Tx) error {
		return tx.PutDesignation(ctx, adapters.Designation{ID: "after", Event: "ev", Data: []byte("{}")})
	}), "the store works again once there is room")
}

// ReadHashes reads a contiguous run with one range query, and isolated
// indexes together with one more, not one query per index.
func TestReadHashesQueries(t *testing.T) {
	t.Parallel()
	s := open(t, nil)
	ctx := context.Background()
	const leaves = 5000
	var all []tlog.Hash // hash storage index -> hash, as tlog computes it
	require.NoError(t, s.Update(ctx, func(atx adapters.Tx) error {
		l := atx.AuditLog("log")
		for i := range leaves {
			_, err := l.Append(ctx, [][]byte{[]byte(fmt.Sprint(i))}, func(n int64, r tlog.HashReader) (int64, []tlog.Hash, error) {
				hs, err := tlog.StoredHashes(n, []byte(fmt.Sprint(i)), r)
				all = append(all, hs...)
				return tlog.StoredHashIndex(0, n), hs, err
			})
			if err != nil {
				return err
			}
		}
		return nil
	}))
	top := int64(len(all))
	require.Equal(t, tlog.StoredHashIndex(0, leaves), top)

	run := func(lo, hi int64) []int64 {
		var xs []int64
		for x := lo; x < hi; x++ {
			xs = append(xs, x)
		}
		return xs
	}
	for _, c := range []struct {
		name    string
		indexes []int64
		queries int64
	}{
		{"one run", run(100, 8300), 1},
		{"isolated", []int64{9000, 5, 777, 3, 1200}, 1},
		{"two runs and isolated, unordered, repeated", append(append(run(10, 20), 500, 9000, 500), run(40, 50)...), 3},
		{"empty", nil, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			require.NoError(t, s.View(ctx, func(rtx adapters.ReadTx) error {
				before := s.stmts.uses.Load()
				hs, err := rtx.AuditLog("log").ReadHashes(ctx, c.indexes)
				require.NoError(t, err)
				require.Equal(t, c.queries, s.stmts.uses.Load()-before)
				require.Len(t, hs, len(c.indexes))
				for i, x := range c.indexes {
					require.Equal(t, all[x], hs[i], "hash %d", x)
				}
				return nil
			}))
		})
	}
	require.NoError(t, s.View(ctx, func(rtx adapters.ReadTx) error {
		_, err := rtx.AuditLog("log").ReadHashes(ctx, []int64{1, 2, top})
		require.ErrorContains(t, err, fmt.Sprint(top))
		th, err := tlog.TreeHash(leaves, hashReader{ctx, txLog{rtx.(*tx), "log"}})
		require.NoError(t, err)
		want, err := tlog.TreeHash(leaves, tlog.HashReaderFunc(func(xs []int64) ([]tlog.Hash, error) {
			out := make([]tlog.Hash, len(xs))
			for i, x := range xs {
				out[i] = all[x]
			}
			return out, nil
		}))
		require.NoError(t, err)
		require.Equal(t, want, th)
		return nil
	}))
}

func TestLoadMigrations(t *testing.T) {
	t.Parallel()
	ms, err := loadMigrations(migrationFiles)
	require.NoError(t, err)
	require.NotEmpty(t, ms)
	require.Equal(t, "0001_init.sql", ms[0].Name)
}

// Migrations apply in order, once, and a schema newer than the package
// knows is refused.
func TestMigrationsApplyOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ms := []migration{
		{Version: 1, Name: "0001_a.sql", SQL: "CREATE TABLE a (x INTEGER)"},
		{Version: 2, Name: "0002_b.sql", SQL: "CREATE TABLE b (x INTEGER); INSERT INTO b VALUES (1), (2)"},
	}
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := openDB(dsn(path, (&Options{}).withDefaults(), true))
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, applyMigrations(ctx, db, ms[:1]))
	require.NoError(t, applyMigrations(ctx, db, ms))
	require.NoError(t, applyMigrations(ctx, db, ms), "applying again changes nothing")
	var rows, versions int
	require.NoError(t, db.QueryRow("SELECT count(*) FROM b").Scan(&rows))
	require.Equal(t, 2, rows, "0002 ran once")
	require.NoError(t, db.QueryRow("SELECT count(*) FROM kuji_schema").Scan(&versions))
	require.Equal(t, 2, versions)
	err = applyMigrations(ctx, db, ms[:1])
	require.ErrorIs(t, err, ErrSchemaTooNew)

	bad := []migration{ms[0], ms[1], {Version: 3, Name: "0003_bad.sql", SQL: "CREATE TABLE a (x INTEGER)"}}
	err = applyMigrations(ctx, db, bad)
	require.Error(t, err)
	require.True(t, strings.Contains(err.Error(), "0003_bad.sql"))
	require.NoError(t, db.QueryRow("SELECT count(*) FROM kuji_schema").Scan(&versions))
	require.Equal(t, 2, versions, "a failed migration leaves the version where it was")

}

// The pragmas of the DSN are in force on the writer and on the readers.
func TestPragmas(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		opts *Options
		sync int // PRAGMA synchronous: 1 NORMAL, 2 FULL
	}{
		{nil, 2},
		{&Options{Synchronous: SyncNormal, BusyTimeout: 1500 * time.Millisecond}, 1},
	} {
		s := open(t, c.opts)
		busy := int64(10_000)
		if c.opts != nil {
			busy = c.opts.BusyTimeout.Milliseconds()
		}
		want := map[string]any{
			"journal_mode": "wal", "synchronous": int64(c.sync), "foreign_keys": int64(1),
			"secure_delete": int64(1), "temp_store": int64(1), "busy_timeout": busy,
		}
		for name, db := range map[string]*sql.DB{"writer": s.wdb, "reader": s.rdb} {
			for pragma, v := range want {
				var got any
				require.NoError(t, db.QueryRow("PRAGMA "+pragma).Scan(&got))
				require.Equal(t, v, got, "%s: PRAGMA %s", name, pragma)
			}
		}
		var qo int64
		require.NoError(t, s.rdb.QueryRow("PRAGMA query_only").Scan(&qo))
		require.Equal(t, int64(1), qo, "readers cannot write")
	}
}

// Any file name works, whatever characters it holds.
func TestPathCharacters(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "区民 まつり ?#%&=;")
	require.NoError(t, os.Mkdir(dir, 0o700))
	path := filepath.Join(dir, "名簿 #1?.db")
	s, err := Open(path, nil)
	require.NoError(t, err)
	require.NoError(t, s.Update(context.Background(), func(tx adapters.Tx) error {
		return tx.CreateEvent(context.Background(), adapters.Event{ID: "ev", State: "open"})
	}))
	require.NoError(t, s.Close())
	fi, err := os.Stat(path)
	require.NoError(t, err, "the database is at the path given, not at a mangled one")
	require.Positive(t, fi.Size())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no stray files next to it")
}
