// Package applicant holds the people and applications of an event and the
// rules that bind their personal data to declared purposes: the field
// catalogue, per-event schemas, purpose views, Japanese normalisation and
// validation, eligibility, duplicate-identity blind indexes, receipt
// numbers and pseudonymous lottery entries.
//
// It does no I/O, reads no clock and keeps no global state: times and
// randomness are passed in, and secrets come from the caller's key store.
//
// # Fields, purposes and schemas
//
// [Catalogue] lists every personal field kuji knows, each with a category
// key in the spirit of the Fides taxonomy (user.name,
// user.contact.phone_number, ...) and whether it identifies a person on its
// own. An event's [Schema] lists the fields it collects; each [FieldRule]
// names the purposes that justify the field, its [DataClass] (the unit of
// sealing and retention), whether it is required and on which channels it
// is collected (email only online). [Schema.Check] refuses a field that no
// declared purpose justifies, and a field in a forbidden category (thought,
// creed, religion; race, 門地, 本籍, disability; criminal record; union or
// political activity; health, sex life) unless the schema carries an
// [Approval] naming who approved it, when and on what basis.
// [CityWalkSchema] and [LiveSiteSchema] are the two reference events. A
// Schema may be used by many goroutines at once as long as none modifies
// it.
//
// # Purpose views
//
// Code working for a purpose reads a record through a [View]
// ([Schema.View], [Schema.CardView]), which hands out exactly the fields
// the schema allows that purpose; any other field is an error matching
// [ErrNotPermitted]. The lottery sees no personal data at all:
// [Summary.Entry] derives its pseudonymous entry from the non-personal
// [Summary].
//
// # Storage
//
// An [Application] splits cleanly in two: its [Summary] (ID, event, receipt
// number, channel, participant category, course, preferences, group size,
// lottery outcome) goes into a store's plain index columns, and
// [Application.PersonalData] returns the personal values as one canonical
// JSON [Plaintext] per data class, for the store to seal separately;
// [Schema.Restore] reads them back. Walk-in [ContactCard]s work the same way
// in their own class. [Schema.IdentityKeys] and [Schema.SearchKeys] return
// keyed blind indexes ([BlindIndex], HMAC-SHA256) for a unique
// duplicate-identity column and plain reception-desk search columns; their
// normalisation is specified on [BlindIndex].
//
// # Normalisation and validation
//
// [Schema.Validate] (and [Schema.ValidateCard]) is the single entry point
// for the web form and the CSV importer of typed-in postcards. It keeps
// what the person wrote as a display form ([Display]: width-folded, NFC) and
// derives matching keys separately (NFKC, dash folding, half-width to
// full-width kana, hiragana to katakana, a variant-kanji table used for
// matching only). It accepts Japanese phone numbers, postal codes, ages,
// Japanese era dates and the legacy mobile-carrier email addresses that
// net/mail rejects, checks the event's [Eligibility], and reports every
// problem at once as [Errors]: each an *[Error] with a [Reason] code, the
// field, the companion, and Japanese and English messages, never the value.
//
// # Redaction
//
// Every type that holds personal values (Application, Person, Companion,
// ContactCard, the forms, Plaintext, View) prints no personal value with
// any fmt verb, implements [log/slog.LogValuer] the same way and encodes to
// JSON redacted too: personal values leave only through PersonalData and
// purpose views.
//
// # Compatibility
//
// Field keys, category keys, purpose and class names, reason codes, the
// canonical personal-data encoding (version 1), the blind-index message
// (domain "kuji/applicant blind index v1") and the receipt-number check
// digit are stable: stored data and keys stay valid across versions. A
// change to any of them gets a new version tag.
package applicant
