package csvio

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// The neutralisation table: each cell as given and as the file holds it
// (UTF-8, before CSV quoting is undone). Expected values follow OWASP's
// rule (prefix an apostrophe) and the extensions the package documents.
var guardTable = []struct {
	cell, written, why string
}{
	{"=1+1", "'=1+1", "equals"},
	{"+81 90-1234-5678", "'+81 90-1234-5678", "an international phone number"},
	{"-2", "'-2", "minus"},
	{"@SUM(A1)", "'@SUM(A1)", "at sign"},
	{"\t=1", "'\t=1", "tab"},
	{"\r=1", "\"'\r=1\"", "CR (quoted for the line break)"},
	{"\n=1", "\"'\n=1\"", "LF (quoted for the line break)"},
	{" =1", "' =1", "after a space"},
	{"\u3000=1", "'\u3000=1", "after an ideographic space"},
	{"\u00a0+1", "'\u00a0+1", "after a no-break space"},
	{"  \u3000-1", "'  \u3000-1", "after several spaces"},
	{"＝1+1", "'＝1+1", "full-width equals"},
	{"＋81", "'＋81", "full-width plus"},
	{"－1", "'－1", "full-width hyphen-minus"},
	{"＠x", "'＠x", "full-width at"},
	{"﹦1", "'﹦1", "small equals"},
	{"'=1", "''=1", "an apostrophe already there: guarded, so the guard can be undone"},
	{"''+1", "'''+1", "two apostrophes already there"},
	{"' -1", "'' -1", "an apostrophe, a space, then minus"},
	{"=A1,B1", "\"'=A1,B1\"", "guarded and quoted"},
	{"=\"x\"", "\"'=\"\"x\"\"\"", "guarded, quoted, quotes doubled"},
	{"'abc", "'abc", "an apostrophe before text needs nothing"},
	{"'", "'", "a lone apostrophe"},
	{"a=1", "a=1", "a trigger not at the start"},
	{"1-2", "1-2", "a dash inside"},
	{"東京都", "東京都", "plain text"},
	{"", "", "empty"},
	{"   ", "   ", "only spaces"},
	{"−1", "−1", "U+2212 minus sign is not a formula character"},
}

func TestGuardTable(t *testing.T) {
	t.Parallel()
	for _, tt := range guardTable {
		var buf bytes.Buffer
		w, err := NewWriter(&buf, &Options{LineEnding: LF})
		require.NoError(t, err)
		require.NoError(t, w.Write([]string{tt.cell}))
		require.NoError(t, w.Flush())
		require.Equal(t, "\uFEFF"+tt.written+"\n", buf.String(), tt.why)

		// encoding/csv reads the file back as the guarded cell ...
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\uFEFF"))))
		rec, err := r.Read()
		if tt.cell == "" {
			// encoding/csv skips an empty line; nothing to read.
			require.Error(t, err)
		} else {
			require.NoError(t, err, tt.why)
			want := tt.cell
			if needsGuard(tt.cell) {
				want = "'" + tt.cell
			}
			// (encoding/csv turns a quoted CR LF into LF; no cell here has one.)
			require.Equal(t, []string{want}, rec, tt.why)
			// ... and unguard gives the original back.
			require.Equal(t, tt.cell, unguard(rec[0]), tt.why)
		}
	}
}

// Cells that were never guarded are left alone by unguard, even when they
// start with an apostrophe.
func TestUnguardLeavesUnguarded(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"'abc", "'", "' x", "a'=1", "''", "'東京"} {
		require.Equal(t, s, unguard(s), s)
	}
	require.Equal(t, "=1", unguard("'=1"), "a typist's own guard is removed too")
}

func FuzzGuard(f *testing.F) {
	for _, tt := range guardTable {
		f.Add(tt.cell)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g := guard(s)
		require.Equal(t, s, unguard(g), "unguard undoes guard")
		// What a spreadsheet sees first, after spaces, is never a trigger.
		rest := strings.TrimLeftFunc(g, leadingSpace)
		if r, _ := utf8.DecodeRuneInString(rest); rest != "" {
			require.False(t, formulaTrigger(r), "%q written as %q", s, g)
		}
		if needsGuard(s) {
			require.Equal(t, "'"+s, g)
		} else {
			require.Equal(t, s, g)
		}
	})
}
