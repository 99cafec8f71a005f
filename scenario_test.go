package kuji_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/kuji-go/kuji"
	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/pgp"
	"github.com/kuji-go/kuji/adapters/smtp"
	"github.com/kuji-go/kuji/applicant"
	"github.com/kuji-go/kuji/audit"
	"github.com/kuji-go/kuji/internal/refevent"
	"github.com/kuji-go/kuji/internal/seal"
	"github.com/kuji-go/kuji/lottery"
	"github.com/kuji-go/kuji/retention"
)

// liveSiteScenario runs the live site end to end on r and checks the
// invariants: no slot over capacity, no person with two chances, every
// online applicant notified exactly once per result (one recipient per
// message), every access audited, the log verifying against the final
// checkpoint, and nothing personal left after the purge. raw returns every
// byte the store holds.
func liveSiteScenario(t *testing.T, r *rig, applications int, raw func() []byte) {
	ctx := context.Background()
	o := r.office
	s := o.Config().Schema
	require.NoError(t, o.Open(ctx, refevent.Boss))

	// Intake: valid applications, disguised duplicates, broken ones.
	p := refevent.NewPeople(s, 2021)
	var canaries []string
	forms := map[string]applicant.Form{} // receipt -> form
	for i := range applications {
		f := p.Form(4)
		rec, err := o.Apply(ctx, f, language.Japanese)
		require.NoError(t, err, "application %d", i)
		forms[string(rec.Number)] = f
		canaries = append(canaries, f.Representative.Phone, f.Representative.Email, f.Representative.Address)
		if i%10 == 0 {
			_, err := o.Apply(ctx, refevent.Disguise(f), language.English)
			require.ErrorIs(t, err, kuji.ErrDuplicate, "the same person again")
		}
	}
	for i := range 3 {
		bad, why := p.Broken(i)
		_, err := o.Apply(ctx, bad, language.Japanese)
		var es applicant.Errors
		require.ErrorAs(t, err, &es, why)
	}
	var postcards []applicant.Form
	for range 4 {
		f := p.Form(2)
		f.Representative.Email = ""
		postcards = append(postcards, f)
		canaries = append(canaries, f.Representative.Phone, f.Representative.Address)
	}
	_, err := o.ApplyPostcards(ctx, refevent.As(refevent.Notifier, applicant.PurposeNotification), postcards)
	require.ErrorIs(t, err, kuji.ErrNotPermitted, "typing in postcards is reception's job")
	receipts, err := o.ApplyPostcards(ctx, refevent.As(refevent.Reception, applicant.PurposeReception), postcards)
	require.NoError(t, err)
	require.Len(t, receipts, len(postcards))
	for i, rc := range receipts {
		forms[string(rc.Number)] = postcards[i]
	}

	// Close, commit, draw.
	require.NoError(t, o.Close(ctx, refevent.Boss))
	secret := lottery.Secret("operator secret, 32 bytes long..")
	sc := secret.Commitment()
	c, err := o.Commit(ctx, refevent.Boss, []string{"Loto 6, draw 1600"}, &sc)
	require.NoError(t, err)
	require.Equal(t, len(forms), c.Entries)
	_, err = o.Draw(ctx, refevent.Boss, lottery.SeedMaterial{
		Sources: []lottery.Source{{Name: "Loto 6, draw 1600", Values: []string{"3", "11", "19", "24", "31", "40"}}},
		Secret:  lottery.Secret("another secret, also 32 bytes..."),
	})
	require.ErrorIs(t, err, lottery.ErrSecretMismatch, "a secret that was not committed")
	rec, err := o.Draw(ctx, refevent.Boss, lottery.SeedMaterial{
		Sources: []lottery.Source{{Name: "Loto 6, draw 1600", Values: []string{"3", "11", "19", "24", "31", "40"}}},
		Secret:  secret,
	})
	require.NoError(t, err)
	require.NoError(t, lottery.Verify(rec))
	require.Equal(t, c.InputDigest, rec.InputDigest, "the draw ran over the committed input")
	assertCapacity(t, o.Config(), rec)

	results, err := o.Results(ctx)
	require.NoError(t, err)
	require.Len(t, results, len(forms), "every application has one published result")
	winners := 0
	for _, res := range results {
		if res.Outcome == applicant.Won {
			winners++
		}
	}
	require.Positive(t, winners)

	// Notify and send: one message per online applicant, one recipient each.
	require.NoError(t, o.Notify(ctx, refevent.Boss))
	outbox := t.TempDir()
	dir, err := smtp.OpenDir(outbox, &smtp.Options{From: "no-reply@example.jp", FromName: "ライブサイト事務局"})
	require.NoError(t, err)
	notifier := refevent.As(refevent.Notifier, applicant.PurposeNotification)
	_, err = o.Dispatch(ctx, refevent.As(refevent.Reception, applicant.PurposeReception), dir, nil)
	require.ErrorIs(t, err, kuji.ErrNotPermitted, "reception may not read addresses to notify")
	sum, err := o.Dispatch(ctx, notifier, dir, &smtp.DispatcherOptions{Rate: 1e9})
	require.NoError(t, err)
	require.Equal(t, applications, sum.Sent, "every online applicant got their result")
	sent := readOutbox(t, outbox)
	require.Len(t, sent, applications)
	for _, res := range results {
		f := forms[res.Receipt]
		if f.Representative.Email == "" {
			continue
		}
		m, ok := sent[f.Representative.Email]
		require.True(t, ok, "%s got no message", res.Receipt)
		require.Contains(t, m, res.Receipt, "the message names the applicant's own receipt number")
	}

	// Confirmations, a decline and lapses promote from the waitlists.
	var won []kuji.Result
	for _, res := range results {
		if res.Outcome == applicant.Won {
			won = append(won, res)
		}
	}
	for i, w := range won {
		if i%2 == 0 {
			require.NoError(t, o.Confirm(ctx, w.Receipt, w.Slots[0]))
		}
	}
	require.NoError(t, o.Decline(ctx, won[1].Receipt, won[1].Slots[0]))
	var ke *kuji.Error
	err = o.Confirm(ctx, won[1].Receipt, won[1].Slots[0])
	require.ErrorAs(t, err, &ke, "confirming a declined seat")
	require.Equal(t, kuji.ReasonNoWin, ke.Reason)
	_, err = o.Lapse(ctx, refevent.Boss)
	require.ErrorAs(t, err, &ke, "lapses wait for the deadline")
	require.Equal(t, kuji.ReasonNotYet, ke.Reason)
	r.clock.Add(o.Config().ConfirmWithin + time.Second)
	err = o.Confirm(ctx, won[3].Receipt, won[3].Slots[0])
	require.ErrorAs(t, err, &ke, "confirming after the deadline")
	require.Equal(t, kuji.ReasonDeadline, ke.Reason)
	lapsed, err := o.Lapse(ctx, refevent.Boss)
	require.NoError(t, err)
	require.Equal(t, len(won)/2-1, lapsed, "every unconfirmed win but the declined one lapsed")
	final, err := o.DrawRecord(ctx)
	require.NoError(t, err)
	require.NoError(t, lottery.Verify(final), "the record with its cancellations and promotions replays")
	assertCapacity(t, o.Config(), final)
	_, err = o.Dispatch(ctx, notifier, dir, &smtp.DispatcherOptions{Rate: 1e9})
	require.NoError(t, err)

	// The day: check-in, walk-in contact cards, a tracing lookup.
	require.NoError(t, o.Hold(ctx, refevent.Boss))
	results, err = o.Results(ctx)
	require.NoError(t, err)
	checkIn := refevent.As(refevent.CheckIn, applicant.PurposeCheckIn)
	checkedIn := 0
	for _, res := range results {
		if res.Outcome != applicant.Won || checkedIn == 5 {
			continue
		}
		v, err := o.CheckIn(ctx, checkIn, res.Receipt, res.Slots[0])
		require.NoError(t, err)
		name, err := v.Text(ctx, applicant.FieldName)
		require.NoError(t, err)
		require.Equal(t, applicant.Display(forms[res.Receipt].Representative.Name), name)
		_, err = v.Text(ctx, applicant.FieldPhone)
		require.ErrorIs(t, err, kuji.ErrNotPermitted, "check-in does not see phone numbers")
		_, err = o.CheckIn(ctx, checkIn, res.Receipt, res.Slots[0])
		require.ErrorAs(t, err, &ke)
		require.Equal(t, kuji.ReasonCheckedIn, ke.Reason)
		checkedIn++
	}
	require.Equal(t, 5, checkedIn)
	slot := s.Slots[0]
	tracer := refevent.As(refevent.Tracer, applicant.PurposeInfectionTracing)
	for i := range 3 {
		card := p.Card(i)
		canaries = append(canaries, card.Phone)
		_, err := o.RecordContactCard(ctx, tracer, slot, card, language.Japanese)
		require.NoError(t, err)
	}
	cards, err := o.ContactCards(ctx, tracer, slot)
	require.NoError(t, err)
	require.Len(t, cards, 3)
	_, err = o.ContactCards(ctx, checkIn, slot)
	require.ErrorIs(t, err, kuji.ErrNotPermitted, "contact cards are for infection tracing only")

	// End, report, purge: applications at once, contact cards a month on.
	require.NoError(t, o.End(ctx, refevent.Boss))
	agg, err := o.Report(ctx, refevent.Boss)
	require.NoError(t, err)
	require.Equal(t, int64(checkedIn), agg.Count(retention.Cell{Result: "checked-in"}))
	purged, err := o.Purge(ctx, refevent.Boss)
	require.NoError(t, err)
	require.NotNil(t, purged)
	_, err = purged.Bundle.Verify(r.verifier)
	require.NoError(t, err, "the certificate's audit proof verifies with the log's public key")
	text, sig, err := pgp.VerifyClearSigned(bytes.NewReader(purged.Signed), []*pgp.Key{r.signer.Public()}, &pgp.Options{Now: r.clock.Now})
	require.NoError(t, err)
	require.Equal(t, r.signer.Fingerprint(), sig.Signer)
	require.Contains(t, string(text), "消去")
	_, err = o.View(ctx, refevent.As(refevent.Reception, applicant.PurposeReception), results[0].Receipt)
	require.Error(t, err, "applications are gone after the purge")
	st, err := o.State(ctx)
	require.NoError(t, err)
	require.Equal(t, kuji.StateReported, st, "contact cards are kept for a month")

	r.clock.Add(32 * 24 * time.Hour)
	_, err = o.ContactCards(ctx, tracer, slot)
	require.ErrorIs(t, err, kuji.ErrRetentionExpired, "past the deadline, before the purge: served to no one")
	purged, err = o.Purge(ctx, refevent.Boss)
	require.NoError(t, err)
	require.NotNil(t, purged)
	st, err = o.State(ctx)
	require.NoError(t, err)
	require.Equal(t, kuji.StatePurged, st)
	for _, class := range []string{"application", "contact-card", seal.IndexClass} {
		_, err := r.keys.Key(ctx, seal.KeyName(o.ID(), class))
		require.ErrorIs(t, err, adapters.ErrKeyDestroyed, class)
	}
	agg2, err := o.Aggregates(ctx)
	require.NoError(t, err)
	require.Equal(t, agg.Cells(), agg2.Cells(), "the aggregates outlive the purge")

	// The audit log: verifies, holds every access, and no personal value.
	signed, err := o.Checkpoint(ctx)
	require.NoError(t, err)
	cp, err := audit.OpenCheckpoint(signed, r.verifier)
	require.NoError(t, err)
	_, err = o.VerifyLog(ctx, cp)
	require.NoError(t, err)
	counts := map[string]int{}
	var log bytes.Buffer
	require.NoError(t, o.AuditEntries(ctx, func(_ int64, e audit.Entry) error {
		counts[string(e.Action)+"/"+string(e.Outcome)]++
		b, err := e.Encode()
		log.Write(b)
		return err
	}))
	require.Equal(t, checkedIn, counts["check-in/allowed"], "every check-in audited")
	require.GreaterOrEqual(t, counts["notify/allowed"], applications, "every address read to notify audited")
	require.Equal(t, 1, counts["contact-card-lookup/allowed"])
	require.Equal(t, 1, counts["contact-card-lookup/denied"])
	require.Equal(t, 2, counts["certify-erasure/allowed"])
	require.Positive(t, counts["view/denied"], "a refused field is audited")

	// After the purge nothing personal remains, in the store or the log.
	dump := raw()
	for _, c := range canaries {
		require.False(t, bytes.Contains(dump, []byte(c)), "a personal value survived the purge in the store")
		require.False(t, bytes.Contains(log.Bytes(), []byte(c)), "a personal value is in the audit log")
	}
}

