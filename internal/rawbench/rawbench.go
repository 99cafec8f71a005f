// Package rawbench is the floor kuji's intake benchmarks are compared
// with: plain INSERT statements of exactly the rows a store writes for an
// application (its row, sealed blobs, identity and search keys, consent
// receipt), one transaction per application, into the store's own schema,
// with the store's durability settings. What the stores and the Office add
// on top of it is the ratio the benchmarks report.
package rawbench

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "modernc.org/sqlite" // the database/sql driver, for the raw baseline only

	"github.com/kuji-go/kuji/adapters"
)

// Inserter inserts applications with plain statements.
type Inserter interface {
	// Insert stores one application and its consent receipt in one
	// transaction.
	Insert(ctx context.Context, a adapters.Application, c adapters.Consent) error
	Close() error
}

// SQLite opens the database at path — created by adapters/sqlite, so it
// has the store's schema — with plain database/sql and the store's
// durable pragmas (WAL, synchronous=FULL, secure_delete).
func SQLite(path string) (Inserter, error) {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)", "secure_delete(ON)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return sqliteRaw{db}, nil
}

type sqliteRaw struct{ db *sql.DB }

func (r sqliteRaw) Close() error { return r.db.Close() }

func (r sqliteRaw) Insert(ctx context.Context, a adapters.Application, c adapters.Consent) error {
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	prefs, _ := json.Marshal(a.Prefs)
	res, err := tx.ExecContext(ctx, `INSERT INTO applications (id, event, receipt, channel, category, size, prefs, weight, tier, status, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.Event, a.Receipt, a.Channel, a.Category, a.Size, string(prefs), a.Weight, a.Tier, a.Status, a.Created.UnixMicro())
	if err != nil {
		return err
	}
	seq, err := res.LastInsertId()
	if err != nil {
		return err
	}
	for class, blob := range a.Sealed {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sealed (app, class, blob) VALUES (?, ?, ?)`, seq, class, blob); err != nil {
			return err
		}
	}
	for i, mac := range a.Identity {
		if _, err := tx.ExecContext(ctx, `INSERT INTO identity_keys (app, pos, event, mac) VALUES (?, ?, ?, ?)`, seq, i, a.Event, mac); err != nil {
			return err
		}
	}
	for i, k := range a.Search {
		if _, err := tx.ExecContext(ctx, `INSERT INTO search_keys (app, pos, event, kind, mac) VALUES (?, ?, ?, ?, ?)`, seq, i, a.Event, k.Kind, k.MAC); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO consents (app, id, data) VALUES (?, ?, ?)`, seq, c.ID, c.Data); err != nil {
		return err
	}
	return tx.Commit()
}

// Postgres connects a pool to dsn and inserts into the tables of schema
// (made by adapters/postgres), each application's statements pipelined in
// one batch inside one transaction.
func Postgres(ctx context.Context, dsn, schema string) (Inserter, error) {
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, err
	}
	tbl := func(name string) string { return pgx.Identifier{schema, name}.Sanitize() }
	return &pgRaw{pool: pool,
		app:     "INSERT INTO " + tbl("applications") + " (id, event, receipt, channel, category, size, prefs, weight, tier, status, created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
		blob:    "INSERT INTO " + tbl("sealed_blobs") + " (event, application, class, blob) VALUES ($1, $2, $3, $4)",
		id:      "INSERT INTO " + tbl("identity_keys") + " (event, mac, application, ord) VALUES ($1, $2, $3, $4)",
		key:     "INSERT INTO " + tbl("search_keys") + " (event, application, ord, kind, mac) VALUES ($1, $2, $3, $4, $5)",
		consent: "INSERT INTO " + tbl("consents") + " (event, application, id, data) VALUES ($1, $2, $3, $4)",
	}, nil
}

type pgRaw struct {
	pool                        *pgxpool.Pool
	app, blob, id, key, consent string
}

func (r *pgRaw) Close() error { r.pool.Close(); return nil }

func (r *pgRaw) Insert(ctx context.Context, a adapters.Application, c adapters.Consent) error {
	return pgx.BeginTxFunc(ctx, r.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		var batch pgx.Batch
		batch.Queue(r.app, a.ID, a.Event, a.Receipt, a.Channel, a.Category, a.Size, a.Prefs, a.Weight, a.Tier, a.Status, a.Created)
		for class, blob := range a.Sealed {
			batch.Queue(r.blob, a.Event, a.ID, class, blob)
		}
		for i, m := range a.Identity {
			batch.Queue(r.id, a.Event, m, a.ID, i)
		}
		for i, k := range a.Search {
			batch.Queue(r.key, a.Event, a.ID, i, k.Kind, k.MAC)
		}
		batch.Queue(r.consent, c.Event, c.Application, c.ID, c.Data)
		if err := tx.SendBatch(ctx, &batch).Close(); err != nil {
			return fmt.Errorf("rawbench: %w", err)
		}
		return nil
	})
}
