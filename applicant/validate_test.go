package applicant

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestValidateLiveSite(t *testing.T) {
	t.Parallel()
	s := LiveSiteSchema()
	a := mustValidate(t, s, ChannelWeb, liveSiteForm())
	require.Equal(t, "livesite", a.EventID)
	require.Equal(t, ChannelWeb, a.Channel)
	require.Equal(t, Resident, a.Category, "derived from an address in the ward")
	require.Equal(t, []string{"2021-07-24/1", "2021-07-25/2"}, a.Preferences, "empty rank skipped, full-width matched")
	require.Equal(t, 3, a.GroupSize, "the empty companion row is skipped; the infant counts")
	p := a.Representative
	require.Equal(t, "髙橋 一郎", p.Name, "display keeps the variant kanji")
	require.Equal(t, "東京都新宿区西新宿2-8-1", p.Address)
	require.Equal(t, "163-8001", p.PostalCode)
	require.Equal(t, intp(42), p.Age)
	require.Equal(t, "090-1234-5678", p.Phone)
	require.Equal(t, "ichiro.@docomo.ne.jp", p.Email)
	require.Equal(t, []Companion{
		{Name: "髙橋 花子", Age: intp(40)},
		{Name: "タカハシ サクラ", Infant: true},
	}, a.Companions)
}

func TestValidateCityWalk(t *testing.T) {
	t.Parallel()
	s := CityWalkSchema()
	a := mustValidate(t, s, ChannelWeb, cityWalkForm())
	require.Equal(t, Worker, a.Category)
	require.Equal(t, "10km", a.Course)
	require.Equal(t, Female, a.Representative.Sex)
	require.Equal(t, "03-1234-5678", a.Representative.Phone)
	require.Equal(t, 1, a.GroupSize)

	f := cityWalkForm()
	f.Representative.Email = ""
	a = mustValidate(t, s, ChannelPostcard, f)
	require.Empty(t, a.Representative.Email)
}

func TestValidateProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		schema *Schema
		ch     Channel
		edit   func(*Form)
		want   []string
	}{
		{
			name: "email on a postcard is refused, not dropped", schema: CityWalkSchema(), ch: ChannelPostcard,
			edit: func(f *Form) {},
			want: []string{"email#0:not_collected"},
		},
		{
			name: "email required online", schema: CityWalkSchema(), ch: ChannelWeb,
			edit: func(f *Form) { f.Representative.Email = " " },
			want: []string{"email#0:required"},
		},
		{
			name: "channel not accepted", schema: CityWalkSchema(), ch: ChannelWalkIn,
			edit: func(f *Form) {},
			want: []string{"#0:channel"},
		},
		{
			name: "every problem at once", schema: CityWalkSchema(), ch: ChannelWeb,
			edit: func(f *Form) {
				f.Category = "在宅"
				f.Course = "marathon"
				f.Representative = PersonForm{Name: "山田1", Address: strings.Repeat("新", 201),
					PostalCode: "160-84", Age: "百", Sex: "?", Phone: "0570-123-456", Email: "taro@localhost"}
			},
			want: []string{"name#0:invalid_characters", "address#0:too_long", "postal_code#0:postal_code",
				"age#0:age", "sex#0:unknown_option", "phone#0:phone_prefix", "email#0:email",
				"participant_category#0:unknown_option", "course#0:unknown_option"},
		},
		{
			name: "companions on an event that takes none", schema: CityWalkSchema(), ch: ChannelWeb,
			edit: func(f *Form) { f.Companions = []CompanionForm{{Name: "山田 花子"}} },
			want: []string{"companion.name#1:not_collected"},
		},
		{
			name: "companion problems name the companion", schema: LiveSiteSchema(), ch: ChannelWeb,
			edit: func(f *Form) {
				f.Companions = []CompanionForm{{Name: "髙橋 花子"}, {Name: "タカハシ ジロウ", Age: "7", Infant: "はい"},
					{Name: "", Age: "5"}, {Name: "髙橋 三郎", Age: "3", Infant: "多分"}}
			},
			want: []string{"companion.age#1:required", "companion.age#2:infant_age", "companion.name#3:required",
				"companion.infant#4:unknown_option"},
		},
		{
			name: "not a ward resident", schema: LiveSiteSchema(), ch: ChannelWeb,
			edit: func(f *Form) { f.Representative.Address = "東京都中野区中央1-2-3" },
			want: []string{"address#0:not_resident"},
		},
		{
			name: "no adult", schema: LiveSiteSchema(), ch: ChannelPostcard,
			edit: func(f *Form) {
				f.Representative.Email = ""
				f.Representative.Age = "17"
				f.Companions = []CompanionForm{{Name: "髙橋 花子", Age: "15"}}
			},
			want: []string{"age#0:no_adult"},
		},
		{
			name: "a mistyped age is not also reported as no adult", schema: LiveSiteSchema(), ch: ChannelWeb,
			edit: func(f *Form) { f.Representative.Age = "四十二" },
			want: []string{"age#0:age"},
		},
		{
			name: "group too large", schema: LiveSiteSchema(), ch: ChannelWeb,
			edit: func(f *Form) {
				for _, n := range []string{"次郎", "三郎", "四郎", "五郎", "六郎"} {
					f.Companions = append(f.Companions, CompanionForm{Name: "髙橋 " + n, Age: "20"})
				}
			},
			want: []string{"group_size#0:group_too_large"},
		},
		{
			name: "same person twice in one group", schema: LiveSiteSchema(), ch: ChannelWeb,
			edit: func(f *Form) { f.Companions = []CompanionForm{{Name: "高橋一郎", Age: "４２"}} },
			want: []string{"companion.name#1:duplicate_person"},
		},
		{
			name: "preferences", schema: LiveSiteSchema(), ch: ChannelWeb,
			edit: func(f *Form) { f.Preferences = []string{"2021-07-24/1", "2021-07-24/1"} },
			want: []string{"preferences#0:duplicate_preference"},
		},
		{
			name: "too many preferences", schema: LiveSiteSchema(), ch: ChannelWeb,
			edit: func(f *Form) {
				f.Preferences = []string{"2021-07-21/1", "2021-07-21/2", "2021-07-21/3", "2021-07-22/1"}
			},
			want: []string{"preferences#0:too_many_preferences"},
		},
		{
			name: "a slot the event does not hold", schema: LiveSiteSchema(), ch: ChannelWeb,
			edit: func(f *Form) { f.Preferences = []string{"2021-08-15/1"} },
			want: []string{"preferences#0:unknown_option"},
		},
		{
			name: "no preference", schema: LiveSiteSchema(), ch: ChannelWeb,
			edit: func(f *Form) { f.Preferences = []string{" ", ""} },
			want: []string{"preferences#0:required"},
		},
		{
			name: "fields the event does not ask", schema: LiveSiteSchema(), ch: ChannelWeb,
			edit: func(f *Form) {
				f.Representative.Sex = "男"
				f.Category = "在住"
				f.Extra = map[Field]string{"x.religion": "…", FieldName: "…"}
			},
			want: []string{"sex#0:not_collected", "participant_category#0:not_collected", "name#0:not_collected",
				"x.religion#0:not_collected"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var f Form
			if tt.schema.Event == "citywalk" {
				f = cityWalkForm()
			} else {
				f = liveSiteForm()
			}
			tt.edit(&f)
			a, err := tt.schema.Validate(tt.ch, f)
			require.Nil(t, a)
			require.Equal(t, tt.want, reasons(t, err))
		})
	}
}

func TestValidateErrorsAreTyped(t *testing.T) {
	t.Parallel()
	f := liveSiteForm()
	f.Representative.Address = "東京都中野区中央1-2-3"
	f.Representative.Phone = "03-1234-567"
	_, err := LiveSiteSchema().Validate(ChannelWeb, f)
	require.ErrorIs(t, err, ErrIneligible)
	var e *Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, FieldPhone, e.Field, "problems come in field order")
	require.Equal(t, "phone_length", e.Code())
	require.Equal(t, "the phone number has the wrong number of digits", e.English())
	require.Equal(t, "電話番号の桁数が正しくありません", e.Japanese())
	require.Equal(t, "kuji/applicant: phone_length: the phone number has the wrong number of digits", e.Error())
	require.False(t, errors.Is(e, ErrIneligible))
	require.NotErrorIs(t, err, ErrInvalidSchema)

	var es Errors
	require.ErrorAs(t, err, &es)
	require.Len(t, es, 2)
	require.Contains(t, es.Error(), "2 problems")

	cp := newError(FieldCompanionAge, 2, ReasonRequired)
	require.Equal(t, "companion 2: the companion's age is required", cp.English())
	require.Equal(t, "同行者2: 同行者年齢は必須です", cp.Japanese())
}

func TestEveryReasonHasMessages(t *testing.T) {
	t.Parallel()
	for r, m := range messages {
		e := &Error{Field: FieldName, Reason: r}
		require.NotContains(t, e.English(), "%!", r)
		require.NotContains(t, e.Japanese(), "%!", r)
		require.NotEmpty(t, m.ja)
		require.NotEmpty(t, m.en)
	}
}

func TestCheckEligibilityAgain(t *testing.T) {
	t.Parallel()
	s := LiveSiteSchema()
	a := mustValidate(t, s, ChannelWeb, liveSiteForm())
	require.NoError(t, s.CheckEligibility(a))
	a.Companions = append(a.Companions, make([]Companion, 4)...)
	require.ErrorIs(t, s.CheckEligibility(a), ErrIneligible)
}

