package retention

import (
	"strconv"
	"strings"
)

// Lang selects the language of a rendered plan or certificate.
type Lang string

// Languages.
const (
	Japanese Lang = "ja"
	English  Lang = "en"
)

// triggerText holds how each trigger reads in a rule's description and
// why it may not have happened yet.
var triggerText = map[Trigger]struct {
	jaAt, jaNoun, en, waitJA, waitEN string
}{
	TriggerEventEnd:         {"イベント終了時", "イベント終了", "the event ends", "イベントが終了していません", "the event has not ended"},
	TriggerReportSubmitted:  {"事業実施報告書の提出時", "事業実施報告書提出", "the event report is submitted", "事業実施報告書が提出されていません", "the event report has not been submitted"},
	TriggerContractEnd:      {"契約終了時", "契約終了", "the contract ends", "契約が終了していません", "the contract has not ended"},
	TriggerConsentWithdrawn: {"同意撤回時", "同意撤回", "consent is withdrawn", "同意は撤回されていません（撤回した人の記録ごとに期限が決まります）", "consent has not been withdrawn (each withdrawal sets the deadline of that person's records)"},
}

// Japanese describes the rule as a consent notice states it, e.g.
// "イベント終了の1か月後" or "事業実施報告書の提出時".
func (r Rule) Japanese() string {
	if r.Trigger == TriggerFixedDate {
		return r.Date.japanese() + "まで"
	}
	tt := triggerText[r.Trigger]
	if r.Delay.IsZero() {
		return tt.jaAt
	}
	var b strings.Builder
	b.WriteString(tt.jaNoun + "の")
	if r.Delay.Years > 0 {
		b.WriteString(strconv.Itoa(r.Delay.Years) + "年")
	}
	if r.Delay.Months > 0 {
		b.WriteString(strconv.Itoa(r.Delay.Months) + "か月")
	}
	if r.Delay.Days > 0 {
		b.WriteString(strconv.Itoa(r.Delay.Days) + "日")
	}
	b.WriteString("後")
	return b.String()
}

// English describes the rule as a consent notice states it, e.g. "one
// month after the event ends" or "when the event report is submitted".
func (r Rule) English() string {
	if r.Trigger == TriggerFixedDate {
		return "until the end of " + r.Date.english()
	}
	clause := triggerText[r.Trigger].en
	if r.Delay.IsZero() {
		return "when " + clause
	}
	var parts []string
	for _, c := range []struct {
		n    int
		unit string
	}{{r.Delay.Years, "year"}, {r.Delay.Months, "month"}, {r.Delay.Days, "day"}} {
		if c.n > 0 {
			parts = append(parts, count(c.n, c.unit))
		}
	}
	amount := parts[0]
	if len(parts) > 1 {
		amount = strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
	}
	return amount + " after " + clause
}

var numberWords = [...]string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"}

// count spells n units in English: "one month", "three days", "18 months".
func count(n int, unit string) string {
	s := strconv.Itoa(n)
	if n < len(numberWords) {
		s = numberWords[n]
	}
	if n != 1 {
		unit += "s"
	}
	return s + " " + unit
}

// waiting says, in lang, why a rule counted from t has no deadline yet.
func waiting(t Trigger, lang Lang) string {
	if lang == Japanese {
		return triggerText[t].waitJA
	}
	return triggerText[t].waitEN
}
