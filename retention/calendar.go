package retention

import (
	"fmt"
	"time"
)

// jst is Japan Standard Time, UTC+9. Japan has observed no daylight saving
// time since 1951, so a fixed zone gives exactly the dates Asia/Tokyo
// gives for every time this package handles, and needs no time zone
// database on the host (time.LoadLocation would fail on a minimal
// container). It is never modified.
var jst = time.FixedZone("JST", 9*60*60)

// MaxDelayYears bounds a [Delay]: no ward keeps event data for a century,
// and the bound keeps date arithmetic far from overflow.
const MaxDelayYears = 100

// Date is a calendar day in Japan, such as the last day of a contract.
// In JSON it is "YYYY-MM-DD".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the day t falls on in Japan.
func DateOf(t time.Time) Date {
	y, m, d := t.In(jst).Date()
	return Date{y, m, d}
}

// IsZero reports whether d is the zero Date (no date).
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d is a calendar date in years 1 to 9999.
func (d Date) Valid() bool {
	if d.Year < 1 || d.Year > 9999 || d.Month < time.January || d.Month > time.December {
		return false
	}
	return d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

// String returns d as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// MarshalText implements [encoding.TextMarshaler].
func (d Date) MarshalText() ([]byte, error) {
	if !d.Valid() {
		return nil, &Error{Field: "date", Index: -1, Reason: ReasonBadDate}
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler].
func (d *Date) UnmarshalText(b []byte) error {
	t, err := time.ParseInLocation(time.DateOnly, string(b), jst)
	if err != nil {
		return &Error{Field: "date", Index: -1, Reason: ReasonBadDate}
	}
	*d = DateOf(t)
	return nil
}

// end returns the instant the day ends: 24:00 JST, i.e. 00:00 JST of the
// next day.
func (d Date) end() time.Time { return time.Date(d.Year, d.Month, d.Day+1, 0, 0, 0, 0, jst) }

func (d Date) japanese() string { return fmt.Sprintf("%d年%d月%d日", d.Year, int(d.Month), d.Day) }
func (d Date) english() string  { return fmt.Sprintf("%d %s %d", d.Day, d.Month, d.Year) }

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// Delay is a retention delay in calendar units, counted in Japan. Its
// components must not be negative; see the package documentation for how
// they are added.
type Delay struct {
	Years  int `json:"years,omitzero"`
	Months int `json:"months,omitzero"`
	Days   int `json:"days,omitzero"`
}

// IsZero reports whether d is no delay at all.
func (d Delay) IsZero() bool { return d == Delay{} }

// Deadline is the instant from which a data class is expired: served to
// no one and due for erasure.
type Deadline struct {
	// At is the instant, in JST. The data may be held strictly before it.
	At time.Time `json:"at"`
	// EndOfDay is true when At is the end (24:00 JST) of a calendar day,
	// which is the case for every non-zero delay and for fixed dates, and
	// false when At is the trigger instant itself (a zero delay).
	EndOfDay bool `json:"end_of_day,omitzero"`
}

// IsZero reports whether d is the zero Deadline (none known).
func (d Deadline) IsZero() bool { return d.At.IsZero() }

// LastDay returns the last day the data may be held, for a deadline at
// the end of a day; otherwise the day At falls on.
func (d Deadline) LastDay() Date {
	if d.EndOfDay {
		return DateOf(d.At.Add(-time.Nanosecond))
	}
	return DateOf(d.At)
}

// Passed reports whether the deadline has passed at now: true from At on.
func (d Deadline) Passed(now time.Time) bool { return !d.IsZero() && !now.Before(d.At) }

// Japanese renders the deadline in Japanese, e.g. "2025年2月28日 24:00（日本時間）".
func (d Deadline) Japanese() string {
	if d.EndOfDay {
		return d.LastDay().japanese() + " 24:00（日本時間）"
	}
	return DateOf(d.At).japanese() + " " + d.At.In(jst).Format("15:04:05") + "（日本時間）"
}

// English renders the deadline in English, e.g. "end of 28 February 2025 (24:00 JST)".
func (d Deadline) English() string {
	if d.EndOfDay {
		return "end of " + d.LastDay().english() + " (24:00 JST)"
	}
	return DateOf(d.At).english() + " " + d.At.In(jst).Format("15:04:05") + " JST"
}

// after returns the deadline of a delay counted from the trigger instant t:
// t itself for a zero delay; otherwise the end of the day reached by adding
// the years and months to t's date in Japan (the day clamped to the last
// day of the month reached), then the days.
func after(t time.Time, d Delay) Deadline {
	if d.IsZero() {
		return Deadline{At: t.In(jst)}
	}
	day := DateOf(t)
	months := int(day.Month) - 1 + d.Months + 12*d.Years
	y, m := day.Year+months/12, time.Month(months%12+1)
	dd := min(day.Day, daysIn(y, m))
	return Deadline{At: time.Date(y, m, dd+d.Days+1, 0, 0, 0, 0, jst), EndOfDay: true}
}
