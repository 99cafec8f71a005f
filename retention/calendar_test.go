package retention_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/retention"
)

// The expected deadlines below follow from the rules the ward documents
// and the package documentation state, written out by hand: one month
// after an event ending on 31 January ends with the last day of February.
func TestDeadlineMonthEnds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		trigger time.Time
		delay   retention.Delay
		lastDay retention.Date // the last day the data may be held
		at      time.Time      // the instant it is expired from
	}{
		{"31 Jan 2025 + 1 month: 28 Feb (not a leap year)", at(2025, 1, 31, 18, 0, 0), retention.Delay{Months: 1},
			retention.Date{Year: 2025, Month: 2, Day: 28}, at(2025, 3, 1, 0, 0, 0)},
		{"31 Jan 2028 + 1 month: 29 Feb (leap year)", at(2028, 1, 31, 18, 0, 0), retention.Delay{Months: 1},
			retention.Date{Year: 2028, Month: 2, Day: 29}, at(2028, 3, 1, 0, 0, 0)},
		{"31 Mar + 1 month: 30 Apr", at(2025, 3, 31, 18, 0, 0), retention.Delay{Months: 1},
			retention.Date{Year: 2025, Month: 4, Day: 30}, at(2025, 5, 1, 0, 0, 0)},
		{"29 Feb 2028 + 1 year: 28 Feb 2029", at(2028, 2, 29, 12, 0, 0), retention.Delay{Years: 1},
			retention.Date{Year: 2029, Month: 2, Day: 28}, at(2029, 3, 1, 0, 0, 0)},
		{"29 Feb 2028 + 4 years: 29 Feb 2032", at(2028, 2, 29, 12, 0, 0), retention.Delay{Years: 4},
			retention.Date{Year: 2032, Month: 2, Day: 29}, at(2032, 3, 1, 0, 0, 0)},
		{"31 Jan + 1 month 1 day: clamp first, then the day", at(2025, 1, 31, 18, 0, 0), retention.Delay{Months: 1, Days: 1},
			retention.Date{Year: 2025, Month: 3, Day: 1}, at(2025, 3, 2, 0, 0, 0)},
		{"31 Dec + 2 months: across the year, 28 Feb", at(2024, 12, 31, 9, 0, 0), retention.Delay{Months: 2},
			retention.Date{Year: 2025, Month: 2, Day: 28}, at(2025, 3, 1, 0, 0, 0)},
		{"15 Jan + 13 months", at(2025, 1, 15, 9, 0, 0), retention.Delay{Months: 13},
			retention.Date{Year: 2026, Month: 2, Day: 15}, at(2026, 2, 16, 0, 0, 0)},
		{"20 Jul + 3 days", at(2025, 7, 20, 18, 0, 0), retention.Delay{Days: 3},
			retention.Date{Year: 2025, Month: 7, Day: 23}, at(2025, 7, 24, 0, 0, 0)},
		{"28 Feb 2025 + 1 day: 1 March", at(2025, 2, 28, 18, 0, 0), retention.Delay{Days: 1},
			retention.Date{Year: 2025, Month: 3, Day: 1}, at(2025, 3, 2, 0, 0, 0)},
		{"trigger one second before midnight JST", at(2025, 1, 31, 23, 59, 59), retention.Delay{Months: 1},
			retention.Date{Year: 2025, Month: 2, Day: 28}, at(2025, 3, 1, 0, 0, 0)},
		// 16:00 UTC on 31 January is 01:00 on 1 February in Japan: the
		// date is taken in Japan, so the month is counted from 1 February.
		{"trigger given in UTC, already the next day in Japan", time.Date(2025, 1, 31, 16, 0, 0, 0, time.UTC), retention.Delay{Months: 1},
			retention.Date{Year: 2025, Month: 3, Day: 1}, at(2025, 3, 2, 0, 0, 0)},
		{"trigger given in UTC, same day in Japan", time.Date(2025, 1, 31, 14, 59, 59, 0, time.UTC), retention.Delay{Months: 1},
			retention.Date{Year: 2025, Month: 2, Day: 28}, at(2025, 3, 1, 0, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := retention.Rule{Class: "contact-card", Trigger: retention.TriggerEventEnd, Delay: tt.delay}
			d, ok := r.Deadline(retention.Milestones{EventEnd: tt.trigger})
			require.True(t, ok)
			require.True(t, d.EndOfDay)
			require.True(t, tt.at.Equal(d.At), "deadline %s, want %s", d.At, tt.at)
			require.Equal(t, tt.lastDay, d.LastDay())
			require.Equal(t, 9*60*60, offset(d.At), "deadline is given in JST")
		})
	}
}

func offset(t time.Time) int { _, off := t.Zone(); return off }

