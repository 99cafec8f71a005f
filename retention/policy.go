package retention

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// Trigger is the milestone a retention period is counted from.
type Trigger string

// Triggers.
const (
	// TriggerEventEnd: the event ends (イベント終了), e.g. walk-in contact
	// cards, destroyed one month after the event.
	TriggerEventEnd Trigger = "event-end"
	// TriggerReportSubmitted: the event report is submitted to the ward
	// (事業実施報告書の提出), e.g. all application data of the city walk.
	TriggerReportSubmitted Trigger = "report-submitted"
	// TriggerContractEnd: the outsourcing contract ends (契約終了).
	TriggerContractEnd Trigger = "contract-end"
	// TriggerConsentWithdrawn: the person withdraws consent (同意撤回). It is
	// a milestone of one person, not of the event: see [Milestones].
	TriggerConsentWithdrawn Trigger = "consent-withdrawn"
	// TriggerFixedDate: a fixed calendar day, [Rule.Date]; the data may be
	// held until the end of that day.
	TriggerFixedDate Trigger = "fixed-date"
)

var triggers = []Trigger{TriggerEventEnd, TriggerReportSubmitted, TriggerContractEnd, TriggerConsentWithdrawn, TriggerFixedDate}

// Milestones are the instants the triggers happened at, as the Office
// knows them; a zero time means the milestone has not happened (or is not
// yet known), and rules counted from it have no deadline yet. A milestone
// may lie in the future when it is fixed in advance, such as the scheduled
// end of the event or the last day of the contract: the deadline is then
// known ahead.
//
// ConsentWithdrawn belongs to one person: the Office sets it when it checks
// a record of someone who withdrew, and leaves it zero for the event as a
// whole, so a [TriggerConsentWithdrawn] rule shows as waiting in a [Plan].
type Milestones struct {
	EventEnd         time.Time
	ReportSubmitted  time.Time
	ContractEnd      time.Time
	ConsentWithdrawn time.Time
}

// at returns the instant of trigger t, or false if it has not happened.
func (m Milestones) at(t Trigger) (time.Time, bool) {
	var v time.Time
	switch t {
	case TriggerEventEnd:
		v = m.EventEnd
	case TriggerReportSubmitted:
		v = m.ReportSubmitted
	case TriggerContractEnd:
		v = m.ContractEnd
	case TriggerConsentWithdrawn:
		v = m.ConsentWithdrawn
	}
	return v, !v.IsZero()
}

// Rule is the retention rule of one data class: the data may be held
// until Delay after Trigger (or until the end of Date, for
// [TriggerFixedDate]), and no longer.
type Rule struct {
	// Class is the data class, e.g. "application" or "contact-card".
	Class   string  `json:"class"`
	Trigger Trigger `json:"trigger"`
	// Delay is counted from the trigger; zero means at the trigger
	// instant. Not allowed with TriggerFixedDate.
	Delay Delay `json:"delay,omitzero"`
	// Date is the last day the data may be held; only with
	// TriggerFixedDate, and required there.
	Date Date `json:"date,omitzero"`
}

// Deadline returns the rule's deadline given the milestones, or false if
// its trigger has not happened. See the package documentation for the
// semantics.
func (r Rule) Deadline(m Milestones) (Deadline, bool) {
	if r.Trigger == TriggerFixedDate {
		if !r.Date.Valid() {
			return Deadline{}, false
		}
		return Deadline{At: r.Date.end(), EndOfDay: true}, true
	}
	t, ok := m.at(r.Trigger)
	if !ok {
		return Deadline{}, false
	}
	return after(t, r.Delay), true
}

