package applicant

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// liveSiteForm is a valid live-site application typed in awkwardly:
// half-width kana, full-width digits, odd dashes.
func liveSiteForm() Form {
	return Form{
		Preferences: []string{"2021-07-24/1", "", "２０２１－０７－２５/２"},
		Representative: PersonForm{
			Name:       "髙橋　一郎",
			Address:    "東京都新宿区西新宿２－８－１",
			PostalCode: "〒１６３ー８００１",
			Age:        "４２歳",
			Phone:      "０９０ー１２３４ー５６７８",
			Email:      "ichiro.@docomo.ne.jp",
		},
		Companions: []CompanionForm{
			{Name: "髙橋 花子", Age: "40"},
			{},
			{Name: "ﾀｶﾊｼ ｻｸﾗ", Infant: "はい"},
		},
	}
}

func cityWalkForm() Form {
	return Form{
		Category: "在勤",
		Course:   "１０ｋｍ",
		Representative: PersonForm{
			Name:       "山﨑 桜",
			Address:    "東京都中野区中央1-2-3",
			PostalCode: "164-0011",
			Age:        "35",
			Sex:        "女性",
			Phone:      "03(1234)5678",
			Email:      "sakura@example.jp",
		},
	}
}

func mustValidate(t *testing.T, s *Schema, ch Channel, f Form) *Application {
	t.Helper()
	a, err := s.Validate(ch, f)
	require.NoError(t, err)
	return a
}

// withIDs gives a validated application the ID and receipt number the
// Office would.
func withIDs(t *testing.T, s *Schema, a *Application, seq int64) *Application {
	t.Helper()
	a.ID = uuid.MustParse("01890a5d-ac96-774b-bcce-b302099a8057")
	r, err := s.Receipts.Format(seq)
	require.NoError(t, err)
	a.Receipt = r
	return a
}

func intp(n int) *int { return &n }

// reasons lists the (field, companion, reason) of every problem in err.
func reasons(t *testing.T, err error) []string {
	t.Helper()
	var es Errors
	require.ErrorAs(t, err, &es)
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = string(e.Field) + "#" + string(rune('0'+e.Companion)) + ":" + string(e.Reason)
	}
	return out
}
