package kuji

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/pgp"
	"github.com/kuji-go/kuji/applicant"
	"github.com/kuji-go/kuji/audit"
	"github.com/kuji-go/kuji/consent"
	"github.com/kuji-go/kuji/internal/seal"
)

// Options are the adapters and keys an Office runs on.
type Options struct {
	// Store holds the events (required): adapters/sqlite is the embedded
	// default, adapters/postgres serves several application servers,
	// adapters/memory is for tests.
	Store adapters.Store
	// Keys holds the wrapped data keys, apart from the database (required):
	// adapters/keydir, or adapters/memory for tests.
	Keys adapters.KeyStore
	// KEK is the 32-byte key-encryption key the data keys are wrapped
	// under (required). Keep it out of the database and the key store.
	KEK []byte
	// LogKey signs the audit log's checkpoints (required): a
	// golang.org/x/mod/sumdb/note signer, e.g. from audit.GenerateKey. The
	// ward keeps its verifier key.
	LogKey note.Signer
	// Signer is the contractor's OpenPGP key: it signs encrypted exports
	// and erasure certificates. Needed by Export, PostalList and Purge.
	Signer *pgp.Key
	// Clock is the time source; time.Now by default.
	Clock func() time.Time
	// Rand is the source of IDs; crypto/rand by default.
	Rand io.Reader
}

// Access names who acts and, for operations on personal data, for which
// purpose. The Office checks it against the event's designations on every
// call and audits the attempt, allowed or not.
type Access struct {
	// Actor is the account ID of the person acting (never a name).
	Actor string
	// Purpose is the declared purpose; empty for lifecycle steps, which
	// only the event's responsible person may take.
	Purpose applicant.Purpose
}

// Office runs one event: a persisted state machine over the adapters (see
// [State]). Every method is one transaction: it commits whole or leaves
// nothing behind but the audit entry of the attempt. An Office is safe for
// concurrent use, and several Offices (in several processes) may run the
// same event on one shared store.
type Office struct {
	store  adapters.Store
	keys   adapters.KeyStore
	sealer *seal.Sealer
	logKey note.Signer
	signer *pgp.Key
	now    func() time.Time
	rand   io.Reader

	cfg    Event
	id     string
	notice *consent.Notice

	mu   sync.Mutex
	draw drawCache   // the newest draw record seen
	rec  recordCache // the newest event record seen
}

func (opts *Options) check() error {
	var errs []error
	if opts.Store == nil {
		errs = append(errs, errors.New("no store"))
	}
	if opts.Keys == nil {
		errs = append(errs, errors.New("no key store"))
	}
	if len(opts.KEK) != 32 {
		errs = append(errs, errors.New("the key-encryption key must be 32 bytes"))
	}
	if opts.LogKey == nil {
		errs = append(errs, errors.New("no audit log signing key"))
	}
	return errors.Join(errs...)
}

func newOffice(opts Options) (*Office, error) {
	if err := opts.check(); err != nil {
		return nil, fmt.Errorf("kuji: options: %w", err)
	}
	s, err := seal.New(opts.KEK, opts.Keys)
	if err != nil {
		return nil, err
	}
	o := &Office{store: opts.Store, keys: opts.Keys, sealer: s, logKey: opts.LogKey,
		signer: opts.Signer, now: opts.Clock, rand: opts.Rand}
	if o.now == nil {
		o.now = time.Now
	}
	if o.rand == nil {
		o.rand = rand.Reader
	}
	return o, nil
}

