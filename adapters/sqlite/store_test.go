package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/sqlite"
	"github.com/kuji-go/kuji/adapters/storetest"
)

// harness is a fresh database file in a temporary directory.
type harness struct {
	t    *testing.T
	path string
	s    *sqlite.Store
}

func newHarness(t *testing.T, opts *sqlite.Options) *harness {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kuji.db")
	s, err := sqlite.Open(path, opts)
	require.NoError(t, err)
	return &harness{t: t, path: path, s: s}
}

func (h *harness) Store() adapters.Store { return h.s }

// Raw reads the database file and its -wal and -shm companions from disk,
// as a hosting company with a copy of them would.
//
// Reading opens and closes the files, which on Linux drops the POSIX locks
// this process holds on them; that matters only to other processes, and no
// other process uses these files while the suite runs.
func (h *harness) Raw(context.Context) ([]byte, error) { return readFiles(h.path) }

func readFiles(path string) ([]byte, error) {
	var all bytes.Buffer
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(path + suffix)
		if errors.Is(err, fs.ErrNotExist) && suffix != "" {
			continue
		}
		if err != nil {
			return nil, err
		}
		all.Write(b)
	}
	return all.Bytes(), nil
}

func (h *harness) Close() error { return h.s.Close() }

// OpenSecond implements storetest.SecondOpener: a second Store on the same
// file, as a second application server would open it.
func (h *harness) OpenSecond(context.Context) (adapters.Store, error) {
	return sqlite.Open(h.path, nil)
}

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.RunConformanceTests(t, func(_ context.Context, t *testing.T) (storetest.Harness, error) {
		return newHarness(t, nil), nil
	})
}

// Without group commit (MaxBatch 1) every Update is its own transaction;
// the suite holds the same way.
func TestConformanceNoBatching(t *testing.T) {
	t.Parallel()
	storetest.RunConformanceTests(t, func(_ context.Context, t *testing.T) (storetest.Harness, error) {
		return newHarness(t, &sqlite.Options{MaxBatch: 1}), nil
	})
}
