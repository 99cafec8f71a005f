package csvio

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kuji-go/kuji/applicant"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/japanese"
)

func postalList(t *testing.T, s *applicant.Schema, opts *Options, apps ...*applicant.Application) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, opts)
	require.NoError(t, err)
	l, err := NewPostalList(w, s)
	require.NoError(t, err)
	for _, a := range apps {
		require.NoError(t, l.Write(a.Receipt, mustView(t, s, applicant.PurposeNotification, a)))
	}
	require.NoError(t, w.Flush())
	return buf.String()
}

func TestPostalList(t *testing.T) {
	t.Parallel()
	s := applicant.LiveSiteSchema()
	var apps []*applicant.Application
	for i, o := range []applicant.Outcome{applicant.Won, applicant.Lost, applicant.Waitlisted} {
		a := mustValidate(t, s, liveSiteForm(i))
		a.Result = o
		r, err := s.Receipts.Format(int64(i + 1))
		require.NoError(t, err)
		a.Receipt = r
		apps = append(apps, a)
	}
	got := postalList(t, s, &Options{LineEnding: LF}, apps...)
	require.Equal(t, "\uFEFF受付番号,郵便番号,住所,氏名,抽選結果\n"+
		string(apps[0].Receipt)+",163-8001,東京都新宿区西新宿2-8-1,髙橋 零,当選\n"+
		string(apps[1].Receipt)+",163-8001,東京都新宿区西新宿2-8-2,髙橋 一,落選\n"+
		string(apps[2].Receipt)+",163-8001,東京都新宿区西新宿2-8-3,髙橋 二,キャンセル待ち\n", got)

	got = postalList(t, s, &Options{LineEnding: LF, Header: HeaderEnglish}, apps[0])
	require.Equal(t, "\uFEFFreceipt number,postal code,address,name,lottery result\n"+
		string(apps[0].Receipt)+",163-8001,東京都新宿区西新宿2-8-1,髙橋 零,won\n", got)

	// CP932, for a Japanese mail merge.
	got = postalList(t, s, &Options{Encoding: CP932}, apps[0])
	back, err := japanese.ShiftJIS.NewDecoder().String(got)
	require.NoError(t, err)
	require.Equal(t, "受付番号,郵便番号,住所,氏名,抽選結果\r\n"+
		string(apps[0].Receipt)+",163-8001,東京都新宿区西新宿2-8-1,髙橋 零,当選\r\n", back)
}

// The city walk's notification purpose sees no lottery result: its list
// has no result column.
func TestPostalListWithoutResult(t *testing.T) {
	t.Parallel()
	s := applicant.CityWalkSchema()
	a := mustValidate(t, s, cityWalkForm(0))
	a.Receipt = "CW-0000010"
	got := postalList(t, s, &Options{LineEnding: LF}, a)
	require.Equal(t, "\uFEFF受付番号,郵便番号,住所,氏名\nCW-0000010,160-8484,東京都新宿区歌舞伎町1-4-1,山田 零\n", got)
}

func TestPostalListErrors(t *testing.T) {
	t.Parallel()
	s := applicant.LiveSiteSchema()
	f := liveSiteForm(0)
	f.Representative.Name, f.Representative.Address = canaryName, "東京都新宿区金糸雀町9丁目8-7"
	a := mustValidate(t, s, f)

	var buf bytes.Buffer
	w, err := NewWriter(&buf, nil)
	require.NoError(t, err)
	l, err := NewPostalList(w, s)
	require.NoError(t, err)
	err = l.Write("LS-0000001", mustView(t, s, applicant.PurposeNotification, a))
	var e *Error
	require.ErrorAs(t, err, &e, "no result before the draw")
	require.Equal(t, ReasonNoResult, e.Reason)
	require.Equal(t, 2, e.Row)
	require.Equal(t, 5, e.Column)
	require.Equal(t, "row 2, column E (lottery result): the lottery result is not set", e.English())
	for _, s := range errorStrings(err) {
		requireNoCanary(t, s)
	}
	require.Equal(t, err, w.Flush())
	require.Zero(t, buf.Len())

	w, err = NewWriter(&buf, nil)
	require.NoError(t, err)
	l, err = NewPostalList(w, s)
	require.NoError(t, err)
	a.Result = applicant.Won
	err = l.Write("LS-0000001", mustView(t, s, applicant.PurposeReception, a))
	require.ErrorAs(t, err, &e)
	require.Equal(t, ReasonPurpose, e.Reason)

	// An event whose notification purpose may not use postal codes cannot
	// have a postal list.
	narrow := applicant.LiveSiteSchema()
	for i, r := range narrow.Fields {
		if r.Field == applicant.FieldPostalCode {
			narrow.Fields[i].Purposes = []applicant.Purpose{applicant.PurposeReception}
		}
	}
	w, err = NewWriter(&buf, nil)
	require.NoError(t, err)
	_, err = NewPostalList(w, narrow)
	require.ErrorIs(t, err, ErrNotPermitted)
	require.ErrorAs(t, err, &e)
	require.Equal(t, applicant.FieldPostalCode, e.Field)
	require.True(t, strings.Contains(e.Japanese(), "郵便番号"))
}
