package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"golang.org/x/text/language"

	"github.com/kuji-go/kuji"
	"github.com/kuji-go/kuji/adapters/keydir"
	"github.com/kuji-go/kuji/adapters/sqlite"
	"github.com/kuji-go/kuji/applicant"
	"github.com/kuji-go/kuji/examples/internal/demo"
	"github.com/kuji-go/kuji/internal/refevent"
	"github.com/kuji-go/kuji/lottery"
)

// The event's calendar (Japan Standard Time).
var (
	tCreate = at(2019, 8, 1, 9)    // the event is set up, the staff designated
	tOpen   = at(2019, 9, 2, 9)    // applications open
	tClose  = at(2019, 9, 30, 17)  // applications close
	tCommit = at(2019, 10, 1, 10)  // the draw's input is fixed and published
	tDraw   = at(2019, 10, 7, 10)  // after the announced public draw of 4 October
	tNotify = at(2019, 10, 7, 11)  // results and guidance go out
	tDay    = at(2019, 11, 3, 8)   // the walk (文化の日)
	tEnd    = at(2019, 11, 3, 16)  // the walk is over
	tReport = at(2019, 12, 10, 10) // the event report is submitted; everything is erased
)

func at(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, refevent.JST)
}

// The public source the seed comes from, announced at the commitment. Its
// value is simulated here; a real event uses the published result.
const seedSource = "Numbers 4 draw of 2019-10-04 (simulated value)"

// Staff accesses: the responsible person takes the lifecycle steps, each
// handler works for one purpose.
var (
	boss      = refevent.Boss
	reception = refevent.As(refevent.Reception, applicant.PurposeReception)
	notifier  = refevent.As(refevent.Notifier, applicant.PurposeNotification)
	insurer   = refevent.As(refevent.Insurance, applicant.PurposeInsurance)
	checkIn   = refevent.As(refevent.CheckIn, applicant.PurposeCheckIn)
)

// walk is one run of the city walk.
type walk struct {
	cfg    config
	out    io.Writer
	dir    string
	clock  *demo.Clock
	keys   *demo.Keys
	store  *sqlite.Store
	o      *kuji.Office
	people *refevent.People
	record *lottery.Record
	cert   *demo.Certificate
	log    *demo.Audit
	files  [][2]string // what, path
	t      tally
}

// tally counts what happened, for the summary.
type tally struct {
	web, postcard, duplicates int
	rejected                  map[string]int // reason code -> applications
	courses                   map[string]*course
	categories                map[string]*course // on the oversubscribed course
	sent, postal, insurance   int
	checkedIn, noShows        int
	state                     string // the event's state at the end
}

// course counts one course's (or category's) demand and winners.
type course struct{ capacity, entries, won int }

func newWalk(cfg config, out io.Writer) (*walk, error) {
	dir, err := demo.PrepareDir(cfg.dir, cfg.force, "kuji-citywalk-*",
		"citywalk.db*", "keys", "secrets", "outbox", "public", "ward", "postcards.csv")
	if err != nil {
		return nil, err
	}
	return &walk{cfg: cfg, out: out, dir: dir, clock: demo.NewClock(tCreate),
		t: tally{rejected: map[string]int{}, courses: map[string]*course{}, categories: map[string]*course{}}}, nil
}

func (w *walk) close() {
	if w.store != nil {
		w.store.Close()
	}
}

func (w *walk) step(title string) {
	fmt.Fprintf(w.out, "\n== %s  [%s]\n", title, w.clock.Now().Format("2006-01-02 15:04 JST"))
}

func (w *walk) printf(format string, args ...any) { fmt.Fprintf(w.out, "   "+format+"\n", args...) }

func (w *walk) path(parts ...string) string {
	return filepath.Join(append([]string{w.dir}, parts...)...)
}

func (w *walk) file(what, path string) { w.files = append(w.files, [2]string{what, path}) }

