package applicant

import (
	"encoding/json"
	"testing"

	"github.com/kuji-go/kuji/lottery"
	"github.com/stretchr/testify/require"
)

func TestEntry(t *testing.T) {
	t.Parallel()
	s := LiveSiteSchema()
	a := withIDs(t, s, mustValidate(t, s, ChannelWeb, liveSiteForm()), 17)
	e, err := a.Entry(LotteryRules{Weights: map[ParticipantCategory]int{Resident: 2}, Tiers: map[ParticipantCategory]int{Worker: 1}})
	require.NoError(t, err)
	require.Equal(t, lottery.Entry{ID: "LS-0000174", Size: 3, Prefs: []string{"2021-07-24/1", "2021-07-25/2"},
		Weight: 2, Tier: 0, Category: "resident"}, e)

	// The entry shares no memory with the application.
	e.Prefs[0] = "x"
	require.Equal(t, "2021-07-24/1", a.Preferences[0])

	// The city walk ranks no slots: its course is the one preference.
	cw := CityWalkSchema()
	b := withIDs(t, cw, mustValidate(t, cw, ChannelWeb, cityWalkForm()), 1)
	e, err = b.Entry(cw.Lottery)
	require.NoError(t, err)
	require.Equal(t, []string{"10km"}, e.Prefs)
	require.Equal(t, 1, e.Weight)
	require.Equal(t, "worker", e.Category)

	_, err = Summary{GroupSize: 1}.Entry(LotteryRules{})
	require.Error(t, err, "no receipt number")
}

// TestEntryHoldsNoPersonalValue encodes the entry of an application full of
// canary values and finds none of them.
func TestEntryHoldsNoPersonalValue(t *testing.T) {
	t.Parallel()
	_, a := canaryApplication(t)
	e, err := a.Entry(LotteryRules{})
	require.NoError(t, err)
	b, err := json.Marshal(e)
	require.NoError(t, err)
	assertNoCanary(t, "lottery entry", string(b))
}
