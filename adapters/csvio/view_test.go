package csvio

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/kuji-go/kuji/applicant"
	"github.com/stretchr/testify/require"
)

// headerOf returns the header row of an export of purpose p.
func headerOf(t *testing.T, s *applicant.Schema, p applicant.Purpose, h HeaderStyle) []string {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, &Options{Header: h, LineEnding: LF})
	require.NoError(t, err)
	_, err = NewViewWriter(w, s, p)
	require.NoError(t, err)
	require.NoError(t, w.Flush())
	return strings.Split(strings.TrimSuffix(strings.TrimPrefix(buf.String(), "\uFEFF"), "\n"), ",")
}

func groups(n int, fields ...string) []string {
	var out []string
	for i := 1; i <= n; i++ {
		for _, f := range fields {
			out = append(out, "同行者"+string(rune('0'+i))+f)
		}
	}
	return out
}

// The columns of each reference purpose, read off the reference schemas'
// field rules: the fields the purpose may use, in catalogue order.
func TestViewColumns(t *testing.T) {
	t.Parallel()
	cw, ls := applicant.CityWalkSchema(), applicant.LiveSiteSchema()
	prefs := []string{"第1希望", "第2希望", "第3希望"}
	tests := []struct {
		s    *applicant.Schema
		p    applicant.Purpose
		want []string
	}{
		{cw, applicant.PurposeReception, []string{"氏名", "住所", "年齢", "電話番号", "参加者区分", "参加コース"}},
		{cw, applicant.PurposeInsurance, []string{"氏名", "住所", "年齢", "性別"}},
		{cw, applicant.PurposeNotification, []string{"氏名", "住所", "郵便番号", "メールアドレス", "参加コース"}},
		{cw, applicant.PurposeStatistics, []string{"年齢", "性別", "参加者区分", "参加コース"}},
		{ls, applicant.PurposeLottery, append(slices.Clone(prefs), "人数")},
		{ls, applicant.PurposeCheckIn, slices.Concat([]string{"氏名"}, prefs, []string{"人数"}, groups(5, "氏名", "乳幼児"), []string{"抽選結果"})},
		{ls, applicant.PurposeReception, slices.Concat([]string{"氏名", "住所", "年齢", "電話番号"}, prefs, []string{"人数"}, groups(5, "氏名", "年齢", "乳幼児"))},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, headerOf(t, tt.s, tt.p, HeaderJapanese), "%s %s", tt.s.Event, tt.p)
	}
	require.Equal(t, []string{"preference 1", "preference 2", "preference 3", "group size"},
		headerOf(t, ls, applicant.PurposeLottery, HeaderEnglish))
	require.Equal(t, []string{"name", "preferences.1", "preferences.2", "preferences.3", "group_size",
		"companion.name.1", "companion.infant.1", "companion.name.2"},
		headerOf(t, ls, applicant.PurposeCheckIn, HeaderKeys)[:8])
}

// Every field an application may hold has a place in the export order,
// so a purpose's field is never silently left out.
func TestFieldOrderCoversCatalogue(t *testing.T) {
	t.Parallel()
	for _, fi := range applicant.Catalogue() {
		if fi.OnCard {
			continue
		}
		require.Contains(t, fieldOrder[:], fi.Field)
	}
}

func TestViewCustomFields(t *testing.T) {
	t.Parallel()
	s := applicant.CityWalkSchema()
	s.Custom = []applicant.FieldInfo{{Field: "x.tshirt", Category: "user.preference.tshirt", Sealed: true, Japanese: "Tシャツサイズ", English: "T-shirt size"}}
	s.Fields = append(s.Fields, applicant.FieldRule{Field: "x.tshirt", Class: applicant.ClassApplication,
		Purposes: []applicant.Purpose{applicant.PurposeReception}})
	require.NoError(t, s.Check())
	require.Equal(t, []string{"氏名", "住所", "年齢", "電話番号", "Tシャツサイズ", "参加者区分", "参加コース"},
		headerOf(t, s, applicant.PurposeReception, HeaderJapanese), "the event's fields follow the representative's")
	require.Equal(t, "x.tshirt", headerOf(t, s, applicant.PurposeReception, HeaderKeys)[4])
}

func TestViewRows(t *testing.T) {
	t.Parallel()
	s := applicant.LiveSiteSchema()
	a := mustValidate(t, s, liveSiteForm(1))
	a.Result = applicant.Waitlisted
	out := export(t, s, applicant.PurposeCheckIn, &Options{LineEnding: LF}, a)
	lines := strings.Split(string(out), "\n")
	require.Equal(t, "髙橋 一,2021-07-24/1,2021-07-25/2,,3,髙橋 花,false,タカハシ サクラ,true,,,,,,,waitlisted", lines[1])
}

