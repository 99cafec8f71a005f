package pgp

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// GnuPG status codes (doc/DETAILS): cipher 9 is AES-256, hash 8 SHA-256,
// MDC method 2 the SHA-1 MDC of SEIPDv1.
const (
	gpgAES256 = "9"
	gpgSHA256 = "8"
)

var (
	rsaOnce                 sync.Once
	rsaRecipient, rsaSigner *Key
	rsaErr                  error
)

// rsaKeys returns two kuji RSA-3072 keys, made once: RSA generation is slow.
func rsaKeys(t *testing.T) (recipient, signer *Key) {
	t.Helper()
	rsaOnce.Do(func() {
		o := &KeyOptions{Algorithm: RSA3072, Now: at(created)}
		if rsaRecipient, rsaErr = GenerateKey("RSA Ward", "", "rsa-ward@city.example.jp", o); rsaErr != nil {
			return
		}
		rsaSigner, rsaErr = GenerateKey("RSA Contractor", "", "rsa@kuji.example.jp", o)
	})
	require.NoError(t, rsaErr)
	return rsaRecipient, rsaSigner
}

// requireGoodDecryption asserts gpg's status for an intact, well-signed
// message under the pinned settings.
func requireGoodDecryption(t *testing.T, status, signer string) {
	t.Helper()
	require.Len(t, statusLines(status, "DECRYPTION_OKAY"), 1, status)
	require.Len(t, statusLines(status, "GOODMDC"), 1, status)
	require.Len(t, statusLines(status, "GOODSIG"), 1, status)
	require.Empty(t, statusLines(status, "BADSIG"), status)
	info := statusLines(status, "DECRYPTION_INFO")
	require.Len(t, info, 1, status)
	f := strings.Fields(info[0])
	require.Equal(t, "2", f[1], "MDC method (SEIPDv1 with SHA-1 MDC)")
	require.Equal(t, gpgAES256, f[2], "cipher")
	if len(f) > 3 {
		require.Equal(t, "0", f[3], "no AEAD")
	}
	valid := statusLines(status, "VALIDSIG")
	require.Len(t, valid, 1, status)
	v := strings.Fields(valid[0])
	require.Equal(t, signer, v[len(v)-1], "primary key fingerprint of the signer")
	require.Equal(t, "4", v[5], "signature version")
	require.Equal(t, gpgSHA256, v[8], "hash")
	require.Equal(t, "00", v[9], "binary document signature")
}

func TestGnuPGDecryptsExport(t *testing.T) {
	t.Parallel()
	k := keys(t)
	rsaWard, rsaContractor := rsaKeys(t)
	g := newGnuPG(t)
	for _, key := range []*Key{k.ward, k.contractor.Public(), rsaWard, rsaContractor.Public()} {
		g.importKey(key)
	}
	plaintext := csvBytes(2000)

	cases := []struct {
		name        string
		recipients  []*Key
		signer      *Key
		opts        Options
		compression string
	}{
		{"curve25519 zlib binary", []*Key{k.ward.Public()}, k.contractor, Options{}, "algo=2"},
		{"curve25519 zip armored", []*Key{k.ward.Public()}, k.contractor, Options{Armor: true, Compression: CompressionZIP}, "algo=1"},
		{"rsa3072 recipient and signer", []*Key{rsaWard.Public()}, rsaContractor, Options{Armor: true}, "algo=2"},
		{"two recipients", []*Key{k.ward2.Public(), k.ward.Public()}, k.contractor, Options{}, "algo=2"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := g.on(t)
			o := tc.opts
			o.Now = at(created.Add(2 * time.Hour))
			msg, res := encryptBytes(t, plaintext, tc.recipients, tc.signer, &o)
			in := g.file("msg"+itoa(i), msg)
			out := filepath.Join(g.home, "plain"+itoa(i))

			status := g.run(nil, "--output", out, "--decrypt", in)
			requireGoodDecryption(t, status, tc.signer.Fingerprint())
			require.Equal(t, plaintext, g.read(out))
			require.Equal(t, tc.signer.Fingerprint(), res.Signer)

			packets := g.run(nil, "--list-packets", in)
			require.Contains(t, packets, "compressed packet: "+tc.compression)
			require.Contains(t, packets, "mdc_method: 2")
			require.NotContains(t, packets, "aead")
			require.Equal(t, len(tc.recipients), strings.Count(packets, ":pubkey enc packet: version 3"))
		})
	}
}

