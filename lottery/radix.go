package lottery

import (
	"encoding/binary"
	"math/bits"
	"slices"
)

// rec is one item to sort, by (tier, key, tie) ascending. Both sorts of
// a draw use it:
//
//   - the ID sort, with key holding 31 bytes of the ID and tie the
//     entry's input index (see idKey);
//   - the priority order, with the tier, the entry's key and its
//     canonical position as tie; it also carries what allocation and
//     publishing read of each entry (the key itself, size, category,
//     preferences, ID), so that after sorting everything is read front
//     to back instead of through a cache miss per entry per array.
//
// It is 56 bytes: every byte is moved by each pass of the sort, so the
// category and the preferences are packed for the common case (see
// outcome.prefsOf and outcome.catOf).
type rec struct {
	key  [4]uint64 // big-endian words
	tier uint32
	tie  int32

	idOff uint32 // the ID is prepared.ids[idOff:][:idLen+1]
	size  uint16
	// prefs holds up to three preferences (slot positions below 65536);
	// an entry with more, or any entry when there are more slots, has
	// its preferences at prepared.prefs[prefs[0] | prefs[1]<<16:].
	prefs  [inlinePrefs]uint16
	idLen  uint8 // the ID's length less one (IDs are 1..256 bytes)
	nprefs uint8
	cat    uint8 // reserved category: see catOf
	_      uint8
}

// Values of rec.cat besides the positions of the first 253 reserved
// categories.
const (
	catNone   = 255 // no reserved category (noCategory or otherCategory)
	catLookup = 254 // look it up: there are more reserved categories
	maxRecCat = 253
)

// inlinePrefs is the most preferences a priority record holds itself.
const inlinePrefs = 3

// cmpRec orders records by (tier, key, tie).
func cmpRec(a, b *rec) int {
	switch {
	case a.tier != b.tier:
		return cmpU(uint64(a.tier), uint64(b.tier))
	case a.key[0] != b.key[0]:
		return cmpU(a.key[0], b.key[0])
	case a.key[1] != b.key[1]:
		return cmpU(a.key[1], b.key[1])
	case a.key[2] != b.key[2]:
		return cmpU(a.key[2], b.key[2])
	case a.key[3] != b.key[3]:
		return cmpU(a.key[3], b.key[3])
	}
	return int(a.tie) - int(b.tie)
}

func cmpU(a, b uint64) int {
	if a < b {
		return -1
	}
	return 1
}

// sameKey reports whether two records have the same tier and key.
func (r *rec) sameKey(o *rec) bool { return r.tier == o.tier && r.key == o.key }

// Digits are the 36 bytes of (tier, key), numbered from the least
// significant: digit d < 32 is byte d%8 of key[3-d/8], digits 32..35 are
// the bytes of tier.
func digit(r *rec, d int) byte {
	if d >= 32 {
		return byte(r.tier >> (8 * (d - 32)))
	}
	return byte(r.key[3-d/8] >> (8 * (d % 8)))
}

// insertionMax is the bucket size below which the radix sort finishes with
// an insertion sort: cheaper than another counting pass over 256 buckets,
// as long as the quadratic number of 56-byte moves stays small.
const insertionMax = 24

