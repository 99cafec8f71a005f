package lottery

import "slices"

// prepareEntries sorts the entries by ID, finds duplicate IDs, then checks
// every entry in parallel, writing its compact record, preferences, ID and
// category at its canonical position. Workers write disjoint positions and
// keep their own problem lists, so nothing depends on GOMAXPROCS.
func (p *prepared) prepareEntries(ps *problems) {
	entries := p.in.Entries
	n := len(entries)
	if n > MaxEntries {
		ps.add(secConfig, 0, &InputError{Field: "entries", Reason: ReasonBadConfig, Value: itoa(n), Want: rangeText(0, MaxEntries)})
		return
	}
	p.scratch = [2][]rec{make([]rec, n), make([]rec, n)}
	canon := sortByIDScratch(n, func(i int32) string { return entries[i].ID }, p.scratch[0], p.scratch[1])
	pos := make([]int32, n)
	for c, i := range canon {
		pos[i] = int32(c)
	}
	// Lengths in input order (a sequential read), then offsets in canonical
	// order from that small array. Over-long values are clamped here and
	// rejected by checkEntry.
	lens := make([]uint32, n) // idLen | catLen<<10 | nprefs<<20
	for i := range entries {
		e := &entries[i]
		lens[i] = uint32(min(len(e.ID), MaxIDBytes)) |
			uint32(min(len(e.Category), MaxIDBytes))<<10 |
			uint32(min(len(e.Prefs), MaxPrefsLimit+1))<<20
	}
	p.info = make([]info, n)
	var nprefs, nids, ncats uint32
	for c, i := range canon {
		l := lens[i]
		in := &p.info[c]
		in.prefOff, in.nprefs = nprefs, uint8(l>>20)
		in.idOff, in.idLen = nids, uint16(l&0x3ff)
		in.catOff, in.catLen = ncats, uint16(l>>10&0x3ff)
		nprefs += uint32(in.nprefs)
		nids += uint32(in.idLen)
		ncats += uint32(in.catLen)
	}
	p.prefs = make([]int32, nprefs)
	ids := make([]byte, nids)
	cats := make([]byte, ncats)

	workers := workerCount(n)
	found := make([]problems, workers)
	parallel(n, workers, func(w, lo, hi int) {
		for i := lo; i < hi; i++ {
			c := pos[i]
			e := &entries[i]
			in := p.checkEntry(int32(i), c, &found[w])
			copy(ids[in.idOff:in.idOff+uint32(in.idLen)], e.ID)
			copy(cats[in.catOff:in.catOff+uint32(in.catLen)], e.Category)
		}
	})
	p.ids, p.cats = string(ids), string(cats)
	for _, f := range found {
		*ps = append(*ps, f...)
	}
	// Equal IDs are adjacent in canonical order; compare them in the arena,
	// which is read in order. (Over-long IDs are clamped there, so an
	// over-long ID is compared with the input's own copy.)
	for c := 1; c < n; c++ {
		if a, b := p.id(int32(c-1)), p.id(int32(c)); a == b && a != "" &&
			entries[canon[c-1]].ID == entries[canon[c]].ID {
			ps.add(secEntry, int(canon[c]), &InputError{Entry: entries[canon[c]].ID, Field: "id", Reason: ReasonDuplicateEntry})
		}
	}
}

// textProblem returns why s is not an acceptable ID or category, or "".
func textProblem(s string, required bool) (Reason, string) {
	switch {
	case s == "" && required:
		return ReasonEmptyID, ""
	case len(s) > MaxIDBytes:
		return ReasonIDTooLong, itoa(len(s))
	case !validUTF8(s):
		return ReasonInvalidText, ""
	}
	return "", ""
}

// checkEntry validates entry i (input index) and fills its compact record
// and preferences at canonical position c, which it returns. It allocates
// only to report a problem.
func (p *prepared) checkEntry(i, c int32, ps *problems) *info {
	e := &p.in.Entries[i]
	cfg := &p.in.Config
	report := func(field string, r Reason, value, want string) {
		ps.add(secEntry, int(i), &InputError{Entry: e.ID, Field: field, Reason: r, Value: value, Want: want})
	}
	if r, v := textProblem(e.ID, true); r != "" {
		report("id", r, v, wantText(r))
	}
	if r, v := textProblem(e.Category, false); r != "" {
		report("category", r, v, wantText(r))
	}
	if e.Size < 1 || e.Size > cfg.MaxGroupSize {
		report("size", ReasonSizeOutOfRange, itoa(e.Size), rangeText(1, max(cfg.MaxGroupSize, 1)))
	}
	if e.Weight < 1 || e.Weight > MaxWeight {
		report("weight", ReasonWeightOutOfRange, itoa(e.Weight), rangeText(1, MaxWeight))
	}
	if e.Tier < 0 || e.Tier > MaxCapacity {
		report("tier", ReasonTierOutOfRange, itoa(e.Tier), rangeText(0, MaxCapacity))
	}
	in := &p.info[c]
	in.size = uint16(min(max(e.Size, 0), MaxGroupSizeLimit))
	in.weight = uint16(min(max(e.Weight, 0), MaxWeight))
	in.tier = uint32(min(max(e.Tier, 0), MaxCapacity))
	in.cat = p.poolOf(e.Category)

	switch {
	case len(e.Prefs) == 0:
		report("prefs", ReasonNoPrefs, "", "")
	case len(e.Prefs) > cfg.MaxPrefs:
		report("prefs", ReasonTooManyPrefs, itoa(len(e.Prefs)), itoa(max(cfg.MaxPrefs, 0)))
	}
	out := p.prefs[in.prefOff : in.prefOff+uint32(in.nprefs)]
	for k := range out {
		id := e.Prefs[k]
		s, ok := p.slotPos.lookup(id)
		if !ok {
			ps.add(secEntry, int(i), &InputError{Entry: e.ID, Slot: id, Field: "prefs[" + itoa(k) + "]", Reason: ReasonUnknownSlot})
			s = -1
		}
		if s >= 0 && slices.Contains(out[:k], s) {
			ps.add(secEntry, int(i), &InputError{Entry: e.ID, Slot: id, Field: "prefs[" + itoa(k) + "]", Reason: ReasonRepeatedSlot})
		}
		out[k] = s
	}
	return in
}

func wantText(r Reason) string {
	if r == ReasonIDTooLong {
		return itoa(MaxIDBytes)
	}
	return ""
}

// poolOf returns the position of the reserved category, or -1. There are
// usually a handful, and a linear scan is cheaper than a map lookup per
// entry.
func (p *prepared) poolOf(category string) int32 {
	if category == "" {
		return -1
	}
	if len(p.pools) > 8 {
		if k, ok := p.poolPos[category]; ok {
			return k
		}
		return -1
	}
	for k, pool := range p.pools {
		if pool == category {
			return int32(k)
		}
	}
	return -1
}