func TestExportToGnuPGKeys(t *testing.T) {
	t.Parallel()
	k := keys(t)
	g := newGnuPG(t)
	g.importKey(k.contractor.Public())
	cases := []struct{ name, algo, sub string }{
		{"curve25519", "ed25519", "cv25519"},
		{"rsa3072", "rsa3072", "rsa3072"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := g.on(t)
			fpr := g.generate("Ward "+tc.name+" <ward-"+tc.name+"@city.example.jp>", tc.algo, tc.sub, "encr", "0")
			ward := g.export(fpr, false)
			require.NoError(t, CheckRecipient(ward, nil))

			plaintext := csvBytes(300)
			msg, res := encryptBytes(t, plaintext, []*Key{ward}, k.contractor, &Options{Armor: true})
			require.Equal(t, []string{fpr}, res.Recipients)
			in := g.file("to-"+tc.name, msg)
			out := in + ".out"
			status := g.run(nil, "--output", out, "--decrypt", in)
			requireGoodDecryption(t, status, k.contractor.Fingerprint())
			require.Equal(t, plaintext, g.read(out))
		})
	}
}

// TestDecryptsGnuPGMessage is the ward's side: gpg --encrypt --sign to a
// kuji key, read by Decrypt with gpg's key as the trusted signer; the
// secret key comes from gpg, passphrase-protected.
func TestDecryptsGnuPGMessage(t *testing.T) {
	t.Parallel()
	k := keys(t)
	g := newGnuPG(t)
	g.importKey(k.ward.Public())
	const pass = "合言葉 passphrase"
	signerFpr := g.generate("Contractor gpg <gpg@kuji.example.jp>", "ed25519", "cv25519", "encr", "0", "--passphrase", pass)

	// The exported secret key needs the passphrase.
	sec, stderr, err := g.try(nil, "--status-fd", "2", "--passphrase", pass, "--armor", "--export-secret-keys", signerFpr)
	require.NoError(t, err, stderr)
	_, err = ReadKey(strings.NewReader(sec), nil)
	requireKeyError(t, err, ReasonPassphraseRequired, signerFpr)
	_, err = ReadKey(strings.NewReader(sec), []byte("wrong"))
	requireKeyError(t, err, ReasonWrongPassphrase, signerFpr)
	gpgKey, err := ReadKey(strings.NewReader(sec), []byte(pass))
	require.NoError(t, err)
	require.NoError(t, CheckSigner(gpgKey, nil))

	plaintext := csvBytes(500)
	in := g.file("plain.csv", plaintext)
	for _, armor := range []bool{false, true} {
		out := in + ".gpg"
		args := []string{"--passphrase", pass, "--local-user", signerFpr, "--recipient", k.ward.Fingerprint(), "--output", out}
		if armor {
			args = append(args, "--armor")
		}
		g.run(nil, append(args, "--encrypt", "--sign", in)...)
		got, sig, err := decryptBytes(g.read(out), k.ward, &DecryptOptions{Signers: []*Key{gpgKey.Public()}})
		require.NoError(t, err)
		require.Equal(t, plaintext, got)
		require.Equal(t, signerFpr, sig.Signer)

		// The same message from a signer the ward does not trust.
		_, _, err = decryptBytes(g.read(out), k.ward, &DecryptOptions{Signers: []*Key{k.contractor.Public()}})
		requireMessageError(t, err, ReasonUnknownSigner)
	}
}

