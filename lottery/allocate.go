package lottery

import (
	"bytes"
	"encoding/binary"
	"slices"
)

// priorityOrder returns canonical entry positions in priority order: tier
// ascending, then key ascending as a big-endian 256-bit integer, then ID
// ascending. Canonical positions are ID order, and both sorts are stable,
// so equal (tier, key) pairs stay in ID order.
func (p *prepared) priorityOrder(keys []Digest) []int32 {
	n := len(keys)
	a, buf := p.scratch[0], p.scratch[1]
	p.scratch = [2][]rec{}
	if len(a) < n || len(buf) < n {
		a, buf = make([]rec, n), make([]rec, n)
	}
	a, buf = a[:n], buf[:n]
	for c := range keys {
		a[c] = rec{hi: uint64(p.info[c].tier), lo: binary.BigEndian.Uint64(keys[c][:8]), i: int32(c)}
	}
	sorted := sortRecs(a, buf)
	order := make([]int32, n)
	for k := range sorted {
		order[k] = sorted[k].i
	}
	// Equal 64-bit prefixes (about n²/2⁶⁵ pairs expected): finish the
	// comparison on the whole key.
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && sorted[hi].hi == sorted[lo].hi && sorted[hi].lo == sorted[lo].lo {
			hi++
		}
		if hi-lo > 1 {
			slices.SortStableFunc(order[lo:hi], func(x, y int32) int {
				return bytes.Compare(keys[x][:], keys[y][:])
			})
		}
		lo = hi
	}
	return order
}

// win is one seat allocation: entry c (canonical position) won slot s
// (canonical position) from reserved category pool (or -1 for the
// general pool) in draw round round (1..MaxWins; 0 for a promotion).
type win struct {
	c, s, pool, round int32
}

// outcome is a draw's result in canonical positions.
type outcome struct {
	order     []int32
	keys      []Digest
	wins      []win
	waitlists [][]int32 // by canonical slot position: priority positions (indices into order), ascending
}

// byRank is what allocation needs of each entry, copied into priority
// order so that allocation reads memory sequentially.
type byRank struct {
	entry []ranked
	prefs []int32
	count []uint8  // wins so far
	won   []uint64 // bit j: the entry won its j-th preference
}

type ranked struct {
	prefOff uint32
	cat     int32
	size    uint16
	nprefs  uint8
}

func (r *byRank) prefsOf(k int) []int32 {
	e := &r.entry[k]
	return r.prefs[e.prefOff : e.prefOff+uint32(e.nprefs)]
}

func (p *prepared) rankOrder(order []int32) *byRank {
	n := len(order)
	r := &byRank{entry: make([]ranked, n), count: make([]uint8, n), won: make([]uint64, n)}
	workers := workerCount(n)
	parallel(n, workers, func(_, lo, hi int) {
		for k := lo; k < hi; k++ {
			in := &p.info[order[k]]
			r.entry[k] = ranked{prefOff: in.prefOff, cat: in.cat, size: in.size, nprefs: in.nprefs}
		}
	})
	total := uint32(0)
	for k := range r.entry {
		e := &r.entry[k]
		e.prefOff, total = total, total+uint32(e.nprefs)
	}
	r.prefs = make([]int32, total)
	parallel(n, workers, func(_, lo, hi int) {
		for k := lo; k < hi; k++ {
			dst := r.prefs[r.entry[k].prefOff:]
			for j, s := range p.prefsOf(order[k]) {
				dst[j] = s
			}
		}
	})
	return r
}

// allocate serves entries in priority order (SPEC.md "Allocation"):
// reserved rounds 1..MaxWins over reserved seats, then every leftover
// reserved seat joins the general pool, then general rounds 1..MaxWins.
// In each round every entry under its win limit takes its highest-ranked
// preference that it has not won yet and that has room for the whole
// group; if none has room it is skipped.
func (p *prepared) allocate(order []int32, r *byRank) []win {
	ns, nc := len(p.slotOrder), len(p.pools)
	general := slices.Clone(p.general)
	reserved := slices.Clone(p.reserved)
	var wins []win
	limit := uint8(p.maxWins)

	// serve gives rank k at most one more slot from seats (the pool's free
	// seats per slot, with stride entries between slots).
	serve := func(k int, round, pool int32, seats []int32, stride int) {
		size := int32(r.entry[k].size)
		for j, s := range r.prefsOf(k) {
			if r.won[k]&(1<<j) != 0 {
				continue
			}
			if free := &seats[int(s)*stride]; *free >= size {
				*free -= size
				r.won[k] |= 1 << j
				r.count[k]++
				wins = append(wins, win{c: order[k], s: s, pool: pool, round: round})
				return
			}
		}
	}

	if nc > 0 {
		for round := int32(1); round <= int32(limit); round++ {
			for k := range r.entry {
				if cat := r.entry[k].cat; cat >= 0 && r.count[k] < limit {
					serve(k, round, cat, reserved[cat:], nc)
				}
			}
		}
		for s := range ns {
			for k := range nc {
				general[s] += reserved[s*nc+k]
			}
		}
	}
	for round := int32(1); round <= int32(limit); round++ {
		for k := range r.entry {
			if r.count[k] < limit {
				serve(k, round, -1, general, 1)
			}
		}
	}
	return wins
}

// waitlists lists, for each slot, the entries that listed it, did not win
// it and are under their win limit after the draw, in priority order, as
// positions in the priority order (so the lists ascend, and whatever is
// looked up through them is read in memory order).
func (p *prepared) waitlists(order []int32, r *byRank) [][]int32 {
	ns := len(p.slotOrder)
	lens := make([]int, ns)
	limit := uint8(p.maxWins)
	each := func(visit func(k int, s int32)) {
		for k := range r.entry {
			if r.count[k] >= limit {
				continue
			}
			for j, s := range r.prefsOf(k) {
				if r.won[k]&(1<<j) == 0 {
					visit(k, s)
				}
			}
		}
	}
	each(func(_ int, s int32) { lens[s]++ })
	total := 0
	for _, l := range lens {
		total += l
	}
	flat := make([]int32, total)
	out := make([][]int32, ns)
	off := 0
	for s, l := range lens {
		out[s] = flat[off : off : off+l]
		off += l
	}
	each(func(k int, s int32) { out[s] = append(out[s], int32(k)) })
	return out
}

// run computes everything the draw produces from a seed.
func (p *prepared) run(seed Digest) *outcome {
	keys := p.keys(seed)
	order := p.priorityOrder(keys)
	r := p.rankOrder(order)
	wins := p.allocate(order, r)
	return &outcome{
		order:     order,
		keys:      keys,
		wins:      wins,
		waitlists: p.waitlists(order, r),
	}
}

// canonicalWaitlists returns the waitlists as canonical entry positions.
func (o *outcome) canonicalWaitlists() [][]int32 {
	out := make([][]int32, len(o.waitlists))
	for s, l := range o.waitlists {
		out[s] = make([]int32, len(l))
		for j, k := range l {
			out[s][j] = o.order[k]
		}
	}
	return out
}
