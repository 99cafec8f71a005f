package retention_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"

	"github.com/kuji-go/kuji/audit"
	"github.com/kuji-go/kuji/retention"
)

// certificate runs the live site's erasure to the end and issues its
// certificate.
func certificate(t *testing.T) *retention.Certificate {
	t.Helper()
	done, err := retention.Apply(context.Background(), newEraser(), start(t), ticking(at(2025, 3, 2, 10, 0, 0)))
	require.NoError(t, err)
	c, err := done.Certificate(at(2025, 3, 2, 11, 0, 0))
	require.NoError(t, err)
	return c
}

func TestCertificateJSONRoundTrip(t *testing.T) {
	t.Parallel()
	c := certificate(t)
	data, err := c.JSON()
	require.NoError(t, err)
	require.True(t, bytes.HasSuffix(data, []byte("}\n")))
	require.Contains(t, string(data), `"format": "kuji-erasure-certificate/v1"`)
	require.Contains(t, string(data), `"issued": "2025-03-02T11:00:00+09:00"`)

	parsed, err := retention.ParseCertificate(data)
	require.NoError(t, err)
	again, err := parsed.JSON()
	require.NoError(t, err)
	require.Equal(t, string(data), string(again), "JSON is stable across a round trip")

	// Compacted, and with times written in UTC: the same certificate, so
	// the same canonical bytes and digest.
	var compact bytes.Buffer
	require.NoError(t, json.Compact(&compact, data))
	utc := strings.ReplaceAll(compact.String(), `"2025-03-02T11:00:00+09:00"`, `"2025-03-02T02:00:00Z"`)
	parsed, err = retention.ParseCertificate([]byte(utc))
	require.NoError(t, err)
	again, err = parsed.JSON()
	require.NoError(t, err)
	require.Equal(t, string(data), string(again))
	d1, _ := c.Digest()
	require.Equal(t, retention.Digest(sha256.Sum256(data)), d1)
}

func TestParseCertificateRejects(t *testing.T) {
	t.Parallel()
	data, err := certificate(t).JSON()
	require.NoError(t, err)
	tests := []struct {
		name string
		edit func(string) string
		want retention.Reason
	}{
		{"not JSON", func(string) string { return "{" }, retention.ReasonMalformed},
		{"trailing data", func(s string) string { return s + "{}" }, retention.ReasonMalformed},
		{"unknown member", func(s string) string { return strings.Replace(s, `"format"`, `"note": "x", "format"`, 1) }, retention.ReasonMalformed},
		{"other format", func(s string) string { return strings.Replace(s, "certificate/v1", "certificate/v9", 1) }, retention.ReasonBadFormat},
		{"control character in the ward", func(s string) string { return strings.Replace(s, `"新宿区"`, `"新宿区\n偽の行"`, 1) }, retention.ReasonNotText},
		{"personal value as a receipt", func(s string) string { return strings.Replace(s, `"LS-000011"`, `"090-1234-5678"`, 1) }, retention.ReasonNotIdentifier},
		{"negative count", func(s string) string { return strings.Replace(s, `"records": 11`, `"records": -11`, 1) }, retention.ReasonNegativeCount},
		{"other method", func(s string) string { return strings.Replace(s, `"crypto-erase"`, `"overwrite"`, 1) }, retention.ReasonBadFormat},
		{"bad digest", func(s string) string { return strings.Replace(s, `"id_digest": "`, `"id_digest": "zz`, 1) }, retention.ReasonMalformed},
		{"not verified", func(s string) string { // the first class's "verified" member removed
			i := strings.Index(s, `"verified"`)
			j := strings.Index(s[i:], "\n")
			return s[:i] + `"rows_deleted": 5` + s[i+j:]
		}, retention.ReasonMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := retention.ParseCertificate([]byte(tt.edit(string(data))))
			require.ErrorIs(t, err, retention.ErrInvalid)
			var e *retention.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, tt.want, e.Reason)
		})
	}
}

