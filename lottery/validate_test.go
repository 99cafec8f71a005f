package lottery_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/lottery"
)

func validInput() lottery.Input {
	return lottery.Input{
		Config: lottery.Config{MaxPrefs: 2, MaxGroupSize: 4, MaxWins: 1},
		Slots: []lottery.Slot{
			{ID: "A", Capacity: 10, Reserved: map[string]int{"resident": 5}},
			{ID: "B", Capacity: 4},
		},
		Entries: []lottery.Entry{
			{ID: "R-1", Size: 2, Weight: 1, Prefs: []string{"A", "B"}, Category: "resident"},
			{ID: "R-2", Size: 4, Weight: 3, Prefs: []string{"B"}, Tier: 1},
		},
	}
}

// want is one expected problem: reason and subject.
type want struct {
	reason      lottery.Reason
	entry, slot string
}

func TestValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(in *lottery.Input)
		want   []want
	}{
		{"valid", func(*lottery.Input) {}, nil},
		{"duplicate entry IDs", func(in *lottery.Input) { in.Entries[1].ID = "R-1" }, []want{{lottery.ReasonDuplicateEntry, "R-1", ""}}},
		{"duplicate slot IDs", func(in *lottery.Input) {
			in.Slots[1].ID = "A"
			in.Entries[0].Prefs = []string{"A"}
			in.Entries[1].Prefs = []string{"A"}
		},
			[]want{{lottery.ReasonDuplicateSlot, "", "A"}}},
		{"unknown slot in preferences", func(in *lottery.Input) { in.Entries[0].Prefs[1] = "Z" }, []want{{lottery.ReasonUnknownSlot, "R-1", "Z"}}},
		{"repeated slot in preferences", func(in *lottery.Input) { in.Entries[0].Prefs[1] = "A" }, []want{{lottery.ReasonRepeatedSlot, "R-1", "A"}}},
		{"no preferences", func(in *lottery.Input) { in.Entries[1].Prefs = nil }, []want{{lottery.ReasonNoPrefs, "R-2", ""}}},
		{"too many preferences", func(in *lottery.Input) { in.Config.MaxPrefs = 1 }, []want{{lottery.ReasonTooManyPrefs, "R-1", ""}}},
		{"size below 1", func(in *lottery.Input) { in.Entries[0].Size = 0 }, []want{{lottery.ReasonSizeOutOfRange, "R-1", ""}}},
		{"size above max", func(in *lottery.Input) { in.Entries[1].Size = 5 }, []want{{lottery.ReasonSizeOutOfRange, "R-2", ""}}},
		{"weight 0", func(in *lottery.Input) { in.Entries[0].Weight = 0 }, []want{{lottery.ReasonWeightOutOfRange, "R-1", ""}}},
		{"weight 1001", func(in *lottery.Input) { in.Entries[0].Weight = 1001 }, []want{{lottery.ReasonWeightOutOfRange, "R-1", ""}}},
		{"negative tier", func(in *lottery.Input) { in.Entries[0].Tier = -1 }, []want{{lottery.ReasonTierOutOfRange, "R-1", ""}}},
		{"negative capacity", func(in *lottery.Input) { in.Slots[1].Capacity = -1 }, []want{{lottery.ReasonNegativeCapacity, "", "B"}}},
		{"reserved above capacity", func(in *lottery.Input) { in.Slots[0].Reserved = map[string]int{"resident": 6, "worker": 5} },
			[]want{{lottery.ReasonReservedOverCapacity, "", "A"}}},
		{"negative reserved", func(in *lottery.Input) { in.Slots[0].Reserved["worker"] = -1 }, []want{{lottery.ReasonNegativeReserved, "", "A"}}},
		{"empty category name", func(in *lottery.Input) { in.Slots[0].Reserved[""] = 1 }, []want{{lottery.ReasonEmptyCategory, "", "A"}}},
		{"empty entry ID", func(in *lottery.Input) { in.Entries[0].ID = "" }, []want{{lottery.ReasonEmptyID, "", ""}}},
		{"empty slot ID, and the preferences naming it", func(in *lottery.Input) { in.Slots[1].ID = ""; in.Entries[1].Prefs = []string{"A"} },
			[]want{{lottery.ReasonEmptyID, "", ""}, {lottery.ReasonUnknownSlot, "R-1", "B"}}},
		{"ID too long", func(in *lottery.Input) { in.Entries[0].ID = strings.Repeat("x", lottery.MaxIDBytes+1) },
			[]want{{lottery.ReasonIDTooLong, strings.Repeat("x", lottery.MaxIDBytes+1), ""}}},
		{"invalid UTF-8", func(in *lottery.Input) { in.Entries[1].ID = "R-\xff" }, []want{{lottery.ReasonInvalidText, "R-\xff", ""}}},
		{"bad config", func(in *lottery.Input) {
			in.Config = lottery.Config{MaxPrefs: 0, MaxGroupSize: 4, MaxWins: -1}
		}, []want{
			{lottery.ReasonBadConfig, "", ""}, {lottery.ReasonBadConfig, "", ""},
			{lottery.ReasonTooManyPrefs, "R-1", ""}, {lottery.ReasonTooManyPrefs, "R-2", ""},
		}},
		{"every problem at once, in input order", func(in *lottery.Input) {
			in.Slots[1].Capacity = -3
			in.Entries[0].Weight = 0
			in.Entries[0].Prefs = []string{"A", "nowhere"}
			in.Entries[1].Size = 9
		}, []want{
			{lottery.ReasonNegativeCapacity, "", "B"},
			{lottery.ReasonWeightOutOfRange, "R-1", ""},
			{lottery.ReasonUnknownSlot, "R-1", "nowhere"},
			{lottery.ReasonSizeOutOfRange, "R-2", ""},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := validInput()
			in.Slots[0].Reserved = map[string]int{"resident": 5}
			in.Entries[0].Prefs = []string{"A", "B"}
			tc.change(&in)
			err := in.Validate()
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, lottery.ErrInvalidInput)
			var all *lottery.InvalidInputError
			require.ErrorAs(t, err, &all)
			var got []want
			for _, p := range all.Problems {
				got = append(got, want{p.Reason, p.Entry, p.Slot})
				require.NotEmpty(t, p.English())
				require.NotEmpty(t, p.Japanese())
				require.True(t, strings.HasPrefix(p.Error(), "kuji/lottery: "+p.Code()+": "))
			}
			require.Equal(t, tc.want, got)
			var one *lottery.InputError
			require.ErrorAs(t, err, &one, "errors.As reaches each problem")
			require.Equal(t, tc.want[0].reason, one.Reason)

			// Nothing is drawn.
			r, drawErr := lottery.Draw(in, seedForTests)
			require.Nil(t, r)
			require.ErrorIs(t, drawErr, lottery.ErrInvalidInput)
		})
	}
}

