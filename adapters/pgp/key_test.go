package pgp

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/stretchr/testify/require"
)

var hexFingerprint = regexp.MustCompile(`^[0-9A-F]{40}$`)

func TestGenerateKey(t *testing.T) {
	t.Parallel()
	cases := []struct {
		algo       Algorithm
		primary    packet.PublicKeyAlgorithm
		encryption packet.PublicKeyAlgorithm
		bits       uint16 // RSA modulus size, 0 for curves
	}{
		{"", packet.PubKeyAlgoEdDSA, packet.PubKeyAlgoECDH, 0},
		{Curve25519, packet.PubKeyAlgoEdDSA, packet.PubKeyAlgoECDH, 0},
		{RSA3072, packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSA, 3072},
		{RSA4096, packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSA, 4096},
	}
	for _, tc := range cases {
		t.Run(string(tc.algo), func(t *testing.T) {
			t.Parallel()
			k, err := GenerateKey("区 太郎", "担当", "taro@city.example.jp", &KeyOptions{Algorithm: tc.algo, Now: at(created)})
			require.NoError(t, err)
			require.Regexp(t, hexFingerprint, k.Fingerprint())
			require.True(t, k.HasPrivateKey())
			require.NoError(t, CheckRecipient(k, opts()))
			require.NoError(t, CheckSigner(k, opts()))

			e, err := k.entity()
			require.NoError(t, err)
			require.Equal(t, 4, e.PrimaryKey.Version)
			require.Equal(t, k.Fingerprint(), strings.ToUpper(hex.EncodeToString(e.PrimaryKey.Fingerprint)))
			require.Equal(t, tc.primary, e.PrimaryKey.PubKeyAlgo)
			require.Equal(t, created.Unix(), e.PrimaryKey.CreationTime.Unix())
			require.Len(t, e.Subkeys, 1)
			sub := e.Subkeys[0].PublicKey
			require.Equal(t, tc.encryption, sub.PubKeyAlgo)
			if tc.bits > 0 {
				bits, err := sub.BitLength()
				require.NoError(t, err)
				require.Equal(t, tc.bits, bits)
			} else {
				curve, err := sub.Curve()
				require.NoError(t, err)
				require.Equal(t, packet.Curve25519, curve)
			}

			// The self-signature states the pinned preferences and does
			// not invite SEIPDv2, which GnuPG 2.2 cannot read.
			sig, err := e.PrimarySelfSignature(created.Add(time.Hour), pinnedConfig(created))
			require.NoError(t, err)
			require.True(t, sig.SEIPDv1)
			require.False(t, sig.SEIPDv2)
			require.Empty(t, sig.PreferredCipherSuites)
			require.Equal(t, uint8(packet.CipherAES256), sig.PreferredSymmetric[0])
			require.Equal(t, uint8(8), sig.PreferredHash[0], "SHA-256")
			require.Contains(t, sig.PreferredCompression, uint8(packet.CompressionZLIB))
			require.Equal(t, "区 太郎 (担当) <taro@city.example.jp>", e.Identities["区 太郎 (担当) <taro@city.example.jp>"].Name)
		})
	}
}

func TestGenerateKeyLifetime(t *testing.T) {
	t.Parallel()
	k, err := GenerateKey("Ward", "", "", &KeyOptions{Lifetime: 24 * time.Hour, Now: at(created)})
	require.NoError(t, err)
	require.NoError(t, CheckRecipient(k, &Options{Now: at(created.Add(23 * time.Hour))}))
	requireKeyError(t, CheckRecipient(k, &Options{Now: at(created.Add(25 * time.Hour))}), ReasonExpired, k.Fingerprint())
}

func TestGenerateKeyRefuses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, comment, email string
		opts                 *KeyOptions
		reason               Reason
	}{
		{"Ward <x>", "", "", nil, ReasonInvalidUserID},
		{"Ward", "(c)", "", nil, ReasonInvalidUserID},
		{"Ward", "", "a\x00@example.jp", nil, ReasonInvalidUserID},
		{"Ward", "", "", &KeyOptions{Algorithm: "dsa1024"}, ReasonUnsupported},
		{"Ward", "", "", &KeyOptions{Algorithm: "ed448"}, ReasonUnsupported},
	}
	for _, tc := range cases {
		_, err := GenerateKey(tc.name, tc.comment, tc.email, tc.opts)
		requireKeyError(t, err, tc.reason, "")
	}
	_, err := GenerateKey("Ward", "", "", &KeyOptions{Lifetime: -time.Hour})
	require.Error(t, err)
}

