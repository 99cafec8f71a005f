package csvio

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/japanese"
)

func writeRows(t *testing.T, opts *Options, rows ...[]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, opts)
	require.NoError(t, err)
	for _, r := range rows {
		require.NoError(t, w.Write(r))
	}
	require.NoError(t, w.Flush())
	require.Equal(t, len(rows), w.Rows())
	return buf.Bytes()
}

func TestWriterFormats(t *testing.T) {
	t.Parallel()
	rows := [][]string{{"氏名", "住所"}, {"a,b", `say "hi"`}, {"line\nbreak", ""}}
	tests := []struct {
		name string
		opts *Options
		want string
	}{
		{"default is UTF-8 with BOM and CRLF", nil,
			"\uFEFF氏名,住所\r\n\"a,b\",\"say \"\"hi\"\"\"\r\n\"line\nbreak\",\r\n"},
		{"LF", &Options{LineEnding: LF},
			"\uFEFF氏名,住所\n\"a,b\",\"say \"\"hi\"\"\"\n\"line\nbreak\",\n"},
		{"CP932 has no BOM", &Options{Encoding: CP932},
			"\x8e\x81\x96\xbc,\x8fZ\x8f\x8a\r\n\"a,b\",\"say \"\"hi\"\"\"\r\n\"line\nbreak\",\r\n"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, string(writeRows(t, tt.opts, rows...)), tt.name)
	}
}

// A CP932 export decodes, with x/text, to what was written.
func TestWriterCP932Decodes(t *testing.T) {
	t.Parallel()
	cells := []string{"東京都新宿区西新宿２－８－１", "ﾀｶﾊｼ", "髙橋 﨑", "①Ⅰⅰ㈱", "～∥－￤", `"q"`}
	out := writeRows(t, &Options{Encoding: CP932}, cells)
	back, err := japanese.ShiftJIS.NewDecoder().Bytes(out)
	require.NoError(t, err)
	require.Equal(t, strings.Join(cells[:5], ",")+`,"""q"""`+"\r\n", string(back))
}

func TestWriterUnmappable(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		char rune
		cell string
	}{
		{'〜', "10時〜12時"},
		{'−', "1−2−3"},
		{'𠮷', "𠮷野家"},
		{'😀', "よろしく😀"},
		{'¥', "¥500"},
	} {
		var buf bytes.Buffer
		w, err := NewWriter(&buf, &Options{Encoding: CP932})
		require.NoError(t, err)
		require.NoError(t, w.Write([]string{"a", "b", "c"}))
		require.NoError(t, w.Write([]string{"1", "2", "3"}))
		err = w.Write([]string{"x", "y", tt.cell})
		var e *Error
		require.ErrorAs(t, err, &e)
		require.Equal(t, ReasonUnmappable, e.Reason)
		require.Equal(t, 3, e.Row)
		require.Equal(t, 3, e.Column)
		require.Equal(t, tt.char, e.Char)
		require.ErrorIs(t, err, ErrUnmappable)
		code := fmt.Sprintf("%U", tt.char)
		require.Contains(t, e.English(), "row 3, column C: the character "+code+" cannot be written in CP932")
		require.Contains(t, e.Japanese(), "3行目 C列: 文字 "+code+" はCP932")
		for _, s := range errorStrings(err) {
			require.NotContains(t, s, tt.cell)
			require.NotContains(t, s, string(tt.char), "the character itself is not printed, only its code point")
		}
		// Failed: the same error again, and nothing reaches the output.
		require.Equal(t, err, w.Write([]string{"4", "5", "6"}))
		require.Equal(t, err, w.Flush())
		require.Zero(t, buf.Len())
		require.Equal(t, 2, w.Rows())
	}
}

// The error surfaces before any byte of the bad row or a later row is
// written; only whole earlier rows may have reached the output.
func TestWriterNothingAfterTheBadRow(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, &Options{Encoding: CP932})
	require.NoError(t, err)
	good := 0
	for ; buf.Len() == 0; good++ {
		require.NoError(t, w.Write([]string{fmt.Sprintf("行%06d", good), "東京都新宿区"}))
	}
	err = w.Write([]string{"BAD-ROW", "〜"})
	require.ErrorIs(t, err, ErrUnmappable)
	require.ErrorIs(t, w.Write([]string{"LATER-ROW", "x"}), ErrUnmappable)
	require.ErrorIs(t, w.Flush(), ErrUnmappable)

	out, err := japanese.ShiftJIS.NewDecoder().String(buf.String())
	require.NoError(t, err)
	require.NotContains(t, out, "BAD-ROW")
	require.NotContains(t, out, "LATER-ROW")
	require.True(t, strings.HasSuffix(out, "\r\n"), "the output ends at a row boundary")
	lines := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n")
	require.LessOrEqual(t, len(lines), good)
	for i, l := range lines {
		require.Equal(t, fmt.Sprintf("行%06d,東京都新宿区", i), l, "whole rows, in order")
	}
}

