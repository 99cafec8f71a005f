package retention

import (
	"context"
	"errors"
	"slices"
	"time"
)

// Eraser is what an erasure needs from the Office: the event's store and
// key store, seen one data class at a time. Every method must be
// idempotent, because [Apply] repeats them when it is run again after a
// failure: destroying a destroyed key, deleting absent rows and compacting
// twice all succeed and change nothing.
type Eraser interface {
	// Inspect reads back what is left of class: whether its data key is
	// destroyed, and the IDs (receipt numbers or record IDs) of the
	// records of the class still stored.
	Inspect(ctx context.Context, class string) (Inspection, error)
	// DestroyKey destroys the class's data key in the key store
	// (crypto-erase): from that instant every copy of the class's data,
	// database backups included, is unreadable.
	DestroyKey(ctx context.Context, class string) error
	// Delete deletes the class's rows and sealed blobs and returns how
	// many rows it deleted.
	Delete(ctx context.Context, class string) (int64, error)
	// Compact reclaims the storage of deleted rows so that no deleted
	// bytes linger in free pages or logs (SQLite: secure_delete, WAL
	// checkpoint TRUNCATE, VACUUM; PostgreSQL: VACUUM).
	Compact(ctx context.Context) error
}

// IDKind says what the IDs of an [Inspection] are.
type IDKind string

// ID kinds.
const (
	IDReceipt IDKind = "receipt-number" // applications' receipt numbers
	IDRecord  IDKind = "record-id"      // record IDs, e.g. contact cards' UUIDs
)

// Inspection is what [Eraser.Inspect] reads back of one data class.
type Inspection struct {
	// KeyDestroyed is true once the class's data key is destroyed.
	KeyDestroyed bool
	// IDKind says what IDs are; empty means IDRecord.
	IDKind IDKind
	// IDs are the pseudonymous IDs of the records of the class still
	// stored: receipt numbers or record IDs, never personal values.
	IDs []string
}

// Person is the responsible person (取扱責任者) who performed an erasure, as
// the certificate names them.
//
// Name is personal data: a certificate states it, but fmt verbs and slog
// print a Person without it.
type Person struct {
	// Actor is the person's account ID, as audit entries name them.
	Actor string `json:"actor"`
	// Name is the person's name as the ward knows it.
	Name string `json:"name"`
	// Organisation is the body the person works for, e.g. the contractor's
	// company name.
	Organisation string `json:"organisation"`
}

// Tool names the software that performed an erasure.
type Tool struct {
	Name    string `json:"name"`    // e.g. "kuji"
	Version string `json:"version"` // the version the Office reports, e.g. "v1.2.0"
}

// Request describes an erasure: the event, who performs it, and the tool.
// The classes erased are those its plan found due.
type Request struct {
	// ID names the erasure and its certificate (an identifier, e.g. a
	// UUID or "citywalk-2025-erasure-1").
	ID string
	// Event is the event's ID; EventName its name as the ward knows it.
	Event, EventName string
	// Ward is the ward the certificate is for, e.g. "新宿区".
	Ward        string
	PerformedBy Person
	Tool        Tool
}

// problems returns everything wrong with r.
func (r Request) problems() Errors {
	var errs Errors
	add := func(field string, reason Reason) {
		if reason != "" {
			errs = append(errs, &Error{Field: field, Index: -1, Reason: reason})
		}
	}
	add("id", checkID(r.ID))
	add("event", checkID(r.Event))
	add("event_name", checkText(r.EventName))
	add("ward", checkText(r.Ward))
	add("performed_by.actor", checkID(r.PerformedBy.Actor))
	add("performed_by.name", checkText(r.PerformedBy.Name))
	add("performed_by.organisation", checkText(r.PerformedBy.Organisation))
	add("tool.name", checkText(r.Tool.Name))
	add("tool.version", checkText(r.Tool.Version))
	return errs
}

// ErasureFormat is the format of an [Erasure] in JSON.
const ErasureFormat = "kuji-erasure/v1"

