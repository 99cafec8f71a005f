package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"time"

	"github.com/kuji-go/kuji/internal/migrations"
)

// migrationFiles holds the schema as numbered SQL files, applied in order.
// A released file is never edited: a change is a new file.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration = migrations.Migration

// loadMigrations returns the embedded migrations in order, checked to be
// numbered 1, 2, 3, ... without gaps.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	return migrations.Load(fsys, "kuji/sqlite")
}

// schemaTable is the library-owned record of applied migrations.
const schemaTable = `CREATE TABLE IF NOT EXISTS kuji_schema (
	version INTEGER PRIMARY KEY,
	name    TEXT    NOT NULL,
	applied INTEGER NOT NULL
) STRICT`

// migrate brings the database's schema up to date in one immediate
// transaction, so that two processes opening a new file at once apply each
// migration exactly once.
func migrate(ctx context.Context, db *sql.DB) error {
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		return err
	}
	return applyMigrations(ctx, db, ms)
}

func applyMigrations(ctx context.Context, db *sql.DB, ms []migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return translate(err, "migrate")
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, schemaTable); err != nil {
		return translate(err, "migrate")
	}
	var current int
	if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM kuji_schema").Scan(&current); err != nil {
		return translate(err, "migrate")
	}
	if current > len(ms) {
		return fmt.Errorf("%w: database at version %d, this kuji knows up to %d", ErrSchemaTooNew, current, len(ms))
	}
	for _, m := range ms[current:] {
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return fmt.Errorf("kuji/sqlite: migration %s: %w", m.Name, translate(err, "migrate"))
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO kuji_schema (version, name, applied) VALUES (?, ?, ?)",
			m.Version, m.Name, time.Now().UnixMicro()); err != nil {
			return translate(err, "migrate")
		}
	}
	return translate(tx.Commit(), "migrate")
}
