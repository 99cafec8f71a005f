package kuji

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"golang.org/x/text/language"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/applicant"
	"github.com/kuji-go/kuji/audit"
	"github.com/kuji-go/kuji/consent"
)

// Receipt is what the Office hands back to an applicant: the receipt
// number to quote, and the consent receipt recording which notice they
// were shown.
type Receipt struct {
	Number  applicant.ReceiptNumber
	ID      uuid.UUID // the application's record ID
	Consent *consent.Receipt
}

// Application statuses as the store keeps them.
const (
	statusApplied    = "applied"
	statusWon        = string(applicant.Won)
	statusLost       = string(applicant.Lost)
	statusWaitlisted = string(applicant.Waitlisted)
	statusConfirmed  = "confirmed"
	statusCancelled  = "cancelled"
	statusLapsed     = "lapsed"
)

// prepared is an application validated, sealed and indexed outside the
// transaction, waiting for its receipt number.
type prepared struct {
	app      *applicant.Application
	row      adapters.Application
	lang     language.Tag
	personal int // number of sealed classes
}

// prepare validates a form and seals its personal data. Only the receipt
// number is left to allocate inside the transaction.
func (o *Office) prepare(ctx context.Context, ch applicant.Channel, f applicant.Form, lang language.Tag) (*prepared, error) {
	a, err := o.cfg.Schema.Validate(ch, f)
	if err != nil {
		return nil, err
	}
	return o.seal(ctx, a, lang)
}

// seal seals a validated application's personal data and computes its
// blind indexes.
func (o *Office) seal(ctx context.Context, a *applicant.Application, lang language.Tag) (*prepared, error) {
	s := o.cfg.Schema
	ch := a.Channel
	now := o.now()
	id, err := applicant.NewID(now, o.rand)
	if err != nil {
		return nil, err
	}
	a.ID = id
	plain, err := a.PersonalData(s)
	if err != nil {
		return nil, err
	}
	row := adapters.Application{
		ID: id.String(), Event: o.id, Channel: string(ch), Category: string(a.Category),
		Status: statusApplied, Created: now, Sealed: make(map[string][]byte, len(plain)),
	}
	for class, pt := range plain {
		blob, err := o.sealer.Seal(ctx, o.id, row.ID, string(class), pt)
		clear(pt)
		if err != nil {
			return nil, err
		}
		row.Sealed[string(class)] = blob
	}
	secret, err := o.sealer.IndexKey(ctx, o.id)
	if err != nil {
		return nil, err
	}
	ids, err := s.IdentityKeys(a, secret)
	if err != nil {
		return nil, err
	}
	for _, k := range ids {
		if o.reviewRule(k.Rule) {
			row.Search = append(row.Search, adapters.BlindKey{Kind: reviewKind, MAC: k.MAC})
			continue
		}
		row.Identity = append(row.Identity, k.MAC)
	}
	search, err := s.SearchKeys(a, secret)
	if err != nil {
		return nil, err
	}
	clear(secret)
	for _, k := range search {
		row.Search = append(row.Search, adapters.BlindKey{Kind: string(k.Kind), MAC: k.MAC})
	}
	return &prepared{app: a, row: row, lang: lang, personal: len(plain)}, nil
}

// reviewKind is the search-key kind of identity keys whose clashes are
// reviewed rather than refused (applicant.IdentityRule.Review).
const reviewKind = "identity-review"

func (o *Office) reviewRule(name string) bool {
	for _, r := range o.cfg.Schema.Identity {
		if r.Name == name {
			return r.Review
		}
	}
	return false
}

// insert allocates the receipt number and stores the application with its
// consent receipt.
func (o *Office) insert(ctx context.Context, tx adapters.Tx, p *prepared) (*Receipt, error) {
	seq, err := tx.NextReceipt(ctx, o.id)
	if err != nil {
		return nil, err
	}
	return o.insertNumbered(ctx, tx, p, seq)
}

// openIntake reads the event's state and, if it is open, takes a receipt
// number: in one round trip where the store offers it (adapters.IntakeTx).
func (o *Office) openIntake(ctx context.Context, tx adapters.Tx) (State, int64, error) {
	if it, ok := tx.(adapters.IntakeTx); ok {
		st, seq, err := it.OpenIntake(ctx, o.id)
		return State(st), seq, err
	}
	st, err := tx.EventState(ctx, o.id)
	if err != nil || State(st) != StateOpen {
		return State(st), 0, err
	}
	seq, err := tx.NextReceipt(ctx, o.id)
	return State(st), seq, err
}

