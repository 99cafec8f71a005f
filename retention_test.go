package kuji_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/kuji-go/kuji"
	"github.com/kuji-go/kuji/adapters/keydir"
	"github.com/kuji-go/kuji/adapters/memory"
	"github.com/kuji-go/kuji/adapters/sqlite"
	"github.com/kuji-go/kuji/applicant"
	"github.com/kuji-go/kuji/internal/refevent"
	"github.com/kuji-go/kuji/lottery"
)

// runToEnd takes an event from open to ended with n online applications
// and returns their forms by receipt number.
func runToEnd(t *testing.T, r *rig, n int) map[string]applicant.Form {
	t.Helper()
	ctx := context.Background()
	o := r.office
	require.NoError(t, o.Open(ctx, refevent.Boss))
	p := refevent.NewPeople(o.Config().Schema, 99)
	forms := map[string]applicant.Form{}
	for range n {
		f := p.Form(3)
		rec, err := o.Apply(ctx, f, language.Japanese)
		require.NoError(t, err)
		forms[string(rec.Number)] = f
	}
	require.NoError(t, o.Close(ctx, refevent.Boss))
	_, err := o.Commit(ctx, refevent.Boss, []string{"beacon round 1"}, nil)
	require.NoError(t, err)
	_, err = o.Draw(ctx, refevent.Boss, lottery.SeedMaterial{Sources: []lottery.Source{{Name: "beacon round 1", Values: []string{"123456789"}}}})
	require.NoError(t, err)
	require.NoError(t, o.Notify(ctx, refevent.Boss))
	require.NoError(t, o.Hold(ctx, refevent.Boss))
	require.NoError(t, o.End(ctx, refevent.Boss))
	return forms
}

// An outsider's checks of the city walk's erasure on the embedded store:
// after the purge the database, its WAL and shared-memory files hold none
// of the applicants' values or ciphertext, and a copy of the database taken
// before the purge is useless with the live key store.
func TestCityWalkErasureOnSQLite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "citywalk.db")
	store, err := sqlite.Open(path, nil)
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	keysDir := filepath.Join(dir, "keys")
	keys, err := keydir.Open(keysDir, nil)
	require.NoError(t, err)
	r := newRig(t, refevent.CityWalk(100), store, keys)
	forms := runToEnd(t, r, 40)
	o := r.office

	var canaries [][]byte
	for _, f := range forms {
		canaries = append(canaries, []byte(f.Representative.Phone), []byte(f.Representative.Email), []byte(f.Representative.Address))
	}
	reception := refevent.As(refevent.Reception, applicant.PurposeReception)
	var someReceipt string
	for receipt := range forms {
		someReceipt = receipt
		break
	}
	v, err := o.View(ctx, reception, someReceipt)
	require.NoError(t, err, "readable before the report")
	phone, err := v.Text(ctx, applicant.FieldPhone)
	require.NoError(t, err)
	require.NotEmpty(t, phone)

	// The hosting company copies the database before the purge.
	backup := filepath.Join(t.TempDir(), "backup.db")
	require.NoError(t, store.Backup(ctx, backup))
	raw := sqliteFiles(t, backup)
	require.Greater(t, len(raw), 4096)
	for _, c := range canaries {
		require.False(t, bytes.Contains(raw, c), "even before the purge the database holds no personal value in the clear")
	}

	_, err = o.Report(ctx, refevent.Boss)
	require.NoError(t, err)
	_, err = o.View(ctx, reception, someReceipt)
	require.ErrorIs(t, err, kuji.ErrRetentionExpired, "the report was submitted: served to no one, before the purge")
	plan, err := o.Plan(ctx)
	require.NoError(t, err)
	require.Len(t, plan.Due(), 1)
	require.Equal(t, int64(len(forms)), plan.Due()[0].Records)

	purged, err := o.Purge(ctx, refevent.Boss)
	require.NoError(t, err)
	require.Equal(t, int64(len(forms)), purged.Certificate.Records())
	st, err := o.State(ctx)
	require.NoError(t, err)
	require.Equal(t, kuji.StatePurged, st)

	after := sqliteFiles(t, path)
	for _, c := range canaries {
		require.False(t, bytes.Contains(after, c))
	}
	for receipt := range forms {
		require.False(t, bytes.Contains(after, []byte(receipt+"\x00")), "no application row is left")
	}

	// The copy taken before the purge, with the live key store and the
	// right key-encryption key, opens nothing: the data key is gone.
	copied, err := sqlite.Open(backup, nil)
	require.NoError(t, err)
	defer copied.Close()
	opts := r.opts
	opts.Store = copied
	old, err := kuji.Open(ctx, o.ID(), opts)
	require.NoError(t, err)
	r.clock.Set(start) // as if the purge had not happened, by the copy's clock
	_, err = old.View(ctx, reception, someReceipt)
	require.ErrorIs(t, err, kuji.ErrKeyDestroyed)
}

// Contact cards are served until one second before their deadline (end of
// the day a month after the event ends, in Japan) and to no one from it.
func TestContactCardDeadline(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// The event ends on 31 January 2028 at 18:00 JST: the cards' deadline
	// is the end of 29 February 2028 (a leap year).
	r := newRigAt(t, refevent.LiveSite(1, 50), memory.OpenStore(nil), memory.NewKeyStore(),
		time.Date(2028, 1, 20, 9, 0, 0, 0, refevent.JST))
	o := r.office
	require.NoError(t, o.Open(ctx, refevent.Boss))
	require.NoError(t, o.Close(ctx, refevent.Boss))
	_, err := o.Commit(ctx, refevent.Boss, nil, nil)
	require.Error(t, err, "a draw needs seed material")
	_, err = o.Commit(ctx, refevent.Boss, []string{"beacon"}, nil)
	require.NoError(t, err)
	_, err = o.Draw(ctx, refevent.Boss, lottery.SeedMaterial{Sources: []lottery.Source{{Name: "beacon", Values: []string{"42"}}}})
	require.NoError(t, err)
	require.NoError(t, o.Notify(ctx, refevent.Boss))
	require.NoError(t, o.Hold(ctx, refevent.Boss))
	tracer := refevent.As(refevent.Tracer, applicant.PurposeInfectionTracing)
	slot := o.Config().Schema.Slots[0]
	p := refevent.NewPeople(o.Config().Schema, 5)
	_, err = o.RecordContactCard(ctx, tracer, slot, p.Card(1), language.Japanese)
	require.NoError(t, err)
	r.clock.Set(time.Date(2028, 1, 31, 18, 0, 0, 0, refevent.JST))
	require.NoError(t, o.End(ctx, refevent.Boss))

	deadline := time.Date(2028, 3, 1, 0, 0, 0, 0, refevent.JST)
	r.clock.Set(deadline.Add(-time.Second))
	cards, err := o.ContactCards(ctx, tracer, slot)
	require.NoError(t, err, "one second before the deadline")
	require.Len(t, cards, 1)
	r.clock.Set(deadline)
	_, err = o.ContactCards(ctx, tracer, slot)
	require.ErrorIs(t, err, kuji.ErrRetentionExpired, "at the deadline")
}
