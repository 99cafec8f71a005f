package pgp

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const certificate = "消去証明書\n\nイベント: 2026 シティウォーク\n消去件数: 1,234\n"

func TestDetachedSignature(t *testing.T) {
	t.Parallel()
	k := keys(t)
	var sig bytes.Buffer
	require.NoError(t, SignDetached(&sig, strings.NewReader(certificate), k.contractor, opts()))
	require.True(t, strings.HasPrefix(sig.String(), "-----BEGIN PGP SIGNATURE-----\n"))

	got, err := VerifyDetached(strings.NewReader(certificate), bytes.NewReader(sig.Bytes()), []*Key{k.other, k.contractor.Public()}, opts())
	require.NoError(t, err)
	require.Equal(t, k.contractor.Fingerprint(), got.Signer)
	require.True(t, created.Add(time.Hour).Equal(got.Created))

	cases := []struct {
		name    string
		doc     string
		sig     []byte
		signers []*Key
		reason  Reason
	}{
		{"one byte changed", strings.Replace(certificate, "1,234", "1,235", 1), sig.Bytes(), []*Key{k.contractor}, ReasonBadSignature},
		// A detached signature is binary: line endings count.
		{"crlf", strings.ReplaceAll(certificate, "\n", "\r\n"), sig.Bytes(), []*Key{k.contractor}, ReasonBadSignature},
		{"untrusted signer", certificate, sig.Bytes(), []*Key{k.other}, ReasonUnknownSigner},
		{"not a signature", certificate, []byte("-----BEGIN PGP SIGNATURE-----\n\n-----END PGP SIGNATURE-----\n"), []*Key{k.contractor}, ReasonMalformed},
		{"garbage", certificate, []byte("garbage"), []*Key{k.contractor}, ReasonMalformed},
	}
	for _, tc := range cases {
		_, err := VerifyDetached(strings.NewReader(tc.doc), bytes.NewReader(tc.sig), tc.signers, opts())
		requireMessageError(t, err, tc.reason)
	}
	_, err = VerifyDetached(strings.NewReader(certificate), bytes.NewReader(sig.Bytes()), nil, opts())
	require.ErrorIs(t, err, ErrNoSigner)
	require.ErrorIs(t, SignDetached(&sig, strings.NewReader(certificate), nil, opts()), ErrNoSigner)
	requireKeyError(t, SignDetached(&sig, strings.NewReader(certificate), k.contractor.Public(), opts()), ReasonNoPrivateKey, k.contractor.Fingerprint())
}

func TestClearSignature(t *testing.T) {
	t.Parallel()
	k := keys(t)
	cases := []struct {
		name, text string
		body       string // between the header and the signature
		signed     string // what VerifyClearSigned returns
	}{
		{"plain", certificate, "消去証明書\n\nイベント: 2026 シティウォーク\n消去件数: 1,234\n", certificate},
		{"crlf and trailing white space", "a \t\r\nb\r\n", "a\nb\n", "a\nb\n"},
		{"no final newline", "a\nb", "a\nb\n", "a\nb\n"},
		{"dash escaping", "-----END PGP SIGNATURE-----\n- x\nFrom here\nFromage\n", "- -----END PGP SIGNATURE-----\n- - x\n- From here\nFromage\n", "-----END PGP SIGNATURE-----\n- x\nFrom here\nFromage\n"},
		{"empty", "", "", ""},
		{"blank lines", "\n\nx\n\n", "\n\nx\n\n", "\n\nx\n\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			require.NoError(t, ClearSign(&out, strings.NewReader(tc.text), k.contractor, opts()))
			head := "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n"
			require.True(t, strings.HasPrefix(out.String(), head))
			body, _, ok := strings.Cut(out.String()[len(head):], "-----BEGIN PGP SIGNATURE-----\n")
			require.True(t, ok)
			require.Equal(t, tc.body, body)
			require.Regexp(t, `(?m)^=[A-Za-z0-9+/]{4}\n-----END PGP SIGNATURE-----\n$`, out.String(), "CRC-24 line")

			text, sig, err := VerifyClearSigned(bytes.NewReader(out.Bytes()), []*Key{k.contractor.Public()}, opts())
			require.NoError(t, err)
			require.Equal(t, tc.signed, string(text))
			require.Equal(t, k.contractor.Fingerprint(), sig.Signer)

			// Line endings of the whole message and trailing white space
			// of the text may change in transit without breaking the
			// signature.
			spaced := strings.ReplaceAll(body, "\n", " \t\n")
			mangled := strings.ReplaceAll(strings.Replace(out.String(), body, spaced, 1), "\n", "\r\n")
			text, _, err = VerifyClearSigned(strings.NewReader(mangled), []*Key{k.contractor}, opts())
			require.NoError(t, err)
			require.Equal(t, tc.signed, string(text))
		})
	}
}

func TestClearSignatureRefused(t *testing.T) {
	t.Parallel()
	k := keys(t)
	var out bytes.Buffer
	require.NoError(t, ClearSign(&out, strings.NewReader(certificate), k.contractor, opts()))
	signed := out.String()
	cases := []struct {
		name, msg string
		signers   []*Key
		reason    Reason
	}{
		{"text changed", strings.Replace(signed, "1,234", "1,235", 1), []*Key{k.contractor}, ReasonBadSignature},
		{"line added", strings.Replace(signed, "消去件数", "追記\n消去件数", 1), []*Key{k.contractor}, ReasonBadSignature},
		{"untrusted signer", signed, []*Key{k.other}, ReasonUnknownSigner},
		{"text before", "訂正: 件数は 0\n" + signed, []*Key{k.contractor}, ReasonMalformed},
		{"text after", signed + "追伸\n", []*Key{k.contractor}, ReasonMalformed},
		{"no signature", strings.Split(signed, "-----BEGIN PGP SIGNATURE-----")[0], []*Key{k.contractor}, ReasonMalformed},
		{"not clear-signed", certificate, []*Key{k.contractor}, ReasonMalformed},
	}
	for _, tc := range cases {
		_, _, err := VerifyClearSigned(strings.NewReader(tc.msg), tc.signers, opts())
		requireMessageError(t, err, tc.reason)
	}
	// White space around the message is fine.
	_, _, err := VerifyClearSigned(strings.NewReader("\n\n"+signed+"\n \n"), []*Key{k.contractor}, opts())
	require.NoError(t, err)
	_, _, err = VerifyClearSigned(strings.NewReader(signed), nil, opts())
	require.ErrorIs(t, err, ErrNoSigner)
	require.ErrorIs(t, ClearSign(&out, strings.NewReader(certificate), nil, opts()), ErrNoSigner)
	expired := &Options{Now: at(created.Add(-time.Hour))}
	requireKeyError(t, ClearSign(&out, strings.NewReader(certificate), k.contractor, expired), ReasonNotYetValid, k.contractor.Fingerprint())
}
