// Package consent generates purpose notices from an event's schema and
// records consent receipts and their withdrawal.
//
// It does no I/O and reads no clock: times are passed in.
//
// # Notices
//
// [New] builds a [Notice] (利用目的の明示) from an [applicant.Schema] and
// [Details]: the controller (the ward) and the processor (the contractor),
// every purpose with the fields it uses (required or optional, on which
// channels, sensitive or not), third-party recipients such as the insurer,
// retention per data class, and whom to ask. It renders as Japanese or
// English text ([Notice.Text], language picked with [Match] from
// golang.org/x/text/language) and encodes as JSON for forms that lay it out
// themselves.
//
// A notice's [Version] is the SHA-256 of a canonical encoding of its
// content (lists sorted, texts NFC-normalised): any change to a purpose, a
// field, a retention text or a recipient changes it; listing the same
// things in another order does not. [ParseNotice] re-checks it.
//
// # Receipts and withdrawal
//
// [NewReceipt] records that one person was shown one notice version and
// gave their data on a channel (web, postcard, walk-in card), directly, at a
// time the caller passes: receipt ID, record ID and receipt number, purposes,
// data categories. [Receipt.Withdraw] records a withdrawal (time, scope),
// which the retention side acts on. Both have a stable JSON encoding
// ([ReceiptTag], [WithdrawalTag]) and hold no personal value.
//
// # Compatibility
//
// The canonical notice encoding ("kuji-notice/1") and the receipt and
// withdrawal encodings are stable; a change gets a new tag, so versions and
// stored receipts stay valid.
package consent
