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
