package csvio

import (
	"bytes"
	"encoding/csv"
	"io"
	"testing"

	"github.com/kuji-go/kuji/applicant"
	"github.com/stretchr/testify/require"
)

// Writing a row allocates nothing: memory does not grow with the export.
func TestWriterDoesNotAllocate(t *testing.T) {
	row := []string{"髙橋 一郎", "東京都新宿区西新宿2-8-1", "163-8001", "42", "090-1234-5678", `"quoted", with comma`, "+81 guarded"}
	for _, enc := range []Encoding{UTF8, CP932} {
		w, err := NewWriter(io.Discard, &Options{Encoding: enc})
		require.NoError(t, err)
		allocs := testing.AllocsPerRun(10_000, func() {
			if err := w.Write(row); err != nil {
				t.Fatal(err)
			}
		})
		require.Zero(t, allocs, "encoding %d", enc)
	}
}

// benchViews returns n live-site reception views of distinct groups.
func benchViews(b *testing.B, n int) (*applicant.Schema, []*applicant.View) {
	s := applicant.LiveSiteSchema()
	views := make([]*applicant.View, n)
	for i := range views {
		views[i] = mustView(b, s, applicant.PurposeReception, mustValidate(b, s, liveSiteForm(i)))
	}
	return s, views
}

// BenchmarkExport writes 100,000 rows of the live site's reception view
// (28 columns: a group of three with two ranked slots) to io.Discard, per
// op. rows/s is the throughput; allocs/op and B/op are per export of
// 100,000 rows, most of them the views' own (ages and group sizes are
// formatted, companions' lists built, per row).
func BenchmarkExport(b *testing.B) {
	const rows = 100_000
	s, views := benchViews(b, 1000)
	for _, bc := range []struct {
		name string
		enc  Encoding
	}{{"utf8", UTF8}, {"cp932", CP932}} {
		b.Run(bc.name, func(b *testing.B) {
			cp932() // the table is built once per process, not per export
			b.ReportAllocs()
			for b.Loop() {
				w, err := NewWriter(io.Discard, &Options{Encoding: bc.enc})
				if err != nil {
					b.Fatal(err)
				}
				vw, err := NewViewWriter(w, s, applicant.PurposeReception)
				if err != nil {
					b.Fatal(err)
				}
				for i := range rows {
					if err := vw.Write(views[i%len(views)]); err != nil {
						b.Fatal(err)
					}
				}
				if err := w.Flush(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkWriter writes the same 100,000 rows as BenchmarkExport, taken
// from the views beforehand: the cost of quoting, neutralising and
// encoding alone.
func BenchmarkWriter(b *testing.B) {
	const rows = 100_000
	s, views := benchViews(b, 1000)
	var buf bytes.Buffer
	w, err := NewWriter(&buf, &Options{LineEnding: LF})
	require.NoError(b, err)
	vw, err := NewViewWriter(w, s, applicant.PurposeReception)
	require.NoError(b, err)
	for _, v := range views {
		require.NoError(b, vw.Write(v))
	}
	require.NoError(b, w.Flush())
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\uFEFF"))))
	table, err := r.ReadAll()
	require.NoError(b, err)
	table = table[1:]
	for _, bc := range []struct {
		name string
		enc  Encoding
	}{{"utf8", UTF8}, {"cp932", CP932}} {
		b.Run(bc.name, func(b *testing.B) {
			cp932()
			b.ReportAllocs()
			for b.Loop() {
				w, err := NewWriter(io.Discard, &Options{Encoding: bc.enc})
				if err != nil {
					b.Fatal(err)
				}
				for i := range rows {
					if err := w.Write(table[i%len(table)]); err != nil {
						b.Fatal(err)
					}
				}
				if err := w.Flush(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkImport reads 10,000 typed-in live-site postcards (UTF-8),
// validating every row.
func BenchmarkImport(b *testing.B) {
	s := applicant.LiveSiteSchema()
	apps := make([]*applicant.Application, 10_000)
	for i := range apps {
		apps[i] = mustValidate(b, s, liveSiteForm(i))
	}
	file := export(b, s, applicant.PurposeReturnToWard, nil, apps...)
	opts := &ImportOptions{Ignore: []string{"人数", "抽選結果"}}
	b.ReportAllocs()
	b.SetBytes(int64(len(file)))
	for b.Loop() {
		res, err := Import(b.Context(), bytesReader(file), s, opts)
		if err != nil || len(res.Accepted) != len(apps) {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(apps))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
