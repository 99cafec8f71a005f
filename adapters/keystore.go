package adapters

import "context"

// KeyStore keeps wrapped data keys apart from the database, so that a copy
// of the database never contains a usable key, and destroys them when a
// retention period ends (crypto-shredding).
//
// The keys it holds are already wrapped (encrypted under a key-encryption
// key the key store never sees); names are opaque strings of at most 200
// bytes. Implementations must be safe for concurrent use, and CreateKey must
// be atomic across processes sharing the key store.
type KeyStore interface {
	// Key returns the wrapped key stored under name: ErrNotFound if none was
	// ever created, ErrKeyDestroyed if it was destroyed.
	Key(ctx context.Context, name string) ([]byte, error)
	// CreateKey stores wrapped under name unless a key already exists, and
	// returns the key now stored: wrapped, or the existing key if another
	// caller created it first. ErrKeyDestroyed if the name was destroyed: a
	// destroyed name never gets a key again.
	CreateKey(ctx context.Context, name string, wrapped []byte) ([]byte, error)
	// DestroyKey destroys the key and leaves a tombstone, so later calls
	// report ErrKeyDestroyed rather than ErrNotFound. Destroying an absent
	// or already destroyed name leaves a tombstone and returns nil.
	DestroyKey(ctx context.Context, name string) error
}
