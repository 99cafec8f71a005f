package pgp

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors for conditions callers branch on.
var (
	// ErrNoRecipients: an export was asked for without a recipient key.
	ErrNoRecipients = errors.New("kuji/pgp: no recipient keys")
	// ErrNoSigner: an export or a signature was asked for without a signer
	// key, or a decryption requires a signature but names no trusted signer.
	ErrNoSigner = errors.New("kuji/pgp: no signer key")
	// ErrClosed: a Write to, or Close of, a [Writer] already closed.
	ErrClosed = errors.New("kuji/pgp: writer closed")
)

// Reason is the machine-readable code of a [KeyError] or a [MessageError].
type Reason string

// Reasons a key is refused ([KeyError]).
const (
	// ReasonExpired: the key (or every usable subkey) has expired.
	ReasonExpired Reason = "key-expired"
	// ReasonRevoked: the key (or every usable subkey) has been revoked.
	ReasonRevoked Reason = "key-revoked"
	// ReasonNotYetValid: the key was created after the time of the check.
	ReasonNotYetValid Reason = "key-not-yet-valid"
	// ReasonTooWeak: RSA shorter than 3072 bits, DSA or ElGamal.
	ReasonTooWeak Reason = "key-too-weak"
	// ReasonUnsupported: a key version or algorithm outside the pinned
	// profile (v5/v6 keys, X25519/Ed25519 of RFC 9580, Ed448, NIST or
	// Brainpool curves, post-quantum algorithms).
	ReasonUnsupported Reason = "key-unsupported"
	// ReasonNoEncryptionKey: the key has no valid encryption-capable key.
	ReasonNoEncryptionKey Reason = "no-encryption-key"
	// ReasonNoSigningKey: the key has no valid signing-capable key.
	ReasonNoSigningKey Reason = "no-signing-key"
	// ReasonNoPrivateKey: a signing or decryption key without its secret part.
	ReasonNoPrivateKey Reason = "no-private-key"
	// ReasonPassphraseRequired: the secret key is protected and no
	// passphrase was given.
	ReasonPassphraseRequired Reason = "passphrase-required"
	// ReasonWrongPassphrase: the passphrase does not unlock the secret key.
	ReasonWrongPassphrase Reason = "wrong-passphrase"
	// ReasonInvalidKey: not a readable OpenPGP key, or a key without a valid
	// self-signature.
	ReasonInvalidKey Reason = "key-invalid"
	// ReasonInvalidUserID: a name, comment or e-mail contains one of "()<>"
	// or a NUL byte, which an OpenPGP user ID cannot hold.
	ReasonInvalidUserID Reason = "invalid-user-id"
)

// Reasons a message, signature or clear-signed document is refused
// ([MessageError]).
const (
	// ReasonMalformed: not a readable OpenPGP message or signature.
	ReasonMalformed Reason = "message-malformed"
	// ReasonNotEncrypted: the message is not encrypted.
	ReasonNotEncrypted Reason = "message-not-encrypted"
	// ReasonNoDecryptionKey: the message is not encrypted to any given key.
	ReasonNoDecryptionKey Reason = "no-decryption-key"
	// ReasonIntegrity: the ciphertext was modified or truncated.
	ReasonIntegrity Reason = "integrity-check-failed"
	// ReasonUnsigned: the message carries no signature.
	ReasonUnsigned Reason = "unsigned"
	// ReasonUnknownSigner: the signature was made by a key that is not
	// among the trusted signers.
	ReasonUnknownSigner Reason = "unknown-signer"
	// ReasonBadSignature: the signature does not verify, or the signing key
	// was not valid when it signed.
	ReasonBadSignature Reason = "bad-signature"
)

// KeyError reports a key that kuji refuses to use, or cannot read.
type KeyError struct {
	// Fingerprint is the primary key's fingerprint (upper-case hex, as gpg
	// prints it); empty when the key could not be read at all.
	Fingerprint string
	// Reason says why.
	Reason Reason
	// Algorithm names the offending algorithm for ReasonTooWeak and
	// ReasonUnsupported (e.g. "rsa2048", "dsa", "ed448", "v6 key").
	Algorithm string
}

// Code returns the machine-readable reason.
func (e *KeyError) Code() string { return string(e.Reason) }

// Error returns the English message prefixed by the package and code.
func (e *KeyError) Error() string { return "kuji/pgp: " + e.Code() + ": " + e.English() }

