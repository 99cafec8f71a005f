package memory_test

import (
	"context"
	"testing"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/memory"
	"github.com/kuji-go/kuji/adapters/storetest"
)

type harness struct{ s *memory.Store }

func (h harness) Store() adapters.Store               { return h.s }
func (h harness) Raw(context.Context) ([]byte, error) { return h.s.Dump(), nil }
func (h harness) Close() error                        { return h.s.Close() }

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.RunConformanceTests(t, func(context.Context, *testing.T) (storetest.Harness, error) {
		return harness{memory.OpenStore(nil)}, nil
	})
}

func TestKeyStoreConformance(t *testing.T) {
	t.Parallel()
	storetest.RunKeyStoreTests(t, func(*testing.T) (adapters.KeyStore, adapters.KeyStore) {
		return memory.NewKeyStore(), nil
	})
}
