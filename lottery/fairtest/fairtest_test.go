package fairtest

import (
	"errors"
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/lottery"
)

func TestChiSquareSurvival(t *testing.T) {
	t.Parallel()
	// Critical values from standard χ² tables.
	for _, tc := range []struct {
		x    float64
		df   int
		want float64
	}{
		{3.841, 1, 0.05}, {6.635, 1, 0.01}, {18.307, 10, 0.05}, {23.209, 10, 0.01},
		{124.342, 100, 0.05}, {0.0158, 1, 0.90}, {2.558, 10, 0.99},
	} {
		require.InDelta(t, tc.want, chiSquareSurvival(tc.x, tc.df), tc.want*2e-3, "x=%v df=%d", tc.x, tc.df)
	}
	require.Equal(t, 1.0, chiSquareSurvival(0, 3))
}

func TestBinomialTwoSided(t *testing.T) {
	t.Parallel()
	// n=10, p=1/2: P(X=0) = 1/1024, two-sided doubles it.
	require.InDelta(t, 2.0/1024, binomialTwoSided(10, 0, 0.5), 1e-12)
	// P(X ≤ 2) = (1+10+45)/1024.
	require.InDelta(t, 2*56.0/1024, binomialTwoSided(10, 2, 0.5), 1e-12)
	require.Equal(t, 1.0, binomialTwoSided(10, 5, 0.5))
	require.Equal(t, 0.0, binomialTwoSided(10, 1, 0))
	require.Equal(t, 1.0, binomialTwoSided(10, 10, 1))
	require.InDelta(t, 0.0455, normalTwoSided(2), 1e-4)
}

func oneSlot(weights ...int) Scenario {
	in := lottery.Input{Config: lottery.Config{MaxPrefs: 1, MaxGroupSize: 1}, Slots: []lottery.Slot{{ID: "S", Capacity: 1}}}
	for k, w := range weights {
		in.Entries = append(in.Entries, lottery.Entry{ID: string(rune('a' + k)), Size: 1, Weight: w, Prefs: []string{"S"}})
	}
	return Scenario{Input: in}
}

func TestExactPlackettLuce(t *testing.T) {
	t.Parallel()
	// Two seats, weights 1, 2, 3, 4: P(a in the first two) = 1 − P(a
	// is among the last two). Worked out by summing the PL probabilities of
	// the 6 orders of {b, c, d} that put a third or fourth.
	sc := oneSlot(1, 2, 3, 4)
	sc.Input.Slots[0].Capacity = 2
	d, err := Exact(sc)
	require.NoError(t, err)
	pl := func(ws ...int64) *big.Rat { // probability that the first len(ws) of the order are these
		total := int64(10)
		p := big.NewRat(1, 1)
		for _, w := range ws {
			p.Mul(p, big.NewRat(w, total))
			total -= w
		}
		return p
	}
	lose := new(big.Rat)
	for _, first2 := range [][2]int64{{2, 3}, {3, 2}, {2, 4}, {4, 2}, {3, 4}, {4, 3}} {
		lose.Add(lose, pl(first2[0], first2[1]))
	}
	win := new(big.Rat).Sub(big.NewRat(1, 1), lose)
	require.Equal(t, win.String(), d.Win("a").String())
	require.Nil(t, d.Win("nobody"))

	r := d.Report()
	require.Equal(t, 0, r.Runs)
	require.Len(t, r.Weights, 4)
	for _, g := range r.Weights {
		require.Equal(t, 1, g.Entries)
		require.Equal(t, g.Min, g.Max)
	}
	require.Contains(t, r.String(), "exact")
}

func TestExactRejects(t *testing.T) {
	t.Parallel()
	_, err := Exact(oneSlot(1, 1, 1, 1, 1, 1, 1, 1, 1))
	require.ErrorIs(t, err, ErrTooLarge)
	bad := oneSlot(1)
	bad.Input.Entries[0].Weight = 0
	_, err = Exact(bad)
	require.ErrorIs(t, err, lottery.ErrInvalidInput)
}

