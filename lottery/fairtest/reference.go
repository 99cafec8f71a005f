package fairtest

import (
	"slices"
	"strconv"
	"strings"

	"github.com/kuji-go/kuji/lottery"
)

// This file is a second, deliberately plain implementation of lottery
// SPEC.md sections 6, 7 and 9 (allocation, waitlists, promotion), written
// with maps and loops for readability rather than speed. It never calls
// the engine: given a priority order it computes who holds which seats, so
// exact probabilities computed over orders do not depend on the code under
// test.

// scenarioState is a scenario's input prepared for repeated allocation.
type scenarioState struct {
	sc       Scenario
	entries  []lottery.Entry // in ID order
	index    map[string]int  // entry ID -> position in entries
	slots    []lottery.Slot
	pools    map[string]bool
	maxWins  int
	capacity map[string]int
}

func newScenarioState(sc Scenario) *scenarioState {
	st := &scenarioState{
		sc:       sc,
		entries:  slices.Clone(sc.Input.Entries),
		index:    map[string]int{},
		slots:    slices.Clone(sc.Input.Slots),
		pools:    map[string]bool{},
		maxWins:  max(sc.Input.Config.MaxWins, 1),
		capacity: map[string]int{},
	}
	slices.SortFunc(st.entries, func(a, b lottery.Entry) int { return strings.Compare(a.ID, b.ID) })
	for k, e := range st.entries {
		st.index[e.ID] = k
	}
	for _, s := range st.slots {
		st.capacity[s.ID] = s.Capacity
		for c, n := range s.Reserved {
			if n > 0 {
				st.pools[c] = true
			}
		}
	}
	return st
}

// holding is one group's seats in one slot.
type holding struct {
	entry, slot, pool string
}

// outcomeOf allocates in the given priority order (positions into
// st.entries), applies the scenario's frees and returns the final
// holdings as an Outcome.
func (st *scenarioState) outcomeOf(order []int) Outcome {
	general := map[string]int{}
	reserved := map[[2]string]int{}
	for _, s := range st.slots {
		general[s.ID] = s.Capacity
		for c, n := range s.Reserved {
			if n > 0 {
				reserved[[2]string{s.ID, c}] = n
				general[s.ID] -= n
			}
		}
	}
	count := make([]int, len(st.entries))
	won := make([]map[string]bool, len(st.entries))
	for k := range won {
		won[k] = map[string]bool{}
	}
	var held []holding
	serve := func(k int, pool string) {
		e := st.entries[k]
		for _, p := range e.Prefs {
			if won[k][p] {
				continue
			}
			if pool == "" && general[p] >= e.Size {
				general[p] -= e.Size
			} else if pool != "" && reserved[[2]string{p, pool}] >= e.Size {
				reserved[[2]string{p, pool}] -= e.Size
			} else {
				continue
			}
			won[k][p] = true
			count[k]++
			held = append(held, holding{e.ID, p, pool})
			return
		}
	}
	for range st.maxWins {
		for _, k := range order {
			if c := st.entries[k].Category; st.pools[c] && count[k] < st.maxWins {
				serve(k, c)
			}
		}
	}
	for key, n := range reserved {
		general[key[0]] += n
	}
	for range st.maxWins {
		for _, k := range order {
			if count[k] < st.maxWins {
				serve(k, "")
			}
		}
	}

	// Waitlists (section 7).
	wait := map[string][]int{}
	for _, k := range order {
		if count[k] >= st.maxWins {
			continue
		}
		for _, p := range st.entries[k].Prefs {
			if !won[k][p] {
				wait[p] = append(wait[p], k)
			}
		}
	}

	// Frees and promotions (section 9).
	free := map[string]int{}
	for _, s := range st.slots {
		free[s.ID] = s.Capacity
	}
	for _, h := range held {
		free[h.slot] -= st.entries[st.index[h.entry]].Size
	}
	marked := map[[2]string]bool{}
	for _, f := range st.sc.Frees {
		at := slices.IndexFunc(held, func(h holding) bool { return h.entry == f.Entry && h.slot == f.Slot })
		if at < 0 {
			continue // the entry does not hold that slot in this outcome
		}
		h := held[at]
		held = slices.Delete(held, at, at+1)
		k := st.index[h.entry]
		count[k]--
		take := func(seats int, pool string) (int, bool) {
			for _, x := range wait[h.slot] {
				e := st.entries[x]
				if marked[[2]string{e.ID, h.slot}] || count[x] >= st.maxWins || e.Size > seats {
					continue
				}
				if pool != "" && e.Category != pool {
					continue
				}
				return x, true
			}
			return 0, false
		}
		promote := func(x int, pool string) {
			e := st.entries[x]
			marked[[2]string{e.ID, h.slot}] = true
			count[x]++
			held = append(held, holding{e.ID, h.slot, pool})
		}
		size := st.entries[k].Size
		if h.pool != "" {
			r := size
			for {
				x, ok := take(r, h.pool)
				if !ok {
					break
				}
				r -= st.entries[x].Size
				promote(x, h.pool)
			}
			free[h.slot] += r
		} else {
			free[h.slot] += size
		}
		for {
			x, ok := take(free[h.slot], "")
			if !ok {
				break
			}
			free[h.slot] -= st.entries[x].Size
			promote(x, "")
		}
	}
	return st.outcome(held)
}

// outcome writes holdings canonically: every entry in ID order with the
// slots it holds, sorted.
func (st *scenarioState) outcome(held []holding) Outcome {
	slots := make([][]string, len(st.entries))
	for _, h := range held {
		k := st.index[h.entry]
		slots[k] = append(slots[k], h.slot)
	}
	var b strings.Builder
	for k, e := range st.entries {
		if k > 0 {
			b.WriteByte(';')
		}
		b.WriteString(strconv.Quote(e.ID))
		b.WriteByte('=')
		s := slots[k]
		slices.Sort(s)
		for j, id := range s {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Quote(id))
		}
	}
	return Outcome(b.String())
}
