package csvio

import (
	"bytes"
	"testing"

	"github.com/kuji-go/kuji/applicant"
	"github.com/stretchr/testify/require"
)

// An export of every field (the return to the ward) read back gives the
// same applications, in every encoding and header style. Derived columns
// (人数, 抽選結果) are not input: the import is told to ignore them.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	schemas := []struct {
		name  string
		s     *applicant.Schema
		forms func(int) applicant.Form
	}{
		{"citywalk", applicant.CityWalkSchema(), cityWalkForm},
		{"livesite", applicant.LiveSiteSchema(), liveSiteForm},
	}
	encodings := []struct {
		name string
		enc  Encoding
	}{{"utf8", UTF8}, {"cp932", CP932}}
	styles := []struct {
		name   string
		style  HeaderStyle
		ignore []string
	}{
		{"ja", HeaderJapanese, []string{"人数", "抽選結果"}},
		{"en", HeaderEnglish, []string{"group size", "lottery result"}},
		{"keys", HeaderKeys, []string{"group_size", "lottery_result"}},
	}
	for _, sc := range schemas {
		var apps []*applicant.Application
		for i := range 5 {
			apps = append(apps, mustValidate(t, sc.s, sc.forms(i)))
		}
		// Values needing the formula guard, and quoting, survive too.
		if sc.name == "citywalk" {
			apps[1].Representative.Address = "=HYPERLINK(\"http://example.com\",\"x\"), 新宿区"
			apps[2].Representative.Address = "'-1 新宿区"
		} else {
			apps[1].Representative.Name = "=ボブ"
			apps[2].Representative.Name = "'-ボブ"
		}
		for _, enc := range encodings {
			for _, st := range styles {
				t.Run(sc.name+"/"+enc.name+"/"+st.name, func(t *testing.T) {
					t.Parallel()
					file := export(t, sc.s, applicant.PurposeReturnToWard,
						&Options{Encoding: enc.enc, Header: st.style}, apps...)
					if enc.enc == UTF8 {
						require.True(t, bytes.HasPrefix(file, []byte("\uFEFF")))
					}
					res, err := importBytes(t, sc.s, string(file), &ImportOptions{Encoding: enc.enc, Ignore: st.ignore})
					require.NoError(t, err)
					require.Equal(t, 5, res.Rows)
					require.Empty(t, res.Rejected)
					got := applications(res)
					require.Len(t, got, len(apps))
					for i := range apps {
						require.Equal(t, *apps[i], *got[i], "application %d", i)
						require.Equal(t, i+2, res.Accepted[i].Row)
					}
				})
			}
		}
	}
}
