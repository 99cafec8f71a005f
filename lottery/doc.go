// Package lottery is kuji's draw engine: a weighted, tiered lottery for
// groups over many dates, whose every result anyone can re-check from a
// published record. It is pure — no I/O, no clock, no global state — and
// never sees personal data: an [Entry] is a receipt number, a group size,
// ranked preferences, a weight, a tier and a category.
//
// lottery/SPEC.md is normative; this documentation summarises it.
//
// # Mechanism
//
// One priority order is drawn over all entries: lower [Entry].Tier first;
// within a tier, a random order in which an entry holding w tickets
// ([Entry].Weight) stands exactly as if it had w balls in the drum
// (successive sampling, the Plackett–Luce model with integer weights).
// Entries are served in that order; each takes its highest-ranked
// preference with room for its whole group. Groups are never split, and
// an entry that fits nowhere is skipped while the draw goes on.
//
// Reserved seats ([Slot].Reserved, e.g. half of each evening for ward
// residents) are filled first, in priority order, by entries of that
// category; every seat left over is then open to everyone. With
// [Config].MaxWins above one, the passes repeat over the same order, each
// giving an entry at most one more slot. Entries that did not win a slot
// they listed, and can still win, wait for it in priority order
// ([Waitlist]). When a winner cancels ([Record.Cancel]) or fails to
// confirm ([Record.Lapse]), the waitlist moves up deterministically, and
// the event and its promotions are appended to the record.
//
// # Verifiability
//
// Publish [Input.Digest], the SHA-256 of the input's canonical encoding,
// before the seed can be known. The seed ([SeedMaterial]) comes from public
// sources announced in advance, canonicalised as RFC 3797 does
// ([KeyString]), and/or a commit-reveal [Secret] whose SHA-256 was
// published first ([VerifyReveal]); it is bound to the input digest. Each
// entry's key is the smallest SHA-256 over the seed, its ID and a ticket
// number; ties are broken by ID. There is no floating point and no
// math/rand, so the result does not depend on input order, GOMAXPROCS,
// platform or Go version, and an entry's key does not change when others
// are added or removed.
//
// [Draw] returns a [Record]: stable JSON holding the input, the seed
// material, every key, the wins, the waitlists, a result digest and the
// events since. [Verify] recomputes all of it from the record alone and
// names the first difference in a *[MismatchError]. SPEC.md is precise
// enough to reimplement the draw with any standard library;
// testdata/reference.py does so in Python and the tests run it over the
// vectors in testdata/vectors.
//
// [SelectRFC3797] implements the selection of RFC 3797 itself, for
// committees and small public draws.
//
// # Bad input
//
// An invalid input or seed material is rejected whole: [Draw] returns an
// *[InvalidInputError] listing every problem as an *[InputError] (reason
// code, entry or slot, English and Japanese message) and draws nothing.
// Both match [ErrInvalidInput] with errors.Is.
//
// # Compatibility promise
//
// For a given [Format] ("kuji-draw-record/v1"), the byte layouts, tags,
// limits and rules of SPEC.md never change: the same input and seed
// material give the same record, byte for byte, in every later release,
// and every v1 record stays verifiable. Any change to how a draw is
// computed comes with a new format version. The Go API follows semantic
// versioning; new fields may be added to the record, and readers ignore
// fields they do not know.
//
// # Fairness
//
// Package lottery/fairtest checks configurations against exact
// probabilities and by Monte Carlo; this package's own tests use it.
//
// # Performance
//
// [Draw] and [Verify] use every processor (GOMAXPROCS) and read memory in
// order wherever they can; a draw of a million entries takes about a
// third of a second on two cores. The two SHA-256 digests of a draw are
// sequential by nature; the ticket keys are hashed in parallel, two at a
// time per core with the SHA extensions on amd64 (crypto/sha256 on other
// processors, or with the purego build tag). How the work is split never
// changes a result: the same input and seed material give the same record
// on every machine.
package lottery
