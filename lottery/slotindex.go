package lottery

import (
	"encoding/binary"
	"math/bits"
)

// slotIndex maps slot IDs to canonical slot positions: an open-addressing
// table with a cheap hash of the ID's length and first and last eight
// bytes. Entries name their preferences by slot ID and a draw looks up
// millions of them; slot IDs are few and differ near one end or the other
// ("2021-07-24/1"), and a collision only costs a probe, never a wrong
// answer, since every hit is confirmed by comparing the whole ID.
type slotIndex struct {
	mask  uint64
	cells []slotCell
}

type slotCell struct {
	id  string
	pos int32 // -1: empty
}

func newSlotIndex(ids []string) *slotIndex {
	size := 16
	for size < 4*len(ids) {
		size *= 2
	}
	t := &slotIndex{mask: uint64(size - 1), cells: make([]slotCell, size)}
	for k := range t.cells {
		t.cells[k].pos = -1
	}
	for pos, id := range ids {
		if _, dup := t.lookup(id); dup {
			continue // the first of duplicate IDs wins; duplicates are rejected anyway
		}
		h := slotHash(id) & t.mask
		for t.cells[h].pos >= 0 {
			h = (h + 1) & t.mask
		}
		t.cells[h] = slotCell{id: id, pos: int32(pos)}
	}
	return t
}

func (t *slotIndex) lookup(id string) (int32, bool) {
	h := slotHash(id) & t.mask
	for {
		c := &t.cells[h]
		if c.pos < 0 {
			return 0, false
		}
		if c.id == id {
			return c.pos, true
		}
		h = (h + 1) & t.mask
	}
}

func slotHash(s string) uint64 {
	var head, tail uint64
	if len(s) >= 8 {
		head = binary.LittleEndian.Uint64([]byte(s[:8]))
		tail = binary.LittleEndian.Uint64([]byte(s[len(s)-8:]))
	} else {
		var b [8]byte
		copy(b[:], s)
		head = binary.LittleEndian.Uint64(b[:])
	}
	hi, lo := bits.Mul64(head^0x9e3779b97f4a7c15, tail^uint64(len(s))^0xc2b2ae3d27d4eb4f)
	return hi ^ lo
}