// insertNumbered stores the application under receipt sequence number seq
// with its consent receipt.
func (o *Office) insertNumbered(ctx context.Context, tx adapters.Tx, p *prepared, seq int64) (*Receipt, error) {
	num, err := o.cfg.Schema.Receipts.Format(seq)
	if err != nil {
		return nil, err
	}
	p.app.Receipt, p.row.Receipt = num, string(num)
	entry, err := p.app.Summary.Entry(o.cfg.Schema.Lottery)
	if err != nil {
		return nil, err
	}
	p.row.Size, p.row.Prefs, p.row.Weight, p.row.Tier = entry.Size, entry.Prefs, entry.Weight, entry.Tier
	cid, err := applicant.NewID(o.now(), o.rand)
	if err != nil {
		return nil, err
	}
	cr, err := consent.NewReceipt(o.notice, consent.ForApplication(p.app.Summary), cid, p.row.Created, p.lang)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(cr)
	if err != nil {
		return nil, err
	}
	p.row.Consent = &adapters.Consent{ID: cid.String(), Event: o.id, Application: p.row.ID, Data: data}
	if err := tx.InsertApplication(ctx, p.row); err != nil {
		if errors.Is(err, adapters.ErrDuplicate) {
			// Receipt numbers and IDs are fresh: only an identity key can
			// clash. Which person clashed is not said.
			return nil, &Error{Op: "Apply", Reason: ReasonDuplicate}
		}
		return nil, err
	}
	return &Receipt{Number: num, ID: p.app.ID, Consent: cr}, nil
}

// Apply takes one online application, submitted by the person themselves:
// it validates the form against the schema (every problem at once, as
// applicant.Errors), checks eligibility, refuses a person who already holds a
// chance ([ErrDuplicate], without saying who), seals the personal data, and
// stores the application with its consent receipt, all in one transaction.
//
// Apply is not audited entry by entry: it is the person giving their own
// data, recorded by the consent receipt, not a handler's access to it.
// lang is the language the notice was shown in.
func (o *Office) Apply(ctx context.Context, f applicant.Form, lang language.Tag) (*Receipt, error) {
	p, err := o.prepare(ctx, applicant.ChannelWeb, f, lang)
	if err != nil {
		return nil, err
	}
	var r *Receipt
	err = o.store.Update(ctx, func(tx adapters.Tx) error {
		st, seq, err := o.openIntake(ctx, tx)
		if err != nil {
			return err
		}
		if st != StateOpen {
			return &Error{Op: "Apply", Reason: ReasonState, State: st}
		}
		r, err = o.insertNumbered(ctx, tx, p, seq)
		return err
	})
	if err != nil {
		return nil, asOpError("Apply", err)
	}
	return r, nil
}

// PostcardError is one postcard that failed validation in
// [Office.ApplyPostcards]: its position in the batch and the problems.
type PostcardError struct {
	Index int // 0-based position in the batch
	Err   error
}

func (e *PostcardError) Error() string {
	return fmt.Sprintf("postcard %d: %v", e.Index+1, e.Err)
}

func (e *PostcardError) Unwrap() error { return e.Err }