// Create stores a new event in the draft state and designates its
// responsible person (取扱責任者), acting as the system (the ward's
// administrator through the embedding program). It returns ErrDuplicate
// if the event exists.
func Create(ctx context.Context, ev Event, responsible audit.Designation, opts Options) (*Office, error) {
	o, err := newOffice(opts)
	if err != nil {
		return nil, err
	}
	notice, err := ev.prepare()
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(record{Config: ev, NoticeVersion: notice.Version})
	if err != nil {
		return nil, err
	}
	// The Office works on its own copy of the configuration, which nobody
	// else can change, with its schema frozen.
	var own record
	if err := json.Unmarshal(data, &own); err != nil {
		return nil, err
	}
	if err := own.Config.Schema.Freeze(); err != nil {
		return nil, &Error{Op: "Create", Reason: ReasonConfig, Err: err}
	}
	o.cfg, o.id, o.notice = own.Config, ev.ID(), notice
	now := o.now()
	if responsible.Event == "" {
		responsible.Event = o.id
	}
	if responsible.ID == "" {
		id, err := applicant.NewID(now, o.rand)
		if err != nil {
			return nil, err
		}
		responsible.ID = id.String()
	}
	entry, err := audit.Designate(nil, responsible, "system", audit.RoleSystem, now)
	if err != nil {
		return nil, &Error{Op: "Create", Reason: ReasonConfig, Err: err}
	}
	doc, err := o.sealDesignation(ctx, responsible)
	if err != nil {
		return nil, err
	}
	err = o.store.Update(ctx, func(tx adapters.Tx) error {
		if err := tx.CreateEvent(ctx, adapters.Event{ID: o.id, State: string(StateDraft), Data: data, Updated: now}); err != nil {
			return err
		}
		if err := tx.PutDesignation(ctx, doc); err != nil {
			return err
		}
		return o.appendAudit(ctx, tx, entry)
	})
	if err != nil {
		return nil, asOpError("Create", err)
	}
	return o, nil
}

// Open returns the Office of an existing event.
func Open(ctx context.Context, eventID string, opts Options) (*Office, error) {
	o, err := newOffice(opts)
	if err != nil {
		return nil, err
	}
	var ev adapters.Event
	err = o.store.View(ctx, func(tx adapters.ReadTx) error {
		var err error
		ev, err = tx.Event(ctx, eventID)
		return err
	})
	if err != nil {
		return nil, asOpError("Open", err)
	}
	var rec record
	if err := json.Unmarshal(ev.Data, &rec); err != nil {
		return nil, fmt.Errorf("kuji: event %s: %w: %v", eventID, adapters.ErrCorrupt, err)
	}
	notice, err := rec.Config.prepare()
	if err != nil {
		return nil, err
	}
	if err := rec.Config.Schema.Freeze(); err != nil {
		return nil, err
	}
	if notice.Version != rec.NoticeVersion {
		return nil, fmt.Errorf("kuji: event %s: the stored configuration no longer gives the notice version it was opened with: %w", eventID, adapters.ErrCorrupt)
	}
	o.cfg, o.id, o.notice = rec.Config, eventID, notice
	return o, nil
}

// ID returns the event's ID.
func (o *Office) ID() string { return o.id }

// Config returns the event's configuration.
func (o *Office) Config() Event { return o.cfg }

// Notice returns the event's purpose notice (show it before collecting).
func (o *Office) Notice() *consent.Notice { return o.notice }

// State returns the event's current state.
func (o *Office) State(ctx context.Context) (State, error) {
	var st State
	err := o.store.View(ctx, func(tx adapters.ReadTx) error {
		ev, err := tx.Event(ctx, o.id)
		st = State(ev.State)
		return err
	})
	return st, asOpError("State", err)
}

// call describes one Office operation for [Office.do].
type call struct {
	op     string
	access Access
	action audit.Action
	states []State // states the operation is allowed in
	// lifecycle operations need the responsible person; the others need a
	// designation covering access.Purpose, which must be one of purposes.
	lifecycle bool
	purposes  []applicant.Purpose
	to        State // the state the operation moves the event to, if any
}

// txn is one operation's transaction.
type txn struct {
	ctx context.Context
	o   *Office
	tx  adapters.Tx
	ev  adapters.Event
	rec *record
	now time.Time
	// dirty marks rec as changed: it is saved with the state.
	dirty bool
	// entry is the audit entry of the operation; the operation fills in
	// subjects, categories and details.
	entry audit.Entry
	// skipAudit leaves the operation unaudited (set by operations that
	// append their own entries).
	skipAudit bool
	// rows counts what an export wrote.
	rows int
}

func (t *txn) state() State { return State(t.ev.State) }

// errDenied marks a transaction rolled back because authorisation failed.
var errDenied = errors.New("denied")

