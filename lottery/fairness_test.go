package lottery_test

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/lottery"
	"github.com/kuji-go/kuji/lottery/fairtest"
)

// The fairness tests run the engine many times per scenario and compare
// its outcomes with exact probabilities (fairtest.Compare: χ² over whole
// outcomes and exact binomial tests per entry) or, for a large scenario,
// with the reference simulation. Seeds are fixed; the false-failure rate
// of each check — the chance that a correct engine would fail it with a
// random seed — is fairtest.DefaultAlpha, one in a million.
//
// Where a probability can be worked out by hand, the test also asserts the
// exact value, so the reference implementation is checked too.

const fairRuns = 10000

func entry(id string, size, weight int, prefs ...string) lottery.Entry {
	return lottery.Entry{ID: id, Size: size, Weight: weight, Prefs: prefs}
}

func requireWin(t *testing.T, d *fairtest.Distribution, id string, num, den int64) {
	t.Helper()
	require.Equal(t, big.NewRat(num, den).String(), d.Win(id).String(), "P(%s wins)", id)
}

func TestFairness(t *testing.T) {
	cases := []struct {
		name  string
		sc    fairtest.Scenario
		exact func(t *testing.T, d *fairtest.Distribution)
	}{
		{
			name: "single slot, unequal weights",
			sc: fairtest.Scenario{Input: lottery.Input{
				Config:  lottery.Config{MaxPrefs: 1, MaxGroupSize: 1},
				Slots:   []lottery.Slot{{ID: "S", Capacity: 1}},
				Entries: []lottery.Entry{entry("w1", 1, 1, "S"), entry("w2", 1, 2, "S"), entry("w3", 1, 3, "S")},
			}},
			// One seat: an entry wins with probability weight / total.
			exact: func(t *testing.T, d *fairtest.Distribution) {
				requireWin(t, d, "w1", 1, 6)
				requireWin(t, d, "w2", 2, 6)
				requireWin(t, d, "w3", 3, 6)
			},
		},
		{
			name: "single slot of two, unequal weights",
			sc: fairtest.Scenario{Input: lottery.Input{
				Config:  lottery.Config{MaxPrefs: 1, MaxGroupSize: 1},
				Slots:   []lottery.Slot{{ID: "S", Capacity: 2}},
				Entries: []lottery.Entry{entry("w1", 1, 1, "S"), entry("w2", 1, 2, "S"), entry("w3", 1, 3, "S")},
			}},
			// w1 loses only when last: P = 2/6·3/4 + 3/6·2/3 = 7/12.
			exact: func(t *testing.T, d *fairtest.Distribution) {
				requireWin(t, d, "w1", 5, 12)
			},
		},
		{
			name: "groups that do not fit",
			sc: fairtest.Scenario{Input: lottery.Input{
				Config:  lottery.Config{MaxPrefs: 1, MaxGroupSize: 3},
				Slots:   []lottery.Slot{{ID: "S", Capacity: 3}},
				Entries: []lottery.Entry{entry("big", 3, 1, "S"), entry("a", 1, 1, "S"), entry("b", 1, 1, "S"), entry("c", 1, 1, "S")},
			}},
			// The group of three fits only when it comes first; otherwise it
			// is skipped and the three singles take the seats.
			exact: func(t *testing.T, d *fairtest.Distribution) {
				requireWin(t, d, "big", 1, 4)
				requireWin(t, d, "a", 3, 4)
			},
		},
		{
			name: "two slots, groups and ranked preferences",
			sc: fairtest.Scenario{Input: lottery.Input{
				Config: lottery.Config{MaxPrefs: 2, MaxGroupSize: 4},
				Slots:  []lottery.Slot{{ID: "sat", Capacity: 4}, {ID: "sun", Capacity: 3}},
				Entries: []lottery.Entry{
					entry("family", 4, 1, "sat", "sun"), entry("pair", 2, 2, "sat", "sun"),
					entry("trio", 3, 1, "sun", "sat"), entry("solo", 1, 3, "sun"),
					entry("duo", 2, 1, "sun", "sat"), entry("one", 1, 1, "sat"),
				},
			}},
		},
		{
			name: "reserved seats",
			sc: fairtest.Scenario{Input: lottery.Input{
				Config: lottery.Config{MaxPrefs: 1, MaxGroupSize: 1},
				Slots:  []lottery.Slot{{ID: "S", Capacity: 2, Reserved: map[string]int{"resident": 1}}},
				Entries: []lottery.Entry{
					{ID: "r1", Size: 1, Weight: 1, Prefs: []string{"S"}, Category: "resident"},
					{ID: "r2", Size: 1, Weight: 1, Prefs: []string{"S"}, Category: "resident"},
					entry("n1", 1, 1, "S"), entry("n2", 1, 1, "S"),
				},
			}},
			// The first resident in the order takes the reserved seat (1/2
			// each); the general seat goes to whoever comes first among the
			// other three, which is r1 only when the order starts r2, r1
			// (1/12). The two seats are always taken: n1 gets the rest.
			exact: func(t *testing.T, d *fairtest.Distribution) {
				requireWin(t, d, "r1", 7, 12)
				requireWin(t, d, "n1", 5, 12)
			},
		},
		{
			name: "tiers",
			sc: fairtest.Scenario{Input: lottery.Input{
				Config: lottery.Config{MaxPrefs: 1, MaxGroupSize: 2},
				Slots:  []lottery.Slot{{ID: "S", Capacity: 3}},
				Entries: []lottery.Entry{
					{ID: "t0-a", Size: 1, Weight: 1, Prefs: []string{"S"}},
					{ID: "t0-b", Size: 2, Weight: 1, Prefs: []string{"S"}, Tier: 0},
					{ID: "t1-a", Size: 1, Weight: 5, Prefs: []string{"S"}, Tier: 1},
					{ID: "t1-b", Size: 1, Weight: 1, Prefs: []string{"S"}, Tier: 1},
					{ID: "t2", Size: 1, Weight: 9, Prefs: []string{"S"}, Tier: 2},
				},
			}},
			// Tier 0 fills the slot whatever the weights below.
			exact: func(t *testing.T, d *fairtest.Distribution) {
				requireWin(t, d, "t0-a", 1, 1)
				requireWin(t, d, "t0-b", 1, 1)
				requireWin(t, d, "t1-a", 0, 1)
				requireWin(t, d, "t2", 0, 1)
			},
		},
		{
			name: "max wins above one",
			sc: fairtest.Scenario{Input: lottery.Input{
				Config: lottery.Config{MaxPrefs: 3, MaxGroupSize: 2, MaxWins: 2},
				Slots:  []lottery.Slot{{ID: "d1", Capacity: 2}, {ID: "d2", Capacity: 2}, {ID: "d3", Capacity: 1}},
				Entries: []lottery.Entry{
					entry("a", 1, 1, "d1", "d2", "d3"), entry("b", 2, 2, "d1", "d2"),
					entry("c", 1, 1, "d2", "d3"), entry("d", 1, 3, "d3", "d1"), entry("e", 1, 1, "d1"),
				},
			}},
		},
		{
			name: "promotion",
			sc: fairtest.Scenario{
				Input: lottery.Input{
					Config:  lottery.Config{MaxPrefs: 1, MaxGroupSize: 1},
					Slots:   []lottery.Slot{{ID: "S", Capacity: 1}},
					Entries: []lottery.Entry{entry("a", 1, 1, "S"), entry("b", 1, 1, "S"), entry("c", 1, 1, "S")},
				},
				Frees: []fairtest.Free{{Kind: lottery.EventCancel, Entry: "a", Slot: "S"}},
			},
			// a gives its seat up if it wins; b then holds the seat if it came
			// first, or second after a: 1/3 + 1/3·1/2.
			exact: func(t *testing.T, d *fairtest.Distribution) {
				requireWin(t, d, "a", 0, 1)
				requireWin(t, d, "b", 1, 2)
			},
		},
		{
			name: "promotion into reserved seats",
			sc: fairtest.Scenario{
				Input: lottery.Input{
					Config: lottery.Config{MaxPrefs: 1, MaxGroupSize: 2},
					Slots:  []lottery.Slot{{ID: "S", Capacity: 3, Reserved: map[string]int{"resident": 2}}},
					Entries: []lottery.Entry{
						{ID: "r1", Size: 2, Weight: 1, Prefs: []string{"S"}, Category: "resident"},
						{ID: "r2", Size: 1, Weight: 1, Prefs: []string{"S"}, Category: "resident"},
						{ID: "r3", Size: 2, Weight: 2, Prefs: []string{"S"}, Category: "resident"},
						entry("n1", 1, 1, "S"), entry("n2", 2, 1, "S"),
					},
				},
				Frees: []fairtest.Free{
					{Kind: lottery.EventCancel, Entry: "r1", Slot: "S"},
					{Kind: lottery.EventLapse, Entry: "n1", Slot: "S"},
				},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := fairtest.Exact(tc.sc)
			require.NoError(t, err)
			total := new(big.Rat)
			for _, p := range d.Outcomes() {
				total.Add(total, p)
			}
			require.Equal(t, "1/1", total.String(), "outcome probabilities sum to 1")
			if tc.exact != nil {
				tc.exact(t, d)
			}
			s, err := fairtest.Simulate(tc.sc, fairRuns, "lottery fairness: "+tc.name)
			require.NoError(t, err)
			res := fairtest.Compare(d, s, 0)
			require.NoError(t, res.Err(), "%s", res)
			t.Logf("exact:\n%s\nengine:\n%s", d.Report(), s.Report())
		})
	}
}