func TestCertificateText(t *testing.T) {
	t.Parallel()
	c := certificate(t)
	data, err := c.JSON()
	require.NoError(t, err)
	jsonDigest := sha256.Sum256(data)
	appDigest, err := retention.DigestIDs(receipts("LS", 11))
	require.NoError(t, err)

	ja, err := c.Text(retention.Japanese)
	require.NoError(t, err)
	en, err := c.Text(retention.English)
	require.NoError(t, err)
	for _, want := range []string{
		"消去証明書\n",
		"提出先：新宿区\n",
		"事業：東京2020大会コミュニティライブサイト（イベントID：ls2025）\n",
		"実施者（取扱責任者）：山田 花子（株式会社イベント・サンプル、アカウントID：resp-01）\n",
		"1. データ区分 contact-card\n",
		"   保存期間：イベント終了の1か月後\n",
		"   消去期限：2025年2月28日 24:00（日本時間）\n",
		"   件数：5件\n",
		"   レコードID：card-0a9b33f2 〜 card-9a8b7c6d\n",
		"2. データ区分 application\n",
		"   保存期間：事業実施報告書の提出時\n",
		"   件数：11件\n",
		"   受付番号：LS-000001 〜 LS-000011\n",
		"   識別子一覧のSHA-256：" + appDigest.String() + "\n",
		"   区分：除去（Purge、NIST SP 800-88 Rev. 1）\n",
		"   使用ツール：kuji v0.9.0\n",
	} {
		require.Contains(t, string(ja), want)
	}
	for _, want := range []string{
		"Certificate of Erasure\n",
		"For: 新宿区\n",
		"Performed by (responsible person): 山田 花子, 株式会社イベント・サンプル (account ID resp-01)\n",
		"   Retention rule: one month after the event ends\n",
		"   Deadline: end of 28 February 2025 (24:00 JST)\n",
		"   Receipt numbers: LS-000001 to LS-000011\n",
		"   SHA-256 of the IDs: " + appDigest.String() + "\n",
		"   Verification: read back at 2 March 2025 ",
		"   Category: Purge (NIST SP 800-88 Rev. 1)\n",
		"   Tool: kuji v0.9.0\n",
	} {
		require.Contains(t, string(en), want)
	}
	for _, text := range [][]byte{ja, en} {
		lines := strings.Split(strings.TrimSuffix(string(text), "\n"), "\n")
		for _, line := range lines {
			require.Equal(t, strings.TrimRight(line, " \t"), line, "no trailing white space: it would not survive clear-signing")
			require.False(t, strings.HasPrefix(line, "-"), "no line needs dash-escaping")
		}
		last := lines[len(lines)-1]
		require.True(t, strings.HasSuffix(last, retention.Digest(jsonDigest).String()), "the text binds the JSON: %q", last)
	}
	var w bytes.Buffer
	require.ErrorIs(t, c.WriteText(&w, "de"), retention.ErrLang)
}

func TestCertificateOfIncompleteErasure(t *testing.T) {
	t.Parallel()
	_, err := start(t).Certificate(at(2025, 3, 2, 11, 0, 0))
	require.ErrorIs(t, err, retention.ErrIncomplete)
}

// recordingSigner stands in for adapters/pgp: it wraps the text in
// markers so the test can see exactly what was signed.
type recordingSigner struct{ signed []byte }

func (s *recordingSigner) ClearSign(dst io.Writer, text io.Reader) error {
	b, err := io.ReadAll(text)
	if err != nil {
		return err
	}
	s.signed = b
	_, err = io.WriteString(dst, "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n"+string(b)+"-----BEGIN PGP SIGNATURE-----\n")
	return err
}

func TestClearSign(t *testing.T) {
	t.Parallel()
	c := certificate(t)
	s := &recordingSigner{}
	out, err := c.ClearSign(s, retention.Japanese)
	require.NoError(t, err)
	text, _ := c.Text(retention.Japanese)
	require.Equal(t, text, s.signed, "the Japanese text is what is signed")
	require.Contains(t, string(out), string(text))

	boom := errors.New("no signing key")
	_, err = c.ClearSign(retention.ClearSignFunc(func(io.Writer, io.Reader) error { return boom }), retention.English)
	require.ErrorIs(t, err, boom)
}

