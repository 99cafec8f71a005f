package audit

import (
	"fmt"
	"slices"
	"time"
)

// DenyReason says why [Authorize] refused an access.
type DenyReason string

// Reasons for a denial, from the least to the most specific: Authorize
// reports the most specific one any of the actor's designations reaches.
const (
	DenyNotDesignated     DenyReason = "not-designated"      // no designation of the actor for the event
	DenyPurposeNotCovered DenyReason = "purpose-not-covered" // designated, but not for this purpose
	DenyNotYetValid       DenyReason = "not-yet-valid"       // the designation's period has not begun
	DenyExpired           DenyReason = "expired"             // the designation's period has ended
	DenyRevoked           DenyReason = "revoked"             // the designation was revoked
	DenyTrainingMissing   DenyReason = "training-missing"    // no personal-data training recorded before the access
)

var denyText = map[DenyReason][2]string{ // English, Japanese
	DenyNotDesignated:     {"is not designated for this event", "はこのイベントの取扱者に指定されていません"},
	DenyPurposeNotCovered: {"is not designated for this purpose", "はこの利用目的について指定されていません"},
	DenyNotYetValid:       {"is designated from a later date", "の指定期間がまだ始まっていません"},
	DenyExpired:           {"was designated until an earlier date", "の指定期間が終了しています"},
	DenyRevoked:           {"had the designation revoked", "の指定は取り消されています"},
	DenyTrainingMissing:   {"has no personal-data training recorded before this time", "はこの時点までに個人情報保護研修の受講記録がありません"},
}

// Decision is what [Authorize] decided about one access, with what an
// audit entry of the attempt needs.
type Decision struct {
	Actor   string
	Event   string
	Purpose string
	At      time.Time
	// Role is the role of the designation that allowed the access, or, on
	// a denial, of the designation that came closest; RoleNone if the actor
	// holds none for the event.
	Role Role
	// Designation is the ID of that designation; "" if none.
	Designation string
	// Reason is why access was denied; "" if it was allowed.
	Reason DenyReason
}

// Allowed reports whether the access was allowed.
func (d Decision) Allowed() bool { return d.Reason == "" }

// Entry returns the audit entry recording this attempt: outcome allowed,
// or denied with the reason. Set Details, or change the outcome to
// [OutcomeFailed] with a reason if an allowed action then fails, before
// appending it.
//
// A denied attempt must be recorded whatever the caller passed, so for a
// denial Entry replaces an actor or event that is not an identifier with
// "invalid-actor" or "invalid-event", a missing or invalid purpose with
// "unspecified" or "invalid-purpose", and leaves out subjects and
// categories that are not valid: the entry then always validates, and a
// personal value passed by mistake is still not logged.
func (d Decision) Entry(action Action, subjects, categories []string) Entry {
	if !d.Allowed() {
		d, subjects, categories = d.sanitized(subjects, categories)
	}
	e := Entry{
		Time:       d.At,
		Actor:      d.Actor,
		Role:       d.Role,
		Purpose:    d.Purpose,
		Action:     action,
		Event:      d.Event,
		Subjects:   subjects,
		Categories: categories,
		Outcome:    OutcomeAllowed,
	}
	if !d.Allowed() {
		e.Outcome = OutcomeDenied
		e.Reason = string(d.Reason)
	}
	return e
}

// sanitized returns d, subjects and categories with whatever would make
// the entry of a denied attempt invalid replaced or left out.
func (d Decision) sanitized(subjects, categories []string) (Decision, []string, []string) {
	if checkID(d.Actor) != "" {
		d.Actor = "invalid-actor"
	}
	if checkID(d.Event) != "" {
		d.Event = "invalid-event"
	}
	switch checkCode(d.Purpose) {
	case "":
	case ReasonMissing:
		d.Purpose = "unspecified"
	default:
		d.Purpose = "invalid-purpose"
	}
	keep := func(list []string, check func(string) Reason, limit int) []string {
		var out []string
		for _, s := range list {
			if check(s) == "" && len(out) < limit {
				out = append(out, s)
			}
		}
		return out
	}
	return d, keep(subjects, checkID, MaxSubjects), keep(categories, checkCategory, MaxCategories)
}

// DeniedError is the error [Authorize] returns on a denial. It wraps
// [ErrNotPermitted]; its Decision gives the entry to append for the denied
// attempt ([Decision.Entry]).
type DeniedError struct {
	Decision Decision
}

// Code returns the machine-readable reason.
func (e *DeniedError) Code() string { return string(e.Decision.Reason) }

// English describes the denial in English.
func (e *DeniedError) English() string {
	return fmt.Sprintf("actor %s %s (event %s, purpose %s)", safeID(e.Decision.Actor), denyText[e.Decision.Reason][0],
		safeID(e.Decision.Event), safeCode(e.Decision.Purpose))
}

// Japanese describes the denial in Japanese.
func (e *DeniedError) Japanese() string {
	return fmt.Sprintf("行為者 %s %s（イベント %s、利用目的 %s）", safeID(e.Decision.Actor), denyText[e.Decision.Reason][1],
		safeID(e.Decision.Event), safeCode(e.Decision.Purpose))
}

func (e *DeniedError) Error() string { return "kuji/audit: " + e.Code() + ": " + e.English() }

// Unwrap returns [ErrNotPermitted].
func (e *DeniedError) Unwrap() error { return ErrNotPermitted }

// Authorize decides whether actor may use the personal data of event for
// purpose at time at, given the event's designations (other events'
// designations are ignored). Access is allowed only if a designation of the
// actor for the event covers the purpose, is in effect at that time (its
// period contains at, and it was not revoked at or before at), and records
// personal-data training at or before at.
//
// On a denial Authorize returns the decision and a [*DeniedError] wrapping
// [ErrNotPermitted]; either way, [Decision.Entry] gives the entry to
// append, for denied attempts are audited too.
func Authorize(designations []Designation, actor, event, purpose string, at time.Time) (Decision, error) {
	d := Decision{Actor: actor, Event: event, Purpose: purpose, At: at, Role: RoleNone, Reason: DenyNotDesignated}
	rank := 0 // how far the closest designation got; see the DenyReason constants
	for _, g := range designations {
		if g.Actor != actor || g.Event != event || actor == "" {
			continue
		}
		r := denial(g, purpose, at)
		if r == "" {
			d.Role, d.Designation, d.Reason = g.Role, g.ID, ""
			return d, nil
		}
		if k := denyRank(r); k > rank {
			rank = k
			d.Role, d.Designation, d.Reason = g.Role, g.ID, r
		}
	}
	return d, &DeniedError{Decision: d}
}

// denial returns why g does not allow purpose at time at, or "".
func denial(g Designation, purpose string, at time.Time) DenyReason {
	switch {
	case purpose == "" || !slices.Contains(g.Purposes, purpose):
		return DenyPurposeNotCovered
	case !g.RevokedAt.IsZero() && !at.Before(g.RevokedAt):
		return DenyRevoked
	case at.Before(g.From):
		return DenyNotYetValid
	case !at.Before(g.Until):
		return DenyExpired
	case g.TrainedOn.IsZero() || g.TrainedOn.After(at):
		return DenyTrainingMissing
	}
	return ""
}

func denyRank(r DenyReason) int {
	switch r {
	case DenyPurposeNotCovered:
		return 1
	case DenyNotYetValid, DenyExpired, DenyRevoked:
		return 2
	case DenyTrainingMissing:
		return 3
	}
	return 0
}
