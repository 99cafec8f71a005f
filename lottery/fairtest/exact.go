package fairtest

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
)

// MaxExactEntries is the largest scenario Exact enumerates: 8! = 40320
// priority orders.
const MaxExactEntries = 8

// ErrTooLarge: the scenario has more entries than Exact enumerates.
var ErrTooLarge = errors.New("kuji/lottery/fairtest: too many entries to enumerate")

// Distribution is the exact probability of every outcome of a scenario.
type Distribution struct {
	st    *scenarioState
	probs map[Outcome]*big.Rat
}

// Exact enumerates every priority order of a scenario with at most
// [MaxExactEntries] entries, with its exact probability under SPEC.md
// section 5.1 — tiers in turn, and within a tier successive sampling
// without replacement in proportion to weight:
//
//	P(e1, ..., en) = Π w(e_i) / (w(e_i) + ... + w(e_n))
//
// computed with math/big rationals. For each order it allocates with this
// package's own reference implementation of the allocation, waitlist and
// promotion rules, never with the engine, so the probabilities are an
// independent statement of what the engine should produce.
func Exact(sc Scenario) (*Distribution, error) {
	if err := sc.Input.Validate(); err != nil {
		return nil, err
	}
	if len(sc.Input.Entries) > MaxExactEntries {
		return nil, fmt.Errorf("%w: %d > %d", ErrTooLarge, len(sc.Input.Entries), MaxExactEntries)
	}
	st := newScenarioState(sc)
	// Entries grouped by tier, tiers ascending.
	var tiers [][]int
	byTier := map[int][]int{}
	var keys []int
	for k, e := range st.entries {
		if _, ok := byTier[e.Tier]; !ok {
			keys = append(keys, e.Tier)
		}
		byTier[e.Tier] = append(byTier[e.Tier], k)
	}
	slices.Sort(keys)
	for _, t := range keys {
		tiers = append(tiers, byTier[t])
	}
	d := &Distribution{st: st, probs: map[Outcome]*big.Rat{}}
	order := make([]int, 0, len(st.entries))
	var walk func(tier int, rest []int, p *big.Rat)
	walk = func(tier int, rest []int, p *big.Rat) {
		if len(rest) == 0 {
			if tier+1 < len(tiers) {
				walk(tier+1, tiers[tier+1], p)
				return
			}
			o := st.outcomeOf(order)
			if q, ok := d.probs[o]; ok {
				q.Add(q, p)
			} else {
				d.probs[o] = new(big.Rat).Set(p)
			}
			return
		}
		total := 0
		for _, k := range rest {
			total += st.entries[k].Weight
		}
		for j, k := range rest {
			next := new(big.Rat).Mul(p, big.NewRat(int64(st.entries[k].Weight), int64(total)))
			others := append(append(make([]int, 0, len(rest)-1), rest[:j]...), rest[j+1:]...)
			order = append(order, k)
			walk(tier, others, next)
			order = order[:len(order)-1]
		}
	}
	if len(tiers) == 0 {
		d.probs[st.outcomeOf(nil)] = big.NewRat(1, 1)
	} else {
		walk(0, tiers[0], big.NewRat(1, 1))
	}
	return d, nil
}

// Outcomes returns every possible outcome with its exact probability. The
// probabilities sum to 1.
func (d *Distribution) Outcomes() map[Outcome]*big.Rat {
	out := make(map[Outcome]*big.Rat, len(d.probs))
	for o, p := range d.probs {
		out[o] = new(big.Rat).Set(p)
	}
	return out
}

// Win returns the exact probability that the entry holds at least one
// seat at the end, or nil if there is no such entry.
func (d *Distribution) Win(entryID string) *big.Rat {
	k, ok := d.st.index[entryID]
	if !ok {
		return nil
	}
	sum := new(big.Rat)
	for o, p := range d.probs {
		if len(o.holdings()[k]) > 0 {
			sum.Add(sum, p)
		}
	}
	return sum
}

// Report returns the win probabilities per entry, tier and weight.
func (d *Distribution) Report() *Report {
	weights := make(map[Outcome]float64, len(d.probs))
	for o, p := range d.probs {
		f, _ := p.Float64()
		weights[o] = f
	}
	return newReport(d.st, weights, 0)
}
