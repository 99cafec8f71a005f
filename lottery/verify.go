package lottery

import "strconv"

// Verify re-runs the draw from the record's input and seed material alone
// and checks every part of the record: input digest, key string, secret
// against its commitment, seed, every entry's key and place in the order,
// the wins, the waitlists, the result digest, and every event's
// promotions replayed in sequence. It returns nil, an error from
// validation if the recorded input or seed material is invalid, or a
// *[MismatchError] naming the first difference.
func Verify(r *Record) error {
	if r.Format != Format {
		return &InputError{Field: "format", Reason: ReasonBadFormat, Value: clip(r.Format), Want: Format}
	}
	p, err := prepare(&r.Input)
	if err != nil {
		return err
	}
	m := r.SeedMaterial
	if len(m.Secret) > 0 && m.SecretCommitment != nil && VerifyReveal(*m.SecretCommitment, m.Secret) != nil {
		return &MismatchError{Reason: MismatchSecretCommitment, Index: -1,
			Want: m.Secret.Commitment().String(), Got: m.SecretCommitment.String()}
	}
	keyString, err := m.check()
	if err != nil {
		return err
	}
	inputDigest := p.digest()
	if inputDigest != r.InputDigest {
		return &MismatchError{Reason: MismatchInputDigest, Index: -1, Want: inputDigest.String(), Got: r.InputDigest.String()}
	}
	if keyString != r.KeyString {
		return &MismatchError{Reason: MismatchKeyString, Index: -1, Want: strconv.Quote(keyString), Got: strconv.Quote(clip(r.KeyString))}
	}
	seed := deriveSeed(inputDigest, keyString, m.Secret)
	if seed != r.Seed {
		return &MismatchError{Reason: MismatchSeed, Index: -1, Want: seed.String(), Got: r.Seed.String()}
	}
	o := p.run(seed)
	finish := p.hashResult(inputDigest, seed, o)
	if err := p.compare(o, r); err != nil {
		return err
	}
	if d := finish(); d != r.ResultDigest {
		return &MismatchError{Reason: MismatchResultDigest, Index: -1, Want: d.String(), Got: r.ResultDigest.String()}
	}
	if len(r.Events) == 0 {
		return nil
	}
	return newLive(p, o.wins, p.waitingEntries(o)).replay(r.Events)
}

// compare checks the record's order, wins and waitlists against the
// outcome, in that order, and returns the first difference. The
// waitlists are checked in the pass that fills them in for the result
// digest, so every part of the record is read once, front to back.
func (p *prepared) compare(o *outcome, r *Record) error {
	got := r.Order
	found := make([]int, workerCount(len(o.ranks))) // per chunk: the first rank that differs, or -1
	for w := range found {
		found[w] = -1
	}
	parallel(min(len(o.ranks), len(got)), len(found), func(w, lo, hi int) {
		for k := lo; k < hi; k++ {
			if r := &o.ranks[k]; got[k].Entry != p.rankID(r) || got[k].Key != r.keyDigest() {
				found[w] = k
				return
			}
		}
	})
	if err := p.orderMismatch(o, got, found); err != nil {
		return err
	}
	if err := p.compareWins(o, r.Wins); err != nil {
		return err
	}
	o.wait = p.layoutWaitlists(o)
	return p.compareWaitlists(o, r.Waitlists, got)
}

func nItems(n int) string { return strconv.Itoa(n) + " items" }

// orderMismatch reports the first rank at which the record's order
// differs (found holds the first per chunk), or a difference in length.
func (p *prepared) orderMismatch(o *outcome, got []Ranked, found []int) error {
	for _, k := range found {
		if k < 0 {
			continue
		}
		r := &o.ranks[k]
		if id := p.rankID(r); got[k].Entry != id {
			return &MismatchError{Reason: MismatchOrder, Index: k, Entry: id, Want: strconv.Quote(id), Got: strconv.Quote(got[k].Entry)}
		}
		return &MismatchError{Reason: MismatchKey, Index: k, Entry: got[k].Entry, Want: r.keyDigest().String(), Got: got[k].Key.String()}
	}
	n := min(len(o.ranks), len(got))
	switch {
	case len(got) < len(o.ranks):
		return &MismatchError{Reason: MismatchOrder, Index: n, Entry: p.rankID(&o.ranks[n]), Want: nItems(len(o.ranks)), Got: nItems(len(got))}
	case len(got) > len(o.ranks):
		return &MismatchError{Reason: MismatchOrder, Index: n, Entry: got[n].Entry, Want: nItems(len(o.ranks)), Got: nItems(len(got))}
	}
	return nil
}

