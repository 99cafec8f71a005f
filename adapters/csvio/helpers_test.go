package csvio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/kuji-go/kuji/applicant"
	"github.com/stretchr/testify/require"
)

// Canary personal values: distinctive enough that finding any of them (or
// these fragments of them) in an error string means a value leaked.
const (
	canaryName    = "金糸雀 太郎"
	canaryKana    = "カナリア タロウ"
	canaryAddress = "東京都新宿区金糸雀町9丁目8-7"
	canaryPostal  = "169-0072"
	canaryPhone   = "03-5555-0199"
	canaryComp    = "金糸雀 花子"
)

// canaryFragments are substrings no error may contain.
var canaryFragments = []string{"金糸雀", "太郎", "花子", "カナリア", "タロウ", "9丁目", "0072", "5555", "0199"}

// requireNoCanary fails if s contains any canary fragment.
func requireNoCanary(t *testing.T, s string) {
	t.Helper()
	for _, c := range canaryFragments {
		require.NotContains(t, s, c, "an error string leaks a personal value")
	}
}

// errorStrings returns every way an error can be printed: Error, the
// Japanese and English messages of each *Error, and fmt verbs.
func errorStrings(err error) []string {
	out := []string{err.Error(), fmt.Sprint(err), fmt.Sprintf("%v %+v %#v %s %q", err, err, err, err, err)}
	var es Errors
	if errors.As(err, &es) {
		for _, e := range es {
			out = append(out, e.English(), e.Japanese(), e.Error(), fmt.Sprintf("%+v %#v", e, e))
		}
	}
	var e *Error
	if errors.As(err, &e) {
		out = append(out, e.English(), e.Japanese(), fmt.Sprintf("%+v %#v", e, e))
	}
	return out
}

// cityWalkForm is a valid city-walk postcard.
func cityWalkForm(i int) applicant.Form {
	return applicant.Form{
		Category: "在住",
		Course:   "１０ｋｍ",
		Representative: applicant.PersonForm{
			Name:       "山田 " + kanjiNumber(i),
			Address:    "東京都新宿区歌舞伎町1-4-" + strconv.Itoa(i+1),
			PostalCode: "〒160-8484",
			Age:        strconv.Itoa(20 + i%50),
			Sex:        "女性",
			Phone:      fmt.Sprintf("03-3209-%04d", i%10000),
		},
	}
}

// liveSiteForm is a valid live-site postcard of a group of three.
func liveSiteForm(i int) applicant.Form {
	return applicant.Form{
		Preferences: []string{"2021-07-24/1", "2021-07-25/2"},
		Representative: applicant.PersonForm{
			Name:       "髙橋 " + kanjiNumber(i),
			Address:    "東京都新宿区西新宿２－８－" + strconv.Itoa(i+1),
			PostalCode: "163-8001",
			Age:        "42",
			Phone:      fmt.Sprintf("090-1234-%04d", i%10000),
		},
		Companions: []applicant.CompanionForm{
			{Name: "髙橋 花", Age: "40"},
			{Name: "ﾀｶﾊｼ ｻｸﾗ", Infant: "はい"},
		},
	}
}

// kanjiNumber spells i in kanji digits, to make distinct valid names.
func kanjiNumber(i int) string {
	const digits = "零一二三四五六七八九"
	d := []rune(digits)
	var b strings.Builder
	for _, c := range strconv.Itoa(i) {
		b.WriteRune(d[c-'0'])
	}
	return b.String()
}

func mustValidate(t testing.TB, s *applicant.Schema, f applicant.Form) *applicant.Application {
	t.Helper()
	a, err := s.Validate(applicant.ChannelPostcard, f)
	require.NoError(t, err)
	return a
}

func mustView(t testing.TB, s *applicant.Schema, p applicant.Purpose, a *applicant.Application) *applicant.View {
	t.Helper()
	v, err := s.View(p, a)
	require.NoError(t, err)
	return v
}

// export writes the views of apps for purpose p and returns the file.
func export(t testing.TB, s *applicant.Schema, p applicant.Purpose, opts *Options, apps ...*applicant.Application) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, opts)
	require.NoError(t, err)
	vw, err := NewViewWriter(w, s, p)
	require.NoError(t, err)
	for _, a := range apps {
		require.NoError(t, vw.Write(mustView(t, s, p, a)))
	}
	require.NoError(t, w.Flush())
	return buf.Bytes()
}

func importBytes(t testing.TB, s *applicant.Schema, file string, opts *ImportOptions) (*Result, error) {
	t.Helper()
	return Import(context.Background(), strings.NewReader(file), s, opts)
}

// problems lists an import error as "row:column:code" entries, with the
// applicant reason for validation problems ("row:column:invalid/reason").
func problems(t testing.TB, err error) []string {
	t.Helper()
	var es Errors
	require.ErrorAs(t, err, &es)
	return problemList(es)
}

func problemList(es Errors) []string {
	out := make([]string, len(es))
	for i, e := range es {
		code := e.Code()
		var ae *applicant.Error
		if errors.As(e, &ae) {
			code += "/" + ae.Code()
		}
		out[i] = fmt.Sprintf("%d:%s:%s", e.Row, colName(e.Column), code)
	}
	return out
}

func colName(c int) string {
	if c == 0 {
		return "-"
	}
	return columnLetters(c)
}

// applications returns the applications of an import.
func applications(r *Result) []*applicant.Application {
	out := make([]*applicant.Application, len(r.Accepted))
	for i, im := range r.Accepted {
		out[i] = im.Application
	}
	return out
}

// sprintAll formats v with every verb that might print a value.
func sprintAll(v any) string {
	return fmt.Sprintf("%v %+v %#v %s %q", v, v, v, v, v)
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
