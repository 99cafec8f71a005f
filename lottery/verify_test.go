package lottery_test

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/lottery"
)

// cloneRecord deep-copies a record through JSON, as a verifier receives it.
func cloneRecord(t *testing.T, r *lottery.Record) *lottery.Record {
	t.Helper()
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var out lottery.Record
	require.NoError(t, json.Unmarshal(b, &out))
	return &out
}

func flip(d *lottery.Digest) { d[31] ^= 1 }

// TestVerifyCatchesTampering changes each part of a record with a secret,
// reserved seats, two wins per entry and promotion events, and checks
// that Verify names the part, and where possible the position, entry and
// slot.
func TestVerifyCatchesTampering(t *testing.T) {
	t.Parallel()
	base := readRecord(t, filepath.Join(vectorDir, "promotion-max-wins-2.json"))
	require.NoError(t, lottery.Verify(base))
	require.NotNil(t, base.SeedMaterial.SecretCommitment)
	ev := -1 // the first event that promoted someone
	for k := range base.Events {
		if len(base.Events[k].Promoted) > 0 {
			ev = k
			break
		}
	}
	require.GreaterOrEqual(t, ev, 0)

	cases := []struct {
		name   string
		tamper func(r *lottery.Record)
		reason lottery.Reason
		index  int
		entry  string
		slot   string
	}{
		{name: "input digest", tamper: func(r *lottery.Record) { flip(&r.InputDigest) }, reason: lottery.MismatchInputDigest, index: -1},
		{name: "an entry's weight", tamper: func(r *lottery.Record) { r.Input.Entries[3].Weight++ }, reason: lottery.MismatchInputDigest, index: -1},
		{name: "a slot's capacity", tamper: func(r *lottery.Record) { r.Input.Slots[0].Capacity++ }, reason: lottery.MismatchInputDigest, index: -1},
		{name: "key string", tamper: func(r *lottery.Record) { r.KeyString += "1./" }, reason: lottery.MismatchKeyString, index: -1},
		{name: "secret", tamper: func(r *lottery.Record) { r.SeedMaterial.Secret[0] ^= 1 }, reason: lottery.MismatchSecretCommitment, index: -1},
		{name: "secret commitment", tamper: func(r *lottery.Record) { flip(r.SeedMaterial.SecretCommitment) }, reason: lottery.MismatchSecretCommitment, index: -1},
		{name: "seed", tamper: func(r *lottery.Record) { flip(&r.Seed) }, reason: lottery.MismatchSeed, index: -1},
		{name: "an entry's key", tamper: func(r *lottery.Record) { flip(&r.Order[5].Key) }, reason: lottery.MismatchKey, index: 5, entry: base.Order[5].Entry},
		{name: "two entries swapped in the order", tamper: func(r *lottery.Record) {
			r.Order[2], r.Order[3] = r.Order[3], r.Order[2]
		}, reason: lottery.MismatchOrder, index: 2, entry: base.Order[2].Entry},
		{name: "an entry missing from the order", tamper: func(r *lottery.Record) { r.Order = r.Order[:len(r.Order)-1] },
			reason: lottery.MismatchOrder, index: len(base.Order) - 1, entry: base.Order[len(base.Order)-1].Entry},
		{name: "a win's slot", tamper: func(r *lottery.Record) {
			r.Wins[1].Slot = otherSlot(r, r.Wins[1].Slot)
		}, reason: lottery.MismatchWins, index: 1, entry: base.Wins[1].Entry, slot: base.Wins[1].Slot},
		{name: "a win's pool", tamper: func(r *lottery.Record) { r.Wins[0].Pool = "" }, reason: lottery.MismatchWins, index: 0, entry: base.Wins[0].Entry, slot: base.Wins[0].Slot},
		{name: "an extra win", tamper: func(r *lottery.Record) { r.Wins = append(r.Wins, r.Wins[0]) },
			reason: lottery.MismatchWins, index: len(base.Wins), entry: base.Wins[0].Entry, slot: base.Wins[0].Slot},
		{name: "a waitlist entry dropped", tamper: func(r *lottery.Record) {
			w := &r.Waitlists[firstWaitlist(r)]
			w.Entries = w.Entries[1:]
		}, reason: lottery.MismatchWaitlist, index: 0,
			entry: base.Waitlists[firstWaitlist(base)].Entries[0], slot: base.Waitlists[firstWaitlist(base)].Slot},
		{name: "a waitlist missing", tamper: func(r *lottery.Record) { r.Waitlists = r.Waitlists[1:] }, reason: lottery.MismatchWaitlist, index: -1},
		{name: "result digest", tamper: func(r *lottery.Record) { flip(&r.ResultDigest) }, reason: lottery.MismatchResultDigest, index: -1},
		{name: "a promotion removed", tamper: func(r *lottery.Record) { r.Events[ev].Promoted = nil },
			reason: lottery.MismatchEvent, index: ev, entry: base.Events[ev].Entry, slot: base.Events[ev].Slot},
		{name: "a promotion added", tamper: func(r *lottery.Record) {
			r.Events[ev].Promoted = append(r.Events[ev].Promoted, lottery.Win{Entry: r.Order[0].Entry, Slot: r.Events[ev].Slot})
		}, reason: lottery.MismatchEvent, index: ev, entry: base.Events[ev].Entry, slot: base.Events[ev].Slot},
		{name: "an event for a seat not held", tamper: func(r *lottery.Record) {
			r.Events = append(r.Events, r.Events[0])
		}, reason: lottery.MismatchEvent, index: len(base.Events), entry: base.Events[0].Entry, slot: base.Events[0].Slot},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := cloneRecord(t, base)
			tc.tamper(r)
			err := lottery.Verify(r)
			var me *lottery.MismatchError
			require.ErrorAs(t, err, &me, "%v", err)
			require.ErrorIs(t, err, lottery.ErrMismatch)
			require.Equal(t, tc.reason, me.Reason, "%v", err)
			require.Equal(t, tc.index, me.Index, "%v", err)
			require.Equal(t, tc.entry, me.Entry, "%v", err)
			require.Equal(t, tc.slot, me.Slot, "%v", err)
			require.NotEmpty(t, me.English())
			require.NotEmpty(t, me.Japanese())
			require.Contains(t, err.Error(), "kuji/lottery: mismatch_"+string(tc.reason))
		})
	}
}

