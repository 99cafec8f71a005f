package lottery

import (
	"crypto/md5"
	"slices"
)

// MaxRFC3797Selections is how many items RFC 3797 can select: the
// selection index is two bytes.
const MaxRFC3797Selections = 1 << 16

// SelectRFC3797 selects n of a pool of items numbered 1..pool exactly as
// RFC 3797 section 4 specifies, for committees and small public draws. For
// selection i = 0, 1, ..., n-1 it computes MD5 over the two-byte big-endian
// i, the key string (see [KeyString]) and the two-byte i again, takes that
// 128-bit big-endian value modulo the number of items still in the pool,
// and selects the item at that zero-based position among the remaining
// items in their original order. It returns the selected numbers in
// selection order.
//
// MD5 is what the RFC specifies; the draw of [Draw] uses SHA-256.
func SelectRFC3797(keyString string, pool, n int) ([]int, error) {
	if n < 0 || n > pool || n > MaxRFC3797Selections || pool > MaxCapacity {
		return nil, &InputError{Field: "n", Reason: ReasonBadSelection, Value: itoa(n), Want: itoa(pool)}
	}
	remaining := make([]int, pool)
	for k := range remaining {
		remaining[k] = k + 1
	}
	msg := make([]byte, 0, len(keyString)+4)
	selected := make([]int, 0, n)
	for i := range n {
		msg = append(msg[:0], byte(i>>8), byte(i))
		msg = append(msg, keyString...)
		msg = append(msg, byte(i>>8), byte(i))
		sum := md5.Sum(msg)
		k := mod128(sum, uint64(len(remaining)))
		selected = append(selected, remaining[k])
		remaining = slices.Delete(remaining, int(k), int(k)+1)
	}
	return selected, nil
}

// mod128 returns the 128-bit big-endian value v modulo d (0 < d < 2³²),
// one byte at a time as the RFC's reference code does.
func mod128(v [16]byte, d uint64) uint64 {
	var r uint64
	for _, b := range v {
		r = (r<<8 + uint64(b)) % d
	}
	return r
}
