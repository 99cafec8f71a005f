package csvio

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/kuji-go/kuji/applicant"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/japanese"
)

// lines joins CSV lines with CRLF, as Excel saves them.
func lines(ls ...string) string { return strings.Join(ls, "\r\n") + "\r\n" }

const cityWalkHeader = "氏名,住所,郵便番号,年齢,性別,電話番号,参加者区分,参加コース"

// Headings in every accepted spelling map to the right fields: labels,
// keys, English, full-width digits, spaces, 同伴者, aliases, ignored
// columns.
func TestImportHeadings(t *testing.T) {
	t.Parallel()
	s := applicant.LiveSiteSchema()
	file := lines(
		"No.,お名前,Address,postal_code,年 齢,連絡先,第１希望,Preference 2,同伴者1氏名,同行者１年齢,companion 1 infant,companion.name.2,同行者2年齢,備考",
		"1,髙橋 一郎,東京都新宿区西新宿2-8-1,163-8001,42,090-1234-5678,2021-07-24/1,2021-07-25/2,髙橋 花子,40,,ﾀｶﾊｼ ｻｸﾗ,3,要確認",
	)
	res, err := importBytes(t, s, file, &ImportOptions{
		Aliases: map[string]Column{"お名前": {Field: applicant.FieldName}, "連絡先": {Field: applicant.FieldPhone}},
		Ignore:  []string{"No.", "備考"},
	})
	require.NoError(t, err)
	want := mustValidate(t, s, applicant.Form{
		Preferences: []string{"2021-07-24/1", "2021-07-25/2"},
		Representative: applicant.PersonForm{Name: "髙橋 一郎", Address: "東京都新宿区西新宿2-8-1",
			PostalCode: "163-8001", Age: "42", Phone: "090-1234-5678"},
		Companions: []applicant.CompanionForm{{Name: "髙橋 花子", Age: "40"}, {Name: "ﾀｶﾊｼ ｻｸﾗ", Age: "3"}},
	})
	require.Equal(t, []*applicant.Application{want}, applications(res))
	require.Equal(t, 2, res.Accepted[0].Row)
}

// Every problem with the header is reported at once, by column, and an
// unknown heading is never repeated (it may be an applicant's name, when
// the header row is missing).
func TestImportHeaderErrors(t *testing.T) {
	t.Parallel()
	s := applicant.LiveSiteSchema()
	file := lines("氏名,氏名,金糸雀 太郎,人数,生年月日,第4希望,同行者3氏名,抽選結果", "a,b,c,d,e,f,g,h")
	_, err := importBytes(t, s, file, nil)
	require.Equal(t, []string{
		"1:B:duplicate_column",
		"1:C:unknown_column",
		"1:D:derived",
		"1:E:not_collected",
		"1:F:column_range",
		"1:H:derived",
		"1:-:missing_column", // address
		"1:-:missing_column", // postal code
		"1:-:missing_column", // age
		"1:-:missing_column", // phone
		"1:-:missing_column", // 第1希望
		"1:-:missing_column", // 同行者1氏名
		"1:-:missing_column", // 同行者2氏名
		"1:-:missing_column", // 同行者1年齢
		"1:-:missing_column", // 同行者2年齢
		"1:-:missing_column", // 同行者3年齢
	}, problems(t, err))
	var es Errors
	require.ErrorAs(t, err, &es)
	require.Equal(t, "row 1, column C: the heading names no field of this event (correct it, or configure an alias)", es[1].English())
	require.Equal(t, "row 1, column F (preference 4): the preference 4 is beyond what this event allows", es[4].English())
	require.Equal(t, "1行目: 住所の列がありません", es[6].Japanese())
	require.Equal(t, "row 1: the file has no companion 2 name column", es[12].English())
	require.Equal(t, "1行目: 同行者3年齢の列がありません", es[15].Japanese())
	for _, s := range errorStrings(err) {
		requireNoCanary(t, s)
	}
}

