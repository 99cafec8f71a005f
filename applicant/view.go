package applicant

import (
	"slices"
	"strconv"
	"strings"
)

// View is a purpose view: one record (an application or a contact card)
// seen for one purpose. It hands out exactly the fields the schema allows
// that purpose; asking for any other is an *[Error] matching
// [ErrNotPermitted], which the Office audits. Formatting a View prints no
// value.
type View struct {
	purpose Purpose
	allowed map[Field]bool
	app     *Application
	card    *ContactCard
}

// View returns application a seen for purpose p.
func (s *Schema) View(p Purpose, a *Application) (*View, error) {
	return s.view(p, a, nil)
}

// CardView returns contact card c seen for purpose p.
func (s *Schema) CardView(p Purpose, c *ContactCard) (*View, error) {
	return s.view(p, nil, c)
}

func (s *Schema) view(p Purpose, a *Application, card *ContactCard) (*View, error) {
	c, err := s.compile()
	if err != nil {
		return nil, err
	}
	if _, ok := c.purposes[p]; !ok {
		return nil, &Error{Reason: ReasonUndeclaredPurpose, labelJA: string(p), labelEN: string(p)}
	}
	v := &View{purpose: p, allowed: map[Field]bool{}, app: a, card: card}
	for _, r := range s.Fields {
		if c.infoOf(r.Field).OnCard == (card != nil) && slices.Contains(r.Purposes, p) {
			v.allowed[r.Field] = true
		}
	}
	return v, nil
}

// Purpose returns the view's purpose.
func (v *View) Purpose() Purpose { return v.purpose }

// Fields returns the fields the view hands out, sorted.
func (v *View) Fields() []Field {
	out := make([]Field, 0, len(v.allowed))
	for f := range v.allowed {
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}

// Permits reports whether the view hands out field f.
func (v *View) Permits(f Field) bool { return v.allowed[f] }

func (v *View) permit(f Field) error {
	if !v.allowed[f] {
		return newError(f, 0, ReasonNotPermitted)
	}
	return nil
}

func repeated(f Field) bool {
	fi, ok := Lookup(f)
	return ok && fi.Repeated
}

// Text returns the display form of a single-valued field ("" when not
// given). Ages and the group size are decimal; sex, participant category
// and lottery result are their codes.
func (v *View) Text(f Field) (string, error) {
	if err := v.permit(f); err != nil {
		return "", err
	}
	if repeated(f) {
		return "", newError(f, 0, ReasonWrongKind)
	}
	if v.card != nil {
		switch f {
		case FieldCardName:
			return v.card.Name, nil
		case FieldCardPhone:
			return v.card.Phone, nil
		case FieldCardSeat:
			return v.card.Seat, nil
		}
		return "", newError(f, 0, ReasonWrongKind)
	}
	a, p := v.app, &v.app.Representative
	switch f {
	case FieldName:
		return p.Name, nil
	case FieldNameKana:
		return p.NameKana, nil
	case FieldAddress:
		return p.Address, nil
	case FieldPostalCode:
		return p.PostalCode, nil
	case FieldAge:
		if p.Age == nil {
			return "", nil
		}
		return strconv.Itoa(*p.Age), nil
	case FieldBirthDate:
		return p.BirthDate, nil
	case FieldSex:
		return string(p.Sex), nil
	case FieldPhone:
		return p.Phone, nil
	case FieldEmail:
		return p.Email, nil
	case FieldParticipantCategory:
		return string(a.Category), nil
	case FieldCourse:
		return a.Course, nil
	case FieldGroupSize:
		return strconv.Itoa(a.Size()), nil
	case FieldLotteryResult:
		return string(a.Result), nil
	}
	if strings.HasPrefix(string(f), "x.") {
		return p.Extra[f], nil
	}
	return "", newError(f, 0, ReasonWrongKind)
}

// List returns the values of a repeated field: the preferences in rank
// order, or one value per companion (a companion's age is "" when not
// given; infant is "true" or "false").
func (v *View) List(f Field) ([]string, error) {
	if err := v.permit(f); err != nil {
		return nil, err
	}
	if !repeated(f) || v.app == nil {
		return nil, newError(f, 0, ReasonWrongKind)
	}
	a := v.app
	if f == FieldPreferences {
		return slices.Clone(a.Preferences), nil
	}
	out := make([]string, len(a.Companions))
	for i, cp := range a.Companions {
		switch f {
		case FieldCompanionName:
			out[i] = cp.Name
		case FieldCompanionNameKana:
			out[i] = cp.NameKana
		case FieldCompanionAge:
			if cp.Age != nil {
				out[i] = strconv.Itoa(*cp.Age)
			}
		case FieldCompanionInfant:
			out[i] = strconv.FormatBool(cp.Infant)
		}
	}
	return out, nil
}