// create sets up the event: two courses, the keys, the store, the staff.
func (w *walk) create(ctx context.Context) error {
	w.step("1. The event, its keys and its staff")
	cap5, cap10 := w.cfg.cap5km, w.cfg.cap10km
	if cap5 == 0 {
		cap5 = w.cfg.n // room for everyone
	}
	if cap10 == 0 {
		cap10 = max(1, w.cfg.n/4) // about half of those who pick it
	}
	ev := refevent.CityWalk(cap5)
	for i := range ev.Slots {
		if ev.Slots[i].ID == "10km" {
			ev.Slots[i].Capacity = cap10
		}
	}
	keys, err := demo.NewKeys(w.dir, ev.LogOrigin, tCreate.AddDate(0, 0, -1))
	if err != nil {
		return err
	}
	w.keys = keys
	ev.Recipients = []string{keys.Ward.Fingerprint()} // personal data leaves only encrypted to the ward
	if w.store, err = sqlite.Open(w.path("citywalk.db"), nil); err != nil {
		return err
	}
	keyStore, err := keydir.Open(w.path("keys"), nil)
	if err != nil {
		return err
	}
	w.o, err = kuji.Create(ctx, ev, refevent.ResponsiblePerson(ev.ID(), tCreate), kuji.Options{
		Store: w.store, Keys: keyStore, KEK: keys.KEK, LogKey: keys.LogSigner, Signer: keys.Contractor, Clock: w.clock.Now})
	if err != nil {
		return err
	}
	for _, d := range refevent.Handlers(ev, tCreate) {
		if err := w.o.Designate(ctx, boss, d); err != nil {
			return err
		}
	}
	w.people = refevent.NewPeople(ev.Schema, w.cfg.seed)
	for _, s := range ev.Slots {
		w.t.courses[s.ID] = &course{capacity: s.Capacity}
		w.printf("course %-5s %s places", s.ID, demo.N(s.Capacity))
	}
	w.printf("purposes: %s", purposes(ev))
	w.printf("the ward's OpenPGP key %s receives the exports; the contractor's key %s signs them",
		keys.Ward.Fingerprint(), keys.Contractor.Fingerprint())
	w.printf("key-encryption key in its own 0600 file (production: a KMS/HSM or secret store)")
	w.file("database (sealed data only)", w.path("citywalk.db"))
	w.file("wrapped data keys (keep apart from the database and its backups)", w.path("keys"))
	w.file("key-encryption key (production: KMS/HSM or secret store)", keys.KEKFile)
	w.file("audit log public key (the ward's)", keys.LogPub)
	w.file("contractor's public key", keys.ContractorPub)
	w.file("ward's secret key (only so you can decrypt the exports here)", keys.WardSecret)
	return nil
}

func purposes(ev kuji.Event) string {
	out := ""
	for i, p := range ev.Schema.Purposes {
		if i > 0 {
			out += ", "
		}
		out += string(p.Purpose)
	}
	return out
}