func assertCapacity(t *testing.T, ev kuji.Event, rec *lottery.Record) {
	t.Helper()
	size := map[string]int{}
	for _, e := range rec.Input.Entries {
		size[e.ID] = e.Size
	}
	wins, err := rec.Current()
	require.NoError(t, err)
	used := map[string]int{}
	holders := map[string]int{}
	for _, w := range wins {
		used[w.Slot] += size[w.Entry]
		holders[w.Entry]++
	}
	for _, s := range ev.Slots {
		require.LessOrEqual(t, used[s.ID], s.Capacity, "slot %s over capacity", s.ID)
	}
	for e, n := range holders {
		require.LessOrEqual(t, n, max(ev.Lottery.MaxWins, 1), "entry %s holds too many seats", e)
	}
}

// readOutbox parses the .eml files: each must name exactly one recipient
// and no Cc or Bcc. It returns the body by recipient.
func readOutbox(t *testing.T, dir string) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	require.NoError(t, err)
	out := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		m, err := mail.ReadMessage(bytes.NewReader(b))
		require.NoError(t, err)
		to, err := m.Header.AddressList("To")
		require.NoError(t, err)
		require.Len(t, to, 1, "one recipient per message")
		require.Empty(t, m.Header.Get("Cc"))
		require.Empty(t, m.Header.Get("Bcc"))
		var body bytes.Buffer
		var src io.Reader = m.Body
		switch strings.ToLower(m.Header.Get("Content-Transfer-Encoding")) {
		case "base64":
			src = base64.NewDecoder(base64.StdEncoding, m.Body)
		case "quoted-printable":
			src = quotedprintable.NewReader(m.Body)
		}
		_, err = body.ReadFrom(src)
		require.NoError(t, err)
		_, dup := out[to[0].Address]
		if dup && !strings.Contains(filepath.Base(f), "promoted") {
			require.Fail(t, "two result messages for one recipient")
		}
		out[to[0].Address] += body.String()
	}
	return out
}

func TestLiveSiteOnMemory(t *testing.T) {
	t.Parallel()
	r := memoryRig(t, refevent.LiveSite(2, 12))
	liveSiteScenario(t, r, 60, r.store.(interface{ Dump() []byte }).Dump)
}
