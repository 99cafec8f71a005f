package kuji_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"testing"
	"time"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/keydir"
	"github.com/kuji-go/kuji/adapters/sqlite"
	"github.com/kuji-go/kuji/applicant"
	"github.com/kuji-go/kuji/internal/refevent"
	"github.com/kuji-go/kuji/internal/seal"
	"github.com/kuji-go/kuji/lottery"
)

// seedApplications writes n postcard applications straight through the
// store port — sealed with the event's own data key, with identity and
// search keys and a consent receipt each, as the Office writes them — in
// transactions of 10,000. Going through Apply would take a quarter of an
// hour for a million; what the benchmark measures is the purge.
func seedApplications(b *testing.B, r *rig, n int) {
	b.Helper()
	ctx := context.Background()
	o := r.office
	sealer, err := seal.New(r.opts.KEK, r.keys)
	if err != nil {
		b.Fatal(err)
	}
	format := o.Config().Schema.Receipts
	slots := o.Config().Schema.Slots
	const batch = 10_000
	for done := 0; done < n; done += batch {
		err := r.store.Update(ctx, func(tx adapters.Tx) error {
			for i := done; i < min(done+batch, n); i++ {
				seq, err := tx.NextReceipt(ctx, o.ID())
				if err != nil {
					return err
				}
				num, err := format.Format(seq)
				if err != nil {
					return err
				}
				id, err := applicant.NewID(r.clock.Now(), rand.Reader)
				if err != nil {
					return err
				}
				pt, _ := json.Marshal(map[string]any{"v": 1, "name": "山田 花子", "address": fmt.Sprintf("東京都新宿区西新宿2-8-%d", i%99),
					"postal_code": "160-0023", "age": 40, "phone": fmt.Sprintf("090%08d", i)})
				blob, err := sealer.Seal(ctx, o.ID(), id.String(), "application", pt)
				if err != nil {
					return err
				}
				mac := func() []byte { m := make([]byte, 32); rand.Read(m); return m }
				a := adapters.Application{ID: id.String(), Event: o.ID(), Receipt: string(num), Channel: "postcard",
					Category: "resident", Size: 1 + i%4, Prefs: []string{slots[i%len(slots)], slots[(i+7)%len(slots)]},
					Weight: 1, Status: "applied", Created: r.clock.Now(),
					Sealed: map[string][]byte{"application": blob}, Identity: [][]byte{mac()},
					Search: []adapters.BlindKey{{Kind: "name", MAC: mac()}, {Kind: "phone", MAC: mac()}}}
				if err := tx.InsertApplication(ctx, a); err != nil {
					return err
				}
				err = tx.PutConsent(ctx, adapters.Consent{ID: id.String() + "-c", Event: o.ID(), Application: a.ID,
					Data: []byte(`{"notice_version":"sha256:0","channel":"postcard"}`)})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPurgeMillionSQLite erases 1,000,000 applications of an event
// on SQLite through Office.Purge: inventory, key destruction, deletion,
// compaction (secure_delete, WAL checkpoint, VACUUM), read-back and the
// signed certificate. One op is one purge; the setup (seeding, the draw
// over a million, the report) is not timed.
func BenchmarkPurgeMillionSQLite(b *testing.B) {
	n := purgeN()
	for b.Loop() {
		b.StopTimer()
		ctx := context.Background()
		dir := b.TempDir()
		store, err := sqlite.Open(filepath.Join(dir, "kuji.db"), nil)
		if err != nil {
			b.Fatal(err)
		}
		keys, err := keydir.Open(filepath.Join(dir, "keys"), nil)
		if err != nil {
			b.Fatal(err)
		}
		ev := refevent.LiveSite(0, 150)
		ev.Schema.Receipts.Digits = 7 // room for a million
		r := newRig(b, ev, store, keys)
		o := r.office
		must := func(err error) {
			b.Helper()
			if err != nil {
				b.Fatal(err)
			}
		}
		must(o.Open(ctx, refevent.Boss))
		seedApplications(b, r, n)
		must(o.Close(ctx, refevent.Boss))
		_, err = o.Commit(ctx, refevent.Boss, []string{"beacon"}, nil)
		must(err)
		_, err = o.Draw(ctx, refevent.Boss, lottery.SeedMaterial{Sources: []lottery.Source{{Name: "beacon", Values: []string{"1"}}}})
		must(err)
		must(o.Notify(ctx, refevent.Boss))
		must(o.Hold(ctx, refevent.Boss))
		must(o.End(ctx, refevent.Boss))
		_, err = o.Report(ctx, refevent.Boss)
		must(err)

		b.StartTimer()
		if path := os.Getenv("KUJI_BENCH_PURGE_PROFILE"); path != "" {
			f, err := os.Create(path)
			must(err)
			must(pprof.StartCPUProfile(f))
			defer pprof.StopCPUProfile()
		}
		t0 := time.Now()
		purged, err := o.Purge(ctx, refevent.Boss)
		elapsed := time.Since(t0)
		pprof.StopCPUProfile()
		b.StopTimer()
		must(err)
		if got := purged.Certificate.Records(); got != int64(n) {
			b.Fatalf("certificate states %d records, want %d", got, n)
		}
		b.ReportMetric(elapsed.Seconds(), "s/purge")
		store.Close()
		b.StartTimer()
	}
}

// purgeN is the purge benchmark's size: a million, or KUJI_BENCH_PURGE_N.
func purgeN() int {
	if v, err := strconv.Atoi(os.Getenv("KUJI_BENCH_PURGE_N")); err == nil && v > 0 {
		return v
	}
	return 1_000_000
}
