package kuji

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"slices"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/pgp"
	"github.com/kuji-go/kuji/applicant"
	"github.com/kuji-go/kuji/audit"
	"github.com/kuji-go/kuji/internal/seal"
	"github.com/kuji-go/kuji/retention"
)

// Version is kuji's version, as erasure certificates name the tool.
const Version = "v0.1.0"

// Hold starts the event day(s) (notified → held): check-in and walk-in
// contact cards are taken from now on.
func (o *Office) Hold(ctx context.Context, acc Access) error {
	return o.step(ctx, "Hold", acc, StateNotified, StateHeld, nil)
}

// End ends the event (held → ended) and starts the retention clocks that
// count from its end (walk-in contact cards: one month).
func (o *Office) End(ctx context.Context, acc Access) error {
	return o.step(ctx, "End", acc, StateHeld, StateEnded, func(t *txn) error {
		t.rec.Milestones.EventEnd = t.now
		return nil
	})
}

// Report computes the event report's aggregates — counts per slot,
// participant category, channel and result, with no personal data — and
// records that the report was submitted (ended → reported), which starts
// the retention rules counted from the report (the city walk erases
// everything then). The aggregates survive the purge.
func (o *Office) Report(ctx context.Context, acc Access) (*retention.Aggregates, error) {
	var out *retention.Aggregates
	err := o.step(ctx, "Report", acc, StateEnded, StateReported, func(t *txn) error {
		agg, err := o.aggregate(t)
		if err != nil {
			return err
		}
		out = agg
		t.rec.Milestones.ReportSubmitted = t.now
		return nil
	})
	return out, err
}

// Aggregates returns the aggregates of the event report, once reported
// (they outlive the purge).
func (o *Office) Aggregates(ctx context.Context) (*retention.Aggregates, error) {
	var out *retention.Aggregates
	err := o.store.View(ctx, func(tx adapters.ReadTx) error {
		ev, rec, err := o.readRecord(ctx, tx)
		if err != nil {
			return err
		}
		if rec.Aggregates == nil {
			return &Error{Op: "Aggregates", Reason: ReasonState, State: State(ev.State)}
		}
		out = new(retention.Aggregates)
		return json.Unmarshal(rec.Aggregates, out)
	})
	return out, asOpError("Aggregates", err)
}

// resultsDeclared are the results aggregates count.
var resultsDeclared = []string{statusApplied, statusWon, statusConfirmed, statusWaitlisted, statusLost,
	statusCancelled, statusLapsed, "checked-in", "walk-in"}

