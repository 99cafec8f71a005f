package seal_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/adapters/memory"
	"github.com/kuji-go/kuji/internal/seal"
)

var ctx = context.Background()

func newSealer(t *testing.T) (*seal.Sealer, *memory.KeyStore, []byte) {
	t.Helper()
	kek := seal.NewKEK()
	ks := memory.NewKeyStore()
	s, err := seal.New(kek, ks)
	require.NoError(t, err)
	return s, ks, kek
}

func TestRoundTripAndBinding(t *testing.T) {
	t.Parallel()
	s, _, _ := newSealer(t)
	pt := []byte(`{"name":"山田太郎","phone":"09012345678"}`)
	blob, err := s.Seal(ctx, "ev-1", "rec-1", "application", pt)
	require.NoError(t, err)
	require.Len(t, blob, len(pt)+seal.Overhead)
	require.False(t, bytes.Contains(blob, []byte("09012345678")))

	got, err := s.Open(ctx, "ev-1", "rec-1", "application", blob)
	require.NoError(t, err)
	require.Equal(t, pt, got)

	again, err := s.Seal(ctx, "ev-1", "rec-1", "application", pt)
	require.NoError(t, err)
	require.NotEqual(t, blob, again, "a fresh nonce each time")

	for name, open := range map[string]func() ([]byte, error){
		"other record": func() ([]byte, error) { return s.Open(ctx, "ev-1", "rec-2", "application", blob) },
		"other event":  func() ([]byte, error) { return s.Open(ctx, "ev-2", "rec-1", "application", blob) },
		"other class":  func() ([]byte, error) { return s.Open(ctx, "ev-1", "rec-1", "contact-card", blob) },
		"truncated":    func() ([]byte, error) { return s.Open(ctx, "ev-1", "rec-1", "application", blob[:len(blob)-1]) },
		"too short":    func() ([]byte, error) { return s.Open(ctx, "ev-1", "rec-1", "application", blob[:5]) },
	} {
		_, err := open()
		require.ErrorIs(t, err, seal.ErrCorrupt, name)
	}
	for i := range blob {
		bad := bytes.Clone(blob)
		bad[i] ^= 0x01
		_, err := s.Open(ctx, "ev-1", "rec-1", "application", bad)
		require.ErrorIs(t, err, seal.ErrCorrupt, "flipping byte %d", i)
	}
}

func TestDestroyShredsEveryCopy(t *testing.T) {
	t.Parallel()
	s, ks, kek := newSealer(t)
	card, err := s.Seal(ctx, "ev-1", "card-1", "contact-card", []byte("seat 12"))
	require.NoError(t, err)
	app, err := s.Seal(ctx, "ev-1", "app-1", "application", []byte("x"))
	require.NoError(t, err)
	backup := bytes.Clone(card) // a copy of the database taken before the purge

	require.NoError(t, s.Destroy(ctx, "ev-1", "contact-card"))
	_, err = s.Open(ctx, "ev-1", "card-1", "contact-card", backup)
	require.ErrorIs(t, err, seal.ErrKeyDestroyed)

	// A new process with the same KEK and the live key store cannot open it either.
	fresh, err := seal.New(kek, ks)
	require.NoError(t, err)
	_, err = fresh.Open(ctx, "ev-1", "card-1", "contact-card", backup)
	require.ErrorIs(t, err, seal.ErrKeyDestroyed)
	_, err = fresh.Seal(ctx, "ev-1", "card-2", "contact-card", []byte("y"))
	require.ErrorIs(t, err, seal.ErrKeyDestroyed, "a destroyed class takes no new data")

	got, err := fresh.Open(ctx, "ev-1", "app-1", "application", app)
	require.NoError(t, err, "other classes are untouched")
	require.Equal(t, []byte("x"), got)
}

func TestForgetRereadsTheKeyStore(t *testing.T) {
	t.Parallel()
	s, ks, kek := newSealer(t)
	other, err := seal.New(kek, ks)
	require.NoError(t, err)
	blob, err := s.Seal(ctx, "ev-1", "r", "application", []byte("x"))
	require.NoError(t, err)
	_, err = other.Open(ctx, "ev-1", "r", "application", blob)
	require.NoError(t, err)
	require.NoError(t, s.Destroy(ctx, "ev-1", "application"))
	other.Forget()
	_, err = other.Open(ctx, "ev-1", "r", "application", blob)
	require.ErrorIs(t, err, seal.ErrKeyDestroyed)
}

func TestWrongKEK(t *testing.T) {
	t.Parallel()
	s, ks, _ := newSealer(t)
	blob, err := s.Seal(ctx, "ev-1", "r", "application", []byte("x"))
	require.NoError(t, err)
	other, err := seal.New(seal.NewKEK(), ks)
	require.NoError(t, err)
	_, err = other.Open(ctx, "ev-1", "r", "application", blob)
	require.ErrorIs(t, err, seal.ErrWrongKEK)
}

func TestNoKeyNoData(t *testing.T) {
	t.Parallel()
	s, _, _ := newSealer(t)
	blob, err := s.Seal(ctx, "ev-1", "r", "application", []byte("x"))
	require.NoError(t, err)
	s2, _, _ := newSealer(t) // an empty key store
	_, err = s2.Open(ctx, "ev-1", "r", "application", blob)
	require.ErrorIs(t, err, seal.ErrCorrupt)
}

func TestIndexKeyIsStablePerEvent(t *testing.T) {
	t.Parallel()
	s, ks, kek := newSealer(t)
	k1, err := s.IndexKey(ctx, "ev-1")
	require.NoError(t, err)
	require.Len(t, k1, 32)
	other, err := seal.New(kek, ks)
	require.NoError(t, err)
	k1b, err := other.IndexKey(ctx, "ev-1")
	require.NoError(t, err)
	require.Equal(t, k1, k1b, "every process of the event computes the same blind indexes")
	k2, err := s.IndexKey(ctx, "ev-2")
	require.NoError(t, err)
	require.NotEqual(t, k1, k2, "events have separate index secrets")
	require.NoError(t, s.Destroy(ctx, "ev-1", seal.IndexClass))
	_, err = other.IndexKey(ctx, "ev-2")
	require.NoError(t, err)
	other.Forget()
	_, err = other.IndexKey(ctx, "ev-1")
	require.ErrorIs(t, err, seal.ErrKeyDestroyed)
}

func TestBadArguments(t *testing.T) {
	t.Parallel()
	_, err := seal.New(make([]byte, 16), memory.NewKeyStore())
	require.Error(t, err)
	_, err = seal.New(seal.NewKEK(), nil)
	require.Error(t, err)
	s, _, _ := newSealer(t)
	_, err = s.Seal(ctx, "", "r", "application", []byte("x"))
	require.Error(t, err)
}
