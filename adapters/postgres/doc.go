// Package postgres is an [adapters.Store] on PostgreSQL (13 or later,
// tested with 15) through github.com/jackc/pgx/v5, for events that need
// several application servers on one database.
//
//	store, err := postgres.Open(ctx, "postgres://kuji@db.internal/wardapps", &postgres.Options{Schema: "kuji"})
//
// [Open] makes its own pgxpool from the DSN (pool_max_conns and the other
// pool_* parameters apply); [OpenPool] uses a pool the program already has.
// Either creates the schema if absent and brings it up to date. The store
// passes the conformance suite adapters/storetest, including the cases that
// race two stores on one database.
//
// # Schema
//
// Every object lives in one PostgreSQL schema, [Options].Schema ("kuji" by
// default), and queries name it explicitly, so the connection's search_path
// does not matter. The tables: events; applications with, keyed to each
// application and deleted with it by ON DELETE CASCADE, sealed_blobs,
// identity_keys, search_keys, consents, messages (the outbox) and
// check_ins; contact_cards, draw_records, designations, erasures; and the
// audit tables audit_logs, audit_leaves, audit_hashes, audit_checkpoints.
// Each event also has a sequence, receipt_N, for its receipt numbers.
//
// No column holds a personal value in the clear. Personal data is only in
// bytea columns of ciphertext (sealed_blobs.blob, contact_cards.sealed) and
// of keyed blind indexes (identity_keys.mac, search_keys.mac); the other
// columns are pseudonymous IDs, receipt numbers, states, times and the
// core's non-personal JSON documents. identity_keys has the primary key
// (event, mac): the database itself refuses a second application of one
// person to an event.
//
// Migrations are numbered SQL files embedded in the package and recorded
// in the table kuji_migrations. Open applies the missing ones in one
// transaction holding pg_advisory_xact_lock on a key derived from the
// schema name, so servers starting together apply each exactly once; a
// database migrated by a newer version of this package is refused with
// [ErrSchemaTooNew].
//
// # Isolation and locking
//
// [Store.Update] runs at READ COMMITTED; [Store.View] runs READ ONLY at
// REPEATABLE READ, so every read of a View sees one snapshot. Update needs
// no stronger level because every invariant of the ports is enforced by
// the statement that could break it, not by what the transaction read
// before:
//
//   - uniqueness (application IDs, receipt numbers, identity keys, message
//     keys, check-ins, erasure and contact-card IDs) by unique constraints:
//     of two racing inserts the second waits for the first and loses if it
//     commits;
//   - compare-and-set (UpdateEvent's version, SetStatus's from-state,
//     CompleteMessage's worker) by UPDATE ... WHERE version = $n: a racing
//     update waits for the row and re-checks the condition against the
//     committed row, so exactly one of them matches;
//   - outbox claims by SELECT ... FOR UPDATE SKIP LOCKED, so concurrent
//     workers pass over each other's messages instead of claiming them
//     twice or waiting;
//   - audit appends by pg_advisory_xact_lock on a 64-bit key derived from
//     the schema and the log's name (the first eight bytes of SHA-256 over
//     "kuji/postgres audit append", the schema and the name, NUL-separated),
//     held until the transaction ends, so appends to one log are serialised
//     across all servers and leaf indexes have no gaps; appends to
//     different logs do not wait for each other;
//   - the event's state by advisory locks on a key derived from the schema
//     and the event: Event, EventState and OpenIntake inside an Update take
//     it shared, in a statement of its own before the read (a statement
//     reads the snapshot of its start, so a read sharing the lock's
//     statement could miss the change it waited for); UpdateEvent takes it
//     exclusive, and so waits for every transaction that read the event
//     and is waited for by every one that reads it next;
//   - receipt numbers by a sequence per event: nextval never waits for
//     another transaction and never hands a number out twice, though a
//     rolled-back transaction leaves a gap, as the port allows.
//
// No transaction is retried, so the function passed to Update runs exactly
// once. Conflicts that the ports report as errors (ErrDuplicate,
// ErrConflict, ErrNotFound) are detected without raising an SQL error,
// which would abort the transaction, or, for an application's insert,
// inside a savepoint that is rolled back: after such an error the
// transaction is still usable — to record the refused attempt in the audit log, say —
// and commits if the function returns nil. An unexpected database error
// does abort it; Update then returns an error however the function ends.
//
// Because an audit append holds its log's lock until commit, the
// transactions that append to one log commit one at a time, and their
// rate is bounded by the time from the append to the end of the commit,
// the write-ahead log's flush included: append as late in the transaction
// as possible. To keep that section short, a transaction's BEGIN travels
// with its first statement, an append reads what it needs with the lock
// in one round trip, and its leaves and hashes travel with the COMMIT. (So
// a failure to write them — a broken connection — is reported by Update,
// not by Append; the transaction rolls back whole either way.)
//
// # Several servers on one database
//
// Open a Store on each server with the same DSN and schema. Nothing is
// cached across transactions, so what one server commits the others see at
// their next statement. Each transaction holds one pooled connection from
// its first statement to its end; pgxpool's default pool has
// max(4, GOMAXPROCS) connections, so a server that runs many operations at
// once wants pool_max_conns in its DSN (and the database a matching
// max_connections). Listings read a page of rows at a time (so that the
// callback may use the transaction); inside an Update later pages may
// include rows other servers committed after the listing began.
//
// # Errors
//
// A unique violation is [adapters.ErrDuplicate], a foreign-key violation
// (a missing parent row) [adapters.ErrNotFound], a serialisation failure or
// deadlock [adapters.ErrConflict], a closed Store [adapters.ErrClosed], and
// a cancelled or expired context is passed through (errors.Is(err,
// context.Canceled)). Errors never quote the server's detail message, which
// may contain a row's values.
//
// # Compaction
//
// [Store.Compact] runs VACUUM (ANALYZE) on the store's tables. VACUUM
// removes the dead row versions that deletes and updates leave behind from
// the tables and indexes and marks their space free for reuse; a logical
// dump (pg_dump) never contains deleted rows, compacted or not. VACUUM does
// not promise that the old bytes are gone from disk: pruned space in a page
// is not zeroed until reused, the table files keep their size, and the
// write-ahead log, WAL archives, replicas and backups keep copies of the
// deleted rows until they are recycled or expire. VACUUM FULL rewrites a
// table into new files, but holds an ACCESS EXCLUSIVE lock on it meanwhile
// and leaves the old blocks to the file system. None of this exposes
// personal data: what lingers is ciphertext, and once retention destroys
// the data key (crypto-shredding) every copy of it, backups included, is
// unreadable.
//
// # Backups
//
// Back up the database as usual (pg_dump, base backups with WAL
// archiving). A backup holds sealed blobs and blind indexes, never a key.
// The key store (adapters.KeyStore) must not live in this database, nor in
// its backups: kept apart, it is what makes a stolen backup useless and
// what makes destroying a key erase every copy of the data. Give the key
// store its own backup, and keep the key-encryption key apart from both.
//
// # Compatibility
//
// The exported API follows the module's compatibility promise. The
// database schema only moves forward, by new migrations; an older package
// refuses a newer schema rather than guess.
package postgres
