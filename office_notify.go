package kuji

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/smtp"
	"github.com/kuji-go/kuji/applicant"
	"github.com/kuji-go/kuji/audit"
	"github.com/kuji-go/kuji/consent"
	"github.com/kuji-go/kuji/lottery"
)

// Notify queues the result message of every online applicant in the
// outbox — won, waitlisted or lost — and starts the confirmation period
// (drawn → notified). Queuing touches no personal data; [Office.Dispatch]
// sends. Postcard applicants get theirs by post ([Office.PostalList]).
func (o *Office) Notify(ctx context.Context, acc Access) error {
	return o.step(ctx, "Notify", acc, StateDrawn, StateNotified, func(t *txn) error {
		idx, err := o.index(ctx, t.tx, t.rec)
		if err != nil {
			return err
		}
		var n int64
		err = t.tx.ListApplications(ctx, o.id, adapters.ApplicationFilter{}, func(a adapters.Application) error {
			if a.Channel != string(applicant.ChannelWeb) {
				return nil
			}
			n++
			return t.tx.EnqueueMessage(ctx, o.message(a, idx.outcome(a.Receipt), "", t.now))
		})
		if err != nil {
			return err
		}
		if o.cfg.ConfirmWithin > 0 {
			t.rec.ConfirmBy = t.now.Add(o.cfg.ConfirmWithin)
		}
		t.entry.Details.Count = n
		return nil
	})
}

// message builds an outbox message. Its key makes enqueueing idempotent:
// one result message per application, one promotion message per slot.
func (o *Office) message(a adapters.Application, kind, slot string, now time.Time) adapters.Message {
	key := o.id + "/" + a.Receipt + "/" + kind
	if slot != "" {
		key += "/" + slot
	}
	return adapters.Message{Key: key, Event: o.id, Application: a.ID, Kind: kind, NextAttempt: now, Updated: now}
}

// Dispatch sends the queued messages through n, as a dispatcher working
// for acc (a handler designated for the notification purpose). Each
// message is rendered just before it is sent: the address is unsealed for
// the notification purpose, the access is checked again and audited, and
// the address never rests in the outbox. It returns when the outbox holds
// nothing due, or ctx is done.
func (o *Office) Dispatch(ctx context.Context, acc Access, n smtp.Notifier, opts *smtp.DispatcherOptions) (smtp.Summary, error) {
	if opts == nil {
		opts = &smtp.DispatcherOptions{}
	}
	if opts.Now == nil {
		opts.Now = o.now
	}
	// Refuse (and audit) a dispatcher that may not notify before claiming.
	err := o.do(ctx, call{op: "Dispatch", access: acc, action: audit.ActionNotify,
		states: []State{StateNotified, StateHeld, StateEnded}, purposes: []applicant.Purpose{applicant.PurposeNotification}},
		func(t *txn) error { t.skipAudit = true; return nil })
	if err != nil {
		return smtp.Summary{}, err
	}
	d := smtp.NewDispatcher(o.store, n, o.render(acc), opts)
	return d.Run(ctx, o.id)
}

// render returns the dispatcher's render function for acc.
func (o *Office) render(acc Access) smtp.RenderFunc {
	return func(ctx context.Context, m adapters.Message) (smtp.Notification, error) {
		var out smtp.Notification
		c := call{op: "Dispatch", access: acc, action: audit.ActionNotify,
			states: []State{StateNotified, StateHeld, StateEnded}, purposes: []applicant.Purpose{applicant.PurposeNotification}}
		err := o.do(ctx, c, func(t *txn) error {
			row, err := t.tx.Application(ctx, o.id, m.Application)
			if err != nil {
				return err
			}
			a, err := o.restore(t, row)
			if err != nil {
				return err
			}
			v, err := o.cfg.Schema.View(applicant.PurposeNotification, a)
			if err != nil {
				return err
			}
			to, err := v.Text(applicant.FieldEmail)
			if err != nil {
				return err
			}
			content, err := o.content(t, row, smtp.Kind(m.Kind), m)
			if err != nil {
				return err
			}
			lang := o.language(ctx, t.tx, row)
			subject, body, err := smtp.Render(lang, content)
			if err != nil {
				return err
			}
			out = smtp.Notification{Key: m.Key, Kind: smtp.Kind(m.Kind), Lang: lang, To: to, Subject: subject, Body: body}
			t.entry.Subjects = []string{row.Receipt}
			t.entry.Categories = []string{categoryOf(applicant.FieldEmail)}
			t.entry.Details.Count = 1
			return nil
		})
		return out, err
	}
}

