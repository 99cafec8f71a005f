package applicant

import (
	"slices"
	"strings"
)

// Eligibility is who may apply to an event, as data the event's
// configuration holds. Each failed rule is an *[Error] matching
// [ErrIneligible].
type Eligibility struct {
	// Categories are the participant categories admitted; empty admits
	// every category. The city walk admits residents, workers and students.
	Categories []ParticipantCategory `json:"categories,omitempty"`
	// ResidentOnly admits only groups whose representative lives in the
	// ward (the live site: 代表者は区内在住者). When the event asks the
	// participant category, it must be [Resident]; when WardPrefixes are
	// set, the address must start with one of them.
	ResidentOnly bool `json:"resident_only,omitempty"`
	// WardPrefixes are address prefixes of the ward ("東京都新宿区",
	// "新宿区"), compared on matching keys (NFKC, variant kanji, no
	// spaces). When the event does not ask the participant category, an
	// address starting with one of them makes the application [Resident].
	WardPrefixes []string `json:"ward_prefixes,omitempty"`
	// AdultAge is the age of majority; 0 means 18.
	AdultAge int `json:"adult_age,omitempty"`
	// MinAdults is how many adults each group needs (counting the
	// representative and companions whose age is known).
	MinAdults int `json:"min_adults,omitempty"`
	// MaxGroupSize is the largest group, representative included; 0
	// means no limit.
	MaxGroupSize int `json:"max_group_size,omitempty"`
	// MinAge is the representative's minimum age; 0 means none.
	MinAge int `json:"min_age,omitempty"`
}

func (e Eligibility) adultAge() int {
	if e.AdultAge == 0 {
		return 18
	}
	return e.AdultAge
}

func (c *compiled) checkEligibility() Errors {
	var errs Errors
	e := c.s.Eligibility
	bad := func(what string) { errs = append(errs, schemaErr(ReasonSchemaEligibility, what)) }
	for _, cat := range e.Categories {
		if !cat.known() {
			bad("categories")
		}
	}
	if len(e.Categories) > 0 && !c.collects(FieldParticipantCategory) {
		bad("categories")
	}
	if e.ResidentOnly && !c.collects(FieldParticipantCategory) &&
		(len(e.WardPrefixes) == 0 || !c.requiredEverywhere(FieldAddress)) {
		bad("resident_only")
	}
	for _, p := range e.WardPrefixes {
		if addressKey(p) == "" {
			bad("ward_prefixes")
		}
	}
	if e.AdultAge < 0 || e.AdultAge > MaxAge || e.MinAdults < 0 || e.MaxGroupSize < 0 || e.MinAge < 0 {
		bad("limits")
	}
	if (e.MinAdults > 0 || e.MinAge > 0) && !c.requiredEverywhere(FieldAge) && !c.requiredEverywhere(FieldBirthDate) {
		bad("age")
	}
	return errs
}

// CheckEligibility checks a (validated) application against the event's
// eligibility rules and returns every failure as [Errors].
func (s *Schema) CheckEligibility(a *Application) error {
	c, err := s.compile()
	if err != nil {
		return err
	}
	return c.eligibility(a, nil).err()
}

// eligibility checks a against the rules, skipping rules whose inputs are
// invalid (listed in bad), so a mistyped age is reported once, as a
// mistyped age. It may set a.Category from the address (see
// Eligibility.WardPrefixes).
func (c *compiled) eligibility(a *Application, bad map[Field]bool) Errors {
	var errs Errors
	e := c.s.Eligibility
	if c.collects(FieldParticipantCategory) && !bad[FieldParticipantCategory] && a.Category != "" {
		if len(e.Categories) > 0 && !slices.Contains(e.Categories, a.Category) {
			errs = append(errs, newError(FieldParticipantCategory, 0, ReasonCategoryIneligible))
		} else if e.ResidentOnly && a.Category != Resident {
			errs = append(errs, newError(FieldParticipantCategory, 0, ReasonNotResident))
		}
	}
	if len(e.WardPrefixes) > 0 && !bad[FieldAddress] && a.Representative.Address != "" {
		inWard := c.inWard(a.Representative.Address)
		if e.ResidentOnly && !inWard {
			errs = append(errs, newError(FieldAddress, 0, ReasonNotResident))
		}
		if inWard && !c.collects(FieldParticipantCategory) {
			a.Category = Resident
		}
	}
	size := a.Size()
	if e.MaxGroupSize > 0 && size > e.MaxGroupSize {
		errs = append(errs, newError(FieldGroupSize, 0, ReasonGroupTooLarge))
	}
	repAge, repKnown := a.Representative.age(c.ageOn)
	if e.MinAge > 0 && repKnown && !bad[FieldAge] && !bad[FieldBirthDate] && repAge < e.MinAge {
		errs = append(errs, newError(FieldAge, 0, ReasonRepresentativeAge))
	}
	if e.MinAdults > 0 && !bad[FieldAge] && !bad[FieldBirthDate] && !bad[FieldCompanionAge] {
		adults := 0
		if repKnown && repAge >= e.adultAge() {
			adults++
		}
		for _, cp := range a.Companions {
			if cp.Age != nil && *cp.Age >= e.adultAge() {
				adults++
			}
		}
		if adults < e.MinAdults {
			errs = append(errs, newError(FieldAge, 0, ReasonNoAdult))
		}
	}
	return errs
}

func (c *compiled) inWard(address string) bool {
	k := addressKey(address)
	for _, p := range c.s.Eligibility.WardPrefixes {
		if strings.HasPrefix(k, addressKey(p)) {
			return true
		}
	}
	return false
}
