package smtp

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"
	"text/template"
	"time"

	"github.com/kuji-go/kuji/adapters"
)

// Content is everything a result message says: non-personal facts only.
// It has no field for the person's name or address, because the message
// needs neither, so a template cannot leak another applicant's data.
type Content struct {
	// Kind is the result: which template is used.
	Kind Kind
	// Event is the event's name.
	Event string
	// Receipt is the application's receipt number.
	Receipt string
	// Slots are the labels of the slots concerned (won, waitlisted or to
	// confirm), e.g. "8月1日（日）18:00〜21:00". Required except for
	// KindLost.
	Slots []string
	// Deadline is the time by which a win must be confirmed; it is printed
	// in Japan Standard Time. Required for KindDeadline, optional for
	// KindWon and KindPromoted (no confirmation paragraph when zero).
	Deadline time.Time
	// Contact is the office's contact: name, phone, hours; it may span
	// several lines.
	Contact string
}

// Validate checks the content and returns [FieldErrors] listing every
// refused field, or nil.
func (c Content) Validate() error {
	var errs FieldErrors
	add := func(field string, r Reason) { errs = append(errs, &FieldError{Field: field, Reason: r}) }
	known := false
	for _, k := range Kinds() {
		known = known || c.Kind == k
	}
	if !known {
		add("Kind", ReasonUnknownKind)
	}
	line := func(field, v string) {
		switch {
		case strings.TrimSpace(v) == "":
			add(field, ReasonMissing)
		case hasControl(v, false):
			add(field, ReasonControlCharacter)
		}
	}
	line("Event", c.Event)
	line("Receipt", c.Receipt)
	switch {
	case strings.TrimSpace(c.Contact) == "":
		add("Contact", ReasonMissing)
	case hasControl(c.Contact, true):
		add("Contact", ReasonControlCharacter)
	}
	if len(c.Slots) == 0 && known && c.Kind != KindLost {
		add("Slots", ReasonMissing)
	}
	for i, s := range c.Slots {
		line(fmt.Sprintf("Slots[%d]", i), s)
	}
	if c.Kind == KindDeadline && c.Deadline.IsZero() {
		add("Deadline", ReasonMissing)
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// jst is Japan Standard Time. Japan has no daylight saving time, so a fixed
// zone is exact and needs no time zone database.
var jst = time.FixedZone("JST", 9*60*60)

var jaWeekdays = [...]string{"日", "月", "火", "水", "木", "金", "土"}

func jaTime(t time.Time) string {
	t = t.In(jst)
	return fmt.Sprintf("%d年%d月%d日（%s）%02d:%02d", t.Year(), t.Month(), t.Day(), jaWeekdays[t.Weekday()], t.Hour(), t.Minute())
}

func enTime(t time.Time) string {
	return t.In(jst).Format("15:04 JST, Monday 2 January 2006")
}

// Templates renders result messages in Japanese and English with
// text/template. A Templates is safe for concurrent use.
type Templates struct {
	byLang map[Lang]*template.Template
}

//go:embed templates/*.tmpl
var builtin embed.FS

var defaultTemplates = func() *Templates {
	sub, err := fs.Sub(builtin, "templates")
	if err != nil {
		panic(err)
	}
	t, err := ParseTemplates(sub)
	if err != nil {
		panic(err) // the embedded templates are tested
	}
	return t
}()

// DefaultTemplates returns the built-in templates (templates/ja.tmpl and
// templates/en.tmpl in this package's source).
func DefaultTemplates() *Templates { return defaultTemplates }

// ParseTemplates reads ja.tmpl and en.tmpl from fsys. Each must define,
// for every kind k of [Kinds], a template "k.subject" (one line) and
// "k.body", over [Content]; the function jst formats a time in Japan
// Standard Time in the file's language. A missing definition is an error.
func ParseTemplates(fsys fs.FS) (*Templates, error) {
	t := &Templates{byLang: map[Lang]*template.Template{}}
	for lang, format := range map[Lang]func(time.Time) string{LangJa: jaTime, LangEn: enTime} {
		name := string(lang) + ".tmpl"
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("kuji/smtp: templates: %w", err)
		}
		tm, err := template.New(name).Option("missingkey=error").
			Funcs(template.FuncMap{"jst": format}).Parse(string(src))
		if err != nil {
			return nil, fmt.Errorf("kuji/smtp: templates: %w", err)
		}
		for _, k := range Kinds() {
			for _, part := range []string{".subject", ".body"} {
				if tm.Lookup(string(k)+part) == nil {
					return nil, fmt.Errorf("kuji/smtp: templates: %s defines no %q", name, string(k)+part)
				}
			}
		}
		t.byLang[lang] = tm
	}
	return t, nil
}

// Render validates the content and renders the subject and body of its
// kind in the language with the built-in templates.
func Render(lang Lang, c Content) (subject, body string, err error) {
	return defaultTemplates.Render(lang, c)
}

// Render validates the content and renders the subject and body of its
// kind in the language. Errors are [FieldErrors] (Lang, Kind, Event, …).
func (t *Templates) Render(lang Lang, c Content) (subject, body string, err error) {
	var errs FieldErrors
	tm, ok := t.byLang[lang]
	if !ok {
		errs = append(errs, &FieldError{Field: "Lang", Reason: ReasonUnknownLanguage})
	}
	if err := c.Validate(); err != nil {
		errs = append(errs, err.(FieldErrors)...)
	}
	if len(errs) > 0 {
		return "", "", errs
	}
	var b strings.Builder
	if err := tm.ExecuteTemplate(&b, string(c.Kind)+".subject", c); err != nil {
		return "", "", fmt.Errorf("kuji/smtp: template %s.subject: %w", c.Kind, err)
	}
	subject = strings.TrimSpace(b.String())
	b.Reset()
	if err := tm.ExecuteTemplate(&b, string(c.Kind)+".body", c); err != nil {
		return "", "", fmt.Errorf("kuji/smtp: template %s.body: %w", c.Kind, err)
	}
	return subject, strings.TrimSpace(b.String()) + "\n", nil
}

// Compose renders the content for the outbox message m and returns the
// notification to the address, validated: the Office's Render callback for
// the [Dispatcher] is typically "unseal the address for the notification
// purpose, build the Content, Compose". An empty c.Kind is taken from
// m.Kind.
func (t *Templates) Compose(m adapters.Message, lang Lang, to string, c Content) (Notification, error) {
	if c.Kind == "" {
		c.Kind = Kind(m.Kind)
	}
	subject, body, err := t.Render(lang, c)
	if err != nil {
		return Notification{}, err
	}
	n := Notification{Key: m.Key, Kind: c.Kind, Lang: lang, To: to, Subject: subject, Body: body}
	if err := n.Validate(); err != nil {
		return Notification{}, err
	}
	return n, nil
}
