package postgres_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/postgres"
	"github.com/kuji-go/kuji/adapters/storetest"
)

// dsnVar names the environment variable that points the tests at a
// server; CI sets it and fails if the server is unreachable.
const dsnVar = "KUJI_TEST_POSTGRES_DSN"

// testDSN returns the test server's DSN, or skips the test saying how to
// run it.
func testDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(dsnVar)
	if dsn == "" {
		t.Skipf("PostgreSQL tests skipped: set %s (for example postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run them", dsnVar)
	}
	return dsn
}

// freshSchema returns a new random schema name and drops the schema when
// the test ends, so tests can run in parallel on one database.
func freshSchema(t testing.TB, dsn string) string {
	t.Helper()
	var b [8]byte
	_, _ = rand.Read(b[:])
	schema := "kuji_test_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	return schema
}

// openStore opens a store on a fresh schema and closes it when the test
// ends.
func openStore(t testing.TB) (*postgres.Store, string, string) {
	t.Helper()
	dsn := testDSN(t)
	schema := freshSchema(t, dsn)
	s, err := postgres.Open(context.Background(), dsn, &postgres.Options{Schema: schema})
	if err != nil {
		t.Fatalf("opening store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dsn, schema
}

// newPool returns a pool on dsn, closed when the test ends.
func newPool(t testing.TB, dsn string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		t.Fatalf("opening pool: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// harness is the conformance harness: one schema per case, a second store
// on the same schema on demand, and a logical dump as the raw storage.
type harness struct {
	dsn, schema string
	s           *postgres.Store
}

var _ storetest.SecondOpener = (*harness)(nil)

func (h *harness) Store() adapters.Store { return h.s }
func (h *harness) Close() error          { return h.s.Close() }

func (h *harness) OpenSecond(ctx context.Context) (adapters.Store, error) {
	return postgres.Open(ctx, h.dsn, &postgres.Options{Schema: h.schema})
}

// Raw returns every row of every table in the schema, as pg_dump would
// show them, with bytea values as their raw bytes.
func (h *harness) Raw(ctx context.Context) ([]byte, error) { return dump(ctx, h.dsn, h.schema) }

func dump(ctx context.Context, dsn, schema string) ([]byte, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename", schema)
	if err != nil {
		return nil, err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	for _, name := range names {
		fmt.Fprintf(&b, "-- %s\n", name)
		rows, err := conn.Query(ctx, "SELECT * FROM "+pgx.Identifier{schema, name}.Sanitize())
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				rows.Close()
				return nil, err
			}
			for _, v := range vals {
				if raw, ok := v.([]byte); ok {
					b.Write(raw)
				} else {
					fmt.Fprint(&b, v)
				}
				b.WriteByte('\t')
			}
			b.WriteByte('\n')
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return b.Bytes(), nil
}

func TestConformance(t *testing.T) {
	t.Parallel()
	dsn := testDSN(t)
	storetest.RunConformanceTests(t, func(ctx context.Context, t *testing.T) (storetest.Harness, error) {
		schema := freshSchema(t, dsn)
		s, err := postgres.Open(ctx, dsn, &postgres.Options{Schema: schema})
		if err != nil {
			return nil, err
		}
		return &harness{dsn: dsn, schema: schema, s: s}, nil
	})
}
