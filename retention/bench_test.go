package retention_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/kuji-go/kuji/retention"
)

// BenchmarkCheck measures the check the Office makes before serving any
// record.
func BenchmarkCheck(b *testing.B) {
	p, err := retention.NewPolicy(
		retention.Rule{Class: "contact-card", Trigger: retention.TriggerEventEnd, Delay: retention.Delay{Months: 1}},
		retention.Rule{Class: "application", Trigger: retention.TriggerReportSubmitted},
	)
	if err != nil {
		b.Fatal(err)
	}
	m := retention.Milestones{EventEnd: at(2025, 1, 31, 21, 0, 0)}
	now := at(2025, 2, 15, 12, 0, 0)
	for b.Loop() {
		if err := p.Check("contact-card", m, now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApplyMillion runs an erasure of 1,000,000 receipt numbers
// through an in-memory eraser: the package's own share of a purge (the
// inventory's check, sort and digest, the read-back), without any store.
// The stores list receipt numbers in order ("sorted"); "shuffled" is the
// worst case for the sort.
func BenchmarkApplyMillion(b *testing.B) {
	const n = 1_000_000
	sorted, shuffled := make([]string, n), make([]string, n)
	for i := range n {
		sorted[i] = fmt.Sprintf("LS-%07d", i+1)
		shuffled[i] = fmt.Sprintf("LS-%07d", (i*7919)%n+1) // 7919 is prime to n: a permutation
	}
	b.Run("sorted", func(b *testing.B) { benchApply(b, sorted) })
	b.Run("shuffled", func(b *testing.B) { benchApply(b, shuffled) })
}

func benchApply(b *testing.B, ids []string) {
	n := int64(len(ids))
	plan, err := retention.NewPolicy(retention.Rule{Class: "application", Trigger: retention.TriggerReportSubmitted})
	if err != nil {
		b.Fatal(err)
	}
	p, err := plan.Plan(at(2025, 3, 2, 0, 0, 0), retention.Milestones{ReportSubmitted: at(2025, 3, 1, 0, 0, 0)},
		map[string]int64{"application": n})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		e := newFakeEraser(map[string][]string{"application": ids}, map[string]retention.IDKind{"application": retention.IDReceipt})
		er, err := retention.NewErasure(p, request())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		done, err := retention.Apply(context.Background(), e, er, ticking(at(2025, 3, 2, 0, 0, 0)))
		if err != nil || done.Classes[0].Records != n {
			b.Fatal(err)
		}
	}
}