// English describes the refusal in English.
func (e *KeyError) English() string {
	key := "the key"
	if e.Fingerprint != "" {
		key = "key " + e.Fingerprint
	}
	switch e.Reason {
	case ReasonExpired:
		return key + " has expired"
	case ReasonRevoked:
		return key + " has been revoked"
	case ReasonNotYetValid:
		return key + " is not valid yet (created in the future)"
	case ReasonTooWeak:
		return key + " is too weak (" + e.Algorithm + "); use Curve25519 or RSA of at least 3072 bits"
	case ReasonUnsupported:
		return key + " uses " + e.Algorithm + ", which GnuPG 2.2 or kuji's pinned profile does not support; use Curve25519 or RSA of at least 3072 bits"
	case ReasonNoEncryptionKey:
		return key + " has no valid encryption subkey"
	case ReasonNoSigningKey:
		return key + " has no valid signing key"
	case ReasonNoPrivateKey:
		return key + " has no secret key material"
	case ReasonPassphraseRequired:
		return key + " is protected by a passphrase and none was given"
	case ReasonWrongPassphrase:
		return "the passphrase does not unlock " + key
	case ReasonInvalidKey:
		return key + " is not a valid OpenPGP key"
	case ReasonInvalidUserID:
		return "a user ID may not contain ( ) < > or NUL"
	}
	return key + " is refused (" + string(e.Reason) + ")"
}

// Japanese describes the refusal in Japanese.
func (e *KeyError) Japanese() string {
	key := "鍵"
	if e.Fingerprint != "" {
		key = "鍵 " + e.Fingerprint + " "
	}
	switch e.Reason {
	case ReasonExpired:
		return key + "は有効期限が切れています"
	case ReasonRevoked:
		return key + "は失効しています"
	case ReasonNotYetValid:
		return key + "はまだ有効ではありません（作成日時が未来です）"
	case ReasonTooWeak:
		return key + "は強度が不足しています（" + e.Algorithm + "）。Curve25519 または 3072 ビット以上の RSA を使ってください"
	case ReasonUnsupported:
		return key + "は GnuPG 2.2 または kuji の固定設定が扱えない方式（" + e.Algorithm + "）です。Curve25519 または 3072 ビット以上の RSA を使ってください"
	case ReasonNoEncryptionKey:
		return key + "には有効な暗号化用副鍵がありません"
	case ReasonNoSigningKey:
		return key + "には有効な署名用の鍵がありません"
	case ReasonNoPrivateKey:
		return key + "には秘密鍵が含まれていません"
	case ReasonPassphraseRequired:
		return key + "はパスフレーズで保護されていますが、パスフレーズが指定されていません"
	case ReasonWrongPassphrase:
		return "パスフレーズが違うため" + key + "を開けません"
	case ReasonInvalidKey:
		return key + "は有効な OpenPGP 鍵ではありません"
	case ReasonInvalidUserID:
		return "ユーザー ID に ( ) < > や NUL 文字は使えません"
	}
	return key + "は使用できません（" + string(e.Reason) + "）"
}

// KeyErrors holds every key refused by one operation, so that all of them
// are reported together. errors.As finds each [*KeyError] through Unwrap.
type KeyErrors []*KeyError

// Error lists the English messages.
func (es KeyErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap returns the individual errors.
func (es KeyErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// MessageError reports an OpenPGP message, detached signature or
// clear-signed document that kuji refuses.
type MessageError struct {
	// Reason says why.
	Reason Reason
	// Signer identifies the key that made the signature concerned, when
	// known: its fingerprint, or "0x" and the 16-digit key ID when only the
	// ID is in the signature. Empty otherwise.
	Signer string
}

// Code returns the machine-readable reason.
func (e *MessageError) Code() string { return string(e.Reason) }

// Error returns the English message prefixed by the package and code.
func (e *MessageError) Error() string { return "kuji/pgp: " + e.Code() + ": " + e.English() }

// English describes the refusal in English.
func (e *MessageError) English() string {
	by := ""
	if e.Signer != "" {
		by = " by " + e.Signer
	}
	switch e.Reason {
	case ReasonMalformed:
		return "the data is not a readable OpenPGP message or signature"
	case ReasonNotEncrypted:
		return "the message is not encrypted"
	case ReasonNoDecryptionKey:
		return "the message is not encrypted to any of the given keys"
	case ReasonIntegrity:
		return "the message was modified or is incomplete (integrity check failed)"
	case ReasonUnsigned:
		return "the message is not signed"
	case ReasonUnknownSigner:
		return "the signature" + by + " was made by a key that is not trusted here"
	case ReasonBadSignature:
		return "the signature" + by + " is not valid"
	}
	return fmt.Sprintf("the message is refused (%s)", e.Reason)
}

// Japanese describes the refusal in Japanese.
func (e *MessageError) Japanese() string {
	by := ""
	if e.Signer != "" {
		by = "（" + e.Signer + "）"
	}
	switch e.Reason {
	case ReasonMalformed:
		return "OpenPGP のメッセージまたは署名として読み取れません"
	case ReasonNotEncrypted:
		return "メッセージが暗号化されていません"
	case ReasonNoDecryptionKey:
		return "指定された鍵のいずれにも宛てて暗号化されていません"
	case ReasonIntegrity:
		return "メッセージが改変されているか、欠けています（完全性検査に失敗しました）"
	case ReasonUnsigned:
		return "メッセージに署名がありません"
	case ReasonUnknownSigner:
		return "署名" + by + "は信頼されていない鍵によるものです"
	case ReasonBadSignature:
		return "署名" + by + "が正しくありません"
	}
	return "メッセージは受け付けられません（" + string(e.Reason) + "）"
}
