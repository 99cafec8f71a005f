package lottery_test

import (
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/lottery"
)

// TestInputDigestLayout builds the canonical encoding of SPEC.md section 3
// by hand for a small input and checks the digest against it.
func TestInputDigestLayout(t *testing.T) {
	t.Parallel()
	in := lottery.Input{
		Config: lottery.Config{MaxPrefs: 2, MaxGroupSize: 3}, // MaxWins 0 is encoded as 1
		Slots: []lottery.Slot{
			{ID: "b", Capacity: 5},
			{ID: "a", Capacity: 4, Reserved: map[string]int{"w": 1, "r": 2, "zero": 0}},
		},
		Entries: []lottery.Entry{
			{ID: "y", Size: 2, Weight: 3, Tier: 1, Prefs: []string{"a"}},
			{ID: "x", Size: 1, Weight: 1, Category: "r", Prefs: []string{"b", "a"}},
		},
	}
	u32 := func(m []byte, v uint32) []byte { return binary.BigEndian.AppendUint32(m, v) }
	str := func(m []byte, s string) []byte { return append(u32(m, uint32(len(s))), s...) }
	m := []byte("kuji-lottery/v1 input\x00")
	m = u32(u32(u32(m, 2), 3), 1)
	m = u32(m, 2)                           // slots, by ID: a, b
	m = u32(str(m, "a"), 4)                 // a, capacity 4
	m = u32(m, 2)                           // two categories with seats ("zero" has none)
	m = u32(str(m, "r"), 2)                 // r: 2
	m = u32(str(m, "w"), 1)                 // w: 1
	m = u32(u32(str(m, "b"), 5), 0)         // b, capacity 5, no reserved seats
	m = u32(m, 2)                           // entries, by ID: x, y
	m = u32(u32(u32(str(m, "x"), 1), 1), 0) // x: size 1, weight 1, tier 0
	m = u32(str(m, "r"), 2)                 // category r, two preferences
	m = u32(u32(m, 1), 0)                   // b (position 1), a (position 0)
	m = u32(u32(u32(str(m, "y"), 2), 3), 1) // y: size 2, weight 3, tier 1
	m = u32(str(m, ""), 1)                  // no category, one preference
	m = u32(m, 0)                           // a
	d, err := in.Digest()
	require.NoError(t, err)
	require.Equal(t, lottery.Digest(sha256.Sum256(m)), d)

	in.Config.MaxWins = 1
	d1, err := in.Digest()
	require.NoError(t, err)
	require.Equal(t, d, d1, "max_wins 0 means 1")
}

// TestInputDigestCoversEveryField: changing anything the draw uses
// changes the commitment.
func TestInputDigestCoversEveryField(t *testing.T) {
	t.Parallel()
	base, err := validInput().Digest()
	require.NoError(t, err)
	for name, change := range map[string]func(in *lottery.Input){
		"max prefs":      func(in *lottery.Input) { in.Config.MaxPrefs = 3 },
		"max group size": func(in *lottery.Input) { in.Config.MaxGroupSize = 5 },
		"max wins":       func(in *lottery.Input) { in.Config.MaxWins = 2 },
		"slot ID": func(in *lottery.Input) {
			in.Slots[1].ID = "C"
			in.Entries[0].Prefs[1] = "C"
			in.Entries[1].Prefs[0] = "C"
		},
		"capacity":       func(in *lottery.Input) { in.Slots[1].Capacity = 5 },
		"reserved seats": func(in *lottery.Input) { in.Slots[0].Reserved = map[string]int{"resident": 4} },
		"reserved name":  func(in *lottery.Input) { in.Slots[0].Reserved = map[string]int{"worker": 5} },
		"entry ID":       func(in *lottery.Input) { in.Entries[0].ID = "R-0" },
		"size":           func(in *lottery.Input) { in.Entries[0].Size = 3 },
		"weight":         func(in *lottery.Input) { in.Entries[0].Weight = 2 },
		"tier":           func(in *lottery.Input) { in.Entries[0].Tier = 2 },
		"category":       func(in *lottery.Input) { in.Entries[1].Category = "worker" },
		"preference order": func(in *lottery.Input) {
			in.Entries[0].Prefs = []string{"B", "A"}
		},
		"one preference fewer": func(in *lottery.Input) { in.Entries[0].Prefs = []string{"A"} },
		"one entry more": func(in *lottery.Input) {
			in.Entries = append(in.Entries, lottery.Entry{ID: "R-3", Size: 1, Weight: 1, Prefs: []string{"A"}})
		},
	} {
		in := validInput()
		in.Slots[0].Reserved = map[string]int{"resident": 5}
		in.Entries[0].Prefs = []string{"A", "B"}
		change(&in)
		d, err := in.Digest()
		require.NoError(t, err, name)
		require.NotEqual(t, base, d, name)
	}
}

// TestInputOrderDoesNotMatter: shuffling slots and entries changes neither
// the commitment nor any result.
func TestInputOrderDoesNotMatter(t *testing.T) {
	t.Parallel()
	in := randomInput(400, 9, 11)
	a, err := lottery.Draw(in, seedForTests)
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(5, 6))
	shuffled := in
	shuffled.Slots = slices.Clone(in.Slots)
	shuffled.Entries = slices.Clone(in.Entries)
	r.Shuffle(len(shuffled.Slots), func(i, j int) { shuffled.Slots[i], shuffled.Slots[j] = shuffled.Slots[j], shuffled.Slots[i] })
	r.Shuffle(len(shuffled.Entries), func(i, j int) {
		shuffled.Entries[i], shuffled.Entries[j] = shuffled.Entries[j], shuffled.Entries[i]
	})
	b, err := lottery.Draw(shuffled, seedForTests)
	require.NoError(t, err)
	require.Equal(t, a.InputDigest, b.InputDigest)
	require.Equal(t, a.Order, b.Order)
	require.Equal(t, a.Wins, b.Wins)
	require.Equal(t, a.Waitlists, b.Waitlists)
	require.Equal(t, a.ResultDigest, b.ResultDigest)
}

// TestGOMAXPROCSDoesNotMatter draws an input large enough to be split
// across workers with one and with several processors. It changes
// GOMAXPROCS, so it does not run in parallel with other tests.
func TestGOMAXPROCSDoesNotMatter(t *testing.T) {
	in := syntheticInput(70_000, 30, 3, 6, 3, 400, true)
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	one, err := lottery.Draw(in, seedForTests)
	require.NoError(t, err)
	runtime.GOMAXPROCS(5)
	five, err := lottery.Draw(in, seedForTests)
	require.NoError(t, err)
	require.Equal(t, one.InputDigest, five.InputDigest)
	require.Equal(t, one.ResultDigest, five.ResultDigest)
	require.Equal(t, one.Order, five.Order)
	require.Equal(t, one.Wins, five.Wins)
	require.Equal(t, one.Waitlists, five.Waitlists)
	require.NoError(t, lottery.Verify(five))
}
