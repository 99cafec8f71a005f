package postgres_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/memory"
	"github.com/kuji-go/kuji/adapters/postgres"
	"github.com/kuji-go/kuji/audit"
	"github.com/kuji-go/kuji/internal/rawbench"
	"github.com/kuji-go/kuji/internal/seal"
)

// The benchmarks run 32 concurrent writers, as 32 application servers'
// request handlers would, each on its own connection.
const benchWriters = 32

// benchDSN is the test DSN with a pool large enough for every writer.
func benchDSN(b *testing.B) string {
	dsn := testDSN(b)
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + fmt.Sprintf("pool_max_conns=%d", benchWriters)
}

// benchStore opens a store on a fresh schema with one open event.
func benchStore(b *testing.B) (*postgres.Store, string, string) {
	b.Helper()
	dsn := benchDSN(b)
	schema := freshSchema(b, testDSN(b))
	s, err := postgres.Open(context.Background(), dsn, &postgres.Options{Schema: schema})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	err = s.Update(bg(), func(tx adapters.Tx) error {
		return tx.CreateEvent(bg(), adapters.Event{ID: "ev-bench", State: "open", Data: []byte(`{}`), Updated: t0})
	})
	if err != nil {
		b.Fatal(err)
	}
	return s, dsn, schema
}

// runWriters runs b.N operations on benchWriters goroutines and reports
// the throughput under unit.
func runWriters(b *testing.B, unit string, op func(i int64) error) {
	b.Helper()
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range benchWriters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				if err := op(i); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), unit)
}

// sealedRows makes applications as the core writes them: about 300 bytes
// of JSON sealed under the event's application key, two identity keys and
// two search keys computed with the event's index key, and a consent
// receipt.
type sealedRows struct {
	sealer *seal.Sealer
	index  []byte
	seq    atomic.Int64 // unique across the benchmark's runs
}

func newSealedRows(b *testing.B) *sealedRows {
	sealer, err := seal.New(seal.NewKEK(), memory.NewKeyStore())
	if err != nil {
		b.Fatal(err)
	}
	idx, err := sealer.IndexKey(bg(), "ev-bench")
	if err != nil {
		b.Fatal(err)
	}
	return &sealedRows{sealer: sealer, index: idx}
}

func (r *sealedRows) mac(kind, v string) []byte {
	m := hmac.New(sha256.New, r.index)
	m.Write([]byte(kind + "\x00" + v))
	return m.Sum(nil)
}

type benchPerson struct {
	Name     string `json:"name"`
	Kana     string `json:"name_kana"`
	Address  string `json:"address"`
	Phone    string `json:"phone"`
	Email    string `json:"email"`
	Birth    string `json:"birth_date"`
	Category string `json:"category"`
}

func (r *sealedRows) next() (adapters.Application, adapters.Consent, error) {
	n := r.seq.Add(1)
	p := benchPerson{
		Name: "ベンチ太郎", Kana: "べんちたろう", Address: fmt.Sprintf("東京都新宿区西新宿二丁目%d番%d号 ベンチマンション%d号室", n%9+1, n%30+1, n%900+100),
		Phone: fmt.Sprintf("090-%04d-%04d", n/10000%10000, n%10000), Email: fmt.Sprintf("bench%d@example.jp", n),
		Birth: "1980-04-01", Category: "resident",
	}
	pt, err := json.Marshal(p)
	if err != nil {
		return adapters.Application{}, adapters.Consent{}, err
	}
	a := adapters.Application{
		ID:       fmt.Sprintf("00000000-0000-7000-8000-%012d", n),
		Event:    "ev-bench",
		Receipt:  fmt.Sprintf("B-%09d", n),
		Channel:  "web",
		Category: "resident",
		Size:     2,
		Prefs:    []string{"d01/am", "d02/pm", "d03/am"},
		Weight:   1,
		Status:   "applied",
		Created:  t0,
		Identity: [][]byte{r.mac("identity", p.Kana+"|"+p.Birth+fmt.Sprint(n)), r.mac("identity", p.Phone+"|"+p.Birth)},
		Search:   []adapters.BlindKey{{Kind: "kana", MAC: r.mac("kana", p.Kana)}, {Kind: "phone", MAC: r.mac("phone", p.Phone)}},
	}
	blob, err := r.sealer.Seal(bg(), a.Event, a.ID, "application", pt)
	if err != nil {
		return adapters.Application{}, adapters.Consent{}, err
	}
	a.Sealed = map[string][]byte{"application": blob}
	c := adapters.Consent{ID: "consent-" + a.ID, Event: a.Event, Application: a.ID,
		Data: []byte(`{"notice":"citywalk-2026/v3","purposes":["reception","insurance","notification","statistics"],"at":"2026-05-01T09:00:00Z"}`)}
	return a, c, nil
}

