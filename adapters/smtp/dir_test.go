package smtp_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/adapters/smtp"
)

func TestDirWritesOneFilePerMessage(t *testing.T) {
	t.Parallel()
	root := filepath.Join(t.TempDir(), "outbox")
	d, err := smtp.OpenDir(root, &smtp.Options{From: officeFrom, Charset: smtp.CharsetISO2022JP})
	require.NoError(t, err)
	info, err := os.Stat(root)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), info.Mode().Perm())

	key := "livesite/0000-0001/won"
	n := note(key, "applicant@example.com", "【ライブサイト】抽選結果のお知らせ", "当選しました。\n")
	require.NoError(t, d.Notify(t.Context(), n))
	// Sending again (a retry after a crash) replaces the file.
	n.Body = "当選しました。（再送）\n"
	require.NoError(t, d.Notify(t.Context(), n))

	entries, err := os.ReadDir(root)
	require.NoError(t, err)
	require.Len(t, entries, 1, "one file, no temporary files left")
	path := d.Path(key)
	require.Equal(t, filepath.Join(root, "livesite%2F0000-0001%2Fwon.eml"), path)
	info, err = os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	m := decodeMessage(t, raw)
	require.Equal(t, "ISO-2022-JP", m.charset)
	require.Equal(t, "【ライブサイト】抽選結果のお知らせ", m.subject)
	require.Equal(t, "当選しました。（再送）\n", strings.ReplaceAll(m.body, "\r\n", "\n"))
	require.Equal(t, "<applicant@example.com>", m.header.Get("To"))
	require.Equal(t, smtp.MessageID(key, "ward.example.jp"), m.header.Get("Message-Id"))
}

// File names are the keys, escaped so that no key can name a path outside
// the directory or a hidden file, and distinct keys give distinct names.
func TestDirFileNames(t *testing.T) {
	t.Parallel()
	d, err := smtp.OpenDir(t.TempDir(), &smtp.Options{From: officeFrom})
	require.NoError(t, err)
	cases := []struct{ key, want string }{
		{"ev/app/won", "ev%2Fapp%2Fwon.eml"},
		{"../../etc/passwd", "%2E.%2F..%2Fetc%2Fpasswd.eml"},
		{".hidden", "%2Ehidden.eml"},
		{"a b:c", "a%20b%3Ac.eml"},
		{"当選", "%E5%BD%93%E9%81%B8.eml"},
	}
	names := map[string]bool{}
	for _, tc := range cases {
		name := filepath.Base(d.Path(tc.key))
		require.Equal(t, tc.want, name, tc.key)
		names[name] = true
	}
	long := strings.Repeat("k", 300)
	a, b := filepath.Base(d.Path(long+"1")), filepath.Base(d.Path(long+"2"))
	require.NotEqual(t, a, b)
	require.LessOrEqual(t, len(a), 255)
}

func TestDirRefusesInvalidNotifications(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	d, err := smtp.OpenDir(root, &smtp.Options{From: officeFrom})
	require.NoError(t, err)
	err = d.Notify(t.Context(), note("k", "a@example.com, b@example.com", "件名", "本文"))
	var fe *smtp.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, smtp.ReasonSeveralRecipients, fe.Reason)
	entries, err := os.ReadDir(root)
	require.NoError(t, err)
	require.Empty(t, entries)
}
