package retention_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/internal/kerr"
	"github.com/kuji-go/kuji/retention"
)

// livePolicy is the live site's: walk-in contact cards one month after the
// event, application data when the event report is submitted.
func livePolicy(t *testing.T) *retention.Policy {
	t.Helper()
	p, err := retention.NewPolicy(
		retention.Rule{Class: "contact-card", Trigger: retention.TriggerEventEnd, Delay: retention.Delay{Months: 1}},
		retention.Rule{Class: "application", Trigger: retention.TriggerReportSubmitted},
	)
	require.NoError(t, err)
	return p
}

func TestNewPolicyRejects(t *testing.T) {
	t.Parallel()
	ok := retention.Rule{Class: "application", Trigger: retention.TriggerEventEnd}
	type want struct {
		index int
		field string
		class string
		r     retention.Reason
	}
	tests := []struct {
		name  string
		rules []retention.Rule
		want  []want
	}{
		{"class twice", []retention.Rule{ok, {Class: "application", Trigger: retention.TriggerContractEnd}},
			[]want{{1, "class", "application", retention.ReasonDuplicateClass}}},
		{"class missing", []retention.Rule{{Trigger: retention.TriggerEventEnd}},
			[]want{{0, "class", "", retention.ReasonMissing}}},
		{"class not a code", []retention.Rule{{Class: "Contact Card", Trigger: retention.TriggerEventEnd}},
			[]want{{0, "class", "", retention.ReasonNotClass}}},
		{"trigger missing", []retention.Rule{{Class: "a"}},
			[]want{{0, "trigger", "a", retention.ReasonMissing}}},
		{"trigger unknown", []retention.Rule{{Class: "a", Trigger: "event-start"}},
			[]want{{0, "trigger", "a", retention.ReasonUnknownTrigger}}},
		{"negative delay", []retention.Rule{{Class: "a", Trigger: retention.TriggerEventEnd, Delay: retention.Delay{Months: -1}}},
			[]want{{0, "delay.months", "a", retention.ReasonNegativeDelay}}},
		{"negative days and years at once", []retention.Rule{{Class: "a", Trigger: retention.TriggerEventEnd, Delay: retention.Delay{Years: -1, Days: -3}}},
			[]want{{0, "delay.years", "a", retention.ReasonNegativeDelay}, {0, "delay.days", "a", retention.ReasonNegativeDelay}}},
		{"delay beyond a century", []retention.Rule{{Class: "a", Trigger: retention.TriggerEventEnd, Delay: retention.Delay{Years: 101}}},
			[]want{{0, "delay.years", "a", retention.ReasonDelayTooLong}}},
		{"components fine, sum too long", []retention.Rule{{Class: "a", Trigger: retention.TriggerEventEnd, Delay: retention.Delay{Years: 100, Months: 1200}}},
			[]want{{0, "delay", "a", retention.ReasonDelayTooLong}}},
		{"fixed date missing", []retention.Rule{{Class: "a", Trigger: retention.TriggerFixedDate}},
			[]want{{0, "date", "a", retention.ReasonDateMissing}}},
		{"fixed date not a date", []retention.Rule{{Class: "a", Trigger: retention.TriggerFixedDate, Date: retention.Date{Year: 2025, Month: 2, Day: 29}}},
			[]want{{0, "date", "a", retention.ReasonBadDate}}},
		{"fixed date with a delay", []retention.Rule{{Class: "a", Trigger: retention.TriggerFixedDate, Date: retention.Date{Year: 2026, Month: 3, Day: 31}, Delay: retention.Delay{Days: 1}}},
			[]want{{0, "delay", "a", retention.ReasonDelayNotAllowed}}},
		{"date on another trigger", []retention.Rule{{Class: "a", Trigger: retention.TriggerEventEnd, Date: retention.Date{Year: 2026, Month: 3, Day: 31}}},
			[]want{{0, "date", "a", retention.ReasonDateNotAllowed}}},
		{"every problem of every rule at once", []retention.Rule{ok, {Class: "b"}, ok},
			[]want{{1, "trigger", "b", retention.ReasonMissing}, {2, "class", "application", retention.ReasonDuplicateClass}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := retention.NewPolicy(tt.rules...)
			require.Nil(t, p)
			require.ErrorIs(t, err, retention.ErrInvalid)
			var errs retention.Errors
			require.ErrorAs(t, err, &errs)
			var got []want
			for _, e := range errs {
				got = append(got, want{e.Index, e.Field, e.Class, e.Reason})
				require.NotEmpty(t, e.English())
				require.NotEmpty(t, e.Japanese())
				require.True(t, strings.HasPrefix(e.Error(), "kuji/retention: "+e.Code()+": "))
			}
			require.Equal(t, tt.want, got)
			var one *retention.Error
			require.ErrorAs(t, err, &one)
		})
	}
}

