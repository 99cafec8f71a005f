package audit_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/width"

	"github.com/kuji-go/kuji/audit"
)

// reportLog appends a known mix of entries; the expected counts in the
// tests below are worked out by hand from it.
func reportLog(t *testing.T) (*audit.Log, time.Time, time.Time) {
	t.Helper()
	ctx := context.Background()
	log := newTestLog(t, &memoryStorage{})
	from, until := day0, day0.AddDate(0, 1, 0)
	at := func(h int) time.Time { return from.Add(time.Duration(h) * time.Hour) }
	e := func(h int, actor string, role audit.Role, purpose string, action audit.Action, outcome audit.Outcome, reason string, subjects ...string) audit.Entry {
		return audit.Entry{Time: at(h), Actor: actor, Role: role, Purpose: purpose, Action: action,
			Event: testEvent, Subjects: subjects, Outcome: outcome, Reason: reason}
	}
	entries := []audit.Entry{
		e(1, "staff-017", audit.RoleHandler, "reception", audit.ActionView, audit.OutcomeAllowed, "", "CW-1"),
		e(2, "staff-017", audit.RoleHandler, "reception", audit.ActionView, audit.OutcomeAllowed, "", "CW-2", "CW-3"),
		e(3, "staff-017", audit.RoleHandler, "statistics", audit.ActionExport, audit.OutcomeDenied, "purpose-not-covered"),
		e(4, "staff-017", audit.RoleHandler, "reception", audit.ActionView, audit.OutcomeAllowed, "", "CW-4"),
		e(5, "staff-001", audit.RoleResponsible, "reception", audit.ActionExport, audit.OutcomeAllowed, ""),
		e(6, "staff-001", audit.RoleResponsible, "reception", audit.ActionExport, audit.OutcomeFailed, "disk-full"),
		e(7, "stranger-9", audit.RoleNone, "reception", audit.ActionView, audit.OutcomeDenied, "not-designated", "CW-1"),
		// Outside the period or the event: not counted.
		e(-1, "staff-017", audit.RoleHandler, "reception", audit.ActionView, audit.OutcomeAllowed, "", "CW-9"),
		e(24*31, "staff-017", audit.RoleHandler, "reception", audit.ActionView, audit.OutcomeAllowed, "", "CW-9"),
	}
	other := e(8, "staff-017", audit.RoleHandler, "reception", audit.ActionView, audit.OutcomeAllowed, "", "LS-1")
	other.Event = "livesite-2026"
	entries = append(entries, other)
	_, err := log.Append(ctx, entries...)
	require.NoError(t, err)
	return log, from, until
}

func TestReportCounts(t *testing.T) {
	t.Parallel()
	log, from, until := reportLog(t)
	r, err := log.Report(context.Background(), testEvent, from, until)
	require.NoError(t, err)
	require.Equal(t, []audit.ReportRow{
		{Actor: "staff-001", Role: audit.RoleResponsible, Purpose: "reception", Action: audit.ActionExport, Allowed: 1, Failed: 1},
		{Actor: "staff-017", Role: audit.RoleHandler, Purpose: "reception", Action: audit.ActionView, Allowed: 3, Subjects: 4},
		{Actor: "staff-017", Role: audit.RoleHandler, Purpose: "statistics", Action: audit.ActionExport, Denied: 1},
		{Actor: "stranger-9", Role: audit.RoleNone, Purpose: "reception", Action: audit.ActionView, Denied: 1, Subjects: 1},
	}, r.Rows())
	denied := r.Denied()
	require.Len(t, denied, 2)
	require.Equal(t, "purpose-not-covered", denied[0].Reason)
	require.Equal(t, "not-designated", denied[1].Reason)
}

