package postgres

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kuji-go/kuji/adapters"
)

// DefaultSchema is the schema a Store uses when [Options].Schema is empty.
const DefaultSchema = "kuji"

// Options configures a Store. The zero value is ready to use.
type Options struct {
	// Schema names the PostgreSQL schema that holds every table and
	// sequence of the store; it is created if absent. Lower-case ASCII
	// letters, digits and _, starting with a letter or _, at most 63
	// bytes. Empty means [DefaultSchema].
	Schema string
}

// Store is an [adapters.Store] on a PostgreSQL database. It is safe for
// concurrent use, and any number of Stores — in one process or on several
// application servers — may share one database and schema.
type Store struct {
	pool    *pgxpool.Pool
	ownPool bool
	schema  string // the schema's name
	ident   string // the schema's name quoted as an SQL identifier
	closed  atomic.Bool
	sql     sync.Map // query template -> query text for this schema
}

var (
	_ adapters.Store     = (*Store)(nil)
	_ adapters.Compacter = (*Store)(nil)
)

var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// Open connects to the database named by dsn (a libpq URL or key=value
// string; pgxpool's pool_* parameters such as pool_max_conns apply),
// creates the schema and applies the store's migrations if needed, and
// returns the Store. Close closes the pool.
func Open(ctx context.Context, dsn string, opts *Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("kuji/postgres: parsing the DSN: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("kuji/postgres: connecting: %w", err)
	}
	s, err := open(ctx, pool, opts, true)
	if err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// OpenPool is [Open] over a pool the caller already has. Close leaves the
// pool open: close the Store before the pool.
func OpenPool(ctx context.Context, pool *pgxpool.Pool, opts *Options) (*Store, error) {
	if pool == nil {
		return nil, errors.New("kuji/postgres: OpenPool needs a pool")
	}
	return open(ctx, pool, opts, false)
}

func open(ctx context.Context, pool *pgxpool.Pool, opts *Options, own bool) (*Store, error) {
	schema := DefaultSchema
	if opts != nil && opts.Schema != "" {
		schema = opts.Schema
	}
	if !schemaName.MatchString(schema) {
		return nil, fmt.Errorf("kuji/postgres: schema name %q: lower-case letters, digits and _ expected", schema)
	}
	s := &Store{pool: pool, ownPool: own, schema: schema, ident: pgx.Identifier{schema}.Sanitize()}
	if err := s.migrate(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Schema returns the name of the schema the store lives in.
func (s *Store) Schema() string { return s.schema }

// q returns the query template with every "{s}." replaced by the store's
// quoted schema, so that no query depends on the connection's search_path
// (OpenPool's pool is the caller's).
func (s *Store) q(template string) string {
	if v, ok := s.sql.Load(template); ok {
		return v.(string)
	}
	text := strings.ReplaceAll(template, "{s}.", s.ident+".")
	s.sql.Store(template, text)
	return text
}

var errClosed = fmt.Errorf("kuji/postgres: store closed: %w", adapters.ErrClosed)

// Update implements [adapters.Store]. The transaction runs at READ
// COMMITTED; see the package documentation for why that is enough.
func (s *Store) Update(ctx context.Context, fn func(adapters.Tx) error) error {
	return s.run(ctx, true, func(t *tx) error { return fn(t) })
}

// View implements [adapters.Store]. The transaction is READ ONLY at
// REPEATABLE READ: every statement sees the same snapshot.
func (s *Store) View(ctx context.Context, fn func(adapters.ReadTx) error) error {
	return s.run(ctx, false, func(t *tx) error { return fn(t) })
}

// rollbackTimeout bounds the rollback of a transaction whose context was
// cancelled; if it does not finish, the connection is closed, which rolls
// back too.
const rollbackTimeout = 5 * time.Second

func (s *Store) run(ctx context.Context, write bool, fn func(*tx) error) error {
	if s.closed.Load() {
		return errClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	t, err := s.begin(ctx, write)
	if err != nil {
		if s.closed.Load() {
			return errClosed
		}
		return translate(ctx, "begin", err)
	}
	defer func() {
		// After a commit this only returns the connection; after an
		// error, a panic or a failed commit it rolls back first, even if
		// ctx is cancelled.
		t.done = true
		t.release(ctx)
	}()
	err = fn(t)
	t.done = true
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return err
	}
	return translate(ctx, "commit", t.commit(ctx))
}

// Close implements [adapters.Store]. A Store made by [Open] closes its
// pool, waiting for transactions in flight; one made by [OpenPool] leaves
// the pool to its owner. Closing twice is harmless.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	if s.ownPool {
		s.pool.Close()
	}
	return nil
}

// tables lists the store's tables, for Compact.
var tables = []string{
	"events", "applications", "sealed_blobs", "identity_keys", "search_keys", "consents",
	"draw_records", "messages", "check_ins", "contact_cards", "designations", "erasures",
	"audit_logs", "audit_leaves", "audit_hashes", "audit_checkpoints",
}

// Compact implements [adapters.Compacter]: it runs VACUUM (ANALYZE) on the
// store's tables, outside any transaction, so that the space of deleted
// rows is reclaimed for reuse. See "Compaction" in the package
// documentation for what that does and does not guarantee.
func (s *Store) Compact(ctx context.Context) error {
	if s.closed.Load() {
		return errClosed
	}
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = s.ident + "." + t
	}
	// VACUUM cannot run in a transaction block, nor be prepared: send it
	// as a simple query on its own.
	_, err := s.pool.Exec(ctx, "VACUUM (ANALYZE) "+strings.Join(names, ", "), pgx.QueryExecModeSimpleProtocol)
	return translate(ctx, "compact", err)
}

// tx is one transaction. It is not safe for concurrent use, and listing
// callbacks may use it (results are read a page at a time, so the
// connection is free while a callback runs).
type tx struct {
	s       *Store
	pc      *pgxpool.Conn
	conn    *pgx.Conn
	write   bool
	done    bool        // the function has returned: the tx may not be used
	sent    bool        // BEGIN has been sent
	pending []statement // to send before the next statement (see conn.go)
}

func (t *tx) check(ctx context.Context, write bool) error {
	if t.done {
		return fmt.Errorf("kuji/postgres: transaction used after it ended: %w", adapters.ErrClosed)
	}
	if write && !t.write {
		return fmt.Errorf("kuji/postgres: write in a read-only transaction: %w", adapters.ErrConflict)
	}
	return ctx.Err()
}

func (t *tx) q(template string) string { return t.s.q(template) }