// TestCompareCatchesBias checks the kit's power: samples from a wrong
// lottery must fail. The reference simulation of an input whose weights
// were all reset to 1 is compared with the exact distribution of the
// weighted input.
func TestCompareCatchesBias(t *testing.T) {
	t.Parallel()
	weighted := oneSlot(1, 2, 3, 4)
	d, err := Exact(weighted)
	require.NoError(t, err)
	unweighted := oneSlot(1, 1, 1, 1)
	s, err := SimulateReference(unweighted, 5000, 1)
	require.NoError(t, err)
	res := Compare(d, s, 0)
	require.ErrorIs(t, res.Err(), ErrUnfair)
	require.Greater(t, res.DF, 0)
	require.Less(t, res.ChiSquareP, DefaultAlpha)

	// And the same simulation of the right input passes.
	s, err = SimulateReference(weighted, 5000, 1)
	require.NoError(t, err)
	require.NoError(t, Compare(d, s, 0).Err())
}

// TestCompareCatchesImpossibleOutcome: an outcome the rules exclude fails
// even if it is rare, e.g. a group split or a tier served out of turn.
func TestCompareCatchesImpossibleOutcome(t *testing.T) {
	t.Parallel()
	sc := oneSlot(1, 1)
	sc.Input.Entries[1].Tier = 1
	d, err := Exact(sc)
	require.NoError(t, err)
	require.Equal(t, "1/1", d.Win("a").String())
	wrong := oneSlot(1, 1) // no tiers: b sometimes wins
	s, err := SimulateReference(wrong, 1000, 2)
	require.NoError(t, err)
	res := Compare(d, s, 0)
	require.Error(t, res.Err())
	require.Contains(t, res.Err().Error(), "impossible outcome")
}

func TestCompareSamples(t *testing.T) {
	t.Parallel()
	a, err := SimulateReference(oneSlot(1, 2, 3, 4), 4000, 3)
	require.NoError(t, err)
	b, err := SimulateReference(oneSlot(1, 2, 3, 4), 4000, 4)
	require.NoError(t, err)
	require.NoError(t, CompareSamples(a, b, 0).Err())
	c, err := SimulateReference(oneSlot(4, 3, 2, 1), 4000, 5)
	require.NoError(t, err)
	res := CompareSamples(a, c, 0)
	require.True(t, errors.Is(res.Err(), ErrUnfair), "%s", res)
	require.Contains(t, res.String(), "FAIL")
}

func TestSimulateIsReproducible(t *testing.T) {
	t.Parallel()
	sc := oneSlot(1, 2, 3)
	a, err := Simulate(sc, 200, "same")
	require.NoError(t, err)
	b, err := Simulate(sc, 200, "same")
	require.NoError(t, err)
	require.Equal(t, a.counts, b.counts)
	require.Equal(t, 200, a.Runs())
	c, err := Simulate(sc, 200, "other")
	require.NoError(t, err)
	require.NotEqual(t, a.counts, c.counts)

	r := a.Report()
	sum := 0.0
	for _, e := range r.Entries {
		sum += e.Win
	}
	require.InDelta(t, 1, sum, 1e-9, "exactly one seat is won per draw")
	st, ok := r.Entry("c")
	require.True(t, ok)
	require.Equal(t, 3, st.Weight)
	require.False(t, math.IsNaN(st.Win))
}

func TestTestReportsFailures(t *testing.T) {
	t.Parallel()
	// An input the engine rejects stops the check.
	ft := &fakeT{}
	bad := oneSlot(1)
	bad.Input.Slots[0].Capacity = -1
	func() {
		defer func() { _ = recover() }()
		Test(ft, bad, &Options{Runs: 10})
	}()
	require.True(t, ft.failed)
}

// fakeT records failures instead of failing the real test; Test uses no
// other method of testing.TB.
type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Helper()               {}
func (f *fakeT) Errorf(string, ...any) { f.failed = true }
func (f *fakeT) Fatalf(string, ...any) { f.failed = true; panic("fatal") }
