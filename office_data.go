package kuji

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
	"golang.org/x/text/language"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/applicant"
	"github.com/kuji-go/kuji/audit"
	"github.com/kuji-go/kuji/consent"
)

// View is a purpose view of one application or contact card as the Office
// hands it out: it gives exactly the fields its purpose may use, and asking
// it for any other returns ErrNotPermitted and audits the attempt.
// Formatting a View prints no value.
type View struct {
	o       *Office
	acc     Access
	subject string // receipt number or card ID
	v       *applicant.View
}

// Subject is the receipt number (or, for a contact card, the card's ID)
// the view shows.
func (v *View) Subject() string { return v.subject }

// Purpose is the purpose the view was made for.
func (v *View) Purpose() applicant.Purpose { return v.v.Purpose() }

// Fields lists the fields the view may show.
func (v *View) Fields() []applicant.Field { return v.v.Fields() }

// Text returns a single-valued field.
func (v *View) Text(ctx context.Context, f applicant.Field) (string, error) {
	s, err := v.v.Text(f)
	return s, v.check(ctx, f, err)
}

// List returns a repeated field (companions' names, preferences).
func (v *View) List(ctx context.Context, f applicant.Field) ([]string, error) {
	s, err := v.v.List(f)
	return s, v.check(ctx, f, err)
}

// Format prints the view's purpose and subject only.
func (v *View) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "kuji.View{%s %s}", v.v.Purpose(), v.subject)
}

func (v *View) check(ctx context.Context, f applicant.Field, err error) error {
	if err == nil || !errors.Is(err, ErrNotPermitted) {
		return err
	}
	e := audit.Entry{Time: v.o.now(), Actor: v.acc.Actor, Role: audit.RoleHandler, Purpose: string(v.acc.Purpose),
		Action: audit.ActionView, Event: v.o.id, Subjects: []string{v.subject},
		Categories: []string{categoryOf(f)}, Outcome: audit.OutcomeDenied, Reason: string(applicant.ReasonNotPermitted)}
	if aerr := v.o.auditAlone(ctx, e); aerr != nil {
		return errors.Join(err, aerr)
	}
	return err
}

// categories lists the categories of the fields a view may show.
func categories(v *applicant.View) []string {
	var out []string
	for _, f := range v.Fields() {
		if info, ok := applicant.Lookup(f); ok && info.Sealed {
			out = appendUnique(out, string(info.Category))
		}
	}
	return out
}

// checkRetention refuses data of a class past its retention deadline.
func (o *Office) checkRetention(t *txn, class string) error {
	if err := o.cfg.Retention.Check(class, t.rec.Milestones, t.now); err != nil {
		return &Error{Op: "Read", Reason: ReasonRetention, Err: err}
	}
	return nil
}

// restore opens an application's sealed data, refusing classes past their
// retention deadline.
func (o *Office) restore(t *txn, row adapters.Application) (*applicant.Application, error) {
	personal := make(map[applicant.DataClass][]byte, len(row.Sealed))
	for class, blob := range row.Sealed {
		if err := o.checkRetention(t, class); err != nil {
			return nil, err
		}
		pt, err := o.sealer.Open(t.ctx, o.id, row.ID, class, blob)
		if err != nil {
			return nil, err
		}
		personal[applicant.DataClass(class)] = pt
	}
	a, err := o.cfg.Schema.Restore(o.summary(row), personal)
	for _, pt := range personal {
		clear(pt)
	}
	return a, err
}

// summary rebuilds an application's non-personal summary from its row.
func (o *Office) summary(row adapters.Application) applicant.Summary {
	id, _ := uuid.Parse(row.ID)
	s := applicant.Summary{ID: id, EventID: o.id, Receipt: applicant.ReceiptNumber(row.Receipt),
		Channel: applicant.Channel(row.Channel), Category: applicant.ParticipantCategory(row.Category),
		GroupSize: row.Size}
	if len(o.cfg.Schema.Slots) == 0 && len(row.Prefs) > 0 {
		s.Course = row.Prefs[0]
	} else {
		s.Preferences = slices.Clone(row.Prefs)
	}
	switch row.Status {
	case statusWon, statusConfirmed:
		s.Result = applicant.Won
	case statusWaitlisted:
		s.Result = applicant.Waitlisted
	case statusLost, statusCancelled, statusLapsed:
		s.Result = applicant.Lost
	}
	return s
}

// dataStates are the states in which personal data may be read.
var dataStates = []State{StateOpen, StateClosed, StateCommitted, StateDrawn, StateNotified, StateHeld, StateEnded, StateReported}

