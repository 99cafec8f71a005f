package retention

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"unicode/utf8"

	"github.com/kuji-go/kuji/internal/ident"
)

// The checks below are deliberately narrow: what this package writes into
// records, certificates and errors is identifiers, codes and counts, and
// anything that does not look like one is refused so that a personal value
// passed by mistake never reaches a certificate or a log.

const maxTextLen = 200 // characters

// checkClass accepts data class names: the codes the audit log accepts as
// data classes ([ident.Code]).
func checkClass(s string) Reason {
	switch ident.Code(s) {
	case ident.OK:
		return ""
	case ident.Missing:
		return ReasonMissing
	}
	return ReasonNotClass
}

// checkID accepts pseudonymous identifiers (receipt numbers, record IDs,
// actor and event IDs) exactly as the audit log does ([ident.ID]).
func checkID(s string) Reason {
	switch ident.ID(s) {
	case ident.OK:
		return ""
	case ident.Missing:
		return ReasonMissing
	}
	return ReasonNotIdentifier
}

// checkText accepts the short free texts a certificate carries (the event's
// name, the ward, the contractor, the tool): valid UTF-8, 1 to 200
// characters, no control characters (so no line breaks either).
func checkText(s string) Reason {
	if s == "" {
		return ReasonMissing
	}
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxTextLen {
		return ReasonNotText
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029' {
			return ReasonNotText
		}
	}
	return ""
}

// safeClass returns class if it is a valid class name and "" otherwise, so
// that a value passed as a class never reaches a message.
func safeClass(class string) string {
	if checkClass(class) != "" {
		return ""
	}
	return class
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isAlnum(c byte) bool  { return isLetter(c) || isDigit(c) }

// Digest is a SHA-256 digest. It is hexadecimal in JSON and text.
type Digest [sha256.Size]byte

// String returns d in lower-case hexadecimal.
func (d Digest) String() string { return hex.EncodeToString(d[:]) }

// IsZero reports whether d is all zeros (no digest).
func (d Digest) IsZero() bool { return d == Digest{} }

// MarshalText implements [encoding.TextMarshaler].
func (d Digest) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements [encoding.TextUnmarshaler]: 64 lower-case
// hexadecimal digits.
func (d *Digest) UnmarshalText(b []byte) error {
	if len(b) != 2*sha256.Size {
		return &Error{Field: "digest", Index: -1, Reason: ReasonMalformed}
	}
	for _, c := range b {
		if !isDigit(c) && (c < 'a' || c > 'f') {
			return &Error{Field: "digest", Index: -1, Reason: ReasonMalformed}
		}
	}
	_, err := hex.Decode(d[:], b)
	return err
}

// DigestIDs returns the SHA-256 digest of a set of record IDs or receipt
// numbers, as an erasure certificate states it: the distinct IDs sorted
// by their bytes, each followed by a line feed (0x0A), hashed with
// SHA-256. Anyone holding the list can recompute it, e.g.
//
//	LC_ALL=C sort -u ids.txt | sha256sum
//
// where ids.txt has one ID per line. The empty set hashes the empty string.
// DigestIDs returns an [*Error] (field "ids", Index the position) if an
// ID is not an identifier; identifiers contain no line feed, so the
// encoding is unambiguous.
func DigestIDs(ids []string) (Digest, error) {
	s, err := summarise(ids)
	return s.digest, err
}

// idSummary is what an erasure keeps of a set of IDs.
type idSummary struct {
	count       int
	first, last string
	digest      Digest
}

// summarise checks ids and returns their count, smallest and largest ID
// and digest (see [DigestIDs]).
func summarise(ids []string) (idSummary, error) {
	for i, id := range ids {
		if reason := checkID(id); reason != "" {
			return idSummary{}, &Error{Field: "ids", Index: i, Reason: reason}
		}
	}
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	h := sha256.New()
	for _, id := range sorted {
		h.Write([]byte(id))
		h.Write([]byte{'\n'})
	}
	s := idSummary{count: len(sorted)}
	h.Sum(s.digest[:0])
	if len(sorted) > 0 {
		s.first, s.last = sorted[0], sorted[len(sorted)-1]
	}
	return s, nil
}
