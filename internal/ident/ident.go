// Package ident defines what counts as an identifier, a code and a field
// category wherever kuji writes one where a personal value must never go:
// audit entries, erasure certificates and records, error messages.
//
// The checks are deliberately narrow: anything that does not look like an
// identifier or a code is refused, so a personal value passed in the wrong
// argument is refused rather than written.
package ident

// Problem says why a string is refused; OK when it is accepted.
type Problem int

// Problems.
const (
	OK            Problem = iota
	Missing               // the string is empty
	Malformed             // not of the accepted form
	LooksPersonal         // well formed, but could be a phone number, postal code, date or card number
)

const (
	maxIDLen       = 128
	maxCodeLen     = 64
	maxCategoryLen = 128
	// An identifier with no letter and fewer digits than this cannot be
	// told apart from a phone number (at most 15 digits in E.164), a postal
	// code, a date or a card number (at most 19 digits). A UUID has 32.
	minBareDigits = 20
)

// ID accepts pseudonymous identifiers: receipt numbers ("LS-0001237"),
// UUIDs, actor and event IDs. ASCII letters, digits and . _ : - only,
// starting with a letter or digit, at most 128 bytes, and not digits and
// separators alone unless too long to be a phone number or a date
// (LooksPersonal).
func ID(s string) Problem {
	if s == "" {
		return Missing
	}
	if len(s) > maxIDLen || !isAlnum(s[0]) {
		return Malformed
	}
	letters, digits := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isLetter(c):
			letters++
		case isDigit(c):
			digits++
		case c == '.' || c == '_' || c == ':' || c == '-':
		default:
			return Malformed
		}
	}
	if letters == 0 && digits < minBareDigits {
		return LooksPersonal
	}
	return OK
}

// Code accepts codes: purposes, reason codes, data classes. A lower-case
// letter, then lower-case letters, digits and . _ -; at most 64 bytes.
func Code(s string) Problem {
	if s == "" {
		return Missing
	}
	if len(s) > maxCodeLen || !isLower(s[0]) {
		return Malformed
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isLower(c) && !isDigit(c) && c != '.' && c != '_' && c != '-' {
			return Malformed
		}
	}
	return OK
}

// Category accepts field categories: dot-separated words, each a
// lower-case letter followed by lower-case letters, digits, _ and -; at
// most 128 bytes. For example "user.contact.phone".
func Category(s string) Problem {
	if s == "" {
		return Missing
	}
	if len(s) > maxCategoryLen {
		return Malformed
	}
	start := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case start:
			if !isLower(c) {
				return Malformed
			}
			start = false
		case c == '.':
			start = true
		case !isLower(c) && !isDigit(c) && c != '_' && c != '-':
			return Malformed
		}
	}
	if start { // a trailing dot
		return Malformed
	}
	return OK
}

func isLower(c byte) bool  { return 'a' <= c && c <= 'z' }
func isLetter(c byte) bool { return isLower(c) || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isAlnum(c byte) bool  { return isLetter(c) || isDigit(c) }
