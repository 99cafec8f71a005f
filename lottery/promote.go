package lottery

import (
	"sort"
	"strings"
)

// liveState is a draw's seats after the events so far: who holds what,
// the free seats of each slot and who on each waitlist was promoted.
type liveState struct {
	p      *prepared
	free   []int32 // per slot: seats nobody holds (one pool after the draw)
	held   []win   // draw wins, then promotions, in the order they happened
	active []bool  // held[k] is still held
	holds  map[[2]int32]int
	count  []uint8
	wait   [][]int32
	taken  [][]bool // taken[s][j]: wait[s][j] was promoted into s
}

func newLive(p *prepared, wins []win, wait [][]int32) *liveState {
	l := &liveState{
		p:     p,
		free:  make([]int32, len(p.slotOrder)),
		holds: make(map[[2]int32]int, len(wins)),
		count: make([]uint8, len(p.canon)),
		wait:  wait,
		taken: make([][]bool, len(wait)),
	}
	for s, i := range p.slotOrder {
		l.free[s] = int32(p.in.Slots[i].Capacity)
	}
	for s := range wait {
		l.taken[s] = make([]bool, len(wait[s]))
	}
	for _, w := range wins {
		l.hold(w)
		l.free[w.s] -= int32(p.entryAt(w.c).size)
	}
	return l
}

func (l *liveState) hold(w win) {
	l.holds[[2]int32{w.c, w.s}] = len(l.held)
	l.held = append(l.held, w)
	l.active = append(l.active, true)
	l.count[w.c]++
}

// find returns the canonical position of the entry with this ID (a
// binary search, canonical order being ID order).
func (p *prepared) find(id string) (int32, bool) {
	k := sort.Search(len(p.canon), func(k int) bool { return p.id(p.canon[k]) >= id })
	if k < len(p.canon) && p.id(p.canon[k]) == id {
		return int32(k), true
	}
	return 0, false
}

// release frees entry's seats in slot and promotes from the slot's
// waitlist (SPEC.md "Promotion"). Seats won from a reserved pool are first
// offered to waitlisted entries of that category, in waitlist order; what
// is left joins the slot's free seats, which go to the first waitlisted
// entries whose whole group fits and that are under their win limit.
func (l *liveState) release(entryID, slotID string) ([]win, error) {
	p := l.p
	c, ok := p.find(entryID)
	if !ok {
		return nil, &InputError{Entry: entryID, Reason: ReasonUnknownEntry}
	}
	s, ok := p.slotPos.lookup(slotID)
	if !ok {
		return nil, &InputError{Slot: slotID, Reason: ReasonUnknownSlot}
	}
	k, ok := l.holds[[2]int32{c, s}]
	if !ok {
		return nil, &InputError{Entry: entryID, Slot: slotID, Reason: ReasonNotHeld}
	}
	gone := l.held[k]
	delete(l.holds, [2]int32{c, s})
	l.active[k] = false
	l.count[c]--
	size := int32(p.entryAt(c).size)
	var promoted []win
	promote := func(seats *int32, pool int32, eligible func(int32) bool) {
		for {
			j := l.first(s, func(e int32) bool { return int32(p.entryAt(e).size) <= *seats && eligible(e) })
			if j < 0 {
				return
			}
			e := l.wait[s][j]
			l.taken[s][j] = true
			*seats -= int32(p.entryAt(e).size)
			w := win{c: e, s: s, pool: pool, round: 0, k: -1}
			l.hold(w)
			promoted = append(promoted, w)
		}
	}
	if gone.pool >= 0 {
		reserved := size
		promote(&reserved, gone.pool, func(e int32) bool { return p.entryAt(e).cat == gone.pool })
		l.free[s] += reserved
	} else {
		l.free[s] += size
	}
	promote(&l.free[s], -1, func(int32) bool { return true })
	return promoted, nil
}

// first returns the position in slot s's waitlist of the first entry not
// yet promoted into s, under its win limit and accepted by ok; or -1.
func (l *liveState) first(s int32, ok func(int32) bool) int {
	limit := uint8(l.p.maxWins)
	for j, e := range l.wait[s] {
		if !l.taken[s][j] && l.count[e] < limit && ok(e) {
			return j
		}
	}
	return -1
}

// Cancel records that entryID gave up its seats in slotID, promotes from
// the slot's waitlist, appends the event to the record and returns the
// promotions it caused (possibly none). An entry that does not hold a seat
// in the slot is an *[InputError] and changes nothing.
//
// The first call on a record rebuilds the seat state from the record's
// published wins, waitlists and events, in time proportional to the
// input; later calls only walk the slot's waitlist.
func (r *Record) Cancel(entryID, slotID string) ([]Win, error) {
	return r.free(EventCancel, entryID, slotID)
}

