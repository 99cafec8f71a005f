package lottery

// waitlists lays out every slot's waitlist in one flat array: slot s's
// places are start[s]..start[s+1], in priority order (SPEC.md
// "Waitlists"). The places are written in one parallel pass over the
// ranks, split into chunks as countListed split them; each chunk writes
// its places of each slot right after those of the chunks before it. How
// many that is is known before the pass: countListed counted how many of
// each chunk's entries list each slot, and only entries that won
// something wait for fewer slots than they listed.
type waitlists struct {
	start []int   // per slot, and one past the last: where its places start
	next  [][]int // per chunk, per slot: where the chunk's next place goes
	// pos, flat: the canonical position of the entry at each place, for
	// the result digest.
	pos []int32
}

func (l *waitlists) len(s int) int { return l.start[s+1] - l.start[s] }

// eachWaiting calls visit for every waitlist place of ranks lo..hi in
// order: rank k waits for slot s. It is for the rare passes that name a
// place (events, a difference); the hot passes repeat its loop.
func (p *prepared) eachWaiting(o *outcome, lo, hi int, visit func(k int, s int32)) {
	limit := uint8(p.maxWins)
	var buf [inlinePrefs]int32
	for k := lo; k < hi; k++ {
		if o.count[k] >= limit {
			continue
		}
		for j, s := range o.prefsOf(k, &buf) {
			if o.won == nil || o.won[k]&(1<<j) == 0 {
				visit(k, s)
			}
		}
	}
}

// layoutWaitlists counts every chunk's places per slot from o.listed and
// the wins, and lays the waitlists out.
func (p *prepared) layoutWaitlists(o *outcome) *waitlists {
	n, ns, chunks := len(o.ranks), len(p.slotOrder), len(o.listed)
	counts := o.listed
	o.listed = nil
	limit := uint8(p.maxWins)
	var done []bool // with several wins per entry: entries already taken off every waitlist
	if limit > 1 {
		done = make([]bool, n)
	}
	var buf [inlinePrefs]int32
	for _, w := range o.wins {
		k := int(w.k)
		c := counts[chunkOf(n, chunks, k)]
		switch {
		case o.count[k] < limit:
			c[w.s]-- // not on the waitlist of a slot it won
		case done == nil || !done[k]:
			for _, s := range o.prefsOf(k, &buf) {
				c[s]-- // at its limit: on no waitlist
			}
			if done != nil {
				done[k] = true
			}
		}
	}
	l := &waitlists{start: make([]int, ns+1), next: make([][]int, chunks)}
	for w := range chunks {
		l.next[w] = make([]int, ns)
	}
	at := 0
	for s := range ns {
		l.start[s] = at
		for w := range chunks {
			l.next[w][s] = at
			at += counts[w][s]
		}
	}
	l.start[ns] = at
	l.pos = make([]int32, at)
	return l
}

// chunkOf returns which of the chunks parallel splits [0,n) into holds k.
func chunkOf(n, chunks, k int) int {
	w := k * chunks / n
	for w+1 < chunks && k >= n*(w+1)/chunks {
		w++
	}
	for w > 0 && k < n*w/chunks {
		w--
	}
	return w
}

// waitOutput says what fill does besides recording every place's
// canonical position: publish the order and the waitlists' IDs (order,
// ids), or compare a record's waitlists (got; gotOrder is the record's
// order, already found equal to the outcome's, so gotOrder[k].Entry is
// rank k's ID; first, per chunk and slot, receives the first place where
// got names another entry, and must start at -1).
type waitOutput struct {
	order []Ranked
	ids   []string

	got      []Waitlist
	gotOrder []Ranked
	first    [][]int
}

// fill writes the waitlists in one parallel pass over the ranks, and
// publishes or checks them (see waitOutput). Publishing the order in the
// same pass reads each record once.
func (p *prepared) fill(o *outcome, l *waitlists, out *waitOutput) {
	limit := uint8(p.maxWins)
	parallel(len(o.ranks), len(l.next), func(w, lo, hi int) {
		next := l.next[w]
		var buf [inlinePrefs]int32
		for k := lo; k < hi; k++ {
			r := &o.ranks[k]
			if out.order != nil {
				out.order[k] = Ranked{Entry: p.rankID(r), Key: r.keyDigest()}
			}
			if o.count[k] >= limit {
				continue
			}
			for j, s := range o.prefsOf(k, &buf) {
				if o.won != nil && o.won[k]&(1<<j) != 0 {
					continue
				}
				at := next[s]
				next[s]++
				l.pos[at] = r.tie
				switch {
				case out.ids != nil:
					out.ids[at] = p.rankID(r)
				case out.got != nil:
					g := out.got[s].Entries
					if t := at - l.start[s]; t < len(g) && out.first[w][s] < 0 && g[t] != out.gotOrder[k].Entry {
						out.first[w][s] = t
					}
				}
			}
		}
	})
}

// publish turns an outcome into the record's ID-based lists. IDs are
// substrings of the ID arena; the waitlists' strings share one backing
// array.
func (p *prepared) publish(o *outcome) ([]Ranked, []Win, []Waitlist) {
	l := p.layoutWaitlists(o)
	o.wait = l
	order := make([]Ranked, len(o.ranks))
	flat := make([]string, len(l.pos))
	lists := make([]Waitlist, len(p.slotOrder))
	for s := range lists {
		lists[s] = Waitlist{Slot: p.slotID(int32(s)), Entries: flat[l.start[s]:l.start[s+1]:l.start[s+1]]}
	}
	p.fill(o, l, &waitOutput{order: order, ids: flat})
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

// hashResult starts SPEC.md "Result digest" and returns the function
// that finishes it. Entries and slots are named by canonical position
// (index in ID order), which the input digest fixes.
//
// The order and the wins are final once the draw has run, and hashing
// them (a third of the result encoding) is sequential work, so a
// goroutine does it while the waitlists are published or checked, when
// some of the time one core would otherwise be idle. finish hashes the
// waitlists, which need o.wait from publish or compare.
func (p *prepared) hashResult(input, seed Digest, o *outcome) (finish func() Digest) {
	var e *encoder
	if p.encBuf != nil {
		e = newEncoderBuf(tagResult, p.encBuf)
	} else {
		e = newEncoder(tagResult, 4*len(o.ranks)+24*len(o.wins)+4*len(o.ranks)*p.maxWins)
	}
	head := make(chan struct{})
	go func() {
		defer close(head)
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
	}()
	return func() Digest {
		<-head
		l := o.wait
		e.u32(uint32(len(p.slotOrder)))
		for s := range p.slotOrder {
			e.u32(uint32(l.len(s)))
			e.positions(l.pos[l.start[s]:l.start[s+1]])
		}
		return e.sum()
	}
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
