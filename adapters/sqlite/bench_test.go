package sqlite_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/memory"
	"github.com/kuji-go/kuji/adapters/sqlite"
	"github.com/kuji-go/kuji/audit"
	"github.com/kuji-go/kuji/internal/rawbench"
	"github.com/kuji-go/kuji/internal/seal"
)

const benchApps = 10_000

type benchApp struct {
	a       adapters.Application
	consent adapters.Consent
}

// benchData seals benchApps realistic applications once: about 300 bytes
// of JSON sealed under one class, two identity keys, two search keys and
// a consent receipt each.
var benchData = sync.OnceValue(func() []benchApp {
	ctx := context.Background()
	sealer, err := seal.New(seal.NewKEK(), memory.NewKeyStore())
	if err != nil {
		panic(err)
	}
	idx, err := sealer.IndexKey(ctx, "ev")
	if err != nil {
		panic(err)
	}
	mac := func(v string) []byte {
		m := hmac.New(sha256.New, idx)
		m.Write([]byte(v))
		return m.Sum(nil)
	}
	out := make([]benchApp, benchApps)
	for i := range out {
		a := app("ev", i)
		pt, _ := json.Marshal(map[string]string{
			"name": "山田 花子", "name_kana": "ヤマダ ハナコ", "address": fmt.Sprintf("東京都新宿区西新宿2-8-%d ベンチマーク荘%d号室", i%99, i),
			"phone": fmt.Sprintf("090-%04d-%04d", i/10000, i%10000), "email": fmt.Sprintf("applicant%d@example.jp", i),
			"birth": "1985-04-01", "companions": "山田 太郎, 山田 一郎",
		})
		blob, err := sealer.Seal(ctx, "ev", a.ID, "application", pt)
		if err != nil {
			panic(err)
		}
		a.Sealed = map[string][]byte{"application": blob}
		a.Identity = [][]byte{mac(fmt.Sprintf("id-name-birth-%d", i)), mac(fmt.Sprintf("id-phone-%d", i))}
		a.Search = []adapters.BlindKey{{Kind: "kana", MAC: mac(fmt.Sprintf("kana-%d", i%500))}, {Kind: "phone", MAC: mac(fmt.Sprintf("phone-%d", i))}}
		out[i] = benchApp{a, adapters.Consent{ID: "c-" + a.ID, Event: "ev", Application: a.ID, Data: []byte(`{"notice":"v1","purposes":["reception","notification"],"at":"2021-07-01T09:00:00Z"}`)}}
	}
	return out
})

func newBenchStore(b testing.TB, opts *sqlite.Options) (*sqlite.Store, string) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "kuji.db")
	s, err := sqlite.Open(path, opts)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Update(ctx, func(tx adapters.Tx) error {
		return tx.CreateEvent(ctx, adapters.Event{ID: "ev", State: "open"})
	}); err != nil {
		b.Fatal(err)
	}
	return s, path
}

func insertApp(ctx context.Context, s *sqlite.Store, x benchApp) error {
	return s.Update(ctx, func(tx adapters.Tx) error {
		if err := tx.InsertApplication(ctx, x.a); err != nil {
			return err
		}
		return tx.PutConsent(ctx, x.consent)
	})
}

// BenchmarkInsert10k inserts 10,000 sealed applications, one per
// transaction, with durable commits (synchronous=FULL, WAL): through the
// Store sequentially and from 16 goroutines, and as raw INSERTs of the same
// rows through database/sql (internal/rawbench), one transaction per
// application. One op is all 10,000; apps/s is the
// throughput.
func BenchmarkInsert10k(b *testing.B) {
	data := benchData()
	ctx := context.Background()
	report := func(b *testing.B, start time.Time, n int) {
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "apps/s")
	}
	b.Run("store/sequential", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			s, _ := newBenchStore(b, nil)
			b.StartTimer()
			start := time.Now()
			for _, x := range data {
				if err := insertApp(ctx, s, x); err != nil {
					b.Fatal(err)
				}
			}
			report(b, start, len(data))
			b.StopTimer()
			s.Close()
			b.StartTimer()
		}
	})
	b.Run("store/16-goroutines", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			s, _ := newBenchStore(b, nil)
			b.StartTimer()
			start := time.Now()
			var next atomic.Int64
			var wg sync.WaitGroup
			for range 16 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := next.Add(1) - 1; i < int64(len(data)); i = next.Add(1) - 1 {
						if err := insertApp(ctx, s, data[i]); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			report(b, start, len(data))
			b.StopTimer()
			s.Close()
			b.StartTimer()
		}
	})
	b.Run("raw/tx-per-app", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			s, path := newBenchStore(b, nil)
			if err := s.Close(); err != nil {
				b.Fatal(err)
			}
			raw, err := rawbench.SQLite(path)
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			start := time.Now()
			for _, x := range data {
				if err := raw.Insert(ctx, x.a, x.consent); err != nil {
					b.Fatal(err)
				}
			}
			report(b, start, len(data))
			b.StopTimer()
			raw.Close()
			b.StartTimer()
		}
	})
}

// BenchmarkAuditAppend appends audit entries, one per Update, through
// audit.NewLog(...).Append; one op is one entry.
func BenchmarkAuditAppend(b *testing.B) {
	ctx := context.Background()
	entry := func(i int) audit.Entry {
		return audit.Entry{
			Time: t0.Add(time.Duration(i) * time.Millisecond), Actor: "handler-01", Role: audit.RoleHandler,
			Purpose: "reception", Action: audit.ActionView, Event: "ev",
			Subjects: []string{fmt.Sprintf("R-%06d", i)}, Categories: []string{"user.name", "user.contact.phone"},
			Outcome: audit.OutcomeAllowed,
		}
	}
	appendOne := func(s *sqlite.Store, i int) error {
		return s.Update(ctx, func(tx adapters.Tx) error {
			l, err := audit.NewLog("kuji.bench/ev", tx.AuditLog("kuji.bench/ev"))
			if err != nil {
				return err
			}
			_, err = l.Append(ctx, entry(i))
			return err
		})
	}
	b.Run("sequential", func(b *testing.B) {
		s, _ := newBenchStore(b, nil)
		defer s.Close()
		i := 0
		for b.Loop() {
			if err := appendOne(s, i); err != nil {
				b.Fatal(err)
			}
			i++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "entries/s")
	})
	b.Run("16-goroutines", func(b *testing.B) {
		s, _ := newBenchStore(b, nil)
		defer s.Close()
		var next atomic.Int64
		var wg sync.WaitGroup
		b.ResetTimer()
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
					if err := appendOne(s, int(i)); err != nil {
						b.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "entries/s")
	})
}
