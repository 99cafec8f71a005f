package lottery_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/lottery"
)

var update = flag.Bool("update", false, "rewrite testdata/vectors from the vector cases")

const vectorDir = "testdata/vectors"

// vectorCase is an input, its seed material and the events to apply after
// the draw. Events are chosen from the drawn record (e.g. "the first
// win"), so the case does not depend on which entries win.
type vectorCase struct {
	name   string
	input  lottery.Input
	seed   lottery.SeedMaterial
	events func(r *lottery.Record) []event
}

type event struct {
	kind        lottery.EventKind
	entry, slot string
}

var testSecret = lottery.Secret("kuji test secret: not for real draws")

func withSecret() lottery.SeedMaterial {
	c := testSecret.Commitment()
	return lottery.SeedMaterial{SecretCommitment: &c, Secret: testSecret}
}

var loto = []lottery.Source{
	{Name: "Loto 6, draw 1900", Values: []string{"03", "11", "24", "30", "37", "41"}},
	{Name: "Numbers 4, draw 6000", Values: []string{"9319"}},
}

func ones(ids ...string) []lottery.Entry {
	out := make([]lottery.Entry, len(ids))
	for k, id := range ids {
		out[k] = lottery.Entry{ID: id, Size: 1, Weight: 1, Prefs: []string{"S"}}
	}
	return out
}

func vectorCases() []vectorCase {
	single := lottery.Input{Config: lottery.Config{MaxPrefs: 1, MaxGroupSize: 1}, Slots: []lottery.Slot{{ID: "S", Capacity: 3}}}
	for w := 1; w <= 6; w++ {
		single.Entries = append(single.Entries, lottery.Entry{ID: fmt.Sprintf("W%d", w), Size: 1, Weight: w, Prefs: []string{"S"}})
	}

	tiers := lottery.Input{Config: lottery.Config{MaxPrefs: 1, MaxGroupSize: 1}, Slots: []lottery.Slot{{ID: "S", Capacity: 2}},
		Entries: ones("t0-a", "t0-b", "t1-a", "t1-b", "t2-a")}
	for k := range tiers.Entries {
		tiers.Entries[k].Tier = k / 2
	}

	groups := lottery.Input{
		Config: lottery.Config{MaxPrefs: 2, MaxGroupSize: 6},
		Slots:  []lottery.Slot{{ID: "A", Capacity: 5}, {ID: "B", Capacity: 2}},
		Entries: []lottery.Entry{
			{ID: "g6", Size: 6, Weight: 1, Prefs: []string{"A", "B"}},
			{ID: "g4", Size: 4, Weight: 1, Prefs: []string{"A", "B"}},
			{ID: "g3", Size: 3, Weight: 1, Prefs: []string{"A", "B"}},
			{ID: "g2", Size: 2, Weight: 1, Prefs: []string{"B", "A"}},
			{ID: "g1a", Size: 1, Weight: 1, Prefs: []string{"A"}},
			{ID: "g1b", Size: 1, Weight: 1, Prefs: []string{"B", "A"}},
		},
	}

	reserved := lottery.Input{
		Config: lottery.Config{MaxPrefs: 2, MaxGroupSize: 3},
		Slots: []lottery.Slot{
			{ID: "day1", Capacity: 6, Reserved: map[string]int{"resident": 3}},
			{ID: "day2", Capacity: 4, Reserved: map[string]int{"resident": 2, "worker": 1}},
		},
	}
	for k := range 12 {
		e := lottery.Entry{ID: fmt.Sprintf("R-%02d", k), Size: 1 + k%3, Weight: 1, Prefs: []string{"day1", "day2"}}
		if k%2 == 1 {
			e.Prefs = []string{"day2", "day1"}
		}
		switch k % 4 {
		case 0, 1:
			e.Category = "resident"
		case 2:
			e.Category = "worker"
		}
		reserved.Entries = append(reserved.Entries, e)
	}

	maxWins := reserved
	maxWins.Config.MaxWins = 2
	maxWins.Config.MaxPrefs = 3
	maxWins.Slots = append(append([]lottery.Slot(nil), reserved.Slots...), lottery.Slot{ID: "day3", Capacity: 3})
	maxWins.Entries = nil
	for _, e := range reserved.Entries {
		e.Prefs = append(append([]string(nil), e.Prefs...), "day3")
		maxWins.Entries = append(maxWins.Entries, e)
	}

	ids := lottery.Input{
		Config: lottery.Config{MaxPrefs: 1, MaxGroupSize: 1},
		Slots:  []lottery.Slot{{ID: "S", Capacity: 4}},
		Entries: ones("A", "AB", "A0", "受付-0001", "受付-0002", "receipt-number-with-a-long-common-prefix-1",
			"receipt-number-with-a-long-common-prefix-2", "receipt-number-with-a-long-common-prefix-10", "z"),
	}

	empty := lottery.Input{Config: lottery.Config{MaxPrefs: 1, MaxGroupSize: 1}, Slots: []lottery.Slot{{ID: "S", Capacity: 1}}}

	return []vectorCase{
		{name: "single-slot-weights", input: single, seed: lottery.SeedMaterial{Sources: loto}},
		{name: "tiers", input: tiers, seed: lottery.SeedMaterial{Sources: loto}},
		{name: "groups-that-do-not-fit", input: groups, seed: lottery.SeedMaterial{Sources: loto}},
		{name: "reserved-seats", input: reserved, seed: lottery.SeedMaterial{Sources: loto}},
		{name: "max-wins-2", input: maxWins, seed: lottery.SeedMaterial{Sources: loto}},
		{name: "secret-only", input: groups, seed: withSecret()},
		{name: "sources-and-secret", input: reserved, seed: lottery.SeedMaterial{Sources: loto, SecretCommitment: withSecret().SecretCommitment, Secret: testSecret}},
		{name: "id-bytes", input: ids, seed: lottery.SeedMaterial{Sources: loto}},
		{name: "no-entries", input: empty, seed: lottery.SeedMaterial{Sources: loto}},
		{name: "promotion", input: reserved, seed: lottery.SeedMaterial{Sources: loto}, events: freeTwoOfThreeWins},
		{name: "promotion-max-wins-2", input: maxWins, seed: withSecret(), events: freeTwoOfThreeWins},
		{name: "example", input: exampleInput(), seed: exampleSeed(), events: func(*lottery.Record) []event {
			return []event{{lottery.EventCancel, "LS-0002", "07-24/evening"}}
		}},
		{name: "random-300", input: randomInput(300, 12, 7), seed: lottery.SeedMaterial{Sources: loto}, events: freeTwoOfThreeWins},
	}
}

