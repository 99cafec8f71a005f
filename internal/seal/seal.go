// Package seal is kuji's envelope for personal data at rest.
//
// Each (event, data class) has its own random 256-bit data key. Data keys
// are wrapped (AES-256-GCM) under a key-encryption key (KEK) that the
// operator holds, and the wrapped keys live in an [adapters.KeyStore] apart
// from the database. A record's fields of one class are sealed with
// AES-256-GCM under that class's data key; the additional data binds the
// format version, the event, the record and the class, so a blob moved to
// another record, class or event does not open.
//
// Destroying a data key in the key store makes every copy of that class
// unreadable, database backups included: [ErrKeyDestroyed].
//
// # Formats (version 1)
//
// Sealed blob:  0x01 || nonce (12) || AES-256-GCM ciphertext and tag.
// Additional data: "kuji/seal/v1" 0x00 || field(event) || field(record) ||
// field(class), where field(s) is a big-endian uint16 length and the bytes.
//
// Wrapped key:  0x01 || KEK ID (8) || nonce (12) || AES-256-GCM(KEK, key),
// additional data "kuji/dek/v1" 0x00 || field(name). The KEK ID is the first
// 8 bytes of SHA-256("kuji/kek-id/v1" || KEK) and only tells a wrong KEK
// apart from a corrupt key.
package seal

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/internal/kerr"
)

const (
	version   = 1
	keySize   = 32
	nonceSize = 12
	kekIDSize = 8
	// Overhead is how many bytes sealing adds to a plaintext.
	Overhead = 1 + nonceSize + 16
	maxField = 1<<16 - 1
)

// ErrKeyDestroyed is returned when the data key was crypto-shredded.
var ErrKeyDestroyed = kerr.ErrKeyDestroyed

// ErrCorrupt is returned when a blob or wrapped key fails authentication:
// it was altered, truncated, or belongs to another record, class or event.
var ErrCorrupt = kerr.ErrCorrupt

// ErrWrongKEK is returned when a wrapped data key was made under another
// key-encryption key.
var ErrWrongKEK = errors.New("kuji/seal: data key was wrapped under another key-encryption key")

// IndexClass is the pseudo data class whose key is the event's secret for
// keyed blind indexes (HMAC-SHA256).
const IndexClass = "blind-index"

// Sealer seals and opens personal data. It is safe for concurrent use.
type Sealer struct {
	kek   cipher.AEAD
	kekID [kekIDSize]byte
	keys  adapters.KeyStore

	mu    sync.Mutex
	cache map[string][]byte // key name -> data key
}

// New returns a Sealer over a 32-byte key-encryption key and a key store.
// The KEK is copied; the caller should keep it out of the database and out
// of the key store.
func New(kek []byte, keys adapters.KeyStore) (*Sealer, error) {
	if len(kek) != keySize {
		return nil, fmt.Errorf("kuji/seal: key-encryption key must be %d bytes, got %d", keySize, len(kek))
	}
	if keys == nil {
		return nil, errors.New("kuji/seal: nil key store")
	}
	aead, err := newAEAD(kek)
	if err != nil {
		return nil, err
	}
	s := &Sealer{kek: aead, keys: keys, cache: make(map[string][]byte)}
	id := sha256.Sum256(append([]byte("kuji/kek-id/v1"), kek...))
	copy(s.kekID[:], id[:kekIDSize])
	return s, nil
}

// NewKEK returns a fresh random key-encryption key.
func NewKEK() []byte {
	k := make([]byte, keySize)
	if _, err := rand.Read(k); err != nil {
		panic("kuji/seal: crypto/rand failed: " + err.Error())
	}
	return k
}

// KeyName is the key-store name of the data key of (event, class).
func KeyName(event, class string) string {
	return event + "/" + class
}

// Seal encrypts plaintext for one record's fields of one data class,
// creating the class's data key on first use.
func (s *Sealer) Seal(ctx context.Context, event, record, class string, plaintext []byte) ([]byte, error) {
	aad, err := sealAAD(event, record, class)
	if err != nil {
		return nil, err
	}
	key, err := s.dataKey(ctx, event, class, true)
	if err != nil {
		return nil, err
	}
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 1+nonceSize, Overhead+len(plaintext))
	out[0] = version
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, fmt.Errorf("kuji/seal: nonce: %w", err)
	}
	return aead.Seal(out, out[1:1+nonceSize], plaintext, aad), nil
}

// Open decrypts a blob sealed for (event, record, class). It returns
// ErrKeyDestroyed if the class's key was destroyed, ErrCorrupt if the blob
// does not authenticate for exactly this event, record and class.
func (s *Sealer) Open(ctx context.Context, event, record, class string, blob []byte) ([]byte, error) {
	aad, err := sealAAD(event, record, class)
	if err != nil {
		return nil, err
	}
	if len(blob) < Overhead || blob[0] != version {
		return nil, fmt.Errorf("%w: sealed blob of class %q has a bad header", ErrCorrupt, class)
	}
	key, err := s.dataKey(ctx, event, class, false)
	if err != nil {
		return nil, err
	}
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	pt, err := aead.Open(nil, blob[1:1+nonceSize], blob[1+nonceSize:], aad)
	if err != nil {
		return nil, fmt.Errorf("%w: sealed blob of class %q does not authenticate", ErrCorrupt, class)
	}
	return pt, nil
}

