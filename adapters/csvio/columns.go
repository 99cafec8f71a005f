package csvio

import (
	"slices"
	"strconv"
	"strings"

	"github.com/kuji-go/kuji/applicant"
)

// Column is one column of a file: a field and, for a repeated field
// (preferences and the companions' fields), the 1-based rank or companion
// number it holds.
type Column struct {
	Field applicant.Field
	Index int
}

// HeaderStyle chooses how header cells name columns.
type HeaderStyle int

// The header styles. Every style is accepted back by [Import].
const (
	// HeaderJapanese names columns by their Japanese labels: 氏名, 第1希望,
	// 同行者1氏名, 同行者1年齢, ...
	HeaderJapanese HeaderStyle = iota
	// HeaderEnglish names columns by their English labels: name,
	// preference 1, companion 1 name, companion 1 age, ...
	HeaderEnglish
	// HeaderKeys names columns by field keys: name, preferences.1,
	// companion.name.1, companion.age.1, ...
	HeaderKeys
)

// fieldOrder is the catalogue's order of the fields an application holds
// (applicant.Catalogue returns them sorted by key, which no ward reads).
// The event's own fields ([applicant.Schema.Custom]) follow the
// representative's, after email. A test checks that every catalogue field
// not on a contact card is listed.
var fieldOrder = [...]applicant.Field{
	applicant.FieldName,
	applicant.FieldNameKana,
	applicant.FieldAddress,
	applicant.FieldPostalCode,
	applicant.FieldAge,
	applicant.FieldBirthDate,
	applicant.FieldSex,
	applicant.FieldPhone,
	applicant.FieldEmail,
	customMarker, // the event's own fields, in the schema's order
	applicant.FieldParticipantCategory,
	applicant.FieldCourse,
	applicant.FieldPreferences,
	applicant.FieldGroupSize,
	applicant.FieldCompanionName,
	applicant.FieldCompanionNameKana,
	applicant.FieldCompanionAge,
	applicant.FieldCompanionInfant,
	applicant.FieldLotteryResult,
}

// companionFields are the companion's fields in column-group order.
var companionFields = [...]applicant.Field{
	applicant.FieldCompanionName,
	applicant.FieldCompanionNameKana,
	applicant.FieldCompanionAge,
	applicant.FieldCompanionInfant,
}

// defaultCompanionGroups is how many companion column groups an export
// has when the event sets no group size limit.
const defaultCompanionGroups = 9

func isCompanionField(f applicant.Field) bool {
	return slices.Contains(companionFields[:], f)
}

func repeatedField(f applicant.Field) bool {
	return f == applicant.FieldPreferences || isCompanionField(f)
}

// fieldInfo returns the catalogue entry of f, or the event's own field.
func fieldInfo(s *applicant.Schema, f applicant.Field) (applicant.FieldInfo, bool) {
	if fi, ok := applicant.Lookup(f); ok {
		return fi, true
	}
	if s != nil {
		for _, fi := range s.Custom {
			if fi.Field == f {
				return fi, true
			}
		}
	}
	return applicant.FieldInfo{}, false
}

// names returns the column's Japanese label, English label and key. info
// is the field's entry when the caller has it (an event's own field);
// otherwise the catalogue is consulted.
func (c Column) names(info applicant.FieldInfo) (ja, en, key string) {
	if info.Field == "" {
		info, _ = applicant.Lookup(c.Field)
	}
	ja, en, key = info.Japanese, info.English, string(c.Field)
	if ja == "" {
		ja, en = string(c.Field), string(c.Field)
	}
	if c.Index == 0 {
		return ja, en, key
	}
	n := strconv.Itoa(c.Index)
	key += "." + n
	switch {
	case c.Field == applicant.FieldPreferences:
		return "第" + n + "希望", "preference " + n, key
	case isCompanionField(c.Field):
		return "同行者" + n + strings.TrimPrefix(ja, "同行者"),
			"companion " + n + " " + strings.TrimPrefix(en, "companion's "), key
	}
	return ja + n, en + " " + n, key
}

// header returns the column's header cell in style h.
func (c Column) header(info applicant.FieldInfo, h HeaderStyle) string {
	ja, en, key := c.names(info)
	switch h {
	case HeaderEnglish:
		return en
	case HeaderKeys:
		return key
	}
	return ja
}

// repeats returns how many columns repeated field f gets in an export of
// schema s: the event's preference limit, or one group per companion a
// group may hold.
func repeats(s *applicant.Schema, f applicant.Field) int {
	if f == applicant.FieldPreferences {
		return max(s.MaxPreferences, 1)
	}
	if s.Eligibility.MaxGroupSize > 1 {
		return s.Eligibility.MaxGroupSize - 1
	}
	if s.Eligibility.MaxGroupSize == 1 {
		return 0
	}
	return defaultCompanionGroups
}

// customMarker stands in fieldOrder for the event's own fields.
const customMarker applicant.Field = "x."

// layout returns the columns of an export of the given fields, in
// catalogue order, repeated fields expanded: preferences rank by rank,
// companions group by group (同行者1氏名, 同行者1年齢, 同行者2氏名, ...).
// Contact-card fields are left out.
func layout(s *applicant.Schema, fields []applicant.Field) []Column {
	has := make(map[applicant.Field]bool, len(fields))
	for _, f := range fields {
		has[f] = true
	}
	var cols []Column
	companions := false
	for _, f := range fieldOrder {
		switch {
		case f == customMarker:
			for _, fi := range s.Custom {
				if has[fi.Field] {
					cols = append(cols, Column{Field: fi.Field})
				}
			}
		case !has[f]:
		case f == applicant.FieldPreferences:
			for i := 1; i <= repeats(s, f); i++ {
				cols = append(cols, Column{Field: f, Index: i})
			}
		case isCompanionField(f):
			if companions {
				continue
			}
			companions = true
			for i := 1; i <= repeats(s, f); i++ {
				for _, cf := range companionFields {
					if has[cf] {
						cols = append(cols, Column{Field: cf, Index: i})
					}
				}
			}
		default:
			cols = append(cols, Column{Field: f})
		}
	}
	return cols
}
