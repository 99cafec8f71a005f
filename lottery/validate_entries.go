package lottery

import (
	"slices"
	"unsafe"
)

// prepareEntries checks every entry and lays the entries out for the
// draw, in three passes over the input, each split across workers:
//
//  1. the first 31 bytes of every ID, for the ID sort, and how many
//     preferences and ID bytes each chunk of entries has, so that
//  2. every entry can be checked and written, with its preferences and
//     ID, to arrays in input order, each worker filling its own part; then
//  3. the entries are sorted by ID, which also finds duplicate IDs.
//
// Workers keep their own problem lists, so nothing depends on GOMAXPROCS.
func (p *prepared) prepareEntries(ps *problems) {
	entries := p.in.Entries
	n := len(entries)
	if n > MaxEntries {
		ps.add(secConfig, 0, &InputError{Field: "entries", Reason: ReasonBadConfig, Value: itoa(n), Want: rangeText(0, MaxEntries)})
		return
	}
	a, buf := make([]rec, n), make([]rec, n)
	workers := workerCount(n)
	// Per chunk: how many preferences and ID bytes, then where they start.
	prefsAt, idsAt := make([]uint32, workers+1), make([]uint32, workers+1)
	parallel(n, workers, func(w, lo, hi int) {
		var prefs, ids uint32
		for i := lo; i < hi; i++ {
			e := &entries[i]
			a[i] = idRec(e.ID, 0, int32(i))
			// At most one more than any configuration allows: enough
			// to report it, and bounded whatever the input says.
			prefs += uint32(min(len(e.Prefs), MaxPrefsLimit+1))
			ids += uint32(min(len(e.ID), MaxIDBytes))
		}
		prefsAt[w+1], idsAt[w+1] = prefs, ids
	})
	for w := range workers {
		prefsAt[w+1] += prefsAt[w]
		idsAt[w+1] += idsAt[w]
	}
	p.ent = make([]entry, n+1)
	p.ent[n] = entry{prefOff: prefsAt[workers], idOff: idsAt[workers]}
	p.prefs = make([]int32, prefsAt[workers])
	ids := make([]byte, idsAt[workers])
	found := make([]problems, workers)
	minSize, seats := make([]int32, workers), make([]int64, workers)
	parallel(n, workers, func(w, lo, hi int) {
		prefOff, idOff, least, sum := prefsAt[w], idsAt[w], int32(MaxGroupSizeLimit), int64(0)
		for i := lo; i < hi; i++ {
			prefOff = p.checkEntry(int32(i), prefOff, &found[w])
			// Over-long IDs are clipped here, and rejected by checkEntry.
			p.ent[i].idOff = idOff
			idOff += uint32(copy(ids[idOff:idOff+uint32(min(len(entries[i].ID), MaxIDBytes))], entries[i].ID))
			size := max(p.ent[i].size, 1)
			least = min(least, int32(size))
			sum += int64(size)
		}
		minSize[w], seats[w] = least, sum
	})
	// No one writes ids after this: the string shares its bytes instead
	// of copying them, as strings.Builder does.
	p.ids = unsafe.String(unsafe.SliceData(ids), len(ids))
	p.minSize = MaxGroupSizeLimit
	for w := range workers {
		*ps = append(*ps, found[w]...)
		p.minSize = min(p.minSize, minSize[w])
		p.wanted += seats[w]
	}

	canon, dups := sortByID(a, buf, p.id)
	p.canon = canon
	p.scratch = [2][]rec{a, buf}
	p.idKeys = a
	for _, d := range dups {
		// The first of equal IDs (in input order) is the entry; the
		// others are duplicates.
		for _, i := range canon[d[0]+1 : d[1]] {
			ps.add(secEntry, int(i), &InputError{Entry: entries[i].ID, Field: "id", Reason: ReasonDuplicateEntry})
		}
	}
	p.pos = make([]int32, n)
	parallel(n, workers, func(_, lo, hi int) {
		for c := lo; c < hi; c++ {
			p.pos[canon[c]] = int32(c)
		}
	})
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

// checkEntry validates entry i and fills its record, with its preferences
// from prefs[off:]; it returns where the next entry's preferences start.
// It allocates only to report a problem.
func (p *prepared) checkEntry(i int32, off uint32, ps *problems) uint32 {
	e := &p.in.Entries[i]
	cfg := &p.in.Config
	report := func(field string, r Reason, value, want string) {
		ps.add(secEntry, int(i), &InputError{Entry: e.ID, Field: field, Reason: r, Value: value, Want: want})
	}
	if r, v := textProblem(e.ID, true); r != "" {
		report("id", r, v, wantText(r))
	}
	if e.Category != "" {
		if r, v := textProblem(e.Category, false); r != "" {
			report("category", r, v, wantText(r))
		}
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
	p.ent[i] = entry{
		prefOff: off,
		size:    uint16(min(max(e.Size, 0), MaxGroupSizeLimit)),
		weight:  uint16(min(max(e.Weight, 0), MaxWeight)),
		tier:    uint32(min(max(e.Tier, 0), MaxCapacity)),
		cat:     p.poolOf(e.Category),
	}

	switch {
	case len(e.Prefs) == 0:
		report("prefs", ReasonNoPrefs, "", "")
	case len(e.Prefs) > cfg.MaxPrefs:
		report("prefs", ReasonTooManyPrefs, itoa(len(e.Prefs)), itoa(max(cfg.MaxPrefs, 0)))
	}
	k := min(len(e.Prefs), MaxPrefsLimit+1)
	out := p.prefs[off : off+uint32(k)]
	for j, id := range e.Prefs[:k] {
		s, ok := p.slotPos.lookup(id)
		if !ok {
			ps.add(secEntry, int(i), &InputError{Entry: e.ID, Slot: id, Field: "prefs[" + itoa(j) + "]", Reason: ReasonUnknownSlot})
			s = -1
		} else if slices.Contains(out[:j], s) {
			ps.add(secEntry, int(i), &InputError{Entry: e.ID, Slot: id, Field: "prefs[" + itoa(j) + "]", Reason: ReasonRepeatedSlot})
		}
		out[j] = s
	}
	return off + uint32(k)
}

func wantText(r Reason) string {
	if r == ReasonIDTooLong {
		return itoa(MaxIDBytes)
	}
	return ""
}

// poolOf returns the position of the reserved category, noCategory or
// otherCategory. There are usually a handful of reserved categories, and
// a linear scan is cheaper than a map lookup per entry.
func (p *prepared) poolOf(category string) int32 {
	if category == "" {
		return noCategory
	}
	if len(p.pools) > 8 {
		if k, ok := p.poolPos[category]; ok {
			return k
		}
		return otherCategory
	}
	for k, pool := range p.pools {
		if pool == category {
			return int32(k)
		}
	}
	return otherCategory
}