func TestDeadlineZeroDelayIsTheTriggerInstant(t *testing.T) {
	t.Parallel()
	submitted := time.Date(2025, 8, 1, 6, 30, 15, 0, time.UTC)
	r := retention.Rule{Class: "application", Trigger: retention.TriggerReportSubmitted}
	d, ok := r.Deadline(retention.Milestones{ReportSubmitted: submitted})
	require.True(t, ok)
	require.False(t, d.EndOfDay)
	require.True(t, submitted.Equal(d.At))
	require.Equal(t, retention.Date{Year: 2025, Month: 8, Day: 1}, d.LastDay())
	require.Equal(t, "2025年8月1日 15:30:15（日本時間）", d.Japanese())
	require.Equal(t, "1 August 2025 15:30:15 JST", d.English())
}

func TestDeadlineFixedDate(t *testing.T) {
	t.Parallel()
	r := retention.Rule{Class: "application", Trigger: retention.TriggerFixedDate, Date: retention.Date{Year: 2026, Month: 3, Day: 31}}
	d, ok := r.Deadline(retention.Milestones{})
	require.True(t, ok, "a fixed date needs no milestone")
	require.True(t, at(2026, 4, 1, 0, 0, 0).Equal(d.At))
	require.Equal(t, "2026年3月31日 24:00（日本時間）", d.Japanese())
	require.Equal(t, "end of 31 March 2026 (24:00 JST)", d.English())
}

func TestDeadlineUnknownUntilTriggerHappens(t *testing.T) {
	t.Parallel()
	for _, tr := range []retention.Trigger{retention.TriggerEventEnd, retention.TriggerReportSubmitted,
		retention.TriggerContractEnd, retention.TriggerConsentWithdrawn} {
		r := retention.Rule{Class: "application", Trigger: tr, Delay: retention.Delay{Days: 1}}
		_, ok := r.Deadline(retention.Milestones{})
		require.False(t, ok, tr)
	}
}

// TestDeadlineAgainstReference compares every start day of four years
// (a leap year included) and a spread of delays with a reference that
// walks the calendar one month and one day at a time, using its own
// month-length table and leap-year rule.
func TestDeadlineAgainstReference(t *testing.T) {
	t.Parallel()
	delays := []retention.Delay{
		{Days: 1}, {Days: 30}, {Days: 366}, {Months: 1}, {Months: 2}, {Months: 11}, {Months: 12}, {Months: 25},
		{Years: 1}, {Years: 3}, {Years: 1, Months: 1}, {Months: 1, Days: 1}, {Years: 2, Months: 5, Days: 40},
	}
	for day := at(2027, 1, 1, 20, 0, 0); day.Year() < 2031; day = day.AddDate(0, 0, 1) {
		for _, dl := range delays {
			r := retention.Rule{Class: "c", Trigger: retention.TriggerContractEnd, Delay: dl}
			d, ok := r.Deadline(retention.Milestones{ContractEnd: day})
			require.True(t, ok)
			want := referenceLastDay(retention.Date{Year: day.Year(), Month: day.Month(), Day: day.Day()}, dl)
			require.Equal(t, want, d.LastDay(), "%s + %+v", day.Format(time.DateOnly), dl)
		}
	}
}

func referenceLastDay(d retention.Date, dl retention.Delay) retention.Date {
	leap := func(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }
	length := func(y int, m time.Month) int {
		n := [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m-1]
		if m == time.February && leap(y) {
			n++
		}
		return n
	}
	y, m := d.Year, d.Month
	for range dl.Years*12 + dl.Months {
		m++
		if m > time.December {
			m, y = time.January, y+1
		}
	}
	day := min(d.Day, length(y, m))
	for range dl.Days {
		day++
		if day > length(y, m) {
			day, m = 1, m+1
			if m > time.December {
				m, y = time.January, y+1
			}
		}
	}
	return retention.Date{Year: y, Month: m, Day: day}
}

func TestDateText(t *testing.T) {
	t.Parallel()
	var d retention.Date
	require.NoError(t, json.Unmarshal([]byte(`"2028-02-29"`), &d))
	require.Equal(t, retention.Date{Year: 2028, Month: 2, Day: 29}, d)
	out, err := json.Marshal(d)
	require.NoError(t, err)
	require.JSONEq(t, `"2028-02-29"`, string(out))
	for _, bad := range []string{`"2025-02-29"`, `"2025-13-01"`, `"2025-1-1"`, `"tomorrow"`, `""`} {
		require.Error(t, json.Unmarshal([]byte(bad), &d), bad)
	}
	_, err = json.Marshal(retention.Date{Year: 2025, Month: 2, Day: 30})
	require.Error(t, err)
	require.True(t, retention.Date{Year: 2024, Month: 2, Day: 29}.Valid())
	require.False(t, retention.Date{Year: 2100, Month: 2, Day: 29}.Valid(), "2100 is not a leap year")
}
