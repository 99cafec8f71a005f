package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/kuji-go/kuji"
	"github.com/kuji-go/kuji/adapters/csvio"
	"github.com/kuji-go/kuji/adapters/pgp"
	"github.com/kuji-go/kuji/adapters/smtp"
	"github.com/kuji-go/kuji/applicant"
	"github.com/kuji-go/kuji/examples/internal/demo"
	"github.com/kuji-go/kuji/retention"
)

// postcards types n postcards (and some broken ones) into a CSV file and
// imports it, storing the valid rows and reporting the others by row,
// column and reason.
func (w *walk) postcards(ctx context.Context, n int) error {
	path := w.path("postcards.csv")
	f, err := demo.CreateFile(path)
	if err != nil {
		return err
	}
	defer os.Remove(path) // it holds personal data in the clear
	cw, err := csvio.NewWriter(f, nil)
	if err != nil {
		return err
	}
	rows := [][]string{{"氏名", "住所", "郵便番号", "年齢", "性別", "電話番号", "参加者区分", "参加コース"}}
	bad := max(1, n/20)
	for i := range n + bad {
		form := w.people.Form(1)
		if i >= n {
			form, _ = w.people.Broken(i)
		}
		p := form.Representative
		rows = append(rows, []string{p.Name, p.Address, p.PostalCode, p.Age, p.Sex, p.Phone, form.Category, form.Course})
	}
	for _, r := range rows {
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	if err := cw.Flush(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	in, err := os.Open(path)
	if err != nil {
		return err
	}
	defer in.Close()
	receipts, res, err := w.o.ImportPostcards(ctx, reception, in, &csvio.ImportOptions{AcceptValid: true})
	if err != nil {
		return err
	}
	w.t.postcard = len(receipts)
	seen := map[int]bool{}
	for _, e := range res.Rejected {
		if !seen[e.Row] {
			seen[e.Row] = true
			var ae *applicant.Error
			if errors.As(e, &ae) {
				w.t.rejected[ae.Code()]++
			} else {
				w.t.rejected[e.Code()]++
			}
		}
	}
	w.printf("postcards: %s rows typed in; %s stored, %s rows rejected (by row, column and reason, never the value);",
		demo.N(res.Rows), demo.N(len(receipts)), demo.N(len(seen)))
	w.printf("  postcards.csv deleted after the import (it held personal data in the clear)")
	return nil
}

// writeResults writes the published result list: receipt number and
// result only.
func (w *walk) writeResults(results []kuji.Result) error {
	var b strings.Builder
	cw := csv.NewWriter(&b)
	rows := [][]string{{"receipt", "result", "course"}}
	for _, r := range results {
		rows = append(rows, []string{r.Receipt, string(r.Outcome), strings.Join(r.Slots, " ")})
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	path := w.path("public", "results.csv")
	w.file("result list (receipt numbers only)", path)
	return demo.WriteFile(path, []byte(b.String()))
}

// notify sends the results and guidance by email, one message per
// person, and writes the postal list for the postcard applicants.
func (w *walk) notify(ctx context.Context) error {
	w.clock.Set(tNotify)
	w.step("4. Results by email and by post")
	if err := w.o.Notify(ctx, boss); err != nil {
		return err
	}
	outbox, err := smtp.OpenDir(w.path("outbox"), &smtp.Options{From: "no-reply@citywalk.example.jp", FromName: "しんじゅくシティウォーク事務局"})
	if err != nil {
		return err
	}
	sum, err := w.o.Dispatch(ctx, notifier, outbox, &smtp.DispatcherOptions{Rate: math.Inf(1)})
	if err != nil {
		return err
	}
	w.t.sent = sum.Sent
	w.file("outbox: one .eml file per message", w.path("outbox"))
	w.printf("%s messages written to the outbox, one recipient each", demo.N(sum.Sent))
	res, err := w.exportTo(w.path("ward", "postal-list.csv.gpg"), "postal list (OpenPGP, to the ward)",
		func(f *os.File, opts kuji.ExportOptions) (*kuji.Exported, error) {
			return w.o.PostalList(ctx, notifier, f, opts)
		})
	if err != nil {
		return err
	}
	w.t.postal = res.Rows
	w.printf("postal list: %s postcard applicants, encrypted to the ward", demo.N(res.Rows))
	return nil
}

// insurance exports the accident-insurance list: the insurance purpose's
// view of the applications, encrypted to the ward and signed.
func (w *walk) insurance(ctx context.Context) error {
	w.step("5. The accident-insurance list, encrypted to the ward")
	path := w.path("ward", "insurance.csv.gpg")
	res, err := w.exportTo(path, "insurance list (OpenPGP, to the ward)",
		func(f *os.File, opts kuji.ExportOptions) (*kuji.Exported, error) {
			opts.Results = []applicant.Outcome{applicant.Won} // participants only: no one who lost the draw
			return w.o.Export(ctx, insurer, f, opts)
		})
	if err != nil {
		return err
	}
	w.t.insurance = res.Rows
	w.printf("%s rows of the insurance view (fields:%s), one per participant who won a place", demo.N(res.Rows), w.fieldsFor(applicant.PurposeInsurance))
	w.printf("encrypted to %s, signed by %s", res.Recipients[0], res.Signer)
	w.printf("%s bytes, SHA-256 %s (both in the audit log)", demo.N(res.Bytes), res.SHA256)
	return nil
}

// fieldsFor lists the fields the schema lets a purpose use.
func (w *walk) fieldsFor(p applicant.Purpose) string {
	out := ""
	for _, f := range w.o.Config().Schema.Fields {
		if slices.Contains(f.Purposes, p) {
			out += " " + string(f.Field)
		}
	}
	return out
}

// exportTo runs an encrypted export into path.
func (w *walk) exportTo(path, what string, export func(*os.File, kuji.ExportOptions) (*kuji.Exported, error)) (*kuji.Exported, error) {
	f, err := demo.CreateFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	res, err := export(f, kuji.ExportOptions{Recipients: []*pgp.Key{w.keys.Ward.Public()}})
	if err != nil {
		os.Remove(path) // a failed export is no valid message: discard it
		return nil, err
	}
	w.file(what, path)
	return res, f.Close()
}

// day checks the winners in at the reception desk.
func (w *walk) day(ctx context.Context) error {
	w.clock.Set(tDay)
	w.step("6. The day: check-in at reception")
	if err := w.o.Hold(ctx, boss); err != nil {
		return err
	}
	results, err := w.o.Results(ctx)
	if err != nil {
		return err
	}
	var coming []kuji.Result
	winners := 0
	for _, r := range results {
		if r.Outcome != applicant.Won {
			continue
		}
		if winners++; winners%10 == 0 {
			w.t.noShows++ // one in ten does not come
			continue
		}
		coming = append(coming, r)
	}
	err = demo.Parallel(ctx, w.cfg.workers, len(coming), func(ctx context.Context, i int) error {
		_, err := w.o.CheckIn(ctx, checkIn, coming[i].Receipt, coming[i].Slots[0])
		return err
	})
	if err != nil {
		return err
	}
	w.t.checkedIn = len(coming)
	w.printf("%s participants checked in (%s did not come); the desk's view holds only:%s",
		demo.N(w.t.checkedIn), demo.N(w.t.noShows), w.fieldsFor(applicant.PurposeCheckIn))
	return nil
}

// erase ends the event, submits the report and erases every applicant's
// data, with the certificate the ward's contract asks for.
func (w *walk) erase(ctx context.Context) error {
	w.clock.Set(tEnd)
	w.step("7. End, report, erasure")
	if err := w.o.End(ctx, boss); err != nil {
		return err
	}
	w.clock.Set(tReport)
	agg, err := w.o.Report(ctx, boss)
	if err != nil {
		return err
	}
	w.printf("%s: event report submitted with aggregates only:", w.clock.Now().Format("2006-01-02"))
	for _, c := range []string{"5km", "10km"} {
		var parts []string
		for _, cat := range []string{"resident", "worker", "student"} {
			parts = append(parts, fmt.Sprintf("%s %d", cat, agg.Count(retention.Cell{Slot: c, Category: cat, Result: "checked-in"})))
		}
		w.printf("  %-5s checked in: %s", c, strings.Join(parts, ", "))
	}
	p, err := w.o.Purge(ctx, boss)
	if err != nil {
		return err
	}
	if p == nil {
		return errors.New("nothing was due for erasure at the report")
	}
	w.cert, err = demo.WriteCertificate(w.path("ward", "erasure-certificate"), p, w.keys, w.clock.Now)
	if err != nil {
		return err
	}
	w.file("certificate of erasure (Japanese text)", w.cert.Text)
	w.file("certificate of erasure, clear-signed (gpg --verify)", w.cert.Signed)
	w.file("certificate bundle with audit inclusion proof", w.cert.Bundle)
	st, err := w.o.State(ctx)
	if err != nil {
		return err
	}
	if st != kuji.StatePurged {
		return fmt.Errorf("the event is %s after the erasure, not purged", st)
	}
	w.printf("erased %s: %s records; the data keys destroyed, rows deleted, database compacted",
		strings.Join(w.cert.Classes, ", "), demo.N(w.cert.Records))
	w.printf("certificate %s signed by the contractor; its audit inclusion proof verifies with the log's public key", p.Certificate.ID)
	w.t.state = string(st)
	w.printf("event state: %s", st)
	return nil
}

// audit verifies the audit log and writes the handling-status report.
func (w *walk) audit(ctx context.Context) error {
	w.step("8. Audit")
	a, err := demo.AuditEvent(ctx, w.o, w.keys, w.path("ward"), tCreate, w.clock.Now().Add(time.Second))
	if err != nil {
		return err
	}
	w.log = a
	w.file("signed audit checkpoint (the ward keeps it)", a.CheckpointFile)
	w.file("handling-status report (業務に関する報告), CSV", a.ReportCSV)
	w.file("handling-status report, text with the designated staff", a.ReportText)
	w.printf("audit log: %s entries verified against the signed checkpoint (root %s)", demo.N(a.Entries), a.Checkpoint.Hash)
	w.printf("accesses to personal data (allowed/refused or failed): %s", a.Accesses())
	return nil
}

// summary prints the counts, where the files are and how to check them.
func (w *walk) summary() {
	t := &w.t
	fmt.Fprintf(w.out, "\n== 9. Summary\n")
	line := func(label, format string, args ...any) {
		fmt.Fprintf(w.out, "  %-26s %s\n", label, fmt.Sprintf(format, args...))
	}
	invalid := 0
	var reasons []string
	for _, code := range slices.Sorted(maps.Keys(t.rejected)) {
		invalid += t.rejected[code]
		reasons = append(reasons, fmt.Sprintf("%s %d", code, t.rejected[code]))
	}
	line("stored", "%s (web %s, postcard %s)", demo.N(t.web+t.postcard), demo.N(t.web), demo.N(t.postcard))
	line("refused, same person", "%s", demo.N(t.duplicates))
	line("refused, invalid", "%s (%s)", demo.N(invalid), strings.Join(reasons, ", "))
	for _, id := range []string{"5km", "10km"} {
		c := t.courses[id]
		line("course "+id, "%s applied, %s places, %s won", demo.N(c.entries), demo.N(c.capacity), demo.N(c.won))
	}
	line("result emails", "%s", demo.N(t.sent))
	line("postal list rows", "%s", demo.N(t.postal))
	line("insurance list rows", "%s", demo.N(t.insurance))
	line("checked in", "%s (no-shows %s)", demo.N(t.checkedIn), demo.N(t.noShows))
	line("erased records", "%s (%s)", demo.N(w.cert.Records), strings.Join(w.cert.Classes, ", "))
	line("final state", "%s", t.state)
	line("audit log entries", "%s (verified)", demo.N(w.log.Entries))
	fmt.Fprintf(w.out, "Files (in %s)\n", w.dir)
	for _, f := range w.files {
		rel, err := filepath.Rel(w.dir, f[1])
		if err != nil {
			rel = f[1]
		}
		fmt.Fprintf(w.out, "  %-34s %s\n", rel, f[0])
	}
	fmt.Fprintf(w.out, "Check it yourself\n")
	for _, c := range []string{
		"go run ./examples/verifydraw " + w.path("public", "draw-record.json"),
		"export GNUPGHOME=$(mktemp -d)   # a throwaway keyring",
		"gpg --import " + w.keys.ContractorPub,
		"gpg --verify " + w.cert.Signed,
		"gpg --import " + w.keys.WardSecret + "   # the ward's key, for this demonstration only",
		"gpg --decrypt " + w.path("ward", "insurance.csv.gpg"),
	} {
		fmt.Fprintf(w.out, "  %s\n", c)
	}
}
