package applicant

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// MaxAge is the oldest age kuji accepts.
const MaxAge = 130

// InfantMaxAge is the oldest age at which a companion counts as an infant
// (乳幼児: not yet at primary school).
const InfantMaxAge = 5

// parseAge parses an age in whole years: "35", "３５", "35歳", "35才",
// "満35歳".
func parseAge(s string) (int, Reason) {
	s = strings.TrimSpace(norm.NFKC.String(s))
	if s == "" {
		return 0, ReasonRequired
	}
	s = strings.TrimPrefix(s, "満")
	for _, suf := range []string{"歳", "才", "さい"} {
		s = strings.TrimSuffix(s, suf)
	}
	s = strings.TrimSpace(s)
	if len(s) == 0 || len(s) > 3 {
		return 0, ReasonAge
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, ReasonAge
		}
	}
	n, _ := strconv.Atoi(s)
	if n > MaxAge {
		return 0, ReasonAgeRange
	}
	return n, ""
}

var (
	dateCompact = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
	dateWestern = regexp.MustCompile(`^(\d{4}) ?[-/.年] ?(\d{1,2}) ?[-/.月] ?(\d{1,2}) ?日?$`)
	dateEra     = regexp.MustCompile(`^(明治|大正|昭和|平成|令和|[MTSHRmtshr]) ?(\d{1,2}|元) ?[-/.年] ?(\d{1,2}) ?[-/.月] ?(\d{1,2}) ?日?$`)
)

type era struct {
	names      [2]string
	first      int // Gregorian year of the era's first year (元年)
	start, end string
}

// eras are the Japanese eras since the Gregorian calendar was adopted, with
// their first and last days.
var eras = [...]era{
	{names: [2]string{"明治", "m"}, first: 1868, start: "1868-01-01", end: "1912-07-29"},
	{names: [2]string{"大正", "t"}, first: 1912, start: "1912-07-30", end: "1926-12-24"},
	{names: [2]string{"昭和", "s"}, first: 1926, start: "1926-12-25", end: "1989-01-07"},
	{names: [2]string{"平成", "h"}, first: 1989, start: "1989-01-08", end: "2019-04-30"},
	{names: [2]string{"令和", "r"}, first: 2019, start: "2019-05-01", end: "9999-12-31"},
}

// parseBirthDate parses a date of birth and returns it as YYYY-MM-DD.
// Accepted: "1980-04-01", "1980/4/1", "1980.4.1", "1980年4月1日", "19800401",
// full-width digits, any dash-like separator, and Japanese era dates
// "昭和55年4月1日", "S55.4.1", "平成元年1月8日", "㍼55年4月1日" (the era must
// contain the date: 昭和64年1月8日 does not exist). The date must not be after
// on, nor more than MaxAge years before it.
func parseBirthDate(s string, on time.Time) (string, Reason) {
	s = strings.TrimSpace(norm.NFKC.String(s))
	if s == "" {
		return "", ReasonRequired
	}
	s = strings.Map(func(r rune) rune {
		if isDash(r) {
			return '-'
		}
		return r
	}, s)
	var y, m, d int
	if g := dateCompact.FindStringSubmatch(s); g != nil {
		y, m, d = atoi(g[1]), atoi(g[2]), atoi(g[3])
	} else if g := dateWestern.FindStringSubmatch(s); g != nil {
		y, m, d = atoi(g[1]), atoi(g[2]), atoi(g[3])
	} else if g := dateEra.FindStringSubmatch(s); g != nil {
		e, ok := findEra(g[1])
		if !ok {
			return "", ReasonBirthDate
		}
		n := 1
		if g[2] != "元" {
			n = atoi(g[2])
		}
		if n < 1 {
			return "", ReasonBirthDate
		}
		y, m, d = e.first+n-1, atoi(g[3]), atoi(g[4])
		if !validDate(y, m, d) {
			return "", ReasonBirthDate
		}
		iso := isoDate(y, m, d)
		if iso < e.start || iso > e.end {
			return "", ReasonBirthDate
		}
	} else {
		return "", ReasonBirthDate
	}
	if !validDate(y, m, d) {
		return "", ReasonBirthDate
	}
	born := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	day := time.Date(on.Year(), on.Month(), on.Day(), 0, 0, 0, 0, time.UTC)
	if born.After(day) || ageAt(born, day) > MaxAge {
		return "", ReasonBirthDateRange
	}
	return isoDate(y, m, d), ""
}

func findEra(name string) (era, bool) {
	name = strings.ToLower(name)
	for _, e := range eras {
		if e.names[0] == name || e.names[1] == name {
			return e, true
		}
	}
	return era{}, false
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func validDate(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 || y < 1 {
		return false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t.Day() == d && int(t.Month()) == m
}

func isoDate(y, m, d int) string {
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// ageAt returns the age in completed years on day, for someone born on
// born (both dates, time of day ignored). Someone born on 29 February is a
// year older from 1 March in common years, which is what the Act on
// Calculation of Age (年齢計算ニ関スル法律) gives for any moment of that day.
func ageAt(born, day time.Time) int {
	age := day.Year() - born.Year()
	if day.Month() < born.Month() || (day.Month() == born.Month() && day.Day() < born.Day()) {
		age--
	}
	return age
}

// parseFlag parses a yes/no answer ("1", "はい", "○", "乳幼児", ... / "", "0",
// "いいえ", "×", ...).
func parseFlag(s string) (bool, Reason) {
	switch optionKey(s) {
	case "", "0", "false", "no", "n", "いいえ", "なし", "無", "×", "✕":
		return false, ""
	case "1", "true", "yes", "y", "はい", "あり", "有", "○", "〇", "◯", "✓", "✔", "乳幼児", "infant":
		return true, ""
	}
	return false, ReasonUnknownOption
}