// compareWins checks the record's wins, in parallel chunks; the first
// difference is the one at the smallest index, as a sequential scan would
// find it.
func (p *prepared) compareWins(o *outcome, got []Win) error {
	n := min(len(o.wins), len(got))
	found := make([]int, workerCount(n))
	parallel(n, len(found), func(w, lo, hi int) {
		found[w] = -1
		for k := lo; k < hi; k++ {
			if got[k] != p.publishWin(o.wins[k], o.ranks) {
				found[w] = k
				return
			}
		}
	})
	for _, k := range found {
		if k >= 0 {
			want := p.publishWin(o.wins[k], o.ranks)
			return &MismatchError{Reason: MismatchWins, Index: k, Entry: want.Entry, Slot: want.Slot, Want: winText(want), Got: winText(got[k])}
		}
	}
	switch {
	case len(got) < len(o.wins):
		want := p.publishWin(o.wins[n], o.ranks)
		return &MismatchError{Reason: MismatchWins, Index: n, Entry: want.Entry, Slot: want.Slot, Want: nItems(len(o.wins)), Got: nItems(len(got))}
	case len(got) > len(o.wins):
		g := got[n]
		return &MismatchError{Reason: MismatchWins, Index: n, Entry: g.Entry, Slot: g.Slot, Want: nItems(len(o.wins)), Got: nItems(len(got))}
	}
	return nil
}

// compareWaitlists checks the record's waitlists slot by slot: the slot,
// then each place, then the length. order is the record's order, already
// found equal to the outcome's, so order[k].Entry is rank k's ID, read in
// memory order.
func (p *prepared) compareWaitlists(o *outcome, got []Waitlist, order []Ranked) error {
	l := o.wait
	ns := len(p.slotOrder)
	if len(got) != ns {
		return &MismatchError{Reason: MismatchWaitlist, Index: -1, Want: strconv.Itoa(ns) + " waitlists", Got: strconv.Itoa(len(got)) + " waitlists"}
	}
	// first[w][s]: the first place of slot s, among chunk w's, whose entry
	// differs, or -1. Chunks hold ascending places of every slot, so the
	// first chunk with a difference has the slot's first.
	first := make([][]int, len(l.next))
	for w := range first {
		first[w] = make([]int, ns)
		for s := range first[w] {
			first[w][s] = -1
		}
	}
	p.fill(o, l, &waitOutput{got: got, gotOrder: order, first: first})
	for s := range ns {
		slot := p.slotID(int32(s))
		g := got[s]
		if g.Slot != slot {
			return &MismatchError{Reason: MismatchWaitlist, Index: -1, Slot: slot, Want: "slot " + strconv.Quote(slot), Got: "slot " + strconv.Quote(g.Slot)}
		}
		for w := range first {
			if t := first[w][s]; t >= 0 {
				id := p.rankID(&o.ranks[p.rankAt(o, s, t)])
				return &MismatchError{Reason: MismatchWaitlist, Index: t, Entry: id, Slot: slot, Want: strconv.Quote(id), Got: strconv.Quote(g.Entries[t])}
			}
		}
		want := l.len(s)
		switch {
		case len(g.Entries) < want:
			n := len(g.Entries)
			return &MismatchError{Reason: MismatchWaitlist, Index: n, Entry: p.rankID(&o.ranks[p.rankAt(o, s, n)]), Slot: slot, Want: nItems(want), Got: nItems(n)}
		case len(g.Entries) > want:
			return &MismatchError{Reason: MismatchWaitlist, Index: want, Entry: g.Entries[want], Slot: slot, Want: nItems(want), Got: nItems(len(g.Entries))}
		}
	}
	return nil
}

// rankAt returns the rank at place t of slot s's waitlist. It walks the
// ranks, and is only used to name a difference.
func (p *prepared) rankAt(o *outcome, s, t int) int {
	rank := -1
	p.eachWaiting(o, 0, len(o.ranks), func(k int, x int32) {
		if int(x) == s {
			if t == 0 && rank < 0 {
				rank = k
			}
			t--
		}
	})
	return rank
}
