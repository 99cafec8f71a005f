package audit

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"
)

// Organisation is the kind of body a designated person belongs to.
type Organisation string

// Organisations.
const (
	OrganisationWard       Organisation = "ward"       // the ward office
	OrganisationContractor Organisation = "contractor" // the contractor running the event
)

// Designation names one person as the event's responsible person
// (取扱責任者, [RoleResponsible]) or as a handler (取扱者, [RoleHandler]),
// for some purposes, over a validity period.
//
// A designation is a value: the caller persists it and passes the event's
// designations to [Authorize] on every access, so adding or revoking one
// takes effect on the next call. [Designate] and [Revoke] check a change
// and return the audit entry that records it.
//
// DisplayName is personal data: it is never logged, never put in an
// [Entry], and fmt verbs and slog print a designation without it.
type Designation struct {
	// ID names the designation (a record ID, e.g. a UUID).
	ID string
	// Event is the ID of the event the designation is for.
	Event string
	// Actor is the designated person's account ID; it is what entries name.
	Actor string
	// DisplayName is the person's name as the ward knows it. Not logged.
	DisplayName string
	// Role is RoleResponsible or RoleHandler.
	Role         Role
	Organisation Organisation
	// Purposes are the purposes the person may use personal data for.
	Purposes []string
	// From and Until bound the validity period [From, Until).
	From, Until time.Time
	// TrainedOn is when the person completed personal-data training; zero
	// if not recorded. Access is allowed only at or after it.
	TrainedOn time.Time
	// RevokedAt is when the designation was revoked; zero if it was not.
	// It no longer allows access from that instant on.
	RevokedAt time.Time
}

// InEffect reports whether d is within its validity period and not revoked
// at time at. It does not look at purposes or training; [Authorize] does.
func (d Designation) InEffect(at time.Time) bool {
	return !at.Before(d.From) && at.Before(d.Until) && (d.RevokedAt.IsZero() || at.Before(d.RevokedAt))
}

// end returns when d stops being in effect: the end of its period or its
// revocation, whichever comes first.
func (d Designation) end() time.Time {
	if !d.RevokedAt.IsZero() && d.RevokedAt.Before(d.Until) {
		return d.RevokedAt
	}
	return d.Until
}

// Validate checks d's fields and returns an [ErrorList] of
// [*DesignationError], or nil.
func (d Designation) Validate() error {
	var errs ErrorList
	for _, p := range d.problems() {
		errs = append(errs, p)
	}
	return errs.orNil()
}

func (d Designation) problems() []*DesignationError {
	var errs []*DesignationError
	add := func(field string, index int, r Reason) {
		if r != "" {
			errs = append(errs, &DesignationError{Designation: d.ID, Field: field, Index: index, Reason: r})
		}
	}
	add("id", -1, checkID(d.ID))
	add("event", -1, checkID(d.Event))
	add("actor", -1, checkID(d.Actor))
	if d.Role != RoleResponsible && d.Role != RoleHandler {
		add("role", -1, ReasonUnknownValue)
	}
	if d.Organisation != OrganisationWard && d.Organisation != OrganisationContractor {
		add("organisation", -1, ReasonUnknownValue)
	}
	switch {
	case len(d.Purposes) == 0:
		add("purposes", -1, ReasonMissing)
	case len(d.Purposes) > MaxListItems:
		add("purposes", -1, ReasonTooMany)
	default:
		for i, p := range d.Purposes {
			add("purposes", i, checkCode(p))
		}
	}
	add("from", -1, checkTime(d.From))
	add("until", -1, checkTime(d.Until))
	if !d.From.IsZero() && !d.Until.IsZero() && !d.Until.After(d.From) {
		add("until", -1, ReasonBadPeriod)
	}
	if !d.TrainedOn.IsZero() {
		add("trained_on", -1, checkTime(d.TrainedOn))
	}
	if !d.RevokedAt.IsZero() {
		add("revoked_at", -1, checkTime(d.RevokedAt))
	}
	return errs
}

// Designate checks a new designation d against the event's existing
// designations and returns the entry that records the change, made by
// actor by acting in role at time at. The caller stores d and appends the
// entry in the same transaction.
//
// Only [RoleSystem] (the ward's administrator acting through the embedding
// program) may name a responsible person; RoleSystem or [RoleResponsible]
// may name handlers. d's ID must be new, and two responsible persons of
// one event may not be in effect at the same time.
func Designate(existing []Designation, d Designation, by string, role Role, at time.Time) (Entry, error) {
	var errs ErrorList
	for _, p := range d.problems() {
		errs = append(errs, p)
	}
	problem := func(field string, r Reason) {
		errs = append(errs, &DesignationError{Designation: d.ID, Field: field, Index: -1, Reason: r})
	}
	if !d.RevokedAt.IsZero() {
		problem("revoked_at", ReasonNotAllowed)
	}
	for _, e := range existing {
		if e.ID == d.ID {
			problem("id", ReasonDuplicate)
		}
		if d.Role == RoleResponsible && e.Role == RoleResponsible && e.Event == d.Event && e.ID != d.ID &&
			d.From.Before(e.end()) && e.From.Before(d.Until) {
			problem("from", ReasonOverlap)
		}
	}
	entry := changeEntry(d, ActionDesignate, by, role, at)
	errs = append(errs, changerProblems(d, role)...)
	errs = append(errs, entry.problems(0)...)
	if len(errs) > 0 {
		return Entry{}, errs
	}
	return entry, nil
}