// do runs one operation: in one transaction it loads the event, checks the
// state, authorises the access, runs fn, moves the state and appends the
// audit entry. A denied attempt, and an authorised one that then fails,
// are audited in a transaction of their own.
func (o *Office) do(ctx context.Context, c call, fn func(t *txn) error) error {
	var decision audit.Decision
	var authorised bool
	err := o.store.Update(ctx, func(tx adapters.Tx) error {
		authorised = false
		t, err := o.load(ctx, tx)
		if err != nil {
			return err
		}
		decision, err = o.authorize(ctx, t, c)
		if err != nil {
			return err
		}
		if !decision.Allowed() {
			return errDenied
		}
		authorised = true
		if !slices.Contains(c.states, t.state()) {
			return &Error{Op: c.op, Reason: ReasonState, State: t.state()}
		}
		t.entry = decision.Entry(c.action, nil, nil)
		if err := fn(t); err != nil {
			return err
		}
		if c.to != "" || t.dirty {
			if err := t.save(c.to); err != nil {
				return err
			}
		}
		if t.skipAudit {
			return nil
		}
		return o.appendAudit(ctx, tx, t.entry)
	})
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errDenied):
		e := decision.Entry(c.action, nil, nil)
		if aerr := o.auditAlone(ctx, e); aerr != nil {
			return errors.Join(&Error{Op: c.op, Reason: ReasonNotPermitted}, aerr)
		}
		return &Error{Op: c.op, Reason: ReasonNotPermitted, Err: denialCause(decision)}
	case authorised && ctx.Err() == nil:
		e := decision.Entry(c.action, nil, nil)
		e.Outcome, e.Reason = audit.OutcomeFailed, failureCode(err)
		if aerr := o.auditAlone(ctx, e); aerr != nil {
			return errors.Join(asOpError(c.op, err), aerr)
		}
	}
	return asOpError(c.op, err)
}

// load reads the event's row and record.
func (o *Office) load(ctx context.Context, tx adapters.Tx) (*txn, error) {
	ev, rec, err := o.readRecord(ctx, tx)
	if err != nil {
		return nil, err
	}
	return &txn{ctx: ctx, o: o, tx: tx, ev: ev, rec: rec, now: o.now()}, nil
}

// readRecord reads the event's row and decodes its record. The decoded
// record of the newest row seen is kept, keyed by the row's bytes: most
// operations (every message a dispatcher renders) find the event as the
// last one left it and skip decoding its configuration again.
func (o *Office) readRecord(ctx context.Context, tx adapters.ReadTx) (adapters.Event, *record, error) {
	ev, err := tx.Event(ctx, o.id)
	if err != nil {
		return ev, nil, err
	}
	o.mu.Lock()
	c := o.rec
	o.mu.Unlock()
	if c.raw != nil && bytes.Equal(c.raw, ev.Data) {
		rec := c.rec.clone()
		return ev, &rec, nil
	}
	var rec record
	if err := json.Unmarshal(ev.Data, &rec); err != nil {
		return ev, nil, fmt.Errorf("kuji: event record: %w: %v", adapters.ErrCorrupt, err)
	}
	o.mu.Lock()
	o.rec = recordCache{raw: bytes.Clone(ev.Data), rec: rec.clone()}
	o.mu.Unlock()
	return ev, &rec, nil
}

// recordCache is a decoded event record and the bytes it came from.
type recordCache struct {
	raw []byte
	rec record
}

// save writes the record and the new state (if any), checking that nobody
// changed the event since it was loaded.
func (t *txn) save(to State) error {
	data, err := json.Marshal(t.rec)
	if err != nil {
		return err
	}
	ev := t.ev
	if to != "" {
		ev.State = string(to)
	}
	ev.Data, ev.Updated = data, t.now
	v, err := t.tx.UpdateEvent(t.ctx, ev)
	if err != nil {
		return err
	}
	ev.Version = v
	t.ev = ev
	return nil
}

// authorize decides the access of c. Lifecycle steps need the event's
// responsible person in effect; data operations a designation covering
// the purpose.
func (o *Office) authorize(ctx context.Context, t *txn, c call) (audit.Decision, error) {
	ds, err := o.designations(ctx, t.tx)
	if err != nil {
		return audit.Decision{}, err
	}
	if c.lifecycle {
		return authorizeResponsible(ds, c.access.Actor, o.id, t.now), nil
	}
	d, derr := audit.Authorize(ds, c.access.Actor, o.id, string(c.access.Purpose), t.now)
	if derr == nil && !slices.Contains(c.purposes, c.access.Purpose) {
		// Designated for the purpose, but this operation does not serve it.
		d.Reason = "purpose-not-served"
	}
	return d, nil
}

