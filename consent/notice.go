package consent

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/kuji-go/kuji/applicant"
)

// Text is a text in Japanese and English.
type Text struct {
	Japanese string `json:"ja"`
	English  string `json:"en"`
}

func (t Text) empty() bool {
	return strings.TrimSpace(t.Japanese) == "" || strings.TrimSpace(t.English) == ""
}

// canonical returns t NFC-normalised and trimmed: spellings that render
// alike are one text.
func (t Text) canonical() Text {
	return Text{Japanese: strings.TrimSpace(norm.NFC.String(t.Japanese)), English: strings.TrimSpace(norm.NFC.String(t.English))}
}

// Details are what a notice says beyond the schema: who is responsible,
// who else receives data, how long each class is kept and whom to ask.
type Details struct {
	// Title is the event's name.
	Title Text
	// Controller is the ward (the section responsible, 保有課).
	Controller Text
	// Processor is the contractor handling the data for the ward (委託先).
	Processor Text
	// Recipients are third parties that receive data, e.g. the insurer.
	Recipients []Recipient
	// Retention says, per data class, how long data is kept and how it is
	// erased. Every class the schema uses needs one.
	Retention []Retention
	// Contact is where to ask about the handling of personal data.
	Contact Text
}

// Recipient is a third party that receives some fields for some purposes.
type Recipient struct {
	Name     Text                `json:"name"`
	Purposes []applicant.Purpose `json:"purposes"`
	Fields   []applicant.Field   `json:"fields"`
}

// Retention is the retention text of one data class.
type Retention struct {
	Class applicant.DataClass `json:"class"`
	Text  Text                `json:"text"`
}

// Version identifies a notice's content: "sha256:" and the hex SHA-256 of
// its canonical encoding.
type Version string

// Notice is a purpose notice (利用目的の明示): generated from an event's schema
// and [Details], shown to every person before they give data, as text
// ([Notice.Text]) or as structured data (its JSON encoding). Its Version
// changes whenever a purpose, a field, a retention text or a recipient
// changes, and not when the same content is listed in another order.
type Notice struct {
	Event      string          `json:"event"`
	Title      Text            `json:"title"`
	Controller Text            `json:"controller"`
	Processor  Text            `json:"processor"`
	Purposes   []NoticePurpose `json:"purposes"`
	Recipients []Recipient     `json:"recipients,omitempty"`
	Retention  []Retention     `json:"retention"`
	Contact    Text            `json:"contact"`
	Version    Version         `json:"version"`
}

// NoticePurpose is one purpose and the fields it uses.
type NoticePurpose struct {
	Purpose applicant.Purpose `json:"purpose"`
	Text    Text              `json:"text"`
	Fields  []NoticeField     `json:"fields"`
}

// NoticeField is one field as a notice describes it.
type NoticeField struct {
	Field    applicant.Field        `json:"field"`
	Label    Text                   `json:"label"`
	Category applicant.DataCategory `json:"category"`
	Class    applicant.DataClass    `json:"class"`
	Required bool                   `json:"required"`
	// Derived fields are recorded by the event, not asked (group size,
	// lottery result).
	Derived bool `json:"derived,omitempty"`
	// Channels limits the channels the field is collected on; contact
	// card fields are collected on walk-in cards only.
	Channels []applicant.Channel `json:"channels,omitempty"`
	// Sensitive fields are in a forbidden category and collected with the
	// ward's approval.
	Sensitive bool `json:"sensitive,omitempty"`
}

