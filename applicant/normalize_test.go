package applicant

import (
	"net/mail"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestDisplay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
		bad            bool
	}{
		{"half-width kana to full-width", "ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ", false},
		{"ideographic space and runs", "  山田　\t 太郎  ", "山田 太郎", false},
		{"full-width Latin to ASCII", "ＡＢＣ１２３", "ABC123", false},
		{"variant kanji kept", "髙橋 﨑", "髙橋 﨑", false},
		{"zero-width space and BOM dropped", "\uFEFF山\u200B田", "山田", false},
		{"decomposed kana composed", "か\u3099", "が", false},
		{"half-width voiced mark composed", "ﾊﾟﾝ", "パン", false},
		{"invalid UTF-8", "山\xff田", "", true},
		{"NUL", "山\x00田", "", true},
		{"bidi override", "山田\u202E", "", true},
		{"private use (gaiji)", "山\uE000", "", true},
		{"replacement character (mojibake)", "\uFFFD\uFFFD", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, bad := display(tt.in)
			if tt.bad {
				require.Equal(t, ReasonInvalidCharacters, bad)
				return
			}
			require.Empty(t, bad)
			require.Equal(t, tt.want, got)
			require.Equal(t, got, Display(got), "display form is a fixed point")
		})
	}
}

func TestNameKeyMatches(t *testing.T) {
	t.Parallel()
	same := [][]string{
		{"髙橋 一郎", "高橋一郎", "高橋　一郎"},
		{"山﨑", "山崎", "山嵜"},
		{"齋藤", "齊藤", "斉藤", "斎藤"},
		{"渡邊", "渡邉", "渡辺"},
		{"澤田", "沢田"},
		{"濱田", "浜田"},
		{"ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ・タロウ", "ヤマダタロウ"},
		{"TARO YAMADA", "Taro Yamada", "ｔａｒｏ　ｙａｍａｄａ"},
		{"ル-シ-", "ルーシー", "ル－シ－", "ﾙｰｼｰ"},
		{"Jean-Pierre", "Jean Pierre", "JEAN‐PIERRE"},
		{"辻\U000E0100", "辻"},
		{"霞ヶ関", "霞ケ関"},
		{"カ゛ンタ", "ガンタ"},
	}
	for _, group := range same {
		for _, s := range group[1:] {
			require.Equal(t, nameKey(group[0]), nameKey(s), "%q and %q", group[0], s)
		}
	}
	different := [][2]string{
		{"山田太郎", "山田次郎"},
		{"ヤマダ", "やまだ"}, // kana folding is for kana fields only
		{"高橋", "髙田"},
		{"ルーシー", "ルシ"},
	}
	for _, d := range different {
		require.NotEqual(t, nameKey(d[0]), nameKey(d[1]), "%q and %q", d[0], d[1])
	}
}

func TestKanaKeyMatches(t *testing.T) {
	t.Parallel()
	same := [][]string{
		{"やまだ たろう", "ヤマダタロウ", "ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ・タロウ"},
		{"キョウコ", "キヨウコ", "きょうこ"},
		{"カ゛ンタ", "ガンタ", "ｶﾞﾝﾀ"},
		{"ル-シ-", "ルーシー", "るーしー"},
		{"サイトウ ヵヶ", "さいとう かけ"},
	}
	for _, group := range same {
		for _, s := range group[1:] {
			require.Equal(t, kanaKey(group[0]), kanaKey(s), "%q and %q", group[0], s)
		}
	}
	require.NotEqual(t, kanaKey("ヤマダ"), kanaKey("ヤマタ"))
	require.NotEqual(t, kanaKey("サトウ"), kanaKey("サトオ"))
}

func TestCheckKanaAndName(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"ヤマダ タロウ", "やまだ・たろう", "ルーシー", "ヴァン", "ル-シ-"} {
		require.True(t, checkKana(Display(s)), s)
	}
	for _, s := range []string{"山田", "Yamada", "ヤマダ1", "ヤマダ@"} {
		require.False(t, checkKana(Display(s)), s)
	}
	for _, s := range []string{"山田 太郎", "佐々木", "O'Brien", "Jean-Pierre", "メアリー・ジェーン", "〆木"} {
		require.True(t, checkName(Display(s)), s)
	}
	for _, s := range []string{"山田1", "taro@example.jp", "山田;DROP", "=SUM(A1)"} {
		require.False(t, checkName(Display(s)), s)
	}
}