// freeTwoOfThreeWins cancels the first of every three wins and lets the
// second lapse, in win order; build then cancels the first promotion too,
// so freeing a promoted seat is covered.
func freeTwoOfThreeWins(r *lottery.Record) []event {
	var evs []event
	for k, w := range r.Wins {
		switch k % 3 {
		case 0:
			evs = append(evs, event{lottery.EventCancel, w.Entry, w.Slot})
		case 1:
			evs = append(evs, event{lottery.EventLapse, w.Entry, w.Slot})
		}
	}
	return evs
}

// randomInput is a reproducible input with tiers, weights up to 10,
// groups, reserved seats and two wins per entry.
func randomInput(n, nslots int, seed uint64) lottery.Input {
	r := rand.New(rand.NewPCG(seed, seed))
	in := lottery.Input{Config: lottery.Config{MaxPrefs: 4, MaxGroupSize: 5, MaxWins: 2}}
	for s := range nslots {
		slot := lottery.Slot{ID: fmt.Sprintf("2021-07-%02d/%d", 1+s/3, 1+s%3), Capacity: 5 + r.IntN(20)}
		if s%2 == 0 {
			slot.Reserved = map[string]int{"resident": slot.Capacity / 2}
		}
		in.Slots = append(in.Slots, slot)
	}
	for i := range n {
		perm := r.Perm(nslots)[:1+r.IntN(4)]
		e := lottery.Entry{ID: fmt.Sprintf("LS-%06d", i*37%1000), Size: 1 + r.IntN(5), Weight: 1 + r.IntN(10), Tier: r.IntN(3)}
		for _, s := range perm {
			e.Prefs = append(e.Prefs, in.Slots[s].ID)
		}
		if r.IntN(3) > 0 {
			e.Category = "resident"
		}
		in.Entries = append(in.Entries, e)
	}
	return in
}

// build draws a case and applies its events.
func (vc vectorCase) build(t *testing.T) *lottery.Record {
	t.Helper()
	r, err := lottery.Draw(vc.input, vc.seed)
	require.NoError(t, err)
	if vc.events != nil {
		for _, ev := range vc.events(r) {
			switch ev.kind {
			case lottery.EventCancel:
				_, err = r.Cancel(ev.entry, ev.slot)
			case lottery.EventLapse:
				_, err = r.Lapse(ev.entry, ev.slot)
			}
			require.NoError(t, err)
		}
		if len(r.Events) > 0 && len(r.Events[0].Promoted) > 0 {
			p := r.Events[0].Promoted[0]
			_, err = r.Cancel(p.Entry, p.Slot)
			require.NoError(t, err)
		}
	}
	return r
}

func marshalRecord(t *testing.T, r *lottery.Record) []byte {
	t.Helper()
	b, err := json.MarshalIndent(r, "", "  ")
	require.NoError(t, err)
	return append(b, '\n')
}

func readRecord(t *testing.T, path string) *lottery.Record {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var r lottery.Record
	require.NoError(t, json.Unmarshal(b, &r))
	return &r
}