// A file without its header row: the first application is taken as the
// header, and the errors must not repeat it.
func TestImportMissingHeaderRow(t *testing.T) {
	t.Parallel()
	s := applicant.CityWalkSchema()
	file := lines(strings.Join([]string{canaryName, canaryAddress, canaryPostal, "35", "男性", canaryPhone, "在住", "10km"}, ","))
	_, err := importBytes(t, s, file, nil)
	require.Error(t, err)
	got := problems(t, err)
	require.Equal(t, "1:A:unknown_column", got[0])
	for _, s := range errorStrings(err) {
		requireNoCanary(t, s)
		require.NotContains(t, s, "169-0072")
	}
}

// The city walk file of the row-error tests: rows 2 and 7 are valid; row 3
// spans lines 3 and 4 (a quoted line break in the address) and has a bad
// age and phone; line 5 is blank; row 6 has no name and an unknown course.
var cityWalkRows = lines(
	cityWalkHeader,
	"金糸雀 太郎,東京都新宿区金糸雀町9丁目8-7,169-0072,35,男性,03-5555-0199,在住,10km",
	"金糸雀 太郎,\"東京都新宿区",
	"金糸雀町9丁目8-7\",169-0072,abc,男性,03-5555-019,在住,5km",
	"",
	",東京都新宿区金糸雀町9丁目8-7,169-0072,35,男性,03-5555-0199,在住,20km",
	"金糸雀 花子,東京都新宿区金糸雀町9丁目8-7,169-0072,35,,'+81 3-5555-0199,在勤,5km",
)

var cityWalkProblems = []string{
	"3:D:invalid/age",
	"3:F:invalid/phone_length",
	"6:A:invalid/required",
	"6:H:invalid/unknown_option",
}

func TestImportRowErrors(t *testing.T) {
	t.Parallel()
	s := applicant.CityWalkSchema()
	res, err := importBytes(t, s, cityWalkRows, nil)
	require.Nil(t, res, "all or nothing: no application when a row is invalid")
	require.Equal(t, cityWalkProblems, problems(t, err))

	var es Errors
	require.ErrorAs(t, err, &es)
	require.Equal(t, "row 3, column F (phone number): the phone number has the wrong number of digits", es[1].English())
	require.Equal(t, "3行目 F列（電話番号）: 電話番号の桁数が正しくありません", es[1].Japanese())
	require.Equal(t, "kuji/csvio: invalid: row 6, column H (course): the course is not one of the choices", es[3].Error())
	var ae *applicant.Error
	require.ErrorAs(t, es[0], &ae, "the validation problem is wrapped")
	require.Equal(t, applicant.FieldAge, ae.Field)
	for _, s := range errorStrings(err) {
		requireNoCanary(t, s)
		require.NotContains(t, s, "abc")
		require.NotContains(t, s, "20km")
	}
}

func TestImportAcceptValid(t *testing.T) {
	t.Parallel()
	s := applicant.CityWalkSchema()
	res, err := importBytes(t, s, cityWalkRows, &ImportOptions{AcceptValid: true})
	require.NoError(t, err)
	require.Equal(t, 4, res.Rows)
	require.Equal(t, cityWalkProblems, problemList(res.Rejected))
	require.Len(t, res.Accepted, 2)
	require.Equal(t, 2, res.Accepted[0].Row)
	require.Equal(t, 7, res.Accepted[1].Row)
	a := res.Accepted[1].Application
	require.Equal(t, "03-5555-0199", a.Representative.Phone, "the formula guard was removed before validation")
	require.Equal(t, applicant.Worker, a.Category)
	require.Equal(t, applicant.ChannelPostcard, a.Channel)
	require.Equal(t, "citywalk", a.EventID)
}

