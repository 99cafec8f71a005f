// Command livesite runs a Tokyo 2020 community live site (東京2020大会コミュニティ
// ライブサイト) of a Japanese ward from the first application to the last
// erasure, with kuji on its embedded SQLite store:
//
//	go run ./examples/livesite                    # 10,000 applications, in a new temporary directory
//	go run ./examples/livesite -n 2000 -dir out   # fewer, in ./out
//
// A simulated clock moves through the weeks of the event while the program
// works: the two-week registration window, the commitment and the draw, the
// results by email (an outbox directory of .eml files, or an SMTP server
// with -smtp) and by post (an encrypted postal list for the ward), the
// confirmation deadline with its promotions from the waitlists, 32 event
// days of check-ins and walk-in contact cards, an infection-tracing lookup,
// the event report, the erasure of the applications at the report and of
// the contact cards one month after the event, each with its signed
// certificate, and the audit of every access.
//
// The applicants are synthetic (internal/refevent). The program prints
// counts, digests and receipt numbers, never a personal value, and ends with
// a summary saying where every file is and how to check the draw and the
// certificates independently.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"time"
)

// config is what the flags set.
type config struct {
	dir       string // output directory; a new temporary one if empty
	force     bool   // write into a non-empty dir
	n         int    // valid applications (duplicates and bad ones come on top)
	capacity  int    // seats per slot; 0: enough for about half the groups
	workers   int    // concurrent web clients
	seed      uint64 // synthetic applicants
	smtp      string // host:port of an SMTP submission server; "" for the outbox directory
	smtpFrom  string
	smtpPlain bool
	smtpRate  float64
	// progress receives progress lines (stderr).
	progress io.Writer
}

func main() {
	cfg := config{progress: os.Stderr}
	flag.StringVar(&cfg.dir, "dir", "", "output directory (created; default: a new temporary directory)")
	flag.BoolVar(&cfg.force, "force", false, "write into -dir even if it is not empty (replacing an earlier run's files)")
	flag.IntVar(&cfg.n, "n", 10_000, "number of valid applications")
	flag.IntVar(&cfg.capacity, "capacity", 0, "seats per slot (default: enough for about half the groups)")
	flag.IntVar(&cfg.workers, "workers", max(8, 4*runtime.GOMAXPROCS(0)), "concurrent web clients")
	flag.Uint64Var(&cfg.seed, "seed", 2021, "seed of the synthetic applicants")
	flag.StringVar(&cfg.smtp, "smtp", "", "send results through this SMTP submission server (host:port) instead of the outbox directory")
	flag.StringVar(&cfg.smtpFrom, "smtp-from", "no-reply@livesite.example.jp", "sender address of the result messages")
	flag.BoolVar(&cfg.smtpPlain, "smtp-plain", false, "allow an SMTP server without STARTTLS (a relay on this host)")
	flag.Float64Var(&cfg.smtpRate, "smtp-rate", 10, "most messages per second sent through -smtp")
	flag.Parse()
	if flag.NArg() > 0 || cfg.n < 100 {
		fmt.Fprintln(os.Stderr, "usage: livesite [flags] (-n at least 100)")
		flag.PrintDefaults()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "livesite:", err)
		os.Exit(1)
	}
}

// run runs the whole event, printing each step and the summary to out.
func run(ctx context.Context, cfg config, out io.Writer) error {
	if cfg.progress == nil {
		cfg.progress = io.Discard
	}
	s, err := newSite(cfg, out)
	if err != nil {
		return err
	}
	defer s.close()
	steps := []func(context.Context) error{
		s.create,        // 1
		s.intake,        // 2
		s.draw,          // 3
		s.fairness,      // 4
		s.notify,        // 5
		s.confirmations, // 6
		s.eventDays,     // 7
		s.erase,         // 8
		s.audit,         // 9
	}
	for i, step := range steps {
		start := time.Now()
		if err := step(ctx); err != nil {
			return err
		}
		fmt.Fprintf(cfg.progress, "  (step %d took %.1f s)\n", i+1, time.Since(start).Seconds())
	}
	return s.summary() // 10
}
