package pgp

import (
	"errors"
	"math"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
)

// Algorithm is the kind of key [GenerateKey] makes.
type Algorithm string

const (
	// Curve25519 makes an Ed25519 signing primary key and a Curve25519
	// encryption subkey in their legacy encodings (EdDSA and ECDH with
	// curve OIDs), which is what gpg --quick-gen-key ... future-default
	// makes and GnuPG 2.2 reads. It is the default.
	Curve25519 Algorithm = "curve25519"
	// RSA3072 makes an RSA-3072 primary key and an RSA-3072 encryption
	// subkey, gpg's default.
	RSA3072 Algorithm = "rsa3072"
	// RSA4096 makes an RSA-4096 primary key and an RSA-4096 encryption
	// subkey.
	RSA4096 Algorithm = "rsa4096"
)

// KeyOptions tunes [GenerateKey]. A nil *KeyOptions means the defaults.
type KeyOptions struct {
	// Algorithm defaults to [Curve25519].
	Algorithm Algorithm
	// Lifetime is how long after creation the key expires; zero means it
	// never expires. It is stored in whole seconds.
	Lifetime time.Duration
	// Now returns the key's creation time; nil means time.Now.
	Now func() time.Time
}

// GenerateKey makes a new v4 key with one user ID, "name (comment)
// <email>" (any part may be empty), a signing primary key and an encryption
// subkey. Its self-signature states the pinned preferences (AES-256,
// SHA-256, ZLIB) and the MDC feature, but not SEIPDv2/AEAD.
//
// A user ID part containing ( ) < > or NUL is a [*KeyError] with
// [ReasonInvalidUserID]; an unknown algorithm one with [ReasonUnsupported].
func GenerateKey(name, comment, email string, opts *KeyOptions) (*Key, error) {
	if opts == nil {
		opts = &KeyOptions{}
	}
	now := time.Now()
	if opts.Now != nil {
		now = opts.Now()
	}
	cfg := pinnedConfig(now)
	switch opts.Algorithm {
	case "", Curve25519:
		cfg.Algorithm = packet.PubKeyAlgoEdDSA
		cfg.Curve = packet.Curve25519
	case RSA3072:
		cfg.Algorithm = packet.PubKeyAlgoRSA
		cfg.RSABits = 3072
	case RSA4096:
		cfg.Algorithm = packet.PubKeyAlgoRSA
		cfg.RSABits = 4096
	default:
		return nil, &KeyError{Reason: ReasonUnsupported, Algorithm: string(opts.Algorithm)}
	}
	if opts.Lifetime < 0 || opts.Lifetime.Seconds() > math.MaxUint32 {
		return nil, errors.New("kuji/pgp: key lifetime out of range")
	}
	cfg.KeyLifetimeSecs = uint32(opts.Lifetime / time.Second)
	for _, part := range []string{name, comment, email} {
		if strings.ContainsAny(part, "()<>\x00") {
			return nil, &KeyError{Reason: ReasonInvalidUserID}
		}
	}
	e, err := openpgp.NewEntity(name, comment, email, cfg)
	if err != nil {
		return nil, err
	}
	return newKey(e)
}