// content is what a message of kind says for the application.
func (o *Office) content(t *txn, row adapters.Application, kind smtp.Kind, m adapters.Message) (smtp.Content, error) {
	c := smtp.Content{Kind: kind, Event: o.cfg.Notice.Title.Japanese, Receipt: row.Receipt, Contact: o.cfg.Contact}
	idx, err := o.index(t.ctx, t.tx, t.rec)
	if err != nil {
		return c, err
	}
	var slots []string
	switch kind {
	case smtp.KindWon, smtp.KindDeadline:
		slots = idx.seats[row.Receipt]
		c.Deadline = t.rec.ConfirmBy
	case smtp.KindPromoted:
		slots = idx.promoted[row.Receipt]
	case smtp.KindWaitlisted:
		slots = idx.waiting[row.Receipt]
	}
	for _, id := range slots {
		s, _ := o.cfg.slot(id)
		c.Slots = append(c.Slots, s.Label.Japanese)
	}
	if kind != smtp.KindLost && len(c.Slots) == 0 {
		// The seat went away since the message was queued (cancelled,
		// lapsed): the message has nothing true left to say.
		return c, &Error{Op: "Dispatch", Reason: ReasonNoWin, Receipt: row.Receipt}
	}
	return c, nil
}

// language is the language the person read the notice in.
func (o *Office) language(ctx context.Context, tx adapters.ReadTx, row adapters.Application) smtp.Lang {
	c, err := tx.Consent(ctx, o.id, row.ID)
	if err != nil {
		return smtp.LangJa
	}
	r, err := consent.ParseReceipt(c.Data)
	if err == nil && r.Language == "en" {
		return smtp.LangEn
	}
	return smtp.LangJa
}

// Confirm records that the person will come to the slot they won, before
// the confirmation deadline. The caller must have authenticated them.
func (o *Office) Confirm(ctx context.Context, receipt, slot string) error {
	return o.applicantStep(ctx, "Confirm", receipt, slot, func(t *txn, row adapters.Application) ([]audit.Entry, error) {
		if !t.rec.ConfirmBy.IsZero() && !t.now.Before(t.rec.ConfirmBy) {
			return nil, &Error{Op: "Confirm", Reason: ReasonDeadline, Receipt: row.Receipt}
		}
		if row.Status == statusConfirmed {
			return nil, nil
		}
		return nil, t.tx.SetStatus(t.ctx, o.id, row.ID, statusWon, statusConfirmed)
	})
}

// Decline gives up a won seat at the person's request: the next group on
// the slot's waitlist that fits is promoted and notified.
func (o *Office) Decline(ctx context.Context, receipt, slot string) error {
	return o.applicantStep(ctx, "Decline", receipt, slot, func(t *txn, row adapters.Application) ([]audit.Entry, error) {
		return o.releaseOne(t, row, slot)
	})
}

// Cancel gives up a won seat on the person's behalf (they called the
// office), by a handler designated for reception; promotions follow as for
// [Office.Decline].
func (o *Office) Cancel(ctx context.Context, acc Access, receipt, slot string) error {
	c := call{op: "Cancel", access: acc, action: audit.ActionStateChange, states: []State{StateNotified, StateHeld},
		purposes: []applicant.Purpose{applicant.PurposeReception}}
	return o.do(ctx, c, func(t *txn) error {
		row, err := o.byReceipt(ctx, t.tx, receipt)
		if err != nil {
			return err
		}
		entries, err := o.releaseOne(t, row, slot)
		if err != nil {
			return err
		}
		t.entry.Subjects = []string{row.Receipt}
		return o.appendAudit(ctx, t.tx, entries...)
	})
}