// problems returns everything wrong with r, the rule at position i.
func (r Rule) problems(i int) Errors {
	var errs Errors
	class := safeClass(r.Class)
	add := func(field string, reason Reason) {
		errs = append(errs, &Error{Class: class, Field: field, Index: i, Reason: reason})
	}
	if reason := checkClass(r.Class); reason != "" {
		add("class", reason)
	}
	if !slices.Contains(triggers, r.Trigger) {
		if r.Trigger == "" {
			add("trigger", ReasonMissing)
		} else {
			add("trigger", ReasonUnknownTrigger)
		}
	}
	inRange := true
	for _, c := range []struct {
		field string
		v     int
		max   int
	}{
		{"delay.years", r.Delay.Years, MaxDelayYears},
		{"delay.months", r.Delay.Months, 12 * MaxDelayYears},
		{"delay.days", r.Delay.Days, 366 * MaxDelayYears},
	} {
		switch {
		case c.v < 0:
			add(c.field, ReasonNegativeDelay)
			inRange = false
		case c.v > c.max:
			add(c.field, ReasonDelayTooLong)
			inRange = false
		}
	}
	// Each component may be within bounds and their sum not.
	if inRange && r.Delay.Years*366+r.Delay.Months*31+r.Delay.Days > 366*MaxDelayYears {
		add("delay", ReasonDelayTooLong)
	}
	switch {
	case r.Trigger == TriggerFixedDate && r.Date.IsZero():
		add("date", ReasonDateMissing)
	case r.Trigger == TriggerFixedDate && !r.Date.Valid():
		add("date", ReasonBadDate)
	case r.Trigger != TriggerFixedDate && !r.Date.IsZero():
		add("date", ReasonDateNotAllowed)
	}
	if r.Trigger == TriggerFixedDate && !r.Delay.IsZero() {
		add("delay", ReasonDelayNotAllowed)
	}
	return errs
}

// Policy is an event's retention policy: one [Rule] per data class. A
// Policy value is valid by construction ([NewPolicy]) and immutable.
type Policy struct {
	rules []Rule // in class order
}

// NewPolicy checks rules and returns the policy. Every problem is
// reported at once in an [Errors] of [*Error] (Index is the rule's
// position): a class name that is not a code, a class given twice, an
// unknown trigger, a negative or over-long delay, a fixed-date rule
// without a valid date or with a delay, a date on another trigger.
func NewPolicy(rules ...Rule) (*Policy, error) {
	var errs Errors
	seen := map[string]bool{}
	for i, r := range rules {
		errs = append(errs, r.problems(i)...)
		if checkClass(r.Class) == "" {
			if seen[r.Class] {
				errs = append(errs, &Error{Class: r.Class, Field: "class", Index: i, Reason: ReasonDuplicateClass})
			}
			seen[r.Class] = true
		}
	}
	if err := errs.orNil(); err != nil {
		return nil, err
	}
	p := &Policy{rules: slices.Clone(rules)}
	slices.SortFunc(p.rules, func(a, b Rule) int { return strings.Compare(a.Class, b.Class) })
	return p, nil
}

// Rules returns the policy's rules in class order.
func (p *Policy) Rules() []Rule { return slices.Clone(p.rules) }

// Rule returns the rule of class, or false if the policy has none.
func (p *Policy) Rule(class string) (Rule, bool) {
	i, ok := slices.BinarySearchFunc(p.rules, class, func(r Rule, c string) int { return strings.Compare(r.Class, c) })
	if !ok {
		return Rule{}, false
	}
	return p.rules[i], true
}

// Check returns nil if records of class may be served at now, and
// otherwise why not: an [*ExpiredError] (matching [ErrRetentionExpired])
// from the deadline on, or an [*Error] matching [ErrNoRule] if the policy
// has no rule for class. The Office calls it before serving any record, so
// that data past its deadline is served to no one even before the purge
// has run. A rule whose trigger has not happened has no deadline yet, and
// its class may be served.
func (p *Policy) Check(class string, m Milestones, now time.Time) error {
	r, ok := p.Rule(class)
	if !ok {
		return &Error{Class: safeClass(class), Field: "class", Index: -1, Reason: ReasonNoRule}
	}
	if d, ok := r.Deadline(m); ok && d.Passed(now) {
		return &ExpiredError{Class: class, Deadline: d}
	}
	return nil
}

// MarshalJSON encodes the policy as an array of rules in class order.
func (p *Policy) MarshalJSON() ([]byte, error) {
	rules := p.rules
	if rules == nil {
		rules = []Rule{}
	}
	return json.Marshal(rules)
}

// UnmarshalJSON decodes an array of rules and checks it as [NewPolicy]
// does.
func (p *Policy) UnmarshalJSON(data []byte) error {
	var rules []Rule
	if err := json.Unmarshal(data, &rules); err != nil {
		return &Error{Field: "policy", Index: -1, Reason: ReasonMalformed}
	}
	q, err := NewPolicy(rules...)
	if err != nil {
		return err
	}
	*p = *q
	return nil
}
