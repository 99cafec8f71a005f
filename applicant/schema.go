package applicant

import (
	"slices"
	"strings"
	"time"
)

// Schema is one event's data collection: the purposes it declares, the
// fields it collects for each, their data classes, who may apply and how
// duplicates are recognised. It is plain data (it encodes as JSON, so the
// Office keeps it with the event); every operation checks it first and
// refuses to run on a schema that [Schema.Check] rejects.
type Schema struct {
	// Event is the event's ID: lower-case letters, digits and hyphens.
	Event string `json:"event"`
	// Purposes are the purposes the event declares to the people it
	// collects from, with the text the notice shows.
	Purposes []PurposeSpec `json:"purposes"`
	// Fields lists every field collected, each with the purposes that
	// justify it.
	Fields []FieldRule `json:"fields"`
	// Custom declares the event's own fields (keys "x.name"), each a
	// single free-text value of the representative, sealed.
	Custom []FieldInfo `json:"custom,omitempty"`
	// Approvals record the ward's approval (甲の承諾) for fields in a
	// forbidden category.
	Approvals []Approval `json:"approvals,omitempty"`
	// Channels are the channels applications are accepted on (contact
	// cards always arrive by [ChannelWalkIn]).
	Channels []Channel `json:"channels"`
	// Courses are the course choices, when the event collects [FieldCourse].
	Courses []string `json:"courses,omitempty"`
	// Slots are the slot IDs that may be ranked, when the event collects
	// [FieldPreferences]; they are the lottery's slot IDs.
	Slots []string `json:"slots,omitempty"`
	// MaxPreferences is how many slots an application may rank.
	MaxPreferences int `json:"max_preferences,omitempty"`
	// Identity are the duplicate-identity rules (see [Schema.IdentityKeys]).
	Identity []IdentityRule `json:"identity,omitempty"`
	// Eligibility says who may apply.
	Eligibility Eligibility `json:"eligibility"`
	// Lottery sets each participant category's tier and weight.
	Lottery LotteryRules `json:"lottery"`
	// Receipts is the format of the event's receipt numbers.
	Receipts ReceiptFormat `json:"receipts"`
	// AgeOn is the date (YYYY-MM-DD) ages are computed on from dates of
	// birth, usually the first day of the event. Needed only when the
	// event collects [FieldBirthDate].
	AgeOn string `json:"age_on,omitempty"`

	// frozen is what Freeze derived from this very Schema value.
	frozen *compiled
}

// Freeze checks the schema once and keeps what every operation derives
// from it, so that validation, keys and views stop re-deriving it on every
// call (a quarter of an intake's CPU). It returns Check's error.
//
// A frozen Schema must not be changed: change a copy instead. A copy made
// by assigning the struct is not frozen (the cache belongs to the value it
// was made for) and derives afresh until it is frozen in turn. Freeze is
// not safe to call concurrently with the schema's other methods.
func (s *Schema) Freeze() error {
	s.frozen = nil
	c, err := s.compile()
	if err != nil {
		return err
	}
	s.frozen = c
	return nil
}

// PurposeSpec declares one purpose with the text a notice shows for it.
type PurposeSpec struct {
	Purpose  Purpose `json:"purpose"`
	Japanese string  `json:"ja"`
	English  string  `json:"en"`
}

// FieldRule says that an event collects a field, why, and how.
type FieldRule struct {
	Field Field `json:"field"`
	// Class is the data class the value is sealed in.
	Class DataClass `json:"class"`
	// Purposes are the purposes that may use the field; at least one.
	Purposes []Purpose `json:"purposes"`
	// Required fields must be given on every channel they are collected
	// on. A required [FieldCompanionAge] may be left out for a companion
	// marked infant.
	Required bool `json:"required,omitempty"`
	// Channels limits the channels the field is collected on (email only
	// for online applicants); empty means every channel of the schema.
	Channels []Channel `json:"channels,omitempty"`
}

// Approval records the ward's approval to collect a field in a forbidden
// category (see [DataCategory.Forbidden]).
type Approval struct {
	Field Field `json:"field"`
	// ApprovedBy names who approved (the ward's section or official).
	ApprovedBy string    `json:"approved_by"`
	ApprovedAt time.Time `json:"approved_at"`
	// Basis is the ground of the approval (a council decision, ...).
	Basis string `json:"basis"`
}