func TestValidateCard(t *testing.T) {
	t.Parallel()
	s := LiveSiteSchema()
	c, err := s.ValidateCard("2021-07-24/2", CardForm{Name: "ﾀﾅｶ ｼﾞﾛｳ", Phone: "080ｰ1111ｰ2222", Seat: "ｂ－１２"})
	require.NoError(t, err)
	require.Equal(t, "タナカ ジロウ", c.Name)
	require.Equal(t, "080-1111-2222", c.Phone)
	require.Equal(t, "B-12", c.Seat)
	require.Equal(t, "2021-07-24/2", c.Slot)

	_, err = s.ValidateCard("2022-01-01/1", CardForm{Name: "田中", Phone: "12", Seat: "席"})
	require.Equal(t, []string{"#0:slot", "card.phone#0:phone_prefix", "card.seat#0:seat"}, reasons(t, err))

	_, err = CityWalkSchema().ValidateCard("x", CardForm{Name: "田中"})
	require.Equal(t, []string{"#0:channel"}, reasons(t, err))
}

// TestTrickyJapaneseInputs runs awkward but valid ways of writing one
// live-site application through Validate and checks the stored display
// forms: what the person wrote, tidied, never rewritten beyond width and
// composition.
func TestTrickyJapaneseInputs(t *testing.T) {
	t.Parallel()
	s := LiveSiteSchema()
	tests := []struct {
		name string
		edit func(*PersonForm)
		got  func(Person) string
		want string
	}{
		{"half-width katakana name", func(p *PersonForm) { p.Name = "ﾀｶﾊｼ ｲﾁﾛｳ" }, func(p Person) string { return p.Name }, "タカハシ イチロウ"},
		{"spacing voiced mark kept as written", func(p *PersonForm) { p.Name = "ヤマサ\u309Bキ イチロウ" }, func(p Person) string { return p.Name }, "ヤマサ゛キ イチロウ"},
		{"decomposed kana composed", func(p *PersonForm) { p.Name = "やまさ\u3099き いちろう" }, func(p Person) string { return p.Name }, "やまざき いちろう"},
		{"ideographic variation selector kept", func(p *PersonForm) { p.Name = "辻\U000E0101 一郎" }, func(p Person) string { return p.Name }, "辻\U000E0101 一郎"},
		{"variant kanji kept", func(p *PersonForm) { p.Name = "齋藤 﨑子" }, func(p Person) string { return p.Name }, "齋藤 﨑子"},
		{"full-width Latin name", func(p *PersonForm) { p.Name = "ＴＡＲＯ　ＳＭＩＴＨ" }, func(p Person) string { return p.Name }, "TARO SMITH"},
		{"address with full-width digits and dashes", func(p *PersonForm) { p.Address = "東京都新宿区西新宿２丁目８−１　都庁" },
			func(p Person) string { return p.Address }, "東京都新宿区西新宿2丁目8−1 都庁"},
		{"address written without 東京都", func(p *PersonForm) { p.Address = "新宿区歌舞伎町１－４－１" },
			func(p Person) string { return p.Address }, "新宿区歌舞伎町1-4-1"},
		{"a space inside the ward's name is still the ward", func(p *PersonForm) { p.Address = "東京都　新宿 区高田馬場1-1" },
			func(p Person) string { return p.Address }, "東京都 新宿 区高田馬場1-1"},
		{"postal code with the mark and a long vowel mark", func(p *PersonForm) { p.PostalCode = "〒１６９ー００７５" },
			func(p Person) string { return p.PostalCode }, "169-0075"},
		{"landline in brackets", func(p *PersonForm) { p.Phone = "（０３）３２０９－１１１１" }, func(p Person) string { return p.Phone }, "03-3209-1111"},
		{"IP phone with dots", func(p *PersonForm) { p.Phone = "050.1234.5678" }, func(p Person) string { return p.Phone }, "050-1234-5678"},
		{"age with 歳 and full-width digits", func(p *PersonForm) { p.Age = "満４２歳" }, func(p Person) string { return strconv.Itoa(*p.Age) }, "42"},
		{"full-width email", func(p *PersonForm) { p.Email = "ＩＣＨＩＲＯ．．ＴＡ＠ＥＺＷＥＢ．ＮＥ．ＪＰ" },
			func(p Person) string { return p.Email }, "ICHIRO..TA@ezweb.ne.jp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := liveSiteForm()
			f.Companions = nil
			tt.edit(&f.Representative)
			a, err := s.Validate(ChannelWeb, f)
			require.NoError(t, err)
			require.Equal(t, tt.want, tt.got(a.Representative))
		})
	}
}
