package storetest

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/adapters"
)

// KeyStoreMaker returns a fresh, empty key store and, if the key store can
// be opened twice (as by two processes), a second handle on the same
// storage; otherwise second is nil.
type KeyStoreMaker func(t *testing.T) (first, second adapters.KeyStore)

// RunKeyStoreTests runs the key store conformance cases, each on a fresh
// key store.
func RunKeyStoreTests(t *testing.T, newKeyStore KeyStoreMaker) {
	t.Helper()
	for _, c := range []struct {
		name string
		run  func(t *testing.T, a, b adapters.KeyStore)
	}{
		{"CreateAndRead", testKeyCreate},
		{"CreateRaceAgreesOnOneKey", testKeyCreateRace},
		{"DestroyLeavesTombstone", testKeyDestroy},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, b := newKeyStore(t)
			if b == nil {
				b = a
			}
			c.run(t, a, b)
		})
	}
}

func testKeyCreate(t *testing.T, a, b adapters.KeyStore) {
	_, err := a.Key(bg(), "ev-1/application")
	require.ErrorIs(t, err, adapters.ErrNotFound)
	got, err := a.CreateKey(bg(), "ev-1/application", []byte("wrapped-1"))
	require.NoError(t, err)
	require.Equal(t, []byte("wrapped-1"), got)
	got, err = b.CreateKey(bg(), "ev-1/application", []byte("wrapped-2"))
	require.NoError(t, err)
	require.Equal(t, []byte("wrapped-1"), got, "an existing key is returned, never replaced")
	got, err = b.Key(bg(), "ev-1/application")
	require.NoError(t, err)
	require.Equal(t, []byte("wrapped-1"), got)
	got[0] = 'X'
	again, err := a.Key(bg(), "ev-1/application")
	require.NoError(t, err)
	require.Equal(t, []byte("wrapped-1"), again, "callers get copies")
	_, err = a.Key(bg(), "ev-1/contact-card")
	require.ErrorIs(t, err, adapters.ErrNotFound, "names are independent")
}

func testKeyCreateRace(t *testing.T, a, b adapters.KeyStore) {
	const n = 32
	got := make([][]byte, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ks := []adapters.KeyStore{a, b}[i%2]
			k, err := ks.CreateKey(bg(), "ev-race/application", []byte(fmt.Sprintf("candidate-%02d", i)))
			if err != nil {
				t.Errorf("CreateKey: %v", err)
				return
			}
			got[i] = k
		}()
	}
	wg.Wait()
	for i := range n {
		require.True(t, bytes.Equal(got[0], got[i]), "every creator ends up with the same key")
	}
	require.Contains(t, string(got[0]), "candidate-")
}

func testKeyDestroy(t *testing.T, a, b adapters.KeyStore) {
	_, err := a.CreateKey(bg(), "ev-1/contact-card", []byte("wrapped"))
	require.NoError(t, err)
	_, err = a.CreateKey(bg(), "ev-1/application", []byte("other"))
	require.NoError(t, err)
	require.NoError(t, a.DestroyKey(bg(), "ev-1/contact-card"))
	_, err = b.Key(bg(), "ev-1/contact-card")
	require.ErrorIs(t, err, adapters.ErrKeyDestroyed, "a destroyed key reports ErrKeyDestroyed, not ErrNotFound")
	_, err = b.CreateKey(bg(), "ev-1/contact-card", []byte("resurrected"))
	require.ErrorIs(t, err, adapters.ErrKeyDestroyed, "a destroyed name never gets a key again")
	require.NoError(t, b.DestroyKey(bg(), "ev-1/contact-card"), "destroying twice is fine")
	k, err := a.Key(bg(), "ev-1/application")
	require.NoError(t, err, "other keys survive")
	require.Equal(t, []byte("other"), k)

	require.NoError(t, a.DestroyKey(bg(), "ev-2/never-created"))
	_, err = a.CreateKey(bg(), "ev-2/never-created", []byte("late"))
	require.ErrorIs(t, err, adapters.ErrKeyDestroyed, "destroying an absent name still leaves a tombstone")
}
