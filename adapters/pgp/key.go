package pgp

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
)

// ErrNotOneKey: [ReadKey] found no key or several keys; use [ReadKeys] for
// a keyring.
var ErrNotOneKey = errors.New("kuji/pgp: expected exactly one key")

// Key is one OpenPGP key (a primary key with its user IDs and subkeys),
// public or with its secret part unlocked.
//
// A Key is immutable and safe for concurrent use: every operation works on
// its own freshly parsed copy, because go-crypto caches signature checks
// inside its key objects. Its String, GoString and LogValue show only the
// fingerprint, never the user ID (a person's name and e-mail address).
type Key struct {
	fingerprint string
	// public is the binary transferable public key; secret is the
	// transferable secret key with its secret parts unlocked, or nil.
	public, secret []byte
}

// newKey records e (whose secret parts, if any, must be unlocked).
func newKey(e *openpgp.Entity) (*Key, error) {
	k := &Key{fingerprint: fingerprint(e.PrimaryKey)}
	var pub bytes.Buffer
	if err := e.Serialize(&pub); err != nil {
		return nil, err
	}
	k.public = pub.Bytes()
	if e.PrivateKey != nil {
		var sec bytes.Buffer
		if err := serializeSecret(&sec, e); err != nil {
			return nil, err
		}
		k.secret = sec.Bytes()
	}
	return k, nil
}

// serializeSecret writes e with the secret part of every key that has one
// and the public part of the others. (go-crypto's SerializePrivate* assume
// that every subkey of a secret key has a secret part.)
func serializeSecret(w io.Writer, e *openpgp.Entity) error {
	if err := e.PrivateKey.Serialize(w); err != nil {
		return err
	}
	for _, sig := range e.Revocations {
		if err := sig.Packet.Serialize(w); err != nil {
			return err
		}
	}
	for _, sig := range e.DirectSignatures {
		if err := sig.Packet.Serialize(w); err != nil {
			return err
		}
	}
	for _, id := range e.Identities {
		if err := id.Serialize(w); err != nil {
			return err
		}
	}
	for _, sub := range e.Subkeys {
		if err := sub.Serialize(w, sub.PrivateKey != nil); err != nil {
			return err
		}
	}
	return nil
}

// entity parses a fresh copy of the key, with its secret parts if it has
// them.
func (k *Key) entity() (*openpgp.Entity, error) {
	raw := k.public
	if k.secret != nil {
		raw = k.secret
	}
	e, err := openpgp.ReadEntity(packet.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return nil, fmt.Errorf("kuji/pgp: re-reading key %s: %w", k.fingerprint, err)
	}
	return e, nil
}

func fingerprint(pk *packet.PublicKey) string {
	return strings.ToUpper(hex.EncodeToString(pk.Fingerprint))
}

// Fingerprint returns the primary key's fingerprint in upper-case hex
// without spaces, as gpg --with-colons prints it (40 digits for v4 keys).
func (k *Key) Fingerprint() string { return k.fingerprint }

// HasPrivateKey reports whether the key holds (unlocked) secret key
// material, so it can sign and decrypt.
func (k *Key) HasPrivateKey() bool { return k.secret != nil }

// Public returns the key without its secret part.
func (k *Key) Public() *Key {
	return &Key{fingerprint: k.fingerprint, public: k.public}
}

// String returns "pgp.Key(FINGERPRINT)", with " secret" when the key has
// its secret part. The value receivers make a Key print the same whether
// formatted by value or by pointer.
func (k Key) String() string {
	kind := ""
	if k.secret != nil {
		kind = " secret"
	}
	return "pgp.Key(" + k.fingerprint + kind + ")"
}

// GoString is String, so that %#v shows no user ID either.
func (k Key) GoString() string { return k.String() }

// LogValue logs the fingerprint and whether the key is secret.
func (k Key) LogValue() slog.Value {
	return slog.GroupValue(slog.String("fingerprint", k.fingerprint), slog.Bool("secret", k.secret != nil))
}

