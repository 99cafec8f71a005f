package applicant

import (
	"slices"

	"github.com/kuji-go/kuji/lottery"
)

// Entry derives the application's pseudonymous lottery entry from its
// summary alone: receipt number as ID, group size, preferences (the course,
// for an event that asks a course instead of slots), the tier and weight of
// its participant category, and the category, which selects reserved seats.
// It needs no key and carries no personal field.
func (s Summary) Entry(rules LotteryRules) (lottery.Entry, error) {
	if s.Receipt == "" {
		return lottery.Entry{}, &Error{Reason: ReasonMissing, labelJA: "受付番号", labelEN: "receipt number"}
	}
	if s.GroupSize < 1 {
		return lottery.Entry{}, newError(FieldGroupSize, 0, ReasonMissing)
	}
	prefs := slices.Clone(s.Preferences)
	if len(prefs) == 0 && s.Course != "" {
		prefs = []string{s.Course}
	}
	weight := 1
	if w, ok := rules.Weights[s.Category]; ok {
		weight = w
	}
	return lottery.Entry{
		ID:       string(s.Receipt),
		Size:     s.GroupSize,
		Prefs:    prefs,
		Weight:   weight,
		Tier:     rules.Tiers[s.Category],
		Category: string(s.Category),
	}, nil
}
