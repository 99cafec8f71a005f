package smtp_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/smtp"
)

// 2026-08-03 16:30 UTC is 2026-08-04 01:30 in Japan (UTC+9): the date
// changes, so a template that printed UTC or the server's zone would show
// the wrong day. 4 August 2026 is a Tuesday.
var deadline = time.Date(2026, 8, 3, 16, 30, 0, 0, time.UTC)

func content(kind smtp.Kind) smtp.Content {
	return smtp.Content{
		Kind:     kind,
		Event:    "東京2020コミュニティライブサイト",
		Receipt:  "R-004711",
		Slots:    []string{"8月1日（日）18:00〜21:00", "8月2日（月）13:00〜16:00"},
		Deadline: deadline,
		Contact:  "ライブサイト事務局\n03-0000-0000",
	}
}

// Every message states its receipt number, its slots, the deadline in JST
// and the contact, in both languages.
func TestTemplatesStateTheFacts(t *testing.T) {
	t.Parallel()
	jstDeadline := map[smtp.Lang]string{
		smtp.LangJa: "2026年8月4日（火）01:30",
		smtp.LangEn: "01:30 JST, Tuesday 4 August 2026",
	}
	for _, lang := range []smtp.Lang{smtp.LangJa, smtp.LangEn} {
		for _, kind := range smtp.Kinds() {
			t.Run(string(lang)+"/"+string(kind), func(t *testing.T) {
				t.Parallel()
				c := content(kind)
				subject, body, err := smtp.Render(lang, c)
				require.NoError(t, err)
				require.Contains(t, subject, c.Receipt)
				require.Contains(t, subject, c.Event)
				require.NotContains(t, subject, "\n")
				require.Contains(t, body, c.Receipt)
				require.Contains(t, body, "ライブサイト事務局\n03-0000-0000")
				if kind != smtp.KindLost {
					for _, s := range c.Slots {
						require.Contains(t, body, s)
					}
				}
				if kind != smtp.KindLost && kind != smtp.KindWaitlisted {
					require.Contains(t, body, jstDeadline[lang])
				}
				require.NotContains(t, body, "16:30", "the deadline is never printed in UTC")
				require.NotContains(t, body, "{{")
				require.NotContains(t, body, "<no value>")
				require.True(t, strings.HasSuffix(body, "\n") && !strings.HasSuffix(body, "\n\n"))
			})
		}
	}
}

// A win without a deadline has no confirmation paragraph.
func TestTemplatesOptionalDeadline(t *testing.T) {
	t.Parallel()
	for _, lang := range []smtp.Lang{smtp.LangJa, smtp.LangEn} {
		c := content(smtp.KindWon)
		c.Deadline = time.Time{}
		_, body, err := smtp.Render(lang, c)
		require.NoError(t, err)
		require.NotContains(t, body, "JST")
		require.NotContains(t, body, "までにお願いします")
		require.NotContains(t, body, "0001")
	}
}

// One applicant's message holds nothing of another's: Content has no field
// for a name or an address, and what it does hold is only the recipient's.
func TestTemplatesHoldNoOneElsesData(t *testing.T) {
	t.Parallel()
	fields := map[string]bool{}
	typ := reflect.TypeFor[smtp.Content]()
	for i := range typ.NumField() {
		fields[typ.Field(i).Name] = true
	}
	require.Equal(t, map[string]bool{
		"Kind": true, "Event": true, "Receipt": true, "Slots": true, "Deadline": true, "Contact": true,
	}, fields, "Content gains a field: make sure it is not personal data")

	a, b := content(smtp.KindWon), content(smtp.KindWon)
	b.Receipt, b.Slots = "R-009999", []string{"8月9日（月）10:00〜12:00"}
	for _, lang := range []smtp.Lang{smtp.LangJa, smtp.LangEn} {
		subject, body, err := smtp.Render(lang, a)
		require.NoError(t, err)
		for _, other := range append([]string{b.Receipt}, b.Slots...) {
			require.NotContains(t, subject+body, other)
		}
		require.NotContains(t, body, "@", "no address at all")
	}
}

