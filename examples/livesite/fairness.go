package main

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/kuji-go/kuji/examples/internal/demo"
	"github.com/kuji-go/kuji/lottery"
)

// share counts entries of one kind and their winners, and sums their
// positions in the priority order (0 first, 1 last).
type share struct {
	entries, won int
	position     float64
}

func (g *share) add(won bool, position float64) {
	g.entries++
	g.position += position
	if won {
		g.won++
	}
}

// fairnessFigures are what an auditor can recompute from the published
// draw record alone (plus which receipts came by postcard).
type fairnessFigures struct {
	entries             int
	weights, tiers      map[int]int // tickets or tier -> entries
	bySize, byPrefs     map[int]*share
	byChannel           map[string]*share
	byRank              []int // winners by the rank of the preference they got
	winners             int
	seats, capacity     int
	slots, fullSlots    int
	strandedSeats       int     // seats left in slots whose waiting groups are all too big for them
	demandMin, demandMx float64 // first-choice seats asked / capacity, per slot
	demandAll           float64
}

func figures(rec *lottery.Record, postcard map[string]bool) fairnessFigures {
	in := rec.Input
	f := fairnessFigures{entries: len(rec.Order), weights: map[int]int{}, tiers: map[int]int{},
		bySize: map[int]*share{}, byPrefs: map[int]*share{}, byChannel: map[string]*share{},
		byRank: make([]int, in.Config.MaxPrefs), slots: len(in.Slots), demandMin: math.Inf(1)}
	position := make(map[string]float64, len(rec.Order))
	for i, r := range rec.Order {
		position[r.Entry] = float64(i) / float64(max(len(rec.Order)-1, 1))
	}
	won := map[string]string{} // entry -> slot
	for _, w := range rec.Wins {
		won[w.Entry] = w.Slot
	}
	capacity := map[string]int{}
	for _, sl := range in.Slots {
		capacity[sl.ID] = sl.Capacity
		f.capacity += sl.Capacity
	}
	used, asked := map[string]int{}, map[string]int{}
	group := func(m map[int]*share, k int) *share {
		if m[k] == nil {
			m[k] = &share{}
		}
		return m[k]
	}
	size := map[string]int{}
	for _, e := range in.Entries {
		size[e.ID] = e.Size
		f.weights[e.Weight]++
		f.tiers[e.Tier]++
		slot, ok := won[e.ID]
		p := position[e.ID]
		group(f.bySize, e.Size).add(ok, p)
		group(f.byPrefs, len(e.Prefs)).add(ok, p)
		channel := "web"
		if postcard[e.ID] {
			channel = "postcard"
		}
		if f.byChannel[channel] == nil {
			f.byChannel[channel] = &share{}
		}
		f.byChannel[channel].add(ok, p)
		asked[e.Prefs[0]] += e.Size
		if ok {
			f.winners++
			f.seats += e.Size
			used[slot] += e.Size
			f.byRank[slices.Index(e.Prefs, slot)]++
		}
	}
	for _, wl := range rec.Waitlists {
		left := capacity[wl.Slot] - used[wl.Slot]
		if left > 0 && len(wl.Entries) > 0 {
			f.strandedSeats += left // the draw served everyone in order: nobody waiting fits
		}
	}
	for id, c := range capacity {
		if used[id] == c {
			f.fullSlots++
		}
		d := float64(asked[id]) / float64(c)
		f.demandMin, f.demandMx = min(f.demandMin, d), max(f.demandMx, d)
	}
	total := 0
	for _, n := range asked {
		total += n
	}
	f.demandAll = float64(total) / float64(f.capacity)
	return f
}

// fairness is step 4: figures an auditor would look at, from the
// published draw record.
func (s *site) fairness(context.Context) error {
	s.step("4. Fairness figures (recomputable from draw-record.json)")
	f := figures(s.record, s.postcards)
	if len(f.weights) == 1 && len(f.tiers) == 1 {
		tickets := "tickets"
		if first(f.weights) == 1 {
			tickets = "ticket"
		}
		s.printf("all %s entries hold %d %s in tier %d: the priority order is one uniformly random",
			demo.N(f.entries), first(f.weights), tickets, first(f.tiers))
		s.printf("permutation, so every entry had the same chance (1 in %s) of each place in it", demo.N(f.entries))
	} else {
		s.printf("tickets: %v entries by weight; tiers: %v entries by tier", f.weights, f.tiers)
	}
	s.printf("place in the order and win rate by group size (the order ignores size: expect 50%%, |z| < 3;")
	s.printf("a |z| ≥ 3 in one of these rows happens by chance about once in 370 per row):")
	s.printf("  %-10s %8s %10s %6s %8s %9s", "size", "entries", "mean place", "z", "won", "win rate")
	for _, k := range slices.Sorted(maps.Keys(f.bySize)) {
		g := f.bySize[k]
		s.printf("  %-10s %8s %9.1f%% %+6.1f %8s %9s", fmt.Sprintf("%d people", k), demo.N(g.entries),
			100*g.position/float64(g.entries), z(g, f.entries), demo.N(g.won), demo.Pct(g.won, g.entries))
	}
	s.printf("  the order treats every size alike; win rates can still differ by size, since groups are")
	s.printf("  never split: a group of 4 needs 4 seats together in one of the slots it ranked")
	s.printf("win rate by number of preferences:")
	for _, k := range slices.Sorted(maps.Keys(f.byPrefs)) {
		g := f.byPrefs[k]
		s.printf("  %-10s %8s entries %8s won %9s", fmt.Sprintf("%d ranked", k), demo.N(g.entries), demo.N(g.won), demo.Pct(g.won, g.entries))
	}
	s.printf("win rate by channel:")
	for _, k := range []string{"web", "postcard"} {
		if g := f.byChannel[k]; g != nil {
			s.printf("  %-10s %8s entries %8s won %9s  (mean place %.1f%%, z %+.1f)", k, demo.N(g.entries), demo.N(g.won),
				demo.Pct(g.won, g.entries), 100*g.position/float64(g.entries), z(g, f.entries))
		}
	}
	var ranks []string
	for i, n := range f.byRank {
		ranks = append(ranks, fmt.Sprintf("choice %d: %s (%s)", i+1, demo.N(n), demo.Pct(n, f.winners)))
	}
	s.printf("winners got their %s", strings.Join(ranks, ", "))
	s.printf("seats: %s of %s taken (%s); %d of %d slots full", demo.N(f.seats), demo.N(f.capacity),
		demo.Pct(f.seats, f.capacity), f.fullSlots, f.slots)
	s.printf("  %s seats left in slots whose waiting groups are all too big for them", demo.N(f.strandedSeats))
	s.printf("first choices asked %.2f× the seats overall (%.2f× to %.2f× per slot)", f.demandAll, f.demandMin, f.demandMx)
	return nil
}

// z is how many standard errors a group's mean place is from the middle,
// for a group of g.entries drawn without replacement from n places.
func z(g *share, n int) float64 {
	k := float64(g.entries)
	if k == 0 || n < 2 || g.entries == n {
		return 0
	}
	nn := float64(n)
	variance := (nn + 1) / (12 * (nn - 1)) * (nn - k) / ((nn - 1) * k)
	return (g.position/k - 0.5) / math.Sqrt(variance)
}

func first(m map[int]int) int {
	for k := range m {
		return k
	}
	return 0
}