// purposesExcept lists the schema's purposes without the given ones.
func (o *Office) purposesExcept(not ...applicant.Purpose) []applicant.Purpose {
	var out []applicant.Purpose
	for _, p := range o.cfg.Schema.Purposes {
		if !slices.Contains(not, p.Purpose) {
			out = append(out, p.Purpose)
		}
	}
	return out
}

// View returns an application's view for the access's purpose (any purpose
// the schema declares but the lottery's and infection tracing's, which see
// no application data), for a handler designated for it. The access is
// audited with the field categories the view exposes.
func (o *Office) View(ctx context.Context, acc Access, receipt string) (*View, error) {
	var out *View
	c := call{op: "View", access: acc, action: audit.ActionView, states: dataStates,
		purposes: o.purposesExcept(applicant.PurposeLottery, applicant.PurposeInfectionTracing)}
	err := o.do(ctx, c, func(t *txn) error {
		row, err := o.byReceipt(ctx, t.tx, receipt)
		if err != nil {
			return err
		}
		v, err := o.view(t, acc, row)
		if err != nil {
			return err
		}
		out = v
		t.entry.Subjects = []string{row.Receipt}
		t.entry.Categories = categories(v.v)
		return nil
	})
	return out, err
}

func (o *Office) view(t *txn, acc Access, row adapters.Application) (*View, error) {
	a, err := o.restore(t, row)
	if err != nil {
		return nil, err
	}
	v, err := o.cfg.Schema.View(acc.Purpose, a)
	if err != nil {
		return nil, err
	}
	return &View{o: o, acc: acc, subject: row.Receipt, v: v}, nil
}

// Find returns the receipt numbers of the applications whose name, name in
// kana or phone number (kind) matches query as typed at the reception desk
// — normalised as at intake (full-width digits, dashes, kana forms, variant
// kanji all match) and looked up through keyed blind indexes. For handlers
// designated for reception or check-in; audited with the hits.
func (o *Office) Find(ctx context.Context, acc Access, kind applicant.IndexKind, query string) ([]string, error) {
	var out []string
	c := call{op: "Find", access: acc, action: audit.ActionView, states: dataStates,
		purposes: []applicant.Purpose{applicant.PurposeReception, applicant.PurposeCheckIn}}
	err := o.do(ctx, c, func(t *txn) error {
		if err := o.checkRetention(t, string(applicant.ClassApplication)); err != nil {
			return err
		}
		secret, err := o.sealer.IndexKey(ctx, o.id)
		if err != nil {
			return err
		}
		k, err := o.cfg.Schema.SearchKey(kind, query, secret)
		clear(secret)
		if err != nil {
			return err
		}
		ids, err := t.tx.FindApplications(ctx, o.id, adapters.BlindKey{Kind: string(k.Kind), MAC: k.MAC})
		if err != nil {
			return err
		}
		for _, id := range ids {
			row, err := t.tx.Application(ctx, o.id, id)
			if err != nil {
				return err
			}
			out = append(out, row.Receipt)
		}
		t.entry.Subjects = out
		t.entry.Details.Count = int64(len(out))
		return nil
	})
	return out, err
}

// CheckIn admits a group that holds a seat in slot, on the day (the event
// must be held), for a handler designated for check-in. It returns the
// check-in view of the application (the names to compare with the people
// at the desk) and audits the access.
func (o *Office) CheckIn(ctx context.Context, acc Access, receipt, slot string) (*View, error) {
	var out *View
	c := call{op: "CheckIn", access: acc, action: audit.ActionCheckIn, states: []State{StateHeld},
		purposes: []applicant.Purpose{applicant.PurposeCheckIn}}
	err := o.do(ctx, c, func(t *txn) error {
		row, err := o.byReceipt(ctx, t.tx, receipt)
		if err != nil {
			return err
		}
		t.entry.Subjects = []string{row.Receipt, slotSubject(slot)}
		idx, err := o.index(ctx, t.tx, t.rec)
		if err != nil {
			return err
		}
		if !slices.Contains(idx.seats[row.Receipt], slot) {
			return &Error{Op: "CheckIn", Reason: ReasonNoWin, Receipt: row.Receipt, Slot: slot}
		}
		err = t.tx.InsertCheckIn(ctx, adapters.CheckIn{Event: o.id, Application: row.ID, Slot: slot, Actor: acc.Actor, At: t.now})
		if errors.Is(err, adapters.ErrDuplicate) {
			return &Error{Op: "CheckIn", Reason: ReasonCheckedIn, Receipt: row.Receipt, Slot: slot}
		}
		if err != nil {
			return err
		}
		v, err := o.view(t, acc, row)
		if err != nil {
			return err
		}
		out = v
		t.entry.Categories = categories(v.v)
		return nil
	})
	return out, err
}

