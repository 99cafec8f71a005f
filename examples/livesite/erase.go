package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kuji-go/kuji"
	"github.com/kuji-go/kuji/audit"
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
	signed, err := s.o.Checkpoint(ctx)
	if err != nil {
		return err
	}
	path := s.path("ward", "checkpoint.txt")
	if err := demo.WriteFile(path, signed); err != nil {
		return err
	}
	s.file("signed audit checkpoint (the ward keeps it)", path)
	cp, err := audit.OpenCheckpoint(signed, s.keys.LogVerifier)
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := s.o.VerifyLog(ctx, cp)
	if err != nil {
		return err
	}
	s.timed("audit log verification (Office.VerifyLog)", int(res.Size), start)
	s.t.auditEntries = int(res.Size)
	s.printf("audit log: %s entries, root %s, verified against the signed checkpoint", demo.N(res.Size), cp.Hash)

	byAction := map[string][2]int{} // allowed, refused
	err = s.o.AuditEntries(ctx, func(_ int64, e audit.Entry) error {
		c := byAction[string(e.Action)]
		if e.Outcome == audit.OutcomeAllowed {
			c[0]++
		} else {
			c[1]++
		}
		byAction[string(e.Action)] = c
		return nil
	})
	if err != nil {
		return err
	}
	var parts []string
	for _, a := range []audit.Action{audit.ActionView, audit.ActionCheckIn, audit.ActionNotify, audit.ActionExport,
		audit.ActionImport, audit.ActionContactRecord, audit.ActionContactLookup, audit.ActionPurge} {
		if c := byAction[string(a)]; c != [2]int{} {
			parts = append(parts, fmt.Sprintf("%s %s/%d", a, demo.N(c[0]), c[1]))
		}
	}
	s.printf("accesses to personal data (allowed/refused or failed): %s", strings.Join(parts, ", "))

	rep, err := s.o.HandlingReport(ctx, tCreate, s.clock.Now().Add(time.Second))
	if err != nil {
		return err
	}
	designations, err := s.o.Designations(ctx)
	if err != nil {
		return err
	}
	var csv, text strings.Builder
	if err := rep.WriteCSV(&csv, audit.Japanese); err != nil {
		return err
	}
	if err := rep.WriteText(&text, audit.Japanese, designations); err != nil {
		return err
	}
	for p, data := range map[string]string{"handling-report.csv": csv.String(), "handling-report.txt": text.String()} {
		if err := demo.WriteFile(s.path("ward", p), []byte(data)); err != nil {
			return err
		}
	}
	s.file("handling-status report (業務に関する報告), CSV", s.path("ward", "handling-report.csv"))
	s.file("handling-status report, text with the designated staff", s.path("ward", "handling-report.txt"))
	s.t.denied = len(rep.Denied())
	s.printf("handling-status report: %d rows by actor, purpose and action; %d refused attempts listed", len(rep.Rows()), s.t.denied)
	for _, e := range rep.Denied() {
		s.printf("  refused: %s (%s, purpose %q) %s %s: %s", e.Actor, e.Role, e.Purpose, e.Action, strings.Join(e.Subjects, " "), e.Reason)
	}
	return nil
}
