// Package adapters defines the ports kuji's core persists and sends through,
// as small interfaces, and holds their reference implementations in
// subpackages:
//
//   - memory: a [Store] and a [KeyStore] in memory, for tests and demos;
//   - sqlite: the embedded default [Store] (modernc.org/sqlite, no cgo);
//   - postgres: a [Store] for several application servers on one database;
//   - keydir: a [KeyStore] in a directory of key files;
//   - storetest: the conformance suite every [Store] must pass;
//   - pgp, csvio, smtp: encrypted exports, CSV interop, notifications.
//
// # Stores are dumb
//
// A store persists what the core hands it and never sees a personal value:
// personal data arrives already sealed (AES-256-GCM, one data key per event
// and data class) as opaque blobs, lookups by name or phone arrive as keyed
// blind indexes (HMAC), and everything else is non-personal (receipt
// numbers, slot IDs, states, counts). The keys live in a [KeyStore] that is
// separate from the database, so a copy of the database never contains a
// usable key.
//
// # Transactions
//
// Every operation of the core runs inside one [Store.Update] call, so it
// commits whole or not at all; reads that need a consistent view run inside
// [Store.View]. A transaction value must not be used after its function
// returns.
//
// # Errors
//
// Adapters translate their own errors into a small closed set of sentinels —
// [ErrNotFound], [ErrConflict], [ErrDuplicate], [ErrClosed], [ErrCorrupt],
// [ErrKeyDestroyed] — and pass a cancelled context's error through
// unchanged (errors.Is(err, context.Canceled)). Callers branch with
// errors.Is, never on strings.
//
// # Writing your own store
//
// Implement [Store] and call storetest.RunConformanceTests from your tests,
// like the reference stores do. Optional abilities are separate interfaces
// detected by type assertion, as io/fs does: [Compacter] on a Store,
// [IntakeTx] on a transaction (fewer round trips per application).
package adapters

import "github.com/kuji-go/kuji/internal/kerr"

// The sentinels every adapter translates its errors into.
var (
	ErrNotFound     = kerr.ErrNotFound
	ErrConflict     = kerr.ErrConflict
	ErrDuplicate    = kerr.ErrDuplicate
	ErrClosed       = kerr.ErrClosed
	ErrCorrupt      = kerr.ErrCorrupt
	ErrKeyDestroyed = kerr.ErrKeyDestroyed
)
