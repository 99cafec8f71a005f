package fairtest

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"math/rand/v2"

	"github.com/kuji-go/kuji/lottery"
)

// Sample counts the outcomes of many draws of a scenario.
type Sample struct {
	st     *scenarioState
	runs   int
	counts map[Outcome]int
}

// Runs returns the number of draws counted.
func (s *Sample) Runs() int { return s.runs }

// Count returns how many draws ended in the outcome.
func (s *Sample) Count(o Outcome) int { return s.counts[o] }

// Simulate draws the scenario runs times with the real engine
// ([lottery.Draw], then [lottery.Record.Cancel] or [lottery.Record.Lapse]
// for each free), each draw seeded with its own commit-reveal secret
// SHA-256(seed || 0x00 || run), and counts the outcomes. The same seed
// always gives the same sample.
func Simulate(sc Scenario, runs int, seed string) (*Sample, error) {
	if err := sc.Input.Validate(); err != nil {
		return nil, err
	}
	st := newScenarioState(sc)
	s := &Sample{st: st, runs: runs, counts: map[Outcome]int{}}
	for run := range runs {
		h := sha256.New()
		h.Write([]byte(seed))
		h.Write([]byte{0})
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(run)))
		secret := lottery.Secret(h.Sum(nil))
		commitment := secret.Commitment()
		r, err := lottery.Draw(sc.Input, lottery.SeedMaterial{SecretCommitment: &commitment, Secret: secret})
		if err != nil {
			return nil, err
		}
		for _, f := range sc.Frees {
			free := r.Cancel
			if f.Kind == lottery.EventLapse {
				free = r.Lapse
			}
			var ie *lottery.InputError
			if _, err := free(f.Entry, f.Slot); err != nil && !(errors.As(err, &ie) && ie.Reason == lottery.ReasonNotHeld) {
				return nil, err
			}
		}
		current, err := r.Current()
		if err != nil {
			return nil, err
		}
		held := make([]holding, len(current))
		for k, w := range current {
			held[k] = holding{entry: w.Entry, slot: w.Slot, pool: w.Pool}
		}
		s.counts[st.outcome(held)]++
	}
	return s, nil
}

// SimulateReference draws the scenario runs times without the engine:
// orders come from math/rand/v2 (PCG seeded with seed) by successive
// sampling in proportion to weight within each tier, and outcomes from
// this package's reference allocation. It is the yardstick for scenarios
// too large for [Exact].
func SimulateReference(sc Scenario, runs int, seed uint64) (*Sample, error) {
	if err := sc.Input.Validate(); err != nil {
		return nil, err
	}
	st := newScenarioState(sc)
	s := &Sample{st: st, runs: runs, counts: map[Outcome]int{}}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	// Entry positions sorted by tier (stable, so ties stay in ID order).
	byTier := make([]int, len(st.entries))
	for k := range byTier {
		byTier[k] = k
	}
	sortStableByTier(byTier, st)
	order := make([]int, 0, len(st.entries))
	for range runs {
		order = order[:0]
		for lo := 0; lo < len(byTier); {
			hi := lo
			for hi < len(byTier) && st.entries[byTier[hi]].Tier == st.entries[byTier[lo]].Tier {
				hi++
			}
			rest := append([]int(nil), byTier[lo:hi]...)
			total := 0
			for _, k := range rest {
				total += st.entries[k].Weight
			}
			for len(rest) > 0 {
				ball := rng.IntN(total)
				j := 0
				for ball >= st.entries[rest[j]].Weight {
					ball -= st.entries[rest[j]].Weight
					j++
				}
				order = append(order, rest[j])
				total -= st.entries[rest[j]].Weight
				rest = append(rest[:j], rest[j+1:]...)
			}
			lo = hi
		}
		s.counts[st.outcomeOf(order)]++
	}
	return s, nil
}

func sortStableByTier(ks []int, st *scenarioState) {
	for i := 1; i < len(ks); i++ {
		for j := i; j > 0 && st.entries[ks[j]].Tier < st.entries[ks[j-1]].Tier; j-- {
			ks[j], ks[j-1] = ks[j-1], ks[j]
		}
	}
}

// Report returns the observed win frequencies per entry, tier and weight.
func (s *Sample) Report() *Report {
	weights := make(map[Outcome]float64, len(s.counts))
	for o, n := range s.counts {
		weights[o] = float64(n) / float64(s.runs)
	}
	return newReport(s.st, weights, s.runs)
}

// wins returns, per entry in ID order, the number of draws in which it
// held at least one seat at the end.
func (s *Sample) wins() []int {
	out := make([]int, len(s.st.entries))
	for o, n := range s.counts {
		for k, slots := range o.holdings() {
			if len(slots) > 0 {
				out[k] += n
			}
		}
	}
	return out
}