func TestValidateReportsInputAndSeedTogether(t *testing.T) {
	t.Parallel()
	in := validInput()
	in.Entries[0].Weight = 0
	_, err := lottery.Draw(in, lottery.SeedMaterial{})
	var all *lottery.InvalidInputError
	require.ErrorAs(t, err, &all)
	var reasons []lottery.Reason
	for _, p := range all.Problems {
		reasons = append(reasons, p.Reason)
	}
	require.ElementsMatch(t, []lottery.Reason{lottery.ReasonWeightOutOfRange, lottery.ReasonNoRandomness}, reasons)
}

func TestManyProblemsAreSummarised(t *testing.T) {
	t.Parallel()
	in := validInput()
	for range 30 {
		in.Entries = append(in.Entries, lottery.Entry{ID: "dup", Size: 1, Weight: 1, Prefs: []string{"A"}})
	}
	err := in.Validate()
	var all *lottery.InvalidInputError
	require.ErrorAs(t, err, &all)
	require.Len(t, all.Problems, 29)
	require.Contains(t, all.English(), "29 problem(s)")
	require.Contains(t, all.English(), "and 19 more")
	require.Contains(t, all.Japanese(), "ほか 19 件")
	require.Len(t, all.Unwrap(), 29)
}

// TestMessages checks that every reason has its own English and Japanese
// message, not the fallback.
func TestMessages(t *testing.T) {
	t.Parallel()
	for _, r := range []lottery.Reason{
		lottery.ReasonBadConfig, lottery.ReasonEmptyID, lottery.ReasonIDTooLong, lottery.ReasonInvalidText,
		lottery.ReasonDuplicateSlot, lottery.ReasonNegativeCapacity, lottery.ReasonCapacityTooLarge,
		lottery.ReasonEmptyCategory, lottery.ReasonNegativeReserved, lottery.ReasonReservedOverCapacity,
		lottery.ReasonDuplicateEntry, lottery.ReasonSizeOutOfRange, lottery.ReasonWeightOutOfRange,
		lottery.ReasonTierOutOfRange, lottery.ReasonNoPrefs, lottery.ReasonTooManyPrefs, lottery.ReasonUnknownSlot,
		lottery.ReasonRepeatedSlot, lottery.ReasonNoRandomness, lottery.ReasonEmptySource,
		lottery.ReasonBadSourceValue, lottery.ReasonSecretTooShort, lottery.ReasonSecretMismatch,
		lottery.ReasonBadSelection, lottery.ReasonUnknownEntry, lottery.ReasonNotHeld, lottery.ReasonBadFormat,
		lottery.ReasonBadEventKind, lottery.ReasonIncompleteRecord, lottery.ReasonBadHex, lottery.ReasonUnknownPool,
	} {
		e := &lottery.InputError{Entry: "R-1", Slot: "A", Reason: r, Value: "7", Want: "1..6"}
		require.NotContains(t, e.English(), "rejected (", r)
		require.NotContains(t, e.Japanese(), "受け付けられません（", r)
		require.Contains(t, e.English(), `entry "R-1"`)
		require.Contains(t, e.Japanese(), `応募 "R-1"`)
		require.Equal(t, string(r), e.Code())
	}
	fallback := &lottery.InputError{Reason: "something_new"}
	require.Contains(t, fallback.English(), "something_new")

	var me error = &lottery.MismatchError{Reason: lottery.MismatchSeed, Index: -1, Want: "a", Got: "b"}
	require.True(t, errors.Is(me, lottery.ErrMismatch))
	require.False(t, errors.Is(me, lottery.ErrSecretMismatch))
	require.Contains(t, me.Error(), "seed differs: recomputed a, record has b")
}
