package pgp

import (
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// BenchmarkExport100k encrypts and signs a 100,000-row CSV file (about 15
// MB) to a file with kuji, and the same file with gpg --encrypt --sign in
// the same run: same recipient and signer keys (Curve25519), ZLIB at level
// 6, AES-256, SHA-256. ns/op and MB/s are kuji's; gpg-ns/op is gpg's,
// including its process start; kuji/gpg is the ratio (the budget is 1.5).
func BenchmarkExport100k(b *testing.B) {
	k := keys(b)
	g := newGnuPG(b)
	g.importKey(k.ward.Public())
	g.importKey(k.contractor)
	in := g.file("rows.csv", csvBytes(100_000))
	info, err := os.Stat(in)
	require.NoError(b, err)
	kujiOut, gpgOut := filepath.Join(g.home, "kuji.gpg"), filepath.Join(g.home, "gpg.gpg")
	gpgArgs := []string{"--compress-algo", "zlib", "--compress-level", "6", "--cipher-algo", "AES256",
		"--digest-algo", "SHA256", "--recipient", k.ward.Fingerprint(), "--local-user", k.contractor.Fingerprint(),
		"--output", gpgOut, "--encrypt", "--sign", in}
	g.run(nil, gpgArgs...) // starts gpg-agent outside the timing

	export := func() {
		src, err := os.Open(in)
		require.NoError(b, err)
		defer src.Close()
		dst, err := os.Create(kujiOut)
		require.NoError(b, err)
		defer dst.Close()
		w, err := Encrypt(dst, []*Key{k.ward.Public()}, k.contractor, nil)
		require.NoError(b, err)
		_, err = io.Copy(w, src)
		require.NoError(b, err)
		require.NoError(b, w.Close())
	}

	var gpgTime time.Duration
	b.SetBytes(info.Size())
	b.ResetTimer()
	for range b.N {
		export()
		b.StopTimer()
		start := time.Now()
		g.run(nil, gpgArgs...)
		gpgTime += time.Since(start)
		b.StartTimer()
	}
	b.StopTimer()
	kujiNs := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	gpgNs := float64(gpgTime.Nanoseconds()) / float64(b.N)
	b.ReportMetric(gpgNs, "gpg-ns/op")
	b.ReportMetric(kujiNs/gpgNs, "kuji/gpg")

	kujiInfo, err := os.Stat(kujiOut)
	require.NoError(b, err)
	gpgInfo, err := os.Stat(gpgOut)
	require.NoError(b, err)
	b.ReportMetric(float64(kujiInfo.Size())/float64(gpgInfo.Size()), "size-kuji/gpg")
}
