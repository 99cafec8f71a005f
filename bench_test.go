package kuji_test

import (
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/text/language"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/keydir"
	"github.com/kuji-go/kuji/adapters/postgres"
	"github.com/kuji-go/kuji/adapters/sqlite"
	"github.com/kuji-go/kuji/applicant"
	"github.com/kuji-go/kuji/internal/rawbench"
	"github.com/kuji-go/kuji/internal/refevent"
)

const benchApplications = 10_000

var benchForms = sync.OnceValue(func() []applicant.Form {
	p := refevent.NewPeople(refevent.LiveSite(0, 150).Schema, 2021)
	out := make([]applicant.Form, benchApplications)
	for i := range out {
		out[i] = p.Form(4)
	}
	return out
})

// parallel runs fn(i) for i in [0, n) on clients goroutines.
func parallel(b *testing.B, clients, n int, fn func(i int) error) {
	b.Helper()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				if err := fn(i); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// storedRows reads back what the Office wrote for every application: the
// rows the raw baseline inserts.
func storedRows(b *testing.B, s adapters.Store, event string) ([]adapters.Application, []adapters.Consent) {
	b.Helper()
	ctx := context.Background()
	var apps []adapters.Application
	var consents []adapters.Consent
	err := s.View(ctx, func(tx adapters.ReadTx) error {
		return tx.ListApplications(ctx, event, adapters.ApplicationFilter{Classes: []string{"application"}}, func(a adapters.Application) error {
			c, err := tx.Consent(ctx, event, a.ID)
			apps, consents = append(apps, a), append(consents, c)
			return err
		})
	})
	if err != nil {
		b.Fatal(err)
	}
	return apps, consents
}

// applyAll applies every benchmark form through the Office on clients
// goroutines and returns how long it took.
func applyAll(b *testing.B, r *rig, clients int) time.Duration {
	b.Helper()
	ctx := context.Background()
	if err := r.office.Open(ctx, refevent.Boss); err != nil {
		b.Fatal(err)
	}
	forms := benchForms()
	t0 := time.Now()
	parallel(b, clients, len(forms), func(i int) error {
		_, err := r.office.Apply(ctx, forms[i], language.Japanese)
		return err
	})
	return time.Since(t0)
}

// rawAll inserts rows through a raw inserter on clients goroutines.
func rawAll(b *testing.B, raw rawbench.Inserter, clients int, apps []adapters.Application, consents []adapters.Consent) time.Duration {
	b.Helper()
	ctx := context.Background()
	t0 := time.Now()
	parallel(b, clients, len(apps), func(i int) error { return raw.Insert(ctx, apps[i], consents[i]) })
	return time.Since(t0)
}

func report(b *testing.B, apply, raw time.Duration) {
	b.ReportMetric(float64(benchApplications)/apply.Seconds(), "apps/s")
	b.ReportMetric(apply.Seconds(), "s/10k")
	b.ReportMetric(float64(benchApplications)/raw.Seconds(), "raw-apps/s")
	b.ReportMetric(apply.Seconds()/raw.Seconds(), "x-raw")
}

// BenchmarkApply10kSQLite runs 10,000 live-site applications through the
// whole intake path — validation, normalisation, eligibility, sealing,
// blind indexes, duplicate check, receipt number, consent receipt — into
// SQLite with durable commits (synchronous=FULL), from one client and from
// 16 and 64 concurrent clients (a web server's request handlers), beside
// raw INSERTs of exactly the rows it wrote with the same durability and
// concurrency, one transaction each. One op is the whole 10,000.
func BenchmarkApply10kSQLite(b *testing.B) {
	ev := refevent.LiveSite(0, 150)
	for _, clients := range []int{1, 16, 64} {
		b.Run(map[int]string{1: "sequential", 16: "16-clients", 64: "64-clients"}[clients], func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				dir := b.TempDir()
				store, err := sqlite.Open(filepath.Join(dir, "kuji.db"), nil)
				if err != nil {
					b.Fatal(err)
				}
				keys, err := keydir.Open(filepath.Join(dir, "keys"), nil)
				if err != nil {
					b.Fatal(err)
				}
				r := newRig(b, ev, store, keys)
				b.StartTimer()
				apply := applyAll(b, r, clients)
				b.StopTimer()
				apps, consents := storedRows(b, store, ev.ID())
				store.Close()

				rawPath := filepath.Join(dir, "raw.db")
				fresh, err := sqlite.Open(rawPath, nil)
				if err != nil {
					b.Fatal(err)
				}
				if err := fresh.Update(context.Background(), func(tx adapters.Tx) error {
					return tx.CreateEvent(context.Background(), adapters.Event{ID: ev.ID(), State: "open"})
				}); err != nil {
					b.Fatal(err)
				}
				fresh.Close()
				raw, err := rawbench.SQLite(rawPath)
				if err != nil {
					b.Fatal(err)
				}
				report(b, apply, rawAll(b, raw, clients, apps, consents))
				raw.Close()
				b.StartTimer()
			}
		})
	}
}

// BenchmarkApply10kPostgres is the same intake from 32 concurrent clients
// into PostgreSQL, beside raw INSERTs of the same rows from 32 clients.
func BenchmarkApply10kPostgres(b *testing.B) {
	const clients = 32
	dsn := postgresDSN(b) + "&pool_max_conns=32"
	ev := refevent.LiveSite(0, 150)
	for b.Loop() {
		b.StopTimer()
		schema := pgSchema(b, postgresDSN(b))
		store, err := postgres.Open(context.Background(), dsn, &postgres.Options{Schema: schema})
		if err != nil {
			b.Fatal(err)
		}
		keys, err := keydir.Open(filepath.Join(b.TempDir(), "keys"), nil)
		if err != nil {
			b.Fatal(err)
		}
		r := newRig(b, ev, store, keys)
		b.StartTimer()
		apply := applyAll(b, r, clients)
		b.StopTimer()
		apps, consents := storedRows(b, store, ev.ID())
		store.Close()

		rawSchema := pgSchema(b, postgresDSN(b))
		fresh, err := postgres.Open(context.Background(), dsn, &postgres.Options{Schema: rawSchema})
		if err != nil {
			b.Fatal(err)
		}
		if err := fresh.Update(context.Background(), func(tx adapters.Tx) error {
			return tx.CreateEvent(context.Background(), adapters.Event{ID: ev.ID(), State: "open", Updated: time.Now()})
		}); err != nil {
			b.Fatal(err)
		}
		fresh.Close()
		raw, err := rawbench.Postgres(context.Background(), dsn, rawSchema)
		if err != nil {
			b.Fatal(err)
		}
		report(b, apply, rawAll(b, raw, clients, apps, consents))
		raw.Close()
		b.StartTimer()
	}
}