func TestKeyArmorRoundTrip(t *testing.T) {
	t.Parallel()
	k := keys(t).contractor

	var pub bytes.Buffer
	require.NoError(t, k.WritePublic(&pub))
	require.True(t, strings.HasPrefix(pub.String(), "-----BEGIN PGP PUBLIC KEY BLOCK-----\n"))
	require.True(t, strings.HasSuffix(pub.String(), "-----END PGP PUBLIC KEY BLOCK-----\n"))
	require.Regexp(t, `(?m)^=[A-Za-z0-9+/]{4}$`, pub.String(), "CRC-24 line, which GnuPG 2.2 needs")
	got, err := ReadKey(bytes.NewReader(pub.Bytes()), nil)
	require.NoError(t, err)
	require.Equal(t, k.Fingerprint(), got.Fingerprint())
	require.False(t, got.HasPrivateKey())
	require.NoError(t, CheckRecipient(got, opts()))
	requireKeyError(t, CheckSigner(got, opts()), ReasonNoPrivateKey, k.Fingerprint())
	requireKeyError(t, got.WritePrivate(&bytes.Buffer{}, nil), ReasonNoPrivateKey, k.Fingerprint())

	// Unprotected secret key.
	var sec bytes.Buffer
	require.NoError(t, k.WritePrivate(&sec, nil))
	require.True(t, strings.HasPrefix(sec.String(), "-----BEGIN PGP PRIVATE KEY BLOCK-----\n"))
	got, err = ReadKey(bytes.NewReader(sec.Bytes()), nil)
	require.NoError(t, err)
	require.True(t, got.HasPrivateKey())
	require.NoError(t, CheckSigner(got, opts()))

	// Passphrase-protected secret key: iterated and salted S2K, CFB with
	// a SHA-1 check (usage 254), never AEAD or Argon2.
	pass := []byte("くじ引き passphrase")
	sec.Reset()
	require.NoError(t, k.WritePrivate(&sec, pass))
	block, err := armor.Decode(bytes.NewReader(sec.Bytes()))
	require.NoError(t, err)
	p, err := packet.Read(block.Body)
	require.NoError(t, err)
	priv, ok := p.(*packet.PrivateKey)
	require.True(t, ok)
	require.True(t, priv.Encrypted)
	_, err = ReadKey(bytes.NewReader(sec.Bytes()), nil)
	requireKeyError(t, err, ReasonPassphraseRequired, k.Fingerprint())
	_, err = ReadKey(bytes.NewReader(sec.Bytes()), []byte("wrong"))
	requireKeyError(t, err, ReasonWrongPassphrase, k.Fingerprint())
	got, err = ReadKey(bytes.NewReader(sec.Bytes()), pass)
	require.NoError(t, err)
	require.NoError(t, CheckSigner(got, opts()))
	// Protecting the export did not lock the key in memory.
	require.NoError(t, CheckSigner(k, opts()))

	// Binary (unarmored) input is read too.
	bin, err := ReadKey(bytes.NewReader(k.public), nil)
	require.NoError(t, err)
	require.Equal(t, k.Fingerprint(), bin.Fingerprint())

	// Public drops the secret part.
	require.False(t, k.Public().HasPrivateKey())
	require.Equal(t, k.Fingerprint(), k.Public().Fingerprint())
}

func TestReadKeys(t *testing.T) {
	t.Parallel()
	k := keys(t)
	ring := armored(t, armorPublicKey, k.ward.public, k.ward2.secret)
	got, err := ReadKeys(bytes.NewReader(ring))
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, k.ward.Fingerprint(), got[0].Fingerprint())
	require.Equal(t, k.ward2.Fingerprint(), got[1].Fingerprint())
	require.False(t, got[1].HasPrivateKey(), "ReadKeys drops secret parts")

	_, err = ReadKey(bytes.NewReader(ring), nil)
	require.ErrorIs(t, err, ErrNotOneKey)
}

func TestReadKeyRefusesGarbage(t *testing.T) {
	t.Parallel()
	k := keys(t)
	inputs := map[string][]byte{
		"empty":     nil,
		"text":      []byte("not a key\n"),
		"message":   armored(t, armorMessage, []byte{0xc1, 0x00}),
		"truncated": k.ward.public[:len(k.ward.public)/2],
		"bad armor": []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!!!\n-----END PGP PUBLIC KEY BLOCK-----\n"),
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			_, err := ReadKey(bytes.NewReader(in), nil)
			requireKeyError(t, err, ReasonInvalidKey, "")
			_, err = ReadKeys(bytes.NewReader(in))
			requireKeyError(t, err, ReasonInvalidKey, "")
		})
	}
}

// TestKeyPrintsNoUserID: a key's user ID names a person; formatting and
// logging show only the fingerprint.
func TestKeyPrintsNoUserID(t *testing.T) {
	t.Parallel()
	k := keys(t).ward
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("key", "key", k)
	outputs := []string{logged.String()}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		outputs = append(outputs, fmt.Sprintf(verb, k), fmt.Sprintf(verb, *k), fmt.Sprintf(verb, []*Key{k}))
	}
	for _, out := range outputs {
		require.NotContains(t, out, "chiiki")
		require.NotContains(t, out, "地域振興課")
	}
	require.Contains(t, logged.String(), k.Fingerprint())
	require.Equal(t, "pgp.Key("+k.Fingerprint()+" secret)", k.String())
}

// armored wraps the concatenated packets in one armor block.
func armored(t *testing.T, blockType string, parts ...[]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, writeArmored(&buf, blockType, func(w io.Writer) error {
		for _, p := range parts {
			if _, err := w.Write(p); err != nil {
				return err
			}
		}
		return nil
	}))
	return buf.Bytes()
}