func TestAuditEntries(t *testing.T) {
	t.Parallel()
	c := certificate(t)
	const fpr = "0123456789ABCDEF0123456789ABCDEF01234567"
	e, err := c.AuditEntry(fpr)
	require.NoError(t, err)
	require.NoError(t, e.Validate(), "the audit log accepts it")
	require.Equal(t, audit.ActionCertify, e.Action)
	require.Equal(t, int64(16), e.Details.Count)
	d, _ := c.Digest()
	require.Equal(t, audit.Digest(d), e.Details.SHA256)
	require.Equal(t, []string{"contact-card", "application"}, e.Details.DataClasses)

	done, err := retention.Apply(context.Background(), newEraser(), start(t), ticking(at(2025, 3, 2, 10, 0, 0)))
	require.NoError(t, err)
	pe := done.AuditEntry()
	require.NoError(t, pe.Validate())
	require.Equal(t, audit.ActionPurge, pe.Action)
	require.Equal(t, audit.OutcomeAllowed, pe.Outcome)

	fe := newEraser()
	fe.failAt["compact:"] = 1
	partial, _ := retention.Apply(context.Background(), fe, start(t), ticking(at(2025, 3, 2, 10, 0, 0)))
	pe = partial.AuditEntry()
	require.NoError(t, pe.Validate())
	require.Equal(t, audit.OutcomeFailed, pe.Outcome)
	require.Equal(t, "erasure-compact", pe.Reason)
}

// TestBundle records the certificate in a real audit log, proves its
// inclusion, and checks the bundle with the log's public key alone.
func TestBundle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := certificate(t)
	store := lockedStorage{&memStorage{}}
	log, err := audit.NewLog("kuji.example.jp/shinjuku/ls2025", store)
	require.NoError(t, err)
	skey, vkey, err := audit.GenerateKey(rand.Reader, "kuji.example.jp/shinjuku/ls2025")
	require.NoError(t, err)
	signer, err := note.NewSigner(skey)
	require.NoError(t, err)
	verifier, err := note.NewVerifier(vkey)
	require.NoError(t, err)

	entry, err := c.AuditEntry()
	require.NoError(t, err)
	other := entry
	other.Subjects = []string{"some-other-record"}
	_, err = log.Append(ctx, other)
	require.NoError(t, err)
	n, err := log.Append(ctx, entry)
	require.NoError(t, err)
	signed, _, err := log.Sign(ctx, signer)
	require.NoError(t, err)
	proof, err := log.ProveInclusion(ctx, n, signed)
	require.NoError(t, err)

	signedText, err := c.ClearSign(&recordingSigner{}, retention.Japanese)
	require.NoError(t, err)
	b := retention.NewBundle(c, signedText, proof)
	cp, err := b.Verify(verifier)
	require.NoError(t, err)
	require.Equal(t, int64(2), cp.Size)

	// The ward keeps it as one JSON file.
	data, err := json.Marshal(b)
	require.NoError(t, err)
	require.Contains(t, string(data), `"format":"kuji-erasure-bundle/v1"`)
	var kept retention.Bundle
	require.NoError(t, json.Unmarshal(data, &kept))
	_, err = kept.Verify(verifier)
	require.NoError(t, err)
	require.Equal(t, b.Signed, kept.Signed)

	// A certificate changed after the fact no longer matches its entry.
	kept.Certificate.Classes[1].Records = 10
	_, err = kept.Verify(verifier)
	require.ErrorIs(t, err, retention.ErrProofMismatch)

	// The proof of another entry does not vouch for this certificate.
	otherProof, err := log.ProveInclusion(ctx, 0, signed)
	require.NoError(t, err)
	_, err = retention.NewBundle(c, nil, otherProof).Verify(verifier)
	require.ErrorIs(t, err, retention.ErrProofMismatch)

	// Without a proof there is nothing to verify.
	_, err = retention.NewBundle(c, nil, nil).Verify(verifier)
	require.ErrorIs(t, err, retention.ErrInvalid)

	require.ErrorIs(t, json.Unmarshal([]byte(`{"format":"kuji-erasure-bundle/v2"}`), &kept), retention.ErrInvalid)
}
