package pgp

import (
	"io"
	"time"

	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
)

// DecryptOptions tunes [Decrypt]. Its zero value (or nil) is not enough on
// its own: Decrypt wants trusted Signers unless AllowUnsigned is set.
type DecryptOptions struct {
	// Now returns the time signatures are judged at (a signature dated
	// later is refused); nil means time.Now.
	Now func() time.Time
	// Signers are the keys whose signature is accepted, e.g. the
	// contractor's key on the ward's side.
	Signers []*Key
	// AllowUnsigned accepts a message that carries no signature at all. A
	// signature that is present must still verify against Signers.
	AllowUnsigned bool
}

// Reader yields the plaintext of a message opened by [Decrypt].
type Reader struct {
	md            *openpgp.MessageDetails
	trusted       map[string]bool
	allowUnsigned bool
	sig           Signature
	err           error // sticky end: io.EOF after success, else the failure
}

// Decrypt opens an OpenPGP message (ASCII-armored or binary) encrypted to
// one of keys, which must hold their secret parts, and returns a [Reader]
// for its plaintext.
//
// The plaintext streams: it is not authenticated until Read returns io.EOF,
// which it does only if the integrity check (MDC) passed and the message
// was signed by one of opts.Signers (or, with AllowUnsigned, not signed at
// all). Otherwise the last Read returns a [*MessageError] instead of io.EOF,
// and the caller must discard everything it read. A signature verifies
// only if the signing key was valid when it signed, the signature is not
// dated after opts.Now, its hash is not SHA-1 or weaker, and the key is not
// too weak (RSA under 3072 bits, DSA). A message that is not encrypted, or
// not to any of keys, is refused here.
func Decrypt(src io.Reader, keys []*Key, opts *DecryptOptions) (*Reader, error) {
	if opts == nil {
		opts = &DecryptOptions{}
	}
	if len(opts.Signers) == 0 && !opts.AllowUnsigned {
		return nil, ErrNoSigner
	}
	now := time.Now()
	if opts.Now != nil {
		now = opts.Now()
	}
	for _, k := range keys {
		if k != nil && !k.HasPrivateKey() {
			return nil, &KeyError{Fingerprint: k.Fingerprint(), Reason: ReasonNoPrivateKey}
		}
	}
	ring, err := keyring(keys, opts.Signers)
	if err != nil {
		return nil, err
	}
	body, err := dearmor(src, armorMessage)
	if err != nil {
		return nil, &MessageError{Reason: ReasonMalformed}
	}
	md, err := openpgp.ReadMessage(body, ring, nil, pinnedConfig(now))
	if err != nil {
		return nil, messageError(err)
	}
	if !md.IsEncrypted {
		return nil, &MessageError{Reason: ReasonNotEncrypted}
	}
	return &Reader{md: md, trusted: fingerprints(opts.Signers), allowUnsigned: opts.AllowUnsigned}, nil
}

// Read reads plaintext. At the end it returns io.EOF only if the message
// is intact and its signature acceptable; see [Decrypt].
func (r *Reader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	n, err := r.md.UnverifiedBody.Read(p)
	switch {
	case err == io.EOF:
		r.err = r.verdict()
	case err != nil:
		r.err = messageError(err)
	}
	return n, r.err
}

func (r *Reader) verdict() error {
	if !r.md.IsSigned && r.allowUnsigned {
		return io.EOF
	}
	sig, err := judge(r.md, r.trusted)
	if err != nil {
		return err
	}
	r.sig = sig
	return io.EOF
}

// Signature returns the verified signature, once Read has returned io.EOF;
// before that, or for an unsigned message, it is the zero Signature.
func (r *Reader) Signature() Signature {
	if r.err != io.EOF {
		return Signature{}
	}
	return r.sig
}
