package pgp

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
	"github.com/stretchr/testify/require"
)

func TestEncryptRoundTrip(t *testing.T) {
	t.Parallel()
	k := keys(t)
	plaintext := csvBytes(1000)
	cases := []struct {
		name       string
		recipients []*Key
		opts       Options
	}{
		{"one recipient", []*Key{k.ward.Public()}, Options{}},
		{"armored", []*Key{k.ward.Public()}, Options{Armor: true}},
		{"zip", []*Key{k.ward.Public()}, Options{Compression: CompressionZIP}},
		{"two recipients", []*Key{k.ward.Public(), k.ward2.Public()}, Options{Armor: true}},
		{"duplicate recipient", []*Key{k.ward.Public(), k.ward2.Public(), k.ward}, Options{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := tc.opts
			o.Now = at(created.Add(time.Hour))
			msg, res := encryptBytes(t, plaintext, tc.recipients, k.contractor, &o)

			require.Equal(t, []string{k.ward.Fingerprint(), k.ward2.Fingerprint()}[:min(len(tc.recipients), 2)], res.Recipients)
			require.Equal(t, k.contractor.Fingerprint(), res.Signer)
			require.Equal(t, int64(len(msg)), res.Bytes)
			sum := sha256.Sum256(msg)
			require.Equal(t, hex.EncodeToString(sum[:]), res.SHA256)
			require.Equal(t, tc.opts.Armor, res.Armored)
			require.Equal(t, tc.opts.Armor, bytes.HasPrefix(msg, []byte("-----BEGIN PGP MESSAGE-----\n")))
			require.Less(t, len(msg), len(plaintext)/2, "compressed")

			for _, r := range []*Key{k.ward, k.ward2}[:len(res.Recipients)] {
				got, sig, err := decryptBytes(msg, r, &DecryptOptions{Signers: []*Key{k.contractor.Public()}})
				require.NoError(t, err)
				require.Equal(t, plaintext, got)
				require.Equal(t, k.contractor.Fingerprint(), sig.Signer)
				require.True(t, created.Add(time.Hour).Equal(sig.Created))
			}
			_, _, err := decryptBytes(msg, k.other, &DecryptOptions{Signers: []*Key{k.contractor}})
			requireMessageError(t, err, ReasonNoDecryptionKey)
		})
	}
}

// TestEncryptPinnedFormat takes a message apart packet by packet: whatever
// the recipient keys advertise, it is what GnuPG 2.2 reads.
func TestEncryptPinnedFormat(t *testing.T) {
	t.Parallel()
	k := keys(t)
	// A v4 key that advertises SEIPDv2 and prefers AES-128 and no
	// compression: go-crypto's own Encrypt would follow it.
	aead := craft(t, config(func(c *packet.Config) {
		c.AEADConfig = &packet.AEADConfig{}
		c.DefaultCipher = packet.CipherAES128
		c.DefaultCompressionAlgo = packet.CompressionNone
	}), nil)
	sel, kerr := selectKey(aead, useEncrypt, created.Add(time.Hour))
	require.Nil(t, kerr)
	aeadSelf, err := sel.entity.PrimarySelfSignature(created.Add(time.Hour), pinnedConfig(created))
	require.NoError(t, err)
	require.True(t, aeadSelf.SEIPDv2, "precondition: the key asks for SEIPDv2")

	for _, compression := range []Compression{CompressionZLIB, CompressionZIP} {
		plaintext := []byte("K00000001,区 太郎\r\n")
		msg, _ := encryptBytes(t, plaintext, []*Key{aead.Public(), k.ward.Public()}, k.contractor,
			&Options{Now: at(created.Add(time.Hour)), Compression: compression})

		packets := packet.NewReader(bytes.NewReader(msg))
		var session []byte
		var cipher packet.CipherFunction
		for _, r := range []*Key{aead, k.ward} {
			p, err := packets.Next()
			require.NoError(t, err)
			pkesk, ok := p.(*packet.EncryptedKey)
			require.True(t, ok, "%T", p)
			require.Equal(t, 3, pkesk.Version)
			sel, kerr := selectKey(r, useEncrypt, created.Add(time.Hour))
			require.Nil(t, kerr)
			require.Equal(t, sel.public.KeyId, pkesk.KeyId, "encrypted to the encryption subkey")
			require.NoError(t, pkesk.Decrypt(sel.entity.Subkeys[0].PrivateKey, nil))
			session, cipher = pkesk.Key, pkesk.CipherFunc
		}
		require.Equal(t, packet.CipherAES256, cipher)
		p, err := packets.Next()
		require.NoError(t, err)
		seipd, ok := p.(*packet.SymmetricallyEncrypted)
		require.True(t, ok, "%T", p)
		require.Equal(t, 1, seipd.Version, "SEIPDv1, not v2/AEAD")
		require.True(t, seipd.IntegrityProtected)
		inner, err := seipd.Decrypt(cipher, session)
		require.NoError(t, err)
		body, err := io.ReadAll(inner)
		require.NoError(t, err)
		require.NoError(t, inner.Close(), "MDC")

		// The compressed packet: new-format tag 8, its length (RFC 4880
		// section 4.2.2), then the algorithm.
		require.Equal(t, byte(0xc8), body[0])
		lengthOctets := 1 // a one-octet or a partial length
		switch {
		case body[1] >= 192 && body[1] < 224:
			lengthOctets = 2
		case body[1] == 255:
			lengthOctets = 5
		}
		require.Equal(t, byte(map[Compression]packet.CompressionAlgo{
			CompressionZLIB: packet.CompressionZLIB, CompressionZIP: packet.CompressionZIP,
		}[compression]), body[1+lengthOctets])

		// Inside: one-pass signature, literal data, v4 SHA-256 signature.
		md, err := openpgp.ReadMessage(bytes.NewReader(msg), openpgp.EntityList{mustEntity(t, k.ward), mustEntity(t, k.contractor)}, nil, pinnedConfig(created.Add(time.Hour)))
		require.NoError(t, err)
		require.True(t, md.IsSigned)
		got, err := io.ReadAll(md.UnverifiedBody)
		require.NoError(t, err)
		require.Equal(t, plaintext, got)
		require.NoError(t, md.SignatureError)
		require.True(t, md.LiteralData.IsBinary)
		require.Empty(t, md.LiteralData.FileName, "no file name: it is not signed and may be personal")
		require.Equal(t, 4, md.Signature.Version)
		require.Equal(t, packet.SigTypeBinary, md.Signature.SigType)
		require.Equal(t, pinnedHash, md.Signature.Hash)
		require.Len(t, md.Signature.IntendedRecipients, 2)
	}
}

