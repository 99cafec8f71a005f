package fairtest

import (
	"fmt"
	"slices"
	"strings"
)

// Report is the probability of winning (holding at least one seat at the
// end) per entry, and its range per tier and per weight: exact for a
// [Distribution], observed for a [Sample].
type Report struct {
	// Runs is the number of draws observed, or 0 for exact values.
	Runs    int
	Entries []EntryStat // in entry ID order
	Tiers   []GroupStat // by tier, ascending
	Weights []GroupStat // by weight, ascending
}

// EntryStat is one entry's chances.
type EntryStat struct {
	ID                 string
	Tier, Weight, Size int
	// Win is the probability of holding at least one seat at the end.
	Win float64
	// Wins is the expected number of slots held at the end.
	Wins float64
}

// GroupStat summarises the win probability of the entries sharing one
// tier or one weight.
type GroupStat struct {
	Value          int // the tier or the weight
	Entries        int
	Min, Max, Mean float64
}

func newReport(st *scenarioState, weights map[Outcome]float64, runs int) *Report {
	r := &Report{Runs: runs, Entries: make([]EntryStat, len(st.entries))}
	for k, e := range st.entries {
		r.Entries[k] = EntryStat{ID: e.ID, Tier: e.Tier, Weight: e.Weight, Size: e.Size}
	}
	for o, p := range weights {
		for k, slots := range o.holdings() {
			if len(slots) > 0 {
				r.Entries[k].Win += p
			}
			r.Entries[k].Wins += p * float64(len(slots))
		}
	}
	r.Tiers = groupBy(r.Entries, func(e EntryStat) int { return e.Tier })
	r.Weights = groupBy(r.Entries, func(e EntryStat) int { return e.Weight })
	return r
}

func groupBy(entries []EntryStat, key func(EntryStat) int) []GroupStat {
	var out []GroupStat
	for _, e := range entries {
		v := key(e)
		i := slices.IndexFunc(out, func(g GroupStat) bool { return g.Value == v })
		if i < 0 {
			out = append(out, GroupStat{Value: v, Min: e.Win, Max: e.Win})
			i = len(out) - 1
		}
		g := &out[i]
		g.Entries++
		g.Min = min(g.Min, e.Win)
		g.Max = max(g.Max, e.Win)
		g.Mean += e.Win
	}
	for i := range out {
		out[i].Mean /= float64(out[i].Entries)
	}
	slices.SortFunc(out, func(a, b GroupStat) int { return a.Value - b.Value })
	return out
}

// Entry returns the named entry's statistics.
func (r *Report) Entry(id string) (EntryStat, bool) {
	i := slices.IndexFunc(r.Entries, func(e EntryStat) bool { return e.ID == id })
	if i < 0 {
		return EntryStat{}, false
	}
	return r.Entries[i], true
}

// String formats the report as a plain-text table.
func (r *Report) String() string {
	var b strings.Builder
	if r.Runs > 0 {
		fmt.Fprintf(&b, "observed over %d draws\n", r.Runs)
	} else {
		b.WriteString("exact\n")
	}
	b.WriteString("entry                 tier weight size   P(win)  E[wins]\n")
	for _, e := range r.Entries {
		fmt.Fprintf(&b, "%-20s %5d %6d %4d %8.4f %8.4f\n", e.ID, e.Tier, e.Weight, e.Size, e.Win, e.Wins)
	}
	for _, t := range []struct {
		name   string
		groups []GroupStat
	}{{"tier", r.Tiers}, {"weight", r.Weights}} {
		fmt.Fprintf(&b, "%-6s entries      min      max     mean\n", t.name)
		for _, g := range t.groups {
			fmt.Fprintf(&b, "%6d %7d %8.4f %8.4f %8.4f\n", g.Value, g.Entries, g.Min, g.Max, g.Mean)
		}
	}
	return b.String()
}
