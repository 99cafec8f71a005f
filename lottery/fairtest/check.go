package fairtest

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// DefaultAlpha is the false-failure rate of [Compare], [CompareSamples]
// and [Test] when none is given: a correct engine fails a check with a
// random seed with probability at most one in a million.
const DefaultAlpha = 1e-6

// ErrUnfair: a sample is not consistent with the expected distribution.
var ErrUnfair = errors.New("kuji/lottery/fairtest: draws do not match the expected distribution")

// Result is the outcome of comparing draws with what they should be.
type Result struct {
	Runs  int
	Alpha float64
	// ChiSquare, DF and ChiSquareP are the χ² goodness-of-fit test over
	// whole outcomes (Compare only; DF is 0 when not run).
	ChiSquare  float64
	DF         int
	ChiSquareP float64
	// Entries has one test per entry of its probability of winning.
	Entries []EntryTest
	// Failures says what failed; empty means the draws pass.
	Failures []string
}

// EntryTest compares one entry's observed win frequency with its
// expected probability.
type EntryTest struct {
	ID       string
	Expected float64
	Observed float64
	Z        float64 // (observed − expected) in standard errors
	P        float64 // two-sided p-value
}

// Err returns nil if the draws pass, else an error matching [ErrUnfair]
// that lists the failures.
func (r *Result) Err() error {
	if len(r.Failures) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrUnfair, strings.Join(r.Failures, "; "))
}

// String formats the result as plain text.
func (r *Result) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d draws, false-failure rate %.0e\n", r.Runs, r.Alpha)
	if r.DF > 0 {
		fmt.Fprintf(&b, "χ² = %.2f, df = %d, p = %.3g\n", r.ChiSquare, r.DF, r.ChiSquareP)
	}
	b.WriteString("entry                 expected observed       z        p\n")
	for _, e := range r.Entries {
		fmt.Fprintf(&b, "%-20s %9.4f %8.4f %7.2f %8.2g\n", e.ID, e.Expected, e.Observed, e.Z, e.P)
	}
	for _, f := range r.Failures {
		b.WriteString("FAIL: " + f + "\n")
	}
	return b.String()
}

// Compare tests a sample of draws against exact probabilities, with
// overall false-failure rate alpha (0 means [DefaultAlpha]): half of
// alpha goes to a χ² goodness-of-fit test over whole outcomes (outcomes
// expected fewer than 5 times are pooled), half to exact two-sided
// binomial tests of each entry's win count, Bonferroni-corrected. An
// outcome that is impossible under the exact distribution fails at once.
func Compare(d *Distribution, s *Sample, alpha float64) *Result {
	if alpha <= 0 {
		alpha = DefaultAlpha
	}
	n := s.runs
	r := &Result{Runs: n, Alpha: alpha}
	type cell struct{ expected, observed float64 }
	var cells []cell
	for o, p := range d.probs {
		f, _ := p.Float64()
		cells = append(cells, cell{expected: f * float64(n), observed: float64(s.counts[o])})
	}
	for o, c := range s.counts {
		if _, ok := d.probs[o]; !ok {
			r.Failures = append(r.Failures, fmt.Sprintf("%d draws ended in an impossible outcome %s", c, o))
		}
	}
	slices.SortFunc(cells, func(a, b cell) int { return cmpFloat(a.expected, b.expected) })
	var pooled []cell
	var small cell
	for _, c := range cells {
		if c.expected < 5 {
			small.expected += c.expected
			small.observed += c.observed
			continue
		}
		pooled = append(pooled, c)
	}
	if small.expected > 0 {
		if small.expected < 5 && len(pooled) > 0 {
			pooled[0].expected += small.expected
			pooled[0].observed += small.observed
		} else {
			pooled = append(pooled, small)
		}
	}
	if len(pooled) > 1 {
		for _, c := range pooled {
			r.ChiSquare += (c.observed - c.expected) * (c.observed - c.expected) / c.expected
		}
		r.DF = len(pooled) - 1
		r.ChiSquareP = chiSquareSurvival(r.ChiSquare, r.DF)
		if r.ChiSquareP < alpha/2 {
			r.Failures = append(r.Failures, fmt.Sprintf("χ² = %.1f with %d degrees of freedom (p = %.2g < %.1g)", r.ChiSquare, r.DF, r.ChiSquareP, alpha/2))
		}
	}

	wins := s.wins()
	tested := 0
	for k, e := range d.st.entries {
		f, _ := d.Win(e.ID).Float64()
		t := EntryTest{ID: e.ID, Expected: f, Observed: float64(wins[k]) / float64(n)}
		if f > 0 && f < 1 {
			t.Z = (float64(wins[k]) - float64(n)*f) / math.Sqrt(float64(n)*f*(1-f))
			tested++
		}
		t.P = binomialTwoSided(n, wins[k], f)
		r.Entries = append(r.Entries, t)
	}
	entryAlpha := alpha / 2 / float64(max(tested, 1))
	for _, t := range r.Entries {
		if t.P < entryAlpha {
			r.Failures = append(r.Failures, fmt.Sprintf("entry %q won in %.4f of draws, expected %.4f (z = %.1f, p = %.2g)", t.ID, t.Observed, t.Expected, t.Z, t.P))
		}
	}
	return r
}

