package kuji

import (
	"context"
	"slices"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/applicant"
	"github.com/kuji-go/kuji/audit"
)

// PossibleDuplicates lists the groups of applications that share a key of
// an identity rule marked for review (applicant.IdentityRule.Review: a name
// and an age, which two different people may share). Each group, by
// receipt number, may be one person holding two chances; a handler
// designated for reception checks them (calling the people, comparing the
// views) and disqualifies the extra ones with [Office.Disqualify] before
// the draw. The listing is audited.
func (o *Office) PossibleDuplicates(ctx context.Context, acc Access) ([][]string, error) {
	var out [][]string
	c := call{op: "PossibleDuplicates", access: acc, action: audit.ActionView,
		states: []State{StateOpen, StateClosed}, purposes: []applicant.Purpose{applicant.PurposeReception}}
	err := o.do(ctx, c, func(t *txn) error {
		groups := map[string][]string{}
		var order []string
		err := t.tx.ListApplications(ctx, o.id, adapters.ApplicationFilter{}, func(a adapters.Application) error {
			for _, k := range a.Search {
				if k.Kind != reviewKind {
					continue
				}
				key := string(k.MAC)
				if _, ok := groups[key]; !ok {
					order = append(order, key)
				}
				if !slices.Contains(groups[key], a.Receipt) {
					groups[key] = append(groups[key], a.Receipt)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		var subjects []string
		for _, key := range order {
			if g := groups[key]; len(g) > 1 {
				out = append(out, g)
				for _, r := range g {
					subjects = appendUnique(subjects, r)
				}
			}
		}
		if len(subjects) <= audit.MaxSubjects {
			t.entry.Subjects = subjects
		}
		t.entry.Details.Count = int64(len(out))
		return nil
	})
	return out, err
}

// Disqualify removes an application before the draw, by a handler
// designated for reception — a duplicate found by review, or an applicant
// found ineligible — erasing its personal data at once like a withdrawal.
// It is audited with the handler's access.
func (o *Office) Disqualify(ctx context.Context, acc Access, receipt string) error {
	c := call{op: "Disqualify", access: acc, action: audit.ActionWithdraw,
		states: []State{StateOpen, StateClosed}, purposes: []applicant.Purpose{applicant.PurposeReception}}
	return o.do(ctx, c, func(t *txn) error {
		row, err := o.byReceipt(ctx, t.tx, receipt)
		if err != nil {
			return err
		}
		t.entry.Subjects = []string{row.Receipt}
		t.entry.Details.Count = 1
		t.entry.Details.DataClasses = o.classNames(o.cfg.appClasses())
		return t.tx.DeleteApplication(ctx, o.id, row.ID)
	})
}