// authorizeResponsible allows the event's responsible person, in effect
// and trained, to take lifecycle steps.
func authorizeResponsible(ds []audit.Designation, actor, event string, at time.Time) audit.Decision {
	d := audit.Decision{Actor: actor, Event: event, At: at, Role: audit.RoleNone, Reason: audit.DenyNotDesignated}
	for _, x := range ds {
		if x.Actor != actor || x.Event != event {
			continue
		}
		d.Role, d.Designation = x.Role, x.ID
		switch {
		case x.Role != audit.RoleResponsible:
			d.Reason = "not-responsible"
		case !x.InEffect(at):
			d.Reason = audit.DenyExpired
		case x.TrainedOn.IsZero() || x.TrainedOn.After(at):
			d.Reason = audit.DenyTrainingMissing
		default:
			d.Reason = ""
			return d
		}
	}
	return d
}

func denialCause(d audit.Decision) error {
	return fmt.Errorf("%w: %s", ErrNotPermitted, d.Reason)
}

// failureCode is the audit reason code of a failed operation: the error's
// own code when it has one, else a generic one. It never carries a value.
func failureCode(err error) string {
	var coded interface{ Code() string }
	if errors.As(err, &coded) {
		return coded.Code()
	}
	switch {
	case errors.Is(err, adapters.ErrDuplicate):
		return string(ReasonDuplicate)
	case errors.Is(err, adapters.ErrConflict):
		return string(ReasonConflict)
	case errors.Is(err, adapters.ErrNotFound):
		return string(ReasonNotFound)
	}
	return "error"
}

// appendAudit appends entries to the event's log inside tx (none: nothing
// to do).
func (o *Office) appendAudit(ctx context.Context, tx adapters.Tx, entries ...audit.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	l, err := audit.NewLog(o.cfg.origin(), tx.AuditLog(o.cfg.origin()))
	if err != nil {
		return err
	}
	_, err = l.Append(ctx, entries...)
	return err
}

// auditAlone appends entries in a transaction of their own (denied and
// failed attempts, whose operation rolled back).
func (o *Office) auditAlone(ctx context.Context, entries ...audit.Entry) error {
	return o.store.Update(ctx, func(tx adapters.Tx) error {
		return o.appendAudit(ctx, tx, entries...)
	})
}

// designationClass is the pseudo data class designations are sealed
// under: a designation holds the handler's name.
const designationClass = "designation"

func (o *Office) sealDesignation(ctx context.Context, d audit.Designation) (adapters.Designation, error) {
	data, err := d.Encode()
	if err != nil {
		return adapters.Designation{}, err
	}
	blob, err := o.sealer.Seal(ctx, o.id, d.ID, designationClass, data)
	if err != nil {
		return adapters.Designation{}, err
	}
	return adapters.Designation{ID: d.ID, Event: o.id, Data: blob}, nil
}

func (o *Office) designations(ctx context.Context, tx adapters.ReadTx) ([]audit.Designation, error) {
	docs, err := tx.Designations(ctx, o.id)
	if err != nil {
		return nil, err
	}
	out := make([]audit.Designation, 0, len(docs))
	for _, doc := range docs {
		data, err := o.sealer.Open(ctx, o.id, doc.ID, designationClass, doc.Data)
		if err != nil {
			return nil, err
		}
		d, err := audit.DecodeDesignation(data)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// step is a lifecycle transition taken by the responsible person.
func (o *Office) step(ctx context.Context, op string, acc Access, from, to State, fn func(t *txn) error) error {
	return o.do(ctx, call{op: op, access: acc, action: audit.ActionStateChange, states: []State{from}, lifecycle: true, to: to},
		func(t *txn) error {
			t.entry.Subjects = []string{"state-" + string(to)}
			if fn != nil {
				return fn(t)
			}
			return nil
		})
}
