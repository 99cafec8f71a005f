package kuji

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kuji-go/kuji/applicant"
	"github.com/kuji-go/kuji/consent"
	"github.com/kuji-go/kuji/lottery"
	"github.com/kuji-go/kuji/retention"
)

// State is an event's place in its lifecycle. The states follow each other
// in this order; an Office operation that is not allowed in the current
// state returns an [*Error] with [ReasonState] and changes nothing.
type State string

// The lifecycle, in order.
const (
	StateDraft     State = "draft"     // configured; designations may be made
	StateOpen      State = "open"      // accepting applications
	StateClosed    State = "closed"    // no more applications
	StateCommitted State = "committed" // draw input digest and seed sources published
	StateDrawn     State = "drawn"     // lottery drawn and verified; results may be published
	StateNotified  State = "notified"  // results queued for everyone; confirmations and cancellations
	StateHeld      State = "held"      // the event is running: check-in, walk-in contact cards
	StateEnded     State = "ended"     // the event is over; retention clocks run from here
	StateReported  State = "reported"  // the event report (aggregates only) was submitted
	StatePurged    State = "purged"    // every personal data class is erased
)

var lifecycle = []State{StateDraft, StateOpen, StateClosed, StateCommitted, StateDrawn,
	StateNotified, StateHeld, StateEnded, StateReported, StatePurged}

func (s State) index() int { return slices.Index(lifecycle, s) }

// Slot is one date and time slot of the event: the lottery's slot (ID,
// capacity, reserved seats) and labels for people.
type Slot struct {
	lottery.Slot
	// Label names the slot in messages, e.g. "7月24日（土）18:00〜21:00".
	Label consent.Text `json:"label"`
}

// Event is the configuration of one event: everything kuji needs to run
// it and none of it personal. It is stored with the event when the event is
// created and does not change afterwards (the notice version and the
// lottery commitment depend on it).
type Event struct {
	// Schema is what the event collects and why; Schema.Event is the
	// event's ID.
	Schema *applicant.Schema `json:"schema"`
	// Notice holds what the purpose notice says beyond the schema. Its
	// Retention texts are generated from Retention when left empty.
	Notice consent.Details `json:"notice"`
	// Slots are the slots seats are drawn for (for the city walk, its
	// courses with their capacities). Their IDs are Schema.Slots (or
	// Schema.Courses).
	Slots []Slot `json:"slots"`
	// Lottery bounds the draw; MaxPrefs defaults to Schema.MaxPreferences
	// (1 for course events) and MaxGroupSize to the eligibility's maximum.
	Lottery lottery.Config `json:"lottery"`
	// Retention says when each data class is erased.
	Retention *retention.Policy `json:"retention"`
	// ConfirmWithin is how long winners have to confirm after the results
	// are queued; zero means wins need no confirmation.
	ConfirmWithin time.Duration `json:"confirm_within,omitempty"`
	// Ward is the ward the event is run for, as certificates name it
	// (e.g. "新宿区").
	Ward string `json:"ward"`
	// Recipients are the fingerprints (as gpg prints them) of the OpenPGP
	// keys personal data may be exported to: the ward's. Export refuses
	// any other key.
	Recipients []string `json:"recipients,omitempty"`
	// Contact is the office's contact printed in messages.
	Contact string `json:"contact,omitempty"`
	// LogOrigin names the event's audit log in its checkpoints, e.g.
	// "kuji.example.jp/shinjuku/livesite-2021"; "kuji/<event ID>" if empty.
	LogOrigin string `json:"log_origin,omitempty"`
}

// ID returns the event's ID.
func (e *Event) ID() string {
	if e.Schema == nil {
		return ""
	}
	return e.Schema.Event
}

func (e *Event) origin() string {
	if e.LogOrigin != "" {
		return e.LogOrigin
	}
	return "kuji/" + e.ID()
}

// slotIDs are the IDs applications may rank: the schema's slots, or its
// courses for events without slots.
func (e *Event) slotIDs() []string {
	if len(e.Schema.Slots) > 0 {
		return e.Schema.Slots
	}
	return e.Schema.Courses
}