// intake takes the web applications from several clients at once — with a
// disguised second application of every 40th person and a broken form
// every 60 — then imports the typed-in postcards, keeping the valid rows.
func (w *walk) intake(ctx context.Context) error {
	w.clock.Set(tOpen)
	w.step("2. Applications, online and by postcard")
	if err := w.o.Open(ctx, boss); err != nil {
		return err
	}
	nPostcards := max(w.cfg.n/10, 2)
	var forms []applicant.Form
	for i := range w.cfg.n - nPostcards {
		f := w.people.Form(1)
		forms = append(forms, f)
		if i%40 == 20 {
			forms = append(forms, refevent.Disguise(f))
		}
		if i%60 == 30 {
			bad, _ := w.people.Broken(i / 60)
			forms = append(forms, bad)
		}
	}
	var mu sync.Mutex
	window := tClose.Sub(tOpen)
	err := demo.Parallel(ctx, w.cfg.workers, len(forms), func(ctx context.Context, i int) error {
		w.clock.Set(tOpen.Add(window * time.Duration(i) / time.Duration(len(forms))))
		_, err := w.o.Apply(ctx, forms[i], language.Japanese)
		mu.Lock()
		defer mu.Unlock()
		var es applicant.Errors
		switch {
		case err == nil:
			w.t.web++
		case errors.Is(err, kuji.ErrDuplicate):
			w.t.duplicates++
		case errors.As(err, &es):
			w.t.rejected[es[0].Code()]++
		default:
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	w.printf("web: %s stored, %s refused as the same person (name and phone, however written), %s refused as invalid",
		demo.N(w.t.web), demo.N(w.t.duplicates), demo.N(len(forms)-w.t.web-w.t.duplicates))
	return w.postcards(ctx, nPostcards)
}

// draw closes the applications, commits to the draw's input and to the
// source of its seed, draws over the courses and publishes the record and
// the result list.
func (w *walk) draw(ctx context.Context) error {
	w.clock.Set(tClose)
	w.step("3. Close, commit, draw over the courses")
	if err := w.o.Close(ctx, boss); err != nil {
		return err
	}
	w.clock.Set(tCommit)
	secret := make(lottery.Secret, 32)
	if _, err := rand.Read(secret); err != nil {
		return err
	}
	sc := secret.Commitment()
	c, err := w.o.Commit(ctx, boss, []string{seedSource}, &sc)
	if err != nil {
		return err
	}
	if err := w.writeJSON("commitment (published before the draw)", w.path("public", "commitment.json"), c); err != nil {
		return err
	}
	w.printf("commitment: %s entries, input digest %s", demo.N(c.Entries), c.InputDigest)
	w.clock.Set(tDraw)
	value := strconv.Itoa(mrand.New(mrand.NewPCG(w.cfg.seed, 4)).IntN(10000))
	rec, err := w.o.Draw(ctx, boss, lottery.SeedMaterial{
		Sources: []lottery.Source{{Name: seedSource, Values: []string{value}}}, Secret: secret})
	if err != nil {
		return err
	}
	if err := lottery.Verify(rec); err != nil {
		return fmt.Errorf("the draw record does not verify: %w", err)
	}
	w.record = rec
	if err := w.writeJSON("draw record (re-verify: go run ./examples/verifydraw)", w.path("public", "draw-record.json"), rec); err != nil {
		return err
	}
	w.printf("drawn with the revealed value %s and secret: seed %s, lottery.Verify OK", value, rec.Seed)
	won := map[string]bool{}
	for _, x := range rec.Wins {
		won[x.Entry] = true
	}
	for _, e := range rec.Input.Entries {
		c := w.t.courses[e.Prefs[0]]
		c.entries++
		if won[e.ID] {
			c.won++
		}
		if e.Prefs[0] == "10km" {
			if w.t.categories[e.Category] == nil {
				w.t.categories[e.Category] = &course{}
			}
			w.t.categories[e.Category].entries++
			if won[e.ID] {
				w.t.categories[e.Category].won++
			}
		}
	}
	for _, id := range []string{"5km", "10km"} {
		c := w.t.courses[id]
		w.printf("course %-5s %s applied for %s places: %s won (%s)", id, demo.N(c.entries), demo.N(c.capacity),
			demo.N(c.won), demo.Pct(c.won, c.entries))
	}
	w.printf("on the 10 km course every entry held one ticket, whatever its category (在住・在勤・在学):")
	for _, cat := range []string{"resident", "worker", "student"} {
		if c := w.t.categories[cat]; c != nil {
			w.printf("  %-8s %s of %s won (%s)", cat, demo.N(c.won), demo.N(c.entries), demo.Pct(c.won, c.entries))
		}
	}
	results, err := w.o.Results(ctx)
	if err != nil {
		return err
	}
	return w.writeResults(results)
}

func (w *walk) writeJSON(what, path string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.file(what, path)
	return demo.WriteFile(path, data)
}
