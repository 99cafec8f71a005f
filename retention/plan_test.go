package retention_test

import (
	"bytes"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/retention"
)

func TestPlanStatuses(t *testing.T) {
	t.Parallel()
	p, err := retention.NewPolicy(
		retention.Rule{Class: "contact-card", Trigger: retention.TriggerEventEnd, Delay: retention.Delay{Months: 1}},
		retention.Rule{Class: "application", Trigger: retention.TriggerReportSubmitted},
		retention.Rule{Class: "insurance", Trigger: retention.TriggerContractEnd, Delay: retention.Delay{Days: 7}},
		retention.Rule{Class: "archive", Trigger: retention.TriggerFixedDate, Date: retention.Date{Year: 2025, Month: 3, Day: 15}},
		retention.Rule{Class: "newsletter", Trigger: retention.TriggerConsentWithdrawn},
	)
	require.NoError(t, err)
	m := retention.Milestones{
		EventEnd:    at(2025, 1, 31, 21, 0, 0),
		ContractEnd: at(2025, 3, 31, 23, 59, 59), // fixed in advance
	}
	records := map[string]int64{"contact-card": 812, "application": 10000, "stray": 3}
	before := maps.Clone(records)
	now := at(2025, 3, 1, 10, 0, 0)

	plan, err := p.Plan(now, m, records)
	require.NoError(t, err)
	require.Equal(t, before, records, "Plan changes nothing")
	require.True(t, now.Equal(plan.At))

	type row struct {
		class   string
		status  retention.Status
		records int64
		lastDay retention.Date
	}
	var got []row
	for _, it := range plan.Items {
		r := row{class: it.Class, status: it.Status, records: it.Records}
		if !it.Deadline.IsZero() {
			r.lastDay = it.Deadline.LastDay()
		}
		got = append(got, r)
	}
	require.Equal(t, []row{
		{"contact-card", retention.StatusDue, 812, retention.Date{Year: 2025, Month: 2, Day: 28}},
		{"archive", retention.StatusScheduled, 0, retention.Date{Year: 2025, Month: 3, Day: 15}},
		{"insurance", retention.StatusScheduled, 0, retention.Date{Year: 2025, Month: 4, Day: 7}},
		{"application", retention.StatusWaiting, 10000, retention.Date{}},
		{"newsletter", retention.StatusWaiting, 0, retention.Date{}},
		{"stray", retention.StatusNoRule, 3, retention.Date{}},
	}, got)

	due := plan.Due()
	require.Len(t, due, 1)
	require.Equal(t, "contact-card", due[0].Class)
	next, ok := plan.Next()
	require.True(t, ok)
	require.Equal(t, "archive", next.Class)

	// The report is submitted: application data is due at that instant.
	m.ReportSubmitted = at(2025, 3, 1, 9, 0, 0)
	plan, err = p.Plan(now, m, records)
	require.NoError(t, err)
	require.Equal(t, []string{"contact-card", "application"}, classes(plan.Due()), "due items by deadline: 1 March 00:00, then 09:00")
}

func classes(items []retention.PlanItem) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Class)
	}
	return out
}

func TestPlanRejectsBadCounts(t *testing.T) {
	t.Parallel()
	p := livePolicy(t)
	_, err := p.Plan(time.Now(), retention.Milestones{}, map[string]int64{"application": -1, "山田": 1})
	var errs retention.Errors
	require.ErrorAs(t, err, &errs)
	require.Len(t, errs, 2)
	require.NotContains(t, err.Error(), "山田")
}

func TestPlanText(t *testing.T) {
	t.Parallel()
	p := livePolicy(t)
	plan, err := p.Plan(at(2025, 3, 1, 10, 0, 0), retention.Milestones{EventEnd: at(2025, 1, 31, 21, 0, 0)},
		map[string]int64{"contact-card": 812, "application": 1})
	require.NoError(t, err)

	var ja, en bytes.Buffer
	require.NoError(t, plan.WriteText(&ja, retention.Japanese))
	require.NoError(t, plan.WriteText(&en, retention.English))
	for _, want := range []string{
		"2025年3月1日 10:00:00（日本時間）時点の試算（データは変更していません）",
		"contact-card：消去期限到来（812件）",
		"  規則：イベント終了の1か月後",
		"  期限：2025年2月28日 24:00（日本時間）",
		"application：期限未定（1件）",
		"  理由：事業実施報告書が提出されていません",
	} {
		require.Contains(t, ja.String(), want)
	}
	for _, want := range []string{
		"Retention plan as of 1 March 2025 10:00:00 JST (a dry run; nothing was changed)",
		"contact-card: due for erasure (812 records)",
		"  rule: one month after the event ends",
		"  deadline: end of 28 February 2025 (24:00 JST)",
		"application: deadline not yet known (1 record)",
		"  why: the event report has not been submitted",
	} {
		require.Contains(t, en.String(), want)
	}
	for _, text := range []string{ja.String(), en.String()} {
		for _, line := range strings.Split(text, "\n") {
			require.Equal(t, strings.TrimRight(line, " \t"), line, "no trailing white space")
		}
	}
	require.ErrorIs(t, plan.WriteText(&ja, "fr"), retention.ErrLang)
}