func TestPolicyErrorsNeverEchoTheValue(t *testing.T) {
	t.Parallel()
	const personal = "山田太郎 090-1234-5678"
	_, err := retention.NewPolicy(retention.Rule{Class: personal, Trigger: retention.TriggerEventEnd})
	require.Error(t, err)
	var e *retention.Error
	require.ErrorAs(t, err, &e)
	for _, msg := range []string{err.Error(), e.English(), e.Japanese()} {
		require.NotContains(t, msg, "山田")
		require.NotContains(t, msg, "090")
	}
	p := livePolicy(t)
	err = p.Check(personal, retention.Milestones{}, time.Now())
	require.ErrorIs(t, err, retention.ErrNoRule)
	require.NotContains(t, err.Error(), "山田")
}

func TestPolicyRulesSortedAndLookup(t *testing.T) {
	t.Parallel()
	p := livePolicy(t)
	rules := p.Rules()
	require.Equal(t, "application", rules[0].Class)
	require.Equal(t, "contact-card", rules[1].Class)
	r, ok := p.Rule("contact-card")
	require.True(t, ok)
	require.Equal(t, retention.Delay{Months: 1}, r.Delay)
	_, ok = p.Rule("insurance")
	require.False(t, ok)
	rules[0].Class = "changed"
	require.Equal(t, "application", p.Rules()[0].Class, "Rules returns a copy")
}

func TestPolicyJSON(t *testing.T) {
	t.Parallel()
	p := livePolicy(t)
	data, err := json.Marshal(p)
	require.NoError(t, err)
	require.JSONEq(t, `[
		{"class":"application","trigger":"report-submitted"},
		{"class":"contact-card","trigger":"event-end","delay":{"months":1}}
	]`, string(data))
	var q retention.Policy
	require.NoError(t, json.Unmarshal(data, &q))
	require.Equal(t, p.Rules(), q.Rules())

	fixed := `[{"class":"application","trigger":"fixed-date","date":"2026-03-31"}]`
	require.NoError(t, json.Unmarshal([]byte(fixed), &q))
	r, _ := q.Rule("application")
	require.Equal(t, retention.Date{Year: 2026, Month: 3, Day: 31}, r.Date)

	for _, bad := range []string{
		`[{"class":"a","trigger":"event-end"},{"class":"a","trigger":"event-end"}]`,
		`[{"class":"a","trigger":"event-end","delay":{"days":-1}}]`,
		`[{"class":"a","trigger":"fixed-date"}]`,
		`{"class":"a"}`,
	} {
		require.ErrorIs(t, json.Unmarshal([]byte(bad), &q), retention.ErrInvalid, bad)
	}
}

func TestRuleDescriptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rule   retention.Rule
		ja, en string
	}{
		{retention.Rule{Trigger: retention.TriggerEventEnd, Delay: retention.Delay{Months: 1}},
			"イベント終了の1か月後", "one month after the event ends"},
		{retention.Rule{Trigger: retention.TriggerReportSubmitted},
			"事業実施報告書の提出時", "when the event report is submitted"},
		{retention.Rule{Trigger: retention.TriggerContractEnd, Delay: retention.Delay{Years: 1, Months: 6}},
			"契約終了の1年6か月後", "one year and six months after the contract ends"},
		{retention.Rule{Trigger: retention.TriggerConsentWithdrawn, Delay: retention.Delay{Days: 14}},
			"同意撤回の14日後", "14 days after consent is withdrawn"},
		{retention.Rule{Trigger: retention.TriggerEventEnd, Delay: retention.Delay{Years: 2, Months: 1, Days: 3}},
			"イベント終了の2年1か月3日後", "two years, one month and three days after the event ends"},
		{retention.Rule{Trigger: retention.TriggerFixedDate, Date: retention.Date{Year: 2026, Month: 3, Day: 31}},
			"2026年3月31日まで", "until the end of 31 March 2026"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.ja, tt.rule.Japanese())
		require.Equal(t, tt.en, tt.rule.English())
	}
}

// TestCheckAcrossTheDeadline drives a fake clock in JST across the
// contact cards' deadline: the event ends on 31 January 2025, so the
// cards may be read until the end of 28 February and not from 1 March
// 00:00 JST on.
func TestCheckAcrossTheDeadline(t *testing.T) {
	t.Parallel()
	p := livePolicy(t)
	m := retention.Milestones{EventEnd: at(2025, 1, 31, 21, 0, 0)}
	clock := &fakeClock{t: at(2025, 2, 28, 23, 59, 58)}

	require.NoError(t, p.Check("contact-card", m, clock.Now()))
	require.NoError(t, p.Check("contact-card", m, clock.Tick(time.Second)), "one second before the deadline: readable")

	err := p.Check("contact-card", m, clock.Tick(time.Second))
	require.ErrorIs(t, err, retention.ErrRetentionExpired, "at the deadline: gone")
	require.ErrorIs(t, err, kerr.ErrRetentionExpired)
	var exp *retention.ExpiredError
	require.ErrorAs(t, err, &exp)
	require.Equal(t, "contact-card", exp.Class)
	require.True(t, at(2025, 3, 1, 0, 0, 0).Equal(exp.Deadline.At))
	require.Contains(t, exp.English(), "end of 28 February 2025")
	require.Contains(t, exp.Japanese(), "2025年2月28日 24:00")
	require.ErrorIs(t, p.Check("contact-card", m, clock.Tick(365*24*time.Hour)), retention.ErrRetentionExpired, "and ever after")

	// Application data waits for the report; once it is submitted it is
	// gone at that very instant.
	require.NoError(t, p.Check("application", m, clock.Now()))
	m.ReportSubmitted = at(2025, 2, 10, 15, 0, 0)
	require.NoError(t, p.Check("application", m, m.ReportSubmitted.Add(-time.Second)))
	require.ErrorIs(t, p.Check("application", m, m.ReportSubmitted), retention.ErrRetentionExpired)
}

func TestCheckFailsClosedWithoutRule(t *testing.T) {
	t.Parallel()
	err := livePolicy(t).Check("insurance", retention.Milestones{}, time.Now())
	require.ErrorIs(t, err, retention.ErrNoRule)
	require.False(t, errors.Is(err, retention.ErrRetentionExpired))
	var e *retention.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, retention.ReasonNoRule, e.Reason)
	require.Equal(t, "insurance", e.Class)
}

// Consent withdrawal is a milestone of one person: the Office sets it
// when it checks that person's record.
func TestCheckConsentWithdrawnPerRecord(t *testing.T) {
	t.Parallel()
	p, err := retention.NewPolicy(retention.Rule{Class: "newsletter", Trigger: retention.TriggerConsentWithdrawn})
	require.NoError(t, err)
	now := at(2025, 6, 1, 12, 0, 0)
	require.NoError(t, p.Check("newsletter", retention.Milestones{}, now), "someone who did not withdraw")
	withdrew := retention.Milestones{ConsentWithdrawn: now.Add(-time.Minute)}
	require.ErrorIs(t, p.Check("newsletter", withdrew, now), retention.ErrRetentionExpired, "someone who withdrew")
}
