package retention

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// Status is where a data class stands in a [Plan].
type Status string

// Statuses, in the order a plan lists them.
const (
	// StatusDue: the deadline has passed; the class is served to no one
	// and is to be erased now.
	StatusDue Status = "due"
	// StatusScheduled: the deadline is known and still ahead.
	StatusScheduled Status = "scheduled"
	// StatusWaiting: the rule's trigger has not happened, so there is no
	// deadline yet.
	StatusWaiting Status = "waiting"
	// StatusNoRule: records of a class the policy has no rule for are held
	// (a class without a rule and without records is not listed).
	// They are served to no one ([Policy.Check] fails closed) and cannot be
	// erased by a plan until the policy gets a rule for them.
	StatusNoRule Status = "no-rule"
)

var statusOrder = map[Status]int{StatusDue: 0, StatusScheduled: 1, StatusWaiting: 2, StatusNoRule: 3}

// Plan is a dry run of a policy at one instant: per data class, its
// deadline (or why none is known yet), whether it is due, and how many
// records are held. Making a plan changes nothing.
type Plan struct {
	// At is the instant the plan was made for.
	At time.Time
	// Items lists the classes: due ones first, then scheduled ones, both
	// by deadline, then waiting ones and classes without a rule, by class.
	Items []PlanItem
}

// PlanItem is one data class in a [Plan].
type PlanItem struct {
	Class  string
	Status Status
	// Rule is the class's rule; zero for StatusNoRule.
	Rule Rule
	// Deadline is known for StatusDue and StatusScheduled; zero otherwise.
	Deadline Deadline
	// Records is how many records of the class the Office holds (its
	// count, passed to [Policy.Plan]).
	Records int64
}

// Plan returns what is due at now and what will be due and when, given
// the milestones and the number of records held per data class (counted
// by the Office; a class the policy has a rule for but records omits
// counts 0). It changes nothing. It returns an [Errors] if a key of
// records is not a class name or a count is negative.
func (p *Policy) Plan(now time.Time, m Milestones, records map[string]int64) (*Plan, error) {
	var errs Errors
	for _, class := range slices.Sorted(maps.Keys(records)) {
		if reason := checkClass(class); reason != "" {
			errs = append(errs, &Error{Field: "records", Index: -1, Reason: reason})
		} else if records[class] < 0 {
			errs = append(errs, &Error{Class: class, Field: "records", Index: -1, Reason: ReasonNegativeCount})
		}
	}
	if err := errs.orNil(); err != nil {
		return nil, err
	}
	plan := &Plan{At: now.In(jst)}
	for _, r := range p.rules {
		it := PlanItem{Class: r.Class, Rule: r, Records: records[r.Class], Status: StatusWaiting}
		if d, ok := r.Deadline(m); ok {
			it.Deadline = d
			it.Status = StatusScheduled
			if d.Passed(now) {
				it.Status = StatusDue
			}
		}
		plan.Items = append(plan.Items, it)
	}
	for class, n := range records {
		if _, ok := p.Rule(class); !ok && n > 0 {
			plan.Items = append(plan.Items, PlanItem{Class: class, Status: StatusNoRule, Records: n})
		}
	}
	slices.SortFunc(plan.Items, func(a, b PlanItem) int {
		if c := cmp.Compare(statusOrder[a.Status], statusOrder[b.Status]); c != 0 {
			return c
		}
		if c := a.Deadline.At.Compare(b.Deadline.At); c != 0 {
			return c
		}
		return strings.Compare(a.Class, b.Class)
	})
	return plan, nil
}

// Due returns the items due for erasure.
func (p *Plan) Due() []PlanItem {
	var due []PlanItem
	for _, it := range p.Items {
		if it.Status == StatusDue {
			due = append(due, it)
		}
	}
	return due
}

// Next returns the scheduled item that falls due first, or false if none
// is scheduled: the Office runs the next plan at its deadline.
func (p *Plan) Next() (PlanItem, bool) {
	for _, it := range p.Items {
		if it.Status == StatusScheduled {
			return it, true
		}
	}
	return PlanItem{}, false
}

var planLabels = map[Lang]struct {
	title, rule, deadline, why, records string
	status                              map[Status]string
	noRule                              string
}{
	Japanese: {
		title:    "保存期間の計画 — %s時点の試算（データは変更していません）",
		rule:     "規則",
		deadline: "期限",
		why:      "理由",
		records:  "%d件",
		status: map[Status]string{
			StatusDue:       "消去期限到来",
			StatusScheduled: "消去予定",
			StatusWaiting:   "期限未定",
			StatusNoRule:    "規則なし",
		},
		noRule: "保存期間の規則がないため、規則が定められるまで誰にも提供されません",
	},
	English: {
		title:    "Retention plan as of %s (a dry run; nothing was changed)",
		rule:     "rule",
		deadline: "deadline",
		why:      "why",
		records:  "%d records",
		status: map[Status]string{
			StatusDue:       "due for erasure",
			StatusScheduled: "scheduled for erasure",
			StatusWaiting:   "deadline not yet known",
			StatusNoRule:    "no retention rule",
		},
		noRule: "the policy has no rule for this class; its data is served to no one until one is set",
	},
}

// WriteText renders the plan as plain text in lang (times in Japan), for
// the responsible person to read before applying it.
func (p *Plan) WriteText(w io.Writer, lang Lang) error {
	lb, ok := planLabels[lang]
	if !ok {
		return ErrLang
	}
	bw := bufio.NewWriter(w)
	colon := ": "
	if lang == Japanese {
		colon = "："
	}
	fmt.Fprintf(bw, lb.title+"\n", instant(p.At, lang))
	for _, it := range p.Items {
		records := fmt.Sprintf(lb.records, it.Records)
		if lang == English && it.Records == 1 {
			records = "1 record"
		}
		if lang == Japanese {
			fmt.Fprintf(bw, "\n%s%s%s（%s）\n", it.Class, colon, lb.status[it.Status], records)
		} else {
			fmt.Fprintf(bw, "\n%s%s%s (%s)\n", it.Class, colon, lb.status[it.Status], records)
		}
		switch it.Status {
		case StatusNoRule:
			fmt.Fprintf(bw, "  %s%s%s\n", lb.why, colon, lb.noRule)
			continue
		case StatusWaiting:
			fmt.Fprintf(bw, "  %s%s%s\n", lb.rule, colon, describe(it.Rule, lang))
			fmt.Fprintf(bw, "  %s%s%s\n", lb.why, colon, waiting(it.Rule.Trigger, lang))
		default:
			fmt.Fprintf(bw, "  %s%s%s\n", lb.rule, colon, describe(it.Rule, lang))
			fmt.Fprintf(bw, "  %s%s%s\n", lb.deadline, colon, deadlineText(it.Deadline, lang))
		}
	}
	return bw.Flush()
}

func describe(r Rule, lang Lang) string {
	if lang == Japanese {
		return r.Japanese()
	}
	return r.English()
}

func deadlineText(d Deadline, lang Lang) string {
	if lang == Japanese {
		return d.Japanese()
	}
	return d.English()
}

// instant renders t to the second, in Japan.
func instant(t time.Time, lang Lang) string {
	return deadlineText(Deadline{At: t.In(jst).Truncate(time.Second)}, lang)
}
