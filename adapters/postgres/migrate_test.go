package postgres_test

import (
	"context"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/postgres"
)

// Eight servers start at once on an empty schema: every Open succeeds and
// each migration is applied exactly once. Opening again changes nothing.
func TestMigrationsConcurrentAndIdempotent(t *testing.T) {
	t.Parallel()
	dsn := testDSN(t)
	schema := freshSchema(t, dsn)
	ctx := context.Background()

	const servers = 8
	errs := make([]error, servers)
	var wg sync.WaitGroup
	for i := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := postgres.Open(ctx, dsn, &postgres.Options{Schema: schema})
			if err == nil {
				err = s.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "server %d", i)
	}

	versions := func() []int {
		conn, err := pgx.Connect(ctx, dsn)
		require.NoError(t, err)
		defer conn.Close(ctx)
		rows, err := conn.Query(ctx, "SELECT version FROM "+pgx.Identifier{schema, "kuji_migrations"}.Sanitize()+" ORDER BY version")
		require.NoError(t, err)
		v, err := pgx.CollectRows(rows, pgx.RowTo[int])
		require.NoError(t, err)
		return v
	}
	applied := versions()
	require.NotEmpty(t, applied)
	for i, v := range applied {
		require.Equal(t, i+1, v, "versions are 1, 2, 3, ... each once")
	}

	s, err := postgres.Open(ctx, dsn, &postgres.Options{Schema: schema})
	require.NoError(t, err, "opening an up-to-date schema")
	require.NoError(t, s.Update(ctx, func(tx adapters.Tx) error {
		return tx.CreateEvent(ctx, adapters.Event{ID: "ev-1", State: "open"})
	}), "the migrated schema works")
	require.NoError(t, s.Close())
	require.Equal(t, applied, versions(), "a second Open applies nothing")
}

// A schema migrated by a newer library is refused, not written to.
func TestNewerSchemaIsRefused(t *testing.T) {
	t.Parallel()
	dsn := testDSN(t)
	schema := freshSchema(t, dsn)
	ctx := context.Background()
	s, err := postgres.Open(ctx, dsn, &postgres.Options{Schema: schema})
	require.NoError(t, err)
	require.NoError(t, s.Close())

	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "INSERT INTO "+pgx.Identifier{schema, "kuji_migrations"}.Sanitize()+
		" (version, name) VALUES (9999, '9999_from_the_future')")
	require.NoError(t, err)

	_, err = postgres.Open(ctx, dsn, &postgres.Options{Schema: schema})
	require.ErrorIs(t, err, postgres.ErrSchemaTooNew)
}

func TestOptions(t *testing.T) {
	t.Parallel()
	dsn := testDSN(t)
	ctx := context.Background()
	for _, bad := range []string{"Kuji", "kuji-test", "1kuji", `ku"ji`, "kuji.x", string(make([]byte, 64))} {
		_, err := postgres.Open(ctx, dsn, &postgres.Options{Schema: bad})
		require.Error(t, err, "schema %q", bad)
	}
	_, err := postgres.Open(ctx, "postgres://no-such-host.invalid:1/x?connect_timeout=1", nil)
	require.Error(t, err, "an unreachable server")
	_, err = postgres.OpenPool(ctx, nil, nil)
	require.Error(t, err)
}

// OpenPool uses the caller's pool and leaves it open on Close.
func TestOpenPool(t *testing.T) {
	t.Parallel()
	dsn := testDSN(t)
	schema := freshSchema(t, dsn)
	ctx := context.Background()
	pool := newPool(t, dsn)
	s, err := postgres.OpenPool(ctx, pool, &postgres.Options{Schema: schema})
	require.NoError(t, err)
	require.Equal(t, schema, s.Schema())
	require.NoError(t, s.Update(ctx, func(tx adapters.Tx) error {
		return tx.CreateEvent(ctx, adapters.Event{ID: "ev-1", State: "open"})
	}))
	require.NoError(t, s.Close())
	require.ErrorIs(t, s.View(ctx, func(adapters.ReadTx) error { return nil }), adapters.ErrClosed)
	require.NoError(t, pool.Ping(ctx), "the caller's pool is still open")
}