// Lapse gives up, after the confirmation deadline, every won seat that was
// not confirmed, promoting from the waitlists (a lifecycle step of the
// responsible person). Promoted groups are notified and need no
// confirmation. It returns how many seats lapsed.
func (o *Office) Lapse(ctx context.Context, acc Access) (int, error) {
	var n int
	err := o.do(ctx, call{op: "Lapse", access: acc, action: audit.ActionStateChange,
		states: []State{StateNotified, StateHeld}, lifecycle: true}, func(t *txn) error {
		if t.rec.ConfirmBy.IsZero() || t.now.Before(t.rec.ConfirmBy) {
			return &Error{Op: "Lapse", Reason: ReasonNotYet}
		}
		var lapsing []adapters.Application
		err := t.tx.ListApplications(ctx, o.id, adapters.ApplicationFilter{Status: []string{statusWon}}, func(a adapters.Application) error {
			lapsing = append(lapsing, a)
			return nil
		})
		if err != nil {
			return err
		}
		e, err := o.editSeats(t)
		if err != nil {
			return err
		}
		for _, a := range lapsing {
			if e.idx.promoted[a.Receipt] != nil {
				continue // promoted after the deadline: no confirmation asked
			}
			// The seats held when the deadline passed; one promoted to
			// this group during this very run needs no confirmation.
			for _, slot := range e.idx.seats[a.Receipt] {
				if !slices.Contains(e.seats(a.Receipt), slot) {
					continue
				}
				if err := e.release(lottery.EventLapse, a, slot); err != nil {
					return err
				}
				n++
			}
		}
		if n > 0 {
			if err := e.save(); err != nil {
				return err
			}
		}
		t.entry.Subjects = []string{"lapse"}
		t.entry.Details.Count = int64(n)
		return o.appendAudit(ctx, t.tx, e.entries...)
	})
	return n, err
}

// releaseOne gives up one seat and saves the record.
func (o *Office) releaseOne(t *txn, row adapters.Application, slot string) ([]audit.Entry, error) {
	e, err := o.editSeats(t)
	if err != nil {
		return nil, err
	}
	if err := e.release(lottery.EventCancel, row, slot); err != nil {
		return nil, err
	}
	return e.entries, e.save()
}

// applicantStep runs an applicant's own step on one of their seats,
// audited with the applicant role.
func (o *Office) applicantStep(ctx context.Context, op, receipt, slot string, fn func(*txn, adapters.Application) ([]audit.Entry, error)) error {
	err := o.store.Update(ctx, func(tx adapters.Tx) error {
		t, err := o.load(ctx, tx)
		if err != nil {
			return err
		}
		if st := t.state(); st != StateNotified && st != StateHeld {
			return &Error{Op: op, Reason: ReasonState, State: st}
		}
		row, err := o.byReceipt(ctx, tx, receipt)
		if err != nil {
			return err
		}
		idx, err := o.index(ctx, tx, t.rec)
		if err != nil {
			return err
		}
		if !slices.Contains(idx.seats[row.Receipt], slot) {
			return &Error{Op: op, Reason: ReasonNoWin, Receipt: row.Receipt, Slot: slot}
		}
		entries, err := fn(t, row)
		if err != nil {
			return err
		}
		if t.dirty {
			if err := t.save(""); err != nil {
				return err
			}
		}
		e := audit.Entry{Time: t.now, Actor: "applicant", Role: audit.RoleApplicant, Action: audit.ActionStateChange,
			Event: o.id, Subjects: []string{row.Receipt, slotSubject(slot)}, Outcome: audit.OutcomeAllowed}
		return o.appendAudit(ctx, tx, append([]audit.Entry{e}, entries...)...)
	})
	return asOpError(op, err)
}

// seatEdit changes the draw record within one operation: the record is
// read once, changed by any number of releases (each promoting from the
// waitlist), and saved once — a lapse of hundreds of seats costs one read
// and one write of the record, not hundreds.
type seatEdit struct {
	o       *Office
	t       *txn
	rec     *lottery.Record
	idx     *drawIndex          // the seats when the edit began
	held    map[string][]string // receipts whose seats changed since, and what they hold now
	entries []audit.Entry       // the promotions' audit entries
}