func TestImportCompanionAndEligibilityErrors(t *testing.T) {
	t.Parallel()
	s := applicant.LiveSiteSchema()
	file := lines(
		"氏名,住所,郵便番号,年齢,電話番号,第1希望,同行者1氏名,同行者1年齢,同行者2氏名,同行者2年齢,同行者2乳幼児",
		"髙橋 一郎,東京都中野区中央1-1-1,164-0011,42,090-1234-5678,2021-07-24/1,髙橋 花子,40,髙橋 桜,,",
	)
	_, err := importBytes(t, s, file, nil)
	require.Equal(t, []string{"2:J:invalid/required", "2:B:invalid/not_resident"}, problems(t, err))
	var es Errors
	require.ErrorAs(t, err, &es)
	require.Equal(t, "row 2, column J (companion 2 age): companion 2: the companion's age is required", es[0].English())
	require.Equal(t, 2, es[0].Index)
	require.ErrorIs(t, es[1], applicant.ErrIneligible)
}

func TestImportEncodings(t *testing.T) {
	t.Parallel()
	s := applicant.CityWalkSchema()
	body := lines(cityWalkHeader, "山田 太郎,東京都新宿区歌舞伎町1-4-1,160-8484,68,男性,03-3209-1111,在住,10km")
	cp932, err := japanese.ShiftJIS.NewEncoder().String(body)
	require.NoError(t, err)
	valid := []struct {
		name string
		file string
		enc  Encoding
	}{
		{"UTF-8 with BOM", "\uFEFF" + body, UTF8},
		{"UTF-8 without BOM", body, UTF8},
		{"CP932", cp932, CP932},
		{"CP932 with LF", strings.ReplaceAll(cp932, "\r\n", "\n"), CP932},
	}
	for _, tt := range valid {
		res, err := importBytes(t, s, tt.file, &ImportOptions{Encoding: tt.enc})
		require.NoError(t, err, tt.name)
		require.Len(t, res.Accepted, 1, tt.name)
		require.Equal(t, "山田 太郎", res.Accepted[0].Application.Representative.Name, tt.name)
	}
	invalid := []struct {
		name string
		file string
		enc  Encoding
		want []string
	}{
		{"CP932 read as UTF-8", cp932, UTF8, []string{"1:A:encoding"}},
		{"UTF-8 with BOM read as CP932", "\uFEFF" + body, CP932, []string{"1:-:encoding"}},
		{"UTF-16", "\xFF\xFE" + "\x0F\x6C", UTF8, []string{"1:-:encoding"}},
		{"UTF-16 big-endian", "\xFE\xFF" + "\x6C\x0F", CP932, []string{"1:-:encoding"}},
	}
	for _, tt := range invalid {
		_, err := importBytes(t, s, tt.file, &ImportOptions{Encoding: tt.enc})
		require.Equal(t, tt.want, problems(t, err), tt.name)
	}
}

// In CP932 files, the NEC-selected IBM codes read as their characters;
// user-defined characters (外字) and invalid bytes are encoding problems
// of their cell.
func TestImportCP932Cells(t *testing.T) {
	t.Parallel()
	s := applicant.CityWalkSchema()
	head, err := japanese.ShiftJIS.NewEncoder().String(cityWalkHeader + "\r\n")
	require.NoError(t, err)
	row := func(name string) string {
		rest, err := japanese.ShiftJIS.NewEncoder().String(",東京都新宿区歌舞伎町1-4-1,160-8484,68,男性,03-3209-1111,在住,10km\r\n")
		require.NoError(t, err)
		return name + rest
	}
	yamada, err := japanese.ShiftJIS.NewEncoder().String("田 一")
	require.NoError(t, err)
	file := head +
		row("\xEE\xE0"+yamada) + // 髙 at its NEC-selected code
		row("\xFB\xFC"+yamada) + // 髙 at its IBM code
		row("\xF0\x40"+yamada) + // a user-defined character
		row(yamada+"\x81") // a lead byte without its trail byte (before the comma)
	res, err := importBytes(t, s, file, &ImportOptions{Encoding: CP932, AcceptValid: true})
	require.NoError(t, err)
	require.Equal(t, []string{"4:A:encoding", "5:A:encoding"}, problemList(res.Rejected))
	require.Len(t, res.Accepted, 2)
	for _, im := range res.Accepted {
		require.Equal(t, "髙田 一", im.Application.Representative.Name)
	}
}

