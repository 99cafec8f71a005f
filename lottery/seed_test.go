package lottery_test

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/lottery"
)

// rfcSources are the sources of the fully worked example of RFC 3797
// section 6.
var rfcSources = []lottery.Source{
	{Name: "source 1", Values: []string{"9319"}},
	{Name: "source 2", Values: []string{"2", "5", "12", "8", "10"}},
	{Name: "source 3", Values: []string{"9", "18", "26", "34", "41", "45"}},
}

const rfcKey = "9319./2.5.8.10.12./9.18.26.34.41.45./"

func TestKeyString(t *testing.T) {
	t.Parallel()
	ks, err := lottery.KeyString(rfcSources)
	require.NoError(t, err)
	require.Equal(t, rfcKey, ks)

	for _, tc := range []struct {
		values []string
		want   string
	}{
		{[]string{"007", "0", "10", "9"}, "0.7.9.10./"},
		{[]string{"123456789012345678901234567890", "99"}, "99.123456789012345678901234567890./"},
		{[]string{"5", "5"}, "5.5./"},
	} {
		ks, err := lottery.KeyString([]lottery.Source{{Values: tc.values}})
		require.NoError(t, err)
		require.Equal(t, tc.want, ks)
	}
	ks, err = lottery.KeyString(nil)
	require.NoError(t, err)
	require.Empty(t, ks)

	_, err = lottery.KeyString([]lottery.Source{{Name: "x", Values: []string{"1", "2.5", "-3", "", "１"}}, {Name: "y"}})
	var all *lottery.InvalidInputError
	require.ErrorAs(t, err, &all)
	var reasons []lottery.Reason
	for _, p := range all.Problems {
		reasons = append(reasons, p.Reason)
	}
	require.Equal(t, []lottery.Reason{lottery.ReasonBadSourceValue, lottery.ReasonBadSourceValue, lottery.ReasonBadSourceValue,
		lottery.ReasonBadSourceValue, lottery.ReasonEmptySource}, reasons)
	require.Equal(t, "sources[0].values[1]", all.Problems[0].Field)
}

func TestSelectRFC3797WorkedExample(t *testing.T) {
	t.Parallel()
	// RFC 3797 section 6: a pool of 25, the key string above. The MD5
	// values and selections are those printed in the RFC's table (as
	// reproduced in richsalz/ietf-rfc3797-code ref.results and in the
	// tests of votelib and Algorithm::Voting::Sortition).
	md5s := []string{
		"990DD0A5692A029A98B5E01AA28F3459", "3691E55CB63FCC37914430B2F70B5EC6",
		"FE814EDF564C190AC1D25753979990FA", "1863CCACEB568C31D7DDBDF1D4E91387",
		"F4AB33DF4889F0AF29C513905BE1D758", "13EAEB529F61ACFB9A29D0BA3A60DE4A",
		"992DB77C382CA2BDB9727001F3CDCCD9", "63AB4258ECA922976811C7F55C383CE7",
		"DFBC5AC97CED01B3A6E348E3CC63F40D", "31CB111C4A4EBE9287CEAE16FE51B909",
		"07FA46C122F164C215BBC72793B189A3", "AC52F8D75CCBE2E61AFEB3387637D501",
		"53306F73E14FC0B2FBF434218D25948E", "B5D1403501A81F9A47318BE7893B347C",
		"85B10B356AA06663EF1B1B407765100A", "3269E6CE559ABD57E2BA6AAB495EB9BD",
	}
	for i, want := range md5s {
		sum := md5.Sum([]byte(string([]byte{byte(i >> 8), byte(i)}) + rfcKey + string([]byte{byte(i >> 8), byte(i)})))
		require.Equal(t, want, strings.ToUpper(hex.EncodeToString(sum[:])), "MD5 of index %d", i)
	}
	got, err := lottery.SelectRFC3797(rfcKey, 25, 16)
	require.NoError(t, err)
	require.Equal(t, []int{17, 7, 2, 16, 25, 23, 8, 24, 19, 13, 22, 5, 18, 9, 1, 4}, got)

	// Selecting fewer gives a prefix: the sequence is the same draw.
	got, err = lottery.SelectRFC3797(rfcKey, 25, 10)
	require.NoError(t, err)
	require.Equal(t, []int{17, 7, 2, 16, 25, 23, 8, 24, 19, 13}, got)

	all, err := lottery.SelectRFC3797(rfcKey, 25, 25)
	require.NoError(t, err)
	require.ElementsMatch(t, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25}, all)

	none, err := lottery.SelectRFC3797(rfcKey, 25, 0)
	require.NoError(t, err)
	require.Empty(t, none)

	_, err = lottery.SelectRFC3797(rfcKey, 3, 4)
	require.ErrorIs(t, err, lottery.ErrInvalidInput)
	_, err = lottery.SelectRFC3797(rfcKey, 3, -1)
	require.ErrorIs(t, err, lottery.ErrInvalidInput)
}

