package csvio

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/kuji-go/kuji/applicant"
	"github.com/stretchr/testify/require"
)

// No problem the package can report carries a personal value: a file full
// of canary values, wrong in every way a row can be, gives errors none of
// whose strings contains a canary.
func TestNoPersonalValueInImportErrors(t *testing.T) {
	t.Parallel()
	s := applicant.LiveSiteSchema()
	head := "氏名,住所,郵便番号,年齢,電話番号,第1希望,同行者1氏名,同行者1年齢,同行者1乳幼児"
	row := func(cells ...string) string { return strings.Join(cells, ",") }
	file := lines(head,
		row(canaryName, canaryAddress, canaryPostal, "42", canaryPhone+"9", "2021-07-24/1", canaryComp, "", "金糸雀"),           // bad phone, companion age, infant flag
		row(canaryName, "東京都中野区"+canaryAddress[len("東京都新宿区"):], canaryPostal, "42", canaryPhone, "2021-07-24/1", "", "", ""), // not resident
		row(canaryName, canaryAddress, canaryPostal+"0", "金糸雀", canaryPhone, "金糸雀", "", "", ""),                              // postal code, age, slot
		row(canaryKana+"\xff", canaryAddress, canaryPostal, "42", canaryPhone, "2021-07-24/1", "", "", ""),                   // invalid UTF-8
		row(canaryName, strings.Repeat(canaryAddress, 40), canaryPostal, "42", canaryPhone, "2021-07-24/1", "", "", ""),      // too long
		row(canaryName, canaryAddress, canaryPostal),                                                              // too few cells
		row(canaryName+"@", canaryAddress, canaryPostal, "42", canaryPhone, "2021-07-24/1", canaryName, "42", ""), // bad name, same person twice
	)
	res, err := importBytes(t, s, file, &ImportOptions{AcceptValid: true})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(res.Rejected), 10)
	for _, s := range errorStrings(res.Rejected) {
		requireNoCanary(t, s)
	}
	_, err = importBytes(t, s, file, nil)
	for _, s := range errorStrings(err) {
		requireNoCanary(t, s)
	}
	// Broken quoting inside a canary cell.
	_, err = importBytes(t, s, lines(head, canaryName+",\""+canaryAddress), nil)
	require.Error(t, err)
	for _, s := range errorStrings(err) {
		requireNoCanary(t, s)
	}
}

func TestNoPersonalValueInExportErrors(t *testing.T) {
	t.Parallel()
	w, err := NewWriter(&bytes.Buffer{}, &Options{Encoding: CP932})
	require.NoError(t, err)
	err = w.Write([]string{canaryName + "〜", canaryAddress + "😀"})
	require.ErrorIs(t, err, ErrUnmappable)
	for _, s := range errorStrings(err) {
		requireNoCanary(t, s)
	}
}

// A result prints, logs and formats no personal value: the applications
// in it redact themselves.
func TestResultRedacts(t *testing.T) {
	t.Parallel()
	s := applicant.CityWalkSchema()
	file := lines(cityWalkHeader, strings.Join([]string{canaryName, canaryAddress, canaryPostal, "35", "男性", canaryPhone, "在住", "10km"}, ","))
	res, err := importBytes(t, s, file, nil)
	require.NoError(t, err)
	require.Len(t, res.Accepted, 1)
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("import", "result", res, "first", res.Accepted[0], "app", res.Accepted[0].Application)
	for _, s := range []string{logged.String(), sprintAll(res), sprintAll(*res), sprintAll(res.Accepted[0]), sprintAll(res.Accepted[0].Application)} {
		requireNoCanary(t, s)
	}
}
