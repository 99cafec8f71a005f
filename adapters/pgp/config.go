package pgp

import (
	"crypto"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/ProtonMail/go-crypto/openpgp/s2k"
)

// Options tunes one operation. A nil *Options is valid and means the
// defaults; fields that do not apply to an operation are ignored.
type Options struct {
	// Now returns the time at which keys are checked and signatures are
	// dated. nil means time.Now: the clock is read only when the caller
	// injects nothing.
	Now func() time.Time
	// Armor wraps an exported message in ASCII armor
	// ("-----BEGIN PGP MESSAGE-----"). Signatures are always armored.
	Armor bool
	// Compression selects the algorithm the plaintext is compressed with
	// before encryption; the zero value is [CompressionZLIB].
	Compression Compression
}

func (o *Options) now() time.Time {
	if o == nil || o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

func (o *Options) compression() packet.CompressionAlgo {
	if o != nil && o.Compression == CompressionZIP {
		return packet.CompressionZIP
	}
	return packet.CompressionZLIB
}

// Compression is a compression algorithm every GnuPG 2.2 reads.
type Compression uint8

const (
	// CompressionZLIB is RFC 1950 ZLIB (OpenPGP algorithm 2), the default.
	CompressionZLIB Compression = iota
	// CompressionZIP is raw RFC 1951 DEFLATE (OpenPGP algorithm 1).
	CompressionZIP
)

// The pinned profile. GnuPG 2.2 reads v4 keys, SEIPDv1 with MDC, AES-256,
// SHA-256, ZLIB/ZIP, RSA and the legacy Curve25519 encodings; it reads none
// of RFC 9580's v6 keys, SEIPDv2/AEAD, X25519/Ed25519 (algorithms 25/27) or
// Argon2 S2K.
const (
	minRSABits   = 3072
	pinnedCipher = packet.CipherAES256
	pinnedHash   = crypto.SHA256
	// s2kCount is the iteration count of the iterated-and-salted S2K that
	// protects exported secret keys (the largest RFC 4880 can encode).
	s2kCount = 65011712
)

// pinnedConfig returns the go-crypto configuration every operation of this
// package runs with. It leaves AEADConfig nil and V6Keys false, so nothing
// produces SEIPDv2, AEAD-protected secret keys or v6 keys.
func pinnedConfig(now time.Time) *packet.Config {
	now = now.Truncate(time.Second)
	return &packet.Config{
		DefaultHash:            pinnedHash,
		DefaultCipher:          pinnedCipher,
		DefaultCompressionAlgo: packet.CompressionZLIB,
		Time:                   func() time.Time { return now },
		S2KConfig: &s2k.Config{
			S2KMode:  s2k.IteratedSaltedS2K,
			Hash:     pinnedHash,
			S2KCount: s2kCount,
		},
		MinRSABits: minRSABits,
	}
}

// inspectConfig is pinnedConfig without go-crypto's own algorithm
// refusals, so that key selection finds weak keys too and the policy in
// check.go can name them instead of failing with a generic error.
func inspectConfig(now time.Time) *packet.Config {
	c := pinnedConfig(now)
	c.MinRSABits = 1 // zero would mean go-crypto's default of 2047
	c.RejectPublicKeyAlgorithms = map[packet.PublicKeyAlgorithm]bool{}
	c.RejectCurves = map[packet.Curve]bool{}
	return c
}
