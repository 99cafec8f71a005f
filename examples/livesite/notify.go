package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/kuji-go/kuji"
	"github.com/kuji-go/kuji/adapters/pgp"
	"github.com/kuji-go/kuji/adapters/smtp"
	"github.com/kuji-go/kuji/applicant"
	"github.com/kuji-go/kuji/examples/internal/demo"
	"github.com/kuji-go/kuji/lottery"
)

// notify is step 5: results go out within days of the draw — by email, one
// message per person, and for postcard applicants as a postal list that
// leaves only encrypted to the ward.
func (s *site) notify(ctx context.Context) error {
	s.clock.Set(tNotify)
	s.step("5. Results by email and by post")
	if err := s.o.Notify(ctx, boss); err != nil {
		return err
	}
	n, done, err := s.notifier()
	if err != nil {
		return err
	}
	defer done()
	if s.cfg.smtp == "" {
		s.file("outbox: one .eml file per message", s.path("outbox"))
	}
	start := time.Now()
	sum, err := s.dispatch(ctx, n, s.t.web)
	if err != nil {
		return err
	}
	s.t.sent = sum.Sent
	s.timed("result emails (Office.Dispatch)", sum.Sent, start)
	s.printf("%s result messages sent, one recipient each (%s bounced, %s failed)", demo.N(sum.Sent), demo.N(sum.Bounced), demo.N(sum.Failed+sum.Ambiguous))

	path := s.path("ward", "postal-list.csv.gpg")
	f, err := demo.CreateFile(path)
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := s.o.PostalList(ctx, notifier, f, kuji.ExportOptions{Recipients: []*pgp.Key{s.keys.Ward.Public()}})
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	s.t.postal = res.Rows
	s.file("postal list for the result postcards (OpenPGP, to the ward)", path)
	s.printf("postal list: %s postcard applicants, encrypted to the ward and signed, SHA-256 %s…", demo.N(res.Rows), res.SHA256[:16])
	return nil
}

// notifier returns where messages go: the outbox directory, or the SMTP
// server of -smtp. done releases it.
func (s *site) notifier() (smtp.Notifier, func(), error) {
	opts := &smtp.Options{From: s.cfg.smtpFrom, FromName: "東京2020大会コミュニティライブサイト事務局"}
	if s.cfg.smtp == "" {
		dir := s.path("outbox")
		d, err := smtp.OpenDir(dir, opts)
		if err != nil {
			return nil, nil, err
		}
		return d, func() {}, nil
	}
	host, port, err := net.SplitHostPort(s.cfg.smtp)
	if err != nil {
		return nil, nil, fmt.Errorf("-smtp: %w", err)
	}
	opts.Host = host
	if opts.Port, err = strconv.Atoi(port); err != nil {
		return nil, nil, fmt.Errorf("-smtp: port: %w", err)
	}
	opts.AllowPlaintext = s.cfg.smtpPlain
	sender, err := smtp.Open(opts)
	if err != nil {
		return nil, nil, err
	}
	return sender, func() { sender.Close() }, nil
}

// counting passes notifications on and shows progress. A server that
// cannot be used at all (unreachable, no STARTTLS, TLS or authentication
// failing) stops the run at once rather than retrying every message for
// hours.
type counting struct {
	smtp.Notifier
	progress *demo.Progress
	stop     context.CancelCauseFunc
}

func (c counting) Notify(ctx context.Context, n smtp.Notification) error {
	err := c.Notifier.Notify(ctx, n)
	c.progress.Add(1)
	var se *smtp.SendError
	if errors.As(err, &se) {
		switch se.Reason {
		case smtp.ReasonConnect, smtp.ReasonStartTLSUnavailable, smtp.ReasonTLS, smtp.ReasonAuth:
			c.stop(fmt.Errorf("the SMTP server cannot be used (%s): %w", se.Reason, err))
		}
	}
	return err
}

