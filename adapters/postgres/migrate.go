package postgres

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/binary"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5"
	"github.com/kuji-go/kuji/internal/migrations"
)

// migrationFiles holds the numbered schema changes, NNNN_what.sql, applied
// in order. A released file is never edited: a change is a new file.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration = migrations.Migration

// loadMigrations returns the embedded migrations in order, checked to be
// numbered 1, 2, 3, ... without gaps.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	return migrations.Load(fsys, "kuji/postgres")
}

// advisoryKey derives a 64-bit advisory lock key (or log ID) from a domain
// tag and parts: the first eight bytes of SHA-256 over them, NUL-separated,
// read big-endian as a signed integer.
func advisoryKey(tag string, parts ...string) int64 {
	h := sha256.New()
	h.Write([]byte(tag))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return int64(binary.BigEndian.Uint64(h.Sum(nil)[:8]))
}

// migrate creates the schema and the version table if absent and applies
// the migrations the database lacks, all in one transaction holding a
// transaction-level advisory lock on the schema, so that servers starting
// at the same time apply each migration exactly once.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		return err
	}
	ptx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return translate(ctx, "migrate", err)
	}
	defer ptx.Rollback(context.WithoutCancel(ctx))

	if _, err := ptx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", advisoryKey("kuji/postgres migrate", s.schema)); err != nil {
		return translate(ctx, "migrate: lock", err)
	}
	// Create the schema only if it is absent, so that a role without the
	// CREATE privilege on the database can use a schema its DBA made.
	var exists bool
	if err := ptx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", s.schema).Scan(&exists); err != nil {
		return translate(ctx, "migrate: schema", err)
	}
	if !exists {
		if _, err := ptx.Exec(ctx, "CREATE SCHEMA "+s.ident, pgx.QueryExecModeSimpleProtocol); err != nil {
			return translate(ctx, "migrate: create schema", err)
		}
	}
	if _, err := ptx.Exec(ctx, s.q(`CREATE TABLE IF NOT EXISTS {s}.kuji_migrations (
		version integer PRIMARY KEY,
		name    text NOT NULL,
		applied timestamptz NOT NULL DEFAULT now())`), pgx.QueryExecModeSimpleProtocol); err != nil {
		return translate(ctx, "migrate: version table", err)
	}
	var current int
	if err := ptx.QueryRow(ctx, s.q("SELECT coalesce(max(version), 0) FROM {s}.kuji_migrations")).Scan(&current); err != nil {
		return translate(ctx, "migrate: version", err)
	}
	if current > len(ms) {
		return fmt.Errorf("%w: schema %s is at version %d, this library knows up to %d", ErrSchemaTooNew, s.schema, current, len(ms))
	}
	if current == len(ms) {
		return nil // up to date; the deferred rollback releases the lock
	}
	// The migration files name tables without a schema.
	if _, err := ptx.Exec(ctx, "SET LOCAL search_path TO "+s.ident, pgx.QueryExecModeSimpleProtocol); err != nil {
		return translate(ctx, "migrate: search_path", err)
	}
	for _, m := range ms[current:] {
		// Several statements in one file: only the simple protocol runs them.
		if _, err := ptx.Exec(ctx, m.SQL, pgx.QueryExecModeSimpleProtocol); err != nil {
			return translate(ctx, "migrate: "+m.Name, err)
		}
		if _, err := ptx.Exec(ctx, s.q("INSERT INTO {s}.kuji_migrations (version, name) VALUES ($1, $2)"), m.Version, m.Name); err != nil {
			return translate(ctx, "migrate: "+m.Name, err)
		}
	}
	if err := ptx.Commit(ctx); err != nil {
		return translate(ctx, "migrate: commit", err)
	}
	return nil
}
