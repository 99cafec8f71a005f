package memory

import (
	"bytes"
	"context"
	"fmt"
	"sync"

	"github.com/kuji-go/kuji/adapters"
)

// KeyStore is an in-memory [adapters.KeyStore].
type KeyStore struct {
	mu        sync.Mutex
	keys      map[string][]byte
	destroyed map[string]bool
}

var _ adapters.KeyStore = (*KeyStore)(nil)

// NewKeyStore returns an empty key store.
func NewKeyStore() *KeyStore {
	return &KeyStore{keys: map[string][]byte{}, destroyed: map[string]bool{}}
}

// Key implements [adapters.KeyStore].
func (k *KeyStore) Key(ctx context.Context, name string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.destroyed[name] {
		return nil, adapters.ErrKeyDestroyed
	}
	w, ok := k.keys[name]
	if !ok {
		return nil, fmt.Errorf("kuji/memory: key: %w", adapters.ErrNotFound)
	}
	return bytes.Clone(w), nil
}

// CreateKey implements [adapters.KeyStore].
func (k *KeyStore) CreateKey(ctx context.Context, name string, wrapped []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.destroyed[name] {
		return nil, adapters.ErrKeyDestroyed
	}
	if w, ok := k.keys[name]; ok {
		return bytes.Clone(w), nil
	}
	k.keys[name] = bytes.Clone(wrapped)
	return bytes.Clone(wrapped), nil
}

// DestroyKey implements [adapters.KeyStore].
func (k *KeyStore) DestroyKey(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if w, ok := k.keys[name]; ok {
		clear(w)
		delete(k.keys, name)
	}
	k.destroyed[name] = true
	return nil
}
