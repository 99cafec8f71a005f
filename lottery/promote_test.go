package lottery_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/lottery"
)

// promotionInput: slot A has 4 seats, 2 reserved for residents. In
// priority order r1 (resident, 2) takes both reserved seats; n1 (2) takes
// the 2 general seats; n2 (1), r2 (resident, 1) and n3 (2) wait, in that
// order.
func promotionInput() lottery.Input {
	return lottery.Input{
		Config: lottery.Config{MaxPrefs: 1, MaxGroupSize: 2},
		Slots:  []lottery.Slot{{ID: "A", Capacity: 4, Reserved: map[string]int{"resident": 2}}},
		Entries: inOrder(e("r1", 2, "resident", "A"), e("n1", 2, "", "A"), e("n2", 1, "", "A"),
			e("r2", 1, "resident", "A"), e("n3", 2, "", "A")),
	}
}

func TestPromotion(t *testing.T) {
	t.Parallel()
	r := draw(t, promotionInput())
	require.Equal(t, []lottery.Win{
		{Entry: "r1", Slot: "A", Pool: "resident", Round: 1},
		{Entry: "n1", Slot: "A", Round: 1},
	}, r.Wins)
	require.Equal(t, []string{"n2", "r2", "n3"}, r.Waitlists[0].Entries)

	// r1's two reserved seats go first to the first waitlisted resident
	// (r2, 1 seat), although n2 is ahead of r2; the seat r2 does not need
	// joins the free seats and goes to n2.
	got, err := r.Cancel("r1", "A")
	require.NoError(t, err)
	require.Equal(t, []lottery.Win{{Entry: "r2", Slot: "A", Pool: "resident"}, {Entry: "n2", Slot: "A"}}, got)

	// n1's general seats go to the first waitlisted group that fits.
	got, err = r.Lapse("n1", "A")
	require.NoError(t, err)
	require.Equal(t, []lottery.Win{{Entry: "n3", Slot: "A"}}, got)

	// Everyone waitlisted has been promoted: freeing seats now promotes
	// no one, and the seats stay free.
	got, err = r.Cancel("n2", "A")
	require.NoError(t, err)
	require.Empty(t, got)

	current, err := r.Current()
	require.NoError(t, err)
	require.Equal(t, []lottery.Win{{Entry: "r2", Slot: "A", Pool: "resident"}, {Entry: "n3", Slot: "A"}}, current)

	require.Equal(t, []lottery.EventKind{lottery.EventCancel, lottery.EventLapse, lottery.EventCancel},
		[]lottery.EventKind{r.Events[0].Kind, r.Events[1].Kind, r.Events[2].Kind})
	require.NoError(t, lottery.Verify(r), "the events replay")
}

func TestPromotionUnderWinLimit(t *testing.T) {
	t.Parallel()
	// Two wins each. Round 1: a wins A, b wins C, c finds A full and wins
	// B; round 2 finds nothing free. b and c (one win each, under their
	// limit) wait for A, in that order; a waits for B.
	in := lottery.Input{
		Config: lottery.Config{MaxPrefs: 3, MaxGroupSize: 1, MaxWins: 2},
		Slots:  []lottery.Slot{{ID: "A", Capacity: 1}, {ID: "B", Capacity: 1}, {ID: "C", Capacity: 1}},
		Entries: inOrder(e("a", 1, "", "A", "B"), e("b", 1, "", "C", "A"),
			e("c", 1, "", "A", "B")),
	}
	r := draw(t, in)
	require.Equal(t, []string{"b", "c"}, waitlists(r)["A"])
	require.Equal(t, []string{"a"}, waitlists(r)["B"])
	got, err := r.Cancel("a", "A")
	require.NoError(t, err)
	require.Equal(t, []lottery.Win{{Entry: "b", Slot: "A"}}, got)
	// b is now at its limit; when it gives C up, c does not want C, so
	// nobody is promoted into C.
	got, err = r.Cancel("b", "C")
	require.NoError(t, err)
	require.Empty(t, got)
	// b was promoted into A once: if it gives A up, c is next.
	got, err = r.Cancel("b", "A")
	require.NoError(t, err)
	require.Equal(t, []lottery.Win{{Entry: "c", Slot: "A"}}, got)
	require.NoError(t, lottery.Verify(r))
}

func TestCancelRejects(t *testing.T) {
	t.Parallel()
	r := draw(t, promotionInput())
	for _, tc := range []struct {
		entry, slot string
		reason      lottery.Reason
	}{
		{"nobody", "A", lottery.ReasonUnknownEntry},
		{"r1", "Z", lottery.ReasonUnknownSlot},
		{"n2", "A", lottery.ReasonNotHeld},
	} {
		_, err := r.Cancel(tc.entry, tc.slot)
		var ie *lottery.InputError
		require.True(t, errors.As(err, &ie), "%v", err)
		require.Equal(t, tc.reason, ie.Reason)
		require.ErrorIs(t, err, lottery.ErrInvalidInput)
	}
	require.Empty(t, r.Events, "a rejected request records nothing")
	_, err := r.Cancel("r1", "A")
	require.NoError(t, err)
	_, err = r.Cancel("r1", "A")
	require.Error(t, err, "seats can be given up once")
	require.Len(t, r.Events, 1)
}

// TestCancelAfterJSON: a record read back from JSON rebuilds its state
// from what it publishes and continues the same sequence.
func TestCancelAfterJSON(t *testing.T) {
	t.Parallel()
	a := draw(t, promotionInput())
	_, err := a.Cancel("r1", "A")
	require.NoError(t, err)
	b, err := json.Marshal(a)
	require.NoError(t, err)
	var back lottery.Record
	require.NoError(t, json.Unmarshal(b, &back))

	want, err := a.Lapse("n1", "A")
	require.NoError(t, err)
	got, err := back.Lapse("n1", "A")
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Equal(t, a.Events, back.Events)
	require.NoError(t, lottery.Verify(&back))
}

// TestCancelRefusesInconsistentEvents: a record whose recorded promotions
// do not follow from its events cannot be continued.
func TestCancelRefusesInconsistentEvents(t *testing.T) {
	t.Parallel()
	a := draw(t, promotionInput())
	_, err := a.Cancel("r1", "A")
	require.NoError(t, err)
	b, err := json.Marshal(a)
	require.NoError(t, err)
	var back lottery.Record
	require.NoError(t, json.Unmarshal(b, &back))
	back.Events[0].Promoted = back.Events[0].Promoted[:1]
	_, err = back.Lapse("n1", "A")
	var me *lottery.MismatchError
	require.ErrorAs(t, err, &me)
	require.Equal(t, lottery.MismatchEvent, me.Reason)
	require.Equal(t, 0, me.Index)
}
