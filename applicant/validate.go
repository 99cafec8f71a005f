package applicant

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Form is an application as typed in: every value a raw string, exactly as
// the web form posted it or the postcard was typed into a CSV row.
// [Schema.Validate] turns it into an [Application]. Formatting a Form
// prints no value.
type Form struct {
	Category       string
	Course         string
	Preferences    []string // most wanted first; empty entries are skipped
	Representative PersonForm
	// Companions are the companions in order; an entry with every value
	// empty is skipped (a postcard's unused companion columns).
	Companions []CompanionForm
	// Extra holds the event's own fields ([Schema.Custom]).
	Extra map[Field]string
}

// PersonForm is the representative as typed in.
type PersonForm struct {
	Name, NameKana, Address, PostalCode, Age, BirthDate, Sex, Phone, Email string
}

// CompanionForm is one companion as typed in. Infant is a yes/no answer
// ("1", "はい", "○", "乳幼児", ... or "", "0", "いいえ", ...).
type CompanionForm struct {
	Name, NameKana, Age, Infant string
}

func (c CompanionForm) empty() bool {
	return strings.TrimSpace(c.Name+c.NameKana+c.Age+c.Infant) == ""
}

// Text limits, in characters of the display form.
const (
	maxNameLen    = 100
	maxAddressLen = 200
	maxExtraLen   = 200
)

// Validate checks a form received on channel ch against the schema and
// returns the normalised [Application], or [Errors] listing every problem:
// each names the field (and companion) and a reason, never the value.
// The web form and the CSV importer of typed-in postcards both call it.
//
// A field the event does not collect on ch must be empty (email on a
// postcard is refused, not dropped). The application's ID and receipt
// number are left zero: the caller sets them ([NewID], the store's
// sequence and [ReceiptFormat.Format]).
func (s *Schema) Validate(ch Channel, f Form) (*Application, error) {
	c, err := s.compile()
	if err != nil {
		return nil, err
	}
	if !c.channels[ch] {
		return nil, Errors{newError("", 0, ReasonChannel)}
	}
	v := validator{c: c, ch: ch, bad: map[Field]bool{}}
	a := &Application{Summary: Summary{EventID: s.Event, Channel: ch}}
	p := &a.Representative
	rep := f.Representative
	if d, ok := v.field(FieldName, 0, rep.Name); ok {
		p.Name = v.name(FieldName, 0, d)
	}
	if d, ok := v.field(FieldNameKana, 0, rep.NameKana); ok {
		p.NameKana = v.kana(FieldNameKana, 0, d)
	}
	if d, ok := v.field(FieldAddress, 0, rep.Address); ok {
		p.Address = v.length(FieldAddress, 0, d, maxAddressLen)
	}
	if _, ok := v.field(FieldPostalCode, 0, rep.PostalCode); ok {
		p.PostalCode = v.parsed(FieldPostalCode, 0, rep.PostalCode, parsePostalCode)
	}
	if _, ok := v.field(FieldAge, 0, rep.Age); ok {
		if n, r := parseAge(rep.Age); r != "" {
			v.fail(FieldAge, 0, r)
		} else {
			p.Age = &n
		}
	}
	if _, ok := v.field(FieldBirthDate, 0, rep.BirthDate); ok {
		if d, r := parseBirthDate(rep.BirthDate, c.ageOn); r != "" {
			v.fail(FieldBirthDate, 0, r)
		} else {
			p.BirthDate = d
		}
	}
	if _, ok := v.field(FieldSex, 0, rep.Sex); ok {
		if sx, ok := parseSex(rep.Sex); ok {
			p.Sex = sx
		} else {
			v.fail(FieldSex, 0, ReasonUnknownOption)
		}
	}
	if _, ok := v.field(FieldPhone, 0, rep.Phone); ok {
		p.Phone = v.parsed(FieldPhone, 0, rep.Phone, parsePhone)
	}
	if _, ok := v.field(FieldEmail, 0, rep.Email); ok {
		p.Email = v.parsed(FieldEmail, 0, rep.Email, parseEmail)
	}
	if _, ok := v.field(FieldParticipantCategory, 0, f.Category); ok {
		if cat, ok := parseCategory(f.Category); ok {
			a.Category = cat
		} else {
			v.fail(FieldParticipantCategory, 0, ReasonUnknownOption)
		}
	}
	if _, ok := v.field(FieldCourse, 0, f.Course); ok {
		if course, ok := matchOption(s.Courses, f.Course); ok {
			a.Course = course
		} else {
			v.fail(FieldCourse, 0, ReasonUnknownOption)
		}
	}
	a.Preferences = v.preferences(f.Preferences)
	a.Companions = v.companions(f.Companions)
	p.Extra = v.extra(f.Extra)
	a.GroupSize = a.Size()
	v.errs = append(v.errs, c.duplicatePersons(a)...)
	v.errs = append(v.errs, c.eligibility(a, v.bad)...)
	if len(v.errs) > 0 {
		return nil, v.errs
	}
	return a, nil
}

type validator struct {
	c    *compiled
	ch   Channel
	errs Errors
	bad  map[Field]bool
}

func (v *validator) fail(f Field, companion int, r Reason) {
	v.errs = append(v.errs, v.c.errFor(f, companion, r))
	v.bad[f] = true
}

// field returns the display form of raw and whether the field is to be
// parsed: it reports a value for a field not collected on the channel, and
// a required field left empty.
func (v *validator) field(f Field, companion int, raw string) (string, bool) {
	d, bad := display(raw)
	if !v.c.collectedOn(f, v.ch) {
		if d != "" || bad != "" {
			v.fail(f, companion, ReasonNotCollected)
		}
		return "", false
	}
	if bad != "" {
		v.fail(f, companion, bad)
		return "", false
	}
	if d == "" {
		if v.c.rules[f].Required {
			v.fail(f, companion, ReasonRequired)
		}
		return "", false
	}
	return d, true
}

