// Package kuji runs a public event's applications end to end under a
// Japanese ward's personal-data rules: purpose-bound collection with a
// notice and a consent receipt, Japanese-aware validation and duplicate
// detection, a fair and publicly verifiable lottery for groups over many
// dates, notifications that never leak addresses, OpenPGP-encrypted
// exports, designated handlers, a tamper-evident audit log, and retention
// with crypto-shredding and signed erasure certificates.
//
// An [Office] is one event. [Create] stores its configuration ([Event]) and
// designates its responsible person; [Open] returns the Office of an
// existing event. The Office runs over adapters chosen in [Options]: a store
// (adapters/sqlite, the embedded default; adapters/postgres for several
// application servers; adapters/memory for tests), a key store apart from
// the database (adapters/keydir), and the keys that sign the audit log and
// the contractor's OpenPGP documents.
//
// # Lifecycle
//
// An event moves through the states draft → open → closed → committed →
// drawn → notified → held → ended → reported → purged ([State]). Each
// operation is allowed in some states only and returns an [*Error] with
// [ReasonState] otherwise:
//
//   - open: [Office.Apply] (online, by the person), [Office.ApplyPostcards]
//     and [Office.ImportPostcards] (typed in by reception), [Office.Withdraw];
//   - [Office.Close], then [Office.Commit]: the digest of the draw's exact
//     input and the sources of randomness are published before the seed
//     exists; [Office.Draw] runs the lottery with the revealed values and
//     verifies it; [Office.Results] and [Office.DrawRecord] are public;
//   - [Office.Notify] queues the results, [Office.Dispatch] sends them one
//     recipient per message; [Office.Confirm], [Office.Decline],
//     [Office.Cancel] and [Office.Lapse] free seats and promote from the
//     waitlists;
//   - [Office.Hold]: [Office.CheckIn], [Office.RecordContactCard] and
//     [Office.ContactCards] for infection tracing;
//   - [Office.End], [Office.Report] (aggregates only), [Office.Purge]
//     (retention), with [Office.Plan] as a dry run.
//
// # Access and audit
//
// Every operation on personal data names an [Access]: an actor and a
// purpose. The Office checks it against the event's designations (the
// responsible person 取扱責任者 and handlers 取扱者, see [Office.Designate]) at
// that moment, and appends an audit entry — allowed, denied or failed, never
// a personal value — to the event's RFC 6962 log in the same transaction as
// the operation. Lifecycle steps are the responsible person's. The ward
// keeps the signed checkpoints ([Office.Checkpoint]) and checks the log
// ([Office.VerifyLog]), proofs ([Office.ProveInclusion],
// [Office.ProveConsistency]) and the handling report
// ([Office.HandlingReport]) with the log's public key.
//
// Online applicants act for themselves (Apply, Confirm, Decline, Withdraw):
// the embedding program authenticates them. Their own submissions are
// recorded by their consent receipts, not audited entry by entry; their
// withdrawals and confirmations are audited with the applicant role.
//
// # Data protection
//
// Personal data reaches the store only sealed: AES-256-GCM under a data key
// per event and data class, the key wrapped under the key-encryption key
// and kept in the key store, apart from the database. Lookups by name or
// phone use keyed blind indexes. Code working for a purpose gets a [View]
// that exposes exactly the fields the schema allows that purpose; asking
// for another is [ErrNotPermitted], and audited. Past a class's retention
// deadline its data is served to no one ([ErrRetentionExpired]), and
// [Office.Purge] destroys the class's key first, so every copy of the
// database, backups included, becomes unreadable ([ErrKeyDestroyed]).
//
// # Errors
//
// Refusals are typed: [*Error] (with a [Reason] code, the receipt number or
// slot concerned, and Japanese and English messages), applicant.Errors for
// form problems, and the sentinels [ErrNotPermitted], [ErrDuplicate],
// [ErrNotFound], [ErrConflict], [ErrRetentionExpired] and [ErrKeyDestroyed]
// for errors.Is. No error, log line or panic carries a personal value.
//
// # Compatibility
//
// kuji is pre-1.0: the API may still change. Stored formats are versioned
// (the draw record, the audit leaf encoding, sealed blobs, certificates) and
// a later version reads what an earlier one wrote.
package kuji