// Lapse is [Record.Cancel] for a win whose confirmation was not received
// in time; it is recorded as a distinct kind of event.
func (r *Record) Lapse(entryID, slotID string) ([]Win, error) {
	return r.free(EventLapse, entryID, slotID)
}

func (r *Record) free(kind EventKind, entryID, slotID string) ([]Win, error) {
	if err := r.ensureLive(); err != nil {
		return nil, err
	}
	ws, err := r.live.release(entryID, slotID)
	if err != nil {
		return nil, err
	}
	ev := Event{Kind: kind, Entry: entryID, Slot: slotID, Promoted: make([]Win, len(ws))}
	for k, w := range ws {
		ev.Promoted[k] = r.live.p.publishWin(w, nil)
	}
	r.Events = append(r.Events, ev)
	return ev.Promoted, nil
}

// Current returns the seats held now: the draw's wins not freed since,
// then the promotions, in the order they happened.
func (r *Record) Current() ([]Win, error) {
	if err := r.ensureLive(); err != nil {
		return nil, err
	}
	var out []Win
	for k, w := range r.live.held {
		if r.live.active[k] {
			out = append(out, r.live.p.publishWin(w, nil))
		}
	}
	return out, nil
}

// ensureLive builds the live state from the record's own wins and
// waitlists (what was published) and replays its events.
func (r *Record) ensureLive() error {
	if r.live != nil {
		return nil
	}
	p, err := prepare(&r.Input)
	if err != nil {
		return err
	}
	wins := make([]win, len(r.Wins))
	for k, w := range r.Wins {
		cw, err := p.parseWin(w)
		if err != nil {
			return err
		}
		wins[k] = cw
	}
	wait := make([][]int32, len(p.slotOrder))
	for _, wl := range r.Waitlists {
		s, ok := p.slotPos.lookup(wl.Slot)
		if !ok {
			return &InputError{Slot: wl.Slot, Field: "waitlists", Reason: ReasonUnknownSlot}
		}
		for _, id := range wl.Entries {
			c, ok := p.find(id)
			if !ok {
				return &InputError{Entry: id, Slot: wl.Slot, Field: "waitlists", Reason: ReasonUnknownEntry}
			}
			wait[s] = append(wait[s], c)
		}
	}
	l := newLive(p, wins, wait)
	if err := l.replay(r.Events); err != nil {
		return err
	}
	r.live = l
	return nil
}

func (p *prepared) parseWin(w Win) (win, error) {
	c, ok := p.find(w.Entry)
	if !ok {
		return win{}, &InputError{Entry: w.Entry, Field: "wins", Reason: ReasonUnknownEntry}
	}
	s, ok := p.slotPos.lookup(w.Slot)
	if !ok {
		return win{}, &InputError{Slot: w.Slot, Field: "wins", Reason: ReasonUnknownSlot}
	}
	pool := int32(-1)
	if w.Pool != "" {
		k, ok := p.poolPos[w.Pool]
		if !ok {
			return win{}, &InputError{Entry: w.Entry, Category: w.Pool, Field: "wins", Reason: ReasonUnknownPool}
		}
		pool = k
	}
	return win{c: c, s: s, pool: pool, round: int32(w.Round), k: -1}, nil
}

// replay applies recorded events and checks that each caused exactly the
// promotions recorded with it.
func (l *liveState) replay(events []Event) error {
	for i, ev := range events {
		if ev.Kind != EventCancel && ev.Kind != EventLapse {
			return &InputError{Entry: ev.Entry, Slot: ev.Slot, Field: "events[" + itoa(i) + "].kind", Reason: ReasonBadEventKind,
				Value: string(ev.Kind), Want: string(EventCancel) + ", " + string(EventLapse)}
		}
		ws, err := l.release(ev.Entry, ev.Slot)
		if err != nil {
			return &MismatchError{Reason: MismatchEvent, Index: i, Entry: ev.Entry, Slot: ev.Slot,
				Want: "a seat held by the entry", Got: string(ev.Kind) + " of a seat it does not hold"}
		}
		want := make([]string, len(ws))
		for k, w := range ws {
			want[k] = winText(l.p.publishWin(w, nil))
		}
		got := make([]string, len(ev.Promoted))
		for k, w := range ev.Promoted {
			got[k] = winText(w)
		}
		if strings.Join(want, ", ") != strings.Join(got, ", ") {
			return &MismatchError{Reason: MismatchEvent, Index: i, Entry: ev.Entry, Slot: ev.Slot,
				Want: "promoted [" + strings.Join(want, ", ") + "]", Got: "promoted [" + strings.Join(got, ", ") + "]"}
		}
	}
	return nil
}

func winText(w Win) string {
	s := w.Entry + "→" + w.Slot
	if w.Pool != "" {
		s += " (" + w.Pool + ")"
	}
	if w.Round != 0 {
		s += " round " + itoa(w.Round)
	}
	return s
}