// aggregate counts, without opening any sealed data, and stores the
// aggregates in the event record.
func (o *Office) aggregate(t *txn) (*retention.Aggregates, error) {
	d := retention.Declared{Slots: o.cfg.slotIDs(), Results: resultsDeclared}
	for _, ch := range o.cfg.Schema.Channels {
		d.Channels = append(d.Channels, string(ch))
	}
	d.Channels = appendUnique(d.Channels, string(applicant.ChannelWalkIn))
	for _, c := range []applicant.ParticipantCategory{applicant.Resident, applicant.Worker, applicant.Student} {
		d.Categories = append(d.Categories, string(c))
	}
	agg, err := retention.NewAggregates(d)
	if err != nil {
		return nil, err
	}
	var idx *drawIndex
	if t.rec.DrawDigest != "" {
		if idx, err = o.index(t.ctx, t.tx, t.rec); err != nil {
			return nil, err
		}
	}
	byID := map[string]adapters.Application{}
	err = t.tx.ListApplications(t.ctx, o.id, adapters.ApplicationFilter{}, func(a adapters.Application) error {
		byID[a.ID] = a
		cell := retention.Cell{Category: a.Category, Channel: a.Channel, Result: a.Status}
		if idx == nil || len(idx.seats[a.Receipt]) == 0 {
			return agg.Add(cell, 1)
		}
		for _, s := range idx.seats[a.Receipt] {
			cell.Slot = s
			if err := agg.Add(cell, 1); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = t.tx.ListCheckIns(t.ctx, o.id, func(c adapters.CheckIn) error {
		a := byID[c.Application]
		return agg.Add(retention.Cell{Slot: c.Slot, Category: a.Category, Channel: a.Channel, Result: "checked-in"}, 1)
	})
	if err != nil {
		return nil, err
	}
	err = t.tx.ListContactCards(t.ctx, o.id, "", func(c adapters.ContactCard) error {
		return agg.Add(retention.Cell{Slot: c.Slot, Channel: string(applicant.ChannelWalkIn), Result: "walk-in"}, 1)
	})
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(agg)
	if err != nil {
		return nil, err
	}
	t.rec.Aggregates, t.dirty = data, true
	return agg, nil
}

// counts returns how many records each data class holds.
func (o *Office) counts(ctx context.Context, tx adapters.ReadTx) (map[string]int64, error) {
	out := map[string]int64{}
	for _, c := range o.cfg.appClasses() {
		err := tx.ListSealed(ctx, o.id, string(c), func(string) error {
			out[string(c)]++
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if card := o.cfg.cardClass(); card != "" {
		err := tx.ListContactCards(ctx, o.id, "", func(adapters.ContactCard) error {
			out[string(card)]++
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Plan is the retention plan now: per data class its deadline, whether it
// is due, and how many records are held. It changes nothing.
func (o *Office) Plan(ctx context.Context) (*retention.Plan, error) {
	var out *retention.Plan
	err := o.store.View(ctx, func(tx adapters.ReadTx) error {
		_, rec, err := o.readRecord(ctx, tx)
		if err != nil {
			return err
		}
		counts, err := o.counts(ctx, tx)
		if err != nil {
			return err
		}
		out, err = o.cfg.Retention.Plan(o.now(), rec.Milestones, counts)
		return err
	})
	return out, asOpError("Plan", err)
}

// Purged is the outcome of a purge: the erasure certificate, its
// clear-signed text, and the bundle the ward keeps (certificate, signed
// text and the audit inclusion proof of its issue).
type Purged struct {
	Certificate *retention.Certificate
	Signed      []byte
	Bundle      *retention.Bundle
}

// Purge erases every data class whose retention deadline has passed, as
// the event's responsible person: it destroys the classes' data keys first
// (from that instant every copy is unreadable, backups included), deletes
// the rows, compacts the storage, reads back that nothing is left, keeps
// the aggregates for the report, and issues an erasure certificate signed
// with the contractor's OpenPGP key and recorded in the audit log. When the
// last class is erased the event is purged.
//
// Unlike the other operations Purge takes several transactions: if a step
// fails, the erasure record is kept and calling Purge again finishes it. It
// returns (nil, nil) when nothing is due.
func (o *Office) Purge(ctx context.Context, acc Access) (*Purged, error) {
	if o.signer == nil {
		return nil, &Error{Op: "Purge", Reason: ReasonConfig, Err: errors.New("no OpenPGP signer in Options to sign the certificate")}
	}
	// Start (or resume) the erasure, authorised like a lifecycle step.
	var er *retention.Erasure
	c := call{op: "Purge", access: acc, action: audit.ActionPurge, states: []State{StateEnded, StateReported}, lifecycle: true}
	err := o.do(ctx, c, func(t *txn) error {
		t.skipAudit = true // the erasure's own entries record it
		if t.rec.Aggregates == nil {
			if _, err := o.aggregate(t); err != nil {
				return err
			}
		}
		if t.rec.Erasure != nil {
			er = new(retention.Erasure)
			return json.Unmarshal(t.rec.Erasure, er)
		}
		counts, err := o.counts(ctx, t.tx)
		if err != nil {
			return err
		}
		plan, err := o.cfg.Retention.Plan(t.now, t.rec.Milestones, counts)
		if err != nil {
			return err
		}
		var due []retention.PlanItem
		for _, it := range plan.Due() {
			if !slices.Contains(t.rec.Erased, it.Class) {
				due = append(due, it)
			}
		}
		if len(due) == 0 {
			return nil
		}
		plan.Items = due
		by, err := o.performer(t, acc)
		if err != nil {
			return err
		}
		id, err := applicant.NewID(t.now, o.rand)
		if err != nil {
			return err
		}
		er, err = retention.NewErasure(plan, retention.Request{ID: id.String(), Event: o.id,
			EventName: o.cfg.Notice.Title.Japanese, Ward: o.cfg.Ward, PerformedBy: by,
			Tool: retention.Tool{Name: "kuji", Version: Version}})
		if err != nil {
			return err
		}
		t.rec.Erasure, err = json.Marshal(er)
		t.dirty = true
		return err
	})
	if err != nil || er == nil {
		return nil, err
	}
	done, aerr := retention.Apply(ctx, &eraser{o: o}, er, o.now)
	if aerr != nil {
		// Keep how far it got, so that the next Purge finishes it.
		if serr := o.saveErasure(ctx, done); serr != nil {
			return nil, errors.Join(aerr, serr)
		}
		return nil, &Error{Op: "Purge", Reason: ReasonUnfinished, Err: aerr}
	}
	return o.certify(ctx, done)
}

// performer names the responsible person acting, for the certificate.
func (o *Office) performer(t *txn, acc Access) (retention.Person, error) {
	ds, err := o.designations(t.ctx, t.tx)
	if err != nil {
		return retention.Person{}, err
	}
	for _, d := range ds {
		if d.Actor == acc.Actor && d.Role == audit.RoleResponsible && d.InEffect(t.now) {
			return retention.Person{Actor: d.Actor, Name: d.DisplayName, Organisation: o.cfg.Notice.Processor.Japanese}, nil
		}
	}
	return retention.Person{}, &Error{Op: "Purge", Reason: ReasonNotPermitted}
}

func (o *Office) saveErasure(ctx context.Context, er *retention.Erasure) error {
	data, err := json.Marshal(er)
	if err != nil {
		return err
	}
	return o.store.Update(ctx, func(tx adapters.Tx) error {
		t, err := o.load(ctx, tx)
		if err != nil {
			return err
		}
		t.rec.Erasure = data
		if err := t.save(""); err != nil {
			return err
		}
		return o.appendAudit(ctx, tx, er.AuditEntry())
	})
}

// certify issues, signs, records and proves the certificate of a complete
// erasure, and moves the event to purged once every class is erased.
func (o *Office) certify(ctx context.Context, er *retention.Erasure) (*Purged, error) {
	now := o.now()
	cert, err := er.Certificate(now)
	if err != nil {
		return nil, err
	}
	signer := retention.ClearSignFunc(func(dst io.Writer, text io.Reader) error {
		return pgp.ClearSign(dst, text, o.signer, &pgp.Options{Now: o.now})
	})
	signed, err := cert.ClearSign(signer, retention.Japanese)
	if err != nil {
		return nil, err
	}
	certEntry, err := cert.AuditEntry(o.signer.Fingerprint())
	if err != nil {
		return nil, err
	}
	var index int64
	err = o.store.Update(ctx, func(tx adapters.Tx) error {
		t, err := o.load(ctx, tx)
		if err != nil {
			return err
		}
		for _, c := range er.Classes {
			t.rec.Erased = appendUnique(t.rec.Erased, c.Class)
		}
		t.rec.Erasure = nil
		to := State("")
		if len(t.rec.Erased) == len(o.cfg.classes()) {
			to = StatePurged
		}
		if err := t.save(to); err != nil {
			return err
		}
		data, err := cert.JSON()
		if err != nil {
			return err
		}
		if err := tx.InsertErasure(ctx, adapters.Erasure{ID: er.ID, Event: o.id, Created: now, Data: data, Signed: signed}); err != nil {
			return err
		}
		l, err := audit.NewLog(o.cfg.origin(), tx.AuditLog(o.cfg.origin()))
		if err != nil {
			return err
		}
		first, err := l.Append(ctx, er.AuditEntry(), certEntry)
		index = first + 1
		return err
	})
	if err != nil {
		return nil, asOpError("Purge", err)
	}
	cp, err := o.Checkpoint(ctx)
	if err != nil {
		return nil, err
	}
	proof, err := o.ProveInclusion(ctx, index, cp)
	if err != nil {
		return nil, err
	}
	return &Purged{Certificate: cert, Signed: signed, Bundle: retention.NewBundle(cert, signed, proof)}, nil
}

// errStop stops a listing early.
var errStop = errors.New("stop")

// eraser is the Office's retention.Eraser: one event's store and key
// store, seen one data class at a time. Each method is idempotent.
type eraser struct{ o *Office }

func (e *eraser) Inspect(ctx context.Context, class string) (retention.Inspection, error) {
	o := e.o
	var in retention.Inspection
	_, err := o.keys.Key(ctx, seal.KeyName(o.id, class))
	switch {
	case errors.Is(err, adapters.ErrKeyDestroyed):
		in.KeyDestroyed = true
	case err != nil && !errors.Is(err, adapters.ErrNotFound):
		return in, err
	}
	err = o.store.View(ctx, func(tx adapters.ReadTx) error {
		if class == string(o.cfg.cardClass()) {
			in.IDKind = retention.IDRecord
			return tx.ListContactCards(ctx, o.id, "", func(c adapters.ContactCard) error {
				in.IDs = append(in.IDs, c.ID)
				return nil
			})
		}
		in.IDKind = retention.IDReceipt
		return tx.ListSealed(ctx, o.id, class, func(receipt string) error {
			in.IDs = append(in.IDs, receipt)
			return nil
		})
	})
	return in, err
}

func (e *eraser) DestroyKey(ctx context.Context, class string) error {
	return e.o.sealer.Destroy(ctx, e.o.id, class)
}

// Delete deletes the class's blobs; with the last application class, the
// applications themselves go, with their blind indexes (and the index
// key), consent receipts, messages and check-ins.
func (e *eraser) Delete(ctx context.Context, class string) (int64, error) {
	o := e.o
	var n int64
	var last bool
	err := o.store.Update(ctx, func(tx adapters.Tx) error {
		var err error
		if class == string(o.cfg.cardClass()) {
			n, err = tx.PurgeClass(ctx, o.id, class)
			return err
		}
		// The last application class to go takes the applications with
		// it; whether other classes still hold data is read only when
		// there are other classes.
		last = true
		for _, c := range o.cfg.appClasses() {
			if string(c) == class || !last {
				continue
			}
			err := tx.ListSealed(ctx, o.id, string(c), func(string) error {
				last = false
				return errStop
			})
			if err != nil && !errors.Is(err, errStop) {
				return err
			}
		}
		if !last {
			n, err = tx.PurgeClass(ctx, o.id, class)
			return err
		}
		n, err = tx.PurgeApplications(ctx, o.id)
		return err
	})
	if err != nil {
		return 0, err
	}
	if last {
		if err := o.sealer.Destroy(ctx, o.id, seal.IndexClass); err != nil {
			return n, err
		}
	}
	return n, nil
}

func (e *eraser) Compact(ctx context.Context) error {
	if c, ok := e.o.store.(adapters.Compacter); ok {
		return c.Compact(ctx)
	}
	return nil
}
