package audit

import (
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"
)

// Lang selects the language of a rendered report.
type Lang string

// Languages.
const (
	Japanese Lang = "ja"
	English  Lang = "en"
)

var errLang = errors.New("kuji/audit: report language must be ja or en")

// jst is Japan Standard Time. Japan has no daylight saving time, so a fixed
// zone is exact and needs no time zone database.
var jst = time.FixedZone("JST", 9*60*60)

// Report is a handling-status report (業務に関する報告) for a ward's
// inspection: the accesses to one event's personal data over a period, by
// actor, purpose and action, with every denied attempt. Build it with
// [NewReport] (or a literal) and [Report.Add], or [Log.Report]; render it with
// [Report.WriteText] or [Report.WriteCSV].
type Report struct {
	// Event is the event reported on.
	Event string
	// From and Until bound the period [From, Until).
	From, Until time.Time

	rows   map[rowKey]*ReportRow
	denied []Entry
}

type rowKey struct {
	actor   string
	role    Role
	purpose string
	action  Action
}

// ReportRow counts one actor's actions of one kind for one purpose.
type ReportRow struct {
	Actor   string
	Role    Role
	Purpose string
	Action  Action
	// Allowed, Denied and Failed count the entries by outcome.
	Allowed, Denied, Failed int
	// Subjects is how many records the entries named in all.
	Subjects int
}

// NewReport returns an empty report on event for the period [from, until).
func NewReport(event string, from, until time.Time) *Report {
	return &Report{Event: event, From: from, Until: until, rows: map[rowKey]*ReportRow{}}
}

// Add counts e if it concerns the report's event and falls within its
// period, and ignores it otherwise.
func (r *Report) Add(e Entry) {
	if e.Event != r.Event || e.Time.Before(r.From) || !e.Time.Before(r.Until) {
		return
	}
	if r.rows == nil {
		r.rows = map[rowKey]*ReportRow{}
	}
	k := rowKey{e.Actor, e.Role, e.Purpose, e.Action}
	row := r.rows[k]
	if row == nil {
		row = &ReportRow{Actor: e.Actor, Role: e.Role, Purpose: e.Purpose, Action: e.Action}
		r.rows[k] = row
	}
	switch e.Outcome {
	case OutcomeAllowed:
		row.Allowed++
	case OutcomeDenied:
		row.Denied++
		r.denied = append(r.denied, e)
	case OutcomeFailed:
		row.Failed++
	}
	row.Subjects += len(e.Subjects)
}

// Rows returns the counts sorted by actor, role, purpose and action.
func (r *Report) Rows() []ReportRow {
	rows := make([]ReportRow, 0, len(r.rows))
	for _, row := range r.rows {
		rows = append(rows, *row)
	}
	slices.SortFunc(rows, func(a, b ReportRow) int {
		return cmp.Or(cmp.Compare(a.Actor, b.Actor), cmp.Compare(a.Role, b.Role),
			cmp.Compare(a.Purpose, b.Purpose), cmp.Compare(a.Action, b.Action))
	})
	return rows
}

// Denied returns the denied attempts in the order they were added (log
// order for [Log.Report]).
func (r *Report) Denied() []Entry { return slices.Clone(r.denied) }

