package lottery

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTicketKey checks the hasher against SPEC.md section 5 computed with
// one plain SHA-256 call per ticket.
func TestTicketKey(t *testing.T) {
	t.Parallel()
	seed := Digest(sha256.Sum256([]byte("seed")))
	fast := newTicketHasher(seed)
	require.True(t, fast.fast, "the padded path is used with this Go version")
	slow := newTicketHasher(seed)
	slow.fast = false
	// IDs whose message ends in the block after the midstate, just fits
	// it with its padding (47 bytes: 4 + 47 + 4 + 9 = 64), just does not,
	// and spans several blocks.
	ids := []string{"R-1", "", strings.Repeat("x", 47), strings.Repeat("x", 48), strings.Repeat("長い受付番号", 14)}
	for _, th := range []*ticketHasher{fast, slow} {
		for _, id := range ids {
			best := Digest{}
			for tk := range uint32(5) {
				m := []byte("kuji-lottery/v1 ticket")
				m = append(m, make([]byte, 32-len(m))...)
				m = append(m, seed[:]...)
				m = binary.BigEndian.AppendUint32(m, uint32(len(id)))
				m = append(m, id...)
				m = binary.BigEndian.AppendUint32(m, tk)
				want := Digest(sha256.Sum256(m))
				var got Digest
				th.ticket(id, tk, &got)
				require.Equal(t, want, got, "fast=%v id=%q", th.fast, id)
				if tk == 0 || bytes.Compare(want[:], best[:]) < 0 {
					best = want
				}
			}
			var got Digest
			th.entryKey(id, 5, &got)
			require.Equal(t, best, got, "the entry key is the smallest ticket key")
		}
	}
}

// TestKeysMatchSpec computes every entry's key with one plain SHA-256
// call per ticket (SPEC.md section 5) and compares the keys pass, which
// on processors with the SHA extensions batches tickets two by two
// through compress2: IDs on both sides of the one-block limit (47
// bytes), IDs of several blocks, weights that fill a batch unevenly and
// weights larger than a batch.
func TestKeysMatchSpec(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 7))
	in := Input{Config: Config{MaxPrefs: 1, MaxGroupSize: 1}, Slots: []Slot{{ID: "S", Capacity: 1}}}
	for k := range 3000 {
		n := 1 + r.IntN(60)
		if k%100 == 0 {
			n = 100 + r.IntN(157)
		}
		id := make([]byte, n)
		for j := range id {
			id[j] = byte('a' + r.IntN(26))
		}
		w := 1 + r.IntN(4)
		if k%250 == 0 {
			w = 1 + r.IntN(MaxWeight)
		}
		in.Entries = append(in.Entries, Entry{ID: string(id) + fmt.Sprint(k), Size: 1, Weight: w, Prefs: []string{"S"}})
	}
	p, err := prepare(&in)
	require.NoError(t, err)
	seed := Digest(sha256.Sum256([]byte("spec")))
	recs := make([]rec, len(in.Entries))
	p.keys(seed, recs)
	for i, e := range in.Entries {
		var want Digest
		for tk := range e.Weight {
			m := []byte(tagTicket)
			m = append(m, make([]byte, 32-len(m))...)
			m = append(m, seed[:]...)
			m = binary.BigEndian.AppendUint32(m, uint32(len(e.ID)))
			m = append(m, e.ID...)
			m = binary.BigEndian.AppendUint32(m, uint32(tk))
			if k := Digest(sha256.Sum256(m)); tk == 0 || bytes.Compare(k[:], want[:]) < 0 {
				want = k
			}
		}
		require.Equal(t, want, recs[i].keyDigest(), "entry %d (ID of %d bytes, weight %d)", i, len(e.ID), e.Weight)
		require.Equal(t, p.pos[i], recs[i].tie)
	}
}

// TestKeyDependsOnlyOnSeedIDAndWeight: for a given seed, adding or
// removing entries changes no other entry's key.
func TestKeyDependsOnlyOnSeedIDAndWeight(t *testing.T) {
	t.Parallel()
	in := Input{Config: Config{MaxPrefs: 1, MaxGroupSize: 1}, Slots: []Slot{{ID: "S", Capacity: 1}}}
	for k := range 50 {
		in.Entries = append(in.Entries, Entry{ID: fmt.Sprintf("E%02d", k), Size: 1, Weight: 1 + k%4, Prefs: []string{"S"}})
	}
	smaller := in
	smaller.Entries = slices.Concat(in.Entries[:10], in.Entries[30:])
	seed := Digest(sha256.Sum256([]byte("fixed")))
	keysOf := func(in Input) map[string]Digest {
		p, err := prepare(&in)
		require.NoError(t, err)
		out := map[string]Digest{}
		recs := make([]rec, len(in.Entries))
		p.keys(seed, recs)
		for _, r := range recs {
			out[p.id(p.canon[r.tie])] = r.keyDigest()
		}
		return out
	}
	all, some := keysOf(in), keysOf(smaller)
	require.Len(t, some, 30)
	for id, k := range some {
		require.Equal(t, all[id], k, id)
	}
}

