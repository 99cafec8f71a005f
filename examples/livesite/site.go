package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/kuji-go/kuji"
	"github.com/kuji-go/kuji/adapters/keydir"
	"github.com/kuji-go/kuji/adapters/sqlite"
	"github.com/kuji-go/kuji/applicant"
	"github.com/kuji-go/kuji/examples/internal/demo"
	"github.com/kuji-go/kuji/internal/refevent"
	"github.com/kuji-go/kuji/lottery"
)

// The event's calendar (Japan Standard Time), after the real one: a
// two-week registration window, results within about five days, a
// confirmation deadline five days later, 32 event days from 21 July to 5
// September 2021, and the contact cards destroyed one month after the end.
var (
	tCreate  = at(2021, 6, 1, 9)   // the event is set up, the staff designated
	tOpen    = at(2021, 6, 14, 9)  // registration opens
	tClose   = at(2021, 6, 28, 9)  // registration closes
	tCommit  = at(2021, 6, 28, 10) // the draw's input is fixed and published
	tDraw    = at(2021, 7, 2, 10)  // after the announced public draw of 1 July
	tNotify  = at(2021, 7, 2, 11)  // results go out
	tConfirm = at(2021, 7, 4, 20)  // winners answer
	tHold    = at(2021, 7, 21, 9)  // the first event day
	tEnd     = at(2021, 9, 5, 22)  // the last event day is over
	tReport  = at(2021, 9, 10, 10) // the event report is submitted
	tCards   = at(2021, 10, 6, 9)  // the day after the contact cards' deadline
)

func at(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, refevent.JST)
}

// The public source the seed comes from, announced at the commitment. Its
// values are simulated here; a real event uses the published result.
const seedSource = "Loto 6 draw of 2021-07-01 (simulated values)"

// site is one run of the live site: its Office, its files and what
// happened, for the summary.
type site struct {
	cfg   config
	out   io.Writer
	dir   string
	clock *demo.Clock
	keys  *demo.Keys
	store *sqlite.Store
	o     *kuji.Office

	people *refevent.People
	// postcards are the receipt numbers of the postcard applications.
	postcards map[string]bool
	record    *lottery.Record // as drawn
	t         tally
	files     []file
	timings   []timing
	certs     []*demo.Certificate
}

// tally counts what happened, for the summary.
type tally struct {
	web, postcard         int // applications stored
	dupWeb, dupPostcard   int // refused: the same person already holds a chance
	disqualified          int // removed on review: the same person in another group
	rejected              map[string]int
	rejectedText          map[string]string // reason code -> English message
	entries               int
	won, waitlisted, lost int
	sent, postal          int
	confirmed, declined   int
	lapsed, promoted      int
	promotedSent          int
	checkedIn, noShows    int
	cards, traced         int
	auditEntries, denied  int
	state                 string // the event's state at the end
}

type file struct{ what, path string }

type timing struct {
	what  string
	took  time.Duration
	items int
}

func newSite(cfg config, out io.Writer) (*site, error) {
	dir, err := demo.PrepareDir(cfg.dir, cfg.force, "kuji-livesite-*",
		"livesite.db*", "keys", "secrets", "outbox", "public", "ward", "postcards.csv")
	if err != nil {
		return nil, err
	}
	return &site{cfg: cfg, out: out, dir: dir, clock: demo.NewClock(tCreate), postcards: map[string]bool{},
		t: tally{rejected: map[string]int{}, rejectedText: map[string]string{}}}, nil
}

func (s *site) close() {
	if s.store != nil {
		s.store.Close()
	}
}

// step prints a step's heading with the simulated date.
func (s *site) step(title string) {
	fmt.Fprintf(s.out, "\n== %s  [%s]\n", title, s.clock.Now().Format("2006-01-02 15:04 JST"))
}

func (s *site) printf(format string, args ...any) {
	fmt.Fprintf(s.out, "   "+format+"\n", args...)
}

func (s *site) file(what, path string) { s.files = append(s.files, file{what, path}) }

func (s *site) path(parts ...string) string {
	return filepath.Join(append([]string{s.dir}, parts...)...)
}

func (s *site) timed(what string, items int, start time.Time) {
	s.timings = append(s.timings, timing{what, time.Since(start), items})
}

