package kuji_test

import (
	"context"
	"crypto/rand"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/text/language"

	"github.com/kuji-go/kuji"
	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/memory"
	"github.com/kuji-go/kuji/adapters/pgp"
	"github.com/kuji-go/kuji/adapters/smtp"
	"github.com/kuji-go/kuji/applicant"
	"github.com/kuji-go/kuji/audit"
	"github.com/kuji-go/kuji/internal/refevent"
	"github.com/kuji-go/kuji/internal/seal"
	"github.com/kuji-go/kuji/lottery"
)

// clock is a fake clock the tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// rig is an Office with its adapters, keys and clock.
type rig struct {
	office   *kuji.Office
	store    adapters.Store
	keys     adapters.KeyStore
	clock    *clock
	verifier note.Verifier
	signer   *pgp.Key
	opts     kuji.Options
}

var start = time.Date(2021, 6, 1, 9, 0, 0, 0, refevent.JST)

// sharedSigner is one OpenPGP key for every test (generating is slow).
var sharedSigner = sync.OnceValue(func() *pgp.Key {
	k, err := pgp.GenerateKey("Kuji Events", "contractor", "events@example.jp", &pgp.KeyOptions{Now: func() time.Time { return start.AddDate(0, 0, -1) }})
	if err != nil {
		panic(err)
	}
	return k
})

func newRig(t testing.TB, ev kuji.Event, store adapters.Store, keys adapters.KeyStore) *rig {
	t.Helper()
	return newRigAt(t, ev, store, keys, start)
}

// newRigAt makes the event at time at, designating its staff from then.
func newRigAt(t testing.TB, ev kuji.Event, store adapters.Store, keys adapters.KeyStore, at time.Time) *rig {
	t.Helper()
	ctx := context.Background()
	skey, vkey, err := audit.GenerateKey(rand.Reader, ev.LogOrigin)
	require.NoError(t, err)
	logKey, err := note.NewSigner(skey)
	require.NoError(t, err)
	verifier, err := note.NewVerifier(vkey)
	require.NoError(t, err)
	c := &clock{t: at}
	opts := kuji.Options{Store: store, Keys: keys, KEK: seal.NewKEK(), LogKey: logKey, Signer: sharedSigner(), Clock: c.Now}
	o, err := kuji.Create(ctx, ev, refevent.ResponsiblePerson(ev.ID(), at), opts)
	require.NoError(t, err)
	for _, d := range refevent.Handlers(ev, at) {
		require.NoError(t, o.Designate(ctx, refevent.Boss, d))
	}
	return &rig{office: o, store: store, keys: keys, clock: c, verifier: verifier, signer: opts.Signer, opts: opts}
}

func memoryRig(t *testing.T, ev kuji.Event) *rig {
	return newRig(t, ev, memory.OpenStore(nil), memory.NewKeyStore())
}

func TestLifecycleIsEnforced(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := memoryRig(t, refevent.LiveSite(1, 10))
	o := r.office

	st, err := o.State(ctx)
	require.NoError(t, err)
	require.Equal(t, kuji.StateDraft, st)

	p := refevent.NewPeople(o.Config().Schema, 7)
	_, err = o.Apply(ctx, p.Form(3), language.Japanese)
	var ke *kuji.Error
	require.ErrorAs(t, err, &ke, "applying to a draft event")
	require.Equal(t, kuji.ReasonState, ke.Reason)

	err = o.Close(ctx, refevent.Boss)
	require.ErrorAs(t, err, &ke, "closing a draft event")
	require.Equal(t, kuji.ReasonState, ke.Reason)
	require.Equal(t, kuji.StateDraft, ke.State)

	err = o.Open(ctx, refevent.As(refevent.Reception, applicant.PurposeReception))
	require.ErrorIs(t, err, kuji.ErrNotPermitted, "a handler cannot take lifecycle steps")

	require.NoError(t, o.Open(ctx, refevent.Boss))
	err = o.Open(ctx, refevent.Boss)
	require.ErrorAs(t, err, &ke, "opening twice")
	require.Equal(t, kuji.ReasonState, ke.Reason)

	// Every step is audited, the refused ones too.
	var actions []string
	require.NoError(t, o.AuditEntries(ctx, func(_ int64, e audit.Entry) error {
		actions = append(actions, string(e.Action)+"/"+string(e.Outcome))
		return nil
	}))
	require.Contains(t, actions, "state-change/denied")
	require.Contains(t, actions, "state-change/failed")
	require.Contains(t, actions, "state-change/allowed")
}

func TestDuplicatePersonIsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := memoryRig(t, refevent.LiveSite(1, 10))
	o := r.office
	require.NoError(t, o.Open(ctx, refevent.Boss))
	p := refevent.NewPeople(o.Config().Schema, 11)
	f := p.Form(3)
	rec, err := o.Apply(ctx, f, language.Japanese)
	require.NoError(t, err)
	require.NotEmpty(t, rec.Number)

	_, err = o.Apply(ctx, refevent.Disguise(f), language.Japanese)
	require.ErrorIs(t, err, kuji.ErrDuplicate, "the same person written differently")
	var ke *kuji.Error
	require.ErrorAs(t, err, &ke)
	require.Empty(t, ke.Receipt, "the refusal does not say whose application it clashes with")

	bad, _ := p.Broken(1)
	_, err = o.Apply(ctx, bad, language.Japanese)
	var es applicant.Errors
	require.ErrorAs(t, err, &es, "a non-resident representative")
	require.True(t, errors.Is(err, applicant.ErrIneligible))
}

// A person who withdraws is erased at once — and only they are — and a
// seat they held goes to the next group on the waitlist.
func TestWithdrawErasesAndPromotes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ev := refevent.LiveSite(1, 4) // three slots of four seats: most groups wait
	r := memoryRig(t, ev)
	o := r.office
	require.NoError(t, o.Open(ctx, refevent.Boss))
	p := refevent.NewPeople(o.Config().Schema, 21)
	var receipts []string
	for range 20 {
		f := p.Form(1) // people alone: any waitlisted one fits a freed seat
		rec, err := o.Apply(ctx, f, language.Japanese)
		require.NoError(t, err)
		receipts = append(receipts, string(rec.Number))
	}
	// Withdrawn before the draw: gone from the draw's input.
	_, err := o.Withdraw(ctx, receipts[0])
	require.NoError(t, err)
	reception := refevent.As(refevent.Reception, applicant.PurposeReception)
	_, err = o.View(ctx, reception, receipts[0])
	require.ErrorIs(t, err, kuji.ErrNotFound)
	_, err = o.View(ctx, reception, receipts[1])
	require.NoError(t, err, "only the withdrawn person's data goes")

	require.NoError(t, o.Close(ctx, refevent.Boss))
	c, err := o.Commit(ctx, refevent.Boss, []string{"beacon"}, nil)
	require.NoError(t, err)
	require.Equal(t, 19, c.Entries)
	_, err = o.Draw(ctx, refevent.Boss, lottery.SeedMaterial{Sources: []lottery.Source{{Name: "beacon", Values: []string{"99"}}}})
	require.NoError(t, err)
	require.NoError(t, o.Notify(ctx, refevent.Boss))

	results, err := o.Results(ctx)
	require.NoError(t, err)
	var winner kuji.Result
	waiting := 0
	for _, res := range results {
		switch res.Outcome {
		case applicant.Won:
			if winner.Receipt == "" {
				winner = res
			}
		case applicant.Waitlisted:
			waiting++
		}
	}
	require.NotEmpty(t, winner.Receipt)
	require.Positive(t, waiting)
	w, err := o.Withdraw(ctx, winner.Receipt)
	require.NoError(t, err)
	require.True(t, w.All)

	rec, err := o.DrawRecord(ctx)
	require.NoError(t, err)
	require.NoError(t, lottery.Verify(rec))
	require.NotEmpty(t, rec.Events, "the withdrawal freed the seat as a recorded event")
	require.Equal(t, winner.Receipt, rec.Events[0].Entry)
	after, err := o.Results(ctx)
	require.NoError(t, err)
	for _, res := range after {
		if res.Receipt == winner.Receipt {
			require.NotEqual(t, applicant.Won, res.Outcome, "the withdrawn entry holds no seat")
		}
	}
	assertCapacity(t, ev, rec)

	// The promoted group is told.
	promoted := rec.Events[0].Promoted
	require.NotEmpty(t, promoted, "the freed seat went to a waitlisted group")
	{
		outbox := t.TempDir()
		dir, err := smtp.OpenDir(outbox, &smtp.Options{From: "no-reply@example.jp"})
		require.NoError(t, err)
		_, err = o.Dispatch(ctx, refevent.As(refevent.Notifier, applicant.PurposeNotification), dir, &smtp.DispatcherOptions{Rate: 1e9})
		require.NoError(t, err)
		files, err := filepath.Glob(filepath.Join(outbox, "*promoted*"))
		require.NoError(t, err)
		require.Len(t, files, len(promoted))
	}

	// The withdrawal is audited as the applicant's own act.
	found := false
	require.NoError(t, o.AuditEntries(ctx, func(_ int64, e audit.Entry) error {
		if e.Action == audit.ActionWithdraw && e.Subjects[0] == winner.Receipt {
			found = e.Role == audit.RoleApplicant
		}
		return nil
	}))
	require.True(t, found)
}