func TestPhone(t *testing.T) {
	t.Parallel()
	ok := []struct{ in, disp, key string }{
		{"03-1234-5678", "03-1234-5678", "0312345678"},
		{"０３ー１２３４ー５６７８", "03-1234-5678", "0312345678"},
		{"03(1234)5678", "03-1234-5678", "0312345678"},
		{"(03)1234-5678", "03-1234-5678", "0312345678"},
		{"0312345678", "0312345678", "0312345678"},
		{"090-1234-5678", "090-1234-5678", "09012345678"},
		{"09012345678", "09012345678", "09012345678"},
		{"０９０−１２３４−５６７８", "090-1234-5678", "09012345678"},
		{"090 1234 5678", "090-1234-5678", "09012345678"},
		{"090‐1234‐5678", "090-1234-5678", "09012345678"},
		{"090–1234–5678", "090-1234-5678", "09012345678"},
		{"090―1234―5678", "090-1234-5678", "09012345678"},
		{"090ｰ1234ｰ5678", "090-1234-5678", "09012345678"},
		{"070.1234.5678", "070-1234-5678", "07012345678"},
		{"080-1234-5678", "080-1234-5678", "08012345678"},
		{"+81 90-1234-5678", "090-1234-5678", "09012345678"},
		{"+81-3-1234-5678", "03-1234-5678", "0312345678"},
		{"+81 (0)3 1234 5678", "03-1234-5678", "0312345678"},
		{"＋８１９０１２３４５６７８", "09012345678", "09012345678"},
		{"050-1234-5678", "050-1234-5678", "05012345678"},
		{"0120-123-456", "0120-123-456", "0120123456"},
		{"0800-123-4567", "0800-123-4567", "08001234567"},
		{"0466-12-3456", "0466-12-3456", "0466123456"},
		{"01267-2-3456", "01267-2-3456", "0126723456"},
	}
	for _, tt := range ok {
		disp, key, r := parsePhone(tt.in)
		require.Empty(t, r, tt.in)
		require.Equal(t, tt.disp, disp, tt.in)
		require.Equal(t, tt.key, key, tt.in)
	}
	bad := []struct {
		in string
		r  Reason
	}{
		{"", ReasonRequired},
		{"03-1234-567", ReasonPhoneLength},
		{"090-1234-567", ReasonPhoneLength},
		{"090-1234-56789", ReasonPhoneLength},
		{"0120-123-4567", ReasonPhoneLength},
		{"050-123-4567", ReasonPhoneLength},
		{"0570-123-456", ReasonPhonePrefix},
		{"0990-123-456", ReasonPhonePrefix},
		{"020-1234-5678", ReasonPhonePrefix},
		{"060-1234-5678", ReasonPhonePrefix},
		{"3-1234-5678", ReasonPhonePrefix},
		{"110", ReasonPhonePrefix},
		{"00-1234-5678", ReasonPhonePrefix},
		{"+1 212 555 1234", ReasonPhonePrefix},
		{"090-1234-5678 内線12", ReasonPhoneFormat},
		{"abc", ReasonPhoneFormat},
		{"---", ReasonPhoneFormat},
		{"090+1234", ReasonPhoneFormat},
		{"12345678901234567890", ReasonPhoneLength},
	}
	for _, tt := range bad {
		_, _, r := parsePhone(tt.in)
		require.Equal(t, tt.r, r, tt.in)
	}
}

func TestPostalCode(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"160-8484", "〒160-8484", "〒１６０－８４８４", "1608484", "160 8484",
		"〒 160ー8484", "160－8484", "160 - 8484", "〶160-8484"} {
		disp, key, r := parsePostalCode(in)
		require.Empty(t, r, in)
		require.Equal(t, "160-8484", disp, in)
		require.Equal(t, "1608484", key, in)
	}
	for _, in := range []string{"160-848", "16-08484", "160--8484", "abc-defg", "1608-484", "16084840", "〒", "160-8484号"} {
		_, _, r := parsePostalCode(in)
		require.NotEmpty(t, r, in)
	}
}

func TestEmail(t *testing.T) {
	t.Parallel()
	ok := []struct{ in, disp string }{
		{"taro@example.jp", "taro@example.jp"},
		{"taro.@docomo.ne.jp", "taro.@docomo.ne.jp"},
		{"ta..ro@ezweb.ne.jp", "ta..ro@ezweb.ne.jp"},
		{".taro@docomo.ne.jp", ".taro@docomo.ne.jp"},
		{"Taro@Example.JP", "Taro@example.jp"},
		{"ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro@example.jp"},
		{"taro+walk@example.co.jp", "taro+walk@example.co.jp"},
		{"a_b-c@xn--wgv71a119e.jp", "a_b-c@xn--wgv71a119e.jp"},
		{"  taro@example.jp  ", "taro@example.jp"},
	}
	for _, tt := range ok {
		disp, key, r := parseEmail(tt.in)
		require.Empty(t, r, tt.in)
		require.Equal(t, tt.disp, disp, tt.in)
		require.Equal(t, Display(key), key)
	}
	// The legacy carrier forms are the reason this parser exists: net/mail
	// refuses them.
	for _, in := range []string{"taro.@docomo.ne.jp", "ta..ro@ezweb.ne.jp"} {
		_, err := mail.ParseAddress(in)
		require.Error(t, err, in)
	}
	for _, in := range []string{"taro", "taro@", "@example.jp", "taro@localhost", "taro@@example.jp",
		"taro@exa_mple.jp", "ta ro@example.jp", `"taro"@example.jp`, "Taro <taro@example.jp>",
		"taro@[192.168.0.1]", "...@example.jp", "taro@-example.jp", "taro@example.j1",
		"taro@example.jp\r\nBcc: x@example.jp", "taro@example..jp", "たろう@example.jp"} {
		_, _, r := parseEmail(in)
		require.NotEmpty(t, r, in)
	}
}

