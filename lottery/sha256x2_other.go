//go:build !amd64 || purego

package lottery

// haveCompress2 is false where there is no assembly compress2: tickets
// are hashed with crypto/sha256.
const haveCompress2 = false

func compress2(h *[8]uint32, blocks *[2][64]byte, out *[2]Digest) {
	panic("kuji/lottery: compress2 is not available")
}
