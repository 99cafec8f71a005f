package csvio_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kuji-go/kuji/adapters/csvio"
	"github.com/kuji-go/kuji/applicant"
)

// The reception list of the city walk: two applications exported through
// the reception purpose's views, in UTF-8 with a byte order mark and CRLF
// line endings, shown line by line with the invisible bytes quoted.
func ExampleViewWriter() {
	s := applicant.CityWalkSchema()
	forms := []applicant.Form{
		{Category: "在住", Course: "１０ｋｍ", Representative: applicant.PersonForm{
			Name: "山田 太郎", Address: "東京都新宿区歌舞伎町1-4-1", PostalCode: "〒160-8484",
			Age: "６８歳", Phone: "03-3209-1111"}},
		{Category: "在勤", Course: "5km", Representative: applicant.PersonForm{
			Name: "佐藤 花子", Address: "東京都中野区中央1-2-3, 2階", PostalCode: "164-0011",
			Age: "35", Sex: "女性", Phone: "090-1234-5678"}},
	}

	var out bytes.Buffer
	w, _ := csvio.NewWriter(&out, nil) // UTF-8 with BOM, CRLF, Japanese headings
	vw, err := csvio.NewViewWriter(w, s, applicant.PurposeReception)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range forms {
		a, err := s.Validate(applicant.ChannelPostcard, f)
		if err != nil {
			fmt.Println(err)
			return
		}
		v, _ := s.View(applicant.PurposeReception, a) // the Office authorises and audits this
		if err := vw.Write(v); err != nil {
			fmt.Println(err)
			return
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.SplitAfter(out.String(), "\r\n") {
		if line != "" {
			fmt.Printf("%q\n", line)
		}
	}
	// Output:
	// "\ufeff氏名,住所,年齢,電話番号,参加者区分,参加コース\r\n"
	// "山田 太郎,東京都新宿区歌舞伎町1-4-1,68,03-3209-1111,resident,10km\r\n"
	// "佐藤 花子,\"東京都中野区中央1-2-3, 2階\",35,090-1234-5678,worker,5km\r\n"
}

// Cells a spreadsheet would evaluate as formulas get an apostrophe;
// everything else is written as is.
func ExampleWriter() {
	var out bytes.Buffer
	w, _ := csvio.NewWriter(&out, &csvio.Options{LineEnding: csvio.LF})
	_ = w.Write([]string{"電話番号", "備考"})
	_ = w.Write([]string{"+81 3-3209-1111", "=HYPERLINK(\"http://example.com\")"})
	_ = w.Write([]string{"03-3209-1111", "1-2"})
	_ = w.Flush()
	fmt.Print(strings.TrimPrefix(out.String(), "\uFEFF"))
	// Output:
	// 電話番号,備考
	// '+81 3-3209-1111,"'=HYPERLINK(""http://example.com"")"
	// 03-3209-1111,1-2
}

// CP932 is strict: a character it cannot hold is an error naming the
// row, the column and the code point, never the cell — unless the ward's
// substitution table replaces it.
func ExampleWriter_cp932() {
	row := []string{"10時〜12時"} // 〜 U+301C WAVE DASH, as a Mac types it

	w, _ := csvio.NewWriter(&bytes.Buffer{}, &csvio.Options{Encoding: csvio.CP932})
	err := w.Write(row)
	fmt.Println(errors.Is(err, csvio.ErrUnmappable))
	fmt.Println(err)

	var out bytes.Buffer
	w, _ = csvio.NewWriter(&out, &csvio.Options{
		Encoding:      csvio.CP932,
		Substitutions: map[rune]rune{'〜': '～'}, // to U+FF5E FULLWIDTH TILDE, CP932's 0x8160
	})
	fmt.Println(w.Write(row), w.Flush())
	fmt.Printf("% X\n", out.Bytes())
	// Output:
	// true
	// kuji/csvio: unmappable_character: row 1, column A: the character U+301C cannot be written in CP932 (export in UTF-8, or give a substitution the ward accepts)
	// <nil> <nil>
	// 31 30 8E 9E 81 60 31 32 8E 9E 0D 0A
}

// Typed-in postcards are imported all or nothing: one invalid row and no
// application is returned, only the problems, by row and column, in
// Japanese and English, never with the value.
func ExampleImport() {
	s := applicant.CityWalkSchema()
	file := "氏名,住所,郵便番号,年齢,性別,電話番号,参加者区分,参加コース\r\n" +
		"山田 太郎,東京都新宿区歌舞伎町1-4-1,160-8484,68,男性,03-3209-1111,在住,10km\r\n" +
		"佐藤 花子,東京都中野区中央1-2-3,164-0011,35,女性,03-1234-567,在勤,20km\r\n"

	res, err := csvio.Import(context.Background(), strings.NewReader(file), s, nil)
	fmt.Println(res)
	var es csvio.Errors
	errors.As(err, &es)
	for _, e := range es {
		fmt.Println(e.Japanese())
		fmt.Println(e.English())
	}

	res, _ = csvio.Import(context.Background(), strings.NewReader(file), s, &csvio.ImportOptions{AcceptValid: true})
	fmt.Println(len(res.Accepted), "accepted from row", res.Accepted[0].Row, "and", len(res.Rejected), "problems")
	// Output:
	// <nil>
	// 3行目 F列（電話番号）: 電話番号の桁数が正しくありません
	// row 3, column F (phone number): the phone number has the wrong number of digits
	// 3行目 H列（参加コース）: 参加コースは選択肢から選んでください
	// row 3, column H (course): the course is not one of the choices
	// 1 accepted from row 2 and 2 problems
}
