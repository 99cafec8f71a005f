package lottery_test

import (
	"fmt"

	"github.com/kuji-go/kuji/lottery"
)

// exampleInput is the input of Example; it is also the vector
// testdata/vectors/example.json, which the Python reference implementation
// recomputes, so the output below is checked against SPEC.md.
func exampleInput() lottery.Input {
	return lottery.Input{
		Config: lottery.Config{MaxPrefs: 2, MaxGroupSize: 4, MaxWins: 1},
		Slots: []lottery.Slot{
			{ID: "07-24/evening", Capacity: 6, Reserved: map[string]int{"resident": 3}},
			{ID: "07-25/evening", Capacity: 4},
		},
		Entries: []lottery.Entry{
			{ID: "LS-0001", Size: 4, Weight: 1, Prefs: []string{"07-24/evening", "07-25/evening"}, Category: "resident"},
			{ID: "LS-0002", Size: 2, Weight: 1, Prefs: []string{"07-24/evening"}},
			{ID: "LS-0003", Size: 3, Weight: 1, Prefs: []string{"07-24/evening", "07-25/evening"}, Category: "resident"},
			{ID: "LS-0004", Size: 1, Weight: 2, Prefs: []string{"07-25/evening", "07-24/evening"}},
			{ID: "LS-0005", Size: 2, Weight: 1, Prefs: []string{"07-25/evening"}},
			{ID: "LS-0006", Size: 3, Weight: 1, Prefs: []string{"07-24/evening"}},
		},
	}
}

func exampleSeed() lottery.SeedMaterial {
	return lottery.SeedMaterial{Sources: []lottery.Source{
		{Name: "Loto 6, draw 1900", Values: []string{"3", "11", "24", "30", "37", "41"}},
	}}
}

// Example draws a two-evening live site, verifies the record and prints
// the outcome. The input is built inline here; Example_digest shows the
// commitment step.
func Example() {
	in := lottery.Input{
		Config: lottery.Config{MaxPrefs: 2, MaxGroupSize: 4, MaxWins: 1},
		Slots: []lottery.Slot{
			// Half of the first evening is reserved for ward residents.
			{ID: "07-24/evening", Capacity: 6, Reserved: map[string]int{"resident": 3}},
			{ID: "07-25/evening", Capacity: 4},
		},
		Entries: []lottery.Entry{
			{ID: "LS-0001", Size: 4, Weight: 1, Prefs: []string{"07-24/evening", "07-25/evening"}, Category: "resident"},
			{ID: "LS-0002", Size: 2, Weight: 1, Prefs: []string{"07-24/evening"}},
			{ID: "LS-0003", Size: 3, Weight: 1, Prefs: []string{"07-24/evening", "07-25/evening"}, Category: "resident"},
			{ID: "LS-0004", Size: 1, Weight: 2, Prefs: []string{"07-25/evening", "07-24/evening"}},
			{ID: "LS-0005", Size: 2, Weight: 1, Prefs: []string{"07-25/evening"}},
			{ID: "LS-0006", Size: 3, Weight: 1, Prefs: []string{"07-24/evening"}},
		},
	}
	seed := lottery.SeedMaterial{Sources: []lottery.Source{
		{Name: "Loto 6, draw 1900", Values: []string{"3", "11", "24", "30", "37", "41"}},
	}}
	rec, err := lottery.Draw(in, seed)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := lottery.Verify(rec); err != nil {
		fmt.Println(err)
		return
	}
	for _, w := range rec.Wins {
		if w.Pool != "" {
			fmt.Printf("%s wins %s (%s seats)\n", w.Entry, w.Slot, w.Pool)
		} else {
			fmt.Printf("%s wins %s\n", w.Entry, w.Slot)
		}
	}
	for _, wl := range rec.Waitlists {
		fmt.Printf("waitlist %s: %v\n", wl.Slot, wl.Entries)
	}
	// Output:
	// LS-0003 wins 07-24/evening (resident seats)
	// LS-0002 wins 07-24/evening
	// LS-0005 wins 07-25/evening
	// LS-0004 wins 07-25/evening
	// waitlist 07-24/evening: [LS-0006 LS-0001]
	// waitlist 07-25/evening: [LS-0001]
}

// Example_digest commits to an input before the seed can be known.
func Example_digest() {
	in := lottery.Input{
		Config:  lottery.Config{MaxPrefs: 1, MaxGroupSize: 1},
		Slots:   []lottery.Slot{{ID: "S", Capacity: 1}},
		Entries: []lottery.Entry{{ID: "R-1", Size: 1, Weight: 1, Prefs: []string{"S"}}},
	}
	d, err := in.Digest()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(d.String()), "hex digits to publish")
	// Output: 64 hex digits to publish
}

// ExampleSelectRFC3797 reproduces the worked example of RFC 3797 section 6.
func ExampleSelectRFC3797() {
	key, _ := lottery.KeyString([]lottery.Source{
		{Values: []string{"9319"}},
		{Values: []string{"2", "5", "12", "8", "10"}},
		{Values: []string{"9", "18", "26", "34", "41", "45"}},
	})
	picked, _ := lottery.SelectRFC3797(key, 25, 10)
	fmt.Println(key)
	fmt.Println(picked)
	// Output:
	// 9319./2.5.8.10.12./9.18.26.34.41.45./
	// [17 7 2 16 25 23 8 24 19 13]
}

// ExampleRecord_Cancel frees a winner's seats; the waitlist moves up.
func ExampleRecord_Cancel() {
	rec, err := lottery.Draw(exampleInput(), exampleSeed())
	if err != nil {
		fmt.Println(err)
		return
	}
	promoted, err := rec.Cancel("LS-0002", "07-24/evening")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(promoted)
	fmt.Println(lottery.Verify(rec))
	// Output:
	// [{LS-0006 07-24/evening  0}]
	// <nil>
}