func TestImportFileProblems(t *testing.T) {
	t.Parallel()
	s := applicant.CityWalkSchema()
	row := "山田 太郎,東京都新宿区歌舞伎町1-4-1,160-8484,68,男性,03-3209-1111,在住,10km"
	tests := []struct {
		name string
		file string
		opts *ImportOptions
		want []string
	}{
		{"empty", "", nil, []string{"0:-:empty"}},
		{"only blank lines", "\r\n\r\n,,,\r\n", nil, []string{"0:-:empty"}},
		{"an unclosed quote", lines(cityWalkHeader, row, "\"山田 太郎,x"), nil, []string{"3:-:csv_syntax"}},
		{"a quote in an unquoted cell", lines(cityWalkHeader, row, `山田 "太郎",x`), nil, []string{"3:-:csv_syntax"}},
		{"too many rows", lines(cityWalkHeader, row, row, row), &ImportOptions{MaxRows: 2}, []string{"4:-:too_many_rows"}},
		{"a record too long", lines(cityWalkHeader, row, row+strings.Repeat("x", 200)), &ImportOptions{MaxLineLen: 200},
			[]string{"3:-:line_too_long"}},
		{"too many problems", lines(cityWalkHeader, "x", "x", "x", "x"), &ImportOptions{MaxErrors: 2},
			[]string{"2:-:field_count", "3:-:field_count", "4:-:too_many_errors"}},
		{"row problems before a fatal one are kept", lines(cityWalkHeader, "x", "\"unclosed"), nil,
			[]string{"2:-:field_count", "3:-:csv_syntax"}},
	}
	for _, tt := range tests {
		_, err := importBytes(t, s, tt.file, tt.opts)
		require.Equal(t, tt.want, problems(t, err), tt.name)
	}
	_, err := importBytes(t, s, lines(cityWalkHeader, row, row, row), &ImportOptions{MaxRows: 2, AcceptValid: true})
	require.ErrorIs(t, err, ErrLimit, "limits stop the import in either mode")
}

func TestImportCellProblems(t *testing.T) {
	t.Parallel()
	s := applicant.CityWalkSchema()
	row := "山田 太郎,東京都新宿区歌舞伎町1-4-1,160-8484,68,男性,03-3209-1111,在住,10km"
	file := lines(cityWalkHeader+",,",
		row+",,",
		row+",,x", // a value under no heading
		row+",",   // a cell short
		row+",,,", // a cell over
		"山田 太郎,東京都新宿区歌舞伎町1-4-1-1-1-1,160-8484,68,男性,03-3209-1111,在住,10km,,", // an address of 21 characters
		"山田 太郎\xff,東京都新宿区歌舞伎町1-4-1,160-8484,68,男性,03-3209-1111,在住,10km,,",   // invalid UTF-8
	)
	res, err := importBytes(t, s, file, &ImportOptions{AcceptValid: true, MaxCellLen: 20})
	require.NoError(t, err)
	require.Equal(t, []string{"3:J:unnamed_column", "4:-:field_count", "5:-:field_count", "6:B:cell_too_long", "7:A:encoding"},
		problemList(res.Rejected))
	require.Len(t, res.Accepted, 1)
	require.Equal(t, "row 6, column B (address): the cell is longer than the import allows", res.Rejected[3].English())
}

// A hostile file that never ends a line (or never closes a quote) is
// refused after reading little more than the limit.
func TestImportEndlessLine(t *testing.T) {
	t.Parallel()
	s := applicant.CityWalkSchema()
	for _, tt := range []struct {
		name   string
		prefix string
		fill   byte
	}{
		{"endless line", "", 'x'},
		{"endless quoted cell", cityWalkHeader + "\r\n\"", '\n'},
	} {
		r := &endless{prefix: tt.prefix, fill: tt.fill}
		_, err := Import(context.Background(), r, s, &ImportOptions{MaxLineLen: 1000})
		require.ErrorIs(t, err, ErrLimit, tt.name)
		var e *Error
		require.ErrorAs(t, err, &e)
		require.Equal(t, ReasonLineTooLong, e.Reason, tt.name)
		require.Less(t, r.n, 256<<10, "%s: read %d bytes", tt.name, r.n)
	}
}