func (o *Office) editSeats(t *txn) (*seatEdit, error) {
	if t.rec.DrawDigest == "" {
		return nil, &Error{Op: "Cancel", Reason: ReasonState}
	}
	rec, idx, err := o.takeDraw(t.ctx, t.tx, t.rec.DrawDigest)
	if err != nil {
		return nil, err
	}
	return &seatEdit{o: o, t: t, rec: rec, idx: idx, held: map[string][]string{}}, nil
}

// seats returns the slots receipt holds now.
func (e *seatEdit) seats(receipt string) []string {
	if s, ok := e.held[receipt]; ok {
		return s
	}
	return e.idx.seats[receipt]
}

// release gives up row's seat in slot (a cancellation or a lapse),
// promotes from the waitlist, and records the new statuses.
func (e *seatEdit) release(kind lottery.EventKind, row adapters.Application, slot string) error {
	var promoted []lottery.Win
	var err error
	switch kind {
	case lottery.EventLapse:
		promoted, err = e.rec.Lapse(row.Receipt, slot)
	default:
		promoted, err = e.rec.Cancel(row.Receipt, slot)
	}
	if err != nil {
		return &Error{Op: "Cancel", Reason: ReasonNoWin, Receipt: row.Receipt, Slot: slot, Err: err}
	}
	e.held[row.Receipt] = slices.DeleteFunc(slices.Clone(e.seats(row.Receipt)), func(s string) bool { return s == slot })
	if err := e.promote(promoted); err != nil {
		return err
	}
	to := statusCancelled
	if kind == lottery.EventLapse {
		to = statusLapsed
	}
	if len(e.seats(row.Receipt)) > 0 {
		to = row.Status // still holds another seat
	}
	if to != row.Status {
		return e.t.tx.SetStatus(e.t.ctx, e.o.id, row.ID, row.Status, to)
	}
	return nil
}

// save stores the changed record.
func (e *seatEdit) save() error { return e.o.putDraw(e.t, e.rec) }

// promote records promoted wins: the group's status becomes won and, once
// results went out, a promotion message is queued. A promotion landing on a
// withdrawn application is cancelled at once, promoting the next.
func (e *seatEdit) promote(wins []lottery.Win) error {
	t, o := e.t, e.o
	for len(wins) > 0 {
		w := wins[0]
		wins = wins[1:]
		row, err := t.tx.ApplicationByReceipt(t.ctx, o.id, w.Entry)
		if errors.Is(err, adapters.ErrNotFound) {
			more, err := e.rec.Cancel(w.Entry, w.Slot)
			if err != nil {
				return err
			}
			wins = append(wins, more...)
			continue
		}
		if err != nil {
			return err
		}
		e.held[w.Entry] = append(slices.Clone(e.seats(w.Entry)), w.Slot)
		if row.Status != statusWon && row.Status != statusConfirmed {
			if err := t.tx.SetStatus(t.ctx, o.id, row.ID, row.Status, statusWon); err != nil {
				return err
			}
		}
		if t.state().index() >= StateNotified.index() && row.Channel == string(applicant.ChannelWeb) {
			err := t.tx.EnqueueMessage(t.ctx, o.message(row, string(smtp.KindPromoted), w.Slot, t.now))
			if err != nil && !errors.Is(err, adapters.ErrDuplicate) {
				return err
			}
		}
		e.entries = append(e.entries, audit.Entry{Time: t.now, Actor: "system", Role: audit.RoleSystem,
			Action: audit.ActionStateChange, Event: o.id, Subjects: []string{row.Receipt, slotSubject(w.Slot)}, Outcome: audit.OutcomeAllowed})
	}
	return nil
}

// giveUpSeats frees every seat a withdrawn application holds.
func (o *Office) giveUpSeats(t *txn, row adapters.Application) ([]audit.Entry, error) {
	e, err := o.editSeats(t)
	if err != nil {
		return nil, err
	}
	for _, slot := range e.seats(row.Receipt) {
		if err := e.release(lottery.EventCancel, row, slot); err != nil {
			return nil, err
		}
	}
	return e.entries, e.save()
}

func categoryOf(f applicant.Field) string {
	info, ok := applicant.Lookup(f)
	if !ok {
		panic(fmt.Sprintf("kuji: field %q not in the catalogue", f))
	}
	return string(info.Category)
}
