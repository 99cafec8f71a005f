package kuji_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/kuji-go/kuji"
	"github.com/kuji-go/kuji/adapters/csvio"
	"github.com/kuji-go/kuji/adapters/memory"
	"github.com/kuji-go/kuji/adapters/pgp"
	"github.com/kuji-go/kuji/applicant"
	"github.com/kuji-go/kuji/audit"
	"github.com/kuji-go/kuji/internal/refevent"
	"github.com/kuji-go/kuji/lottery"
)

var wardKey = sync.OnceValue(func() *pgp.Key {
	k, err := pgp.GenerateKey("Shinjuku City", "ward", "ward@example.jp", &pgp.KeyOptions{Now: func() time.Time { return start.AddDate(0, 0, -1) }})
	if err != nil {
		panic(err)
	}
	return k
})

func decrypt(t *testing.T, r *rig, msg []byte) [][]string {
	t.Helper()
	pr, err := pgp.Decrypt(bytes.NewReader(msg), []*pgp.Key{wardKey()}, &pgp.DecryptOptions{
		Now: r.clock.Now, Signers: []*pgp.Key{r.signer.Public()}})
	require.NoError(t, err)
	plain, err := io.ReadAll(pr)
	require.NoError(t, err, "the message is intact and signed by the contractor")
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(plain, []byte("\uFEFF")))).ReadAll()
	require.NoError(t, err)
	return rows
}

func TestExportInsuranceList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ev := refevent.CityWalk(4) // two courses of four places, for twelve people
	ev.Recipients = []string{wardKey().Fingerprint()}
	r := memoryRig(t, ev)
	o := r.office
	require.NoError(t, o.Open(ctx, refevent.Boss))
	p := refevent.NewPeople(o.Config().Schema, 3)
	for range 12 {
		_, err := o.Apply(ctx, p.Form(1), language.Japanese)
		require.NoError(t, err)
	}

	insurance := refevent.As(refevent.Insurance, applicant.PurposeInsurance)
	opts := kuji.ExportOptions{Recipients: []*pgp.Key{wardKey().Public()}, Armor: true}
	var out bytes.Buffer
	res, err := o.Export(ctx, insurance, &out, opts)
	require.NoError(t, err)
	require.Equal(t, 12, res.Rows)
	require.True(t, bytes.HasPrefix(out.Bytes(), []byte("-----BEGIN PGP MESSAGE-----")))
	rows := decrypt(t, r, out.Bytes())
	require.Len(t, rows, 13, "a header and one row per application")
	require.Contains(t, rows[0], "氏名")
	require.NotContains(t, rows[0], "電話番号", "the insurance list has no phone numbers")

	// The audit entry says what left, not what it held.
	var last audit.Entry
	require.NoError(t, o.AuditEntries(ctx, func(_ int64, e audit.Entry) error {
		if e.Action == audit.ActionExport {
			last = e
		}
		return nil
	}))
	require.Equal(t, audit.OutcomeAllowed, last.Outcome)
	require.Equal(t, "insurance", last.Purpose)
	require.Equal(t, int64(12), last.Details.Count)
	require.Equal(t, res.SHA256, last.Details.SHA256.String())
	require.ElementsMatch(t, []string{wardKey().Fingerprint(), r.signer.Fingerprint()}, last.Details.Fingerprints)

	// After the draw, the insurance list holds only the people who won.
	require.NoError(t, o.Close(ctx, refevent.Boss))
	_, err = o.Commit(ctx, refevent.Boss, []string{"beacon"}, nil)
	require.NoError(t, err)
	_, err = o.Draw(ctx, refevent.Boss, lottery1())
	require.NoError(t, err)
	results, err := o.Results(ctx)
	require.NoError(t, err)
	won := 0
	for _, res := range results {
		if res.Outcome == applicant.Won {
			won++
		}
	}
	require.Less(t, won, 12, "the courses are oversubscribed")
	out.Reset()
	opts.Results = []applicant.Outcome{applicant.Won}
	res, err = o.Export(ctx, insurance, &out, opts)
	require.NoError(t, err)
	require.Equal(t, won, res.Rows)
	require.Len(t, decrypt(t, r, out.Bytes()), won+1)
	opts.Results = nil

	// Refusals.
	stranger, err := pgp.GenerateKey("Stranger", "", "x@example.com", &pgp.KeyOptions{Now: r.clock.Now})
	require.NoError(t, err)
	_, err = o.Export(ctx, insurance, io.Discard, kuji.ExportOptions{Recipients: []*pgp.Key{stranger.Public()}})
	var ke *kuji.Error
	require.ErrorAs(t, err, &ke, "a key that is not a designated recipient")
	require.Equal(t, kuji.ReasonRecipient, ke.Reason)
	_, err = o.Export(ctx, refevent.As(refevent.Reception, applicant.PurposeInsurance), io.Discard, opts)
	require.ErrorIs(t, err, kuji.ErrNotPermitted, "reception is not designated for insurance")
	_, err = o.Export(ctx, refevent.As(refevent.Reception, applicant.PurposeLottery), io.Discard, opts)
	require.ErrorIs(t, err, kuji.ErrNotPermitted, "the lottery purpose sees no personal data")
}

