package applicant

import (
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// allPurposes are the declared purposes of both reference schemas and one
// that neither declares.
var allPurposes = []Purpose{PurposeReception, PurposeInsurance, PurposeNotification, PurposeCheckIn,
	PurposeStatistics, PurposeLottery, PurposeInfectionTracing, PurposeReturnToWard, "marketing"}

// read reads field f through v with the accessor its kind needs.
func read(v *View, f Field) ([]string, error) {
	if fi, _ := Lookup(f); fi.Repeated {
		return v.List(f)
	}
	s, err := v.Text(f)
	return []string{s}, err
}

// TestViewEveryPurposeAndField walks every (purpose × field) of both
// reference schemas, for an application and a contact card: a field is
// handed out exactly when the schema's rule for it lists the purpose and it
// belongs to that kind of record; every other read is ErrNotPermitted.
func TestViewEveryPurposeAndField(t *testing.T) {
	t.Parallel()
	card := &ContactCard{Name: "田中 次郎", Phone: "080-1111-2222", Seat: "B-12"}
	for _, s := range []*Schema{CityWalkSchema(), LiveSiteSchema()} {
		var a *Application
		if s.Event == "citywalk" {
			a = mustValidate(t, s, ChannelWeb, cityWalkForm())
		} else {
			a = mustValidate(t, s, ChannelWeb, liveSiteForm())
			a.Result = Won
		}
		rules := map[Field]FieldRule{}
		for _, r := range s.Fields {
			rules[r.Field] = r
		}
		declared := func(p Purpose) bool {
			return slices.ContainsFunc(s.Purposes, func(ps PurposeSpec) bool { return ps.Purpose == p })
		}
		for _, p := range allPurposes {
			for _, onCard := range []bool{false, true} {
				var v *View
				var err error
				if onCard {
					v, err = s.CardView(p, card)
				} else {
					v, err = s.View(p, a)
				}
				if !declared(p) {
					require.ErrorIs(t, err, ErrNotPermitted, "%s %s", s.Event, p)
					continue
				}
				require.NoError(t, err)
				for _, fi := range Catalogue() {
					r, collected := rules[fi.Field]
					want := collected && slices.Contains(r.Purposes, p) && fi.OnCard == onCard
					got, err := read(v, fi.Field)
					require.Equal(t, want, v.Permits(fi.Field), "%s %s %s card=%v", s.Event, p, fi.Field, onCard)
					if !want {
						require.ErrorIs(t, err, ErrNotPermitted, "%s %s %s card=%v", s.Event, p, fi.Field, onCard)
						var e *Error
						require.ErrorAs(t, err, &e)
						require.Equal(t, fi.Field, e.Field)
						continue
					}
					require.NoError(t, err, "%s %s %s", s.Event, p, fi.Field)
					require.Equal(t, expectedValue(a, card, fi.Field), got, "%s %s %s", s.Event, p, fi.Field)
				}
			}
		}
	}
}

// expectedValue is what a view must hand out for field f, read straight
// from the records.
func expectedValue(a *Application, c *ContactCard, f Field) []string {
	p := a.Representative
	switch f {
	case FieldName:
		return []string{p.Name}
	case FieldAddress:
		return []string{p.Address}
	case FieldPostalCode:
		return []string{p.PostalCode}
	case FieldAge:
		return []string{map[bool]string{true: itoa(p.Age)}[p.Age != nil]}
	case FieldSex:
		return []string{string(p.Sex)}
	case FieldPhone:
		return []string{p.Phone}
	case FieldEmail:
		return []string{p.Email}
	case FieldParticipantCategory:
		return []string{string(a.Category)}
	case FieldCourse:
		return []string{a.Course}
	case FieldPreferences:
		return a.Preferences
	case FieldGroupSize:
		return []string{itoa(&a.GroupSize)}
	case FieldLotteryResult:
		return []string{string(a.Result)}
	case FieldCompanionName:
		out := []string{}
		for _, cp := range a.Companions {
			out = append(out, cp.Name)
		}
		return out
	case FieldCompanionAge:
		out := []string{}
		for _, cp := range a.Companions {
			out = append(out, map[bool]string{true: itoa(cp.Age)}[cp.Age != nil])
		}
		return out
	case FieldCompanionInfant:
		out := []string{}
		for _, cp := range a.Companions {
			out = append(out, map[bool]string{true: "true", false: "false"}[cp.Infant])
		}
		return out
	case FieldCardName:
		return []string{c.Name}
	case FieldCardPhone:
		return []string{c.Phone}
	case FieldCardSeat:
		return []string{c.Seat}
	}
	panic("no expectation for " + string(f))
}

func itoa(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

// TestViewPrivacyProperties states, independently of the schemas' tables,
// what the design promises each purpose sees.
func TestViewPrivacyProperties(t *testing.T) {
	t.Parallel()
	for _, s := range []*Schema{CityWalkSchema(), LiveSiteSchema()} {
		a := &Application{}
		for _, ps := range s.Purposes {
			v, err := s.View(ps.Purpose, a)
			require.NoError(t, err)
			cv, err := s.CardView(ps.Purpose, &ContactCard{})
			require.NoError(t, err)
			for _, f := range v.Fields() {
				fi, _ := Lookup(f)
				switch ps.Purpose {
				case PurposeLottery:
					require.False(t, fi.Sealed, "the lottery sees no personal field: %s", f)
				case PurposeStatistics:
					require.False(t, fi.Identifying, "statistics see no identifying field: %s", f)
				case PurposeInfectionTracing:
					t.Fatalf("infection tracing reads no application field: %s", f)
				}
			}
			if ps.Purpose == PurposeInfectionTracing {
				require.Equal(t, []Field{FieldCardName, FieldCardPhone, FieldCardSeat}, cv.Fields())
			} else {
				require.Empty(t, cv.Fields(), "contact cards are readable only for infection tracing (%s)", ps.Purpose)
			}
		}
	}
	v, err := CityWalkSchema().View(PurposeInsurance, &Application{})
	require.NoError(t, err)
	require.ElementsMatch(t, []Field{FieldName, FieldAddress, FieldAge, FieldSex}, v.Fields(),
		"the insurer's purpose gets what enrolment needs and no contact detail")
}

func TestViewWrongAccessor(t *testing.T) {
	t.Parallel()
	s := LiveSiteSchema()
	v, err := s.View(PurposeReception, &Application{})
	require.NoError(t, err)
	_, err = v.Text(FieldCompanionName)
	require.ErrorAs(t, err, new(*Error))
	require.NotErrorIs(t, err, ErrNotPermitted)
	_, err = v.List(FieldName)
	require.NotErrorIs(t, err, ErrNotPermitted)
	require.Equal(t, PurposeReception, v.Purpose())
}
