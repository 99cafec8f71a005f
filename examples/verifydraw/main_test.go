package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/lottery"
)

// drawn makes a real draw: 60 groups of 1 to 4 over 4 slots of 12 seats,
// ranking up to 3 slots with 1 to 3 tickets, committed to a secret and a
// public source, then one cancellation and one lapse with their
// promotions. It returns the record as published (JSON).
func drawn(t *testing.T) []byte {
	t.Helper()
	in := lottery.Input{Config: lottery.Config{MaxPrefs: 3, MaxGroupSize: 4}}
	for i := range 4 {
		in.Slots = append(in.Slots, lottery.Slot{ID: fmt.Sprintf("2021-07-2%d/1", i), Capacity: 12})
	}
	for i := range 60 {
		e := lottery.Entry{ID: fmt.Sprintf("LS-%06d", i+1), Size: 1 + i%4, Weight: 1 + i%3}
		for k := range 1 + i%3 {
			e.Prefs = append(e.Prefs, in.Slots[(i+k)%4].ID)
		}
		in.Entries = append(in.Entries, e)
	}
	secret := lottery.Secret("the operator's secret, 32 bytes.")
	sc := secret.Commitment()
	rec, err := lottery.Draw(in, lottery.SeedMaterial{
		Sources:          []lottery.Source{{Name: "Loto 6 draw 1600", Values: []string{"3", "11", "19", "24", "31", "40"}}},
		SecretCommitment: &sc, Secret: secret,
	})
	require.NoError(t, err)
	wins, err := rec.Current()
	require.NoError(t, err)
	_, err = rec.Cancel(wins[0].Entry, wins[0].Slot)
	require.NoError(t, err)
	_, err = rec.Lapse(wins[1].Entry, wins[1].Slot)
	require.NoError(t, err)
	b, err := json.Marshal(rec)
	require.NoError(t, err)
	return b
}

func TestVerifiesARealDraw(t *testing.T) {
	t.Parallel()
	b := drawn(t)
	var rec lottery.Record
	require.NoError(t, json.Unmarshal(b, &rec))
	var out bytes.Buffer
	require.NoError(t, run(bytes.NewReader(b), &out))
	text := out.String()
	require.Contains(t, text, "OK: the record is exactly what")
	require.Contains(t, text, rec.InputDigest.String())
	require.Contains(t, text, rec.Seed.String())
	require.Contains(t, text, rec.ResultDigest.String())
	require.Contains(t, text, fmt.Sprintf("%d wins", len(rec.Wins)))
	require.Contains(t, text, "1 cancellations, 1 lapses")
	require.Contains(t, text, "60 in 4 slots of 48 seats")
}

// Each tampering is caught and the output names the first difference.
func TestNamesTheFirstDifference(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		tamper func(t *testing.T, r *lottery.Record) (entry string)
		code   string
	}{
		{"a win moved to another slot", func(t *testing.T, r *lottery.Record) string {
			w := &r.Wins[2]
			for _, s := range r.Input.Slots {
				if s.ID != w.Slot {
					w.Slot = s.ID
					break
				}
			}
			return w.Entry
		}, "mismatch_wins"},
		{"a key changed", func(t *testing.T, r *lottery.Record) string {
			r.Order[5].Key[31] ^= 1
			return r.Order[5].Entry
		}, "mismatch_key"},
		{"an entry's weight changed", func(t *testing.T, r *lottery.Record) string {
			r.Input.Entries[7].Weight++
			return ""
		}, "mismatch_input_digest"},
		{"the first two places swapped", func(t *testing.T, r *lottery.Record) string {
			first := r.Order[0].Entry // the entry that belongs first
			r.Order[0], r.Order[1] = r.Order[1], r.Order[0]
			return first
		}, "mismatch_order"},
		{"a promotion given to someone else", func(t *testing.T, r *lottery.Record) string {
			for i := range r.Events {
				if p := r.Events[i].Promoted; len(p) > 0 {
					for _, o := range r.Order {
						if o.Entry != p[0].Entry {
							p[0].Entry = o.Entry
							return ""
						}
					}
				}
			}
			t.Fatal("the draw has no promotion to tamper with")
			return ""
		}, "mismatch_event"},
	}
	b := drawn(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var rec lottery.Record
			require.NoError(t, json.Unmarshal(b, &rec))
			entry := tt.tamper(t, &rec)
			tampered, err := json.Marshal(&rec)
			require.NoError(t, err)
			var out bytes.Buffer
			err = run(bytes.NewReader(tampered), &out)
			require.ErrorIs(t, err, errNotVerified)
			text := out.String()
			require.Contains(t, text, "NOT OK")
			require.NotContains(t, text, "OK: the record is exactly")
			require.Contains(t, text, tt.code)
			if entry != "" {
				require.Contains(t, text, "entry           "+entry, "the entry concerned is named")
			}
		})
	}
}

func TestRefusesWhatIsNotARecord(t *testing.T) {
	t.Parallel()
	err := run(strings.NewReader("not json"), &bytes.Buffer{})
	require.ErrorContains(t, err, "not a draw record")
	require.NotErrorIs(t, err, errNotVerified)

	var out bytes.Buffer
	err = run(strings.NewReader(`{"format":"kuji-draw-record/v0"}`), &out)
	require.ErrorIs(t, err, errNotVerified, "an unknown format is not verified")
	require.Contains(t, out.String(), "unsupported_format")
}
