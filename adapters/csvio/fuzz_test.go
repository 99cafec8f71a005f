package csvio

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kuji-go/kuji/applicant"
	"github.com/stretchr/testify/require"
)

// Fuzz modes, one bit each.
const (
	fuzzLiveSite    = 1 << iota // the live site's schema instead of the city walk's
	fuzzCP932                   // read as CP932
	fuzzAcceptValid             // accept valid rows
)

// importSeeds returns the seed files of testdata/import with the mode
// their names call for (livesite_*, *_cp932*).
func importSeeds(t testing.TB) map[string]byte {
	t.Helper()
	paths, err := filepath.Glob("testdata/import/*.csv")
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	out := map[string]byte{}
	for _, p := range paths {
		var mode byte
		if strings.Contains(filepath.Base(p), "livesite") {
			mode |= fuzzLiveSite
		}
		if strings.Contains(filepath.Base(p), "cp932") {
			mode |= fuzzCP932
		}
		out[p] = mode
	}
	return out
}

// The seed files import as their names say: valid files are accepted
// whole, in every encoding; broken ones are refused.
func TestImportSeeds(t *testing.T) {
	t.Parallel()
	for p, mode := range importSeeds(t) {
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		res, err := fuzzImport(data, mode)
		name := filepath.Base(p)
		switch {
		case strings.Contains(name, "broken") || strings.Contains(name, "bare"):
			got := problems(t, err)
			require.True(t, strings.HasSuffix(got[len(got)-1], ":-:csv_syntax"), "%s: %v", name, got)
		case strings.Contains(name, "invalid"):
			require.Error(t, err, name)
		default:
			require.NoError(t, err, name)
			require.NotEmpty(t, res.Accepted, name)
			require.Equal(t, res.Rows, len(res.Accepted), name)
		}
	}
}

func fuzzImport(data []byte, mode byte) (*Result, error) {
	s := applicant.CityWalkSchema()
	if mode&fuzzLiveSite != 0 {
		s = applicant.LiveSiteSchema()
	}
	opts := &ImportOptions{
		AcceptValid: mode&fuzzAcceptValid != 0,
		MaxRows:     64, MaxLineLen: 4096, MaxCellLen: 300, MaxErrors: 64,
	}
	if mode&fuzzCP932 != 0 {
		opts.Encoding = CP932
	}
	return Import(context.Background(), bytes.NewReader(data), s, opts)
}

// FuzzImport feeds the importer arbitrary files: it must never panic,
// every problem must be a well-formed *Error, and every accepted row must
// re-validate — exported as the return to the ward and imported again, it
// gives the same application.
func FuzzImport(f *testing.F) {
	for p, mode := range importSeeds(f) {
		data, err := os.ReadFile(p)
		require.NoError(f, err)
		f.Add(data, mode)
		f.Add(data, mode|fuzzAcceptValid)
	}
	f.Fuzz(func(t *testing.T, data []byte, mode byte) {
		res, err := fuzzImport(data, mode)
		if err != nil {
			require.Nil(t, res)
			var es Errors
			require.True(t, errors.As(err, &es), "an import of bytes fails only with Errors: %v", err)
			require.NotEmpty(t, es)
			for _, e := range es {
				require.GreaterOrEqual(t, e.Row, 0)
				require.GreaterOrEqual(t, e.Column, 0)
				require.NotEmpty(t, e.Code())
				require.NotEmpty(t, e.English())
				require.NotEmpty(t, e.Japanese())
			}
			return
		}
		if mode&fuzzAcceptValid == 0 {
			require.Empty(t, res.Rejected)
		}
		require.LessOrEqual(t, len(res.Accepted), res.Rows)
		if len(res.Accepted) == 0 {
			return
		}
		s := applicant.CityWalkSchema()
		if mode&fuzzLiveSite != 0 {
			s = applicant.LiveSiteSchema()
		}
		apps := applications(res)
		file := export(t, s, applicant.PurposeReturnToWard, nil, apps...)
		again, err := Import(context.Background(), bytes.NewReader(file), s,
			&ImportOptions{Ignore: []string{"人数", "抽選結果"}})
		require.NoError(t, err, "an accepted row re-validates")
		require.Equal(t, apps, applications(again))
	})
}
