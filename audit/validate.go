package audit

import (
	"slices"
	"time"
)

// The checks below are deliberately narrow: an audit entry holds
// identifiers and codes, and anything that does not look like one is
// refused, so a personal value passed in the wrong argument never reaches
// the log. Each returns "" when s passes, and ReasonMissing for "" so the
// caller decides whether the field is optional.

const (
	maxIDLen       = 128
	maxCodeLen     = 64
	maxCategoryLen = 128
	// An identifier with no letter and fewer digits than this cannot be
	// told apart from a phone number (at most 15 digits in E.164), a postal
	// code, a date or a card number (at most 19 digits). A UUID has 32.
	minBareDigits = 20
)

// checkID accepts pseudonymous identifiers: receipt numbers ("LS-000123-7"),
// UUIDs, actor and event IDs. ASCII letters, digits and . _ : - only,
// starting with a letter or digit, at most 128 bytes, and not digits and
// separators alone unless long enough to be no phone number or date.
func checkID(s string) Reason {
	if s == "" {
		return ReasonMissing
	}
	if len(s) > maxIDLen || !isAlnum(s[0]) {
		return ReasonNotIdentifier
	}
	letters, digits := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isLetter(c):
			letters++
		case isDigit(c):
			digits++
		case c == '.' || c == '_' || c == ':' || c == '-':
		default:
			return ReasonNotIdentifier
		}
	}
	if letters == 0 && digits < minBareDigits {
		return ReasonLooksPersonal
	}
	return ""
}

// checkCode accepts codes: purposes, reason codes, data classes.
// A lower-case letter, then lower-case letters, digits and . _ -; at most
// 64 bytes.
func checkCode(s string) Reason {
	if s == "" {
		return ReasonMissing
	}
	if len(s) > maxCodeLen || !isLower(s[0]) {
		return ReasonNotCode
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isLower(c) && !isDigit(c) && c != '.' && c != '_' && c != '-' {
			return ReasonNotCode
		}
	}
	return ""
}

// checkCategory accepts field categories: dot-separated words, each a
// lower-case letter followed by lower-case letters, digits, _ and -; at
// most 128 bytes. For example "user.contact.phone".
func checkCategory(s string) Reason {
	if s == "" {
		return ReasonMissing
	}
	if len(s) > maxCategoryLen {
		return ReasonNotCategory
	}
	start := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case start:
			if !isLower(c) {
				return ReasonNotCategory
			}
			start = false
		case c == '.':
			start = true
		case !isLower(c) && !isDigit(c) && c != '_' && c != '-':
			return ReasonNotCategory
		}
	}
	if start { // trailing dot
		return ReasonNotCategory
	}
	return ""
}

// checkFingerprint accepts OpenPGP fingerprints as gpg prints them:
// 40 (v4) or 64 (v5, v6) upper-case hexadecimal digits.
func checkFingerprint(s string) Reason {
	if s == "" {
		return ReasonMissing
	}
	if len(s) != 40 && len(s) != 64 {
		return ReasonNotFingerprint
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isDigit(c) && (c < 'A' || c > 'F') {
			return ReasonNotFingerprint
		}
	}
	return ""
}

// checkTime accepts times whose year has four digits, so the canonical
// RFC 3339 form exists.
func checkTime(t time.Time) Reason {
	if t.IsZero() {
		return ReasonMissing
	}
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return ReasonNotAllowed
	}
	return ""
}

func isLower(c byte) bool  { return 'a' <= c && c <= 'z' }
func isLetter(c byte) bool { return isLower(c) || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isAlnum(c byte) bool  { return isLetter(c) || isDigit(c) }

// Validate checks every field of e and returns an [ErrorList] of
// [*EntryError] listing every problem, or nil.
func (e Entry) Validate() error {
	return ErrorList(e.problems(0)).orNil()
}

// problems returns every problem with e, naming it as entry pos.
func (e Entry) problems(pos int64) []error {
	var errs []error
	add := func(field string, index int, r Reason) {
		if r != "" {
			errs = append(errs, &EntryError{Entry: pos, Field: field, Index: index, Reason: r})
		}
	}
	add("time", -1, checkTime(e.Time))
	add("actor", -1, checkID(e.Actor))
	if !slices.Contains(roles, e.Role) {
		add("role", -1, ReasonUnknownValue)
	}
	if e.Purpose != "" || e.Action.NeedsPurpose() {
		add("purpose", -1, checkCode(e.Purpose))
	}
	if !slices.Contains(actions, e.Action) {
		add("action", -1, ReasonUnknownValue)
	}
	add("event", -1, checkID(e.Event))
	if len(e.Subjects) > MaxSubjects {
		add("subjects", -1, ReasonTooMany)
	} else {
		for i, s := range e.Subjects {
			add("subjects", i, checkID(s))
		}
	}
	if len(e.Categories) > MaxCategories {
		add("categories", -1, ReasonTooMany)
	} else {
		for i, c := range e.Categories {
			add("categories", i, checkCategory(c))
		}
	}
	if !slices.Contains(outcomes, e.Outcome) {
		add("outcome", -1, ReasonUnknownValue)
	}
	switch {
	case e.Outcome == OutcomeAllowed && e.Reason != "":
		add("reason", -1, ReasonNotAllowed)
	case e.Outcome == OutcomeDenied || e.Reason != "":
		add("reason", -1, checkCode(e.Reason))
	}
	errs = append(errs, e.Details.problems(pos, e)...)
	return errs
}

func (d Details) problems(pos int64, e Entry) []error {
	event, action := e.Event, e.Action
	var errs []error
	add := func(field string, index int, r Reason) {
		if r != "" {
			errs = append(errs, &EntryError{Entry: pos, Field: "details." + field, Index: index, Reason: r})
		}
	}
	if d.Count < 0 {
		add("count", -1, ReasonNegative)
	}
	if d.Bytes < 0 {
		add("bytes", -1, ReasonNegative)
	}
	if len(d.Fingerprints) > MaxListItems {
		add("fingerprints", -1, ReasonTooMany)
	} else {
		for i, f := range d.Fingerprints {
			add("fingerprints", i, checkFingerprint(f))
		}
	}
	if len(d.DataClasses) > MaxListItems {
		add("data_classes", -1, ReasonTooMany)
	} else {
		for i, c := range d.DataClasses {
			add("data_classes", i, checkCode(c))
		}
	}
	isChange := action == ActionDesignate || action == ActionRevoke
	switch {
	case d.Designation == nil && isChange && e.Outcome == OutcomeAllowed:
		add("designation", -1, ReasonMissing)
	case d.Designation != nil && !isChange:
		add("designation", -1, ReasonNotAllowed)
	case d.Designation != nil:
		g := d.Designation
		if g.DisplayName != "" {
			// The display name is personal data: it stays with the
			// caller's designation records and never enters the log.
			add("designation.display_name", -1, ReasonNotAllowed)
		}
		if g.Event != "" && g.Event != event {
			add("designation.event", -1, ReasonMismatch)
		}
		if action == ActionDesignate && !g.RevokedAt.IsZero() {
			add("designation.revoked_at", -1, ReasonNotAllowed)
		}
		if action == ActionRevoke && g.RevokedAt.IsZero() {
			add("designation.revoked_at", -1, ReasonMissing)
		}
		for _, p := range g.problems() {
			add("designation."+p.Field, p.Index, p.Reason)
		}
	}
	return errs
}