func TestReportText(t *testing.T) {
	t.Parallel()
	log, from, until := reportLog(t)
	r, err := log.Report(context.Background(), testEvent, from, until)
	require.NoError(t, err)
	roster := []audit.Designation{testDesignation("dsg-1", "staff-017", audit.RoleHandler)}
	roster[0].DisplayName = "Handler Person"

	for _, tc := range []struct {
		lang     audit.Lang
		headings []string
		view     []string // the fields of staff-017's reception view row
		denied   []string // the fields of the stranger's denied attempt
		total    []string
		roster   []string
	}{
		{
			lang:     audit.English,
			headings: []string{"Handling-status report", "Event: citywalk-2026", "Period: 2026-05-01 09:00 – 2026-06-01 09:00 (JST)", "Denied attempts", "Designated persons"},
			view:     []string{"staff-017", "handler", "reception", "view", "3", "0", "0", "4"},
			denied:   []string{"2026-05-01", "16:00", "stranger-9", "not", "designated", "reception", "view", "not-designated"},
			total:    []string{"Total", "4", "2", "1", "5"},
			roster:   []string{"staff-017", "Handler", "Person", "handler", "contractor", "reception,notification", "2026-04-01", "2026-07-01", "2026-03-25", "-"},
		},
		{
			lang:     audit.Japanese,
			headings: []string{"業務に関する報告", "イベント: citywalk-2026", "対象期間: 2026-05-01 09:00 – 2026-06-01 09:00 (JST)", "拒否された操作", "取扱責任者・取扱者の指定"},
			view:     []string{"staff-017", "取扱者", "reception", "閲覧", "3", "0", "0", "4"},
			denied:   []string{"2026-05-01", "16:00", "stranger-9", "指定なし", "reception", "閲覧", "指定なし"},
			total:    []string{"合計", "4", "2", "1", "5"},
			roster:   []string{"staff-017", "Handler", "Person", "取扱者", "受託者", "reception,notification", "2026-04-01", "2026-07-01", "2026-03-25", "-"},
		},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, r.WriteText(&b, tc.lang, roster))
			text := b.String()
			for _, h := range tc.headings {
				require.Contains(t, text, h)
			}
			var lines [][]string
			for _, l := range strings.Split(text, "\n") {
				lines = append(lines, strings.Fields(l))
			}
			require.Contains(t, lines, tc.view)
			require.Contains(t, lines, tc.denied)
			require.Contains(t, lines, tc.total)
			require.Contains(t, lines, tc.roster)
		})
	}

	// Columns line up on a terminal: a Japanese character is two columns wide.
	var b bytes.Buffer
	require.NoError(t, r.WriteText(&b, audit.Japanese, nil))
	offsets := map[int]bool{}
	for _, l := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(l, "staff-001") || strings.HasPrefix(l, "stranger-9") {
			before, _, ok := strings.Cut(l, "reception")
			require.True(t, ok)
			cols := 0
			for _, r := range before {
				if k := width.LookupRune(r).Kind(); k == width.EastAsianWide || k == width.EastAsianFullwidth {
					cols++
				}
				cols++
			}
			offsets[cols] = true
		}
	}
	require.Len(t, offsets, 1, "purpose column starts at different display columns")

	b.Reset()
	require.NoError(t, r.WriteText(&b, audit.English, nil))
	require.NotContains(t, b.String(), "Designated persons")
	require.Error(t, r.WriteText(&b, "fr", nil))
}

func TestReportCSV(t *testing.T) {
	t.Parallel()
	log, from, until := reportLog(t)
	r, err := log.Report(context.Background(), testEvent, from, until)
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, r.WriteCSV(&b, audit.English))
	records, err := csv.NewReader(&b).ReadAll()
	require.NoError(t, err)
	const f, u = "2026-05-01T09:00:00+09:00", "2026-06-01T09:00:00+09:00"
	require.Equal(t, [][]string{
		{"event", "period_from", "period_until", "actor", "role", "purpose", "action", "allowed", "denied", "failed", "records"},
		{testEvent, f, u, "staff-001", "responsible", "reception", "export", "1", "0", "1", "0"},
		{testEvent, f, u, "staff-017", "handler", "reception", "view", "3", "0", "0", "4"},
		{testEvent, f, u, "staff-017", "handler", "statistics", "export", "0", "1", "0", "0"},
		{testEvent, f, u, "stranger-9", "none", "reception", "view", "0", "1", "0", "1"},
	}, records)

	b.Reset()
	require.NoError(t, r.WriteCSV(&b, audit.Japanese))
	records, err = csv.NewReader(&b).ReadAll()
	require.NoError(t, err)
	require.Equal(t, "利用目的", records[0][5])
	require.Len(t, records, 5)
	require.Error(t, r.WriteCSV(&b, "fr"))
}

func TestReportLiteralNeedsNoConstructor(t *testing.T) {
	t.Parallel()
	r := audit.Report{Event: testEvent, From: day0, Until: day0.AddDate(0, 0, 1)}
	r.Add(validEntry())
	require.Len(t, r.Rows(), 1)
}
