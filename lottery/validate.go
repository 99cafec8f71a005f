package lottery

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits on an [Input]. Wider values are rejected by validation.
const (
	// MaxWeight is the most tickets one entry may hold.
	MaxWeight = 1000
	// MaxIDBytes is the longest entry ID, slot ID or category, in bytes.
	MaxIDBytes = 256
	// MaxPrefsLimit is the largest Config.MaxPrefs (and Config.MaxWins).
	MaxPrefsLimit = 64
	// MaxGroupSizeLimit is the largest Config.MaxGroupSize.
	MaxGroupSizeLimit = 10000
	// MaxCapacity is the largest slot capacity, and the largest tier.
	MaxCapacity = math.MaxInt32
	// MaxEntries is the most entries one draw may have.
	MaxEntries = 1 << 23
)

// prepared is a validated input laid out for the draw. Entries keep their
// input index: the per-entry arrays are written while reading the input
// front to back, and only the few passes that need canonical order (the
// input digest, the result digest) translate through canon and pos. It
// never changes the Input.
type prepared struct {
	in      *Input
	maxWins int

	slotOrder []int32    // canonical slot position -> index in in.Slots
	slotPos   *slotIndex // slot ID -> canonical slot position
	general   []int32    // per slot: capacity minus all reserved seats
	pools     []string   // reserved categories, sorted by bytes
	poolPos   map[string]int32
	reserved  []int32 // [slot*len(pools)+pool]: reserved seats

	// ent has one record per entry and a last one that only ends the
	// preferences and IDs: entry i's preferences are
	// prefs[ent[i].prefOff:ent[i+1].prefOff], its ID
	// ids[ent[i].idOff:ent[i+1].idOff].
	ent   []entry
	prefs []int32 // canonical slot positions
	// ids holds every entry's ID, in input order, in one string: the
	// record's IDs are substrings of it, so publishing the order needs
	// only each ID's offset, which the priority sort carries, instead of
	// reading the Entry the ID belongs to at a random place in the input.
	ids   string
	canon []int32 // canonical position (ID order) -> input index
	pos   []int32 // input index -> canonical position
	// idKeys are the ID sort's records until the keys reuse the space:
	// if idKeys[c] is the record of entry canon[c] (its tie) and does not
	// continue, it holds that entry's whole ID (at most 31 bytes).
	idKeys []rec

	minSize int32 // the smallest group size of any entry
	wanted  int64 // the seats all entries together need, once each
	seats   int64 // the seats of all slots
	// inlinePrefs: slot positions fit priority records (see rec.prefs).
	inlinePrefs bool

	// encBuf is the input digest's buffer, for the result digest.
	encBuf []byte

	// scratch is sort space for the priority order, left over from the ID
	// sort; nil once used.
	scratch [2][]rec
}

// entry is what the draw needs of one entry: 20 bytes, read in input
// order.
type entry struct {
	prefOff uint32
	idOff   uint32
	tier    uint32
	cat     int32 // reserved category position, or noCategory or otherCategory
	size    uint16
	weight  uint16
}

// Values of entry.cat that name no reserved category.
const (
	noCategory    = -1 // the entry's category is empty
	otherCategory = -2 // no slot reserves seats for the entry's category
)

func (p *prepared) id(i int32) string { return p.in.Entries[i].ID }

// arenaID returns the ID of entry i from ids.
func (p *prepared) arenaID(i int32) string { return p.ids[p.ent[i].idOff:p.ent[i+1].idOff] }

// entryAt returns the record of the entry at canonical position c.
func (p *prepared) entryAt(c int32) *entry { return &p.ent[p.canon[c]] }

func (p *prepared) prefsOf(i int32) []int32 {
	return p.prefs[p.ent[i].prefOff:p.ent[i+1].prefOff]
}

func (p *prepared) slotID(s int32) string        { return p.in.Slots[p.slotOrder[s]].ID }
func (p *prepared) reservedAt(s, k int32) *int32 { return &p.reserved[int(s)*len(p.pools)+int(k)] }

// Validate checks the input against its own configuration and reports
// every problem at once as an *[InvalidInputError].
func (in Input) Validate() error {
	_, err := prepare(&in)
	return err
}

// problem is an InputError with where it was found, for a stable report
// order: configuration, then slots, then entries, each in input order.
type problem struct {
	section, index int
	err            *InputError
}

type problems []problem

func (ps *problems) add(section, index int, e *InputError) {
	*ps = append(*ps, problem{section, index, e})
}

func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	slices.SortStableFunc(ps, func(a, b problem) int {
		return cmp.Or(cmp.Compare(a.section, b.section), cmp.Compare(a.index, b.index))
	})
	out := &InvalidInputError{Problems: make([]*InputError, len(ps))}
	for k, p := range ps {
		out.Problems[k] = p.err
	}
	return out
}

const (
	secConfig = iota
	secSlot
	secEntry
)

func itoa(v int) string { return strconv.Itoa(v) }

func rangeText(lo, hi int) string { return itoa(lo) + ".." + itoa(hi) }

