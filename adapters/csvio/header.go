package csvio

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kuji-go/kuji/applicant"
	"golang.org/x/text/unicode/norm"
)

// maxIndex is the largest companion or preference number a heading may
// carry; a larger one is an unknown column.
const maxIndex = 99

// headingKey is what headings are matched on: NFKC (full-width digits and
// letters folded), white space dropped, lower case. "同行者１ 氏名" and
// "同行者1氏名", "Companion 1 Name" and "companion1name" match.
func headingKey(s string) string {
	s = norm.NFKC.String(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	return strings.ToLower(s)
}

// columnKind is what a file's column holds.
type columnKind int

const (
	kindField   columnKind = iota // a field of the form
	kindIgnored                   // a heading the caller asked to ignore
	kindUnnamed                   // an empty heading: values are refused
)

// mapped is one column of the file.
type mapped struct {
	kind columnKind
	col  Column
}

// headingIndex holds every heading the import accepts for a schema.
type headingIndex struct {
	// exact maps a heading to its column: fields that are not repeated,
	// and the caller's aliases.
	exact map[string]Column
	// numbered maps a repeated field's heading, its number replaced by
	// "#" ("第#希望", "同行者#氏名", "companion.name.#"), to its field.
	numbered map[string]applicant.Field
}

// templateIndex is the number headings are generated with, to be replaced
// by "#" in the templates.
const templateIndex = 7777

// headings returns every heading the import accepts for schema s: for each
// field its Japanese label, English label and key (companions also as
// 同伴者), numbered for repeated fields, then the caller's aliases.
// Catalogue fields the event does not collect are included, so that a
// column for one is reported as such rather than as unknown; contact-card
// fields are not (their labels are those of the application's fields).
func headings(s *applicant.Schema, aliases map[string]Column) headingIndex {
	hi := headingIndex{exact: map[string]Column{}, numbered: map[string]applicant.Field{}}
	add := func(c Column, info applicant.FieldInfo) {
		ja, en, key := c.names(info)
		names := []string{ja, en, key}
		if isCompanionField(c.Field) {
			names = append(names, strings.Replace(ja, "同行者", "同伴者", 1))
		}
		for _, h := range names {
			k := headingKey(h)
			if c.Index == 0 {
				hi.exact[k] = c
				continue
			}
			hi.numbered[strings.Replace(k, strconv.Itoa(templateIndex), "#", 1)] = c.Field
		}
	}
	for _, fi := range applicant.Catalogue() {
		if fi.OnCard {
			continue
		}
		c := Column{Field: fi.Field}
		if repeatedField(fi.Field) {
			c.Index = templateIndex
		}
		add(c, fi)
	}
	for _, fi := range s.Custom {
		add(Column{Field: fi.Field}, fi)
	}
	for h, c := range aliases {
		hi.exact[headingKey(h)] = c
	}
	return hi
}

// lookup returns the column heading key k names. A numbered heading's
// number is its first run of digits; a number over maxIndex gives a column
// that mapHeader refuses.
func (hi headingIndex) lookup(k string) (Column, bool) {
	if c, ok := hi.exact[k]; ok {
		return c, true
	}
	i := strings.IndexAny(k, "0123456789")
	if i < 0 {
		return Column{}, false
	}
	j := i
	for j < len(k) && k[j] >= '0' && k[j] <= '9' {
		j++
	}
	n, err := strconv.Atoi(k[i:j])
	if err != nil || n < 1 || j-i > 9 {
		n = maxIndex + 1
	}
	f, ok := hi.numbered[k[:i]+"#"+k[j:]]
	return Column{Field: f, Index: n}, ok
}

// header is a file's header row mapped to the schema.
type header struct {
	cols   []mapped
	index  map[Column]int // 0-based position of each field column
	prefs  int            // preference columns (highest rank)
	groups int            // companion column groups (highest number)
	custom bool           // some column holds an event's own field
}

// mapHeader maps the header row's cells to columns and checks them
// against the schema: unknown, duplicate, derived and uncollected
// columns, numbers beyond the event's limits, missing required columns
// and gaps in numbered columns are all reported at once. A heading that did
// not decode stops the mapping: the file is in another encoding.
func mapHeader(s *applicant.Schema, row int, cells []string, o *ImportOptions) (*header, Errors) {
	names := headings(s, o.Aliases)
	ignore := make(map[string]bool, len(o.Ignore))
	for _, h := range o.Ignore {
		ignore[headingKey(h)] = true
	}
	rules := map[applicant.Field]applicant.FieldRule{}
	for _, r := range s.Fields {
		rules[r.Field] = r
	}
	collected := func(f applicant.Field) bool {
		_, ok := rules[f]
		return ok
	}
	h := &header{cols: make([]mapped, len(cells)), index: map[Column]int{}}
	var errs Errors
	fail := func(col int, c Column, r Reason) {
		e := &Error{Row: row, Column: col, Field: c.Field, Index: c.Index, Reason: r}
		if info, ok := fieldInfo(s, c.Field); ok {
			e.labelJA, e.labelEN, _ = c.names(info)
		}
		errs = append(errs, e)
	}
	for i, cell := range cells {
		if !decoded(cell, o.Encoding) {
			return nil, Errors{{Row: row, Column: i + 1, Reason: ReasonEncoding}}
		}
		k := headingKey(cell)
		if k == "" {
			h.cols[i] = mapped{kind: kindUnnamed}
			continue
		}
		if ignore[k] {
			h.cols[i] = mapped{kind: kindIgnored}
			continue
		}
		c, ok := names.lookup(k)
		info, known := fieldInfo(s, c.Field)
		switch {
		case !ok || !known || info.OnCard || repeatedField(c.Field) != (c.Index > 0) || c.Index > maxIndex || c.Index < 0:
			fail(i+1, Column{}, ReasonUnknownColumn)
			continue
		case info.Derived:
			fail(i+1, c, ReasonDerived)
			continue
		case !collected(c.Field):
			fail(i+1, c, ReasonNotCollected)
			continue
		case c.Index > limit(s, c.Field):
			fail(i+1, c, ReasonColumnRange)
			continue
		}
		if _, dup := h.index[c]; dup {
			fail(i+1, c, ReasonDuplicateColumn)
			continue
		}
		h.cols[i] = mapped{kind: kindField, col: c}
		h.index[c] = i
		switch {
		case c.Field == applicant.FieldPreferences:
			h.prefs = max(h.prefs, c.Index)
		case isCompanionField(c.Field):
			h.groups = max(h.groups, c.Index)
		case strings.HasPrefix(string(c.Field), "x."):
			h.custom = true
		}
	}
	// Required columns, and no gaps in numbered ones.
	missing := func(c Column) {
		if _, ok := h.index[c]; !ok {
			fail(0, c, ReasonMissingColumn)
		}
	}
	for _, r := range s.Fields {
		info, _ := fieldInfo(s, r.Field)
		if info.OnCard || info.Derived || !postcard(s, r) {
			continue
		}
		switch {
		case r.Field == applicant.FieldPreferences:
			n := h.prefs
			if r.Required {
				n = max(n, 1)
			}
			for i := 1; i <= n; i++ {
				missing(Column{Field: r.Field, Index: i})
			}
		case isCompanionField(r.Field):
			for i := 1; i <= h.groups; i++ {
				if r.Required || r.Field == applicant.FieldCompanionName {
					missing(Column{Field: r.Field, Index: i})
				}
			}
		case r.Required:
			missing(Column{Field: r.Field})
		}
	}
	for _, fi := range s.Custom {
		if r, ok := rules[fi.Field]; ok && r.Required && postcard(s, r) {
			missing(Column{Field: fi.Field})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return h, nil
}

// postcard reports whether rule r's field is collected on postcards.
func postcard(s *applicant.Schema, r applicant.FieldRule) bool {
	if !slices.Contains(s.Channels, applicant.ChannelPostcard) {
		return false
	}
	return len(r.Channels) == 0 || slices.Contains(r.Channels, applicant.ChannelPostcard)
}

// limit returns how many columns repeated field f may have in an import
// of schema s: the preference limit, or the companions a group may hold.
func limit(s *applicant.Schema, f applicant.Field) int {
	switch {
	case f == applicant.FieldPreferences:
		return s.MaxPreferences
	case isCompanionField(f) && s.Eligibility.MaxGroupSize > 0:
		return s.Eligibility.MaxGroupSize - 1
	case isCompanionField(f):
		return maxIndex
	}
	return 0
}

// decoded reports whether a cell decoded cleanly: valid UTF-8, and for
// CP932 no U+FFFD (the decoder's mark for bytes that are not CP932 or are
// user-defined characters, which CP932 text cannot otherwise contain).
func decoded(s string, enc Encoding) bool {
	if enc == CP932 {
		return !strings.ContainsRune(s, utf8.RuneError)
	}
	return utf8.ValidString(s)
}
