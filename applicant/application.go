package applicant

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"
)

// Summary is the non-personal part of an application: everything the
// lottery, counts and reports need, kept in the clear in a store's index
// columns. Its receipt number and ID are pseudonyms; nothing in it names,
// locates or reaches a person.
type Summary struct {
	// ID is the application's UUID (version 7, see [NewID]).
	ID uuid.UUID `json:"id"`
	// EventID is the event's ID ([Schema.Event]).
	EventID string `json:"event"`
	// Receipt is the human receipt number (see [ReceiptFormat]).
	Receipt ReceiptNumber `json:"receipt"`
	// Channel is how the application arrived.
	Channel Channel `json:"channel"`
	// Category is the participant category (asked, or derived from the
	// address, see [Eligibility.WardPrefixes]); empty when neither.
	Category ParticipantCategory `json:"category,omitempty"`
	// Course is the chosen course, as listed in [Schema.Courses].
	Course string `json:"course,omitempty"`
	// Preferences are slot IDs from [Schema.Slots], most wanted first.
	Preferences []string `json:"preferences,omitempty"`
	// GroupSize is the number of seats the group needs: the representative
	// and every companion, infants included.
	GroupSize int `json:"group_size"`
	// Result is the lottery outcome; empty before the draw.
	Result Outcome `json:"result,omitempty"`
}

// Application is one application: its [Summary] and the personal data of
// the representative and companions. The personal part is stored only as
// the sealed blobs [Application.PersonalData] produces. Formatting an
// Application with fmt or slog shows the summary and redacts the rest.
type Application struct {
	Summary
	Representative Person
	Companions     []Companion
}

// Size is the number of seats the group needs.
func (a *Application) Size() int { return 1 + len(a.Companions) }

// Person is the representative: everything an event may ask about the
// person applying. Values are display forms (see [Display]); fields the
// event does not collect are empty. Formatting a Person prints no value.
type Person struct {
	Name       string
	NameKana   string
	Address    string
	PostalCode string // 160-8484
	Age        *int
	BirthDate  string // YYYY-MM-DD
	Sex        Sex
	Phone      string // digits joined by "-"
	Email      string
	// Extra holds the event's own fields ([Schema.Custom]).
	Extra map[Field]string
}

// age returns the person's age, given or computed on the reference date.
func (p *Person) age(on time.Time) (int, bool) {
	if p.Age != nil {
		return *p.Age, true
	}
	if p.BirthDate != "" && !on.IsZero() {
		born, err := time.Parse(time.DateOnly, p.BirthDate)
		if err == nil {
			return ageAt(born, on), true
		}
	}
	return 0, false
}

// Companion is one person applying with the representative (同行者).
// Formatting a Companion prints no value.
type Companion struct {
	Name     string
	NameKana string
	// Age is nil when not asked, or left out for an infant.
	Age *int
	// Infant marks a companion who is an infant (乳幼児); they need a
	// seat like anyone else.
	Infant bool
}

// CardSummary is the non-personal part of a walk-in contact card.
type CardSummary struct {
	ID      uuid.UUID `json:"id"`
	EventID string    `json:"event"`
	// Slot is the slot (date and time) the group came to.
	Slot string `json:"slot"`
}

// ContactCard is a walk-in group's contact card (連絡先カード): the
// representative's name, phone number and the group's seat number, kept
// in their own data class and readable only for [PurposeInfectionTracing].
// Formatting a ContactCard prints no personal value.
type ContactCard struct {
	CardSummary
	Name  string
	Phone string
	Seat  string
}

// NewID returns a version 7 UUID (RFC 9562) for time t, its random bits read
// from r (crypto/rand.Reader in production). kuji's domain packages read no
// clock, so the caller passes the time.
func NewID(t time.Time, r io.Reader) (uuid.UUID, error) {
	var u uuid.UUID
	ms := t.UnixMilli()
	if ms < 0 || ms >= 1<<48 {
		return uuid.Nil, errors.New("kuji/applicant: time outside the UUIDv7 range")
	}
	if _, err := io.ReadFull(r, u[6:]); err != nil {
		return uuid.Nil, fmt.Errorf("kuji/applicant: reading random bits: %w", err)
	}
	for i := range 6 {
		u[i] = byte(ms >> (40 - 8*i))
	}
	u[6] = u[6]&0x0f | 0x70
	u[8] = u[8]&0x3f | 0x80
	return u, nil
}
