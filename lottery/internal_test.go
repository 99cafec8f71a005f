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
	th := newTicketHasher(seed)
	for _, id := range []string{"R-1", "", strings.Repeat("長い受付番号", 14)} {
		best := Digest{}
		for tk := range uint32(5) {
			m := []byte("kuji-lottery/v1 ticket")
			m = append(m, make([]byte, 32-len(m))...)
			m = append(m, seed[:]...)
			m = binary.BigEndian.AppendUint32(m, uint32(len(id)))
			m = append(m, id...)
			m = binary.BigEndian.AppendUint32(m, tk)
			want := Digest(sha256.Sum256(m))
			require.Equal(t, want, *th.ticket(id, tk))
			if tk == 0 || bytes.Compare(want[:], best[:]) < 0 {
				best = want
			}
		}
		require.Equal(t, best, th.entryKey(id, 5), "the entry key is the smallest ticket key")
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
		for c, k := range p.keys(seed) {
			out[p.id(int32(c))] = k
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
	for range 3000 {
		switch r.IntN(5) {
		case 0:
			ids = append(ids, fmt.Sprintf("R%09d", r.IntN(1e6)))
		case 1:
			ids = append(ids, prefix+fmt.Sprint(r.IntN(50)))
		case 2:
			ids = append(ids, string([]byte{byte(r.IntN(3)), byte(r.IntN(256))})[:r.IntN(3)])
		case 3:
			ids = append(ids, "受付"+strings.Repeat("0", r.IntN(40)))
		default:
			b := make([]byte, r.IntN(40))
			for k := range b {
				b[k] = byte('a' + r.IntN(3))
			}
			ids = append(ids, string(b))
		}
	}
	for _, n := range []int{0, 1, 40, 300, len(ids)} {
		got := sortByID(n, func(i int32) string { return ids[i] })
		want := make([]int32, n)
		for k := range want {
			want[k] = int32(k)
		}
		slices.SortStableFunc(want, func(a, b int32) int { return strings.Compare(ids[a], ids[b]) })
		require.Equal(t, want, got, "n=%d", n)
	}
}

func TestSortRecs(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(2, 2))
	for _, n := range []int{0, 1, 1000, 70_000, 200_000} {
		a := make([]rec, n)
		for k := range a {
			a[k] = rec{hi: uint64(r.IntN(3)), lo: r.Uint64() >> (r.IntN(2) * 50), i: int32(k)}
		}
		want := slices.Clone(a)
		slices.SortStableFunc(want, func(x, y rec) int { return cmp.Or(cmp.Compare(x.hi, y.hi), cmp.Compare(x.lo, y.lo)) })
		got := sortRecs(a, make([]rec, n))
		require.Equal(t, want, got, "n=%d", n)
	}
}

// TestPriorityOrderTies forces equal key prefixes and equal keys: the
// whole key decides, then the ID.
func TestPriorityOrderTies(t *testing.T) {
	t.Parallel()
	in := Input{Config: Config{MaxPrefs: 1, MaxGroupSize: 1}, Slots: []Slot{{ID: "S", Capacity: 1}}}
	for _, id := range []string{"a", "b", "c", "d"} {
		in.Entries = append(in.Entries, Entry{ID: id, Size: 1, Weight: 1, Prefs: []string{"S"}})
	}
	p, err := prepare(&in)
	require.NoError(t, err)
	keys := make([]Digest, 4)
	keys[0][31] = 9 // a: same 8-byte prefix as everyone, larger tail
	keys[1][31] = 1 // b
	keys[2][31] = 9 // c: equal to a; a's ID sorts first
	keys[3][0] = 1  // d: larger prefix
	order := p.priorityOrder(keys)
	var ids []string
	for _, c := range order {
		ids = append(ids, p.id(c))
	}
	require.Equal(t, []string{"b", "a", "c", "d"}, ids)
}
