package consent

import (
	"fmt"
	"strings"
	"sync"

	"golang.org/x/text/language"

	"github.com/kuji-go/kuji/applicant"
)

// Match picks the notice language for a person's preferences (for example
// from language.ParseAcceptLanguage): English when they prefer it over
// Japanese, Japanese otherwise, the ward's language being the default.
func Match(prefs ...language.Tag) language.Tag {
	_, i, conf := noticeLanguages().Match(prefs...)
	if i == 1 && conf != language.No {
		return language.English
	}
	return language.Japanese
}

// noticeLanguages is the matcher of the notice's languages. Building one
// costs more than a whole intake's validation, so it is built once; a
// Matcher is immutable and safe for concurrent use.
var noticeLanguages = sync.OnceValue(func() language.Matcher {
	return language.NewMatcher([]language.Tag{language.Japanese, language.English})
})

type words struct {
	heading, controller, processor, purposes, recipients, retention, contact, version string
	required, optional, derived, sensitive, optionalNote, sep, open, close, listSep   string
	channel                                                                           map[applicant.Channel]string
	pick                                                                              func(Text) string
}

var (
	japanese = words{
		heading: "個人情報の取扱いについて", controller: "個人情報の管理者", processor: "受託事業者",
		purposes: "利用目的と利用する項目", recipients: "第三者への提供", retention: "保存期間と消去",
		contact: "お問い合わせ", version: "通知の版", required: "必須", optional: "任意", derived: "自動で記録",
		sensitive: "要配慮・区の承諾により収集", optionalNote: "任意の項目は、記入しなくても申し込めます。",
		sep: "・", open: "（", close: "）", listSep: "、",
		channel: map[applicant.Channel]string{
			applicant.ChannelWeb: "インターネット申込のみ", applicant.ChannelPostcard: "はがき申込のみ",
			applicant.ChannelWalkIn: "当日の連絡先カード",
		},
		pick: func(t Text) string { return t.Japanese },
	}
	english = words{
		heading: "How we handle your personal information", controller: "Controller", processor: "Processor",
		purposes: "Purposes and the information each uses", recipients: "Third parties", retention: "Retention and erasure",
		contact: "Inquiries", version: "Notice version", required: "required", optional: "optional", derived: "recorded by us",
		sensitive: "sensitive; collected with the ward's approval", optionalNote: "You may apply without giving the optional information.",
		sep: ", ", open: " (", close: ")", listSep: ", ",
		channel: map[applicant.Channel]string{
			applicant.ChannelWeb: "online applications only", applicant.ChannelPostcard: "postcard applications only",
			applicant.ChannelWalkIn: "walk-in contact cards",
		},
		pick: func(t Text) string { return t.English },
	}
)

// Text renders the notice as plain text in the language [Match] picks for
// lang: Japanese or English.
func (n *Notice) Text(lang language.Tag) string {
	w := japanese
	colon := "："
	if Match(lang) == language.English {
		w, colon = english, ": "
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s%s%s%s\n\n", w.heading, w.open, w.pick(n.Title), w.close)
	fmt.Fprintf(&b, "%s%s%s\n", w.controller, colon, w.pick(n.Controller))
	fmt.Fprintf(&b, "%s%s%s\n\n", w.processor, colon, w.pick(n.Processor))
	fmt.Fprintf(&b, "■ %s\n", w.purposes)
	anyOptional := false
	for i, p := range n.Purposes {
		fmt.Fprintf(&b, "%d. %s\n   ", i+1, w.pick(p.Text))
		for j, f := range p.Fields {
			if j > 0 {
				b.WriteString(w.listSep)
			}
			b.WriteString(w.pick(f.Label))
			var notes []string
			switch {
			case f.Derived:
				notes = append(notes, w.derived)
			case f.Required:
				notes = append(notes, w.required)
			default:
				notes = append(notes, w.optional)
				anyOptional = true
			}
			for _, ch := range f.Channels {
				notes = append(notes, w.channel[ch])
			}
			if f.Sensitive {
				notes = append(notes, w.sensitive)
			}
			b.WriteString(w.open + strings.Join(notes, w.sep) + w.close)
		}
		b.WriteString("\n")
	}
	if anyOptional {
		b.WriteString(w.optionalNote + "\n")
	}
	if len(n.Recipients) > 0 {
		fmt.Fprintf(&b, "\n■ %s\n", w.recipients)
		for _, r := range n.Recipients {
			var ps []string
			for _, p := range r.Purposes {
				for _, np := range n.Purposes {
					if np.Purpose == p {
						ps = append(ps, w.pick(np.Text))
					}
				}
			}
			var fs []string
			for _, f := range r.Fields {
				fs = append(fs, w.pick(n.label(f)))
			}
			fmt.Fprintf(&b, "%s%s%s%s%s\n", w.pick(r.Name), colon, strings.Join(fs, w.listSep), " — ", strings.Join(ps, w.listSep))
		}
	}
	fmt.Fprintf(&b, "\n■ %s\n", w.retention)
	for _, r := range n.Retention {
		fmt.Fprintf(&b, "%s\n", w.pick(r.Text))
	}
	fmt.Fprintf(&b, "\n■ %s\n%s\n\n", w.contact, w.pick(n.Contact))
	fmt.Fprintf(&b, "%s%s%s\n", w.version, colon, n.Version)
	return b.String()
}

// label finds a field's label among the notice's purposes.
func (n *Notice) label(f applicant.Field) Text {
	for _, p := range n.Purposes {
		for _, nf := range p.Fields {
			if nf.Field == f {
				return nf.Label
			}
		}
	}
	return Text{string(f), string(f)}
}
