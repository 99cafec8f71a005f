package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"

	"github.com/kuji-go/kuji/adapters"
)

// ErrSchemaTooNew is returned by [Open] for a database whose schema was
// written by a newer version of this package: opening it with an older one
// could misread or damage it.
var ErrSchemaTooNew = errors.New("kuji/sqlite: database schema is newer than this version of kuji knows")

// Synchronous is how hard a commit waits for the disk.
type Synchronous int

const (
	// SyncFull (the default) syncs the write-ahead log on every commit: an
	// acknowledged Update survives a process crash and a power loss.
	SyncFull Synchronous = iota
	// SyncNormal syncs the log only at checkpoints: an acknowledged Update
	// survives a process crash, but the last commits before a power loss or
	// an operating-system crash may be lost (the database stays consistent).
	SyncNormal
)

// Options configures a [Store]. The zero value (and nil) is the durable
// default.
type Options struct {
	// Synchronous relaxes durability for speed; see [SyncNormal].
	Synchronous Synchronous
	// BusyTimeout is how long a transaction waits for the database lock held
	// by another process (or another Store on the same file) before it
	// fails. Zero means 10 seconds.
	BusyTimeout time.Duration
	// MaxBatch bounds how many concurrent Update calls are committed
	// together as one SQLite transaction (see "Group commit" in the package
	// documentation). Zero means 64; 1 commits every Update on its own.
	MaxBatch int
	// ReadConns is the number of read connections that serve View
	// concurrently with the writer. Zero means 4.
	ReadConns int
}

func (o *Options) withDefaults() Options {
	var r Options
	if o != nil {
		r = *o
	}
	if r.BusyTimeout <= 0 {
		r.BusyTimeout = 10 * time.Second
	}
	if r.MaxBatch <= 0 {
		r.MaxBatch = 64
	}
	if r.ReadConns <= 0 {
		r.ReadConns = 4
	}
	return r
}

// Store is a kuji store in one SQLite database file. It is safe for
// concurrent use; several Stores, in one process or several, may share a
// file.
type Store struct {
	path     string
	wdb      *sql.DB // one connection: the writer
	rdb      *sql.DB // read-only connections for View
	stmts    *stmtCache
	maxBatch int
	closed   atomic.Bool

	// writer is a lock (a one-slot semaphore, so that waiting for it can
	// end with the caller's context) held while a caller's fn runs on the
	// writer connection and while a batch commits; waiting counts the
	// callers queued for it (see commit.go).
	writer  chan struct{}
	waiting atomic.Int32
	cur     *batch // the open batch, or nil; guarded by writer
	// receiptHW is the highest receipt number this Store handed out per
	// event, guarded by writer (see NextReceipt).
	receiptHW map[string]int64
	// commits counts committed batches (the tests read it).
	commits atomic.Int64
}

var (
	_ adapters.Store     = (*Store)(nil)
	_ adapters.Compacter = (*Store)(nil)
)

// Open opens the database file at path, creating it (mode 0600) if it does
// not exist, and brings its schema up to date. It fails with
// [ErrSchemaTooNew] if the file was written by a newer kuji, and with an
// error wrapping [adapters.ErrCorrupt] if the file is not a database.
func Open(path string, opts *Options) (*Store, error) {
	o := opts.withDefaults()
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("kuji/sqlite: %w", err)
	}
	// Create the file ourselves so that it, and the -wal and -shm files
	// SQLite derives from it, are readable by the owner only.
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("kuji/sqlite: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("kuji/sqlite: %w", err)
	}

	s := &Store{path: abs, maxBatch: o.MaxBatch, writer: make(chan struct{}, 1), receiptHW: map[string]int64{}}
	ctx := context.Background()
	if s.wdb, err = openDB(dsn(abs, o, true)); err != nil {
		return nil, err
	}
	s.wdb.SetMaxOpenConns(1)
	s.wdb.SetMaxIdleConns(1)
	if err := s.init(ctx, o); err != nil {
		s.wdb.Close()
		if s.rdb != nil {
			s.rdb.Close()
		}
		return nil, err
	}
	return s, nil
}

func (s *Store) init(ctx context.Context, o Options) error {
	var mode string
	if err := s.wdb.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return translate(err, "open")
	}
	if mode != "wal" {
		return fmt.Errorf("kuji/sqlite: the database is in journal mode %q and cannot switch to WAL", mode)
	}
	if err := migrate(ctx, s.wdb); err != nil {
		return err
	}
	var err error
	if s.rdb, err = openDB(dsn(s.path, o, false)); err != nil {
		return err
	}
	s.rdb.SetMaxOpenConns(o.ReadConns)
	s.rdb.SetMaxIdleConns(o.ReadConns)
	s.stmts, err = prepare(ctx, s.wdb, s.rdb)
	return err
}

func openDB(dsn string) (*sql.DB, error) {
	c, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("kuji/sqlite: %w", err)
	}
	return sql.OpenDB(c), nil
}

// dsn returns the URI that opens path with kuji's pragmas: WAL so readers
// run beside the writer; a busy timeout so that Stores sharing the file
// wait for each other; foreign keys, so that rows name existing events; secure_delete so
// deleted rows are overwritten, not left in free pages; temporary tables in
// files, in memory only while VACUUM runs (see Store.inMemoryTemp); and,
// for the writer, immediate transactions so a write transaction takes the
// lock when it begins rather than failing half-way, and a page cache of
// 64 MiB so that a large transaction (a purge, a draw's statuses) does not
// spill dirty pages to the log half-way.
// The writer's page cache, in KiB: its usual size, and its size during a
// purge's bulk delete.
const (
	writerCacheKiB = 64 << 10
	purgeCacheKiB  = 256 << 10
)

func dsn(path string, o Options, writer bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", o.BusyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "secure_delete(ON)")
	q.Add("_pragma", "temp_store(FILE)")
	syncMode := "FULL"
	if o.Synchronous == SyncNormal {
		syncMode = "NORMAL"
	}
	q.Add("_pragma", "synchronous("+syncMode+")")
	if writer {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", fmt.Sprintf("cache_size(-%d)", writerCacheKiB))
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows volume: file:///C:/...
	}
	u := url.URL{Scheme: "file", Path: p, RawQuery: q.Encode()}
	return u.String()
}

// Path returns the absolute path of the database file. Its companions
// Path()+"-wal" and Path()+"-shm" belong to it.
func (s *Store) Path() string { return s.path }

// Close commits any batch still waiting for its commit and closes the
// database. Later calls of Update, View and Compact return
// [adapters.ErrClosed]; Close itself may be called again.
func (s *Store) Close() error {
	s.writer <- struct{}{}
	defer s.unlock()
	if s.closed.Load() {
		return nil
	}
	if s.cur != nil {
		s.finish(s.cur)
	}
	s.closed.Store(true)
	// The readers go first: the last connection to close checkpoints the
	// log into the database file and removes the -wal and -shm files.
	return errors.Join(s.stmts.close(), s.rdb.Close(), s.wdb.Close())
}