func TestSecretCommitReveal(t *testing.T) {
	t.Parallel()
	secret := lottery.Secret("a secret chosen before the draw!")
	c := secret.Commitment()
	require.Equal(t, lottery.Digest(sha256.Sum256(secret)), c, "the commitment is plain SHA-256, checkable with sha256sum")
	require.NoError(t, lottery.VerifyReveal(c, secret))
	err := lottery.VerifyReveal(c, []byte("another secret chosen afterwards"))
	require.ErrorIs(t, err, lottery.ErrSecretMismatch)
	require.ErrorIs(t, err, lottery.ErrInvalidInput)

	b, err := json.Marshal(lottery.SeedMaterial{SecretCommitment: &c, Secret: secret})
	require.NoError(t, err)
	require.Contains(t, string(b), `"secret":"`+hex.EncodeToString(secret)+`"`)
	require.Contains(t, string(b), `"secret_commitment":"`+c.String()+`"`)
	var back lottery.SeedMaterial
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, secret, back.Secret)
	require.Equal(t, c, *back.SecretCommitment)
	require.Error(t, json.Unmarshal([]byte(`{"secret":"zz"}`), &back))
	require.Error(t, json.Unmarshal([]byte(`{"secret_commitment":"00"}`), &back))
}

func TestSeedMaterialRules(t *testing.T) {
	t.Parallel()
	in := validInput()
	secret := lottery.Secret("0123456789abcdef")
	c := secret.Commitment()
	wrong := lottery.Secret("fedcba9876543210").Commitment()
	for _, tc := range []struct {
		name   string
		seed   lottery.SeedMaterial
		reason lottery.Reason
	}{
		{"nothing", lottery.SeedMaterial{}, lottery.ReasonNoRandomness},
		{"secret without commitment", lottery.SeedMaterial{Secret: secret}, lottery.ReasonIncompleteRecord},
		{"commitment without secret", lottery.SeedMaterial{SecretCommitment: &c}, lottery.ReasonIncompleteRecord},
		{"short secret", lottery.SeedMaterial{Secret: secret[:15], SecretCommitment: &c}, lottery.ReasonSecretTooShort},
		{"wrong secret", lottery.SeedMaterial{Secret: secret, SecretCommitment: &wrong}, lottery.ReasonSecretMismatch},
		{"empty source", lottery.SeedMaterial{Sources: []lottery.Source{{Name: "x"}}}, lottery.ReasonEmptySource},
	} {
		_, err := lottery.Draw(in, tc.seed)
		var ie *lottery.InputError
		require.ErrorAs(t, err, &ie, tc.name)
		require.Equal(t, tc.reason, ie.Reason, tc.name)
	}
	_, err := lottery.Draw(in, lottery.SeedMaterial{Secret: secret, SecretCommitment: &c})
	require.NoError(t, err)
}

// TestSeedIsBoundToInput: the same public sources give unrelated seeds
// for different committed inputs, so a seed cannot be reused.
func TestSeedIsBoundToInput(t *testing.T) {
	t.Parallel()
	a := validInput()
	b := validInput()
	b.Entries[1].Weight = 2
	ra, err := lottery.Draw(a, lottery.SeedMaterial{Sources: rfcSources})
	require.NoError(t, err)
	rb, err := lottery.Draw(b, lottery.SeedMaterial{Sources: rfcSources})
	require.NoError(t, err)
	require.NotEqual(t, ra.InputDigest, rb.InputDigest)
	require.NotEqual(t, ra.Seed, rb.Seed)
	require.Equal(t, rfcKey, ra.KeyString)

	// The seed is SHA-256 over the layout of SPEC.md section 4.3.
	m := append([]byte("kuji-lottery/v1 seed\x00"), ra.InputDigest[:]...)
	m = append(m, 0, 0, 0, byte(len(rfcKey)))
	m = append(m, rfcKey...)
	m = append(m, 0, 0, 0, 0)
	require.Equal(t, lottery.Digest(sha256.Sum256(m)), ra.Seed)
}