func TestViewErrors(t *testing.T) {
	t.Parallel()
	s := applicant.CityWalkSchema()
	f := cityWalkForm(0)
	f.Representative.Name, f.Representative.Phone, f.Representative.Address = canaryName, canaryPhone, canaryAddress
	a := mustValidate(t, s, f)

	// The same event, but reception may not use the phone number.
	narrow := applicant.CityWalkSchema()
	for i, r := range narrow.Fields {
		if r.Field == applicant.FieldPhone {
			narrow.Fields[i].Purposes = []applicant.Purpose{applicant.PurposeCheckIn, applicant.PurposeReturnToWard}
		}
	}

	tests := []struct {
		name  string
		view  func() *applicant.View
		check func(t *testing.T, e *Error)
	}{
		{"a view refusing a field", func() *applicant.View {
			return mustView(t, narrow, applicant.PurposeReception, a)
		}, func(t *testing.T, e *Error) {
			require.Equal(t, ReasonNotPermitted, e.Reason)
			require.ErrorIs(t, e, ErrNotPermitted)
			require.ErrorIs(t, e, applicant.ErrNotPermitted)
			require.Equal(t, 2, e.Row)
			require.Equal(t, 4, e.Column)
			require.Equal(t, applicant.FieldPhone, e.Field)
			require.Equal(t, "row 2, column D (phone number): this purpose may not use the phone number", e.English())
			require.Equal(t, "2行目 D列（電話番号）: この利用目的では電話番号を利用できません", e.Japanese())
		}},
		{"a view for another purpose", func() *applicant.View {
			return mustView(t, s, applicant.PurposeInsurance, a)
		}, func(t *testing.T, e *Error) {
			require.Equal(t, ReasonPurpose, e.Reason)
			require.Equal(t, 2, e.Row)
		}},
		{"no view", func() *applicant.View { return nil }, func(t *testing.T, e *Error) {
			require.Equal(t, ReasonPurpose, e.Reason)
		}},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		w, err := NewWriter(&buf, nil)
		require.NoError(t, err)
		vw, err := NewViewWriter(w, s, applicant.PurposeReception)
		require.NoError(t, err)
		err = vw.Write(tt.view())
		var e *Error
		require.ErrorAs(t, err, &e, tt.name)
		tt.check(t, e)
		for _, s := range errorStrings(err) {
			requireNoCanary(t, s)
		}
		// The export is failed: no later row, nothing written.
		require.Equal(t, err, vw.Write(mustView(t, s, applicant.PurposeReception, a)), tt.name)
		require.Equal(t, err, w.Flush(), tt.name)
		require.Zero(t, buf.Len(), tt.name)
	}
}

func TestViewTooManyCompanions(t *testing.T) {
	t.Parallel()
	s := applicant.LiveSiteSchema()
	a := mustValidate(t, s, liveSiteForm(1))
	for len(a.Companions) < 6 {
		a.Companions = append(a.Companions, applicant.Companion{Name: canaryComp})
	}
	w, err := NewWriter(&bytes.Buffer{}, nil)
	require.NoError(t, err)
	vw, err := NewViewWriter(w, s, applicant.PurposeReception)
	require.NoError(t, err)
	err = vw.Write(mustView(t, s, applicant.PurposeReception, a))
	var e *Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, ReasonTooManyValues, e.Reason)
	require.Equal(t, applicant.FieldCompanionName, e.Field)
	require.Equal(t, "row 2: the companion's name has more values than the export has columns", e.English())
}

func TestViewUnmappableNamesTheColumn(t *testing.T) {
	t.Parallel()
	s := applicant.CityWalkSchema()
	f := cityWalkForm(0)
	f.Representative.Name = "𠮷田 太郎"
	a := mustValidate(t, s, f)
	w, err := NewWriter(&bytes.Buffer{}, &Options{Encoding: CP932})
	require.NoError(t, err)
	vw, err := NewViewWriter(w, s, applicant.PurposeReception)
	require.NoError(t, err)
	err = vw.Write(mustView(t, s, applicant.PurposeReception, a))
	var e *Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, applicant.FieldName, e.Field)
	require.Equal(t, "row 2, column A (name): the character U+20BB7 cannot be written in CP932 (export in UTF-8, or give a substitution the ward accepts)", e.English())
	require.True(t, strings.HasPrefix(e.Japanese(), "2行目 A列（氏名）: 文字 U+20BB7 はCP932"))
	require.NotContains(t, e.Error(), "田")
}

func TestNewViewWriterErrors(t *testing.T) {
	t.Parallel()
	ls := applicant.LiveSiteSchema()
	w, err := NewWriter(&bytes.Buffer{}, nil)
	require.NoError(t, err)
	_, err = NewViewWriter(w, ls, applicant.PurposeInfectionTracing)
	var e *Error
	require.ErrorAs(t, err, &e, "contact cards are not applications")
	require.Equal(t, ReasonNoColumns, e.Reason)

	w, err = NewWriter(&bytes.Buffer{}, nil)
	require.NoError(t, err)
	_, err = NewViewWriter(w, ls, "marketing")
	require.ErrorIs(t, err, applicant.ErrNotPermitted, "an undeclared purpose")

	bad := applicant.CityWalkSchema()
	bad.Event = "Bad Event"
	_, err = NewViewWriter(w, bad, applicant.PurposeReception)
	require.ErrorIs(t, err, applicant.ErrInvalidSchema)
}