// validUTF8 is utf8.ValidString with a quicker path for the ASCII IDs that
// receipt numbers almost always are.
func validUTF8(s string) bool {
	for k := 0; k < len(s); k++ {
		if s[k] >= utf8.RuneSelf {
			return utf8.ValidString(s)
		}
	}
	return true
}

func prepare(in *Input) (*prepared, error) {
	var ps problems
	cfg := in.Config
	maxWins := cfg.MaxWins
	if maxWins == 0 {
		maxWins = 1
	}
	for _, c := range []struct {
		field     string
		v, lo, hi int
	}{
		{"config.max_prefs", cfg.MaxPrefs, 1, MaxPrefsLimit},
		{"config.max_group_size", cfg.MaxGroupSize, 1, MaxGroupSizeLimit},
		{"config.max_wins", cfg.MaxWins, 0, MaxPrefsLimit},
	} {
		if c.v < c.lo || c.v > c.hi {
			ps.add(secConfig, 0, &InputError{Field: c.field, Reason: ReasonBadConfig, Value: itoa(c.v), Want: rangeText(c.lo, c.hi)})
		}
	}
	p := &prepared{in: in, maxWins: maxWins}
	p.prepareSlots(&ps)
	p.prepareEntries(&ps)
	if err := ps.err(); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *prepared) prepareSlots(ps *problems) {
	slots := p.in.Slots
	// Slots are few (a hundred or so): a comparison sort is enough.
	p.slotOrder = make([]int32, len(slots))
	for k := range p.slotOrder {
		p.slotOrder[k] = int32(k)
	}
	slices.SortStableFunc(p.slotOrder, func(a, b int32) int { return strings.Compare(slots[a].ID, slots[b].ID) })
	catSet := map[string]bool{}
	ids := make([]string, len(slots))
	for k, i := range p.slotOrder {
		s := &slots[i]
		ids[k] = s.ID
		if k > 0 && s.ID == ids[k-1] && s.ID != "" {
			ps.add(secSlot, int(i), &InputError{Slot: s.ID, Field: "id", Reason: ReasonDuplicateSlot})
		}
	}
	p.slotPos = newSlotIndex(ids)
	for i := range slots {
		s := &slots[i]
		if r, v := textProblem(s.ID, true); r != "" {
			ps.add(secSlot, i, &InputError{Slot: s.ID, Field: "slots[" + itoa(i) + "].id", Reason: r, Value: v, Want: wantText(r)})
		}
		switch {
		case s.Capacity < 0:
			ps.add(secSlot, i, &InputError{Slot: s.ID, Field: "capacity", Reason: ReasonNegativeCapacity, Value: itoa(s.Capacity)})
		case s.Capacity > MaxCapacity:
			ps.add(secSlot, i, &InputError{Slot: s.ID, Field: "capacity", Reason: ReasonCapacityTooLarge, Value: itoa(s.Capacity), Want: itoa(MaxCapacity)})
		}
		var total int64 // the sum of capped seats; int64 so it cannot wrap on 32-bit platforms
		for _, cat := range sortedKeys(s.Reserved) {
			seats := s.Reserved[cat]
			if cat == "" {
				ps.add(secSlot, i, &InputError{Slot: s.ID, Field: "reserved", Reason: ReasonEmptyCategory})
			} else if r, v := textProblem(cat, false); r != "" {
				ps.add(secSlot, i, &InputError{Slot: s.ID, Category: cat, Field: "reserved", Reason: r, Value: v, Want: wantText(r)})
			}
			if seats < 0 {
				ps.add(secSlot, i, &InputError{Slot: s.ID, Category: cat, Field: "reserved", Reason: ReasonNegativeReserved, Value: itoa(seats)})
				continue
			}
			total += min(int64(seats), MaxCapacity+1)
			if seats > 0 {
				catSet[cat] = true
			}
		}
		if total > int64(s.Capacity) && s.Capacity >= 0 {
			ps.add(secSlot, i, &InputError{Slot: s.ID, Field: "reserved", Reason: ReasonReservedOverCapacity, Value: strconv.FormatInt(total, 10), Want: itoa(s.Capacity)})
		}
	}
	p.pools = sortedKeys(catSet)
	catPos := make(map[string]int32, len(p.pools))
	for k, c := range p.pools {
		catPos[c] = int32(k)
	}
	p.general = make([]int32, len(slots))
	p.reserved = make([]int32, len(slots)*len(p.pools))
	for k, i := range p.slotOrder {
		s := &slots[i]
		g := s.Capacity
		for _, cat := range sortedKeys(s.Reserved) {
			if seats := s.Reserved[cat]; seats > 0 && cat != "" {
				*p.reservedAt(int32(k), catPos[cat]) = int32(min(seats, MaxCapacity))
				g -= seats
			}
		}
		p.general[k] = int32(max(0, min(g, MaxCapacity)))
		p.seats += int64(max(0, min(s.Capacity, MaxCapacity)))
	}
	p.poolPos = catPos
	p.inlinePrefs = len(slots) <= 1<<16
}

// sortedKeys returns the keys of m sorted by bytes: nothing in the draw
// depends on map iteration order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
