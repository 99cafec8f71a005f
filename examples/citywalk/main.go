// Command citywalk runs a ward's city walk (しんじゅくシティウォーク style) with
// kuji on its embedded SQLite store, from the applications to the erasure
// of every applicant's data after the event report:
//
//	go run ./examples/citywalk                   # in a new temporary directory
//	go run ./examples/citywalk -n 400 -dir out   # fewer applicants, in ./out
//
// People who live, work or study in the ward (区内在住・在勤・在学) apply for
// one of two courses, online or by postcard. The program shows:
//
//   - intake with the schema's validation and the duplicate-person check,
//     postcards imported from a typed-in CSV file, keeping the valid rows;
//   - a draw over the courses, committed before its seed is known: the 5 km
//     course has room for everyone, the 10 km course is oversubscribed;
//   - results by email (an outbox directory of .eml files, one recipient
//     each) and a postal list for postcard applicants;
//   - the accident-insurance list: the insurance purpose's view of the
//     applications (name, address, age, sex — no phone, no email) as CSV
//     inside an OpenPGP message encrypted to the ward's key and signed by
//     the contractor, ready for gpg --decrypt;
//   - check-in at the reception desk on the day;
//   - the event report (aggregates only), then the erasure of all applicant
//     data with a signed certificate of erasure, as the ward's contract
//     (特記事項) requires; and the audit of every access.
//
// The applicants are synthetic (internal/refevent); the program prints
// counts, digests and receipt numbers, never a personal value.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
)

// config is what the flags set.
type config struct {
	dir      string // output directory; a new temporary one if empty
	force    bool
	n        int // valid applications
	cap5km   int // places on the 5 km course; 0: room for everyone
	cap10km  int // places on the 10 km course; 0: about half its demand
	seed     uint64
	workers  int
	progress io.Writer
}

func main() {
	cfg := config{progress: os.Stderr}
	flag.StringVar(&cfg.dir, "dir", "", "output directory (created; default: a new temporary directory)")
	flag.BoolVar(&cfg.force, "force", false, "write into -dir even if it is not empty (replacing an earlier run's files)")
	flag.IntVar(&cfg.n, "n", 1_200, "number of valid applications")
	flag.IntVar(&cfg.cap5km, "cap-5km", 0, "places on the 5 km course (default: room for everyone)")
	flag.IntVar(&cfg.cap10km, "cap-10km", 0, "places on the 10 km course (default: about half the demand)")
	flag.Uint64Var(&cfg.seed, "seed", 2019, "seed of the synthetic applicants")
	flag.IntVar(&cfg.workers, "workers", 8, "concurrent web clients")
	flag.Parse()
	if flag.NArg() > 0 || cfg.n < 20 {
		fmt.Fprintln(os.Stderr, "usage: citywalk [flags] (-n at least 20)")
		flag.PrintDefaults()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "citywalk:", err)
		os.Exit(1)
	}
}

// run runs the whole event, printing each step and the summary to out.
func run(ctx context.Context, cfg config, out io.Writer) error {
	if cfg.progress == nil {
		cfg.progress = io.Discard
	}
	w, err := newWalk(cfg, out)
	if err != nil {
		return err
	}
	defer w.close()
	for _, step := range []func(context.Context) error{
		w.create, w.intake, w.draw, w.notify, w.insurance, w.day, w.erase, w.audit,
	} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	w.summary()
	return nil
}
