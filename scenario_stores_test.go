package kuji_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/adapters/keydir"
	"github.com/kuji-go/kuji/adapters/postgres"
	"github.com/kuji-go/kuji/adapters/sqlite"
	"github.com/kuji-go/kuji/internal/refevent"
)

// sqliteFiles returns the bytes of the database file and its -wal and -shm
// files, as a hosting company copying the directory would get them.
func sqliteFiles(t *testing.T, path string) []byte {
	t.Helper()
	var all bytes.Buffer
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(path + suffix)
		if err != nil && !os.IsNotExist(err) {
			require.NoError(t, err)
		}
		all.Write(b)
	}
	return all.Bytes()
}

func TestLiveSiteOnSQLite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "livesite.db")
	store, err := sqlite.Open(path, nil)
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	keys, err := keydir.Open(filepath.Join(dir, "keys"), nil)
	require.NoError(t, err)
	r := newRig(t, refevent.LiveSite(2, 12), store, keys)
	liveSiteScenario(t, r, 60, func() []byte {
		raw := sqliteFiles(t, path)
		require.Greater(t, len(raw), 4096, "the database files are where the test thinks")
		return raw
	})
}

// postgresDSN returns the test server's DSN, or skips saying how to run.
func postgresDSN(t testing.TB) string {
	dsn := os.Getenv("KUJI_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("PostgreSQL tests need KUJI_TEST_POSTGRES_DSN (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable); .ci/run sets it")
	}
	return dsn
}

// pgSchema makes a fresh schema name and drops the schema after the test.
func pgSchema(t testing.TB, dsn string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "kuji_test_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			t.Errorf("dropping schema: %v", err)
			return
		}
		defer conn.Close(context.Background())
		_, err = conn.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
		if err != nil {
			t.Errorf("dropping schema: %v", err)
		}
	})
	return schema
}

// pgDump returns every row of every table in schema, bytea as raw bytes:
// what a logical dump of the database holds.
func pgDump(t *testing.T, dsn, schema string) []byte {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT table_name FROM information_schema.tables WHERE table_schema = $1", schema)
	require.NoError(t, err)
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.NotEmpty(t, tables)
	var all bytes.Buffer
	for _, tbl := range tables {
		rows, err := conn.Query(ctx, fmt.Sprintf("SELECT * FROM %s.%s", pgx.Identifier{schema}.Sanitize(), pgx.Identifier{tbl}.Sanitize()))
		require.NoError(t, err)
		for rows.Next() {
			vals, err := rows.Values()
			require.NoError(t, err)
			for _, v := range vals {
				switch v := v.(type) {
				case []byte:
					all.Write(v)
				default:
					fmt.Fprint(&all, v)
				}
				all.WriteByte(0)
			}
		}
		require.NoError(t, rows.Err())
	}
	return all.Bytes()
}

func TestLiveSiteOnPostgres(t *testing.T) {
	t.Parallel()
	dsn := postgresDSN(t)
	schema := pgSchema(t, dsn)
	store, err := postgres.Open(context.Background(), dsn, &postgres.Options{Schema: schema})
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	keys, err := keydir.Open(filepath.Join(t.TempDir(), "keys"), nil)
	require.NoError(t, err)
	r := newRig(t, refevent.LiveSite(2, 12), store, keys)
	liveSiteScenario(t, r, 60, func() []byte { return pgDump(t, dsn, schema) })
}
