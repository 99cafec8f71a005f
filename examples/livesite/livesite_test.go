package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"

	"github.com/kuji-go/kuji/adapters/pgp"
	"github.com/kuji-go/kuji/internal/refevent"
	"github.com/kuji-go/kuji/lottery"
	"github.com/kuji-go/kuji/retention"
)

// TestLiveSite runs the whole program small and checks its summary against
// what the program was built to do (how many applications, duplicates and
// broken forms it submits) and against the files it wrote, read back
// independently: the draw records verify, the result list, the outbox, the
// encrypted postal list and the certificates agree with the summary.
func TestLiveSite(t *testing.T) {
	t.Parallel()
	const n = 200
	dir := filepath.Join(t.TempDir(), "out")
	var out bytes.Buffer
	cfg := config{dir: dir, n: n, workers: 4, seed: 7, smtpFrom: "no-reply@livesite.example.jp"}
	require.NoError(t, run(context.Background(), cfg, &out))
	text := out.String()

	// What the program submits: 5% postcards, a disguised second
	// application of every 50th web applicant, a broken web form every 100,
	// every 500th web applicant also in a second group, and in the postcard
	// file one broken row per 40 postcards and one online applicant per 100
	// (at least one of each).
	postcards := max(n/20, 5)
	web := n - postcards
	dupWeb := (web + 24) / 50
	badWeb := (web + 24) / 100
	twice := (web + 449) / 500
	dupPost, badPost := max(1, postcards/100), max(1, postcards/40)
	require.Positive(t, twice)
	require.Equal(t, []int{n + twice, web + twice, postcards}, fact(t, text, `stored\s+([\d,]+) \(web ([\d,]+), postcard ([\d,]+)\)`))
	require.Equal(t, []int{dupWeb + dupPost, dupWeb, dupPost}, fact(t, text, `refused, same person\s+([\d,]+) \(web ([\d,]+), postcard ([\d,]+)\)`))
	require.Equal(t, []int{badWeb + badPost}, fact(t, text, `refused, invalid\s+([\d,]+)`))
	require.Equal(t, []int{twice}, fact(t, text, `disqualified on review\s+([\d,]+)`))

	// The draw record verifies on its own and covers every application.
	rec := readRecord(t, filepath.Join(dir, "public", "draw-record.json"))
	require.NoError(t, lottery.Verify(rec))
	require.Len(t, rec.Order, n)
	require.Equal(t, []int{n}, fact(t, text, `(?m)^  entries\s+([\d,]+)`))
	var commitment struct {
		InputDigest lottery.Digest `json:"input_digest"`
	}
	readJSON(t, filepath.Join(dir, "public", "commitment.json"), &commitment)
	require.Equal(t, commitment.InputDigest, rec.InputDigest, "the draw ran over the committed input")

	// The published result list agrees with the record and the summary.
	rows := readCSV(t, filepath.Join(dir, "public", "results.csv"))
	require.Equal(t, []string{"receipt", "result", "slots"}, rows[0])
	require.Len(t, rows, n+1)
	won := 0
	for _, r := range rows[1:] {
		if r[1] == "won" {
			won++
		}
	}
	require.Equal(t, len(rec.Wins), won)
	require.Equal(t, won, fact(t, text, `(?m)^  won\s+([\d,]+)`)[0])

	// The final record replays every decline and lapse.
	final := readRecord(t, filepath.Join(dir, "public", "draw-record-final.json"))
	require.NoError(t, lottery.Verify(final))
	declined := fact(t, text, `(?m)^  declined\s+([\d,]+)`)[0]
	lapsed := fact(t, text, `(?m)^  lapsed\s+([\d,]+)`)[0]
	require.Positive(t, declined)
	require.Len(t, final.Events, declined+lapsed)
	promoted := 0
	for _, e := range final.Events {
		promoted += len(e.Promoted)
	}
	require.Equal(t, promoted, fact(t, text, `(?m)^  promoted\s+([\d,]+)`)[0])

	// One message per online applicant plus the promotions, one recipient each.
	emails := fact(t, text, `(?m)^  result emails\s+([\d,]+)`)[0]
	require.Equal(t, web, emails)
	promotionEmails := fact(t, text, `(?m)^  promotion emails\s+([\d,]+)`)[0]
	eml, err := filepath.Glob(filepath.Join(dir, "outbox", "*.eml"))
	require.NoError(t, err)
	require.Len(t, eml, emails+promotionEmails)
	for _, f := range eml {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		m, err := mail.ReadMessage(bytes.NewReader(b))
		require.NoError(t, err)
		to, err := m.Header.AddressList("To")
		require.NoError(t, err)
		require.Len(t, to, 1, "one recipient per message")
		require.Empty(t, m.Header.Get("Cc"))
		require.Empty(t, m.Header.Get("Bcc"))
	}

	// The postal list opens with the ward's key, signed by the contractor,
	// one row per postcard application.
	ward := readKey(t, filepath.Join(dir, "ward", "ward.sec.asc"))
	contractor := readKey(t, filepath.Join(dir, "ward", "contractor.pub.asc"))
	pr, err := pgp.Decrypt(openFile(t, filepath.Join(dir, "ward", "postal-list.csv.gpg")), []*pgp.Key{ward},
		&pgp.DecryptOptions{Signers: []*pgp.Key{contractor}, Now: atCards})
	require.NoError(t, err)
	plain, err := io.ReadAll(pr)
	require.NoError(t, err, "intact and signed by the contractor")
	postal, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(plain, []byte("\uFEFF")))).ReadAll()
	require.NoError(t, err)
	require.Len(t, postal, postcards+1)

	// Two certificates, each signed by the contractor and proven in the
	// audit log, checked with the ward's copies of the public keys.
	vkey, err := os.ReadFile(filepath.Join(dir, "ward", "audit-log.pub"))
	require.NoError(t, err)
	verifier, err := note.NewVerifier(strings.TrimSpace(string(vkey)))
	require.NoError(t, err)
	var records []int64
	for _, name := range []string{"erasure-1-applications", "erasure-2-contact-cards"} {
		signed, err := os.ReadFile(filepath.Join(dir, "ward", name+".asc"))
		require.NoError(t, err)
		_, sig, err := pgp.VerifyClearSigned(bytes.NewReader(signed), []*pgp.Key{contractor}, &pgp.Options{Now: atCards})
		require.NoError(t, err, name)
		require.Equal(t, contractor.Fingerprint(), sig.Signer)
		var b retention.Bundle
		readJSON(t, filepath.Join(dir, "ward", name+".json"), &b)
		_, err = b.Verify(verifier)
		require.NoError(t, err, name)
		records = append(records, b.Certificate.Records())
	}
	require.Equal(t, int64(n), records[0], "every application erased at the report")
	require.Equal(t, int64(fact(t, text, `walk-in contact cards\s+([\d,]+)`)[0]), records[1])
	require.Regexp(t, `final state\s+purged`, text)
	require.Positive(t, fact(t, text, `cards read for tracing\s+(\d+)`)[0])
	require.Equal(t, []int{2}, fact(t, text, `refused attempts\s+(\d+)`), "the check-in desk's two refused attempts")

	// The key-encryption key is in a file of its own, readable by the owner only.
	kek, err := os.Stat(filepath.Join(dir, "secrets", "kek.bin"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), kek.Mode().Perm())
	require.Equal(t, int64(32), kek.Size())
	_, err = os.Stat(filepath.Join(dir, "postcards.csv"))
	require.ErrorIs(t, err, os.ErrNotExist, "the typed-in postcards are deleted after the import")

	// No personal value in the output, nor in the database after the purge.
	db := readAll(t, filepath.Join(dir, "livesite.db"))
	sample := refevent.NewPeople(refevent.LiveSite(1, 1).Schema, 1).Form(1).Representative
	for i, pattern := range []string{`@example\.jp`, `東京都新宿区\p{Han}+\d`, `\b0[5789]0-\d{4}-\d{4}\b`} {
		re := regexp.MustCompile(pattern)
		require.Regexp(t, re, []string{sample.Email, sample.Address, sample.Phone}[i], "the pattern finds what it looks for")
		require.Empty(t, re.FindString(text), "a personal value in the output")
		require.Empty(t, re.Find(db), "a personal value in the database after the purge")
	}
	// Synthetic names are handed out in sequence, whatever the seed: the
	// first thousands are the ones the run used.
	names := refevent.NewPeople(refevent.LiveSite(1, 1).Schema, 99)
	for range 1000 {
		f := names.Form(6)
		require.NotContains(t, text, f.Representative.Name, "a name in the output")
		for _, c := range f.Companions {
			require.NotContains(t, text, c.Name, "a name in the output")
		}
	}

	// A second run into the same directory is refused unless forced.
	require.ErrorContains(t, run(context.Background(), cfg, io.Discard), "not empty")
}

// fact returns the numbers the pattern's groups capture in the output.
func fact(t *testing.T, text, pattern string) []int {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(text)
	require.NotNil(t, m, "no line matches %q", pattern)
	var out []int
	for _, s := range m[1:] {
		v, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
		require.NoError(t, err)
		out = append(out, v)
	}
	return out
}

func readRecord(t *testing.T, path string) *lottery.Record {
	t.Helper()
	var rec lottery.Record
	readJSON(t, path, &rec)
	return &rec
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(readAll(t, path), v), path)
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(openFile(t, path)).ReadAll()
	require.NoError(t, err)
	return rows
}

func readKey(t *testing.T, path string) *pgp.Key {
	t.Helper()
	k, err := pgp.ReadKey(openFile(t, path), nil)
	require.NoError(t, err)
	return k
}

func readAll(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

func openFile(t *testing.T, path string) io.Reader {
	t.Helper()
	return bytes.NewReader(readAll(t, path))
}

// atCards is the clock at the end of the run.
func atCards() time.Time { return tCards }
