package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite" // the "sqlite" driver, to tamper with files as an outsider would

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/memory"
	"github.com/kuji-go/kuji/adapters/sqlite"
	"github.com/kuji-go/kuji/internal/seal"
)

func TestClosedStore(t *testing.T) {
	t.Parallel()
	s := open(t, nil)
	ctx := context.Background()
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "closing twice is harmless")
	require.ErrorIs(t, s.Update(ctx, func(adapters.Tx) error { return nil }), adapters.ErrClosed)
	require.ErrorIs(t, s.View(ctx, func(adapters.ReadTx) error { return nil }), adapters.ErrClosed)
	require.ErrorIs(t, s.Compact(ctx), adapters.ErrClosed)
	require.ErrorIs(t, s.Backup(ctx, filepath.Join(t.TempDir(), "b.db")), adapters.ErrClosed)
}

func TestCancelledContext(t *testing.T) {
	t.Parallel()
	s := open(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, s.Compact(ctx), context.Canceled)
	require.ErrorIs(t, s.Backup(ctx, filepath.Join(t.TempDir(), "b.db")), context.Canceled)

	// A View whose context ends while it reads stops with the context's
	// error.
	bg := context.Background()
	require.NoError(t, s.Update(bg, func(tx adapters.Tx) error {
		if err := tx.CreateEvent(bg, adapters.Event{ID: "ev", State: "open"}); err != nil {
			return err
		}
		for i := range 600 {
			if err := tx.InsertApplication(bg, app("ev", i)); err != nil {
				return err
			}
		}
		return nil
	}))
	ctx, cancel = context.WithCancel(bg)
	seen := 0
	err := s.View(ctx, func(tx adapters.ReadTx) error {
		return tx.ListApplications(ctx, "ev", adapters.ApplicationFilter{}, func(adapters.Application) error {
			seen++
			if seen == 10 {
				cancel()
			}
			return nil
		})
	})
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, 10, seen)
}

func TestConstraintViolation(t *testing.T) {
	t.Parallel()
	s := open(t, nil)
	ctx := context.Background()
	a := app("ev", 1)
	err := s.Update(ctx, func(tx adapters.Tx) error { return tx.InsertApplication(ctx, a) })
	require.ErrorIs(t, err, adapters.ErrNotFound, "an application needs its event")
	require.NoError(t, s.Update(ctx, func(tx adapters.Tx) error {
		if err := tx.CreateEvent(ctx, adapters.Event{ID: "ev", State: "open"}); err != nil {
			return err
		}
		return tx.InsertApplication(ctx, a)
	}))
	// The refused insert is undone by itself, even when the caller goes on
	// and commits the rest of its work.
	require.NoError(t, s.Update(ctx, func(tx adapters.Tx) error {
		b := app("ev", 2)
		b.Identity = append(b.Identity, a.Identity[0])
		err := tx.InsertApplication(ctx, b)
		require.ErrorIs(t, err, adapters.ErrDuplicate)
		require.NotContains(t, err.Error(), string(a.Identity[0]), "the error names no value")
		return tx.PutDrawRecord(ctx, "ev", []byte(`{}`))
	}))
	require.NoError(t, s.View(ctx, func(tx adapters.ReadTx) error {
		_, err := tx.Application(ctx, "ev", app("ev", 2).ID)
		require.ErrorIs(t, err, adapters.ErrNotFound)
		has, err := tx.HasIdentity(ctx, "ev", app("ev", 2).Identity[0])
		require.NoError(t, err)
		require.False(t, has, "nothing of the refused application was kept")
		_, err = tx.DrawRecord(ctx, "ev")
		return err
	}))
}

// A sealed blob altered in the database file comes back from the store as
// stored, and fails to open with seal.ErrCorrupt (which is
// adapters.ErrCorrupt).
func TestCorruptBlob(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	ctx := context.Background()
	sealer, err := seal.New(seal.NewKEK(), memory.NewKeyStore())
	require.NoError(t, err)
	a := app("ev", 1)
	blob, err := sealer.Seal(ctx, "ev", a.ID, "application", []byte(`{"name":"テスト"}`))
	require.NoError(t, err)
	a.Sealed = map[string][]byte{"application": blob}
	require.NoError(t, h.s.Update(ctx, func(tx adapters.Tx) error {
		if err := tx.CreateEvent(ctx, adapters.Event{ID: "ev", State: "open"}); err != nil {
			return err
		}
		return tx.InsertApplication(ctx, a)
	}))
	require.NoError(t, h.s.Close()) // checkpoints the log into the file

	file, err := os.ReadFile(h.path)
	require.NoError(t, err)
	at := bytes.Index(file, blob)
	require.Positive(t, at, "the blob is in the database file")
	file[at+len(blob)/2] ^= 0x5a
	require.NoError(t, os.WriteFile(h.path, file, 0o600))

	s, err := sqlite.Open(h.path, nil)
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.View(ctx, func(tx adapters.ReadTx) error {
		got, err := tx.Application(ctx, "ev", a.ID)
		require.NoError(t, err)
		require.NotEqual(t, blob, got.Sealed["application"])
		_, err = sealer.Open(ctx, "ev", a.ID, "application", got.Sealed["application"])
		require.ErrorIs(t, err, seal.ErrCorrupt)
		require.ErrorIs(t, err, adapters.ErrCorrupt)
		return nil
	}))
}

func TestNotADatabase(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "kuji.db")
	require.NoError(t, os.WriteFile(path, bytes.Repeat([]byte("not a database "), 500), 0o600))
	_, err := sqlite.Open(path, nil)
	require.ErrorIs(t, err, adapters.ErrCorrupt)
}

func TestSchemaTooNew(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	require.NoError(t, h.s.Close())
	db, err := sql.Open("sqlite", h.path)
	require.NoError(t, err)
	_, err = db.Exec(`INSERT INTO kuji_schema (version, name, applied) VALUES (999, '0999_future.sql', 0)`)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	_, err = sqlite.Open(h.path, nil)
	require.ErrorIs(t, err, sqlite.ErrSchemaTooNew)
}

// Reopening a database keeps its data and its schema.
func TestReopen(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	ctx := context.Background()
	require.NoError(t, h.s.Update(ctx, func(tx adapters.Tx) error {
		if err := tx.CreateEvent(ctx, adapters.Event{ID: "ev", State: "open"}); err != nil {
			return err
		}
		if _, err := tx.NextReceipt(ctx, "ev"); err != nil {
			return err
		}
		return tx.InsertApplication(ctx, app("ev", 1))
	}))
	require.NoError(t, h.s.Close())
	s, err := sqlite.Open(h.path, nil)
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Update(ctx, func(tx adapters.Tx) error {
		_, err := tx.Application(ctx, "ev", app("ev", 1).ID)
		require.NoError(t, err)
		n, err := tx.NextReceipt(ctx, "ev")
		require.NoError(t, err)
		require.Equal(t, int64(2), n, "the receipt counter is persistent")
		return nil
	}))
	fi, err := os.Stat(h.path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "the database file is the owner's only")
	fi, err = os.Stat(h.path + "-wal")
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "so is its log")
}