// CompareSamples tests whether two samples of the same scenario — the
// engine's and the reference's — agree, for scenarios too large for
// [Exact]: a two-proportion z-test per entry on its win frequency,
// Bonferroni-corrected to overall rate alpha (0 means [DefaultAlpha]).
// It relies on the normal approximation, so entries expected to win (or
// lose) fewer than 25 times in either sample are reported but not
// tested.
func CompareSamples(a, b *Sample, alpha float64) *Result {
	if alpha <= 0 {
		alpha = DefaultAlpha
	}
	r := &Result{Runs: a.runs, Alpha: alpha}
	wa, wb := a.wins(), b.wins()
	na, nb := float64(a.runs), float64(b.runs)
	var tested []int
	for k, e := range a.st.entries {
		pa, pb := float64(wa[k])/na, float64(wb[k])/nb
		pool := float64(wa[k]+wb[k]) / (na + nb)
		t := EntryTest{ID: e.ID, Expected: pb, Observed: pa, P: 1}
		if se := math.Sqrt(pool * (1 - pool) * (1/na + 1/nb)); se > 0 {
			t.Z = (pa - pb) / se
			t.P = normalTwoSided(t.Z)
		}
		if min(pool*na, (1-pool)*na, pool*nb, (1-pool)*nb) >= 25 {
			tested = append(tested, k)
		}
		r.Entries = append(r.Entries, t)
	}
	entryAlpha := alpha / float64(max(len(tested), 1))
	for _, k := range tested {
		if t := r.Entries[k]; t.P < entryAlpha {
			r.Failures = append(r.Failures, fmt.Sprintf("entry %q won in %.4f of engine draws, %.4f of reference draws (z = %.1f, p = %.2g)", t.ID, t.Observed, t.Expected, t.Z, t.P))
		}
	}
	return r
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Options tunes [Test].
type Options struct {
	// Runs is the number of engine draws (default 20000).
	Runs int
	// Seed names the sample; the same seed gives the same draws
	// (default "fairtest").
	Seed string
	// Alpha is the false-failure rate (default [DefaultAlpha]).
	Alpha float64
}

// Test checks a scenario the way an integrator's own test suite would:
// with at most [MaxExactEntries] entries, the engine's draws against the
// exact distribution ([Compare]); above that, against the reference
// simulation ([CompareSamples]). It reports failures on t and returns the
// engine's observed report.
func Test(t testing.TB, sc Scenario, opts *Options) *Report {
	t.Helper()
	o := Options{Runs: 20000, Seed: "fairtest", Alpha: DefaultAlpha}
	if opts != nil {
		if opts.Runs > 0 {
			o.Runs = opts.Runs
		}
		if opts.Seed != "" {
			o.Seed = opts.Seed
		}
		if opts.Alpha > 0 {
			o.Alpha = opts.Alpha
		}
	}
	s, err := Simulate(sc, o.Runs, o.Seed)
	if err != nil {
		t.Fatalf("fairtest: simulate: %v", err)
	}
	var res *Result
	if len(sc.Input.Entries) <= MaxExactEntries {
		d, err := Exact(sc)
		if err != nil {
			t.Fatalf("fairtest: exact: %v", err)
		}
		res = Compare(d, s, o.Alpha)
	} else {
		ref, err := SimulateReference(sc, o.Runs, seedNumber(o.Seed))
		if err != nil {
			t.Fatalf("fairtest: reference: %v", err)
		}
		res = CompareSamples(s, ref, o.Alpha)
	}
	if err := res.Err(); err != nil {
		t.Errorf("%v\n%s", err, res)
	}
	return s.Report()
}

func seedNumber(s string) uint64 {
	var h uint64 = 14695981039346656037
	for k := 0; k < len(s); k++ {
		h = (h ^ uint64(s[k])) * 1099511628211
	}
	return h
}