// Revoke returns d revoked from time at and the entry that records the
// change, made by actor by acting in role. The caller stores the returned
// designation in place of d and appends the entry in the same transaction.
// The same roles as for [Designate] may revoke.
func Revoke(d Designation, by string, role Role, at time.Time) (Designation, Entry, error) {
	var errs ErrorList
	if !d.RevokedAt.IsZero() {
		errs = append(errs, &DesignationError{Designation: d.ID, Field: "revoked_at", Index: -1, Reason: ReasonAlreadyRevoked})
	}
	r := d.clone()
	r.RevokedAt = at
	for _, p := range r.problems() {
		errs = append(errs, p)
	}
	entry := changeEntry(r, ActionRevoke, by, role, at)
	errs = append(errs, changerProblems(d, role)...)
	errs = append(errs, entry.problems(0)...)
	if len(errs) > 0 {
		return Designation{}, Entry{}, errs
	}
	return r, entry, nil
}

// changerProblems refuses a change by a role that may not make it.
func changerProblems(d Designation, role Role) []error {
	if role == RoleSystem || role == RoleResponsible && d.Role == RoleHandler {
		return nil
	}
	return []error{&EntryError{Field: "role", Index: -1, Reason: ReasonNotAllowed}}
}

func changeEntry(d Designation, action Action, by string, role Role, at time.Time) Entry {
	rec := d.clone()
	rec.DisplayName = ""
	return Entry{
		Time:     at,
		Actor:    by,
		Role:     role,
		Action:   action,
		Event:    d.Event,
		Subjects: []string{d.ID},
		Outcome:  OutcomeAllowed,
		Details:  Details{Designation: &rec},
	}
}

func (d Designation) clone() Designation {
	d.Purposes = slices.Clone(d.Purposes)
	return d
}

// String describes d without its display name.
func (d Designation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Designation{ID:%s Event:%s Actor:%s Role:%s Organisation:%s Purposes:%v From:%s Until:%s",
		safeID(d.ID), safeID(d.Event), safeID(d.Actor), safeCode(string(d.Role)),
		safeCode(string(d.Organisation)), safeCodes(d.Purposes),
		d.From.Format(time.RFC3339), d.Until.Format(time.RFC3339))
	if !d.TrainedOn.IsZero() {
		fmt.Fprintf(&b, " TrainedOn:%s", d.TrainedOn.Format(time.RFC3339))
	}
	if !d.RevokedAt.IsZero() {
		fmt.Fprintf(&b, " RevokedAt:%s", d.RevokedAt.Format(time.RFC3339))
	}
	b.WriteString(" DisplayName:[redacted]}")
	return b.String()
}

// Format prints [Designation.String] for every verb (%v, %+v, %#v, %s,
// %q, %d, ...), so no verb prints the display name.
func (d Designation) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, d.String())
}

// LogValue gives slog the designation without its display name.
func (d Designation) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("id", safeID(d.ID)),
		slog.String("event", safeID(d.Event)),
		slog.String("actor", safeID(d.Actor)),
		slog.String("role", safeCode(string(d.Role))),
		slog.String("organisation", safeCode(string(d.Organisation))),
		slog.Any("purposes", safeCodes(d.Purposes)),
		slog.Time("from", d.From),
		slog.Time("until", d.Until),
		slog.String("display_name", "[redacted]"),
	)
}

// designationDoc is the stored form of a designation, version 1.
type designationDoc struct {
	V            int          `json:"v"`
	ID           string       `json:"id"`
	Event        string       `json:"event"`
	Actor        string       `json:"actor"`
	DisplayName  string       `json:"display_name,omitempty"`
	Role         Role         `json:"role"`
	Organisation Organisation `json:"organisation"`
	Purposes     []string     `json:"purposes"`
	From         string       `json:"from"`
	Until        string       `json:"until"`
	TrainedOn    string       `json:"trained_on,omitempty"`
	RevokedAt    string       `json:"revoked_at,omitempty"`
}

// Encode validates d and returns it as a JSON document for a store to keep
// (the stores hold designations as opaque documents). Unlike an entry, the
// document includes the display name: it is personal data, so keep it
// sealed like any other.
func (d Designation) Encode() ([]byte, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return json.Marshal(designationDoc{
		V: 1, ID: d.ID, Event: d.Event, Actor: d.Actor, DisplayName: d.DisplayName, Role: d.Role,
		Organisation: d.Organisation, Purposes: d.Purposes, From: formatTime(d.From), Until: formatTime(d.Until),
		TrainedOn: formatTime(d.TrainedOn), RevokedAt: formatTime(d.RevokedAt),
	})
}

// DecodeDesignation parses a document written by [Designation.Encode] and
// validates it.
func DecodeDesignation(data []byte) (Designation, error) {
	var doc designationDoc
	bad := func(field string, r Reason) (Designation, error) {
		return Designation{}, &DesignationError{Designation: doc.ID, Field: field, Index: -1, Reason: r}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		doc.ID = ""
		return bad("", ReasonMalformed)
	}
	if doc.V != 1 {
		return bad("v", ReasonVersion)
	}
	d := Designation{
		ID: doc.ID, Event: doc.Event, Actor: doc.Actor, DisplayName: doc.DisplayName, Role: doc.Role,
		Organisation: doc.Organisation, Purposes: doc.Purposes,
	}
	var ok bool
	for _, t := range []struct {
		field string
		in    string
		out   *time.Time
	}{
		{"from", doc.From, &d.From},
		{"until", doc.Until, &d.Until},
		{"trained_on", doc.TrainedOn, &d.TrainedOn},
		{"revoked_at", doc.RevokedAt, &d.RevokedAt},
	} {
		if *t.out, ok = parseTime(t.in); !ok {
			return bad(t.field, ReasonMalformed)
		}
	}
	if err := d.Validate(); err != nil {
		return Designation{}, err
	}
	return d, nil
}