// prepare validates the configuration and fills defaults. It returns the
// notice built from it.
func (e *Event) prepare() (*consent.Notice, error) {
	var errs []error
	if e.Schema == nil {
		return nil, &Error{Op: "Create", Reason: ReasonConfig, Err: errors.New("no schema")}
	}
	if err := e.Schema.Check(); err != nil {
		errs = append(errs, err)
	}
	if e.Retention == nil {
		errs = append(errs, errors.New("no retention policy"))
	}
	if strings.TrimSpace(e.Ward) == "" {
		errs = append(errs, errors.New("no ward named"))
	}
	ids := e.slotIDs()
	if len(e.Slots) != len(ids) {
		errs = append(errs, fmt.Errorf("%d slots configured for %d slot IDs in the schema", len(e.Slots), len(ids)))
	}
	for _, s := range e.Slots {
		if !slices.Contains(ids, s.ID) {
			errs = append(errs, fmt.Errorf("slot %q is not in the schema", s.ID))
		}
	}
	if e.Lottery.MaxPrefs == 0 {
		e.Lottery.MaxPrefs = max(e.Schema.MaxPreferences, 1)
	}
	if e.Lottery.MaxGroupSize == 0 {
		e.Lottery.MaxGroupSize = max(e.Schema.Eligibility.MaxGroupSize, 1)
	}
	if e.Lottery.MaxWins == 0 {
		e.Lottery.MaxWins = 1
	}
	if e.Retention != nil {
		for _, c := range e.classes() {
			if _, ok := e.Retention.Rule(string(c)); !ok {
				errs = append(errs, fmt.Errorf("no retention rule for data class %q", c))
			}
		}
		if len(e.Notice.Retention) == 0 {
			for _, c := range e.classes() {
				r, _ := e.Retention.Rule(string(c))
				e.Notice.Retention = append(e.Notice.Retention, consent.Retention{
					Class: c, Text: consent.Text{Japanese: r.Japanese(), English: r.English()},
				})
			}
		}
	}
	if len(errs) > 0 {
		return nil, &Error{Op: "Create", Reason: ReasonConfig, Err: errors.Join(errs...)}
	}
	// An empty input validates the lottery configuration and the slots.
	if err := (lottery.Input{Config: e.Lottery, Slots: e.lotterySlots()}).Validate(); err != nil {
		return nil, &Error{Op: "Create", Reason: ReasonConfig, Err: err}
	}
	n, err := consent.New(e.Schema, e.Notice)
	if err != nil {
		return nil, &Error{Op: "Create", Reason: ReasonConfig, Err: err}
	}
	return n, nil
}

// classes lists the data classes the schema uses, in first-use order.
func (e *Event) classes() []applicant.DataClass {
	var out []applicant.DataClass
	for _, f := range e.Schema.Fields {
		if !slices.Contains(out, f.Class) {
			out = append(out, f.Class)
		}
	}
	return out
}

// cardClass is the data class of walk-in contact cards, "" if the event
// takes none.
func (e *Event) cardClass() applicant.DataClass {
	for _, f := range e.Schema.Fields {
		if info, ok := applicant.Lookup(f.Field); ok && info.OnCard {
			return f.Class
		}
	}
	return ""
}

// appClasses are the data classes of applications (every class but the
// contact cards').
func (e *Event) appClasses() []applicant.DataClass {
	card := e.cardClass()
	var out []applicant.DataClass
	for _, c := range e.classes() {
		if c != card {
			out = append(out, c)
		}
	}
	return out
}

func (e *Event) lotterySlots() []lottery.Slot {
	out := make([]lottery.Slot, len(e.Slots))
	for i, s := range e.Slots {
		out[i] = s.Slot
	}
	return out
}

func (e *Event) slot(id string) (Slot, bool) {
	for _, s := range e.Slots {
		if s.ID == id {
			return s, true
		}
	}
	return Slot{}, false
}

// record is what the Office keeps in the store's event row: the
// configuration and the event's non-personal progress. It stays small: the
// draw's input and record are kept as the store's draw record.
type record struct {
	Config        Event                `json:"config"`
	NoticeVersion consent.Version      `json:"notice_version"`
	Commitment    *Commitment          `json:"commitment,omitempty"`
	DrawDigest    string               `json:"draw_digest,omitempty"` // SHA-256 of the stored draw record
	ConfirmBy     time.Time            `json:"confirm_by,omitzero"`
	Milestones    retention.Milestones `json:"milestones"`
	Aggregates    json.RawMessage      `json:"aggregates,omitempty"`
	Erasure       json.RawMessage      `json:"erasure,omitempty"`
	Erased        []string             `json:"erased,omitempty"` // classes erased so far
}

// clone returns a copy that operations may change without touching r.
// Operations replace the pointer, raw JSON and configuration fields
// wholesale and never change what they point to; only Erased is appended
// to, so it is the one slice copied.
func (r record) clone() record {
	r.Erased = slices.Clone(r.Erased)
	return r
}
