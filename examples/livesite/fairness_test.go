package main

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/lottery"
)

func draw(t *testing.T, slots []lottery.Slot, entries []lottery.Entry) *lottery.Record {
	t.Helper()
	rec, err := lottery.Draw(lottery.Input{Config: lottery.Config{MaxPrefs: 3, MaxGroupSize: 4}, Slots: slots, Entries: entries},
		lottery.SeedMaterial{Sources: []lottery.Source{{Name: "test", Values: []string{"42"}}}})
	require.NoError(t, err)
	return rec
}

// Figures whose values follow from the input whatever the order drawn.
func TestFigures(t *testing.T) {
	t.Parallel()
	t.Run("room for everyone", func(t *testing.T) {
		var entries []lottery.Entry
		for i := range 12 {
			entries = append(entries, lottery.Entry{ID: fmt.Sprintf("E%02d", i), Size: 1 + i%4, Weight: 1,
				Prefs: []string{"A", "B", "C"}[:1+i%3]})
		}
		rec := draw(t, []lottery.Slot{{ID: "A", Capacity: 100}, {ID: "B", Capacity: 100}, {ID: "C", Capacity: 100}}, entries)
		f := figures(rec, map[string]bool{"E00": true, "E01": true})
		require.Equal(t, 12, f.winners)
		require.Equal(t, []int{12, 0, 0}, f.byRank, "everyone got their first choice")
		require.Equal(t, 30, f.seats, "1+2+3+4 people, three times")
		require.Equal(t, 300, f.capacity)
		require.Zero(t, f.fullSlots)
		require.Zero(t, f.strandedSeats)
		require.Equal(t, 2, f.byChannel["postcard"].entries)
		require.Equal(t, 10, f.byChannel["web"].won)
		require.Equal(t, map[int]int{1: 12}, f.weights)
		for size, g := range f.bySize {
			require.Equal(t, 3, g.entries, "size %d", size)
			require.Equal(t, 3, g.won, "size %d", size)
		}
		require.InDelta(t, 0.1, f.demandAll, 1e-9, "30 seats asked of 300")
	})
	t.Run("a seat nobody waiting fits", func(t *testing.T) {
		// Three groups of two for three seats: one wins, one seat is left
		// that neither waiting group can use.
		rec := draw(t, []lottery.Slot{{ID: "A", Capacity: 3}}, []lottery.Entry{
			{ID: "X", Size: 2, Weight: 1, Prefs: []string{"A"}},
			{ID: "Y", Size: 2, Weight: 1, Prefs: []string{"A"}},
			{ID: "Z", Size: 2, Weight: 1, Prefs: []string{"A"}},
		})
		f := figures(rec, nil)
		require.Equal(t, 1, f.winners)
		require.Equal(t, 2, f.seats)
		require.Equal(t, 1, f.strandedSeats)
		require.Zero(t, f.fullSlots)
		require.InDelta(t, 2.0, f.demandAll, 1e-9)
		require.InDelta(t, 2.0, f.demandMin, 1e-9)
		require.Zero(t, z(f.bySize[2], f.entries), "the whole population sits exactly in the middle")
	})
}
