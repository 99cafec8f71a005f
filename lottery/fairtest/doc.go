// Package fairtest checks that a kuji lottery configuration is as fair as
// SPEC.md says: an importable test kit, in the spirit of testing/fstest,
// for the lottery's own tests and for integrators who want to see the
// chances their configuration gives (reserved seats, tiers, weights, group
// sizes, several wins, promotions).
//
// # Exact probabilities
//
// [Exact] enumerates every priority order of a [Scenario] of at most
// [MaxExactEntries] entries with its exact probability (math/big
// rationals; tiers in turn, and within a tier successive sampling in
// proportion to weight), allocates each order with this package's own
// plain implementation of the allocation, waitlist and promotion rules of
// SPEC.md, and sums the probability of every outcome. It never runs the
// engine, so it is an independent statement of what the engine must do.
//
// # Monte Carlo
//
// [Simulate] runs the real engine ([lottery.Draw], [lottery.Record.Cancel],
// [lottery.Record.Lapse]) over many seeds, each its own commit-reveal
// secret, and counts outcomes. [SimulateReference] samples orders with
// math/rand/v2 and allocates them with the reference implementation: the
// yardstick for scenarios too large to enumerate.
//
// # Tests and their false-failure rates
//
// [Compare] tests engine draws against exact probabilities with a χ²
// goodness-of-fit test over whole outcomes and exact binomial tests of
// each entry's win frequency; [CompareSamples] compares two samples with
// two-proportion z-tests. Each takes an overall false-failure rate alpha
// (default [DefaultAlpha], one in a million) split across its tests with
// the Bonferroni correction, so a correct engine fails a check with a
// random seed with probability at most alpha. Seeds are fixed, so a
// passing test passes every time. [Test] runs the appropriate comparison
// and reports on a *testing.T.
//
// # Reports
//
// [Report] gives each entry's probability of winning and expected number
// of wins, and the minimum, maximum and mean win probability per tier and
// per weight: exact from a [Distribution], observed from a [Sample].
package fairtest