func TestImportPostcardsAndPostalList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ev := refevent.CityWalk(100)
	ev.Recipients = []string{wardKey().Fingerprint()}
	r := newRig(t, ev, memory.OpenStore(nil), memory.NewKeyStore())
	o := r.office
	require.NoError(t, o.Open(ctx, refevent.Boss))
	reception := refevent.As(refevent.Reception, applicant.PurposeReception)

	file := "氏名,住所,郵便番号,年齢,性別,電話番号,参加者区分,参加コース\r\n" +
		"山田 太郎,東京都新宿区歌舞伎町1-4-1,160-8484,68,男性,03-3209-1111,在住,10km\r\n" +
		"佐藤 花子,東京都中野区中央1-2-3,164-0011,35,女性,03-1234-567,在勤,20km\r\n"
	_, _, err := o.ImportPostcards(ctx, reception, strings.NewReader(file), nil)
	require.Error(t, err, "one bad row: nothing is stored")
	var rowErrs csvio.Errors
	require.ErrorAs(t, err, &rowErrs)
	require.Len(t, rowErrs, 2, "the phone number and the course of row 3")
	require.Equal(t, 3, rowErrs[0].Row)
	require.NotContains(t, err.Error(), "03-1234-567", "the error does not echo the value")
	n, err := countApplications(ctx, o)
	require.NoError(t, err)
	require.Zero(t, n)

	_, res, err := o.ImportPostcards(ctx, reception, strings.NewReader(file), &csvio.ImportOptions{AcceptValid: true})
	require.NoError(t, err)
	require.Len(t, res.Accepted, 1)
	require.Len(t, res.Rejected, 2)
	n, err = countApplications(ctx, o)
	require.NoError(t, err)
	require.Equal(t, 1, n)

	// The same person typed in again is refused, the whole batch with them.
	again := "氏名,住所,郵便番号,年齢,性別,電話番号,参加者区分,参加コース\r\n" +
		"鈴木 一郎,東京都新宿区西新宿2-8-1,163-8001,40,男性,03-5321-1111,在勤,5km\r\n" +
		"山田　太郎,東京都新宿区歌舞伎町１－４－１,160-8484,68,男性,０３－３２０９－１１１１,在住,10km\r\n"
	_, _, err = o.ImportPostcards(ctx, reception, strings.NewReader(again), nil)
	require.ErrorIs(t, err, kuji.ErrDuplicate)
	n, err = countApplications(ctx, o)
	require.NoError(t, err)
	require.Equal(t, 1, n, "the batch was refused whole")

	// After the draw, the postal list carries the postcard applicant's
	// receipt number, name and address, encrypted to the ward (the city
	// walk's notification purpose sees no lottery result).
	require.NoError(t, o.Close(ctx, refevent.Boss))
	_, err = o.Commit(ctx, refevent.Boss, []string{"beacon"}, nil)
	require.NoError(t, err)
	_, err = o.Draw(ctx, refevent.Boss, lottery1())
	require.NoError(t, err)
	var out bytes.Buffer
	_, err = o.PostalList(ctx, refevent.As(refevent.Notifier, applicant.PurposeNotification), &out,
		kuji.ExportOptions{Recipients: []*pgp.Key{wardKey().Public()}})
	require.NoError(t, err)
	rows := decrypt(t, r, out.Bytes())
	require.Len(t, rows, 2)
	require.Contains(t, strings.Join(rows[1], ","), "山田 太郎")
	require.Equal(t, "受付番号", rows[0][0])
}

// countApplications counts the applications held, as the retention plan
// sees them.
func countApplications(ctx context.Context, o *kuji.Office) (int, error) {
	plan, err := o.Plan(ctx)
	if err != nil {
		return 0, err
	}
	for _, it := range plan.Items {
		if it.Class == string(applicant.ClassApplication) {
			return int(it.Records), nil
		}
	}
	return 0, nil
}

func lottery1() lottery.SeedMaterial {
	return lottery.SeedMaterial{Sources: []lottery.Source{{Name: "beacon", Values: []string{"7"}}}}
}
