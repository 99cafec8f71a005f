// Package smtp sends lottery results to applicants: one message per
// person, rendered when it is sent, from an outbox that makes sending
// idempotent.
//
// A ward once leaked every applicant's address by putting them all in To:.
// Here a message can only ever name one recipient: a [Notification] holds
// exactly one address, anything else (an empty address, a list in one
// string, a group, a display name) is refused with a [*FieldError] that
// does not echo the address, and the SMTP transaction has one RCPT.
//
// # Pieces
//
//   - [Templates] render the won, lost, waitlisted, promoted and
//     confirmation-deadline messages in Japanese and English from a
//     [Content] that holds no personal data (event, receipt number, slot
//     labels, deadline in JST, the office's contact). [DefaultTemplates] are
//     built in; [ParseTemplates] reads a ward's own wording.
//   - A [Notifier] sends one [Notification]. [Sender] sends through an SMTP
//     submission server (github.com/wneessen/go-mail), with STARTTLS
//     required unless [Options.AllowPlaintext] says otherwise, one kept
//     connection, and timeouts. [Dir] writes .eml files into a directory
//     instead: the examples' local outbox.
//   - [Dispatcher] drains an event's outbox (adapters.Store): it claims
//     messages with a lease, calls a [RenderFunc] that unseals the address
//     for the notification purpose (the Office provides it), sends, and
//     records the outcome on the outbox message, with bounded retries,
//     backoff and a rate limit.
//
// # Outcomes
//
// Every send failure is a [*SendError] of one [Class]:
//
//   - Temporary: the server has certainly not accepted the message (it
//     could not be reached, or it answered 4xx to MAIL, RCPT, DATA or the
//     end of data, or the connection failed before the end of the message
//     was sent). The dispatcher retries it with exponential backoff, up to
//     [DispatcherOptions.MaxAttempts], then marks it failed
//     ("too-many-attempts").
//   - Permanent: the server answered 5xx. The message is marked bounced.
//   - Ambiguous: the connection failed after the end of the message was
//     sent and before the server's reply. The server may have accepted it,
//     so it is never retried automatically — that is how duplicates happen.
//     The message is marked failed with reason "ambiguous-delivery" for a
//     person to check, and counted in [Summary.Ambiguous].
//
// The outbox message's status and reason are the per-recipient status:
// sent, bounced, failed (with the reason), or pending (with the reason of
// the last temporary failure and the time of the next attempt).
//
// # Duplicates
//
// A message is claimed by one dispatcher at a time and sent only while
// at least half of its lease remains; its outcome is recorded even when the
// dispatcher is being stopped. Each message carries a Message-ID derived
// from its outbox key ([MessageID]), so if a process dies between the
// server's acceptance and the recording of the outcome — the one window no
// outbox can close — the second copy carries the same Message-ID and the
// receiving side can drop it.
//
// # Japanese mail
//
// Bodies are text/plain in base64. [CharsetUTF8] is the default;
// [CharsetISO2022JP] writes RFC 1468 ISO-2022-JP (ASCII and JIS X 0208,
// subject as RFC 2047 encoded-words that each end in ASCII), which go-mail
// only labels, so the conversion is done here with golang.org/x/text. A
// message with a character ISO-2022-JP cannot carry (half-width katakana,
// 𠮷, ①, emoji) goes in UTF-8 instead; no character is ever replaced.
//
// # Personal data
//
// Addresses appear only in the message itself. [Notification] prints and
// logs with the address redacted; errors carry outbox keys, reason codes
// and SMTP reply codes, never an address or the server's reply text (which
// often repeats it). [Content] has no field for a name or an address.
//
// # Compatibility
//
// Reason codes, the Message-ID derivation and the .eml file names are
// stable: outbox rows and receivers' deduplication depend on them.
package smtp
