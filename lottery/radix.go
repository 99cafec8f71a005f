package lottery

import (
	"encoding/binary"
	"slices"
	"strings"
)

// rec is one item to sort: by hi, then by lo, both ascending. i says which
// item it is.
type rec struct {
	hi, lo uint64
	i      int32
}

// sortRecs sorts a by (hi, lo), stably, using buf (as long as a) as
// scratch, and returns whichever of the two holds the result. Large inputs
// are split on their most significant varying byte into up to 256 buckets,
// which workers then finish independently with an LSD radix sort; each
// bucket is small enough to stay in cache.
func sortRecs(a, buf []rec) []rec {
	n := len(a)
	if n < 1<<16 {
		return radixSort(a, buf, 16)
	}
	// Counting sort on the most significant varying digit, in parallel:
	// each worker counts its own chunk, then scatters it to positions
	// after the items of earlier chunks, which keeps the sort stable.
	workers := workerCount(n)
	counts := make([][16][256]int, workers)
	parallel(n, workers, func(w, lo, hi int) { histogram(a[lo:hi], &counts[w], 16) })
	var total [16][256]int
	for w := range counts {
		for d := range 16 {
			for b := range 256 {
				total[d][b] += counts[w][d][b]
			}
		}
	}
	top := -1
	for d := 15; d >= 0; d-- {
		if total[d][digit(&a[0], d)] != n {
			top = d
			break
		}
	}
	if top < 0 {
		return a // all keys equal
	}
	var start [257]int
	for b := range 256 {
		start[b+1] = start[b] + total[top][b]
	}
	next := make([][256]int, workers)
	for b := range 256 {
		at := start[b]
		for w := range workers {
			next[w][b] = at
			at += counts[w][top][b]
		}
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
	// items: worker w takes the buckets that start in its share of [0,n).
	first := make([]int, workers+1)
	for w, b := 1, 0; w <= workers; w++ {
		for b < 256 && start[b] < n*w/workers {
			b++
		}
		first[w] = b
	}
	first[workers] = 256
	parallel(workers, workers, func(w, _, _ int) {
		for b := first[w]; b < first[w+1]; b++ {
			if start[b] == start[b+1] {
				continue
			}
			seg := buf[start[b]:start[b+1]]
			if out := radixSort(seg, a[start[b]:start[b+1]], top); &out[0] != &seg[0] {
				copy(seg, out)
			}
		}
	})
	return buf
}

func digit(r *rec, d int) byte {
	if d < 8 {
		return byte(r.lo >> (8 * d))
	}
	return byte(r.hi >> (8 * (d - 8)))
}

// histogram counts the digits below limit of every item.
func histogram(a []rec, counts *[16][256]int, limit int) {
	for k := range a {
		lo, hi := a[k].lo, a[k].hi
		for d := range min(limit, 8) {
			counts[d][byte(lo>>(8*d))]++
		}
		for d := 8; d < limit; d++ {
			counts[d][byte(hi>>(8*(d-8)))]++
		}
	}
}

// radixSort sorts a by its digits below digit limit (0..16; digit d is
// byte d of lo for d < 8, byte d-8 of hi otherwise) with a
// least-significant-digit radix sort of 8-bit digits, skipping digits
// that are the same in every item. buf must be as long as a. It returns
// whichever of a and buf holds the result. The sort is stable.
func radixSort(a, buf []rec, limit int) []rec {
	n := len(a)
	if n < 2 {
		return a
	}
	var counts [16][256]int
	histogram(a, &counts, limit)
	src, dst := a, buf
	for d := range limit {
		c := &counts[d]
		if c[digit(&src[0], d)] == n {
			continue // every item has this digit: the pass would not move anything
		}
		var pos [256]int
		sum := 0
		for b := range 256 {
			pos[b] = sum
			sum += c[b]
		}
		for k := range src {
			b := digit(&src[k], d)
			dst[pos[b]] = src[k]
			pos[b]++
		}
		src, dst = dst, src
	}
	return src
}

// idChunk is the number of ID bytes one level of sortByID compares.
const idChunk = 15

// idKey packs the 15 bytes of s starting at off, zero-padded, into hi (8
// bytes) and the top 56 bits of lo (7 bytes); the low byte of lo is how
// many bytes remain from off (0..15), or 16 when more remain. Comparing
// (hi, lo) compares the strings bytewise over those 15 bytes, and a string
// that ends inside them sorts before any longer string with the same
// bytes.
func idKey(s string, off int) (hi, lo uint64) {
	r := len(s) - off
	var b [idChunk + 1]byte
	if r > 0 {
		copy(b[:idChunk], s[off:])
	}
	hi = binary.BigEndian.Uint64(b[:8])
	lo = binary.BigEndian.Uint64(b[8:])
	return hi, lo | uint64(min(max(r, 0), idChunk+1))
}

// sortByID returns the indices 0..n-1 sorted by id(i) compared as bytes;
// equal IDs keep index order. It is a most-significant-first radix sort
// over 15-byte chunks, so receipt numbers that share a long prefix cost a
// few counting passes, not a comparison sort. The first chunk of every ID
// is read in index order, which is the order the caller's memory holds
// them in.
func sortByID(n int, id func(int32) string) []int32 {
	return sortByIDScratch(n, id, make([]rec, n), make([]rec, n))
}

// sortByIDScratch is sortByID with caller-provided scratch space (two
// slices of at least n records), so one allocation serves several sorts.
func sortByIDScratch(n int, id func(int32) string, a, buf []rec) []int32 {
	idx := make([]int32, n)
	for k := range idx {
		idx[k] = int32(k)
	}
	sortIDLevel(idx, id, 0, a[:n], buf[:n])
	return idx
}

func sortIDLevel(idx []int32, id func(int32) string, off int, a, buf []rec) {
	if len(idx) <= 256 {
		slices.SortStableFunc(idx, func(x, y int32) int {
			return strings.Compare(id(x)[off:], id(y)[off:])
		})
		return
	}
	a, buf = a[:len(idx)], buf[:len(idx)]
	parallel(len(idx), workerCount(len(idx)), func(_, lo, hi int) {
		for k := lo; k < hi; k++ {
			x := idx[k]
			h, l := idKey(id(x), off)
			a[k] = rec{hi: h, lo: l, i: x}
		}
	})
	sorted := sortRecs(a, buf)
	// Runs of equal keys whose IDs continue past this chunk are sorted by
	// the next chunk. Collect them first: recursion reuses a and buf.
	var runs [][2]int
	for lo := 0; lo < len(sorted); {
		hi := lo + 1
		for hi < len(sorted) && sorted[hi].hi == sorted[lo].hi && sorted[hi].lo == sorted[lo].lo {
			hi++
		}
		if hi-lo > 1 && sorted[lo].lo&0xff == idChunk+1 {
			runs = append(runs, [2]int{lo, hi})
		}
		lo = hi
	}
	for k := range sorted {
		idx[k] = sorted[k].i
	}
	for _, r := range runs {
		sortIDLevel(idx[r[0]:r[1]], id, off+idChunk, a, buf)
	}
}