func TestSortByID(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 1))
	prefix := strings.Repeat("receipt-", 5)
	var ids []string
	for range 20_000 {
		switch r.IntN(6) {
		case 0:
			ids = append(ids, fmt.Sprintf("R%09d", r.IntN(1e6)))
		case 1:
			ids = append(ids, prefix+fmt.Sprint(r.IntN(50)))
		case 2:
			ids = append(ids, string([]byte{byte(r.IntN(3)), byte(r.IntN(256))})[:r.IntN(3)])
		case 3:
			ids = append(ids, "受付"+strings.Repeat("0", r.IntN(40)))
		case 4:
			ids = append(ids, prefix+prefix+fmt.Sprintf("%05d", r.IntN(20_000)))
		default:
			b := make([]byte, r.IntN(40))
			for k := range b {
				b[k] = byte('a' + r.IntN(3))
			}
			ids = append(ids, string(b))
		}
	}
	for _, n := range []int{0, 1, 40, 300, 3000, len(ids)} {
		a := make([]rec, n)
		for i := range a {
			a[i] = idRec(ids[i], 0, int32(i))
		}
		got, dups := sortByID(a, make([]rec, n), func(i int32) string { return ids[i] })
		want := make([]int32, n)
		for k := range want {
			want[k] = int32(k)
		}
		slices.SortStableFunc(want, func(a, b int32) int { return strings.Compare(ids[a], ids[b]) })
		require.Equal(t, want, got, "n=%d", n)
		var wantDups [][2]int
		for lo := 0; lo < n; {
			hi := lo + 1
			for hi < n && ids[want[hi]] == ids[want[lo]] {
				hi++
			}
			if hi-lo > 1 && ids[want[lo]] != "" {
				wantDups = append(wantDups, [2]int{lo, hi})
			}
			lo = hi
		}
		slices.SortFunc(dups, func(x, y [2]int) int { return x[0] - y[0] })
		require.Equal(t, wantDups, dups, "n=%d", n)
		if n > 300 {
			require.NotEmpty(t, dups, "the IDs repeat")
		}
	}
}

func TestSortRecs(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(2, 2))
	for _, n := range []int{0, 1, 50, 1000, 70_000, 200_000} {
		a := make([]rec, n)
		for k := range a {
			a[k] = rec{tier: uint32(r.IntN(3)), tie: int32(r.IntN(n)), idOff: uint32(k)} // idOff names the item
			for w := range a[k].key {
				a[k].key[w] = r.Uint64() >> (r.IntN(2) * 50)
			}
			switch {
			case k == 0:
			case r.IntN(10) == 0:
				a[k].key = a[k-1].key // equal keys: the tie decides
			case r.IntN(10) == 0:
				a[k].key[0] = a[k-1].key[0] // equal leading words
			}
		}
		want := slices.Clone(a)
		slices.SortStableFunc(want, func(x, y rec) int { return cmpRec(&x, &y) })
		sortRecs(a, make([]rec, n))
		for k := 1; k < n; k++ {
			require.LessOrEqual(t, cmpRec(&a[k-1], &a[k]), 0, "n=%d k=%d", n, k)
		}
		// Records equal in (tier, key, tie) may come in either order;
		// the items must be the same.
		slices.SortStableFunc(a, func(x, y rec) int { return cmp.Or(cmpRec(&x, &y), cmp.Compare(x.idOff, y.idOff)) })
		require.Equal(t, want, a, "n=%d", n)
	}
}

// TestPriorityOrderTies forces equal key prefixes and equal keys: the
// whole key decides, then the ID. The entries are listed in reverse, so
// that the input order would give another answer than the ID.
func TestPriorityOrderTies(t *testing.T) {
	t.Parallel()
	in := Input{Config: Config{MaxPrefs: 1, MaxGroupSize: 1}, Slots: []Slot{{ID: "S", Capacity: 1}}}
	for _, id := range []string{"d", "c", "b", "a"} {
		in.Entries = append(in.Entries, Entry{ID: id, Size: 1, Weight: 1, Prefs: []string{"S"}})
	}
	p, err := prepare(&in)
	require.NoError(t, err)
	keys := map[string]Digest{}
	keys["a"] = Digest{31: 9} // same 8-byte prefix as everyone, larger tail
	keys["b"] = Digest{31: 1}
	keys["c"] = Digest{31: 9} // equal to a; a's ID sorts first
	keys["d"] = Digest{0: 1}  // larger prefix
	a := make([]rec, 4)
	for i := range a {
		k := keys[p.id(int32(i))]
		a[i] = rec{tie: p.pos[i]}
		for w := range a[i].key {
			a[i].key[w] = binary.BigEndian.Uint64(k[8*w:])
		}
	}
	sortRecs(a, make([]rec, 4))
	var ids []string
	for _, r := range a {
		ids = append(ids, p.id(p.canon[r.tie]))
	}
	require.Equal(t, []string{"b", "a", "c", "d"}, ids)
}
