package consent

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/kuji-go/kuji/applicant"
)

func TestNoticeText(t *testing.T) {
	t.Parallel()
	n, err := New(applicant.CityWalkSchema(), cityWalkDetails())
	require.NoError(t, err)
	require.Regexp(t, `^sha256:[0-9a-f]{64}$`, string(n.Version))

	ja := n.Text(language.Japanese)
	for _, want := range []string{
		"個人情報の取扱いについて（しんじゅくシティウォーク）",
		"個人情報の管理者：新宿区 健康部健康づくり課",
		"受託事業者：株式会社イベント・コミュニケーションズ",
		"1. 申込みの受付・管理（参加資格と重複申込みの確認を含む）",
		"メールアドレス（必須・インターネット申込のみ）",
		"性別（任意）",
		"任意の項目は、記入しなくても申し込めます。",
		"損害保険会社（傷害保険の引受会社）：氏名、年齢、性別 — 傷害保険の加入手続き",
		"消去証明書を区に提出します。",
		"通知の版：" + string(n.Version),
	} {
		require.Contains(t, ja, want)
	}
	require.NotContains(t, ja, "Controller")

	en := n.Text(language.BritishEnglish)
	for _, want := range []string{
		"How we handle your personal information (Shinjuku City Walk)",
		"Controller: Shinjuku City, Health Promotion Section",
		"email address (required, online applications only)",
		"sex (optional)",
		"the accident insurer: name, age, sex — Enrolling participants in the event's accident insurance",
		"Notice version: " + string(n.Version),
	} {
		require.Contains(t, en, want)
	}
	require.NotContains(t, en, "必須")

	// Statistics read no name: the notice says so by listing its fields.
	i := strings.Index(en, "Counting for the event report")
	require.Positive(t, i)
	line := en[i:]
	line = line[:strings.Index(line[strings.Index(line, "\n")+1:], "\n")+strings.Index(line, "\n")+1]
	require.NotContains(t, line, "name")
	require.Contains(t, line, "age (required)")
}

func TestNoticeLiveSite(t *testing.T) {
	t.Parallel()
	n, err := New(applicant.LiveSiteSchema(), liveSiteDetails())
	require.NoError(t, err)
	ja := n.Text(language.Japanese)
	require.Contains(t, ja, "座席番号（必須・当日の連絡先カード）")
	require.Contains(t, ja, "抽選結果（自動で記録）")
	require.Contains(t, ja, "連絡先カードはイベント終了の1か月後に廃棄します。")
	require.Contains(t, ja, "乳幼児（任意）")
}

func TestMatch(t *testing.T) {
	t.Parallel()
	parse := func(s string) []language.Tag {
		tags, _, err := language.ParseAcceptLanguage(s)
		require.NoError(t, err)
		return tags
	}
	require.Equal(t, language.Japanese, Match())
	require.Equal(t, language.Japanese, Match(parse("ja-JP,en;q=0.8")...))
	require.Equal(t, language.English, Match(parse("en-US,en;q=0.9,ja;q=0.5")...))
	require.Equal(t, language.English, Match(parse("en-GB")...))
	require.Equal(t, language.Japanese, Match(parse("ko-KR")...), "neither: the ward's language")
}

func TestNoticeStructured(t *testing.T) {
	t.Parallel()
	n, err := New(applicant.CityWalkSchema(), cityWalkDetails())
	require.NoError(t, err)
	b, err := json.Marshal(n)
	require.NoError(t, err)
	back, err := ParseNotice(b)
	require.NoError(t, err)
	require.Equal(t, n, back)

	var p NoticePurpose
	for _, np := range n.Purposes {
		if np.Purpose == applicant.PurposeNotification {
			p = np
		}
	}
	i := slices.IndexFunc(p.Fields, func(f NoticeField) bool { return f.Field == applicant.FieldEmail })
	require.GreaterOrEqual(t, i, 0)
	require.Equal(t, NoticeField{Field: applicant.FieldEmail, Label: Text{"メールアドレス", "email address"},
		Category: "user.contact.email", Class: applicant.ClassApplication, Required: true,
		Channels: []applicant.Channel{applicant.ChannelWeb}}, p.Fields[i])

	// A notice edited after it was issued no longer matches its version.
	tampered := strings.Replace(string(b), "消去証明書", "証明書", 1)
	_, err = ParseNotice([]byte(tampered))
	require.ErrorIs(t, err, ErrVersion)
	_, err = ParseNotice([]byte(`{"event":"x","bogus":1}`))
	require.ErrorAs(t, err, new(*Error))
}

func TestNoticeRefusesDetails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*Details)
		want []string
	}{
		{"recipient for an undeclared purpose", func(d *Details) { d.Recipients[0].Purposes = []applicant.Purpose{"marketing"} },
			[]string{"recipient:1 recipient_purpose", "recipient:1 recipient_field"}},
		{"recipient of a field its purposes do not use", func(d *Details) {
			d.Recipients[0].Fields = append(d.Recipients[0].Fields, applicant.FieldPhone)
		}, []string{"recipient:1 recipient_field"}},
		{"retention missing", func(d *Details) { d.Retention = nil }, []string{"retention:application retention_missing"}},
		{"retention for a class not collected", func(d *Details) {
			d.Retention = append(d.Retention, Retention{Class: applicant.ClassContactCard, Text: Text{"廃棄", "destroyed"}})
		}, []string{"retention:contact-card retention_unknown"}},
		{"empty texts", func(d *Details) { d.Controller.English = " "; d.Contact = Text{} },
			[]string{"controller missing_text", "contact missing_text"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := cityWalkDetails()
			tt.edit(&d)
			_, err := New(applicant.CityWalkSchema(), d)
			var es Errors
			require.ErrorAs(t, err, &es)
			var got []string
			for _, e := range es {
				got = append(got, e.Part+" "+e.Code())
				require.NotContains(t, e.Japanese(), "%!")
			}
			require.Equal(t, tt.want, got)
		})
	}
	bad := applicant.CityWalkSchema()
	bad.Fields[0].Purposes = nil
	_, err := New(bad, cityWalkDetails())
	require.ErrorIs(t, err, applicant.ErrInvalidSchema)
}

