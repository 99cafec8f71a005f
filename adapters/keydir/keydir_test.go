package keydir_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/keydir"
	"github.com/kuji-go/kuji/adapters/storetest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.RunKeyStoreTests(t, func(t *testing.T) (adapters.KeyStore, adapters.KeyStore) {
		dir := filepath.Join(t.TempDir(), "keys")
		a, err := keydir.Open(dir, nil)
		require.NoError(t, err)
		b, err := keydir.Open(dir, nil)
		require.NoError(t, err)
		return a, b
	})
}

func TestFilesArePrivateAndShredded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "keys")
	ks, err := keydir.Open(dir, nil)
	require.NoError(t, err)
	fi, err := os.Stat(dir)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), fi.Mode().Perm())

	_, err = ks.CreateKey(ctx, "ev-1/application", []byte("wrapped-key-material"))
	require.NoError(t, err)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file is left behind")
	info, err := entries[0].Info()
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	require.NoError(t, ks.DestroyKey(ctx, "ev-1/application"))
	entries, err = os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "only the tombstone remains")
	require.Equal(t, ".destroyed", filepath.Ext(entries[0].Name()))
	b, err := os.ReadFile(filepath.Join(dir, entries[0].Name()))
	require.NoError(t, err)
	require.Empty(t, b, "the tombstone holds no key material")
}

func TestRefusesSharedDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.Chmod(dir, 0o755))
	_, err := keydir.Open(dir, nil)
	require.Error(t, err)
	_, err = keydir.Open(dir, &keydir.Options{AllowSharedDir: true})
	require.NoError(t, err)
}

func TestRejectsBadNames(t *testing.T) {
	t.Parallel()
	ks, err := keydir.Open(filepath.Join(t.TempDir(), "k"), nil)
	require.NoError(t, err)
	_, err = ks.CreateKey(context.Background(), "", []byte("x"))
	require.Error(t, err)
	long := make([]byte, 201)
	_, err = ks.Key(context.Background(), string(long))
	require.Error(t, err)
}