func TestVerifiesGnuPGSignatures(t *testing.T) {
	t.Parallel()
	g := newGnuPG(t)
	doc := []byte("消去証明書\r\n- 対象: 2026 シティウォーク  \r\n-----BEGIN PGP SIGNATURE-----\r\nend\t\r\n")
	// What the clear-signed text is after canonicalisation: LF endings,
	// no trailing white space, dash-escaping removed.
	canonical := "消去証明書\n- 対象: 2026 シティウォーク\n-----BEGIN PGP SIGNATURE-----\nend\n"
	in := g.file("certificate.txt", doc)
	for _, algo := range []string{"ed25519", "rsa3072"} {
		t.Run(algo, func(t *testing.T) {
			g := g.on(t)
			fpr := g.generate("Signer "+algo, algo, "", "", "0")
			signer := g.export(fpr, false)

			g.run(nil, "--local-user", fpr, "--armor", "--output", in+"."+algo+".asc", "--detach-sign", in)
			sig, err := VerifyDetached(bytes.NewReader(doc), bytes.NewReader(g.read(in+"."+algo+".asc")), []*Key{signer}, nil)
			require.NoError(t, err)
			require.Equal(t, fpr, sig.Signer)
			tampered := bytes.Replace(doc, []byte("2026"), []byte("2027"), 1)
			_, err = VerifyDetached(bytes.NewReader(tampered), bytes.NewReader(g.read(in+"."+algo+".asc")), []*Key{signer}, nil)
			requireMessageError(t, err, ReasonBadSignature)

			g.run(nil, "--local-user", fpr, "--textmode", "--output", in+"."+algo+".sig", "--detach-sign", in)
			sig, err = VerifyDetached(bytes.NewReader(doc), bytes.NewReader(g.read(in+"."+algo+".sig")), []*Key{signer}, nil)
			require.NoError(t, err, "binary, text-mode signature")
			require.Equal(t, fpr, sig.Signer)

			g.run(nil, "--local-user", fpr, "--output", in+"."+algo+".clear", "--clearsign", in)
			text, sig, err := VerifyClearSigned(bytes.NewReader(g.read(in+"."+algo+".clear")), []*Key{signer}, nil)
			require.NoError(t, err)
			require.Equal(t, fpr, sig.Signer)
			require.Equal(t, canonical, string(text))
		})
	}
}

func TestGnuPGVerifiesSignatures(t *testing.T) {
	t.Parallel()
	k := keys(t)
	_, rsaContractor := rsaKeys(t)
	g := newGnuPG(t)
	g.importKey(k.contractor.Public())
	g.importKey(rsaContractor.Public())
	// Each text, and the text as signed: LF line endings, no trailing
	// white space, a final LF.
	texts := map[string][2]string{
		"crlf and trailing white space": {"消去証明書 \r\nイベント: シティウォーク\t\r\n\r\n件数: 1234  \r\n", "消去証明書\nイベント: シティウォーク\n\n件数: 1234\n"},
		"dashes and From":               {"-----BEGIN PGP SIGNATURE-----\n- item\nFrom the ward\n--\n", "-----BEGIN PGP SIGNATURE-----\n- item\nFrom the ward\n--\n"},
		"no final newline":              {"証明者: 受託事業者\n消去方法: 暗号鍵の破棄", "証明者: 受託事業者\n消去方法: 暗号鍵の破棄\n"},
		"trailing empty lines":          {"件数: 0\n\n\n", "件数: 0\n\n\n"},
		"empty":                         {"", ""},
	}
	for _, signer := range []*Key{k.contractor, rsaContractor} {
		for name, tt := range texts {
			text, signed := tt[0], tt[1]
			t.Run(signer.Fingerprint()[:8]+" "+name, func(t *testing.T) {
				g := g.on(t)
				var clear bytes.Buffer
				require.NoError(t, ClearSign(&clear, strings.NewReader(text), signer, opts()))
				path := g.file("clear-"+signer.Fingerprint()[:8]+name, clear.Bytes())
				status := g.run(nil, "--output", path+".txt", "--verify", path)
				requireGoodSignature(t, status, signer.Fingerprint(), "01")

				// gpg and kuji agree on the signed text.
				status = g.run(nil, "--output", path+".txt", "--decrypt", path)
				requireGoodSignature(t, status, signer.Fingerprint(), "01")
				got, _, err := VerifyClearSigned(bytes.NewReader(clear.Bytes()), []*Key{signer.Public()}, opts())
				require.NoError(t, err)
				require.Equal(t, signed, string(got))
				require.Equal(t, signed, string(g.read(path+".txt")))

				var detached bytes.Buffer
				require.NoError(t, SignDetached(&detached, strings.NewReader(text), signer, opts()))
				doc := g.file("doc-"+signer.Fingerprint()[:8]+name, []byte(text))
				sig := g.file("doc-"+signer.Fingerprint()[:8]+name+".asc", detached.Bytes())
				requireGoodSignature(t, g.run(nil, "--verify", sig, doc), signer.Fingerprint(), "00")

				require.NoError(t, os.WriteFile(doc, []byte(text+"x"), 0o600))
				status, _, err = g.try(nil, "--verify", sig, doc)
				require.Error(t, err, "gpg must reject a modified document")
				require.Len(t, statusLines(status, "BADSIG"), 1, status)
			})
		}
	}
}

