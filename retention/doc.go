// Package retention decides how long an event's personal data may be kept,
// plans and runs its erasure, and certifies it.
//
// A ward's contract says when data must go: the city walk's application
// data "after the event report is submitted", the live site's walk-in
// contact cards "one month after the event". A [Policy] holds one [Rule]
// per data class (the unit that is sealed under one data key and erased at
// once), each a [Trigger] plus a calendar [Delay]. [Policy.Check] refuses
// data past its deadline, [Policy.Plan] shows what is due and when,
// [Apply] erases what is due through an [Eraser] the Office implements,
// and [Erasure.Certificate] issues the certificate of erasure (消去証明書)
// the ward receives. [Aggregates] keep the non-personal counts the event
// report needs after the purge.
//
// The package does no I/O, reads no clock (times are arguments, or a
// clock function for [Apply]) and holds no state besides immutable
// values.
//
// # Deadlines
//
// Deadlines are counted in Japan (JST, UTC+9, which has no daylight saving
// time, so a fixed zone is exact). Given the instant T of the rule's
// trigger (a [Milestones] field):
//
//   - a zero delay means the trigger instant itself: the data is expired
//     from T on ("when the event report is submitted");
//   - a non-zero delay means the end (24:00 JST) of the calendar day
//     reached from T's date in Japan by adding the years and months first,
//     the day clamped to the last day of the month reached, and then the
//     days;
//   - a fixed date ([TriggerFixedDate]) means the end of that day.
//
// The data may be held strictly before the deadline and is expired from
// the deadline on: one second before it [Policy.Check] lets it be served,
// at it [Policy.Check] returns [ErrRetentionExpired]. Examples, for an
// event ending in the evening:
//
//	event ends          delay             deadline (data expired from)
//	2025-01-31 18:00    1 month           end of 2025-02-28 (2025-03-01 00:00 JST)
//	2028-01-31 18:00    1 month           end of 2028-02-29 (2028-03-01 00:00 JST)
//	2025-03-31 18:00    1 month           end of 2025-04-30
//	2028-02-29 18:00    1 year            end of 2029-02-28
//	2025-01-31 18:00    1 month 1 day     end of 2025-03-01 (clamped to 28 Feb, then one day)
//	2025-07-20 18:00    3 days            end of 2025-07-23
//	2025-07-20 18:00    none              2025-07-20 18:00 JST
//
// A trigger that has not happened (a zero milestone) gives no deadline:
// the data may be served and the [Plan] says the deadline is not yet
// known, and why. A milestone fixed in advance (the scheduled end of the
// event, the last day of the contract) may lie in the future; the
// deadline is then known ahead and the plan shows it as scheduled. A
// class without a rule is served to no one: [Policy.Check] returns an
// error matching [ErrNoRule].
//
// # Plans and erasure
//
// [Policy.Plan] is a dry run: per class, the deadline or why none is
// known, whether it is due, and how many records the Office holds. It
// renders as text in Japanese or English ([Plan.WriteText]).
//
// [NewErasure] starts the erasure of the classes a plan found due, and
// [Apply] runs it through an [Eraser]: it lists the records of each class
// (the inventory the certificate states), destroys each class's data key
// first — from that instant the data is unreadable everywhere, backups
// included — then deletes the rows, compacts the storage, and reads back
// that every key is gone and no record is left. A failure stops it with a
// [*StepError] naming the step and the class; calling [Apply] again with
// the returned [Erasure] finishes the job.
//
// # Certificates
//
// A [Certificate] states the event, the ward, the data classes with their
// rule, deadline, record counts, the range of the receipt numbers or
// record IDs and the SHA-256 of their sorted list ([DigestIDs]), the
// method (crypto-erase of the AES-256-GCM data key, deletion, compaction;
// a NIST SP 800-88 "purge"), the tool and its version, the verification,
// the times and the responsible person who performed it. It renders as
// text in Japanese and English and as stable JSON, is clear-signed through
// a [ClearSigner] (adapters/pgp), and is recorded in the audit log
// ([Certificate.AuditEntry]); a [Bundle] keeps it with its signed text and
// the audit inclusion proof, which [Bundle.Verify] checks.
//
// # Compatibility
//
// The JSON formats ([CertificateFormat], [ErasureFormat], [BundleFormat],
// [AggregatesFormat]), the rule encoding and the ID digest are stable: a
// document written by this version reads with every later version. A
// change to any of them gets a new format version.
package retention
