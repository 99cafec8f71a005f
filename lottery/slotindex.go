package lottery

import "hash/maphash"

// slotIndex maps slot IDs to canonical slot positions. It is an
// open-addressing table over hash/maphash: entries name their preferences
// by slot ID, and a draw looks up millions of them. The hash seed is
// random, but only decides where IDs sit in the table, never a result.
type slotIndex struct {
	seed  maphash.Seed
	mask  uint64
	slots []slotCell
}

type slotCell struct {
	id  string
	pos int32 // -1: empty
}

func newSlotIndex(ids []string) *slotIndex {
	size := 8
	for size < 2*len(ids) {
		size *= 2
	}
	t := &slotIndex{seed: maphash.MakeSeed(), mask: uint64(size - 1), slots: make([]slotCell, size)}
	for k := range t.slots {
		t.slots[k].pos = -1
	}
	for pos, id := range ids {
		if _, dup := t.lookup(id); dup {
			continue // the first of duplicate IDs wins; duplicates are rejected anyway
		}
		h := maphash.String(t.seed, id) & t.mask
		for t.slots[h].pos >= 0 {
			h = (h + 1) & t.mask
		}
		t.slots[h] = slotCell{id: id, pos: int32(pos)}
	}
	return t
}

func (t *slotIndex) lookup(id string) (int32, bool) {
	h := maphash.String(t.seed, id) & t.mask
	for {
		c := &t.slots[h]
		if c.pos < 0 {
			return 0, false
		}
		if c.id == id {
			return c.pos, true
		}
		h = (h + 1) & t.mask
	}
}