type endless struct {
	prefix string
	fill   byte
	n      int
}

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	for ; n < len(p); n++ {
		if e.n+n < len(e.prefix) {
			p[n] = e.prefix[e.n+n]
		} else {
			p[n] = e.fill
		}
	}
	e.n += n
	return n, nil
}

func TestImportContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Import(ctx, strings.NewReader(cityWalkRows), applicant.CityWalkSchema(), nil)
	require.ErrorIs(t, err, context.Canceled)
}

func TestImportBadArguments(t *testing.T) {
	t.Parallel()
	_, err := Import(context.Background(), strings.NewReader(""), applicant.CityWalkSchema(), &ImportOptions{Encoding: 5})
	require.Error(t, err)
	bad := applicant.CityWalkSchema()
	bad.Event = ""
	_, err = Import(context.Background(), strings.NewReader(cityWalkRows), bad, nil)
	require.ErrorIs(t, err, applicant.ErrInvalidSchema)

	_, err = Import(context.Background(), iotestErrReader{}, applicant.CityWalkSchema(), nil)
	require.ErrorIs(t, err, errBroken)
}

var errBroken = errors.New("broken pipe")

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errBroken }

// An alias to a repeated field must carry its number, and to a single
// field must not.
func TestImportBadAliases(t *testing.T) {
	t.Parallel()
	s := applicant.LiveSiteSchema()
	file := lines("氏名,希望,同伴者", "x,y,z")
	_, err := importBytes(t, s, file, &ImportOptions{Aliases: map[string]Column{
		"希望":  {Field: applicant.FieldPreferences},
		"同伴者": {Field: applicant.FieldName, Index: 2},
	}})
	got := problems(t, err)
	require.Equal(t, []string{"1:B:unknown_column", "1:C:unknown_column"}, got[:2])
}

func TestImportNumberedHeadings(t *testing.T) {
	t.Parallel()
	s := applicant.LiveSiteSchema()
	_, err := importBytes(t, s, lines("氏名,住所,郵便番号,年齢,電話番号,第０１希望,第100希望,同行者12氏名,同行者1氏名2,preference 2,companion.age.1,同行者1氏名", "x"), nil)
	require.Equal(t, []string{"1:G:unknown_column", "1:H:column_range", "1:I:unknown_column"}, problems(t, err))
}

// Blank lines before the header: problems name the header's real row.
func TestImportHeaderAfterBlankLines(t *testing.T) {
	t.Parallel()
	_, err := importBytes(t, applicant.CityWalkSchema(), "\r\n,,\r\n"+lines(cityWalkHeader+",謎"), nil)
	require.Equal(t, []string{"3:I:unknown_column"}, problems(t, err))
}

// Ignored columns are not read, and do not make a row: a pre-numbered
// "No." column with nothing else on the row is a blank row.
func TestImportIgnoredColumns(t *testing.T) {
	t.Parallel()
	s := applicant.CityWalkSchema()
	row := "山田 太郎,東京都新宿区歌舞伎町1-4-1,160-8484,68,男性,03-3209-1111,在住,10km"
	file := lines("No.,"+cityWalkHeader+",備考",
		"1,"+row+",\xff"+strings.Repeat("長", 2000),
		"2,,,,,,,,,",
		"3,,,,,,,,,",
	)
	res, err := importBytes(t, s, file, &ImportOptions{Ignore: []string{"no.", "備考"}})
	require.NoError(t, err)
	require.Equal(t, 1, res.Rows)
	require.Len(t, res.Accepted, 1)
}