func TestTemplatesRefuseContent(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		lang   smtp.Lang
		c      smtp.Content
		fields map[string]smtp.Reason
	}{
		{"empty", smtp.LangJa, smtp.Content{}, map[string]smtp.Reason{
			"Kind": smtp.ReasonUnknownKind, "Event": smtp.ReasonMissing, "Receipt": smtp.ReasonMissing, "Contact": smtp.ReasonMissing,
		}},
		{"win without slots", smtp.LangEn, func() smtp.Content { c := content(smtp.KindWon); c.Slots = nil; return c }(),
			map[string]smtp.Reason{"Slots": smtp.ReasonMissing}},
		{"reminder without deadline", smtp.LangJa, func() smtp.Content { c := content(smtp.KindDeadline); c.Deadline = time.Time{}; return c }(),
			map[string]smtp.Reason{"Deadline": smtp.ReasonMissing}},
		{"line break in a slot", smtp.LangJa, func() smtp.Content { c := content(smtp.KindWon); c.Slots[1] = "a\nb"; return c }(),
			map[string]smtp.Reason{"Slots[1]": smtp.ReasonControlCharacter}},
		{"unknown language", "de", content(smtp.KindLost), map[string]smtp.Reason{"Lang": smtp.ReasonUnknownLanguage}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := smtp.Render(tc.lang, tc.c)
			var fes smtp.FieldErrors
			require.True(t, errors.As(err, &fes))
			got := map[string]smtp.Reason{}
			for _, fe := range fes {
				got[fe.Field] = fe.Reason
			}
			require.Equal(t, tc.fields, got)
		})
	}
}

// A ward's own wording is read from a file system; a file that misses a
// kind is refused.
func TestParseTemplates(t *testing.T) {
	t.Parallel()
	var defs strings.Builder
	for _, k := range smtp.Kinds() {
		defs.WriteString(`{{define "` + string(k) + `.subject"}}` + string(k) + ` {{.Receipt}}{{end}}`)
		defs.WriteString(`{{define "` + string(k) + `.body"}}` + string(k) + ` until {{jst .Deadline}}{{end}}`)
	}
	fsys := fstest.MapFS{
		"ja.tmpl": {Data: []byte(defs.String())},
		"en.tmpl": {Data: []byte(defs.String())},
	}
	tm, err := smtp.ParseTemplates(fsys)
	require.NoError(t, err)
	subject, body, err := tm.Render(smtp.LangJa, content(smtp.KindDeadline))
	require.NoError(t, err)
	require.Equal(t, "deadline R-004711", subject)
	require.Equal(t, "deadline until 2026年8月4日（火）01:30\n", body)

	fsys["en.tmpl"] = &fstest.MapFile{Data: []byte(`{{define "won.subject"}}x{{end}}`)}
	_, err = smtp.ParseTemplates(fsys)
	require.ErrorContains(t, err, "en.tmpl defines no")
}

func TestCompose(t *testing.T) {
	t.Parallel()
	m := adapters.Message{Key: "ev/app-7/promoted", Event: "ev", Application: "app-7", Kind: "promoted"}
	c := content("")
	n, err := smtp.DefaultTemplates().Compose(m, smtp.LangEn, "guest@example.com", c)
	require.NoError(t, err)
	require.Equal(t, "ev/app-7/promoted", n.Key)
	require.Equal(t, smtp.KindPromoted, n.Kind)
	require.Equal(t, smtp.LangEn, n.Lang)
	require.Contains(t, n.Subject, "A place has become free")

	_, err = smtp.DefaultTemplates().Compose(m, smtp.LangEn, "guest@example.com; host@example.com", c)
	var fe *smtp.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, smtp.ReasonSeveralRecipients, fe.Reason)
	require.Equal(t, "ev/app-7/promoted", fe.Key)
}