// TestVectors checks that every vector file verifies, and that drawing its
// case again today gives the same record byte for byte (so a change to the
// engine that would change a published result cannot go unnoticed).
func TestVectors(t *testing.T) {
	if *update {
		require.NoError(t, os.MkdirAll(vectorDir, 0o755))
		for _, vc := range vectorCases() {
			require.NoError(t, os.WriteFile(filepath.Join(vectorDir, vc.name+".json"), marshalRecord(t, vc.build(t)), 0o644))
		}
	}
	cases := vectorCases()
	files, err := filepath.Glob(filepath.Join(vectorDir, "*.json"))
	require.NoError(t, err)
	require.Len(t, files, len(cases), "one vector file per case; run go test -run TestVectors -update")
	for _, vc := range cases {
		t.Run(vc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(vectorDir, vc.name+".json")
			want, err := os.ReadFile(path)
			require.NoError(t, err)
			rec := readRecord(t, path)
			require.NoError(t, lottery.Verify(rec))
			require.Equal(t, string(want), string(marshalRecord(t, vc.build(t))))
		})
	}
}

// TestReferenceImplementation runs testdata/reference.py, a stdlib-only
// Python program written from SPEC.md, over every vector: it recomputes
// digests, seeds, keys, order, wins, waitlists, result digest and event
// promotions from the input, seed material and event list alone.
func TestReferenceImplementation(t *testing.T) {
	python, err := exec.LookPath("python3")
	require.NoError(t, err, "python3 is required to check the lottery against its specification")
	files, err := filepath.Glob(filepath.Join(vectorDir, "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(python, append([]string{"testdata/reference.py"}, files...)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	require.Empty(t, stderr.String())

	type result struct {
		File       string          `json:"file"`
		Computed   json.RawMessage `json:"computed"`
		Mismatches []string        `json:"mismatches"`
	}
	seen := 0
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for sc.Scan() {
		var res result
		require.NoError(t, json.Unmarshal(sc.Bytes(), &res))
		name := strings.TrimSuffix(filepath.Base(res.File), ".json")
		t.Run(name, func(t *testing.T) {
			require.Empty(t, res.Mismatches, "the Python reference disagrees with the vector")
			// The Python output must also agree field by field with what Go
			// computes from the same record.
			var py struct {
				InputDigest  lottery.Digest     `json:"input_digest"`
				Seed         lottery.Digest     `json:"seed"`
				ResultDigest lottery.Digest     `json:"result_digest"`
				Order        []lottery.Ranked   `json:"order"`
				Wins         []lottery.Win      `json:"wins"`
				Waitlists    []lottery.Waitlist `json:"waitlists"`
				Events       []lottery.Event    `json:"events"`
			}
			require.NoError(t, json.Unmarshal(res.Computed, &py))
			rec := readRecord(t, res.File)
			require.Equal(t, rec.InputDigest, py.InputDigest)
			require.Equal(t, rec.Seed, py.Seed)
			require.Equal(t, rec.ResultDigest, py.ResultDigest)
			require.Equal(t, rec.Order, py.Order)
			require.Equal(t, rec.Wins, py.Wins)
			require.Equal(t, len(rec.Waitlists), len(py.Waitlists))
			for k := range rec.Waitlists {
				require.Equal(t, rec.Waitlists[k].Slot, py.Waitlists[k].Slot)
				require.ElementsMatch(t, rec.Waitlists[k].Entries, py.Waitlists[k].Entries)
				require.Equal(t, fmt.Sprint(rec.Waitlists[k].Entries), fmt.Sprint(py.Waitlists[k].Entries))
			}
			require.Equal(t, len(rec.Events), len(py.Events))
			for k := range rec.Events {
				require.Equal(t, rec.Events[k].Entry, py.Events[k].Entry)
				require.Equal(t, fmt.Sprint(rec.Events[k].Promoted), fmt.Sprint(py.Events[k].Promoted))
			}
		})
		seen++
	}
	require.NoError(t, sc.Err())
	require.NoError(t, runErr, "reference.py reported a mismatch")
	require.Equal(t, len(files), seen)
}

// TestReferenceImplementationDetectsDifferences: the Python program is not
// vacuous — given a record with one key changed, it reports the order as
// different and exits non-zero.
func TestReferenceImplementationDetectsDifferences(t *testing.T) {
	t.Parallel()
	python, err := exec.LookPath("python3")
	require.NoError(t, err, "python3 is required to check the lottery against its specification")
	rec := readRecord(t, filepath.Join(vectorDir, "random-300.json"))
	rec.Order[7].Key[0] ^= 0xff
	path := filepath.Join(t.TempDir(), "tampered.json")
	require.NoError(t, os.WriteFile(path, marshalRecord(t, rec), 0o644))
	out, err := exec.Command(python, "testdata/reference.py", path).Output()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	require.Equal(t, 1, exit.ExitCode())
	var res struct {
		Mismatches []string `json:"mismatches"`
	}
	require.NoError(t, json.Unmarshal(out, &res))
	require.Equal(t, []string{"order"}, res.Mismatches)
}
