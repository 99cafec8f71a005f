package demo

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestN(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 10000: "10,000",
		1234567: "1,234,567", -1000: "-1,000"} {
		require.Equal(t, want, N(n), "%d", n)
	}
	require.Equal(t, "50.0%", Pct(1, 2))
	require.Equal(t, "-", Pct(1, 0))
}

func TestPrepareDir(t *testing.T) {
	t.Parallel()
	root := t.TempDir()

	fresh := filepath.Join(root, "fresh")
	dir, err := PrepareDir(fresh, false, "x-*")
	require.NoError(t, err)
	require.Equal(t, fresh, dir)
	require.DirExists(t, fresh)

	require.NoError(t, WriteFile(filepath.Join(fresh, "old.db"), []byte("x")))
	require.NoError(t, WriteFile(filepath.Join(fresh, "mine.txt"), []byte("x")))
	_, err = PrepareDir(fresh, false, "x-*", "*.db")
	require.ErrorContains(t, err, "not empty", "an earlier run's directory is refused")
	require.FileExists(t, filepath.Join(fresh, "old.db"))

	_, err = PrepareDir(fresh, true, "x-*", "*.db")
	require.NoError(t, err)
	require.NoFileExists(t, filepath.Join(fresh, "old.db"), "forced: the earlier run's outputs go")
	require.FileExists(t, filepath.Join(fresh, "mine.txt"), "and nothing else")

	tmp, err := PrepareDir("", false, "kuji-demo-test-*")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(tmp) })
	require.DirExists(t, tmp)
}

func TestParallel(t *testing.T) {
	t.Parallel()
	var sum atomic.Int64
	require.NoError(t, Parallel(context.Background(), 4, 100, func(_ context.Context, i int) error {
		sum.Add(int64(i))
		return nil
	}))
	require.Equal(t, int64(4950), sum.Load(), "every index once")

	boom := errors.New("boom")
	var calls atomic.Int64
	err := Parallel(context.Background(), 2, 1_000_000, func(ctx context.Context, i int) error {
		calls.Add(1)
		if i == 10 {
			return boom
		}
		return ctx.Err()
	})
	require.ErrorIs(t, err, boom)
	require.Less(t, calls.Load(), int64(1_000_000), "the first error stops the feed")
}
