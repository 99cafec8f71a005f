package audit

import (
	"slices"
	"time"

	"github.com/kuji-go/kuji/internal/ident"
)

// The checks below are deliberately narrow (see internal/ident): an audit
// entry holds identifiers and codes, and anything that does not look like
// one is refused, so a personal value passed in the wrong argument never
// reaches the log. Each returns "" when s passes, and ReasonMissing for ""
// so the caller decides whether the field is optional.

var (
	idReasons       = [...]Reason{ident.OK: "", ident.Missing: ReasonMissing, ident.Malformed: ReasonNotIdentifier, ident.LooksPersonal: ReasonLooksPersonal}
	codeReasons     = [...]Reason{ident.OK: "", ident.Missing: ReasonMissing, ident.Malformed: ReasonNotCode, ident.LooksPersonal: ReasonNotCode}
	categoryReasons = [...]Reason{ident.OK: "", ident.Missing: ReasonMissing, ident.Malformed: ReasonNotCategory, ident.LooksPersonal: ReasonNotCategory}
)

// checkID accepts pseudonymous identifiers: receipt numbers, UUIDs, actor
// and event IDs ([ident.ID]).
func checkID(s string) Reason { return idReasons[ident.ID(s)] }

// checkCode accepts codes: purposes, reason codes, data classes
// ([ident.Code]).
func checkCode(s string) Reason { return codeReasons[ident.Code(s)] }

// checkCategory accepts field categories such as "user.contact.phone"
// ([ident.Category]).
func checkCategory(s string) Reason { return categoryReasons[ident.Category(s)] }

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

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

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
