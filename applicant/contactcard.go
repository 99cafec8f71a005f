package applicant

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// CardForm is a walk-in contact card as typed in from paper. Formatting a
// CardForm prints no value.
type CardForm struct {
	Name, Phone, Seat string
}

// maxSeatLen is the longest seat number, in characters.
const maxSeatLen = 16

// ValidateCard checks a contact card of a walk-in group that came to slot
// and returns it normalised, or [Errors] listing every problem. The card's
// ID is left zero for the caller to set ([NewID]).
func (s *Schema) ValidateCard(slot string, f CardForm) (*ContactCard, error) {
	c, err := s.compile()
	if err != nil {
		return nil, err
	}
	v := validator{c: c, ch: ChannelWalkIn, bad: map[Field]bool{}}
	card := &ContactCard{CardSummary: CardSummary{EventID: s.Event}}
	if !c.collects(FieldCardName) && !c.collects(FieldCardPhone) && !c.collects(FieldCardSeat) {
		return nil, Errors{newError("", 0, ReasonChannel)}
	}
	if len(s.Slots) > 0 {
		if id, ok := matchOption(s.Slots, slot); ok {
			card.Slot = id
		}
	} else if d, bad := display(slot); bad == "" && d != "" && len(d) <= 64 {
		card.Slot = d
	}
	if card.Slot == "" {
		v.errs = append(v.errs, &Error{Reason: ReasonSlot, labelJA: "開催日時", labelEN: "slot"})
	}
	if d, ok := v.field(FieldCardName, 0, f.Name); ok {
		card.Name = v.name(FieldCardName, 0, d)
	}
	if _, ok := v.field(FieldCardPhone, 0, f.Phone); ok {
		card.Phone = v.parsed(FieldCardPhone, 0, f.Phone, parsePhone)
	}
	if _, ok := v.field(FieldCardSeat, 0, f.Seat); ok {
		card.Seat = v.parsed(FieldCardSeat, 0, f.Seat, parseSeat)
	}
	if len(v.errs) > 0 {
		return nil, v.errs
	}
	return card, nil
}

// parseSeat normalises a seat number: NFKC, upper case, any dash-like
// character to "-", spaces dropped; then 1-16 of A-Z, 0-9 and "-", with at
// least one letter or digit.
func parseSeat(s string) (string, string, Reason) {
	s = strings.ToUpper(norm.NFKC.String(s))
	var b strings.Builder
	alnum := false
	for _, r := range s {
		switch {
		case r == ' ':
		case isDash(r):
			b.WriteByte('-')
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			alnum = true
			b.WriteRune(r)
		default:
			return "", "", ReasonSeat
		}
	}
	d := b.String()
	if !alnum {
		return "", "", ReasonSeat
	}
	if len(d) > maxSeatLen {
		return "", "", ReasonTooLong
	}
	return d, d, ""
}
