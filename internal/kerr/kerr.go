// Package kerr holds the sentinel errors that several kuji packages return.
//
// Each public package re-exports the sentinels it returns
// (var ErrNotPermitted = kerr.ErrNotPermitted), so errors.Is matches the
// same value whichever package a caller names.
package kerr

import "errors"

var (
	// ErrNotPermitted: the actor, purpose or view may not use this data.
	ErrNotPermitted = errors.New("kuji: not permitted")
	// ErrKeyDestroyed: the data key of this data class was destroyed
	// (crypto-shredded); the data can never be read again.
	ErrKeyDestroyed = errors.New("kuji: data key destroyed")
	// ErrRetentionExpired: the record is past its retention deadline and is
	// served to no one, even before the purge has run.
	ErrRetentionExpired = errors.New("kuji: retention period expired")
)

// Store sentinels: every store adapter translates its own errors into these.
var (
	// ErrNotFound: no such record.
	ErrNotFound = errors.New("kuji: not found")
	// ErrConflict: an optimistic-concurrency check failed (the record changed
	// since it was read) or a state transition raced another writer.
	ErrConflict = errors.New("kuji: conflict")
	// ErrDuplicate: a uniqueness constraint refused the write (the same
	// person already holds a chance, a receipt number or message key is taken).
	ErrDuplicate = errors.New("kuji: duplicate")
	// ErrClosed: the store or key store is closed.
	ErrClosed = errors.New("kuji: closed")
	// ErrCorrupt: stored data failed its integrity check (a sealed blob does
	// not open, a row does not parse).
	ErrCorrupt = errors.New("kuji: corrupt data")
)