func mustEntity(t *testing.T, k *Key) *openpgp.Entity {
	t.Helper()
	e, err := k.entity()
	require.NoError(t, err)
	return e
}

func TestEncryptRefusesBeforeWriting(t *testing.T) {
	t.Parallel()
	k := keys(t)
	expiring := craft(t, config(func(c *packet.Config) { c.KeyLifetimeSecs = 60 }), nil)
	o := opts()

	var dst bytes.Buffer
	_, err := Encrypt(&dst, []*Key{k.ward.Public(), expiring.Public()}, k.contractor.Public(), o)
	var all KeyErrors
	require.ErrorAs(t, err, &all)
	require.Len(t, all, 2, "every refusal is reported")
	require.Equal(t, ReasonExpired, all[0].Reason)
	require.Equal(t, expiring.Fingerprint(), all[0].Fingerprint)
	require.Equal(t, ReasonNoPrivateKey, all[1].Reason)
	require.Equal(t, k.contractor.Fingerprint(), all[1].Fingerprint)
	var one *KeyError
	require.ErrorAs(t, err, &one)
	require.Zero(t, dst.Len(), "nothing written")

	_, err = Encrypt(&dst, nil, k.contractor, o)
	require.ErrorIs(t, err, ErrNoRecipients)
	_, err = Encrypt(&dst, []*Key{k.ward}, nil, o)
	require.ErrorIs(t, err, ErrNoSigner)
	_, err = Encrypt(&dst, []*Key{nil}, k.contractor, o)
	require.Error(t, err)
	require.Zero(t, dst.Len())
}

func TestWriterLifecycle(t *testing.T) {
	t.Parallel()
	k := keys(t)
	var dst bytes.Buffer
	w, err := Encrypt(&dst, []*Key{k.ward}, k.contractor, opts())
	require.NoError(t, err)
	_, err = w.Write([]byte("row\n"))
	require.NoError(t, err)
	require.Zero(t, w.Result(), "no result before Close")
	require.NoError(t, w.Close())
	res := w.Result()
	require.Equal(t, int64(dst.Len()), res.Bytes)
	res.Recipients[0] = "changed"
	require.Equal(t, k.ward.Fingerprint(), w.Result().Recipients[0], "Result returns a copy")
	_, err = w.Write([]byte("late"))
	require.ErrorIs(t, err, ErrClosed)
	require.ErrorIs(t, w.Close(), ErrClosed)
}

// failingWriter accepts limit bytes, then fails.
type failingWriter struct{ limit int }

var errDisk = errors.New("disk full")

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) > f.limit {
		n := f.limit
		f.limit = 0
		return n, errDisk
	}
	f.limit -= len(p)
	return len(p), nil
}

func TestWriterReportsDestinationFailure(t *testing.T) {
	t.Parallel()
	k := keys(t)
	w, err := Encrypt(&failingWriter{limit: 1000}, []*Key{k.ward}, k.contractor, opts())
	require.NoError(t, err)
	_, err = writeRows(w, 20000)
	require.ErrorIs(t, err, errDisk)
	_, err = w.Write([]byte("more"))
	require.ErrorIs(t, err, errDisk, "sticky")
	require.ErrorIs(t, w.Close(), errDisk)
	require.Zero(t, w.Result())
}

