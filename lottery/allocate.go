package lottery

import (
	"encoding/binary"
	"slices"
)

// win is one seat allocation: entry c (canonical position) won slot s
// (canonical position) from reserved category pool (or -1 for the general
// pool) in draw round round (1..MaxWins; 0 for a promotion). k is the
// entry's rank for a win of the draw, or -1.
type win struct {
	c, s, pool, round, k int32
}

// outcome is a draw's result. Entries and slots are named by canonical
// position, and the per-entry state is kept by rank (position in the
// priority order), so that every pass over it reads memory in order.
type outcome struct {
	// ranks are the entries' records in priority order: rank k is the
	// entry at canonical position ranks[k].tie, with key ranks[k].key
	// and its preferences and category in the record (see prefsOf, catOf).
	ranks []rec
	p     *prepared
	// listed, per chunk of ranks (as parallel splits them), per slot: how
	// many of the chunk's entries list the slot; see layoutWaitlists.
	listed [][]int
	wins   []win
	count  []uint8 // by rank: slots won
	// won, by rank: bit j is set when the entry won its j-th preference.
	// It is nil when MaxWins is 1: an entry that won anything is then at
	// its limit, is never served again and is on no waitlist, so which
	// preference it won does not matter.
	won []uint64

	wait *waitlists // every slot's waitlist, once published or checked
}

// prefsOf returns rank k's preferences: from its record, through buf,
// when they fit there, else from the input-order array.
func (o *outcome) prefsOf(k int, buf *[inlinePrefs]int32) []int32 {
	r := &o.ranks[k]
	if o.p.inlinePrefs && r.nprefs <= inlinePrefs {
		for j := range r.nprefs {
			buf[j] = int32(r.prefs[j])
		}
		return buf[:r.nprefs]
	}
	off := uint32(r.prefs[0]) | uint32(r.prefs[1])<<16
	return o.p.prefs[off : off+uint32(r.nprefs)]
}

// catOf returns rank k's reserved category position, or noCategory if it
// has none (an empty category or one no slot reserves seats for).
func (o *outcome) catOf(k int) int32 {
	switch c := o.ranks[k].cat; c {
	case catNone:
		return noCategory
	case catLookup:
		return o.p.entryAt(o.ranks[k].tie).cat
	default:
		return int32(c)
	}
}

// keyDigest returns the key a priority-order record holds.
func (r *rec) keyDigest() Digest {
	var d Digest
	for w := range r.key {
		binary.BigEndian.PutUint64(d[8*w:], r.key[w])
	}
	return d
}

// run computes the draw's order and allocation from a seed.
func (p *prepared) run(seed Digest) *outcome {
	n := len(p.ent) - 1
	a, buf := p.scratch[0], p.scratch[1]
	p.scratch, p.idKeys = [2][]rec{}, nil
	if len(a) < n || len(buf) < n {
		a, buf = make([]rec, n), make([]rec, n)
	}
	a = a[:n]
	p.keys(seed, a)
	// The priority order (SPEC.md "Keys and the priority order"): tier,
	// then key as a big-endian 256-bit integer, then ID, which is the
	// canonical position the records hold as their tie.
	sortRecs(a, buf)
	o := &outcome{ranks: a, p: p}
	p.countListed(o)
	p.allocate(o)
	return o
}

// countListed counts how many entries of each chunk of ranks list each
// slot (o.listed), which lays out the waitlists without another pass.
func (p *prepared) countListed(o *outcome) {
	n, ns := len(o.ranks), len(p.slotOrder)
	workers := workerCount(n)
	o.listed = make([][]int, workers)
	parallel(n, workers, func(w, lo, hi int) {
		listed := make([]int, ns)
		var buf [inlinePrefs]int32
		for k := lo; k < hi; k++ {
			for _, s := range o.prefsOf(k, &buf) {
				listed[s]++
			}
		}
		o.listed[w] = listed
	})
}

// allocate serves entries in priority order (SPEC.md "Allocation"):
// reserved rounds 1..MaxWins over reserved seats, then every leftover
// reserved seat joins the general pool, then general rounds 1..MaxWins.
// In each round every entry under its win limit takes its highest-ranked
// preference that it has not won yet and that has room for the whole
// group; if none has room it is skipped.
//
// A round stops early once no slot has room for even the smallest group:
// nobody after that point could be served, and with many more applicants
// than seats that is most of the order.
func (p *prepared) allocate(o *outcome) {
	n, ns, nc := len(o.ranks), len(p.slotOrder), len(p.pools)
	general := slices.Clone(p.general)
	reserved := slices.Clone(p.reserved)
	limit := uint8(p.maxWins)
	o.count = make([]uint8, n)
	// About as many wins as the seats hold groups of the average size:
	// growing the list by appending would allocate it several times over.
	if p.wanted > 0 {
		average := max(p.wanted/int64(n), 1)
		o.wins = make([]win, 0, min(int64(n)*int64(limit), p.seats/average*9/8+16))
	}
	if limit > 1 {
		o.won = make([]uint64, n)
	}
	smallest := p.minSize

	// serve gives rank k at most one more slot from seats (the pool's free
	// seats per slot, with stride entries between slots) and reports
	// whether a slot's free seats fell below the smallest group.
	var buf [inlinePrefs]int32
	serve := func(k int, round, pool int32, seats []int32, stride int) (closed bool) {
		size := int32(o.ranks[k].size)
		for j, s := range o.prefsOf(k, &buf) {
			if o.won != nil && o.won[k]&(1<<j) != 0 {
				continue
			}
			if free := &seats[int(s)*stride]; *free >= size {
				*free -= size
				if o.won != nil {
					o.won[k] |= 1 << j
				}
				o.count[k]++
				o.wins = append(o.wins, win{c: o.ranks[k].tie, s: s, pool: pool, round: round, k: int32(k)})
				return *free < smallest
			}
		}
		return false
	}

	if nc > 0 {
		open := make([]int, nc) // per pool: slots with room for the smallest group
		total := 0
		for s := range ns {
			for c := range nc {
				if reserved[s*nc+c] >= smallest {
					open[c]++
					total++
				}
			}
		}
		for round := int32(1); round <= int32(limit) && total > 0; round++ {
			for k := 0; k < n && total > 0; k++ {
				if cat := o.catOf(k); cat >= 0 && open[cat] > 0 && o.count[k] < limit {
					if serve(k, round, cat, reserved[cat:], nc) {
						open[cat]--
						total--
					}
				}
			}
		}
		for s := range ns {
			for c := range nc {
				general[s] += reserved[s*nc+c]
			}
		}
	}
	open := 0
	for _, g := range general {
		if g >= smallest {
			open++
		}
	}
	for round := int32(1); round <= int32(limit) && open > 0; round++ {
		for k := 0; k < n && open > 0; k++ {
			if o.count[k] < limit && serve(k, round, -1, general, 1) {
				open--
			}
		}
	}
}