// sortRecs sorts a by (tier, key, tie), using buf (at least as long) as
// scratch; the result is in a. It is a most-significant-digit-first radix
// sort that skips the digits every item shares (constant tiers, an ID
// prefix common to all receipt numbers) and stops splitting a bucket once
// it is small, so uniformly random keys cost about two counting passes.
// Large inputs are split on their top digit in parallel, and workers then
// finish disjoint runs of buckets. The tie field makes every order total,
// so the result does not depend on how the work was split.
func sortRecs(a, buf []rec) {
	n := len(a)
	buf = buf[:n]
	if n < 2 {
		return
	}
	workers := workerCount(n)
	masks := make([]uint64, workers)
	parallel(n, workers, func(w, lo, hi int) { masks[w] = varyingDigits(a[lo:hi], &a[0]) })
	mask := uint64(0)
	for _, m := range masks {
		mask |= m
	}
	if workers == 1 || mask == 0 {
		msdSort(a, buf, mask, false)
		return
	}
	top := topDigit(mask)
	mask &^= 1 << top
	counts := make([][256]int, workers)
	parallel(n, workers, func(w, lo, hi int) {
		c := &counts[w]
		for k := lo; k < hi; k++ {
			c[digit(&a[k], top)]++
		}
	})
	// Each worker scatters its chunk after the items of earlier chunks.
	var start [257]int
	next := make([][256]int, workers)
	for b := range 256 {
		at := start[b]
		for w := range workers {
			next[w][b] = at
			at += counts[w][b]
		}
		start[b+1] = at
	}
	parallel(n, workers, func(w, lo, hi int) {
		pos := &next[w]
		for k := lo; k < hi; k++ {
			b := digit(&a[k], top)
			buf[pos[b]] = a[k]
			pos[b]++
		}
	})
	// Hand out contiguous runs of buckets holding about equal numbers of
	// items; each worker sorts its buckets from buf back into a.
	first := make([]int, workers+1)
	for w, b := 1, 0; w < workers; w++ {
		for b < 256 && start[b] < n*w/workers {
			b++
		}
		first[w] = b
	}
	first[workers] = 256
	parallel(workers, workers, func(w, _, _ int) {
		for b := first[w]; b < first[w+1]; b++ {
			if lo, hi := start[b], start[b+1]; lo < hi {
				msdSort(buf[lo:hi], a[lo:hi], mask, true)
			}
		}
	})
}

// varyingDigits returns a bit mask of the digits in which some item of a
// differs from ref (so, over chunks, the digits that vary at all).
func varyingDigits(a []rec, ref *rec) uint64 {
	var and, or [5]uint64
	for w := range 4 {
		and[w], or[w] = ref.key[w], ref.key[w]
	}
	and[4], or[4] = uint64(ref.tier), uint64(ref.tier)
	for k := range a {
		r := &a[k]
		for w := range 4 {
			and[w] &= r.key[w]
			or[w] |= r.key[w]
		}
		and[4] &= uint64(r.tier)
		or[4] |= uint64(r.tier)
	}
	var mask uint64
	for d := range 36 {
		var diff uint64
		if d >= 32 {
			diff = and[4] ^ or[4]
		} else {
			diff = and[3-d/8] ^ or[3-d/8]
		}
		if byte(diff>>(8*(d%8))) != 0 {
			mask |= 1 << d
		}
	}
	return mask
}

func topDigit(mask uint64) int { return 63 - bits.LeadingZeros64(mask) }

// msdSort sorts the items in data on the digits in mask, most significant
// first, and then on whatever of (tier, key, tie) the digits left out,
// using scratch (as long as data). The result ends in scratch if toScratch
// is set, else in data: each counting pass moves the items from one array
// to the other, so the recursion alternates rather than copying back after
// every pass.
func msdSort(data, scratch []rec, mask uint64, toScratch bool) {
	for len(data) > insertionMax && mask != 0 {
		d := topDigit(mask)
		mask &^= 1 << d
		var count [256]int
		for k := range data {
			count[digit(&data[k], d)]++
		}
		if count[digit(&data[0], d)] == len(data) {
			continue // every item of this bucket has this digit
		}
		var next [256]int
		sum := 0
		for b := range 256 {
			next[b] = sum
			sum += count[b]
		}
		for k := range data {
			b := digit(&data[k], d)
			scratch[next[b]] = data[k]
			next[b]++
		}
		// next[b] is now the end of bucket b.
		lo := 0
		for b := range 256 {
			if hi := next[b]; hi > lo {
				msdSort(scratch[lo:hi], data[lo:hi], mask, !toScratch)
				lo = hi
			}
		}
		return
	}
	if len(data) <= insertionMax {
		insertionSort(data)
	} else {
		// Only equal digits left (equal keys, or equal IDs): finish on
		// the rest of the comparison.
		slices.SortFunc(data, func(x, y rec) int { return cmpRec(&x, &y) })
	}
	if toScratch {
		copy(scratch, data)
	}
}

func insertionSort(a []rec) {
	for k := 1; k < len(a); k++ {
		x := a[k]
		j := k
		for j > 0 && cmpRec(&x, &a[j-1]) < 0 {
			a[j] = a[j-1]
			j--
		}
		a[j] = x
	}
}

// idChunk is the number of ID bytes one level of the ID sort compares.
const idChunk = 31

