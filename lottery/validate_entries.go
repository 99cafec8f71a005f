package lottery

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
	p.idOff = make([]int, n+1)
	p.catOff = make([]int, n+1)
	nprefs := 0
	for c, i := range canon {
		l := lens[i]
		p.info[c].prefOff = uint32(nprefs)
		p.info[c].nprefs = uint8(l >> 20)
		nprefs += int(l >> 20)
		p.idOff[c+1] = p.idOff[c] + int(l&0x3ff)
		p.catOff[c+1] = p.catOff[c] + int(l>>10&0x3ff)
	}
	p.prefs = make([]int32, nprefs)
	ids := make([]byte, p.idOff[n])
	cats := make([]byte, p.catOff[n])

	workers := workerCount(n)
	found := make([]problems, workers)
	parallel(n, workers, func(w, lo, hi int) {
		for i := lo; i < hi; i++ {
			c := pos[i]
			e := &entries[i]
			p.checkEntry(int32(i), c, &found[w])
			copy(ids[p.idOff[c]:p.idOff[c+1]], e.ID)
			copy(cats[p.catOff[c]:p.catOff[c+1]], e.Category)
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
// and preferences at canonical position c. It allocates only to report a
// problem.
func (p *prepared) checkEntry(i, c int32, ps *problems) {
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
	out := p.prefsOf(c)
	for k := range out {
		id := e.Prefs[k]
		s, ok := p.slotPos.lookup(id)
		if !ok {
			ps.add(secEntry, int(i), &InputError{Entry: e.ID, Slot: id, Field: "prefs[" + itoa(k) + "]", Reason: ReasonUnknownSlot})
			s = -1
		}
		out[k] = s
		for _, prev := range e.Prefs[:k] {
			if prev == id {
				ps.add(secEntry, int(i), &InputError{Entry: e.ID, Slot: id, Field: "prefs[" + itoa(k) + "]", Reason: ReasonRepeatedSlot})
				break
			}
		}
	}
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
