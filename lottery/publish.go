package lottery

// waitlists lays out every slot's waitlist in one flat array: slot s's
// places are start[s]..start[s+1], in priority order (SPEC.md
// "Waitlists"). The places are found in two passes over the ranks, split
// into the same chunks: the first counts each chunk's places per slot, so
// that in the second every chunk writes its places of each slot right
// after those of the chunks before it, in parallel and in order.
type waitlists struct {
	workers int
	start   []int   // per slot, and one past the last: where its places start
	next    [][]int // per chunk, per slot: where the chunk's next place goes
	// pos, flat: the canonical position of the entry at each place, for
	// the result digest.
	pos []int32
}

func (l *waitlists) len(s int) int { return l.start[s+1] - l.start[s] }

// eachWaiting calls visit for every waitlist place of ranks lo..hi in
// order: rank k waits for slot s.
func (p *prepared) eachWaiting(o *outcome, lo, hi int, visit func(k int, s int32)) {
	limit := uint8(p.maxWins)
	for k := lo; k < hi; k++ {
		if o.count[k] >= limit {
			continue
		}
		for j, s := range o.prefsOf(k) {
			if o.won == nil || o.won[k]&(1<<j) == 0 {
				visit(k, s)
			}
		}
	}
}

// rankBlock is how many ranks a pass handles at a time when it does two
// things with each: few enough that their records are still in cache for
// the second.
const rankBlock = 2048

// layoutWaitlists counts the waitlist places. Before counting each block
// of ranks, it calls each(w, lo, hi) for them (w is the chunk), for other
// work that reads the same records: publishing or checking the order.
func (p *prepared) layoutWaitlists(o *outcome, each func(w, lo, hi int)) *waitlists {
	n, ns := len(o.ranks), len(p.slotOrder)
	workers := workerCount(n)
	counts := make([][]int, workers)
	parallel(n, workers, func(w, lo, hi int) {
		c := make([]int, ns)
		for b := lo; b < hi; b += rankBlock {
			e := min(b+rankBlock, hi)
			if each != nil {
				each(w, b, e)
			}
			p.eachWaiting(o, b, e, func(_ int, s int32) { c[s]++ })
		}
		counts[w] = c
	})
	l := &waitlists{workers: workers, start: make([]int, ns+1), next: make([][]int, workers)}
	for w := range workers {
		l.next[w] = make([]int, ns)
	}
	at := 0
	for s := range ns {
		l.start[s] = at
		for w := range workers {
			l.next[w][s] = at
			at += counts[w][s]
		}
	}
	l.start[ns] = at
	return l
}

// fillWaitlists is the second pass: it records the canonical position of
// every place and calls visit(w, k, s, j) for it: rank k (of chunk w) is
// place j of the flat array, in slot s's waitlist.
func (p *prepared) fillWaitlists(o *outcome, l *waitlists, visit func(w, k int, s int32, j int)) {
	l.pos = make([]int32, l.start[len(l.start)-1])
	parallel(len(o.ranks), l.workers, func(w, lo, hi int) {
		next := l.next[w]
		p.eachWaiting(o, lo, hi, func(k int, s int32) {
			j := next[s]
			next[s]++
			l.pos[j] = o.ranks[k].tie
			if visit != nil {
				visit(w, k, s, j)
			}
		})
	})
}

// publish turns an outcome into the record's ID-based lists. IDs are the
// input's own strings; the waitlists' strings share one backing array.
func (p *prepared) publish(o *outcome) ([]Ranked, []Win, []Waitlist) {
	order := make([]Ranked, len(o.ranks))
	o.wait = p.layoutWaitlists(o, func(_, lo, hi int) {
		for k := lo; k < hi; k++ {
			r := &o.ranks[k]
			order[k] = Ranked{Entry: p.rankID(r), Key: r.keyDigest()}
		}
	})
	l := o.wait
	flat := make([]string, l.start[len(l.start)-1])
	lists := make([]Waitlist, len(p.slotOrder))
	for s := range lists {
		lists[s] = Waitlist{Slot: p.slotID(int32(s)), Entries: flat[l.start[s]:l.start[s+1]:l.start[s+1]]}
	}
	p.fillWaitlists(o, l, func(_, k int, _ int32, j int) { flat[j] = order[k].Entry })
	wins := make([]Win, len(o.wins))
	for k, w := range o.wins {
		wins[k] = p.publishWin(w, o.ranks)
	}
	return order, wins, lists
}

// rankID returns the ID of the entry a priority-order record stands for.
func (p *prepared) rankID(r *rec) string { return p.ids[r.idOff : r.idOff+uint32(r.idLen)+1] }

// publishWin names a win. The entry's ID of a draw's win is read from
// its record in ranks (wins are in priority order within each round, so
// these reads go front to back), else from the input.
func (p *prepared) publishWin(w win, ranks []rec) Win {
	id := ""
	if w.k >= 0 && ranks != nil {
		id = p.rankID(&ranks[w.k])
	} else {
		id = p.id(p.canon[w.c])
	}
	out := Win{Entry: id, Slot: p.slotID(w.s), Round: int(w.round)}
	if w.pool >= 0 {
		out.Pool = p.pools[w.pool]
	}
	return out
}

// resultDigest is SPEC.md "Result digest". Entries and slots are named
// by canonical position (index in ID order), which the input digest
// fixes. It needs o.wait from publish or verify.
func (p *prepared) resultDigest(input, seed Digest, o *outcome) Digest {
	l := o.wait
	e := newEncoder(tagResult, 4*len(o.ranks)+4*len(l.pos)+24*len(o.wins))
	e.raw(string(input[:]))
	e.raw(string(seed[:]))
	e.u32(uint32(len(o.ranks)))
	e.ties(o.ranks)
	e.u32(uint32(len(o.wins)))
	for _, w := range o.wins {
		e.u32(uint32(w.c))
		e.u32(uint32(w.s))
		if w.pool >= 0 {
			e.str(p.pools[w.pool])
		} else {
			e.str("")
		}
		e.u32(uint32(w.round))
	}
	e.u32(uint32(len(p.slotOrder)))
	for s := range p.slotOrder {
		e.u32(uint32(l.len(s)))
		e.positions(l.pos[l.start[s]:l.start[s+1]])
	}
	return e.sum()
}

// waitingEntries returns the waitlists as canonical positions, for
// replaying events.
func (p *prepared) waitingEntries(o *outcome) [][]int32 {
	l := o.wait
	flat := make([]int32, len(l.pos))
	out := make([][]int32, len(p.slotOrder))
	for s := range out {
		out[s] = flat[l.start[s]:l.start[s+1]:l.start[s+1]]
	}
	next := make([]int, len(out))
	p.eachWaiting(o, 0, len(o.ranks), func(k int, s int32) {
		out[s][next[s]] = o.ranks[k].tie
		next[s]++
	})
	return out
}