// Erasure is the record of one erasure (消去の記録): what it covers and how
// far it went. [NewErasure] starts one, [Apply] runs it to the end, and
// [Erasure.Certificate] issues the certificate once it is complete. The
// Office keeps it (as JSON) between runs when a step fails.
type Erasure struct {
	Format      string `json:"format"`
	ID          string `json:"id"`
	Event       string `json:"event"`
	EventName   string `json:"event_name"`
	Ward        string `json:"ward"`
	PerformedBy Person `json:"performed_by"`
	Tool        Tool   `json:"tool"`
	// Classes are the data classes erased, in the plan's order.
	Classes []ClassErasure `json:"classes"`
	// Started is when the first run began; Compacted when the storage was
	// last compacted; Finished when the erasure was verified complete
	// (zero until then).
	Started   time.Time `json:"started,omitzero"`
	Compacted time.Time `json:"compacted,omitzero"`
	Finished  time.Time `json:"finished,omitzero"`
	// Runs counts the calls of [Apply] that did work.
	Runs int `json:"runs"`
	// Failure is the last run's failure; nil once complete.
	Failure *Failure `json:"failure,omitempty"`
}

// ClassErasure is the erasure of one data class.
type ClassErasure struct {
	Class    string   `json:"class"`
	Rule     Rule     `json:"rule"`
	Deadline Deadline `json:"deadline"`
	// Inventoried is when the records held were listed, before anything
	// was destroyed; IDKind, Records, FirstID, LastID and IDDigest
	// describe that list (see [DigestIDs]).
	Inventoried time.Time `json:"inventoried,omitzero"`
	IDKind      IDKind    `json:"id_kind,omitempty"`
	Records     int64     `json:"records"`
	FirstID     string    `json:"first_id,omitempty"`
	LastID      string    `json:"last_id,omitempty"`
	IDDigest    Digest    `json:"id_digest,omitzero"`
	// KeyDestroyed is when the data key was first destroyed.
	KeyDestroyed time.Time `json:"key_destroyed,omitzero"`
	// RowsDeleted is how many rows [Eraser.Delete] reported, over all runs.
	RowsDeleted int64 `json:"rows_deleted"`
	// Verified is when the read-back last found the key destroyed and no
	// record left; zero until it did.
	Verified time.Time `json:"verified,omitzero"`
}

// Failure records where a run of [Apply] stopped.
type Failure struct {
	Step  Step      `json:"step"`
	Class string    `json:"class,omitempty"`
	At    time.Time `json:"at"`
}

// NewErasure starts the erasure of the classes plan found due, as req
// describes. It checks req and returns an [Errors] listing every problem,
// or one [*Error] with [ReasonNothingDue] if no class is due.
func NewErasure(plan *Plan, req Request) (*Erasure, error) {
	errs := req.problems()
	due := plan.Due()
	if len(due) == 0 {
		errs = append(errs, &Error{Field: "plan", Index: -1, Reason: ReasonNothingDue})
	}
	if err := errs.orNil(); err != nil {
		return nil, err
	}
	er := &Erasure{
		Format:      ErasureFormat,
		ID:          req.ID,
		Event:       req.Event,
		EventName:   req.EventName,
		Ward:        req.Ward,
		PerformedBy: req.PerformedBy,
		Tool:        req.Tool,
	}
	for _, it := range due {
		er.Classes = append(er.Classes, ClassErasure{Class: it.Class, Rule: it.Rule, Deadline: it.Deadline})
	}
	return er, nil
}

// Complete reports whether the erasure finished and was verified.
func (er *Erasure) Complete() bool { return !er.Finished.IsZero() }

// classNames returns the names of the data classes erased.
func (er *Erasure) classNames() []string {
	names := make([]string, len(er.Classes))
	for i, c := range er.Classes {
		names[i] = c.Class
	}
	return names
}

func (er *Erasure) clone() *Erasure {
	c := *er
	c.Classes = slices.Clone(er.Classes)
	if er.Failure != nil {
		f := *er.Failure
		c.Failure = &f
	}
	return &c
}

// errNoEraser is returned for a nil Eraser, erasure or clock.
var errNoEraser = errors.New("kuji/retention: Apply needs an Eraser, an Erasure and a clock")

