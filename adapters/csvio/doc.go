// Package csvio is kuji's CSV adapter: exports of purpose views for the
// ward (UTF-8 with a byte order mark, or CP932), the postal list result
// postcards are printed from, and the import of postcard applications
// typed into a spreadsheet. It is formula-safe both ways and never puts a
// personal value into an error.
//
// # Export
//
// A [Writer] streams rows to an io.Writer one at a time with memory that
// does not grow with the export: UTF-8 with a byte order mark by default
// (Excel needs it to read UTF-8), or CP932; CRLF line endings by default
// ([Options]). Each row is encoded whole before any of its bytes can leave
// the Writer; an error — a character CP932 cannot hold, say — fails the
// Writer before any byte of the bad row or a later one is written. What
// reached the io.Writer before is a truncated file to discard: see
// [Writer] for what to do with files and with the encrypted export.
//
// [ViewWriter] writes [applicant.View]s that the Office has authorised:
// one column per field the purpose may use, in catalogue order, repeated
// fields expanded (第1希望, 同行者1氏名, ...), headings in Japanese, English
// or keys ([HeaderStyle]). A view that refuses a field is an error
// matching [ErrNotPermitted], never a blank cell. [PostalList] writes the
// receipt number, postal code, address, name and lottery result of the
// applicants who get a result postcard, through the notification purpose's
// view.
//
// # CP932
//
// golang.org/x/text/encoding/japanese.ShiftJIS follows the WHATWG Encoding
// Standard's Shift_JIS, which is CP932 (Windows-31J) as browsers read it.
// kuji's encoder is built from it with two changes, so that what it writes
// is what Windows writes and reads back unchanged:
//
//   - Round trips only. A character is written only if decoding its bytes
//     gives it back. This refuses x/text's one-way mappings (¥ U+00A5 and ‾
//     U+203E would be written as 0x5C and 0x7E, which read back as \ and ~)
//     and everything CP932 spells differently: − U+2212 (CP932 has －
//     U+FF0D), 〜 U+301C (～ U+FF5E), ‖ U+2016 (∥ U+2225), — U+2014 (―
//     U+2015), ¢ £ ¬ (￠ ￡ ￢).
//   - IBM extensions at their IBM codes. For the IBM extension characters
//     that are in neither JIS X 0208 nor the NEC special characters (ⅰ–ⅹ, ￤,
//     ＇, ＂, 髙, 﨑 and the other IBM kanji), x/text writes the NEC-selected
//     IBM extension codes 0xED40–0xEEFC; Windows (WideCharToMultiByte, code
//     page 932) writes the IBM extension codes 0xFA40–0xFC4B, and so does
//     kuji. Characters that are also in JIS X 0208 or NEC row 13 (①, Ⅰ, ㈱,
//     №, ∵, ￢, ...) keep those codes, as in Windows.
//
// So an export holds ASCII, half-width katakana, JIS X 0208, NEC row 13
// and the IBM extensions. Any other character — the user-defined area
// (外字), anything outside the Basic Multilingual Plane (𠮷 U+20BB7,
// emoji), the characters above — is an *[Error] matching [ErrUnmappable]
// that names the row, the column and the code point (U+301C), never the
// cell. [Options.Substitutions] holds the replacements a ward accepts
// (〜→～, −→－, 𠮷→吉); nothing is replaced unless listed.
//
// Imports decode with x/text unchanged: it reads all of the above and the
// NEC-selected IBM codes too. User-defined characters and bytes that are
// not CP932 decode to U+FFFD, which the import reports as [ReasonEncoding].
//
// # Formula injection
//
// A spreadsheet evaluates a cell that starts with = + - @, a tab or a CR
// as a formula (OWASP, "CSV Injection"). Every cell a [Writer] writes is
// neutralised by prefixing an apostrophe when, after any leading
// apostrophes and spaces (space, U+3000, U+00A0), its first character is
// one of = + - @ tab CR LF, the full-width ＝ ＋ － ＠ or the small forms ﹦
// ﹢ ﹣ ﹫. Japanese Excel turns formulas typed in full width into ordinary
// formulas, and whether it does the same when it opens a CSV file depends
// on the version and settings, so kuji guards them alike; the cost is an
// apostrophe before the rare cell that starts with －. A phone number written "+81 90-1234-5678" is
// written '+81 90-1234-5678 (kuji's own phone numbers are national,
// 090-1234-5678, and need no guard). Cells that already start with
// apostrophes are included, so the guard can always be undone.
//
// Reading it back: a program removes the first character of a cell that
// starts with an apostrophe followed by zero or more apostrophes, zero or
// more of those spaces and one of those characters — and only of such a
// cell. [Import] does exactly that, so an export read back gives the
// original values. In Excel the cell shows as text; depending on the
// version the apostrophe may be visible.
//
// # Import
//
// [Import] reads typed-in postcards (UTF-8 with or without a byte order
// mark, or CP932), maps the header to the event's fields (Japanese
// labels, English labels and keys, aliases; companions as numbered column
// groups, preferences as 第1希望, 第2希望, ...), validates every row with
// [applicant.Schema.Validate] on [applicant.ChannelPostcard] and collects
// every problem of every row. It is all or nothing by default, or returns
// the valid rows and reports the rest when asked ([ImportOptions]). Limits
// on rows, record length, cell length and the number of problems keep a
// hostile file from exhausting memory; they match [ErrLimit].
//
// # Errors
//
// Every problem is an *[Error] with the row (the line the record starts
// on; the header is row 1), the column (1 is A), the field, a [Reason]
// code and Japanese and English messages; several are reported together
// as [Errors]. Errors name cells, never their contents: not a value, not
// an unknown heading (a file missing its header row would put an
// applicant's name there), only a character's code point. Validation
// problems wrap the *applicant.Error, so errors.As finds its reason.
//
// # Compatibility
//
// Headings, the neutralisation rule, the CP932 repertoire and reason codes
// are stable: files kuji writes are read back by later versions, and a
// ward's program that undoes the apostrophe guard keeps working.
package csvio