// Staff accesses: the responsible person takes the lifecycle steps, each
// handler works for one purpose.
var (
	boss      = refevent.Boss
	reception = refevent.As(refevent.Reception, applicant.PurposeReception)
	notifier  = refevent.As(refevent.Notifier, applicant.PurposeNotification)
	checkIn   = refevent.As(refevent.CheckIn, applicant.PurposeCheckIn)
	tracer    = refevent.As(refevent.Tracer, applicant.PurposeInfectionTracing)
)

// The synthetic groups have 1 to 4 people, evenly.
const (
	maxGroup  = 4
	meanGroup = 2.5
)

// create is step 1: the event, its keys, its store and its staff.
func (s *site) create(ctx context.Context) error {
	s.step("1. The event, its keys and its staff")
	slots := len(refevent.LiveSite(0, 1).Slots)
	capacity := s.cfg.capacity
	if capacity == 0 {
		// Enough seats for about half the groups, and at least one
		// group of the largest size.
		capacity = max(maxGroup, int(float64(s.cfg.n)*meanGroup/2/float64(slots)+0.5))
	}
	ev := refevent.LiveSite(0, capacity)
	keys, err := demo.NewKeys(s.dir, ev.LogOrigin, tCreate.AddDate(0, 0, -1))
	if err != nil {
		return err
	}
	s.keys = keys
	ev.Recipients = []string{keys.Ward.Fingerprint()} // personal data leaves only encrypted to the ward

	// The database holds sealed blobs and pseudonymous columns only; the
	// wrapped data keys live in a directory of their own; the KEK that
	// unwraps them is in a third place.
	s.store, err = sqlite.Open(s.path("livesite.db"), nil)
	if err != nil {
		return err
	}
	keyStore, err := keydir.Open(s.path("keys"), nil)
	if err != nil {
		return err
	}
	opts := kuji.Options{Store: s.store, Keys: keyStore, KEK: keys.KEK, LogKey: keys.LogSigner,
		Signer: keys.Contractor, Clock: s.clock.Now}
	s.o, err = kuji.Create(ctx, ev, refevent.ResponsiblePerson(ev.ID(), tCreate), opts)
	if err != nil {
		return err
	}
	var staff []string
	for _, d := range refevent.Handlers(ev, tCreate) {
		if err := s.o.Designate(ctx, boss, d); err != nil {
			return err
		}
		staff = append(staff, d.Actor+" ("+strings.Join(d.Purposes, ",")+")")
	}
	s.people = refevent.NewPeople(ev.Schema, s.cfg.seed)

	s.printf("event %q: %d days × 3 slots = %d slots of %d seats (%s seats)", ev.ID(), slots/3, slots, capacity, demo.N(slots*capacity))
	s.printf("responsible person (取扱責任者) %s; handlers (取扱者): %s", refevent.Responsible, strings.Join(staff, ", "))
	s.printf("contractor's OpenPGP key %s signs exports and certificates", keys.Contractor.Fingerprint())
	s.printf("ward's OpenPGP key       %s receives every export", keys.Ward.Fingerprint())
	s.printf("audit log %q signs its checkpoints; the ward keeps the public key", ev.LogOrigin)
	s.printf("key-encryption key in its own 0600 file, apart from the database and the key directory;")
	s.printf("  in production it lives in a KMS/HSM or a secret store, never beside the data")
	s.file("database (sealed data only)", s.path("livesite.db"))
	s.file("wrapped data keys (keep apart from the database and its backups)", s.path("keys"))
	s.file("key-encryption key (production: KMS/HSM or secret store)", keys.KEKFile)
	s.file("audit log public key (the ward's)", keys.LogPub)
	s.file("contractor's public key", keys.ContractorPub)
	s.file("ward's secret key (only so you can decrypt the exports here)", keys.WardSecret)
	return nil
}

// classify counts the outcome of one application; it returns err when
// the refusal is not one the example expects.
func (t *tally) classify(err error, postcard bool) error {
	var es applicant.Errors
	switch {
	case err == nil:
		if postcard {
			t.postcard++
		} else {
			t.web++
		}
	case errors.Is(err, kuji.ErrDuplicate):
		if postcard {
			t.dupPostcard++
		} else {
			t.dupWeb++
		}
	case errors.As(err, &es) && len(es) > 0:
		t.reject(es[0])
	default:
		return err
	}
	return nil
}

// reject counts a refused application by the reason of its first problem.
func (t *tally) reject(e *applicant.Error) {
	t.rejected[e.Code()]++
	t.rejectedText[e.Code()] = e.English()
}
