package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// lockIdle takes the writer for a maintenance task, or gives up when ctx
// ends, and commits the batch, if any, that was waiting for its last
// member.
func (s *Store) lockIdle(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case s.writer <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	if s.closed.Load() {
		s.unlock()
		return errClosed
	}
	if s.cur != nil {
		s.finish(s.cur)
	}
	return nil
}

// Compact implements [adapters.Compacter]: it checkpoints the write-ahead
// log into the database file and truncates the log, rebuilds the database
// file without free pages (VACUUM), and checkpoints and truncates again.
// With secure_delete on, deleted rows were already overwritten in their
// pages; after Compact no deleted data remains in the database file, the
// -wal file (empty) or the -shm file (which holds only page numbers).
//
// Compact waits for Update calls in progress and holds them off while it
// runs; View transactions still open when it starts make it wait up to
// [Options.BusyTimeout] and then fail, since the log cannot be truncated
// under a reader.
func (s *Store) Compact(ctx context.Context) error {
	if err := s.lockIdle(ctx); err != nil {
		return err
	}
	defer s.unlock()
	if err := s.checkpoint(ctx); err != nil {
		return err
	}
	if err := s.inMemoryTemp(ctx, func() error {
		_, err := s.wdb.ExecContext(ctx, "VACUUM")
		return err
	}); err != nil {
		return s.translate(err, "vacuum")
	}
	return s.checkpoint(ctx)
}

// inMemoryTemp runs fn with temp_store=MEMORY on the writer, so that
// VACUUM builds its copy of the database in memory and leaves no copy in a
// temporary file. The rest of the time temp_store is FILE: a statement
// sub-journal then spills to a temporary file past 64 KiB, which keeps a
// large transaction linear (an in-memory sub-journal is truncated by
// walking it from the start at every savepoint release, which made a
// 10,000-application transaction quadratic).
func (s *Store) inMemoryTemp(ctx context.Context, fn func() error) error {
	if _, err := s.wdb.ExecContext(ctx, "PRAGMA temp_store = MEMORY"); err != nil {
		return err
	}
	err := fn()
	if _, rerr := s.wdb.ExecContext(context.WithoutCancel(ctx), "PRAGMA temp_store = FILE"); rerr != nil && err == nil {
		err = rerr
	}
	return err
}

func (s *Store) checkpoint(ctx context.Context) error {
	var busy, logPages, done int
	err := s.wdb.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logPages, &done)
	if err != nil {
		return s.translate(err, "checkpoint")
	}
	if busy != 0 {
		return fmt.Errorf("kuji/sqlite: checkpoint: a reader kept the write-ahead log in use; retry when no View is running")
	}
	return nil
}

// Backup writes a consistent, compacted copy of the database to a new file
// at path (VACUUM INTO), readable by the owner only, and syncs it to disk.
// The copy holds sealed blobs and blind indexes, never keys: back the key
// store up separately, if at all, and never next to the database (see the
// package documentation). Backup fails if path exists. Update calls wait
// while it runs.
func (s *Store) Backup(ctx context.Context, path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("kuji/sqlite: backup: %w", err)
	}
	if err := s.lockIdle(ctx); err != nil {
		return err
	}
	defer s.unlock()
	// VACUUM INTO accepts an empty file: create it first, exclusively and
	// with the right mode.
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("kuji/sqlite: backup: %w", err)
	}
	if err := s.inMemoryTemp(ctx, func() error {
		_, err := s.wdb.ExecContext(ctx, "VACUUM INTO ?", abs)
		return err
	}); err != nil {
		f.Close()
		os.Remove(abs)
		return s.translate(err, "backup")
	}
	if err := errors.Join(f.Sync(), f.Close(), syncDir(filepath.Dir(abs))); err != nil {
		return fmt.Errorf("kuji/sqlite: backup: %w", err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