// TestNoticeVersion checks that the version follows the content: every
// change to purposes, fields, retention or recipients changes it, and
// reordering or re-encoding the same content does not.
func TestNoticeVersion(t *testing.T) {
	t.Parallel()
	version := func(edit func(*applicant.Schema, *Details)) Version {
		s, d := applicant.CityWalkSchema(), cityWalkDetails()
		edit(s, &d)
		n, err := New(s, d)
		require.NoError(t, err)
		require.Equal(t, n.Version, n.Digest())
		return n.Version
	}
	base := version(func(*applicant.Schema, *Details) {})
	field := func(s *applicant.Schema, f applicant.Field) *applicant.FieldRule {
		for i := range s.Fields {
			if s.Fields[i].Field == f {
				return &s.Fields[i]
			}
		}
		t.Fatalf("no field %s", f)
		return nil
	}

	changes := map[string]func(*applicant.Schema, *Details){
		"a field no longer used for a purpose": func(s *applicant.Schema, _ *Details) {
			field(s, applicant.FieldPhone).Purposes = []applicant.Purpose{applicant.PurposeReception, applicant.PurposeReturnToWard}
		},
		"a purpose's text": func(s *applicant.Schema, _ *Details) { s.Purposes[0].English += "." },
		"a new optional field": func(s *applicant.Schema, _ *Details) {
			s.Fields = append(s.Fields, applicant.FieldRule{Field: applicant.FieldNameKana, Class: applicant.ClassApplication,
				Purposes: []applicant.Purpose{applicant.PurposeReception}})
		},
		"a field made optional": func(s *applicant.Schema, _ *Details) { field(s, applicant.FieldAge).Required = false },
		"a field's channels":    func(s *applicant.Schema, _ *Details) { field(s, applicant.FieldEmail).Channels = nil },
		"a field's class": func(s *applicant.Schema, d *Details) {
			field(s, applicant.FieldEmail).Class = "online"
			d.Retention = append(d.Retention, Retention{Class: "online", Text: d.Retention[0].Text})
		},
		"the retention text":          func(_ *applicant.Schema, d *Details) { d.Retention[0].Text.Japanese += "。" },
		"a recipient's fields":        func(_ *applicant.Schema, d *Details) { d.Recipients[0].Fields = d.Recipients[0].Fields[:2] },
		"no recipient":                func(_ *applicant.Schema, d *Details) { d.Recipients = nil },
		"the recipient's name":        func(_ *applicant.Schema, d *Details) { d.Recipients[0].Name.English = "the insurer" },
		"the processor":               func(_ *applicant.Schema, d *Details) { d.Processor.Japanese = "別の会社" },
		"the contact":                 func(_ *applicant.Schema, d *Details) { d.Contact.English += " (weekdays)" },
		"another event with the same": func(s *applicant.Schema, _ *Details) { s.Event = "citywalk-2022" },
	}
	seen := map[Version]string{base: "base"}
	for name, edit := range changes {
		v := version(edit)
		require.NotEqual(t, base, v, name)
		require.NotContains(t, seen, v, "%s collides with %s", name, seen[v])
		seen[v] = name
	}

	same := map[string]func(*applicant.Schema, *Details){
		"fields listed in another order":     func(s *applicant.Schema, _ *Details) { slices.Reverse(s.Fields) },
		"purposes declared in another order": func(s *applicant.Schema, _ *Details) { slices.Reverse(s.Purposes) },
		"a field's purposes in another order": func(s *applicant.Schema, _ *Details) {
			slices.Reverse(field(s, applicant.FieldName).Purposes)
		},
		"recipient fields in another order": func(_ *applicant.Schema, d *Details) { slices.Reverse(d.Recipients[0].Fields) },
		"recipients in another order": func(s *applicant.Schema, d *Details) {
			d.Recipients = append(d.Recipients, Recipient{Name: Text{"区", "the ward"},
				Purposes: []applicant.Purpose{applicant.PurposeReturnToWard}, Fields: []applicant.Field{applicant.FieldName}})
			slices.Reverse(d.Recipients)
		},
		"the same text decomposed (NFD) and padded": func(_ *applicant.Schema, d *Details) {
			d.Title.Japanese = " しんし\u3099ゅくシティウォーク "
		},
	}
	withWard := version(func(_ *applicant.Schema, d *Details) {
		d.Recipients = append(d.Recipients, Recipient{Name: Text{"区", "the ward"},
			Purposes: []applicant.Purpose{applicant.PurposeReturnToWard}, Fields: []applicant.Field{applicant.FieldName}})
	})
	for name, edit := range same {
		want := base
		if strings.HasPrefix(name, "recipients") {
			want = withWard
		}
		require.Equal(t, want, version(edit), name)
	}
}