// Report reads the whole log and returns the report on event for the
// period [from, until).
func (l *Log) Report(ctx context.Context, event string, from, until time.Time) (*Report, error) {
	size, err := l.s.Size(ctx)
	if err != nil {
		return nil, err
	}
	r := NewReport(event, from, until)
	err = l.Entries(ctx, 0, size, func(_ int64, e Entry) error {
		r.Add(e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// labels holds a report's fixed text in one language.
type labels struct {
	title, event, period, byActor, denied, noDenied, total, designations string
	columns, deniedColumns, rosterColumns, csvHeader                     []string
	roles                                                                map[Role]string
	actions                                                              map[Action]string
	deny                                                                 map[DenyReason]string
	orgs                                                                 map[Organisation]string
}

var reportLabels = map[Lang]labels{
	English: {
		title:  "Handling-status report: personal information",
		event:  "Event",
		period: "Period",
		csvHeader: []string{"event", "period_from", "period_until", "actor", "role", "purpose", "action",
			"allowed", "denied", "failed", "records"},
		byActor:       "Accesses by actor, purpose and action",
		denied:        "Denied attempts",
		noDenied:      "None.",
		total:         "Total",
		designations:  "Designated persons",
		columns:       []string{"actor", "role", "purpose", "action", "allowed", "denied", "failed", "records"},
		deniedColumns: []string{"time", "actor", "role", "purpose", "action", "reason"},
		rosterColumns: []string{"actor", "name", "role", "organisation", "purposes", "from", "until", "trained", "revoked"},
		roles: map[Role]string{RoleResponsible: "responsible person", RoleHandler: "handler",
			RoleSystem: "system", RoleApplicant: "applicant", RoleNone: "not designated"},
	},
	Japanese: {
		title:  "業務に関する報告（個人情報の取扱状況）",
		event:  "イベント",
		period: "対象期間",
		csvHeader: []string{"イベント", "対象期間（開始）", "対象期間（終了）", "取扱者", "役割", "利用目的", "操作",
			"許可", "拒否", "失敗", "対象件数"},
		byActor:       "取扱者・利用目的・操作別の取扱件数",
		denied:        "拒否された操作",
		noDenied:      "なし",
		total:         "合計",
		designations:  "取扱責任者・取扱者の指定",
		columns:       []string{"取扱者", "役割", "利用目的", "操作", "許可", "拒否", "失敗", "対象件数"},
		deniedColumns: []string{"日時", "取扱者", "役割", "利用目的", "操作", "理由"},
		rosterColumns: []string{"取扱者", "氏名", "役割", "所属", "利用目的", "開始", "終了", "研修受講", "取消"},
		roles: map[Role]string{RoleResponsible: "取扱責任者", RoleHandler: "取扱者",
			RoleSystem: "システム", RoleApplicant: "申込者", RoleNone: "指定なし"},
		actions: map[Action]string{
			ActionView: "閲覧", ActionEdit: "修正", ActionExport: "出力", ActionImport: "取込",
			ActionNotify: "通知", ActionCheckIn: "受付", ActionContactRecord: "連絡先カード記入",
			ActionContactLookup: "連絡先カード照会", ActionApply: "申込", ActionWithdraw: "取下げ",
			ActionStateChange: "状態変更", ActionDraw: "抽選", ActionPurge: "消去",
			ActionCertify: "消去証明", ActionDesignate: "指定", ActionRevoke: "指定取消",
		},
		deny: map[DenyReason]string{
			DenyNotDesignated: "指定なし", DenyPurposeNotCovered: "目的外", DenyNotYetValid: "期間前",
			DenyExpired: "期間満了", DenyRevoked: "指定取消済み", DenyTrainingMissing: "研修未受講",
		},
		orgs: map[Organisation]string{OrganisationWard: "区", OrganisationContractor: "受託者"},
	},
}

// label returns m[k], or k itself where m has no translation (English
// uses the codes).
func label[K ~string](m map[K]string, k K) string {
	if s, ok := m[k]; ok {
		return s
	}
	return string(k)
}

func day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(jst).Format("2006-01-02")
}

func minute(t time.Time) string { return t.In(jst).Format("2006-01-02 15:04") }

// WriteText renders the report as plain text in lang. Times are in Japan
// Standard Time. If designations are given, the report ends with the
// roster of designated persons for the event, with their display names:
// the report goes to the ward, which designated them.
func (r *Report) WriteText(w io.Writer, lang Lang, designations []Designation) error {
	lb, ok := reportLabels[lang]
	if !ok {
		return errLang
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n%s: %s\n%s: %s – %s (JST)\n\n", lb.title, lb.event, r.Event,
		lb.period, minute(r.From), minute(r.Until))

	fmt.Fprintf(&b, "%s\n", lb.byActor)
	table := [][]string{lb.columns}
	var allowed, denied, failed, subjects int
	for _, row := range r.Rows() {
		table = append(table, []string{row.Actor, label(lb.roles, row.Role), cmp.Or(row.Purpose, "-"),
			label(lb.actions, row.Action), strconv.Itoa(row.Allowed), strconv.Itoa(row.Denied),
			strconv.Itoa(row.Failed), strconv.Itoa(row.Subjects)})
		allowed, denied, failed, subjects = allowed+row.Allowed, denied+row.Denied, failed+row.Failed, subjects+row.Subjects
	}
	table = append(table, []string{lb.total, "", "", "", strconv.Itoa(allowed), strconv.Itoa(denied),
		strconv.Itoa(failed), strconv.Itoa(subjects)})
	writeTable(&b, table)

	fmt.Fprintf(&b, "\n%s\n", lb.denied)
	if len(r.denied) == 0 {
		fmt.Fprintln(&b, lb.noDenied)
	} else {
		table = [][]string{lb.deniedColumns}
		for _, e := range r.denied {
			table = append(table, []string{minute(e.Time), e.Actor, label(lb.roles, e.Role), cmp.Or(e.Purpose, "-"),
				label(lb.actions, e.Action), label(lb.deny, DenyReason(e.Reason))})
		}
		writeTable(&b, table)
	}

	var roster []Designation
	for _, d := range designations {
		if d.Event == r.Event {
			roster = append(roster, d)
		}
	}
	if len(roster) > 0 {
		fmt.Fprintf(&b, "\n%s\n", lb.designations)
		table = [][]string{lb.rosterColumns}
		for _, d := range roster {
			table = append(table, []string{d.Actor, cmp.Or(d.DisplayName, "-"), label(lb.roles, d.Role),
				label(lb.orgs, d.Organisation), strings.Join(d.Purposes, ","),
				day(d.From), day(d.Until), day(d.TrainedOn), day(d.RevokedAt)})
		}
		writeTable(&b, table)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteCSV writes the counts as CSV: a header row in lang, then one row per
// actor, role, purpose and action, in the order of [Report.Rows]. Codes
// (roles, purposes, actions) are written as codes so the file can be
// processed; every value is an identifier, a code or a number, so none can
// start a spreadsheet formula.
func (r *Report) WriteCSV(w io.Writer, lang Lang) error {
	lb, ok := reportLabels[lang]
	if !ok {
		return errLang
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(lb.csvHeader); err != nil {
		return err
	}
	from, until := r.From.In(jst).Format(time.RFC3339), r.Until.In(jst).Format(time.RFC3339)
	for _, row := range r.Rows() {
		rec := []string{r.Event, from, until, row.Actor, string(row.Role), row.Purpose, string(row.Action),
			strconv.Itoa(row.Allowed), strconv.Itoa(row.Denied), strconv.Itoa(row.Failed), strconv.Itoa(row.Subjects)}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeTable writes rows as columns separated by two spaces, padding by
// display width: a wide (Japanese) character takes two columns.
func writeTable(b *strings.Builder, rows [][]string) {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(cell))
		}
	}
	for _, row := range rows {
		var line strings.Builder
		for i, cell := range row {
			line.WriteString(cell)
			if i < len(row)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-displayWidth(cell)+2))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