// idKey returns the sort key of the 31 bytes of s starting at off,
// zero-padded, followed by a byte saying how many bytes remain from off
// (0..31), or 32 when more remain. Comparing keys compares the strings
// bytewise over those 31 bytes, and a string that ends inside them sorts
// before any longer string with the same bytes.
func idKey(s string, off int) (key [4]uint64) {
	r := len(s) - off
	var b [idChunk + 1]byte
	if r > 0 {
		copy(b[:idChunk], s[off:])
	}
	b[idChunk] = byte(min(max(r, 0), idChunk+1))
	for w := range key {
		key[w] = binary.BigEndian.Uint64(b[8*w:])
	}
	return key
}

// idRec is the ID sort's record of item i, whose ID is s, from byte off.
func idRec(s string, off int, i int32) rec {
	return rec{key: idKey(s, off), tie: i}
}

// chunkLen is how many bytes of the ID remain in an ID sort record's chunk,
// or idChunk+1 if the ID goes on.
func (r *rec) chunkLen() int { return int(r.key[3] & 0xff) }

// continues reports whether the ID a record was built from goes on past
// the record's 31 bytes.
func (r *rec) continues() bool { return r.chunkLen() == idChunk+1 }

// idBytes appends the ID bytes a record holds to b.
func (r *rec) idBytes(b []byte) []byte {
	var id [32]byte
	for w := range r.key {
		binary.BigEndian.PutUint64(id[8*w:], r.key[w])
	}
	return append(b, id[:min(r.chunkLen(), idChunk)]...)
}

// sortByID sorts items by ID, compared as bytes. a must hold, for every
// item, idRec(id(i), 0, i); buf is scratch as long as a. It returns the
// items in ID order, equal IDs in ascending item order, and the ranges of
// that order where two or more items have the same non-empty ID.
//
// Items are radix sorted on their first 31 bytes; a group of items whose
// IDs agree on those and go on is sorted again on the next 31, and so on,
// so receipt numbers that share a long prefix cost a few counting passes,
// not a comparison sort. A group that agrees and ends there is a set of
// equal IDs: duplicates come out of the sort at no extra cost.
//
// Afterwards a[c] is the record of the item at c (its tie), or a record
// that continues().
func sortByID(a, buf []rec, id func(int32) string) (order []int32, dups [][2]int) {
	order = make([]int32, len(a))
	sortIDLevel(order, a, buf, id, 0, &dups)
	return order, dups
}

// sortIDLevel sorts the records a (keys of the IDs from byte off on) and
// writes the items, in order, to out.
func sortIDLevel(out []int32, a, buf []rec, id func(int32) string, off int, dups *[][2]int) {
	sortRecs(a, buf)
	workers := workerCount(len(a))
	equal := make([]bool, workers)
	parallel(len(a), workers, func(w, lo, hi int) {
		for k := lo; k < hi; k++ {
			out[k] = a[k].tie
			if k > 0 && a[k].sameKey(&a[k-1]) {
				equal[w] = true
			}
		}
	})
	if !slices.Contains(equal, true) {
		return // distinct IDs, all within this chunk of bytes
	}
	// Runs of equal keys: IDs that go on are sorted on their next chunk;
	// IDs that end here are equal (and, by tie, in item order). Collect
	// the runs before recursing, which reuses a and buf.
	var runs [][2]int
	for lo := 0; lo < len(a); {
		hi := lo + 1
		for hi < len(a) && a[hi].sameKey(&a[lo]) {
			hi++
		}
		if hi-lo > 1 {
			runs = append(runs, [2]int{lo, hi})
		}
		lo = hi
	}
	for _, r := range runs {
		lo, hi := r[0], r[1]
		if !a[lo].continues() {
			// An empty ID is reported as such, not as a duplicate.
			if off > 0 || a[lo].chunkLen() > 0 {
				*dups = append(*dups, [2]int{lo, hi})
			}
			continue
		}
		sub := a[lo:hi]
		for k, x := range out[lo:hi] {
			sub[k] = idRec(id(x), off+idChunk, x)
		}
		at := len(*dups)
		sortIDLevel(out[lo:hi], sub, buf[lo:hi], id, off+idChunk, dups)
		for k := at; k < len(*dups); k++ {
			(*dups)[k][0] += lo
			(*dups)[k][1] += lo
		}
		// Leave records that say only "a longer ID": a record holds a
		// whole ID only where it does not continue.
		for k := range sub {
			sub[k] = rec{key: [4]uint64{3: idChunk + 1}, tie: out[lo+k]}
		}
	}
}
