package sqlite_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/sqlite"
)

// Deleted data lingers in the write-ahead log until Compact; after it,
// none of the three files holds a byte of it.
func TestCompactErasesDeletedData(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	s := h.s
	ctx := context.Background()
	marker := []byte("ZQXJ-sealed-marker-7f3a9c")
	kept := []byte("KPLW-kept-marker-22b4e1")
	require.NoError(t, s.Update(ctx, func(tx adapters.Tx) error {
		if err := tx.CreateEvent(ctx, adapters.Event{ID: "ev", State: "open"}); err != nil {
			return err
		}
		for i := range 50 {
			a := app("ev", i)
			a.Sealed["application"] = append(bytes.Clone(marker), byte('A'+i%26))
			if err := tx.InsertApplication(ctx, a); err != nil {
				return err
			}
		}
		return tx.PutDrawRecord(ctx, "ev", kept)
	}))
	wal, err := os.ReadFile(h.path + "-wal")
	require.NoError(t, err)
	require.True(t, bytes.Contains(wal, marker), "a fresh commit is in the -wal file, which Raw reads")
	raw, err := h.Raw(ctx)
	require.NoError(t, err)
	require.True(t, bytes.Contains(raw, marker))

	require.NoError(t, s.Update(ctx, func(tx adapters.Tx) error {
		n, err := tx.PurgeApplications(ctx, "ev")
		require.Equal(t, int64(50), n)
		return err
	}))
	raw, err = h.Raw(ctx)
	require.NoError(t, err)
	require.True(t, bytes.Contains(raw, marker), "before Compact the log still holds the deleted rows' old pages")

	require.NoError(t, s.Compact(ctx))
	raw, err = h.Raw(ctx)
	require.NoError(t, err)
	require.False(t, bytes.Contains(raw, marker), "after Compact no file holds the deleted data")
	require.True(t, bytes.Contains(raw, kept), "what was not deleted is still there")
	fi, err := os.Stat(h.path + "-wal")
	if err == nil {
		require.Zero(t, fi.Size(), "the log is truncated")
	} else {
		require.ErrorIs(t, err, fs.ErrNotExist)
	}
	require.NoError(t, s.View(ctx, func(tx adapters.ReadTx) error {
		d, err := tx.DrawRecord(ctx, "ev")
		require.Equal(t, kept, d)
		return err
	}))
}

// Compact waits for a View in progress and then fails rather than truncate
// the log under it; once the View ends, Compact succeeds.
func TestCompactWithOpenReader(t *testing.T) {
	t.Parallel()
	s := open(t, &sqlite.Options{BusyTimeout: 200 * time.Millisecond})
	ctx := context.Background()
	require.NoError(t, s.Update(ctx, func(tx adapters.Tx) error {
		return tx.CreateEvent(ctx, adapters.Event{ID: "ev", State: "open"})
	}))
	inView := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.View(ctx, func(tx adapters.ReadTx) error {
			if _, err := tx.Event(ctx, "ev"); err != nil {
				return err
			}
			close(inView)
			<-release
			return nil
		})
	}()
	<-inView
	require.NoError(t, s.Update(ctx, func(tx adapters.Tx) error {
		return tx.PutDrawRecord(ctx, "ev", []byte(`{}`))
	}))
	require.Error(t, s.Compact(ctx), "a reader holds an older snapshot")
	close(release)
	require.NoError(t, <-done)
	require.NoError(t, s.Compact(ctx))
}

func TestBackup(t *testing.T) {
	t.Parallel()
	s := open(t, nil)
	ctx := context.Background()
	require.NoError(t, s.Update(ctx, func(tx adapters.Tx) error {
		if err := tx.CreateEvent(ctx, adapters.Event{ID: "ev", State: "open"}); err != nil {
			return err
		}
		return tx.InsertApplication(ctx, app("ev", 1))
	}))
	path := filepath.Join(t.TempDir(), "backup.db")
	require.NoError(t, s.Backup(ctx, path))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	require.ErrorIs(t, s.Backup(ctx, path), fs.ErrExist, "a backup never overwrites a file")

	// The store goes on while the backup is a snapshot.
	require.NoError(t, s.Update(ctx, func(tx adapters.Tx) error {
		return tx.InsertApplication(ctx, app("ev", 2))
	}))
	b, err := sqlite.Open(path, nil)
	require.NoError(t, err)
	defer b.Close()
	require.NoError(t, b.View(ctx, func(tx adapters.ReadTx) error {
		got, err := tx.Application(ctx, "ev", app("ev", 1).ID)
		require.NoError(t, err)
		require.Equal(t, app("ev", 1).Sealed, got.Sealed)
		_, err = tx.Application(ctx, "ev", app("ev", 2).ID)
		require.ErrorIs(t, err, adapters.ErrNotFound)
		return nil
	}))
}