// RecordContactCard stores a walk-in group's contact card (連絡先カード) for
// slot, typed in from paper by a handler designated for infection tracing,
// while the event is held. The card is sealed in its own data class and its
// consent receipt (channel walk-in) is returned.
func (o *Office) RecordContactCard(ctx context.Context, acc Access, slot string, f applicant.CardForm, lang language.Tag) (*consent.Receipt, error) {
	class := o.cfg.cardClass()
	if class == "" {
		return nil, &Error{Op: "RecordContactCard", Reason: ReasonConfig, Err: errors.New("the event takes no contact cards")}
	}
	card, err := o.cfg.Schema.ValidateCard(slot, f)
	if err != nil {
		return nil, err
	}
	now := o.now()
	id, err := applicant.NewID(now, o.rand)
	if err != nil {
		return nil, err
	}
	card.ID, card.EventID = id, o.id
	plain, err := card.PersonalData(o.cfg.Schema)
	if err != nil {
		return nil, err
	}
	blob, err := o.sealer.Seal(ctx, o.id, id.String(), string(class), plain[class])
	clear(plain[class])
	if err != nil {
		return nil, err
	}
	cid, err := applicant.NewID(now, o.rand)
	if err != nil {
		return nil, err
	}
	cr, err := consent.NewReceipt(o.notice, consent.ForCard(card.CardSummary), cid, now, lang)
	if err != nil {
		return nil, err
	}
	receipt, err := json.Marshal(cr)
	if err != nil {
		return nil, err
	}
	c := call{op: "RecordContactCard", access: acc, action: audit.ActionContactRecord, states: []State{StateHeld},
		purposes: []applicant.Purpose{applicant.PurposeInfectionTracing}}
	err = o.do(ctx, c, func(t *txn) error {
		t.entry.Subjects = []string{id.String(), slotSubject(slot)}
		t.entry.Categories = o.cardCategories()
		t.entry.Details.DataClasses = []string{string(class)}
		return t.tx.InsertContactCard(ctx, adapters.ContactCard{ID: id.String(), Event: o.id, Slot: slot,
			Class: string(class), Sealed: blob, Consent: receipt, Created: now})
	})
	if err != nil {
		return nil, err
	}
	return cr, nil
}

// ContactCards returns the contact cards of a slot for infection tracing
// (a cluster among that slot's visitors), for a handler designated for it;
// the lookup is audited with the number of cards read.
func (o *Office) ContactCards(ctx context.Context, acc Access, slot string) ([]*View, error) {
	var out []*View
	c := call{op: "ContactCards", access: acc, action: audit.ActionContactLookup, states: dataStates,
		purposes: []applicant.Purpose{applicant.PurposeInfectionTracing}}
	err := o.do(ctx, c, func(t *txn) error {
		class := o.cfg.cardClass()
		if err := o.checkRetention(t, string(class)); err != nil {
			return err
		}
		out = out[:0]
		err := t.tx.ListContactCards(ctx, o.id, slot, func(cc adapters.ContactCard) error {
			pt, err := o.sealer.Open(ctx, o.id, cc.ID, cc.Class, cc.Sealed)
			if err != nil {
				return err
			}
			id, _ := uuid.Parse(cc.ID)
			card, err := o.cfg.Schema.RestoreCard(applicant.CardSummary{ID: id, EventID: o.id, Slot: cc.Slot},
				map[applicant.DataClass][]byte{applicant.DataClass(cc.Class): pt})
			clear(pt)
			if err != nil {
				return err
			}
			v, err := o.cfg.Schema.CardView(acc.Purpose, card)
			if err != nil {
				return err
			}
			out = append(out, &View{o: o, acc: acc, subject: cc.ID, v: v})
			return nil
		})
		if err != nil {
			return err
		}
		t.entry.Subjects = []string{slotSubject(slot)}
		t.entry.Categories = o.cardCategories()
		t.entry.Details.Count = int64(len(out))
		return nil
	})
	return out, err
}

func (o *Office) cardCategories() []string {
	var out []string
	for _, f := range o.cfg.Schema.Fields {
		if info, ok := applicant.Lookup(f.Field); ok && info.OnCard {
			out = appendUnique(out, string(info.Category))
		}
	}
	return out
}

// slotSubject names a slot as an audit subject: audit IDs take no '/'.
func slotSubject(id string) string {
	return "slot:" + strings.ReplaceAll(id, "/", ":")
}
