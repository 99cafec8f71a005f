package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/sqlite"
	"github.com/kuji-go/kuji/audit"
)

// BenchmarkAuditVerifyMillion verifies an audit log of 1,000,000 entries
// kept in SQLite against its checkpoint: every leaf read from the file,
// re-hashed and checked against the stored tree, and the root recomputed.
// Entries are appended 1,000 per transaction beforehand (not timed).
func BenchmarkAuditVerifyMillion(b *testing.B) {
	const n, batch = 1_000_000, 1_000
	ctx := context.Background()
	s, err := sqlite.Open(filepath.Join(b.TempDir(), "audit.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const origin = "kuji.bench/verify"
	t0 := time.Date(2021, 7, 1, 9, 0, 0, 0, time.UTC)
	for done := 0; done < n; done += batch {
		entries := make([]audit.Entry, batch)
		for i := range entries {
			k := done + i
			entries[i] = audit.Entry{Time: t0.Add(time.Duration(k) * time.Millisecond), Actor: "handler-reception",
				Role: audit.RoleHandler, Purpose: "reception", Action: audit.ActionView, Event: "livesite",
				Subjects: []string{fmt.Sprintf("LS-%07d", k)}, Categories: []string{"user.name", "user.contact.phone"},
				Outcome: audit.OutcomeAllowed}
		}
		err := s.Update(ctx, func(tx adapters.Tx) error {
			l, err := audit.NewLog(origin, tx.AuditLog(origin))
			if err != nil {
				return err
			}
			_, err = l.Append(ctx, entries...)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	var cp audit.Checkpoint
	err = s.View(ctx, func(tx adapters.ReadTx) error {
		l, err := audit.NewLog(origin, tx.AuditLog(origin))
		if err != nil {
			return err
		}
		cp, err = l.Checkpoint(ctx)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		err := s.View(ctx, func(tx adapters.ReadTx) error {
			l, err := audit.NewLog(origin, tx.AuditLog(origin))
			if err != nil {
				return err
			}
			res, err := l.Verify(ctx, cp)
			if err == nil && res.Size != n {
				err = fmt.Errorf("verified %d entries, want %d", res.Size, n)
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}