func (v *validator) length(f Field, companion int, d string, limit int) string {
	if utf8.RuneCountInString(d) > limit {
		v.fail(f, companion, ReasonTooLong)
		return ""
	}
	return d
}

func (v *validator) name(f Field, companion int, d string) string {
	if d = v.length(f, companion, d, maxNameLen); d == "" {
		return ""
	}
	if !checkName(d) || nameKey(d) == "" {
		v.fail(f, companion, ReasonInvalidCharacters)
		return ""
	}
	return d
}

func (v *validator) kana(f Field, companion int, d string) string {
	if d = v.length(f, companion, d, maxNameLen); d == "" {
		return ""
	}
	if !checkKana(d) || kanaKey(d) == "" {
		v.fail(f, companion, ReasonKanaOnly)
		return ""
	}
	return d
}

func (v *validator) parsed(f Field, companion int, raw string, parse func(string) (string, string, Reason)) string {
	d, _, r := parse(raw)
	if r != "" {
		v.fail(f, companion, r)
		return ""
	}
	return d
}

func (v *validator) preferences(raw []string) []string {
	var given []string
	for _, p := range raw {
		if strings.TrimSpace(p) != "" {
			given = append(given, p)
		}
	}
	if !v.c.collectedOn(FieldPreferences, v.ch) {
		if len(given) > 0 {
			v.fail(FieldPreferences, 0, ReasonNotCollected)
		}
		return nil
	}
	if len(given) == 0 {
		if v.c.rules[FieldPreferences].Required {
			v.fail(FieldPreferences, 0, ReasonRequired)
		}
		return nil
	}
	if len(given) > v.c.s.MaxPreferences {
		v.fail(FieldPreferences, 0, ReasonTooManyPreferences)
		return nil
	}
	out := make([]string, 0, len(given))
	for _, p := range given {
		slot, ok := matchOption(v.c.s.Slots, p)
		switch {
		case !ok:
			v.fail(FieldPreferences, 0, ReasonUnknownOption)
			return nil
		case slices.Contains(out, slot):
			v.fail(FieldPreferences, 0, ReasonDuplicatePreference)
			return nil
		}
		out = append(out, slot)
	}
	return out
}

func (v *validator) companions(raw []CompanionForm) []Companion {
	var out []Companion
	n := 0
	for _, cf := range raw {
		if cf.empty() {
			continue
		}
		n++
		if !v.c.collectedOn(FieldCompanionName, v.ch) {
			// The event takes no companions: refuse each, once.
			v.fail(FieldCompanionName, n, ReasonNotCollected)
			continue
		}
		var cp Companion
		if d, ok := v.field(FieldCompanionName, n, cf.Name); ok {
			cp.Name = v.name(FieldCompanionName, n, d)
		}
		if d, ok := v.field(FieldCompanionNameKana, n, cf.NameKana); ok {
			cp.NameKana = v.kana(FieldCompanionNameKana, n, d)
		}
		if _, ok := v.field(FieldCompanionInfant, n, cf.Infant); ok {
			if b, r := parseFlag(cf.Infant); r != "" {
				v.fail(FieldCompanionInfant, n, r)
			} else {
				cp.Infant = b
			}
		}
		ageGiven := Display(cf.Age) != ""
		if cp.Infant && !ageGiven {
			// An infant may be given without an age: the flag stands in.
		} else if _, ok := v.field(FieldCompanionAge, n, cf.Age); ok {
			if age, r := parseAge(cf.Age); r != "" {
				v.fail(FieldCompanionAge, n, r)
			} else if cp.Infant && age > InfantMaxAge {
				v.fail(FieldCompanionAge, n, ReasonInfantAge)
			} else {
				cp.Age = &age
			}
		}
		out = append(out, cp)
	}
	return out
}

func (v *validator) extra(raw map[Field]string) map[Field]string {
	var out map[Field]string
	for _, fi := range v.c.s.Custom {
		if d, ok := v.field(fi.Field, 0, raw[fi.Field]); ok {
			if d = v.length(fi.Field, 0, d, maxExtraLen); d != "" {
				if out == nil {
					out = make(map[Field]string)
				}
				out[fi.Field] = d
			}
		}
	}
	unknown := make([]Field, 0)
	for f := range raw {
		if _, ok := v.c.custom[f]; !ok {
			unknown = append(unknown, f)
		}
	}
	slices.Sort(unknown)
	for _, f := range unknown {
		v.fail(f, 0, ReasonNotCollected)
	}
	return out
}

// parseSex maps the answers people write to a [Sex].
func parseSex(s string) (Sex, bool) {
	switch optionKey(s) {
	case "male", "m", "man", "男", "男性":
		return Male, true
	case "female", "f", "woman", "女", "女性":
		return Female, true
	case "other", "その他", "そのほか":
		return Other, true
	case "unstated", "無回答", "回答しない", "答えたくない":
		return Unstated, true
	}
	return "", false
}

// parseCategory maps the answers people write to a [ParticipantCategory].
func parseCategory(s string) (ParticipantCategory, bool) {
	switch optionKey(s) {
	case "resident", "在住", "区内在住":
		return Resident, true
	case "worker", "在勤", "区内在勤":
		return Worker, true
	case "student", "在学", "区内在学":
		return Student, true
	}
	return "", false
}

// matchOption finds the choice that raw names, compared on optionKey.
func matchOption(opts []string, raw string) (string, bool) {
	if slices.Contains(opts, raw) {
		return raw, true
	}
	k := optionKey(raw)
	for _, o := range opts {
		if optionKey(o) == k {
			return o, true
		}
	}
	return "", false
}
