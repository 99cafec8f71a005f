package lottery_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/kuji-go/kuji/lottery"
)

// syntheticInput builds a reproducible input: n entries, each listing
// prefs distinct slots of nslots, group sizes 1..maxSize, weights
// 1..maxWeight; half the entries are residents, for whom half of every
// slot's seats are reserved when reserve is set.
func syntheticInput(n, nslots, prefs, maxSize, maxWeight, capacity int, reserve bool) lottery.Input {
	r := rand.New(rand.NewPCG(1, 2))
	in := lottery.Input{Config: lottery.Config{MaxPrefs: prefs, MaxGroupSize: maxSize, MaxWins: 1}}
	ids := make([]string, nslots)
	for s := range nslots {
		ids[s] = fmt.Sprintf("2021-07-%02d/%d", 1+s/3, 1+s%3)
		slot := lottery.Slot{ID: ids[s], Capacity: capacity}
		if reserve {
			slot.Reserved = map[string]int{"resident": capacity / 2}
		}
		in.Slots = append(in.Slots, slot)
	}
	in.Entries = make([]lottery.Entry, n)
	backing := make([]string, n*prefs)
	for i := range in.Entries {
		p := backing[i*prefs : (i+1)*prefs : (i+1)*prefs]
		for k := range p {
		again:
			s := ids[r.IntN(nslots)]
			for _, q := range p[:k] {
				if q == s {
					goto again
				}
			}
			p[k] = s
		}
		e := lottery.Entry{
			ID:     fmt.Sprintf("R%09d", (i*7919)%n),
			Size:   1 + r.IntN(maxSize),
			Prefs:  p,
			Weight: 1 + r.IntN(maxWeight),
		}
		if reserve && r.IntN(2) == 0 {
			e.Category = "resident"
		}
		in.Entries[i] = e
	}
	return in
}

var benchSeed = lottery.SeedMaterial{Sources: []lottery.Source{{Name: "bench", Values: []string{"4", "8", "15", "16", "23", "42"}}}}

// reportPeak reports the largest live heap seen while run runs, sampled
// every 20 milliseconds (often enough for a draw of a million entries,
// rarely enough not to disturb it) through runtime/metrics (which, unlike
// runtime.ReadMemStats, does not stop the world), in MiB: the whole heap
// (input included) and the growth over the heap before run.
func reportPeak(b *testing.B, run func()) {
	b.Helper()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	runtime.GC()
	before := read()
	stop := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		top := read()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				peak <- max(top, read())
				return
			case <-tick.C:
				top = max(top, read())
			}
		}
	}()
	cpu := processCPU()
	run()
	cpu = processCPU() - cpu
	close(stop)
	top := <-peak
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(top)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(top-min(top, before))/(1<<20), "peak-draw-MiB")
}

func BenchmarkDrawMillion(b *testing.B) {
	in := syntheticInput(1_000_000, 100, 3, 6, 3, 5000, true)
	b.ReportAllocs()
	b.ResetTimer()
	reportPeak(b, func() {
		for b.Loop() {
			if _, err := lottery.Draw(in, benchSeed); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkVerifyMillion(b *testing.B) {
	in := syntheticInput(1_000_000, 100, 3, 6, 3, 5000, true)
	rec, err := lottery.Draw(in, benchSeed)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	reportPeak(b, func() {
		for b.Loop() {
			if err := lottery.Verify(rec); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkDrawLiveSite(b *testing.B) {
	in := syntheticInput(10_000, 96, 3, 6, 1, 150, false)
	b.ReportAllocs()
	reportPeak(b, func() {
		for b.Loop() {
			if _, err := lottery.Draw(in, benchSeed); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkVerifyLiveSite(b *testing.B) {
	in := syntheticInput(10_000, 96, 3, 6, 1, 150, false)
	rec, err := lottery.Draw(in, benchSeed)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	reportPeak(b, func() {
		for b.Loop() {
			if err := lottery.Verify(rec); err != nil {
				b.Fatal(err)
			}
		}
	})
}
