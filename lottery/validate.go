package lottery

import (
	"cmp"
	"math"
	"slices"
	"strconv"
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

// prepared is a validated input laid out for the draw: slots and entries
// in canonical order (by ID bytes), with compact per-entry records and the
// entry IDs and categories copied into one arena in that order, so every
// later pass reads memory sequentially. It never changes the Input.
type prepared struct {
	in      *Input
	maxWins int

	slotOrder []int32    // canonical slot position -> index in in.Slots
	slotPos   *slotIndex // slot ID -> canonical slot position
	general   []int32    // per slot: capacity minus all reserved seats
	pools     []string   // reserved categories, sorted by bytes
	poolPos   map[string]int32
	reserved  []int32 // [slot*len(cats)+cat]: reserved seats

	info  []info  // by canonical entry position
	prefs []int32 // canonical slot positions; entry c's are prefs[info[c].prefOff:][:info[c].nprefs]
	ids   string  // every ID, in canonical order (see info.idOff)
	cats  string  // every category, in canonical order (see info.catOff)

	// scratch is sort space for the priority order, left over from the ID
	// sort; nil once used.
	scratch [2][]rec
}

// info is what the draw needs of one entry: one cache line's worth,
// offsets included, so reaching an entry costs one memory access.
type info struct {
	prefOff uint32 // preferences at prefs[prefOff:][:nprefs]
	idOff   uint32 // ID at ids[idOff:][:idLen]
	catOff  uint32 // category at cats[catOff:][:catLen]
	tier    uint32
	cat     int32 // reserved category position, or -1 if none is reserved anywhere
	size    uint16
	weight  uint16
	idLen   uint16
	catLen  uint16
	nprefs  uint8
}

func (p *prepared) id(c int32) string {
	in := &p.info[c]
	return p.ids[in.idOff : in.idOff+uint32(in.idLen)]
}

func (p *prepared) category(c int32) string {
	in := &p.info[c]
	return p.cats[in.catOff : in.catOff+uint32(in.catLen)]
}

func (p *prepared) prefsOf(c int32) []int32 {
	in := &p.info[c]
	return p.prefs[in.prefOff : in.prefOff+uint32(in.nprefs)]
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
	p.slotOrder = sortByID(len(slots), func(i int32) string { return slots[i].ID })
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
		total := 0
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
			total += min(seats, MaxCapacity+1)
			if seats > 0 {
				catSet[cat] = true
			}
		}
		if total > s.Capacity && s.Capacity >= 0 {
			ps.add(secSlot, i, &InputError{Slot: s.ID, Field: "reserved", Reason: ReasonReservedOverCapacity, Value: itoa(total), Want: itoa(s.Capacity)})
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
	}
	p.poolPos = catPos
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