// TestFairnessLarge compares the engine with the reference simulation on
// a scenario too large to enumerate: 60 entries in two tiers with weights
// 1..3, groups up to 4, reserved seats and two wins each.
func TestFairnessLarge(t *testing.T) {
	in := lottery.Input{Config: lottery.Config{MaxPrefs: 3, MaxGroupSize: 4, MaxWins: 2}}
	for s := range 4 {
		in.Slots = append(in.Slots, lottery.Slot{ID: fmt.Sprintf("day%d", s), Capacity: 12, Reserved: map[string]int{"resident": 4}})
	}
	for i := range 60 {
		e := lottery.Entry{ID: fmt.Sprintf("L-%03d", i), Size: 1 + i%4, Weight: 1 + i%3, Tier: i % 7 / 6,
			Prefs: []string{fmt.Sprintf("day%d", i%4), fmt.Sprintf("day%d", (i+1)%4), fmt.Sprintf("day%d", (i+3)%4)}}
		if i%2 == 0 {
			e.Category = "resident"
		}
		in.Entries = append(in.Entries, e)
	}
	report := fairtest.Test(t, fairtest.Scenario{Input: in}, &fairtest.Options{Runs: 3000, Seed: "lottery fairness: large"})
	// Heavier tickets win more often among otherwise comparable entries.
	require.Len(t, report.Weights, 3)
	require.Less(t, report.Weights[0].Mean, report.Weights[2].Mean)
	// Tier 1 (every seventh entry) is served after everyone in tier 0.
	require.Len(t, report.Tiers, 2)
	require.Less(t, report.Tiers[1].Mean, report.Tiers[0].Mean)
}