func TestWriterSubstitutions(t *testing.T) {
	t.Parallel()
	opts := &Options{Encoding: CP932, Substitutions: map[rune]rune{'〜': '～', '−': '－', '𠮷': '吉'}}
	out := writeRows(t, opts, []string{"10時〜12時", "1−2", "𠮷野家", "〜"})
	back, err := japanese.ShiftJIS.NewDecoder().Bytes(out)
	require.NoError(t, err)
	require.Equal(t, "10時～12時,1－2,吉野家,～\r\n", string(back))

	// UTF-8 needs none and applies none.
	out = writeRows(t, &Options{Substitutions: opts.Substitutions}, []string{"〜"})
	require.Equal(t, "\uFEFF〜\r\n", string(out))
}

func TestWriterBadSubstitutions(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		from, to, named rune
		why             string
	}{
		{'〜', '〜', '〜', "the replacement is itself unmappable"},
		{'〜', '😀', '😀', "the replacement is unmappable"},
		{'〜', '\n', '\n', "a control character as replacement"},
		{'a', 'b', 'a', "ASCII is never substituted"},
		{0xD800, 'b', 0xD800, "not a character"},
	} {
		_, err := NewWriter(&bytes.Buffer{}, &Options{Encoding: CP932, Substitutions: map[rune]rune{tt.from: tt.to}})
		var es Errors
		require.ErrorAs(t, err, &es, tt.why)
		require.Len(t, es, 1)
		require.Equal(t, ReasonSubstitution, es[0].Reason, tt.why)
		require.Equal(t, tt.named, es[0].Char, tt.why)
		require.Contains(t, es[0].English(), fmt.Sprintf("%U", tt.named))
	}
}

// A cell is quoted and neutralised as it reads after substitution: − U+2212
// is no formula character, but its replacement － U+FF0D is; 〜 needs no
// quotes, but a comma does.
func TestWriterSubstitutionThenGuard(t *testing.T) {
	t.Parallel()
	opts := &Options{Encoding: CP932, Substitutions: map[rune]rune{'−': '－', '〜': ','}}
	out := writeRows(t, opts, []string{"−1", "a〜b"})
	back, err := japanese.ShiftJIS.NewDecoder().Bytes(out)
	require.NoError(t, err)
	require.Equal(t, "'－1,\"a,b\"\r\n", string(back))
	require.Equal(t, "−1", guard("−1"), "unsubstituted, the cell needs no guard")
}

func TestWriterInvalidUTF8(t *testing.T) {
	t.Parallel()
	for _, enc := range []Encoding{UTF8, CP932} {
		var buf bytes.Buffer
		w, err := NewWriter(&buf, &Options{Encoding: enc})
		require.NoError(t, err)
		err = w.Write([]string{"ok", "bad\xff"})
		var e *Error
		require.ErrorAs(t, err, &e)
		require.Equal(t, ReasonInvalidUTF8, e.Reason)
		require.Equal(t, 1, e.Row)
		require.Equal(t, 2, e.Column)
		require.Equal(t, err, w.Flush())
		require.Zero(t, buf.Len())
	}
}

type failingWriter struct{ n int }

var errDiskFull = errors.New("disk full")

func (f *failingWriter) Write(p []byte) (int, error) {
	f.n++
	return 0, errDiskFull
}

func TestWriterIOError(t *testing.T) {
	t.Parallel()
	fw := &failingWriter{}
	w, err := NewWriter(fw, nil)
	require.NoError(t, err)
	require.NoError(t, w.Write([]string{"a"}))
	err = w.Flush()
	require.ErrorIs(t, err, errDiskFull)
	require.Equal(t, err, w.Write([]string{"b"}))
	require.Equal(t, err, w.Flush())
	require.Equal(t, 1, fw.n, "no retry after a failure")
}

func TestWriterOptions(t *testing.T) {
	t.Parallel()
	for _, o := range []*Options{{Encoding: 7}, {LineEnding: 3}, {Header: 9}} {
		_, err := NewWriter(&bytes.Buffer{}, o)
		require.Error(t, err)
	}
}

// Large exports go out in pieces, and the pieces add up to the whole.
func TestWriterStreams(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, nil)
	require.NoError(t, err)
	var want strings.Builder
	want.WriteString("\uFEFF")
	for i := range 5000 {
		row := []string{fmt.Sprint(i), "東京都新宿区西新宿2-8-1"}
		require.NoError(t, w.Write(row))
		want.WriteString(strings.Join(row, ",") + "\r\n")
		if i == 4000 {
			require.NotZero(t, buf.Len(), "written before Flush")
			require.Less(t, buf.Len(), want.Len())
		}
	}
	require.NoError(t, w.Flush())
	require.Equal(t, want.String(), buf.String())
}

func TestColumnLetters(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{1: "A", 2: "B", 26: "Z", 27: "AA", 52: "AZ", 53: "BA", 702: "ZZ", 703: "AAA"} {
		require.Equal(t, want, columnLetters(n), n)
	}
}