// dispatch drains the outbox as the notification handler. An outbox
// directory takes several dispatchers at once (the store hands each message
// to one of them), which lets SQLite commit their work in groups.
func (s *site) dispatch(ctx context.Context, n smtp.Notifier, expect int) (smtp.Summary, error) {
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	n = counting{n, demo.NewProgress(s.cfg.progress, "messages", expect, 1000), stop}
	workers, rate := 8, math.Inf(1)
	if s.cfg.smtp != "" {
		workers, rate = 1, s.cfg.smtpRate // one connection, politely
	}
	var mu sync.Mutex
	var total smtp.Summary
	var firstErr error
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			sum, err := s.o.Dispatch(ctx, notifier, n, &smtp.DispatcherOptions{Worker: fmt.Sprintf("livesite-%d", i), Rate: rate})
			mu.Lock()
			defer mu.Unlock()
			total.Sent += sum.Sent
			total.Bounced += sum.Bounced
			total.Failed += sum.Failed
			total.Ambiguous += sum.Ambiguous
			if err != nil && firstErr == nil {
				firstErr = err
			}
		})
	}
	wg.Wait()
	if cause := context.Cause(ctx); cause != nil {
		return total, cause
	}
	return total, firstErr
}

// confirmations is step 6: winners confirm before the deadline, some
// decline, some never answer; the deadline passes and the unconfirmed seats
// lapse. Every freed seat goes to the next group on the slot's waitlist that
// fits, and the promoted groups are told.
func (s *site) confirmations(ctx context.Context) error {
	s.clock.Set(tConfirm)
	s.step("6. Confirmations, declines, the deadline, promotions")
	results, err := s.o.Results(ctx)
	if err != nil {
		return err
	}
	// One winner in two hundred declines; two in a hundred never answer.
	var confirm, decline []kuji.Result
	silent := 0
	winners := 0
	for _, r := range results {
		if r.Outcome != applicant.Won {
			continue
		}
		winners++
		switch k := winners % 200; {
		case k == 100:
			decline = append(decline, r)
		case k%100 == 1 || k%100 == 2:
			silent++
		default:
			confirm = append(confirm, r)
		}
	}
	start := time.Now()
	progress := demo.NewProgress(s.cfg.progress, "confirmations", len(confirm), 1000)
	err = demo.Parallel(ctx, s.cfg.workers, len(confirm), func(ctx context.Context, i int) error {
		defer progress.Add(1)
		return s.o.Confirm(ctx, confirm[i].Receipt, confirm[i].Slots[0])
	})
	if err != nil {
		return err
	}
	s.timed("confirmations (Office.Confirm)", len(confirm), start)
	start = time.Now()
	for _, r := range decline {
		if err := s.o.Decline(ctx, r.Receipt, r.Slots[0]); err != nil {
			return err
		}
	}
	s.timed("declines, with promotions (Office.Decline)", len(decline), start)
	s.t.confirmed, s.t.declined = len(confirm), len(decline)
	s.printf("%s winners confirmed, %s declined, %s did not answer", demo.N(len(confirm)), demo.N(len(decline)), demo.N(silent))

	// The deadline passes: unconfirmed seats lapse.
	s.clock.Set(tNotify.Add(s.o.Config().ConfirmWithin + time.Minute))
	start = time.Now()
	if s.t.lapsed, err = s.o.Lapse(ctx, boss); err != nil {
		return err
	}
	s.timed("lapses, with promotions (Office.Lapse)", s.t.lapsed, start)
	final, err := s.o.DrawRecord(ctx)
	if err != nil {
		return err
	}
	if err := lottery.Verify(final); err != nil {
		return fmt.Errorf("the draw record with its events does not verify: %w", err)
	}
	for _, e := range final.Events {
		s.t.promoted += len(e.Promoted)
	}
	if err := s.writeJSON("draw record with cancellations, lapses and promotions", s.path("public", "draw-record-final.json"), final); err != nil {
		return err
	}
	s.printf("deadline %s passed: %s seats lapsed", s.clock.Now().Add(-time.Minute).Format("2006-01-02 15:04"), demo.N(s.t.lapsed))
	s.printf("%s groups promoted from the waitlists (%d events replayed by lottery.Verify: OK)", demo.N(s.t.promoted), len(final.Events))

	n, done, err := s.notifier()
	if err != nil {
		return err
	}
	defer done()
	sum, err := s.dispatch(ctx, n, s.t.promoted)
	if err != nil {
		return err
	}
	s.t.promotedSent = sum.Sent
	promotedPostcards := 0
	for _, e := range final.Events {
		for _, w := range e.Promoted {
			if s.postcards[w.Entry] {
				promotedPostcards++
			}
		}
	}
	s.printf("%s promotion messages sent; %d promoted groups applied by postcard, have no email address", demo.N(sum.Sent), promotedPostcards)
	s.printf("  and must be told by post")
	return nil
}