// Apply runs er to the end and returns it updated; er itself is not
// modified. The order is fixed, and each step runs for every class before
// the next step begins:
//
//  1. inventory: [Eraser.Inspect] lists the records held (once per class;
//     later runs keep the first list), before anything is destroyed;
//  2. destroy-key: [Eraser.DestroyKey], so the data is unreadable from
//     that instant, backups included;
//  3. delete: [Eraser.Delete];
//  4. compact: [Eraser.Compact], once;
//  5. verify: [Eraser.Inspect] again must find the key destroyed and no
//     record left.
//
// If a step fails, Apply stops and returns the erasure as far as it went,
// with [Erasure.Failure] set, and a [*StepError] naming the step and the
// class. Calling Apply again with that erasure finishes it: it repeats
// steps 2 to 5 (the [Eraser] makes them idempotent) and keeps the first
// inventory, so the certificate states what was held before the first
// destruction even if a reply was lost. Apply on a complete erasure
// returns it unchanged. now is the clock the steps' times are read from.
func Apply(ctx context.Context, e Eraser, er *Erasure, now func() time.Time) (*Erasure, error) {
	if e == nil || er == nil || now == nil {
		return nil, errNoEraser
	}
	out := er.clone()
	if out.Complete() {
		return out, nil
	}
	out.Runs++
	if out.Started.IsZero() {
		out.Started = now().In(jst)
	}
	fail := func(step Step, class string, err error) (*Erasure, error) {
		out.Failure = &Failure{Step: step, Class: class, At: now().In(jst)}
		return out, &StepError{Step: step, Class: class, Err: err}
	}
	for i := range out.Classes {
		c := &out.Classes[i]
		if !c.Inventoried.IsZero() {
			continue
		}
		if err := inventory(ctx, e, c, now); err != nil {
			return fail(StepInventory, c.Class, err)
		}
	}
	for i := range out.Classes {
		c := &out.Classes[i]
		if err := ctxDo(ctx, func() error { return e.DestroyKey(ctx, c.Class) }); err != nil {
			return fail(StepDestroyKey, c.Class, err)
		}
		if c.KeyDestroyed.IsZero() {
			c.KeyDestroyed = now().In(jst)
		}
	}
	for i := range out.Classes {
		c := &out.Classes[i]
		var n int64
		err := ctxDo(ctx, func() (err error) {
			n, err = e.Delete(ctx, c.Class)
			return err
		})
		if err == nil && n < 0 {
			err = &Error{Class: c.Class, Field: "rows_deleted", Index: -1, Reason: ReasonNegativeCount}
		}
		if err != nil {
			return fail(StepDelete, c.Class, err)
		}
		c.RowsDeleted += n
	}
	if err := ctxDo(ctx, func() error { return e.Compact(ctx) }); err != nil {
		return fail(StepCompact, "", err)
	}
	out.Compacted = now().In(jst)
	for i := range out.Classes {
		c := &out.Classes[i]
		var in Inspection
		err := ctxDo(ctx, func() (err error) {
			in, err = e.Inspect(ctx, c.Class)
			return err
		})
		if err == nil && (!in.KeyDestroyed || len(in.IDs) > 0) {
			err = notErased(!in.KeyDestroyed, len(in.IDs), now())
		}
		if err != nil {
			c.Verified = time.Time{}
			return fail(StepVerify, c.Class, err)
		}
		c.Verified = now().In(jst)
	}
	out.Finished = now().In(jst)
	out.Failure = nil
	return out, nil
}

// inventory lists what class c holds before anything is destroyed.
func inventory(ctx context.Context, e Eraser, c *ClassErasure, now func() time.Time) error {
	var in Inspection
	if err := ctxDo(ctx, func() (err error) {
		in, err = e.Inspect(ctx, c.Class)
		return err
	}); err != nil {
		return err
	}
	kind := in.IDKind
	if kind == "" {
		kind = IDRecord
	}
	if kind != IDReceipt && kind != IDRecord {
		return &Error{Class: c.Class, Field: "id_kind", Index: -1, Reason: ReasonMalformed}
	}
	s, err := summarise(in.IDs)
	if err != nil {
		err.(*Error).Class = c.Class
		return err
	}
	c.IDKind, c.Records, c.FirstID, c.LastID, c.IDDigest = kind, int64(s.count), s.first, s.last, s.digest
	c.Inventoried = now().In(jst)
	return nil
}

// ctxDo runs fn unless ctx is already done.
func ctxDo(ctx context.Context, fn func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return fn()
}
