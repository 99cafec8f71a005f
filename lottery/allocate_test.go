package lottery_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/lottery"
)

// These tests fix the priority order with tiers (entry k gets tier k), so
// the expected allocation can be worked out by hand from SPEC.md sections
// 6 and 7.

func inOrder(entries ...lottery.Entry) []lottery.Entry {
	for k := range entries {
		entries[k].Tier = k
		if entries[k].Weight == 0 {
			entries[k].Weight = 1
		}
	}
	return entries
}

func e(id string, size int, category string, prefs ...string) lottery.Entry {
	return lottery.Entry{ID: id, Size: size, Category: category, Prefs: prefs}
}

var seedForTests = lottery.SeedMaterial{Sources: []lottery.Source{{Name: "test", Values: []string{"7"}}}}

func draw(t *testing.T, in lottery.Input) *lottery.Record {
	t.Helper()
	r, err := lottery.Draw(in, seedForTests)
	require.NoError(t, err)
	require.NoError(t, lottery.Verify(r))
	return r
}

func waitlists(r *lottery.Record) map[string][]string {
	out := map[string][]string{}
	for _, w := range r.Waitlists {
		out[w.Slot] = w.Entries
	}
	return out
}

func TestAllocation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   lottery.Input
		wins []lottery.Win
		wait map[string][]string
	}{
		{
			name: "groups are never split; an entry that fits nowhere is skipped",
			in: lottery.Input{
				Config: lottery.Config{MaxPrefs: 1, MaxGroupSize: 6},
				Slots:  []lottery.Slot{{ID: "A", Capacity: 5}},
				Entries: inOrder(e("g6", 6, "", "A"), e("g4", 4, "", "A"),
					e("g3", 3, "", "A"), e("g1", 1, "", "A")),
			},
			// g6 never fits; g4 leaves 1 seat, too few for g3, enough for g1.
			wins: []lottery.Win{{Entry: "g4", Slot: "A", Round: 1}, {Entry: "g1", Slot: "A", Round: 1}},
			wait: map[string][]string{"A": {"g6", "g3"}},
		},
		{
			name: "highest-ranked preference with room",
			in: lottery.Input{
				Config: lottery.Config{MaxPrefs: 2, MaxGroupSize: 2},
				Slots:  []lottery.Slot{{ID: "A", Capacity: 2}, {ID: "B", Capacity: 2}},
				Entries: inOrder(e("e1", 2, "", "A", "B"), e("e2", 2, "", "A", "B"),
					e("e3", 1, "", "A", "B")),
			},
			// e2 is at its win limit after B, so it waits nowhere.
			wins: []lottery.Win{{Entry: "e1", Slot: "A", Round: 1}, {Entry: "e2", Slot: "B", Round: 1}},
			wait: map[string][]string{"A": {"e3"}, "B": {"e3"}},
		},
		{
			name: "reserved seats first, then all remaining seats",
			in: lottery.Input{
				Config: lottery.Config{MaxPrefs: 1, MaxGroupSize: 2},
				Slots:  []lottery.Slot{{ID: "A", Capacity: 4, Reserved: map[string]int{"resident": 2}}},
				Entries: inOrder(e("n1", 2, "", "A"), e("r1", 1, "resident", "A"),
					e("n2", 2, "", "A"), e("r2", 2, "resident", "A")),
			},
			// Reserved round: r1 takes 1 of 2 reserved seats; r2 needs 2.
			// Release: 2 general + 1 reserved left = 3. General round: n1
			// takes 2; n2 and r2 need 2 of the 1 left.
			wins: []lottery.Win{{Entry: "r1", Slot: "A", Pool: "resident", Round: 1}, {Entry: "n1", Slot: "A", Round: 1}},
			wait: map[string][]string{"A": {"n2", "r2"}},
		},
		{
			name: "categories without reserved seats compete for general seats only",
			in: lottery.Input{
				Config: lottery.Config{MaxPrefs: 1, MaxGroupSize: 1},
				Slots:  []lottery.Slot{{ID: "A", Capacity: 2, Reserved: map[string]int{"resident": 1, "unused": 0}}},
				Entries: inOrder(e("w1", 1, "worker", "A"), e("w2", 1, "unused", "A"),
					e("r1", 1, "resident", "A")),
			},
			wins: []lottery.Win{{Entry: "r1", Slot: "A", Pool: "resident", Round: 1}, {Entry: "w1", Slot: "A", Round: 1}},
			wait: map[string][]string{"A": {"w2"}},
		},
		{
			name: "max wins 2: a second pass over the same order",
			in: lottery.Input{
				Config: lottery.Config{MaxPrefs: 3, MaxGroupSize: 1, MaxWins: 2},
				Slots:  []lottery.Slot{{ID: "A", Capacity: 1}, {ID: "B", Capacity: 2}, {ID: "C", Capacity: 1}},
				Entries: inOrder(e("e1", 1, "", "A", "B", "C"), e("e2", 1, "", "A", "B"),
					e("e3", 1, "", "C")),
			},
			// Round 1: e1→A, e2→B, e3→C. Round 2: e1→B (1 seat left), e2
			// finds A full. e1 is at its limit; e2 and e3 still wait.
			wins: []lottery.Win{
				{Entry: "e1", Slot: "A", Round: 1}, {Entry: "e2", Slot: "B", Round: 1},
				{Entry: "e3", Slot: "C", Round: 1}, {Entry: "e1", Slot: "B", Round: 2},
			},
			wait: map[string][]string{"A": {"e2"}},
		},
		{
			name: "max wins 2 with reserved seats: all reserved rounds before the general rounds",
			in: lottery.Input{
				Config: lottery.Config{MaxPrefs: 2, MaxGroupSize: 1, MaxWins: 2},
				Slots: []lottery.Slot{
					{ID: "A", Capacity: 2, Reserved: map[string]int{"resident": 1}},
					{ID: "B", Capacity: 2, Reserved: map[string]int{"resident": 1}},
				},
				Entries: inOrder(e("r1", 1, "resident", "A", "B"), e("n1", 1, "", "A", "B"),
					e("r2", 1, "resident", "A", "B")),
			},
			// Reserved round 1: r1→A, r2→B (A's reserved seat is gone).
			// Reserved round 2: nothing left. General round 1: r1→B, n1→A.
			// General round 2: n1 finds B full; r2 finds A full.
			wins: []lottery.Win{
				{Entry: "r1", Slot: "A", Pool: "resident", Round: 1}, {Entry: "r2", Slot: "B", Pool: "resident", Round: 1},
				{Entry: "r1", Slot: "B", Round: 1}, {Entry: "n1", Slot: "A", Round: 1},
			},
			wait: map[string][]string{"A": {"r2"}, "B": {"n1"}},
		},
		{
			name: "empty slot and zero capacity",
			in: lottery.Input{
				Config:  lottery.Config{MaxPrefs: 2, MaxGroupSize: 1},
				Slots:   []lottery.Slot{{ID: "closed", Capacity: 0}, {ID: "open", Capacity: 1}, {ID: "unwanted", Capacity: 5}},
				Entries: inOrder(e("a", 1, "", "closed", "open"), e("b", 1, "", "closed", "open")),
			},
			wins: []lottery.Win{{Entry: "a", Slot: "open", Round: 1}},
			wait: map[string][]string{"closed": {"b"}, "open": {"b"}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := draw(t, tc.in)
			require.Equal(t, tc.wins, r.Wins)
			got := waitlists(r)
			require.Len(t, r.Waitlists, len(tc.in.Slots), "every slot has a waitlist")
			for _, s := range tc.in.Slots {
				require.Equal(t, tc.wait[s.ID], nilIfEmpty(got[s.ID]), "waitlist of %s", s.ID)
			}
		})
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func TestOrderFollowsTiersThenKeys(t *testing.T) {
	t.Parallel()
	in := lottery.Input{Config: lottery.Config{MaxPrefs: 1, MaxGroupSize: 1}, Slots: []lottery.Slot{{ID: "S", Capacity: 1}}}
	for k, id := range []string{"a", "b", "c", "d", "e", "f"} {
		in.Entries = append(in.Entries, lottery.Entry{ID: id, Size: 1, Weight: 1 + k, Tier: 2 - k%3, Prefs: []string{"S"}})
	}
	r := draw(t, in)
	tier := map[string]int{}
	for _, en := range in.Entries {
		tier[en.ID] = en.Tier
	}
	for k := 1; k < len(r.Order); k++ {
		a, b := r.Order[k-1], r.Order[k]
		require.LessOrEqual(t, tier[a.Entry], tier[b.Entry])
		if tier[a.Entry] == tier[b.Entry] {
			require.Negative(t, compareDigest(a.Key, b.Key), "keys ascend within a tier")
		}
	}
}

func compareDigest(a, b lottery.Digest) int {
	for k := range a {
		if a[k] != b[k] {
			return int(a[k]) - int(b[k])
		}
	}
	return 0
}

// naiveAllocation recomputes wins and waitlists from a record's input and
// order with maps and strings, following SPEC.md sections 6 and 7 line
// by line, independently of the engine's packed records.
func naiveAllocation(r *lottery.Record) ([]lottery.Win, map[string][]string) {
	in := r.Input
	w := max(in.Config.MaxWins, 1)
	entries := map[string]lottery.Entry{}
	for _, e := range in.Entries {
		entries[e.ID] = e
	}
	pools := map[string]bool{}
	general := map[string]int{}
	reserved := map[[2]string]int{}
	for _, s := range in.Slots {
		general[s.ID] = s.Capacity
		for c, n := range s.Reserved {
			if n > 0 {
				pools[c] = true
				reserved[[2]string{s.ID, c}] = n
				general[s.ID] -= n
			}
		}
	}
	count := map[string]int{}
	won := map[[2]string]bool{}
	var wins []lottery.Win
	serve := func(e lottery.Entry, round int, pool string) {
		for _, s := range e.Prefs {
			if won[[2]string{e.ID, s}] {
				continue
			}
			free := general[s]
			if pool != "" {
				free = reserved[[2]string{s, pool}]
			}
			if free >= e.Size {
				if pool != "" {
					reserved[[2]string{s, pool}] -= e.Size
				} else {
					general[s] -= e.Size
				}
				won[[2]string{e.ID, s}] = true
				count[e.ID]++
				wins = append(wins, lottery.Win{Entry: e.ID, Slot: s, Pool: pool, Round: round})
				return
			}
		}
	}
	for round := 1; round <= w; round++ {
		for _, o := range r.Order {
			if e := entries[o.Entry]; pools[e.Category] && count[e.ID] < w {
				serve(e, round, e.Category)
			}
		}
	}
	for k, n := range reserved {
		general[k[0]] += n
	}
	for round := 1; round <= w; round++ {
		for _, o := range r.Order {
			if e := entries[o.Entry]; count[e.ID] < w {
				serve(e, round, "")
			}
		}
	}
	wait := map[string][]string{}
	for _, s := range in.Slots {
		wait[s.ID] = []string{}
	}
	for _, o := range r.Order {
		e := entries[o.Entry]
		if count[e.ID] >= w {
			continue
		}
		for _, s := range e.Prefs {
			if !won[[2]string{e.ID, s}] {
				wait[s] = append(wait[s], e.ID)
			}
		}
	}
	return wins, wait
}

// TestAllocationMatchesNaiveReference draws inputs that take every path
// of the engine's packed priority records: entries with up to three
// preferences (held in the record) and more (read from the input-order
// array), more than 65536 slots (no preferences held in records), more
// than 253 reserved categories (looked up), and two wins per entry; and
// checks wins and waitlists against naiveAllocation.
func TestAllocationMatchesNaiveReference(t *testing.T) {
	t.Parallel()
	build := func(seed uint64, nslots, ncats, nentries, maxPrefs, maxWins int) lottery.Input {
		r := rand.New(rand.NewPCG(seed, seed))
		in := lottery.Input{Config: lottery.Config{MaxPrefs: maxPrefs, MaxGroupSize: 4, MaxWins: maxWins}}
		for s := range nslots {
			slot := lottery.Slot{ID: fmt.Sprintf("S%06d", s), Capacity: 2 + r.IntN(6)}
			if ncats > 0 {
				slot.Reserved = map[string]int{fmt.Sprintf("c%03d", s%ncats): 1 + r.IntN(2)}
			}
			in.Slots = append(in.Slots, slot)
		}
		for k := range nentries {
			e := lottery.Entry{ID: fmt.Sprintf("E%06d", k), Size: 1 + r.IntN(4), Weight: 1 + r.IntN(3)}
			for len(e.Prefs) < 1+r.IntN(min(maxPrefs, nslots)) {
				if id := in.Slots[r.IntN(nslots)].ID; !slices.Contains(e.Prefs, id) {
					e.Prefs = append(e.Prefs, id)
				}
			}
			if ncats > 0 && r.IntN(3) > 0 {
				// Most members of a category list a slot reserved for it.
				c := r.IntN(ncats)
				e.Category = fmt.Sprintf("c%03d", c)
				if s := c + ncats*r.IntN(nslots/ncats); r.IntN(4) > 0 && !slices.Contains(e.Prefs, in.Slots[s].ID) {
					e.Prefs[0] = in.Slots[s].ID
				}
			}
			in.Entries = append(in.Entries, e)
		}
		return in
	}
	cases := []struct {
		name string
		in   lottery.Input
	}{
		// Enough preferences that their offsets need more than 16 bits.
		{"up to six preferences", build(1, 40, 3, 25_000, 6, 1)},
		{"two wins per entry", build(2, 30, 2, 2000, 5, 2)},
		{"300 reserved categories", build(3, 400, 300, 4000, 3, 1)},
		{"70000 slots", build(4, 70_000, 2, 6000, 3, 1)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := draw(t, tc.in)
			wins, wait := naiveAllocation(r)
			require.NotEmpty(t, wins)
			require.Equal(t, wins, r.Wins)
			require.Equal(t, wait, waitlists(r))
		})
	}
}