// The reception desk finds an application by phone number however it is
// typed, through the blind index; the search is audited.
func TestFindByPhone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := memoryRig(t, refevent.LiveSite(1, 10))
	o := r.office
	require.NoError(t, o.Open(ctx, refevent.Boss))
	p := refevent.NewPeople(o.Config().Schema, 8)
	f := p.Form(1)
	rec, err := o.Apply(ctx, f, language.Japanese)
	require.NoError(t, err)
	_, err = o.Apply(ctx, p.Form(1), language.Japanese)
	require.NoError(t, err)

	reception := refevent.As(refevent.Reception, applicant.PurposeReception)
	typed := refevent.Disguise(f).Representative.Phone // full-width digits, other dashes
	got, err := o.Find(ctx, reception, applicant.KindPhone, typed)
	require.NoError(t, err)
	require.Equal(t, []string{string(rec.Number)}, got)
	got, err = o.Find(ctx, reception, applicant.KindPhone, "090-0000-0000")
	require.NoError(t, err)
	require.Empty(t, got)
	_, err = o.Find(ctx, refevent.As(refevent.Tracer, applicant.PurposeInfectionTracing), applicant.KindPhone, typed)
	require.ErrorIs(t, err, kuji.ErrNotPermitted)
}

// Two different people may share a name and an age: the live site's
// companion rule is reviewed, not refused, and a handler settles it.
func TestNameAndAgeClashIsReviewed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := memoryRig(t, refevent.LiveSite(1, 10))
	o := r.office
	require.NoError(t, o.Open(ctx, refevent.Boss))
	p := refevent.NewPeople(o.Config().Schema, 4)
	a, b := p.Form(1), p.Form(1)
	twin := applicant.CompanionForm{Name: "佐藤 太郎", Age: "40"}
	a.Companions = []applicant.CompanionForm{twin}
	b.Companions = []applicant.CompanionForm{twin}
	ra, err := o.Apply(ctx, a, language.Japanese)
	require.NoError(t, err)
	rb, err := o.Apply(ctx, b, language.Japanese)
	require.NoError(t, err, "two groups may each bring a 40-year-old 佐藤 太郎")
	c := p.Form(1)
	_, err = o.Apply(ctx, c, language.Japanese)
	require.NoError(t, err)

	reception := refevent.As(refevent.Reception, applicant.PurposeReception)
	groups, err := o.PossibleDuplicates(ctx, reception)
	require.NoError(t, err)
	require.Equal(t, [][]string{{string(ra.Number), string(rb.Number)}}, groups)

	require.NoError(t, o.Disqualify(ctx, reception, string(rb.Number)))
	groups, err = o.PossibleDuplicates(ctx, reception)
	require.NoError(t, err)
	require.Empty(t, groups)
	_, err = o.View(ctx, reception, string(rb.Number))
	require.ErrorIs(t, err, kuji.ErrNotFound, "the disqualified application is erased")
	require.ErrorIs(t, o.Disqualify(ctx, refevent.As(refevent.CheckIn, applicant.PurposeCheckIn), string(ra.Number)), kuji.ErrNotPermitted)

	// The representative's own rule (name and phone) still refuses.
	_, err = o.Apply(ctx, refevent.Disguise(a), language.Japanese)
	require.ErrorIs(t, err, kuji.ErrDuplicate)
}

// A seat given up with nobody waiting promotes no one, and that is fine:
// a cancellation and a lapse go through all the same.
func TestCancelAndLapseWithNobodyWaiting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := memoryRig(t, refevent.LiveSite(1, 100)) // room for everyone
	o := r.office
	require.NoError(t, o.Open(ctx, refevent.Boss))
	p := refevent.NewPeople(o.Config().Schema, 30)
	for range 4 {
		_, err := o.Apply(ctx, p.Form(2), language.Japanese)
		require.NoError(t, err)
	}
	require.NoError(t, o.Close(ctx, refevent.Boss))
	_, err := o.Commit(ctx, refevent.Boss, []string{"beacon"}, nil)
	require.NoError(t, err)
	_, err = o.Draw(ctx, refevent.Boss, lottery.SeedMaterial{Sources: []lottery.Source{{Name: "beacon", Values: []string{"5"}}}})
	require.NoError(t, err)
	require.NoError(t, o.Notify(ctx, refevent.Boss))
	results, err := o.Results(ctx)
	require.NoError(t, err)
	for _, res := range results {
		require.Equal(t, applicant.Won, res.Outcome, "everyone fits")
	}
	require.NoError(t, o.Cancel(ctx, refevent.As(refevent.Reception, applicant.PurposeReception), results[0].Receipt, results[0].Slots[0]))
	require.NoError(t, o.Confirm(ctx, results[1].Receipt, results[1].Slots[0]))
	r.clock.Add(o.Config().ConfirmWithin)
	n, err := o.Lapse(ctx, refevent.Boss)
	require.NoError(t, err)
	require.Equal(t, 2, n, "the two unconfirmed wins lapse")
	after, err := o.Results(ctx)
	require.NoError(t, err)
	won := 0
	for _, res := range after {
		if res.Outcome == applicant.Won {
			won++
		}
	}
	require.Equal(t, 1, won, "only the confirmed group holds its seat")
}