// New generates the notice of an event from its schema and details. It
// refuses details that do not fit the schema: a recipient for an
// undeclared purpose or of a field its purposes do not use, a data class
// without retention text, an empty text.
func New(s *applicant.Schema, d Details) (*Notice, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	var errs Errors
	need := func(part string, t Text) {
		if t.empty() {
			errs = append(errs, &Error{Part: part, Reason: ReasonMissingText})
		}
	}
	need("title", d.Title)
	need("controller", d.Controller)
	need("processor", d.Processor)
	need("contact", d.Contact)

	infos := map[applicant.Field]applicant.FieldInfo{}
	for _, fi := range applicant.Catalogue() {
		infos[fi.Field] = fi
	}
	for _, fi := range s.Custom {
		infos[fi.Field] = fi
	}
	n := &Notice{
		Event: s.Event, Title: d.Title.canonical(), Controller: d.Controller.canonical(),
		Processor: d.Processor.canonical(), Contact: d.Contact.canonical(),
	}
	uses := map[applicant.Purpose][]applicant.Field{}
	classes := map[applicant.DataClass]bool{}
	for _, ps := range s.Purposes {
		np := NoticePurpose{Purpose: ps.Purpose, Text: Text{ps.Japanese, ps.English}.canonical()}
		for _, r := range s.Fields {
			if !slices.Contains(r.Purposes, ps.Purpose) {
				continue
			}
			fi := infos[r.Field]
			nf := NoticeField{
				Field: r.Field, Label: Text{fi.Japanese, fi.English}.canonical(), Category: fi.Category,
				Class: r.Class, Required: r.Required && !fi.Derived, Derived: fi.Derived,
				Channels: slices.Clone(r.Channels), Sensitive: fi.Category.Forbidden(),
			}
			if fi.OnCard {
				nf.Channels = []applicant.Channel{applicant.ChannelWalkIn}
			}
			np.Fields = append(np.Fields, nf)
			uses[ps.Purpose] = append(uses[ps.Purpose], r.Field)
			classes[r.Class] = true
		}
		n.Purposes = append(n.Purposes, np)
	}
	for i, r := range d.Recipients {
		part := fmt.Sprintf("recipient:%d", i+1)
		need(part, r.Name)
		if len(r.Purposes) == 0 || len(r.Fields) == 0 {
			errs = append(errs, &Error{Part: part, Reason: ReasonRecipientPurpose})
			continue
		}
		for _, p := range r.Purposes {
			if _, ok := uses[p]; !ok {
				errs = append(errs, &Error{Part: part, Reason: ReasonRecipientPurpose})
			}
		}
		for _, f := range r.Fields {
			if !slices.ContainsFunc(r.Purposes, func(p applicant.Purpose) bool { return slices.Contains(uses[p], f) }) {
				errs = append(errs, &Error{Part: part, Reason: ReasonRecipientField})
				break
			}
		}
		n.Recipients = append(n.Recipients, Recipient{Name: r.Name.canonical(), Purposes: slices.Clone(r.Purposes), Fields: slices.Clone(r.Fields)})
	}
	seen := map[applicant.DataClass]bool{}
	for _, rt := range d.Retention {
		part := "retention:" + string(rt.Class)
		if !classes[rt.Class] || seen[rt.Class] {
			errs = append(errs, &Error{Part: part, Reason: ReasonRetentionUnknown})
			continue
		}
		seen[rt.Class] = true
		need(part, rt.Text)
		n.Retention = append(n.Retention, Retention{Class: rt.Class, Text: rt.Text.canonical()})
	}
	for _, r := range s.Fields {
		if !seen[r.Class] {
			seen[r.Class] = true
			errs = append(errs, &Error{Part: "retention:" + string(r.Class), Reason: ReasonRetentionMissing})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	n.Version = n.Digest()
	return n, nil
}

// canonicalNotice is what a notice's version is computed over: its content
// with every list sorted, so that the order things were listed in does not
// matter, and every text NFC-normalised and trimmed.
type canonicalNotice struct {
	Tag        string          `json:"tag"`
	Event      string          `json:"event"`
	Title      Text            `json:"title"`
	Controller Text            `json:"controller"`
	Processor  Text            `json:"processor"`
	Purposes   []NoticePurpose `json:"purposes"`
	Recipients []Recipient     `json:"recipients"`
	Retention  []Retention     `json:"retention"`
	Contact    Text            `json:"contact"`
}

// Digest computes the version of the notice's content. A notice read back
// from storage is genuine if its Digest equals its Version (see
// [ParseNotice]).
func (n *Notice) Digest() Version {
	c := canonicalNotice{
		Tag: "kuji-notice/1", Event: n.Event, Title: n.Title.canonical(), Controller: n.Controller.canonical(),
		Processor: n.Processor.canonical(), Contact: n.Contact.canonical(),
		Purposes: []NoticePurpose{}, Recipients: []Recipient{}, Retention: []Retention{},
	}
	for _, p := range n.Purposes {
		cp := NoticePurpose{Purpose: p.Purpose, Text: p.Text.canonical(), Fields: []NoticeField{}}
		for _, f := range p.Fields {
			f.Label = f.Label.canonical()
			f.Channels = sorted(f.Channels)
			cp.Fields = append(cp.Fields, f)
		}
		slices.SortFunc(cp.Fields, func(a, b NoticeField) int { return strings.Compare(string(a.Field), string(b.Field)) })
		c.Purposes = append(c.Purposes, cp)
	}
	slices.SortFunc(c.Purposes, func(a, b NoticePurpose) int { return strings.Compare(string(a.Purpose), string(b.Purpose)) })
	for _, r := range n.Recipients {
		c.Recipients = append(c.Recipients, Recipient{Name: r.Name.canonical(), Purposes: sorted(r.Purposes), Fields: sorted(r.Fields)})
	}
	slices.SortFunc(c.Recipients, func(a, b Recipient) int {
		return strings.Compare(a.Name.Japanese+"\x00"+a.Name.English, b.Name.Japanese+"\x00"+b.Name.English)
	})
	for _, r := range n.Retention {
		c.Retention = append(c.Retention, Retention{Class: r.Class, Text: r.Text.canonical()})
	}
	slices.SortFunc(c.Retention, func(a, b Retention) int { return strings.Compare(string(a.Class), string(b.Class)) })
	b, err := json.Marshal(c)
	if err != nil {
		panic("kuji/consent: encoding a notice: " + err.Error()) // only strings, bools and slices
	}
	sum := sha256.Sum256(b)
	return Version("sha256:" + hex.EncodeToString(sum[:]))
}

func sorted[T ~string](in []T) []T {
	out := slices.Clone(in)
	if out == nil {
		out = []T{}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ParseNotice decodes a notice's JSON encoding and checks that its version
// is the digest of its content ([ErrVersion] otherwise).
func ParseNotice(b []byte) (*Notice, error) {
	var n Notice
	if err := strictDecode(b, &n); err != nil {
		return nil, &Error{Part: "notice", Reason: ReasonEncoding}
	}
	if n.Version != n.Digest() {
		return nil, ErrVersion
	}
	return &n, nil
}
