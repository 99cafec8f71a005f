// Package audit keeps kuji's tamper-evident access log, and decides and
// records who may touch an event's personal data.
//
// Every access to personal data — a view, an export, a notification, a
// check-in, a contact-card lookup, a purge — appends an [Entry] to a [Log]:
// time, actor, role, purpose, action, event, the receipt numbers or record
// IDs concerned, the field categories touched, the outcome, and small typed
// details (counts, a SHA-256 digest, key fingerprints). Denied attempts are
// logged too. The log is an RFC 6962 Merkle tree, so the ward can check,
// from signed checkpoints alone, that nothing in it was changed.
//
// The package does no I/O and reads no clock: times are arguments, and the
// log is kept in a [Storage] the caller provides.
//
// # Entries never hold personal values
//
// An entry names people and records only by pseudonymous identifiers, and
// everything else in it is a code, a number or a digest. Every field is
// checked against a narrow pattern ([Entry.Validate]): identifiers are
// ASCII letters, digits and . _ : - (and not digits alone, which could be a
// phone number or a date), purposes and reasons are lower-case codes, field
// categories are dotted words such as user.contact.phone. A name, an
// address, a phone number or an e-mail address passed by mistake is
// refused with an [*EntryError] naming the field, never echoing the value,
// and nothing is appended. No pattern tells a lone word such as a surname in
// roman letters from an identifier, so actor and record IDs must be opaque
// (account numbers, UUIDs, receipt numbers), never derived from names.
//
// Entries are stored in a canonical, versioned encoding ([Entry.Encode],
// [DecodeEntry], [EntryVersion]): compact JSON with fixed member order,
// which reads well in a proof file and is easy to reproduce in another
// language.
//
// # The log and its storage
//
// A [Log] appends entries ([Log.Append]) as leaves of a Merkle tree built
// with golang.org/x/mod/sumdb/tlog. A [Storage] keeps leaves and tree
// hashes by index and serialises appends; it knows nothing of the tree.
// The kuji stores (memory, SQLite, PostgreSQL) implement it, and an
// integrator's own store can, checked by adapters/storetest. A Log is cheap
// to make, so the Office makes one per transaction and appends an
// operation's entry in the operation's transaction.
//
// # Checkpoints and proofs
//
// A [Checkpoint] is the tree's size and root hash under the log's origin;
// [Log.Sign] signs it as a C2SP tlog-checkpoint note with an Ed25519 key
// ([GenerateKey]), and the ward keeps the signed notes and the public key.
// [OpenCheckpoint] checks a note with the public key alone.
//
// [Log.ProveInclusion] makes an [InclusionProof] that an entry is in a
// checkpoint's tree, and [Log.ProveConsistency] a [ConsistencyProof] that a
// later checkpoint extends an earlier one unchanged. Both are portable JSON
// files the ward can keep next to a certificate and check with the public
// key alone ([InclusionProof.Verify], [ConsistencyProof.Verify]).
//
// [Log.Verify] recomputes the whole log from its entries' bytes and checks
// it against a checkpoint, naming the first entry that no longer matches
// in a [*VerifyError]. Every verification failure wraps [ErrVerification].
//
// # Designations and authorisation
//
// Each event names a responsible person (取扱責任者) and handlers (取扱者):
// a [Designation] gives an actor purposes and a validity period, and
// records their personal-data training. Designations are values the caller
// persists; [Designate] and [Revoke] check a change and return the entry
// that records it. [Authorize] allows an access only if the actor is
// designated for the event and purpose at that time, and was trained by
// then; otherwise it returns a [*DeniedError] wrapping [ErrNotPermitted]
// that says why, and the [Decision] gives the entry for the denied
// attempt.
//
// # Handling-status report
//
// A [Report] (業務に関する報告) counts accesses by actor, purpose and
// action over a period, lists denied attempts, and renders as text in
// Japanese or English or as CSV, for the ward's yearly inspection.
//
// # Compatibility
//
// Leaf encoding version 1, the checkpoint text and the proof file formats
// ([InclusionProofFormat], [ConsistencyProofFormat]) are stable: a log or a
// proof written by this version verifies with every later version. A
// change to any of them gets a new version, and readers keep accepting the
// old ones.
package audit
