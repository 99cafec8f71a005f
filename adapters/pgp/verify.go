package pgp

import (
	"errors"
	"fmt"
	"io"
	"time"

	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
)

// Signature describes a signature that verified.
type Signature struct {
	// Signer is the signer's primary-key fingerprint.
	Signer string
	// Created is when the signature says it was made.
	Created time.Time
}

// keyring parses fresh copies of keys into one go-crypto keyring.
func keyring(keys ...[]*Key) (openpgp.EntityList, error) {
	var list openpgp.EntityList
	for _, ks := range keys {
		for _, k := range ks {
			if k == nil {
				return nil, errors.New("kuji/pgp: nil key")
			}
			e, err := k.entity()
			if err != nil {
				return nil, err
			}
			list = append(list, e)
		}
	}
	return list, nil
}

func fingerprints(keys []*Key) map[string]bool {
	set := make(map[string]bool, len(keys))
	for _, k := range keys {
		set[k.Fingerprint()] = true
	}
	return set
}

// judge turns the outcome of go-crypto's verification (valid once the
// signed data has been read to EOF) into kuji's verdict: a signature that
// verifies and was made by one of the trusted keys.
func judge(md *openpgp.MessageDetails, trusted map[string]bool) (Signature, error) {
	if !md.IsSigned || len(md.SignatureCandidates) == 0 {
		return Signature{}, &MessageError{Reason: ReasonUnsigned}
	}
	if md.SignatureError == nil && md.SignedBy != nil && md.Signature != nil {
		fpr := fingerprint(md.SignedBy.Entity.PrimaryKey)
		if !trusted[fpr] {
			return Signature{}, &MessageError{Reason: ReasonUnknownSigner, Signer: fpr}
		}
		return Signature{Signer: fpr, Created: md.Signature.CreationTime}, nil
	}
	who := ""
	if c := md.SelectedCandidate; c != nil {
		if c.SignedByEntity != nil {
			who = fingerprint(c.SignedByEntity.PrimaryKey)
		} else {
			who = fmt.Sprintf("0x%016X", c.IssuerKeyId)
		}
	}
	if errors.Is(md.SignatureError, pgperrors.ErrUnknownIssuer) {
		return Signature{}, &MessageError{Reason: ReasonUnknownSigner, Signer: who}
	}
	return Signature{}, &MessageError{Reason: ReasonBadSignature, Signer: who}
}

// messageError maps go-crypto's errors about the data it read to a
// [*MessageError]; other errors (from the underlying reader) pass through.
func messageError(err error) error {
	var (
		structural pgperrors.StructuralError
		unsupport  pgperrors.UnsupportedError
		malformed  pgperrors.ErrMalformedMessage
		session    pgperrors.DecryptWithSessionKeyError
		signature  pgperrors.SignatureError
		argument   pgperrors.InvalidArgumentError
		unknown    pgperrors.UnknownPacketTypeError
		critical   pgperrors.CriticalUnknownPacketTypeError
	)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pgperrors.ErrKeyIncorrect):
		return &MessageError{Reason: ReasonNoDecryptionKey}
	case errors.As(err, &session), errors.As(err, &signature):
		// SEIPDv1: a wrong MDC or garbled plaintext.
		return &MessageError{Reason: ReasonIntegrity}
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.As(err, &structural), errors.As(err, &unsupport), errors.As(err, &malformed),
		errors.As(err, &argument), errors.As(err, &unknown), errors.As(err, &critical):
		return &MessageError{Reason: ReasonMalformed}
	}
	return err
}
