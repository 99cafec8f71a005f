package applicant

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"
)

// Canary values: each is a valid value for its field, and none occurs in
// any fixed text of the package.
const (
	canaryName    = "鳳凰院 凶真"
	canaryKana    = "ホウオウイン キョウマ"
	canaryAddress = "東京都新宿区カナリア町9-9-9"
	canaryPostal  = "169-0099"
	canaryPhone   = "090-9876-5432"
	canaryEmail   = "canary.@docomo.ne.jp"
	canaryComp    = "椎名 まゆり"
	canarySeat    = "Z-977"
)

var canaries = []string{"鳳凰院", "凶真", "ホウオウイン", "カナリア", "169-0099", "1690099", "9876", "canary", "椎名", "まゆり", "Z-977", "Z977"}

func canaryApplication(t *testing.T) (*Schema, *Application) {
	t.Helper()
	s := LiveSiteSchema()
	s.Fields = append(s.Fields, FieldRule{Field: FieldNameKana, Class: ClassApplication, Purposes: []Purpose{PurposeReception}})
	a := mustValidate(t, s, ChannelWeb, Form{
		Preferences: []string{"2021-07-24/1"},
		Representative: PersonForm{Name: canaryName, NameKana: canaryKana, Address: canaryAddress,
			PostalCode: canaryPostal, Age: "41", Phone: canaryPhone, Email: canaryEmail},
		Companions: []CompanionForm{{Name: canaryComp, Age: "19"}},
	})
	return s, withIDs(t, s, a, 42)
}

func assertNoCanary(t *testing.T, what, out string) {
	t.Helper()
	for _, c := range canaries {
		require.NotContains(t, out, c, "%s leaks a personal value", what)
	}
}

func TestNoPersonalValueInFormatting(t *testing.T) {
	t.Parallel()
	s, a := canaryApplication(t)
	card := &ContactCard{Name: canaryName, Phone: canaryPhone, Seat: canarySeat}
	pd, err := a.PersonalData(s)
	require.NoError(t, err)
	view, err := s.View(PurposeReturnToWard, a)
	require.NoError(t, err)
	form := Form{Representative: PersonForm{Name: canaryName, Phone: canaryPhone}, Companions: []CompanionForm{{Name: canaryComp}}}

	values := map[string]any{
		"Application":    *a,
		"*Application":   a,
		"Person":         a.Representative,
		"*Person":        &a.Representative,
		"Companion":      a.Companions[0],
		"[]Companion":    a.Companions,
		"ContactCard":    *card,
		"*ContactCard":   card,
		"Form":           form,
		"*Form":          &form,
		"PersonForm":     form.Representative,
		"CompanionForm":  form.Companions[0],
		"CardForm":       CardForm{Name: canaryName, Phone: canaryPhone, Seat: canarySeat},
		"Plaintext":      pd[ClassApplication],
		"map of classes": pd,
		"View":           view,
		"nested struct":  struct{ A *Application }{a},
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			assertNoCanary(t, name+" "+verb, fmt.Sprintf(verb, v))
		}
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("m", "v", v)
		slog.New(slog.NewTextHandler(&buf, nil)).Info("m", "v", v)
		assertNoCanary(t, name+" slog", buf.String())
	}
	require.Contains(t, fmt.Sprint(a), string(a.Receipt), "the receipt number is a pseudonym and is shown")
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("m", "app", a)
	require.Contains(t, buf.String(), `"receipt":"`+string(a.Receipt)+`"`)
}

func TestNoPersonalValueInErrors(t *testing.T) {
	t.Parallel()
	s := LiveSiteSchema()
	// Invalid values built from canaries: every one is refused, and no
	// error text carries them.
	_, err := s.Validate(ChannelPostcard, Form{
		Category:    "鳳凰院",
		Preferences: []string{"鳳凰院", "9876"},
		Representative: PersonForm{Name: canaryName + "9876", Address: "中野区カナリア町", PostalCode: "169-00999",
			Age: "凶真", Phone: "090-9876-54321", Email: canaryEmail, Sex: "カナリア"},
		Companions: []CompanionForm{{Name: canaryComp, Age: "canary", Infant: "まゆり"}},
		Extra:      map[Field]string{"x.unknown": canaryName},
	})
	require.Error(t, err)
	var es Errors
	require.ErrorAs(t, err, &es)
	require.GreaterOrEqual(t, len(es), 8)
	for _, e := range es {
		assertNoCanary(t, "error", e.Error()+e.Japanese()+e.English())
	}
	assertNoCanary(t, "errors", err.Error())
	assertNoCanary(t, "errors %+v", fmt.Sprintf("%+v %#v", err, err))
	for _, e := range es {
		// Unwrapping walks to each problem without values either.
		assertNoCanary(t, "unwrap", errors.Unwrap(fmt.Errorf("w: %w", e)).Error())
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Error("rejected", "err", err)
	assertNoCanary(t, "slog error", buf.String())

	_, err = s.ValidateCard("2021-07-24/1", CardForm{Name: canaryName + "1", Phone: "9876", Seat: "鳳凰院"})
	require.Error(t, err)
	assertNoCanary(t, "card error", err.Error())
	_, err = s.SearchKey(KindPhone, "9876-canary", secret)
	require.Error(t, err)
	assertNoCanary(t, "search error", err.Error())
}