// WritePublic writes the public key, ASCII-armored, as gpg --armor --export
// does; gpg --import reads it.
func (k *Key) WritePublic(w io.Writer) error {
	e, err := k.entity()
	if err != nil {
		return err
	}
	return writeArmored(w, armorPublicKey, e.Serialize)
}

// WritePrivate writes the secret key, ASCII-armored, as gpg --armor
// --export-secret-keys does. A non-empty passphrase protects the secret
// parts with AES-256 under an iterated and salted SHA-256 S2K (what GnuPG
// 2.2 reads); an empty one writes them unprotected. A public key is a
// [*KeyError] with [ReasonNoPrivateKey].
func (k *Key) WritePrivate(w io.Writer, passphrase []byte) error {
	if k.secret == nil {
		return &KeyError{Fingerprint: k.fingerprint, Reason: ReasonNoPrivateKey}
	}
	e, err := k.entity()
	if err != nil {
		return err
	}
	if len(passphrase) > 0 {
		if err := e.EncryptPrivateKeys(passphrase, pinnedConfig(time.Time{})); err != nil {
			return err
		}
	}
	return writeArmored(w, armorPrivateKey, func(w io.Writer) error { return serializeSecret(w, e) })
}

// ReadKey reads exactly one key, ASCII-armored (public or private key
// block) or binary, as gpg --export or --export-secret-keys writes it. A
// passphrase-protected secret key is unlocked with passphrase; a missing or
// wrong passphrase is a [*KeyError]. Reading does not judge the key: use
// [CheckRecipient] or [CheckSigner] for that.
func ReadKey(r io.Reader, passphrase []byte) (*Key, error) {
	list, err := readEntities(r)
	if err != nil {
		return nil, err
	}
	if len(list) != 1 {
		return nil, ErrNotOneKey
	}
	e := list[0]
	if e.PrivateKey != nil && isLocked(e) {
		fpr := fingerprint(e.PrimaryKey)
		if len(passphrase) == 0 {
			return nil, &KeyError{Fingerprint: fpr, Reason: ReasonPassphraseRequired}
		}
		if err := e.DecryptPrivateKeys(passphrase); err != nil {
			return nil, &KeyError{Fingerprint: fpr, Reason: ReasonWrongPassphrase}
		}
	}
	return newKey(e)
}

// ReadKeys reads a keyring of public keys (armored or binary), such as the
// ward's recipient keys or the trusted signers' keys. Secret parts, if the
// input has any, are dropped. Keys that cannot be parsed at all (unknown
// algorithms) are skipped, as gpg does; if none is left it is a
// [*KeyError] with [ReasonInvalidKey].
func ReadKeys(r io.Reader) ([]*Key, error) {
	list, err := readEntities(r)
	if err != nil {
		return nil, err
	}
	keys := make([]*Key, 0, len(list))
	for _, e := range list {
		e.PrivateKey = nil
		for i := range e.Subkeys {
			e.Subkeys[i].PrivateKey = nil
		}
		k, err := newKey(e)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, nil
}

func readEntities(r io.Reader) (openpgp.EntityList, error) {
	body, err := dearmor(r, armorPublicKey, armorPrivateKey)
	if err != nil {
		return nil, &KeyError{Reason: ReasonInvalidKey}
	}
	list, err := openpgp.ReadKeyRing(body)
	if err != nil || len(list) == 0 {
		return nil, &KeyError{Reason: ReasonInvalidKey}
	}
	return list, nil
}

// isLocked reports whether a secret part needs a passphrase. GnuPG's
// stubs for secret keys kept elsewhere (gnu-dummy S2K) need none.
func isLocked(e *openpgp.Entity) bool {
	locked := func(k *packet.PrivateKey) bool { return k != nil && !k.Dummy() && k.Encrypted }
	if locked(e.PrivateKey) {
		return true
	}
	for _, s := range e.Subkeys {
		if locked(s.PrivateKey) {
			return true
		}
	}
	return false
}
