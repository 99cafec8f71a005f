package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kuji-go/kuji"
	"github.com/kuji-go/kuji/examples/internal/demo"
	"github.com/kuji-go/kuji/retention"
)

// erase is step 8: the event ends, the report (aggregates only) is
// submitted, and each data class is erased when its retention rule says:
// the applications at the report, the contact cards one month after the
// event. Each erasure destroys the class's key, deletes and compacts, and
// yields a certificate signed by the contractor and proven in the audit log.
func (s *site) erase(ctx context.Context) error {
	s.clock.Set(tEnd)
	s.step("8. End, report, erasure")
	if err := s.o.End(ctx, boss); err != nil {
		return err
	}
	s.clock.Set(tReport)
	agg, err := s.o.Report(ctx, boss)
	if err != nil {
		return err
	}
	var counts []string
	for _, r := range agg.Declared().Results {
		if n := agg.Count(retention.Cell{Result: r}); n > 0 {
			counts = append(counts, fmt.Sprintf("%s %s", r, demo.N(n)))
		}
	}
	s.printf("%s: event report submitted with aggregates only (per slot, channel and result):", s.clock.Now().Format("2006-01-02"))
	s.printf("  %s", strings.Join(counts, ", "))
	s.printf("  checked in: web %s, postcard %s", demo.N(agg.Count(retention.Cell{Channel: "web", Result: "checked-in"})),
		demo.N(agg.Count(retention.Cell{Channel: "postcard", Result: "checked-in"})))

	if err := s.purge(ctx, "erasure-1-applications"); err != nil {
		return err
	}
	plan, err := s.o.Plan(ctx)
	if err != nil {
		return err
	}
	if next, ok := plan.Next(); ok {
		s.printf("still held: %s, %s records, until %s", next.Class, demo.N(next.Records), next.Deadline.English())
	}

	s.clock.Set(tCards)
	s.printf("%s: one month after the event", s.clock.Now().Format("2006-01-02"))
	if err := s.purge(ctx, "erasure-2-contact-cards"); err != nil {
		return err
	}
	st, err := s.o.State(ctx)
	if err != nil {
		return err
	}
	if st != kuji.StatePurged {
		return fmt.Errorf("the event is %s after the last erasure, not purged", st)
	}
	s.t.state = string(st)
	s.printf("event state: %s — every personal data class erased; the aggregates remain", st)
	return nil
}

// purge erases what is due and writes and checks its certificate.
func (s *site) purge(ctx context.Context, name string) error {
	start := time.Now()
	p, err := s.o.Purge(ctx, boss)
	if err != nil {
		return err
	}
	if p == nil {
		return fmt.Errorf("%s: nothing was due", name)
	}
	s.timed("purge "+name+" (Office.Purge)", int(p.Certificate.Records()), start)
	c, err := demo.WriteCertificate(s.path("ward", name), p, s.keys, s.clock.Now)
	if err != nil {
		return err
	}
	s.certs = append(s.certs, c)
	s.file("erasure certificate (Japanese text)", c.Text)
	s.file("erasure certificate, clear-signed (gpg --verify)", c.Signed)
	s.file("erasure certificate bundle with audit inclusion proof", c.Bundle)
	s.printf("erased %s: %s records; keys destroyed, rows deleted, database compacted", strings.Join(c.Classes, ", "), demo.N(c.Records))
	s.printf("  certificate %s signed by the contractor; its audit inclusion proof verifies with the log's public key", p.Certificate.ID)
	return nil
}

// audit is step 9: sign a checkpoint of the audit log, verify the whole
// log against it, and write the handling-status report (業務に関する報告) the
// ward asks for at its yearly inspection.
func (s *site) audit(ctx context.Context) error {
	s.step("9. Audit")
	a, err := demo.AuditEvent(ctx, s.o, s.keys, s.path("ward"), tCreate, s.clock.Now().Add(time.Second))
	if err != nil {
		return err
	}
	s.timed("audit log verification (Office.VerifyLog)", int(a.Entries), time.Now().Add(-a.Took))
	s.t.auditEntries, s.t.denied = int(a.Entries), len(a.Denied)
	s.file("signed audit checkpoint (the ward keeps it)", a.CheckpointFile)
	s.file("handling-status report (業務に関する報告), CSV", a.ReportCSV)
	s.file("handling-status report, text with the designated staff", a.ReportText)
	s.printf("audit log: %s entries, root %s, verified against the signed checkpoint", demo.N(a.Entries), a.Checkpoint.Hash)
	s.printf("accesses to personal data (allowed/refused or failed): %s", a.Accesses())
	s.printf("handling-status report: %d rows by actor, purpose and action; %d refused attempts listed", a.Rows, len(a.Denied))
	for _, e := range a.Denied {
		s.printf("  refused: %s (%s, purpose %q) %s %s: %s", e.Actor, e.Role, e.Purpose, e.Action, strings.Join(e.Subjects, " "), e.Reason)
	}
	return nil
}
