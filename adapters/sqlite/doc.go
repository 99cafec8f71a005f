// Package sqlite is kuji's embedded default [adapters.Store]: one SQLite
// database file, through modernc.org/sqlite (pure Go, no cgo).
//
//	st, err := sqlite.Open("/var/lib/kuji/citywalk.db", nil)
//	...
//	defer st.Close()
//
// It passes the conformance suite of adapters/storetest. Several Stores,
// in one process or in several, may open the same file: SQLite's locks
// serialise their writers.
//
// # What is stored where
//
// Everything is in the database file named to [Open] and its two
// companions, name-wal (the write-ahead log) and name-shm (the log's index
// of page numbers), all created with mode 0600. No column holds a personal
// value in the clear:
//
//   - events, draw records, designations, consent receipts and erasure
//     records are non-personal JSON documents the core hands over;
//   - an application's row holds its receipt number, channel, category,
//     group size, slot preferences, weight, tier and status; its personal
//     data is one sealed blob per data class (AES-256-GCM, sealed by the
//     core before the store sees it) in the sealed table;
//   - duplicate-identity keys (unique per event) and reception-desk search
//     keys are keyed blind indexes (HMAC) stored as BLOBs;
//   - contact cards are sealed blobs with their slot;
//   - the outbox, check-ins and the audit logs (leaves, tree hashes and
//     signed checkpoints) hold identifiers and codes only.
//
// The data keys that open the sealed blobs are not in the database: they
// are in an [adapters.KeyStore] (for example adapters/keydir) that must be
// kept apart from it.
//
// # Pragmas
//
// The database runs in write-ahead-log mode (journal_mode=WAL), so that
// View transactions read a consistent snapshot on their own connections
// while the writer writes. Every connection is opened with busy_timeout
// ([Options.BusyTimeout]), so that Stores sharing the file wait for each
// other's write lock instead of failing; foreign_keys=ON, so that rows name
// existing events; secure_delete=ON, so that deleted rows are overwritten
// with zeros rather than left in free pages; temp_store=FILE, so that a
// large transaction's statement sub-journal spills to a temporary file
// instead of growing in memory (where every savepoint release walks it),
// switched to MEMORY while VACUUM runs so that compaction leaves no copy of
// the data in a temporary file; and synchronous=FULL, which syncs the log on
// every commit ([Options.Synchronous] may relax it to NORMAL). The writer
// keeps a 64 MiB page cache. Write transactions begin IMMEDIATE, taking the
// write lock when they start rather than failing half-way.
//
// An application's child rows (sealed blobs, keys, consent, messages,
// check-ins) carry no foreign key to it: the store deletes them itself,
// explicitly for one application and in bulk for a purge, which spares a
// purge six foreign-key probes per deleted application.
//
// # Schema
//
// The schema is a series of numbered SQL files embedded in the package
// (migrations/0001_init.sql, ...). [Open] applies those the database lacks,
// in order, in one transaction, and records each in the kuji_schema table.
// A database whose schema is newer than this package knows is refused with
// [ErrSchemaTooNew].
//
// # Group commit
//
// SQLite commits one transaction at a time, and a durable commit costs a
// sync of the log. So that many concurrent applicants do not queue for one
// sync each, concurrent [Store.Update] calls share transactions: each
// caller's fn runs, on the caller's own goroutine, inside a savepoint of
// the open transaction; when fn fails, panics or its context ends, the
// savepoint is rolled back and that caller's work alone disappears. The
// last caller in (no one else waiting, or [Options.MaxBatch] reached)
// commits for everyone, and every caller's Update returns only once that
// COMMIT is durable. If the COMMIT fails, every caller whose fn succeeded
// gets the error and nothing of the batch is stored. MaxBatch 1 commits
// every Update on its own. An Update still waiting for its turn gives up
// when its context ends.
//
// Because an interrupted write makes SQLite roll back the whole
// transaction — everyone's work — statements in an Update are never
// interrupted: a cancelled context is noticed before each statement and
// between rows, and rolls back that caller's savepoint only.
//
// A Tx is not safe for concurrent use, and fn must not call Update,
// Compact or Backup on the same Store (the nested call would wait for the
// transaction running it). A Tx used after its fn returned reports
// [adapters.ErrClosed].
//
// # Errors
//
// Errors wrap the adapters sentinels: [adapters.ErrNotFound] (no such
// record, or a record it refers to is missing), [adapters.ErrDuplicate] (a
// unique key is taken), [adapters.ErrConflict] (a compare-and-set lost, or
// a write through a View), [adapters.ErrClosed] (the store is closed, or a
// Tx is used after its function returned) and [adapters.ErrCorrupt] (the
// file is not a database, or a stored row does not parse). A cancelled
// context's error comes back unchanged. The driver's *sqlite.Error stays in
// the chain; SQLite's messages name tables and columns, never values.
//
// # Durability
//
// Once Update returns nil, the transaction is in the synced write-ahead
// log: it survives the process being killed and, with synchronous=FULL,
// the machine losing power. A crash never leaves an operation
// half-written. The package's tests kill writing processes with SIGKILL at
// several points and find every acknowledged application whole and no
// other one half-stored.
//
// # Compaction
//
// After the retention side purges data, [Store.Compact] checkpoints the
// log into the database file and truncates it, rebuilds the file without
// free pages (VACUUM) and truncates the log again. Afterwards neither the
// database file nor the -wal or -shm file holds any byte of the deleted
// rows, not even their ciphertext.
//
// # Backups
//
// [Store.Backup] writes a consistent, compacted copy of the database to a
// new file while the store runs; copying the three files of a closed store
// works too. A backup holds sealed blobs only. Never back up the key store
// together with the database, and never into the same place: the point of
// keeping the keys apart is that destroying a data key (crypto-shredding)
// makes that data class unreadable in every copy of the database, backups
// included. A backup taken before a purge still holds the purged rows'
// ciphertext until it is itself destroyed, but no key opens it once the
// key is destroyed.
//
// # Compatibility
//
// The schema only moves forward: a newer kuji opens and upgrades a file
// written by an older one; an older kuji refuses a newer file.
package sqlite
