// Package keydir is an [adapters.KeyStore] in a directory of key files.
//
// Keep the directory apart from the database and out of the database's
// backups: crypto-shredding works because destroying a key here makes every
// copy of the database unreadable for that data class. A backup of this
// directory taken before a destruction would bring the key back; back it up
// only as the ward's contract allows, and destroy those copies on the same
// schedule.
//
// # Layout
//
// Each key is a file named hex(name)+".key" (mode 0600) holding the wrapped
// key. Files are written to a temporary name, synced, and hard-linked into
// place, so a reader never sees a partial key and two processes creating
// the same key agree on one. Destroying a key first writes a tombstone
// file hex(name)+".destroyed", then overwrites the key file with zeros,
// syncs and removes it. The tombstone wins every race: once it exists the
// name reports [adapters.ErrKeyDestroyed] and never gets a key again.
//
// Overwriting a file is best effort on journaling file systems and SSDs;
// the keys are wrapped under a key-encryption key the directory never holds,
// so a recovered key file is useless without it.
package keydir

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/kuji-go/kuji/adapters"
)

const maxName = 200

// Options configures a KeyStore.
type Options struct {
	// AllowSharedDir accepts a directory that group or others may access.
	// By default Open refuses one, since anyone who can read it can read
	// the wrapped keys.
	AllowSharedDir bool
}

// KeyStore keeps wrapped keys in one directory.
type KeyStore struct {
	dir string
}

var _ adapters.KeyStore = (*KeyStore)(nil)

// Open returns the key store in dir, creating the directory (mode 0700) if
// it does not exist.
func Open(dir string, opts *Options) (*KeyStore, error) {
	if opts == nil {
		opts = &Options{}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("kuji/keydir: %w", err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("kuji/keydir: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("kuji/keydir: %s is not a directory", dir)
	}
	if fi.Mode().Perm()&0o077 != 0 && !opts.AllowSharedDir {
		return nil, fmt.Errorf("kuji/keydir: %s has mode %v; group and others must have no access (chmod 700)", dir, fi.Mode().Perm())
	}
	return &KeyStore{dir: dir}, nil
}

func (k *KeyStore) paths(name string) (key, tomb string, err error) {
	if name == "" || len(name) > maxName {
		return "", "", fmt.Errorf("kuji/keydir: key name of length %d out of range 1..%d", len(name), maxName)
	}
	base := filepath.Join(k.dir, hex.EncodeToString([]byte(name)))
	return base + ".key", base + ".destroyed", nil
}

func exists(path string) (bool, error) {
	_, err := os.Lstat(path)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return false, fmt.Errorf("kuji/keydir: %w", err)
}

// Key implements [adapters.KeyStore].
func (k *KeyStore) Key(ctx context.Context, name string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	keyPath, tomb, err := k.paths(name)
	if err != nil {
		return nil, err
	}
	if dead, err := exists(tomb); err != nil || dead {
		if err != nil {
			return nil, err
		}
		return nil, adapters.ErrKeyDestroyed
	}
	b, err := os.ReadFile(keyPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("kuji/keydir: key: %w", adapters.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("kuji/keydir: %w", err)
	}
	return b, nil
}

// CreateKey implements [adapters.KeyStore].
func (k *KeyStore) CreateKey(ctx context.Context, name string, wrapped []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	keyPath, tomb, err := k.paths(name)
	if err != nil {
		return nil, err
	}
	if len(wrapped) == 0 {
		return nil, errors.New("kuji/keydir: empty key")
	}
	if dead, err := exists(tomb); err != nil || dead {
		if err != nil {
			return nil, err
		}
		return nil, adapters.ErrKeyDestroyed
	}
	tmp, err := k.writeTemp(wrapped)
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp)
	linkErr := os.Link(tmp, keyPath)
	if linkErr != nil && !errors.Is(linkErr, fs.ErrExist) {
		return nil, fmt.Errorf("kuji/keydir: %w", linkErr)
	}
	if err := syncDir(k.dir); err != nil {
		return nil, err
	}
	// A destruction that raced this creation wins: never leave a live key
	// behind a tombstone.
	if dead, err := exists(tomb); err != nil || dead {
		if err != nil {
			return nil, err
		}
		if linkErr == nil {
			_ = shred(keyPath)
		}
		return nil, adapters.ErrKeyDestroyed
	}
	if linkErr == nil {
		return bytes.Clone(wrapped), nil
	}
	return k.Key(ctx, name) // someone else created it first
}

// DestroyKey implements [adapters.KeyStore].
func (k *KeyStore) DestroyKey(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	keyPath, tomb, err := k.paths(name)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(tomb, os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("kuji/keydir: %w", err)
	}
	if err := errors.Join(f.Sync(), f.Close()); err != nil {
		return fmt.Errorf("kuji/keydir: %w", err)
	}
	if err := syncDir(k.dir); err != nil {
		return err
	}
	if err := shred(keyPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("kuji/keydir: %w", err)
	}
	return syncDir(k.dir)
}

func (k *KeyStore) writeTemp(b []byte) (string, error) {
	var rnd [8]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return "", fmt.Errorf("kuji/keydir: %w", err)
	}
	tmp := filepath.Join(k.dir, ".tmp-"+hex.EncodeToString(rnd[:]))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("kuji/keydir: %w", err)
	}
	_, werr := f.Write(b)
	if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("kuji/keydir: %w", err)
	}
	return tmp, nil
}

// shred overwrites a file with zeros, syncs it and removes it.
func shred(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	if err == nil {
		_, err = f.Write(make([]byte, fi.Size()))
	}
	if err := errors.Join(err, f.Sync(), f.Close()); err != nil {
		return err
	}
	return os.Remove(path)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("kuji/keydir: %w", err)
	}
	if err := errors.Join(d.Sync(), d.Close()); err != nil {
		return fmt.Errorf("kuji/keydir: %w", err)
	}
	return nil
}
