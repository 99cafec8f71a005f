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
	if err := p.compareOrder(o, r.Order); err != nil {
		return err
	}
	if err := p.compareWins(o, r.Wins); err != nil {
		return err
	}
	// The order matched entry by entry, so r.Order's IDs are the
	// recomputed ones, read in priority order.
	if err := p.compareWaitlists(o, r.Waitlists, r.Order); err != nil {
		return err
	}
	if d := p.resultDigest(inputDigest, seed, o); d != r.ResultDigest {
		return &MismatchError{Reason: MismatchResultDigest, Index: -1, Want: d.String(), Got: r.ResultDigest.String()}
	}
	if len(r.Events) == 0 {
		return nil
	}
	return newLive(p, o.wins, o.canonicalWaitlists()).replay(r.Events)
}

// firstMismatch runs check over [0,n) in parallel chunks and returns the
// mismatch at the smallest position, so the result is the one a
// sequential scan would give.
func firstMismatch(n, weight int, check func(k int) *MismatchError) error {
	workers := workerCount(weight)
	found := make([]*MismatchError, workers)
	parallel(n, workers, func(w, lo, hi int) {
		for k := lo; k < hi; k++ {
			if m := check(k); m != nil {
				found[w] = m
				return
			}
		}
	})
	for _, m := range found {
		if m != nil {
			return m
		}
	}
	return nil
}

func nItems(n int) string { return strconv.Itoa(n) + " items" }

func (p *prepared) compareOrder(o *outcome, got []Ranked) error {
	n := min(len(o.order), len(got))
	if err := firstMismatch(n, n, func(k int) *MismatchError {
		c := o.order[k]
		if id := p.id(c); got[k].Entry != id {
			return &MismatchError{Reason: MismatchOrder, Index: k, Entry: id, Want: strconv.Quote(id), Got: strconv.Quote(got[k].Entry)}
		}
		if got[k].Key != o.keys[c] {
			return &MismatchError{Reason: MismatchKey, Index: k, Entry: got[k].Entry, Want: o.keys[c].String(), Got: got[k].Key.String()}
		}
		return nil
	}); err != nil {
		return err
	}
	switch {
	case len(got) < len(o.order):
		return &MismatchError{Reason: MismatchOrder, Index: n, Entry: p.id(o.order[n]), Want: nItems(len(o.order)), Got: nItems(len(got))}
	case len(got) > len(o.order):
		return &MismatchError{Reason: MismatchOrder, Index: n, Entry: got[n].Entry, Want: nItems(len(o.order)), Got: nItems(len(got))}
	}
	return nil
}

func (p *prepared) compareWins(o *outcome, got []Win) error {
	for k, w := range o.wins {
		want := p.publishWin(w)
		if k >= len(got) {
			return &MismatchError{Reason: MismatchWins, Index: k, Entry: want.Entry, Slot: want.Slot, Want: nItems(len(o.wins)), Got: nItems(len(got))}
		}
		if got[k] != want {
			return &MismatchError{Reason: MismatchWins, Index: k, Entry: want.Entry, Slot: want.Slot, Want: winText(want), Got: winText(got[k])}
		}
	}
	if len(got) > len(o.wins) {
		g := got[len(o.wins)]
		return &MismatchError{Reason: MismatchWins, Index: len(o.wins), Entry: g.Entry, Slot: g.Slot, Want: nItems(len(o.wins)), Got: nItems(len(got))}
	}
	return nil
}

func (p *prepared) compareWaitlists(o *outcome, got []Waitlist, order []Ranked) error {
	if len(got) != len(o.waitlists) {
		return &MismatchError{Reason: MismatchWaitlist, Index: -1, Want: strconv.Itoa(len(o.waitlists)) + " waitlists", Got: strconv.Itoa(len(got)) + " waitlists"}
	}
	total := 0
	for _, l := range o.waitlists {
		total += len(l)
	}
	return firstMismatch(len(o.waitlists), total, func(s int) *MismatchError {
		l := o.waitlists[s]
		slot := p.slotID(int32(s))
		g := got[s]
		if g.Slot != slot {
			return &MismatchError{Reason: MismatchWaitlist, Index: -1, Slot: slot, Want: "slot " + strconv.Quote(slot), Got: "slot " + strconv.Quote(g.Slot)}
		}
		n := min(len(l), len(g.Entries))
		for k := range n {
			if id := order[l[k]].Entry; g.Entries[k] != id {
				return &MismatchError{Reason: MismatchWaitlist, Index: k, Entry: id, Slot: slot, Want: strconv.Quote(id), Got: strconv.Quote(g.Entries[k])}
			}
		}
		switch {
		case len(g.Entries) < len(l):
			return &MismatchError{Reason: MismatchWaitlist, Index: n, Entry: order[l[n]].Entry, Slot: slot, Want: nItems(len(l)), Got: nItems(len(g.Entries))}
		case len(g.Entries) > len(l):
			return &MismatchError{Reason: MismatchWaitlist, Index: n, Entry: g.Entries[n], Slot: slot, Want: nItems(len(l)), Got: nItems(len(g.Entries))}
		}
		return nil
	})
}