// IndexKey returns the event's secret for keyed blind indexes, creating it
// on first use. Destroy(ctx, event, IndexClass) destroys it.
func (s *Sealer) IndexKey(ctx context.Context, event string) ([]byte, error) {
	k, err := s.dataKey(ctx, event, IndexClass, true)
	if err != nil {
		return nil, err
	}
	return bytes.Clone(k), nil
}

// Destroy crypto-shreds the data key of (event, class): the key store
// destroys it and this Sealer forgets its cached copy. Every blob of the
// class, in every copy of the database, can never be opened again.
//
// Another Sealer (in another process) that already holds the key in its
// cache keeps it until it is closed; the core refuses to serve data past
// its retention deadline and deletes the rows, so such a cache opens
// nothing that is still stored.
func (s *Sealer) Destroy(ctx context.Context, event, class string) error {
	name := KeyName(event, class)
	s.mu.Lock()
	if k, ok := s.cache[name]; ok {
		clear(k)
		delete(s.cache, name)
	}
	s.mu.Unlock()
	if err := s.keys.DestroyKey(ctx, name); err != nil {
		return fmt.Errorf("kuji/seal: destroy key of class %q: %w", class, err)
	}
	return nil
}

// Forget drops every cached data key, so the next use reads the key store
// again (and sees any destruction done elsewhere).
func (s *Sealer) Forget() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, k := range s.cache {
		clear(k)
		delete(s.cache, name)
	}
}

func (s *Sealer) dataKey(ctx context.Context, event, class string, create bool) ([]byte, error) {
	name := KeyName(event, class)
	s.mu.Lock()
	k, ok := s.cache[name]
	s.mu.Unlock()
	if ok {
		return k, nil
	}
	wrapped, err := s.keys.Key(ctx, name)
	switch {
	case errors.Is(err, kerr.ErrNotFound) && create:
		fresh := NewKEK() // same size and source as a data key
		w, werr := s.wrap(name, fresh)
		if werr != nil {
			return nil, werr
		}
		wrapped, err = s.keys.CreateKey(ctx, name, w)
	case errors.Is(err, kerr.ErrNotFound):
		// Nothing was ever sealed under this class: no blob can open.
		return nil, fmt.Errorf("%w: no data key for class %q", ErrCorrupt, class)
	}
	if err != nil {
		if errors.Is(err, kerr.ErrKeyDestroyed) {
			return nil, fmt.Errorf("kuji/seal: class %q: %w", class, ErrKeyDestroyed)
		}
		return nil, fmt.Errorf("kuji/seal: key store: %w", err)
	}
	k, err = s.unwrap(name, wrapped)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if cached, ok := s.cache[name]; ok {
		k = cached
	} else {
		s.cache[name] = k
	}
	s.mu.Unlock()
	return k, nil
}

func (s *Sealer) wrap(name string, key []byte) ([]byte, error) {
	aad, err := wrapAAD(name)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 1+kekIDSize+nonceSize, 1+kekIDSize+nonceSize+len(key)+16)
	out[0] = version
	copy(out[1:], s.kekID[:])
	nonce := out[1+kekIDSize:]
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("kuji/seal: nonce: %w", err)
	}
	return s.kek.Seal(out, nonce, key, aad), nil
}

func (s *Sealer) unwrap(name string, wrapped []byte) ([]byte, error) {
	aad, err := wrapAAD(name)
	if err != nil {
		return nil, err
	}
	h := 1 + kekIDSize + nonceSize
	if len(wrapped) < h+16 || wrapped[0] != version {
		return nil, fmt.Errorf("%w: wrapped data key %q has a bad header", ErrCorrupt, name)
	}
	if !bytes.Equal(wrapped[1:1+kekIDSize], s.kekID[:]) {
		return nil, ErrWrongKEK
	}
	k, err := s.kek.Open(nil, wrapped[1+kekIDSize:h], wrapped[h:], aad)
	if err != nil || len(k) != keySize {
		return nil, fmt.Errorf("%w: wrapped data key %q does not authenticate", ErrCorrupt, name)
	}
	return k, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("kuji/seal: %w", err)
	}
	return cipher.NewGCM(b)
}

func sealAAD(event, record, class string) ([]byte, error) {
	b := make([]byte, 0, 16+6+len(event)+len(record)+len(class))
	b = append(b, "kuji/seal/v1\x00"...)
	var err error
	for _, f := range []string{event, record, class} {
		if b, err = appendField(b, f); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func wrapAAD(name string) ([]byte, error) {
	return appendField([]byte("kuji/dek/v1\x00"), name)
}

func appendField(b []byte, s string) ([]byte, error) {
	if s == "" || len(s) > maxField {
		return nil, fmt.Errorf("kuji/seal: identifier of length %d out of range 1..%d", len(s), maxField)
	}
	b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
	return append(b, s...), nil
}
