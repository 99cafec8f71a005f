package applicant

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPersonalDataRoundTrip(t *testing.T) {
	t.Parallel()
	for _, s := range []*Schema{CityWalkSchema(), LiveSiteSchema()} {
		var a *Application
		if s.Event == "citywalk" {
			a = mustValidate(t, s, ChannelWeb, cityWalkForm())
		} else {
			a = mustValidate(t, s, ChannelWeb, liveSiteForm())
		}
		withIDs(t, s, a, 17)
		pd, err := a.PersonalData(s)
		require.NoError(t, err)
		require.Len(t, pd, 1, "the reference schemas seal applications in one class")
		require.Contains(t, pd, ClassApplication)

		again, err := a.PersonalData(s)
		require.NoError(t, err)
		require.Equal(t, pd, again, "the encoding is deterministic")

		blobs := map[DataClass][]byte{}
		for c, p := range pd {
			blobs[c] = p
		}
		back, err := s.Restore(a.Summary, blobs)
		require.NoError(t, err)
		require.Equal(t, a, back)

		// The summary holds no sealed value: summary fields are not in the blob.
		var b blob
		require.NoError(t, json.Unmarshal(pd[ClassApplication], &b))
		for f := range b.Fields {
			fi, _ := Lookup(f)
			require.True(t, fi.Sealed, f)
		}
	}
}

func TestPersonalDataEncoding(t *testing.T) {
	t.Parallel()
	// The canonical encoding, written out from its specification: keys in
	// byte order, ages as numbers, one array element per companion, null for
	// an age not given, empty values left out.
	s := LiveSiteSchema()
	a := &Application{
		Summary:        Summary{GroupSize: 3},
		Representative: Person{Name: "髙橋 一郎", Age: intp(42), Phone: "090-1234-5678"},
		Companions:     []Companion{{Name: "髙橋 花子", Age: intp(40)}, {Name: "タカハシ サクラ", Infant: true}},
	}
	pd, err := a.PersonalData(s)
	require.NoError(t, err)
	want := `{"fields":{"age":42,"companion.age":[40,null],"companion.infant":[false,true],` +
		`"companion.name":["髙橋 花子","タカハシ サクラ"],"name":"髙橋 一郎","phone":"090-1234-5678"},"v":1}`
	require.Equal(t, want, string(pd[ClassApplication]))
}

func TestPersonalDataPerClass(t *testing.T) {
	t.Parallel()
	s := CityWalkSchema()
	for i := range s.Fields {
		if s.Fields[i].Field == FieldEmail {
			s.Fields[i].Class = "online"
		}
	}
	require.NoError(t, s.Check())
	a := withIDs(t, s, mustValidate(t, s, ChannelWeb, cityWalkForm()), 3)
	pd, err := a.PersonalData(s)
	require.NoError(t, err)
	require.Len(t, pd, 2)
	require.Contains(t, string(pd["online"]), "sakura@example.jp")
	require.NotContains(t, string(pd[ClassApplication]), "sakura@example.jp")

	// The email class's key was destroyed: the rest still reads.
	back, err := s.Restore(a.Summary, map[DataClass][]byte{ClassApplication: pd[ClassApplication]})
	require.NoError(t, err)
	require.Empty(t, back.Representative.Email)
	require.Equal(t, a.Representative.Name, back.Representative.Name)

	// A blob under the wrong class is refused.
	_, err = s.Restore(a.Summary, map[DataClass][]byte{ClassApplication: pd["online"]})
	require.Equal(t, []string{"email#0:personal_data"}, []string{string(err.(*Error).Field) + "#0:" + err.(*Error).Code()})
}

func TestPersonalDataRefusesUncollected(t *testing.T) {
	t.Parallel()
	s := CityWalkSchema()
	a := withIDs(t, s, mustValidate(t, s, ChannelWeb, cityWalkForm()), 3)
	a.Representative.BirthDate = "1980-04-01"
	a.Companions = []Companion{{Name: "山田 花子"}}
	_, err := a.PersonalData(s)
	require.Equal(t, []string{"birth_date#0:not_collected", "companion.name#0:not_collected"}, reasons(t, err))
}

func TestRestoreRejectsCorruptBlobs(t *testing.T) {
	t.Parallel()
	s := LiveSiteSchema()
	a := withIDs(t, s, mustValidate(t, s, ChannelWeb, liveSiteForm()), 5)
	for name, blob := range map[string]string{
		"not JSON":           `{"fields":{"name":"SECRET-CANARY"`,
		"wrong version":      `{"fields":{},"v":2}`,
		"unknown member":     `{"fields":{},"v":1,"extra":"SECRET-CANARY"}`,
		"unknown field":      `{"fields":{"religion":"SECRET-CANARY"},"v":1}`,
		"summary field":      `{"fields":{"preferences":["SECRET-CANARY"]},"v":1}`,
		"wrong type":         `{"fields":{"age":"SECRET-CANARY"},"v":1}`,
		"companion mismatch": `{"fields":{"companion.name":["SECRET-CANARY"]},"v":1}`,
		"trailing data":      `{"fields":{},"v":1}{"SECRET-CANARY":1}`,
		"card field":         `{"fields":{"card.seat":"SECRET-CANARY"},"v":1}`,
	} {
		_, err := s.Restore(a.Summary, map[DataClass][]byte{ClassApplication: []byte(blob)})
		require.Error(t, err, name)
		require.ErrorAs(t, err, new(*Error), name)
		require.NotContains(t, err.Error(), "SECRET-CANARY", name)
	}
	_, err := s.Restore(Summary{}, nil)
	require.Error(t, err)
}

func TestContactCardRoundTrip(t *testing.T) {
	t.Parallel()
	s := LiveSiteSchema()
	c, err := s.ValidateCard("2021-07-24/2", CardForm{Name: "田中 次郎", Phone: "080-1111-2222", Seat: "B-12"})
	require.NoError(t, err)
	pd, err := c.PersonalData(s)
	require.NoError(t, err)
	require.Equal(t, []DataClass{ClassContactCard}, keys(pd))
	back, err := s.RestoreCard(c.CardSummary, map[DataClass][]byte{ClassContactCard: pd[ClassContactCard]})
	require.NoError(t, err)
	require.Equal(t, c, back)

	// A card blob never restores as an application, nor the other way.
	_, err = s.Restore(Summary{GroupSize: 1}, map[DataClass][]byte{ClassContactCard: pd[ClassContactCard]})
	require.Error(t, err)
	_, err = c.PersonalData(CityWalkSchema())
	require.Error(t, err, "the city walk collects no contact card")
}

func keys(m map[DataClass]Plaintext) []DataClass {
	var out []DataClass
	for k := range m {
		out = append(out, k)
	}
	return out
}
