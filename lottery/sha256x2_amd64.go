//go:build amd64 && !purego

package lottery

//go:generate sh -c "go run ./_asm/sha256x2.go > sha256x2_amd64.s"

// compress2 runs the SHA-256 compression function from the chaining value
// h over each of the two blocks and writes the two resulting chaining
// values, big-endian, to out: for the last block of a message, its digest.
// It needs the SHA extensions (see haveCompress2).
//
//go:noescape
func compress2(h *[8]uint32, blocks *[2][64]byte, out *[2]Digest)

//go:noescape
func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)

// haveCompress2 reports whether the processor has the SHA extensions and
// the SSSE3 and SSE4.1 instructions compress2 also uses.
var haveCompress2 = func() bool {
	if max, _, _, _ := cpuid(0, 0); max < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	_, ebx7, _, _ := cpuid(7, 0)
	const ssse3, sse41, sha = 1 << 9, 1 << 19, 1 << 29
	return ecx1&ssse3 != 0 && ecx1&sse41 != 0 && ebx7&sha != 0
}()