// ApplyPostcards stores postcard applications typed in by a handler
// designated for reception: all of them in one transaction, or none. Every
// invalid postcard is reported (as [*PostcardError]s joined), and so is a
// person who appears twice, in the batch or already in the event. The
// import is audited as one entry with the receipt numbers.
func (o *Office) ApplyPostcards(ctx context.Context, acc Access, forms []applicant.Form) ([]*Receipt, error) {
	var preps []*prepared
	var errs []error
	for i, f := range forms {
		p, err := o.prepare(ctx, applicant.ChannelPostcard, f, language.Japanese)
		if err != nil {
			errs = append(errs, &PostcardError{Index: i, Err: err})
			continue
		}
		preps = append(preps, p)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return o.storePostcards(ctx, "ApplyPostcards", acc, preps)
}

// storePostcards stores prepared postcard applications in one audited
// transaction: all of them, or none if any person is already in the event.
func (o *Office) storePostcards(ctx context.Context, op string, acc Access, preps []*prepared) ([]*Receipt, error) {
	var out []*Receipt
	c := call{op: op, access: acc, action: audit.ActionImport, states: []State{StateOpen},
		purposes: []applicant.Purpose{applicant.PurposeReception}}
	err := o.do(ctx, c, func(t *txn) error {
		out = out[:0]
		var dup []error
		for i, p := range preps {
			r, err := o.insert(ctx, t.tx, p)
			var oe *Error
			if errors.As(err, &oe) && oe.Reason == ReasonDuplicate {
				// The failed insert wrote nothing; report and go on.
				dup = append(dup, &PostcardError{Index: i, Err: err})
				continue
			}
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		if len(dup) > 0 {
			return errors.Join(dup...)
		}
		t.entry.Subjects = receiptSubjects(out)
		t.entry.Categories = o.categoriesOf(applicant.ChannelPostcard)
		t.entry.Details.Count = int64(len(out))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Withdraw withdraws an application and its consent at the person's
// request: every personal value of theirs is deleted at once (and only
// theirs), any seat they won is given up (promoting the next on the
// waitlist), and the withdrawal is audited. The caller must have
// authenticated the person. It returns the withdrawal record for them.
func (o *Office) Withdraw(ctx context.Context, receipt string) (*consent.Withdrawal, error) {
	var w *consent.Withdrawal
	err := o.store.Update(ctx, func(tx adapters.Tx) error {
		t, err := o.load(ctx, tx)
		if err != nil {
			return err
		}
		if t.state().index() >= StatePurged.index() {
			return &Error{Op: "Withdraw", Reason: ReasonState, State: t.state()}
		}
		row, err := o.byReceipt(ctx, tx, receipt)
		if err != nil {
			return err
		}
		c, err := tx.Consent(ctx, o.id, row.ID)
		if err != nil {
			return err
		}
		cr, err := consent.ParseReceipt(c.Data)
		if err != nil {
			return err
		}
		w, err = cr.Withdraw(t.now)
		if err != nil {
			return err
		}
		var entries []audit.Entry
		if t.rec.DrawDigest != "" {
			more, err := o.giveUpSeats(t, row)
			if err != nil {
				return err
			}
			entries = append(entries, more...)
			if err := t.save(""); err != nil { // the draw record changed
				return err
			}
		}
		if err := tx.DeleteApplication(ctx, o.id, row.ID); err != nil {
			return err
		}
		e := audit.Entry{Time: t.now, Actor: "applicant", Role: audit.RoleApplicant, Action: audit.ActionWithdraw,
			Event: o.id, Subjects: []string{row.Receipt}, Outcome: audit.OutcomeAllowed,
			Details: audit.Details{Count: 1, DataClasses: o.classNames(o.cfg.appClasses())}}
		return o.appendAudit(ctx, tx, append([]audit.Entry{e}, entries...)...)
	})
	if err != nil {
		return nil, asOpError("Withdraw", err)
	}
	return w, nil
}

// byReceipt finds an application by a receipt number as typed (full-width
// digits, missing dashes and prefix accepted; the check digit must match).
func (o *Office) byReceipt(ctx context.Context, tx adapters.ReadTx, receipt string) (adapters.Application, error) {
	num, _, err := o.cfg.Schema.Receipts.Parse(receipt)
	if err != nil {
		return adapters.Application{}, &Error{Op: "Receipt", Reason: ReasonNotFound, Err: err}
	}
	row, err := tx.ApplicationByReceipt(ctx, o.id, string(num))
	if errors.Is(err, adapters.ErrNotFound) {
		return row, &Error{Op: "Receipt", Reason: ReasonNotFound, Receipt: string(num)}
	}
	return row, err
}

func receiptSubjects(rs []*Receipt) []string {
	if len(rs) > audit.MaxSubjects {
		return nil // the count in Details says how many
	}
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r.Number)
	}
	return out
}

// categoriesOf lists the field categories collected on a channel.
func (o *Office) categoriesOf(ch applicant.Channel) []string {
	var out []string
	for _, f := range o.cfg.Schema.Fields {
		if len(f.Channels) > 0 && !slices.Contains(f.Channels, ch) {
			continue
		}
		if info, ok := applicant.Lookup(f.Field); ok && !info.OnCard {
			out = appendUnique(out, string(info.Category))
		}
	}
	return out
}

func (o *Office) classNames(cs []applicant.DataClass) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}

func appendUnique[T comparable](s []T, v T) []T {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}
