package pgp

import (
	"errors"
	"fmt"
	"strings"
	"time"

	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
)

// CheckRecipient returns nil if k can receive an export at opts.Now: a v4
// key, valid (neither expired, revoked nor created later), whose primary
// key is Curve25519 (legacy encodings) or RSA of at least 3072 bits and
// which has a valid encryption subkey of those kinds ([Encrypt] uses the
// newest). Otherwise it returns a [*KeyError] saying why.
func CheckRecipient(k *Key, opts *Options) error {
	if _, err := selectKey(k, useEncrypt, opts.now()); err != nil {
		return err
	}
	return nil
}

// CheckSigner returns nil if k can sign at opts.Now: as for
// [CheckRecipient], but it needs a valid signing-capable key (the primary
// key or a cross-certified signing subkey) with its secret part.
func CheckSigner(k *Key, opts *Options) error {
	if _, err := selectKey(k, useSign, opts.now()); err != nil {
		return err
	}
	return nil
}

type usage uint8

const (
	useEncrypt usage = iota
	useSign
)

// selection is the key (primary or subkey) chosen for an operation, from a
// fresh copy of the entity.
type selection struct {
	entity  *openpgp.Entity
	public  *packet.PublicKey
	private *packet.PrivateKey // for useSign
}

// selectKey applies the pinned profile to k at now and picks the key to
// encrypt to or sign with: the newest valid, acceptable one, as gpg does.
func selectKey(k *Key, use usage, now time.Time) (selection, *KeyError) {
	fpr := k.Fingerprint()
	refuse := func(r Reason, algo string) (selection, *KeyError) {
		return selection{}, &KeyError{Fingerprint: fpr, Reason: r, Algorithm: algo}
	}
	e, err := k.entity()
	if err != nil {
		return refuse(ReasonInvalidKey, "")
	}
	primary := e.PrimaryKey
	if primary.Version != 4 {
		return refuse(algorithmProblem(primary))
	}
	if primary.CreationTime.Unix() > now.Unix() {
		return refuse(ReasonNotYetValid, "")
	}
	cfg := inspectConfig(now)
	primarySig, err := e.VerifyPrimaryKey(now, cfg)
	switch {
	case errors.Is(err, pgperrors.ErrKeyRevoked):
		return refuse(ReasonRevoked, "")
	case errors.Is(err, pgperrors.ErrKeyExpired):
		return refuse(ReasonExpired, "")
	case err != nil:
		return refuse(ReasonInvalidKey, "")
	}
	if r, algo := algorithmProblem(primary); r != "" {
		return refuse(r, algo)
	}

	// Candidates are the subkeys whose binding signature, valid at now,
	// grants the usage; the primary key is a candidate of last resort, as
	// in go-crypto and gpg.
	var (
		best     *selection
		bestTime time.Time
		failure  Reason
		failAlgo string
		noSecret bool
	)
	note := func(r Reason, algo string) {
		if failure == "" || rank(r) < rank(failure) {
			failure, failAlgo = r, algo
		}
	}
	for i := range e.Subkeys {
		sub := &e.Subkeys[i]
		sig, err := sub.LatestValidBindingSignature(now, cfg)
		if err != nil || !grants(sig, sub.PublicKey.PubKeyAlgo, use) {
			continue
		}
		switch {
		case sub.Revoked(sig, now):
			note(ReasonRevoked, "")
			continue
		case sub.Expired(sig, now):
			note(ReasonExpired, "")
			continue
		}
		if r, algo := algorithmProblem(sub.PublicKey); r != "" {
			note(r, algo)
			continue
		}
		if use == useSign && (sub.PrivateKey == nil || sub.PrivateKey.Dummy()) {
			noSecret = true
			continue
		}
		if best == nil || sig.CreationTime.After(bestTime) {
			best = &selection{entity: e, public: sub.PublicKey, private: sub.PrivateKey}
			bestTime = sig.CreationTime
		}
	}
	if best != nil {
		return *best, nil
	}
	if grants(primarySig, primary.PubKeyAlgo, use) {
		if use == useSign && (e.PrivateKey == nil || e.PrivateKey.Dummy()) {
			noSecret = true
		} else {
			return selection{entity: e, public: primary, private: e.PrivateKey}, nil
		}
	}
	switch {
	case failure != "":
		return refuse(failure, failAlgo)
	case noSecret:
		return refuse(ReasonNoPrivateKey, "")
	case use == useEncrypt:
		return refuse(ReasonNoEncryptionKey, "")
	default:
		return refuse(ReasonNoSigningKey, "")
	}
}

// rank orders the reasons a usable subkey was not found, most telling
// first.
func rank(r Reason) int {
	switch r {
	case ReasonExpired:
		return 0
	case ReasonRevoked:
		return 1
	case ReasonTooWeak:
		return 2
	default:
		return 3
	}
}

// grants reports whether a self-signature's key flags allow the usage.
// Keys without key flags (RFC 2440 era) are not used.
func grants(sig *packet.Signature, algo packet.PublicKeyAlgorithm, use usage) bool {
	if sig == nil || !sig.FlagsValid {
		return false
	}
	if use == useEncrypt {
		return algo.CanEncrypt() && (sig.FlagEncryptCommunications || sig.FlagEncryptStorage)
	}
	return algo.CanSign() && sig.FlagSign
}

// algorithmProblem returns ReasonTooWeak or ReasonUnsupported and a name
// for the algorithm when pk is outside the pinned profile, else "".
func algorithmProblem(pk *packet.PublicKey) (Reason, string) {
	if pk.Version != 4 {
		return ReasonUnsupported, fmt.Sprintf("v%d key", pk.Version)
	}
	switch pk.PubKeyAlgo {
	case packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSAEncryptOnly, packet.PubKeyAlgoRSASignOnly:
		bits, err := pk.BitLength()
		if err != nil {
			return ReasonInvalidKey, "rsa"
		}
		if bits < minRSABits {
			return ReasonTooWeak, fmt.Sprintf("rsa%d", bits)
		}
		return "", ""
	case packet.PubKeyAlgoDSA:
		return ReasonTooWeak, "dsa"
	case packet.PubKeyAlgoElGamal:
		return ReasonTooWeak, "elgamal"
	case packet.PubKeyAlgoEdDSA, packet.PubKeyAlgoECDH, packet.PubKeyAlgoECDSA:
		prefix := map[packet.PublicKeyAlgorithm]string{
			packet.PubKeyAlgoEdDSA: "eddsa", packet.PubKeyAlgoECDH: "ecdh", packet.PubKeyAlgoECDSA: "ecdsa",
		}[pk.PubKeyAlgo]
		curve, err := pk.Curve()
		if err != nil {
			return ReasonUnsupported, prefix + " on an unknown curve"
		}
		if curve == packet.Curve25519 && pk.PubKeyAlgo != packet.PubKeyAlgoECDSA {
			return "", ""
		}
		return ReasonUnsupported, prefix + "-" + strings.ToLower(string(curve))
	case packet.PubKeyAlgoEd25519:
		return ReasonUnsupported, "ed25519 (RFC 9580 encoding)"
	case packet.PubKeyAlgoX25519:
		return ReasonUnsupported, "x25519 (RFC 9580 encoding)"
	case packet.PubKeyAlgoEd448:
		return ReasonUnsupported, "ed448"
	case packet.PubKeyAlgoX448:
		return ReasonUnsupported, "x448"
	}
	return ReasonUnsupported, fmt.Sprintf("public-key algorithm %d", pk.PubKeyAlgo)
}
