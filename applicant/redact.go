package applicant

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
)

// Every type that holds personal values formats itself without them, for
// every fmt verb (%v %+v %#v %s %q %x ...), implements slog.LogValuer the
// same way, and marshals to JSON as the same redacted form (so a slog JSON
// handler given a slice of them, or a struct holding one, leaks nothing).
// Only pseudonymous parts (IDs, receipt numbers, channel, sizes) are shown.
// Personal values leave only through [Application.PersonalData] and purpose
// views.

const redacted = "redacted"

func redactedJSON(s string) ([]byte, error) { return json.Marshal(s) }

// MarshalJSON encodes the summary and redacts the personal part; use
// [Application.PersonalData] to encode personal values.
func (a Application) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Summary
		Personal string `json:"personal"`
	}{a.Summary, redacted})
}

// MarshalJSON encodes no personal value.
func (Person) MarshalJSON() ([]byte, error) { return redactedJSON(redacted) }

// MarshalJSON encodes no personal value.
func (Companion) MarshalJSON() ([]byte, error) { return redactedJSON(redacted) }

// MarshalJSON encodes the card's summary and redacts the personal part.
func (c ContactCard) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		CardSummary
		Personal string `json:"personal"`
	}{c.CardSummary, redacted})
}

// MarshalJSON encodes no personal value.
func (Form) MarshalJSON() ([]byte, error) { return redactedJSON(redacted) }

// MarshalJSON encodes no personal value.
func (PersonForm) MarshalJSON() ([]byte, error) { return redactedJSON(redacted) }

// MarshalJSON encodes no personal value.
func (CompanionForm) MarshalJSON() ([]byte, error) { return redactedJSON(redacted) }

// MarshalJSON encodes no personal value.
func (CardForm) MarshalJSON() ([]byte, error) { return redactedJSON(redacted) }

// MarshalJSON encodes only the length.
func (p Plaintext) MarshalJSON() ([]byte, error) {
	return redactedJSON(redacted + ", " + strconv.Itoa(len(p)) + " bytes")
}

// MarshalJSON encodes the purpose and no personal value.
func (v *View) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"purpose": string(v.purpose), "personal": redacted})
}

// Format prints the application's summary and redacts the personal part.
func (a Application) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "applicant.Application{ID:%s Event:%s Receipt:%s Channel:%s GroupSize:%d personal:%s}",
		a.ID, a.EventID, a.Receipt, a.Channel, a.GroupSize, redacted)
}

// LogValue logs the application's summary and redacts the personal part.
func (a Application) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("id", a.ID.String()),
		slog.String("event", a.EventID),
		slog.String("receipt", string(a.Receipt)),
		slog.String("channel", string(a.Channel)),
		slog.Int("group_size", a.GroupSize),
		slog.String("personal", redacted),
	)
}

// Format prints no personal value.
func (Person) Format(f fmt.State, _ rune) { fmt.Fprint(f, "applicant.Person{"+redacted+"}") }

// LogValue logs no personal value.
func (Person) LogValue() slog.Value { return slog.StringValue(redacted) }

// Format prints no personal value.
func (Companion) Format(f fmt.State, _ rune) { fmt.Fprint(f, "applicant.Companion{"+redacted+"}") }

// LogValue logs no personal value.
func (Companion) LogValue() slog.Value { return slog.StringValue(redacted) }

// Format prints the card's summary and redacts the personal part.
func (c ContactCard) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "applicant.ContactCard{ID:%s Event:%s Slot:%s personal:%s}", c.ID, c.EventID, c.Slot, redacted)
}

// LogValue logs the card's summary and redacts the personal part.
func (c ContactCard) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("id", c.ID.String()),
		slog.String("event", c.EventID),
		slog.String("slot", c.Slot),
		slog.String("personal", redacted),
	)
}

// Format prints no personal value.
func (Form) Format(f fmt.State, _ rune) { fmt.Fprint(f, "applicant.Form{"+redacted+"}") }

// LogValue logs no personal value.
func (Form) LogValue() slog.Value { return slog.StringValue(redacted) }

// Format prints no personal value.
func (PersonForm) Format(f fmt.State, _ rune) { fmt.Fprint(f, "applicant.PersonForm{"+redacted+"}") }

// LogValue logs no personal value.
func (PersonForm) LogValue() slog.Value { return slog.StringValue(redacted) }

// Format prints no personal value.
func (CompanionForm) Format(f fmt.State, _ rune) {
	fmt.Fprint(f, "applicant.CompanionForm{"+redacted+"}")
}

// LogValue logs no personal value.
func (CompanionForm) LogValue() slog.Value { return slog.StringValue(redacted) }

// Format prints no personal value.
func (CardForm) Format(f fmt.State, _ rune) { fmt.Fprint(f, "applicant.CardForm{"+redacted+"}") }

// LogValue logs no personal value.
func (CardForm) LogValue() slog.Value { return slog.StringValue(redacted) }

// Format prints only the length.
func (p Plaintext) Format(f fmt.State, _ rune) {
	fmt.Fprint(f, "applicant.Plaintext{"+redacted+", "+strconv.Itoa(len(p))+" bytes}")
}

// LogValue logs only the length.
func (p Plaintext) LogValue() slog.Value {
	return slog.StringValue(redacted + ", " + strconv.Itoa(len(p)) + " bytes")
}

// Format prints the purpose and no personal value.
func (v *View) Format(f fmt.State, _ rune) {
	fmt.Fprint(f, "applicant.View{purpose:"+string(v.purpose)+" "+redacted+"}")
}

// LogValue logs the purpose and no personal value.
func (v *View) LogValue() slog.Value {
	return slog.GroupValue(slog.String("purpose", string(v.purpose)), slog.String("personal", redacted))
}