func TestDecryptRefuses(t *testing.T) {
	t.Parallel()
	k := keys(t)
	now := created.Add(time.Hour)
	trusted := &DecryptOptions{Now: at(now), Signers: []*Key{k.contractor.Public()}}
	plaintext := []byte("K00000001,区 太郎\r\n")
	good, _ := encryptBytes(t, plaintext, []*Key{k.ward}, k.contractor, opts())
	byRecipient, _ := encryptBytes(t, plaintext, []*Key{k.ward}, k.ward, opts())

	// An unsigned message and a signed-only one, made by go-crypto.
	cfg := pinnedConfig(now)
	var unsigned bytes.Buffer
	w, err := openpgp.Encrypt(&unsigned, []*openpgp.Entity{mustEntity(t, k.ward)}, nil, nil, nil, cfg)
	require.NoError(t, err)
	_, _ = w.Write(plaintext)
	require.NoError(t, w.Close())
	var signedOnly bytes.Buffer
	w, err = openpgp.Sign(&signedOnly, []*openpgp.Entity{mustEntity(t, k.contractor)}, nil, cfg)
	require.NoError(t, err)
	_, _ = w.Write(plaintext)
	require.NoError(t, w.Close())

	// A signature over other data than the message carries.
	var forged bytes.Buffer
	fw, err := Encrypt(&forged, []*Key{k.ward}, k.contractor, opts())
	require.NoError(t, err)
	_, _ = fw.Write(plaintext)
	fw.sigHash.Write([]byte("tampered"))
	require.NoError(t, fw.Close())

	// A flipped bit in the encrypted data, far from its start.
	long, _ := encryptBytes(t, csvBytes(200), []*Key{k.ward}, k.contractor, opts())
	flipped := bytes.Clone(long)
	flipped[len(flipped)/2] ^= 0x01

	cases := []struct {
		name   string
		msg    []byte
		opts   *DecryptOptions
		reason Reason
		signer string
	}{
		{"unsigned", unsigned.Bytes(), trusted, ReasonUnsigned, ""},
		{"untrusted signer", good, &DecryptOptions{Now: at(now), Signers: []*Key{k.other}}, ReasonUnknownSigner, "0x"},
		{"signed by the recipient, who is not a trusted signer", byRecipient, trusted, ReasonUnknownSigner, k.ward.Fingerprint()},
		{"bad signature", forged.Bytes(), trusted, ReasonBadSignature, k.contractor.Fingerprint()},
		{"signature from the future", good, &DecryptOptions{Now: at(created), Signers: trusted.Signers}, ReasonBadSignature, k.contractor.Fingerprint()},
		{"modified", flipped, trusted, ReasonIntegrity, ""},
		{"truncated", long[:len(long)-30], trusted, ReasonIntegrity, ""},
		{"not encrypted", signedOnly.Bytes(), trusted, ReasonNotEncrypted, ""},
		{"not for us", good, &DecryptOptions{Signers: trusted.Signers}, ReasonNoDecryptionKey, ""},
		{"garbage", []byte("hello"), trusted, ReasonMalformed, ""},
		{"wrong armor", armored(t, armorSignature, good), trusted, ReasonMalformed, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			key := k.ward
			if tc.name == "not for us" {
				key = k.other
			}
			_, _, err := decryptBytes(tc.msg, key, tc.opts)
			me := requireMessageError(t, err, tc.reason)
			if tc.signer == "0x" {
				require.Regexp(t, `^0x[0-9A-F]{16}$`, me.Signer)
			} else {
				require.Equal(t, tc.signer, me.Signer)
			}
		})
	}

	// AllowUnsigned accepts a message without signature, but not a bad one.
	got, sig, err := decryptBytes(unsigned.Bytes(), k.ward, &DecryptOptions{AllowUnsigned: true})
	require.NoError(t, err)
	require.Equal(t, plaintext, got)
	require.Zero(t, sig)
	_, _, err = decryptBytes(forged.Bytes(), k.ward, &DecryptOptions{AllowUnsigned: true, Signers: trusted.Signers})
	requireMessageError(t, err, ReasonBadSignature)

	// Misuse.
	_, err = Decrypt(bytes.NewReader(good), []*Key{k.ward}, nil)
	require.ErrorIs(t, err, ErrNoSigner)
	_, err = Decrypt(bytes.NewReader(good), []*Key{k.ward.Public()}, trusted)
	requireKeyError(t, err, ReasonNoPrivateKey, k.ward.Fingerprint())
}

// TestDecryptArmoredInput: armored and binary messages read the same.
func TestDecryptArmoredInput(t *testing.T) {
	t.Parallel()
	k := keys(t)
	msg, _ := encryptBytes(t, []byte("a,b\r\n"), []*Key{k.ward}, k.contractor, &Options{Now: at(created.Add(time.Hour)), Armor: true})
	block, err := armor.Decode(bytes.NewReader(msg))
	require.NoError(t, err)
	bin, err := io.ReadAll(block.Body)
	require.NoError(t, err)
	for _, in := range [][]byte{msg, append([]byte("\r\n  \n"), msg...), bin} {
		got, _, err := decryptBytes(in, k.ward, &DecryptOptions{Signers: []*Key{k.contractor}})
		require.NoError(t, err)
		require.Equal(t, "a,b\r\n", string(got))
	}
}