// IdentityRule names a set of fields that together identify one person for
// the duplicate check: two people whose keys of one rule collide are taken
// to be the same person.
type IdentityRule struct {
	// Name labels the rule; it goes into the key, so renaming a rule
	// changes all its keys.
	Name string `json:"name"`
	// Fields are representative fields among name, name_kana, phone,
	// email, birth_date and age. For companions name, name_kana and age
	// stand for the companion's own fields; a rule with any other field
	// gives companions no key.
	Fields []Field `json:"fields"`
	// Review marks a rule whose fields do not single out one person (a
	// name and an age: two different people may share both). Its keys are
	// not refused on a clash: the Office keeps them as search keys and
	// lists the applications that share one for a handler to check
	// (possible duplicates), so two different people are never turned
	// away by the rule.
	Review bool `json:"review,omitempty"`
}

// LotteryRules map participant categories to lottery tiers and weights
// (see [Summary.Entry]). Categories not listed get tier 0 and weight 1.
type LotteryRules struct {
	Tiers   map[ParticipantCategory]int `json:"tiers,omitempty"`
	Weights map[ParticipantCategory]int `json:"weights,omitempty"`
}

// validEventID reports an event ID of 1-64 lower-case letters, digits and
// hyphens, not starting with a hyphen.
func validEventID(id string) bool {
	if len(id) == 0 || len(id) > 64 || id[0] == '-' {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// validCustomField reports a key "x." followed by 1-40 lower-case letters,
// digits and underscores.
func validCustomField(f Field) bool {
	name, ok := strings.CutPrefix(string(f), "x.")
	if !ok || len(name) == 0 || len(name) > 40 {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// compiled is a checked schema with its lookups.
type compiled struct {
	s         *Schema
	rules     map[Field]*FieldRule
	custom    map[Field]FieldInfo
	purposes  map[Purpose]PurposeSpec
	channels  map[Channel]bool
	ageOn     time.Time
	cardClass DataClass
}

// Check reports every problem with the schema at once as [Errors]; each
// matches [ErrInvalidSchema]. A field no declared purpose justifies, or in a
// forbidden category without an approval record, is refused by name.
func (s *Schema) Check() error {
	_, err := s.compile()
	return err
}

func schemaErr(r Reason, subject string) *Error {
	return &Error{Reason: r, labelJA: subject, labelEN: subject}
}

// fieldErr returns an error about field f, labelled with the event's own
// label when f is one of its fields.
func (c *compiled) fieldErr(r Reason, f Field) *Error {
	return c.errFor(f, 0, r)
}

func (c *compiled) errFor(f Field, companion int, r Reason) *Error {
	e := newError(f, companion, r)
	if fi, ok := c.custom[f]; ok {
		e.labelJA, e.labelEN = fi.Japanese, fi.English
	}
	return e
}

func (s *Schema) compile() (*compiled, error) {
	if c := s.frozen; c != nil && c.s == s {
		return c, nil
	}
	c := &compiled{
		s:        s,
		rules:    make(map[Field]*FieldRule, len(s.Fields)),
		custom:   make(map[Field]FieldInfo, len(s.Custom)),
		purposes: make(map[Purpose]PurposeSpec, len(s.Purposes)),
		channels: make(map[Channel]bool, len(s.Channels)),
	}
	var errs Errors
	if !validEventID(s.Event) {
		errs = append(errs, schemaErr(ReasonSchemaEvent, "event"))
	}
	for _, fi := range s.Custom {
		_, dup := c.custom[fi.Field]
		if !validCustomField(fi.Field) || dup || !fi.Sealed || fi.Repeated || fi.OnCard ||
			fi.Derived || fi.Category == "" || fi.Japanese == "" || fi.English == "" {
			errs = append(errs, schemaErr(ReasonSchemaCustomField, string(fi.Field)))
			continue
		}
		c.custom[fi.Field] = fi
	}
	for _, p := range s.Purposes {
		if _, dup := c.purposes[p.Purpose]; dup || p.Purpose == "" || p.Japanese == "" || p.English == "" {
			errs = append(errs, schemaErr(ReasonSchemaPurpose, string(p.Purpose)))
			continue
		}
		c.purposes[p.Purpose] = p
	}
	for _, ch := range s.Channels {
		if !ch.known() || c.channels[ch] {
			errs = append(errs, schemaErr(ReasonSchemaChannel, string(ch)))
		}
		c.channels[ch] = true
	}
	if len(s.Channels) == 0 {
		errs = append(errs, schemaErr(ReasonSchemaChannel, "channels"))
	}
	approved := make(map[Field]bool, len(s.Approvals))
	for _, a := range s.Approvals {
		if a.ApprovedBy == "" || a.ApprovedAt.IsZero() || a.Basis == "" {
			errs = append(errs, c.fieldErr(ReasonSchemaApproval, a.Field))
			continue
		}
		approved[a.Field] = true
	}
	used := make(map[Purpose]bool, len(s.Purposes))
	appClasses := map[DataClass]bool{}
	for i := range s.Fields {
		r := &s.Fields[i]
		fi, ok := c.info(r.Field)
		switch {
		case !ok:
			errs = append(errs, c.fieldErr(ReasonSchemaUnknownField, r.Field))
			continue
		case c.rules[r.Field] != nil:
			errs = append(errs, c.fieldErr(ReasonSchemaDuplicateField, r.Field))
			continue
		}
		c.rules[r.Field] = r
		if r.Class == "" {
			errs = append(errs, c.fieldErr(ReasonSchemaNoClass, r.Field))
		}
		if len(r.Purposes) == 0 {
			errs = append(errs, c.fieldErr(ReasonSchemaNoPurpose, r.Field))
		}
		for _, p := range r.Purposes {
			if _, ok := c.purposes[p]; !ok {
				errs = append(errs, c.fieldErr(ReasonSchemaUndeclaredPurpose, r.Field))
				break
			}
			used[p] = true
		}
		if fi.Category.Forbidden() && !approved[r.Field] {
			errs = append(errs, c.fieldErr(ReasonSchemaForbidden, r.Field))
		}
		for _, ch := range r.Channels {
			if fi.OnCard && ch != ChannelWalkIn || !fi.OnCard && !c.channels[ch] {
				errs = append(errs, c.fieldErr(ReasonSchemaChannel, r.Field))
				break
			}
		}
		if fi.OnCard {
			if c.cardClass != "" && r.Class != c.cardClass {
				errs = append(errs, c.fieldErr(ReasonSchemaClass, r.Field))
			}
			c.cardClass = r.Class
		} else {
			appClasses[r.Class] = true
		}
	}
	if c.cardClass != "" && appClasses[c.cardClass] {
		errs = append(errs, schemaErr(ReasonSchemaClass, string(c.cardClass)))
	}
	for _, a := range s.Approvals {
		if c.rules[a.Field] == nil {
			errs = append(errs, c.fieldErr(ReasonSchemaApproval, a.Field))
		}
	}
	for _, p := range s.Purposes {
		if _, ok := c.purposes[p.Purpose]; ok && !used[p.Purpose] {
			errs = append(errs, schemaErr(ReasonSchemaPurpose, string(p.Purpose)))
		}
	}
	errs = append(errs, c.checkDependencies()...)
	errs = append(errs, c.checkIdentity()...)
	errs = append(errs, c.checkEligibility()...)
	if err := s.Receipts.check(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

func (c *compiled) collects(f Field) bool { return c.rules[f] != nil }

// info returns the description of a catalogue field or of one of the
// event's own fields.
func (c *compiled) info(f Field) (FieldInfo, bool) {
	if fi, ok := c.custom[f]; ok {
		return fi, true
	}
	return Lookup(f)
}

func (c *compiled) infoOf(f Field) FieldInfo {
	fi, _ := c.info(f)
	return fi
}

// collectedOn reports whether field f is collected on channel ch.
func (c *compiled) collectedOn(f Field, ch Channel) bool {
	r := c.rules[f]
	if r == nil {
		return false
	}
	return len(r.Channels) == 0 || slices.Contains(r.Channels, ch)
}

// requiredEverywhere reports whether f is required on every channel.
func (c *compiled) requiredEverywhere(f Field) bool {
	r := c.rules[f]
	return r != nil && r.Required && len(r.Channels) == 0
}

func (c *compiled) checkDependencies() Errors {
	var errs Errors
	s := c.s
	for _, f := range []Field{FieldCompanionNameKana, FieldCompanionAge, FieldCompanionInfant} {
		if c.collects(f) && !c.collects(FieldCompanionName) {
			errs = append(errs, c.fieldErr(ReasonSchemaDependency, f))
		}
	}
	if c.collects(FieldCourse) {
		if !validOptions(s.Courses) {
			errs = append(errs, c.fieldErr(ReasonSchemaOptions, FieldCourse))
		}
	}
	if c.collects(FieldPreferences) {
		if !validOptions(s.Slots) || s.MaxPreferences < 1 {
			errs = append(errs, c.fieldErr(ReasonSchemaOptions, FieldPreferences))
		}
	}
	if c.collects(FieldBirthDate) {
		t, err := time.Parse(time.DateOnly, s.AgeOn)
		if err != nil {
			errs = append(errs, c.fieldErr(ReasonSchemaAgeOn, FieldBirthDate))
		}
		c.ageOn = t
	}
	for cat, w := range s.Lottery.Weights {
		if !cat.known() || w < 1 || w > 1000 {
			errs = append(errs, schemaErr(ReasonSchemaOptions, "lottery.weights"))
			break
		}
	}
	for cat, t := range s.Lottery.Tiers {
		if !cat.known() || t < 0 {
			errs = append(errs, schemaErr(ReasonSchemaOptions, "lottery.tiers"))
			break
		}
	}
	return errs
}

// validOptions reports whether a list of choices is not empty and has no
// empty or duplicate choice (compared as the input is matched).
func validOptions(opts []string) bool {
	if len(opts) == 0 {
		return false
	}
	// Choices are usually listed in order (slots by date), and then the
	// check needs no copy: strictly increasing keys have no duplicate.
	increasing := true
	prev := ""
	for i, o := range opts {
		k := optionKey(o)
		if k == "" {
			return false
		}
		increasing = increasing && (i == 0 || prev < k)
		prev = k
	}
	if increasing {
		return true
	}
	keys := make([]string, len(opts))
	for i, o := range opts {
		keys[i] = optionKey(o)
	}
	slices.Sort(keys)
	return len(slices.Compact(keys)) == len(opts)
}

func (cat ParticipantCategory) known() bool {
	return cat == Resident || cat == Worker || cat == Student
}

// identityFields are the representative fields an identity rule may use.
var identityFields = [...]Field{FieldName, FieldNameKana, FieldPhone, FieldEmail, FieldBirthDate, FieldAge}

func (c *compiled) checkIdentity() Errors {
	var errs Errors
	s := c.s
	names := map[string]bool{}
	repCovered, compCovered := false, false
	for _, rule := range s.Identity {
		bad := rule.Name == "" || names[rule.Name] || len(rule.Fields) == 0
		names[rule.Name] = true
		rep, comp := true, true
		for i, f := range rule.Fields {
			if !slices.Contains(identityFields[:], f) || !c.collects(f) || slices.Contains(rule.Fields[i+1:], f) {
				bad = true
				continue
			}
			rep = rep && c.requiredEverywhere(f)
			cf, ok := companionField(f)
			comp = comp && ok && c.requiredEverywhere(cf)
		}
		if bad {
			errs = append(errs, schemaErr(ReasonSchemaIdentity, rule.Name))
			continue
		}
		repCovered = repCovered || rep
		// A rule covers companions only if it also covers representatives,
		// so a person who is a companion in one application and the
		// representative of another gets the same key in both.
		compCovered = compCovered || (rep && comp)
	}
	if len(s.Identity) > 0 && !repCovered {
		errs = append(errs, schemaErr(ReasonSchemaIdentityCoverage, "representative"))
	}
	if len(s.Identity) > 0 && c.collects(FieldCompanionName) && !compCovered {
		errs = append(errs, schemaErr(ReasonSchemaIdentityCoverage, "companion"))
	}
	return errs
}
