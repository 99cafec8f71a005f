package pgp

import (
	"crypto/sha256"
	"io"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/require"
)

// heapBound is how much the heap in use may grow while a million rows
// stream through Encrypt. The pipeline's working set is about 1.5 MiB: the
// DEFLATE compressor (about 1 MiB of hash chains and window), two 64 KiB
// buffers and the partial-length packet buffers. The runtime lets the heap
// grow to twice the live data, and to at least 4 MiB, before it collects
// (GOGC=100, which the test sets), and the row generator adds a little
// garbage; the growth measured is about 4 MiB, so 8 MiB leaves a margin of
// two. Buffering could not hide under it: the test requires the message to
// be more than twice the bound (it is about 23 MiB) and the plaintext is
// about 147 MiB.
const heapBound = 8 << 20

// TestEncryptStreamsInFlatMemory streams 1,000,000 CSV rows, generated on
// the fly, through Encrypt into a writer that only hashes, sampling the
// heap every 10,000 rows. It does not run in parallel with other tests,
// which would allocate on the same heap.
func TestEncryptStreamsInFlatMemory(t *testing.T) {
	const rows, every = 1_000_000, 10_000
	k := keys(t)
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	dst := &countingHasher{w: io.Discard, h: sha256.New()}

	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse

	w, err := Encrypt(dst, []*Key{k.ward}, k.contractor, opts())
	require.NoError(t, err)
	g := newRowGenerator()
	var plain int64
	var peak uint64
	for i := range rows {
		n, err := w.Write(g.row(i))
		require.NoError(t, err)
		plain += int64(n)
		if i%every == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}
	require.NoError(t, w.Close())
	res := w.Result()

	growth := int64(peak) - int64(base)
	t.Logf("plaintext %d MiB, message %d MiB, heap in use %d KiB at start, peak growth %d KiB (bound %d KiB)",
		plain>>20, res.Bytes>>20, base>>10, growth>>10, heapBound>>10)
	require.Less(t, growth, int64(heapBound))
	require.Greater(t, res.Bytes, int64(2*heapBound), "the message must be large enough that buffering it would break the bound")
	require.Equal(t, dst.n, res.Bytes)
}