func requireGoodSignature(t *testing.T, status, fpr, class string) {
	t.Helper()
	require.Len(t, statusLines(status, "GOODSIG"), 1, status)
	valid := statusLines(status, "VALIDSIG")
	require.Len(t, valid, 1, status)
	v := strings.Fields(valid[0])
	require.Equal(t, fpr, v[len(v)-1])
	require.Equal(t, gpgSHA256, v[8], "hash")
	require.Equal(t, class, v[9], "signature class")
}

func TestRefusesGnuPGKeys(t *testing.T) {
	t.Parallel()
	k := keys(t)
	g := newGnuPG(t)

	expired := g.generate("Expired <expired@example.jp>", "ed25519", "cv25519", "encr", "1y", "--faked-system-time", "20200101T000000")
	revoked := g.generate("Revoked <revoked@example.jp>", "ed25519", "cv25519", "encr", "0")
	cert := g.read(filepath.Join(g.home, "openpgp-revocs.d", revoked+".rev"))
	// gpg writes the certificate with a leading ':' so it is not imported
	// by accident.
	g.run(bytes.Replace(cert, []byte(":-----BEGIN"), []byte("-----BEGIN"), 1), "--import")
	signOnly := g.generate("Sign only <sign@example.jp>", "ed25519", "", "", "0")
	rsa2048 := g.generate("RSA 2048 <rsa2048@example.jp>", "rsa2048", "rsa2048", "encr", "0")
	dsa := g.generate("DSA <dsa@example.jp>", "dsa2048", "elg2048", "encr", "0")
	nist := g.generate("NIST <nist@example.jp>", "nistp256", "nistp256", "encr", "0")

	cases := []struct {
		fpr    string
		reason Reason
		algo   string
	}{
		{expired, ReasonExpired, ""},
		{revoked, ReasonRevoked, ""},
		{signOnly, ReasonNoEncryptionKey, ""},
		{rsa2048, ReasonTooWeak, "rsa2048"},
		{dsa, ReasonTooWeak, "dsa"},
		{nist, ReasonUnsupported, "ecdsa-p256"},
	}
	var refused []*Key
	for _, tc := range cases {
		key := g.export(tc.fpr, false)
		err := CheckRecipient(key, nil)
		ke := requireKeyError(t, err, tc.reason, tc.fpr)
		require.Equal(t, tc.algo, ke.Algorithm)
		refused = append(refused, key)
	}

	// Encrypt reports every refused recipient at once and writes nothing.
	var dst bytes.Buffer
	_, err := Encrypt(&dst, append(refused, k.ward.Public()), k.contractor, nil)
	var all KeyErrors
	require.ErrorAs(t, err, &all)
	require.Len(t, all, len(cases))
	for i, tc := range cases {
		require.Equal(t, tc.reason, all[i].Reason)
	}
	require.Zero(t, dst.Len())

	// A public key cannot sign; a sign-only key can, with its secret part.
	requireKeyError(t, CheckSigner(g.export(signOnly, false), nil), ReasonNoPrivateKey, signOnly)
	require.NoError(t, CheckSigner(g.export(signOnly, true), nil))
}