func otherSlot(r *lottery.Record, id string) string {
	for _, s := range r.Input.Slots {
		if s.ID != id {
			return s.ID
		}
	}
	return id + "x"
}

func firstWaitlist(r *lottery.Record) int {
	for k, w := range r.Waitlists {
		if len(w.Entries) > 0 {
			return k
		}
	}
	return -1
}

func TestVerifyRejectsBadRecords(t *testing.T) {
	t.Parallel()
	base := readRecord(t, filepath.Join(vectorDir, "reserved-seats.json"))

	r := cloneRecord(t, base)
	r.Format = "kuji-draw-record/v2"
	var ie *lottery.InputError
	require.ErrorAs(t, lottery.Verify(r), &ie)
	require.Equal(t, lottery.ReasonBadFormat, ie.Reason)

	r = cloneRecord(t, base)
	r.Input.Entries[0].Size = 0
	require.ErrorIs(t, lottery.Verify(r), lottery.ErrInvalidInput)

	r = cloneRecord(t, base)
	r.SeedMaterial.Sources = nil
	err := lottery.Verify(r)
	require.True(t, errors.As(err, &ie))
	require.Equal(t, lottery.ReasonNoRandomness, ie.Reason)

	r = cloneRecord(t, base)
	r.SeedMaterial.Sources[0].Values[0] = "4.5"
	require.ErrorIs(t, lottery.Verify(r), lottery.ErrInvalidInput)

	r = cloneRecord(t, base)
	r.Events = append(r.Events, lottery.Event{Kind: "refund", Entry: r.Wins[0].Entry, Slot: r.Wins[0].Slot})
	require.ErrorAs(t, lottery.Verify(r), &ie)
	require.Equal(t, lottery.ReasonBadEventKind, ie.Reason)
}

func TestSecretMismatchMatchesSentinel(t *testing.T) {
	t.Parallel()
	base := readRecord(t, filepath.Join(vectorDir, "secret-only.json"))
	r := cloneRecord(t, base)
	r.SeedMaterial.Secret[3] ^= 0x80
	require.ErrorIs(t, lottery.Verify(r), lottery.ErrSecretMismatch)
}
