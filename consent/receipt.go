package consent

import (
	"bytes"
	"encoding/json"
	"slices"
	"time"

	"github.com/google/uuid"
	"golang.org/x/text/language"

	"github.com/kuji-go/kuji/applicant"
)

// Format tags of the stable JSON encodings.
const (
	ReceiptTag    = "kuji-consent-receipt/1"
	WithdrawalTag = "kuji-consent-withdrawal/1"
)

// Receipt is a consent receipt, in the spirit of the Kantara Consent
// Receipt and ISO/IEC TS 27560: the record that one person was shown one
// notice version and gave their data for its purposes. It holds no personal
// value (record ID and receipt number are pseudonyms). Its JSON encoding is
// stable: fields in the order below, purposes and categories sorted, the
// time in UTC (RFC 3339).
type Receipt struct {
	Tag           string                  `json:"tag"`
	ID            uuid.UUID               `json:"receipt_id"`
	Event         string                  `json:"event"`
	Record        uuid.UUID               `json:"record_id"`
	ReceiptNumber applicant.ReceiptNumber `json:"receipt_number,omitempty"`
	Controller    Text                    `json:"controller"`
	Notice        Version                 `json:"notice_version"`
	Language      string                  `json:"language"`
	Purposes      []applicant.Purpose     `json:"purposes"`
	// Categories are the categories of the data collected on the channel.
	Categories []applicant.DataCategory `json:"categories"`
	// Sensitive is true when any of it is in a forbidden category collected
	// with the ward's approval.
	Sensitive bool              `json:"sensitive"`
	Channel   applicant.Channel `json:"channel"`
	// CollectedDirectly records that the data came from the person
	// themselves (本人収集), as the ward's contract requires; companions'
	// data is given by their representative on their behalf.
	CollectedDirectly bool      `json:"collected_directly"`
	Time              time.Time `json:"time"`
}

// Subject is the record a receipt is for: an application or a walk-in
// contact card.
type Subject struct {
	Event         string
	Record        uuid.UUID
	ReceiptNumber applicant.ReceiptNumber
	Channel       applicant.Channel
	// Card marks a contact card: the receipt covers the card's fields.
	Card bool
}

// ForApplication is the subject of an application.
func ForApplication(s applicant.Summary) Subject {
	return Subject{Event: s.EventID, Record: s.ID, ReceiptNumber: s.Receipt, Channel: s.Channel}
}

// ForCard is the subject of a walk-in contact card.
func ForCard(c applicant.CardSummary) Subject {
	return Subject{Event: c.EventID, Record: c.ID, Channel: applicant.ChannelWalkIn, Card: true}
}

// NewReceipt records that the subject was shown notice n in language lang
// at time at; id is the receipt's own ID ([applicant.NewID]). Its purposes
// and categories are those of the fields the notice collects on the
// subject's channel.
func NewReceipt(n *Notice, sub Subject, id uuid.UUID, at time.Time, lang language.Tag) (*Receipt, error) {
	if sub.Event != n.Event || sub.Record == uuid.Nil || id == uuid.Nil || sub.Channel == "" {
		return nil, &Error{Part: "receipt", Reason: ReasonSubject}
	}
	if at.IsZero() {
		return nil, &Error{Part: "receipt", Reason: ReasonTime}
	}
	r := &Receipt{
		Tag: ReceiptTag, ID: id, Event: n.Event, Record: sub.Record, ReceiptNumber: sub.ReceiptNumber,
		Controller: n.Controller, Notice: n.Version, Language: Match(lang).String(),
		Purposes: []applicant.Purpose{}, Categories: []applicant.DataCategory{},
		Channel: sub.Channel, CollectedDirectly: true, Time: at.UTC().Round(0),
	}
	card := sub.Card
	for _, p := range n.Purposes {
		for _, f := range p.Fields {
			onCard := slices.Equal(f.Channels, []applicant.Channel{applicant.ChannelWalkIn})
			if f.Derived || onCard != card || (len(f.Channels) > 0 && !slices.Contains(f.Channels, sub.Channel)) {
				continue
			}
			r.Purposes = append(r.Purposes, p.Purpose)
			r.Categories = append(r.Categories, f.Category)
			r.Sensitive = r.Sensitive || f.Sensitive
		}
	}
	r.Purposes, r.Categories = sorted(r.Purposes), sorted(r.Categories)
	if len(r.Purposes) == 0 {
		return nil, &Error{Part: "receipt", Reason: ReasonSubject}
	}
	return r, nil
}

// Withdrawal is a recorded withdrawal of consent (同意の撤回): the
// retention side acts on it (erasing the record, or ending the withdrawn
// purposes). All means every purpose of the receipt. Its JSON encoding is
// stable like a receipt's.
type Withdrawal struct {
	Tag      string              `json:"tag"`
	Receipt  uuid.UUID           `json:"receipt_id"`
	Event    string              `json:"event"`
	Record   uuid.UUID           `json:"record_id"`
	All      bool                `json:"all"`
	Purposes []applicant.Purpose `json:"purposes"`
	Time     time.Time           `json:"time"`
}

// Withdraw records the withdrawal of the given purposes at time at, or of
// every purpose when none is given.
func (r *Receipt) Withdraw(at time.Time, purposes ...applicant.Purpose) (*Withdrawal, error) {
	if at.IsZero() || at.Before(r.Time) {
		return nil, &Error{Part: "withdrawal", Reason: ReasonTime}
	}
	for _, p := range purposes {
		if !slices.Contains(r.Purposes, p) {
			return nil, &Error{Part: "withdrawal", Reason: ReasonWithdrawalPurpose}
		}
	}
	w := &Withdrawal{Tag: WithdrawalTag, Receipt: r.ID, Event: r.Event, Record: r.Record, Time: at.UTC().Round(0)}
	w.Purposes = sorted(purposes)
	if len(w.Purposes) == 0 || slices.Equal(w.Purposes, r.Purposes) {
		w.All, w.Purposes = true, slices.Clone(r.Purposes)
	}
	return w, nil
}

// ParseReceipt decodes a receipt's JSON encoding, refusing unknown members
// and other format tags.
func ParseReceipt(b []byte) (*Receipt, error) {
	var r Receipt
	if err := strictDecode(b, &r); err != nil || r.Tag != ReceiptTag || r.ID == uuid.Nil || r.Record == uuid.Nil {
		return nil, &Error{Part: "receipt", Reason: ReasonEncoding}
	}
	return &r, nil
}

// ParseWithdrawal decodes a withdrawal's JSON encoding.
func ParseWithdrawal(b []byte) (*Withdrawal, error) {
	var w Withdrawal
	if err := strictDecode(b, &w); err != nil || w.Tag != WithdrawalTag || w.Receipt == uuid.Nil {
		return nil, &Error{Part: "withdrawal", Reason: ReasonEncoding}
	}
	return &w, nil
}

func strictDecode(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return &Error{Reason: ReasonEncoding}
	}
	return nil
}