func TestAge(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int{"35": 35, "３５": 35, "35歳": 35, "35才": 35, "満35歳": 35, "0": 0, "130": 130, " 7 さい": 7} {
		got, r := parseAge(in)
		require.Empty(t, r, in)
		require.Equal(t, want, got, in)
	}
	for in, want := range map[string]Reason{"": ReasonRequired, "-1": ReasonAge, "3.5": ReasonAge, "131": ReasonAgeRange,
		"三十五": ReasonAge, "1000": ReasonAge, "歳": ReasonAge} {
		_, r := parseAge(in)
		require.Equal(t, want, r, in)
	}
}

func TestBirthDate(t *testing.T) {
	t.Parallel()
	on := time.Date(2021, 7, 21, 0, 0, 0, 0, time.UTC)
	ok := map[string]string{
		"1980-04-01": "1980-04-01", "1980/4/1": "1980-04-01", "1980.4.1": "1980-04-01",
		"1980年4月1日": "1980-04-01", "19800401": "1980-04-01", "１９８０－０４－０１": "1980-04-01",
		"1980ー04ー01": "1980-04-01", "昭和55年4月1日": "1980-04-01", "S55.4.1": "1980-04-01",
		"s55/4/1": "1980-04-01", "㍼55年4月1日": "1980-04-01", "平成元年1月8日": "1989-01-08",
		"H31.4.30": "2019-04-30", "令和元年5月1日": "2019-05-01", "R3.7.21": "2021-07-21",
		"大正15年12月24日": "1926-12-24", "昭和元年12月25日": "1926-12-25", "2000-02-29": "2000-02-29",
	}
	for in, want := range ok {
		got, r := parseBirthDate(in, on)
		require.Empty(t, r, in)
		require.Equal(t, want, got, in)
	}
	bad := map[string]Reason{
		"": ReasonRequired, "昭和64年1月8日": ReasonBirthDate, "平成31年5月1日": ReasonBirthDate,
		"令和元年4月30日": ReasonBirthDate, "1980-02-30": ReasonBirthDate, "1980-13-01": ReasonBirthDate,
		"1900-02-29": ReasonBirthDate, "2021-07-22": ReasonBirthDateRange, "1890-01-01": ReasonBirthDateRange,
		"昭和": ReasonBirthDate, "S0.1.1": ReasonBirthDate, "1980-4": ReasonBirthDate, "80/4/1": ReasonBirthDate,
	}
	for in, want := range bad {
		_, r := parseBirthDate(in, on)
		require.Equal(t, want, r, in)
	}
}

func TestAgeAt(t *testing.T) {
	t.Parallel()
	d := func(s string) time.Time {
		v, err := time.Parse(time.DateOnly, s)
		require.NoError(t, err)
		return v
	}
	tests := []struct {
		born, on string
		want     int
	}{
		{"1980-04-01", "2021-03-31", 40},
		{"1980-04-01", "2021-04-01", 41},
		{"2000-02-29", "2021-02-28", 20}, // not yet: a year older from 1 March
		{"2000-02-29", "2021-03-01", 21},
		{"2000-02-29", "2024-02-29", 24},
		{"2021-07-21", "2021-07-21", 0},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, ageAt(d(tt.born), d(tt.on)), "%s on %s", tt.born, tt.on)
	}
}

func TestParseFlag(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"1", "はい", "○", "〇", "乳幼児", "yes", "TRUE", "ｙｅｓ"} {
		b, r := parseFlag(in)
		require.Empty(t, r, in)
		require.True(t, b, in)
	}
	for _, in := range []string{"", "0", "いいえ", "×", "no", " "} {
		b, r := parseFlag(in)
		require.Empty(t, r, in)
		require.False(t, b, in)
	}
	_, r := parseFlag("maybe")
	require.Equal(t, ReasonUnknownOption, r)
}