// BenchmarkInsertApplications: 32 writers, one sealed application per
// Update (receipt number, application row with its blob and keys, consent
// receipt).
func BenchmarkInsertApplications(b *testing.B) {
	s, _, _ := benchStore(b)
	rows := newSealedRows(b)
	b.ReportAllocs()
	runWriters(b, "applications/s", func(int64) error {
		a, c, err := rows.next()
		if err != nil {
			return err
		}
		return s.Update(bg(), func(tx adapters.Tx) error {
			n, err := tx.NextReceipt(bg(), a.Event)
			if err != nil {
				return err
			}
			a.Receipt = fmt.Sprintf("B-%09d", n)
			if err := tx.InsertApplication(bg(), a); err != nil {
				return err
			}
			return tx.PutConsent(bg(), c)
		})
	})
}

// BenchmarkRawInserts: the same rows as BenchmarkInsertApplications with
// plain INSERT statements, one transaction per application (the
// statements pipelined in one batch), 32 writers: the floor the store is
// compared with.
func BenchmarkRawInserts(b *testing.B) {
	_, _, schema := benchStore(b)
	raw, err := rawbench.Postgres(bg(), benchDSN(b), schema)
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	rows := newSealedRows(b)
	b.ReportAllocs()
	runWriters(b, "applications/s", func(int64) error {
		a, c, err := rows.next()
		if err != nil {
			return err
		}
		return raw.Insert(bg(), a, c)
	})
}

// BenchmarkAuditAppend: 32 writers appending one entry each per Update to
// one log, through audit.Log. Appends to a log are serialised until
// commit, so this measures the critical section.
func BenchmarkAuditAppend(b *testing.B) {
	s, _, _ := benchStore(b)
	const origin = "kuji.example.jp/bench/audit"
	b.ReportAllocs()
	runWriters(b, "entries/s", func(i int64) error {
		return s.Update(bg(), func(tx adapters.Tx) error {
			log, err := audit.NewLog(origin, tx.AuditLog(origin))
			if err != nil {
				return err
			}
			_, err = log.Append(bg(), entry(int(i)))
			return err
		})
	})
}

// BenchmarkApplyWithAudit: BenchmarkInsertApplications with the audit
// entry of each application appended last in the same Update, as the
// Office's Apply will: the whole store side of the Apply path.
func BenchmarkApplyWithAudit(b *testing.B) {
	s, _, _ := benchStore(b)
	rows := newSealedRows(b)
	const origin = "kuji.example.jp/bench/apply"
	b.ReportAllocs()
	runWriters(b, "applications/s", func(i int64) error {
		a, c, err := rows.next()
		if err != nil {
			return err
		}
		return s.Update(bg(), func(tx adapters.Tx) error {
			n, err := tx.NextReceipt(bg(), a.Event)
			if err != nil {
				return err
			}
			a.Receipt = fmt.Sprintf("B-%09d", n)
			if err := tx.InsertApplication(bg(), a); err != nil {
				return err
			}
			if err := tx.PutConsent(bg(), c); err != nil {
				return err
			}
			log, err := audit.NewLog(origin, tx.AuditLog(origin))
			if err != nil {
				return err
			}
			e := entry(int(i))
			e.Subjects = []string{a.Receipt}
			_, err = log.Append(bg(), e)
			return err
		})
	})
}
