package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"

	"github.com/kuji-go/kuji/adapters/pgp"
	"github.com/kuji-go/kuji/lottery"
	"github.com/kuji-go/kuji/retention"
)

// TestCityWalk runs the whole program small and checks its summary against
// what the program was built to do and against the files it wrote, read
// back independently: the insurance list decrypts with the ward's key to
// one row per application holding the insurance fields only, the draw
// verifies with room for everyone on one course, and the certificate of
// erasure is signed and proven in the audit log.
func TestCityWalk(t *testing.T) {
	t.Parallel()
	const n = 200
	dir := filepath.Join(t.TempDir(), "out")
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), config{dir: dir, n: n, seed: 3, workers: 4}, &out))
	text := out.String()

	// What the program submits: 10% postcards plus one broken row per 20;
	// online, a disguised second application of every 40th person and a
	// broken form every 60.
	postcards := max(n/10, 2)
	web := n - postcards
	require.Equal(t, []int{n, web, postcards}, fact(t, text, `stored\s+([\d,]+) \(web ([\d,]+), postcard ([\d,]+)\)`))
	require.Equal(t, []int{(web + 19) / 40}, fact(t, text, `refused, same person\s+([\d,]+)`))
	require.Equal(t, []int{(web+29)/60 + max(1, postcards/20)}, fact(t, text, `refused, invalid\s+([\d,]+)`))

	// The draw: everyone who chose 5 km won; the 10 km course is full.
	var rec lottery.Record
	readJSON(t, filepath.Join(dir, "public", "draw-record.json"), &rec)
	require.NoError(t, lottery.Verify(&rec))
	demand, wins := map[string]int{}, map[string]int{}
	for _, e := range rec.Input.Entries {
		demand[e.Prefs[0]]++
	}
	for _, w := range rec.Wins {
		wins[w.Slot]++
	}
	require.Len(t, rec.Input.Entries, n)
	require.Equal(t, demand["5km"], wins["5km"], "room for everyone on the 5 km course")
	require.Greater(t, demand["10km"], n/4, "the 10 km course is oversubscribed")
	require.Equal(t, n/4, wins["10km"], "and full")
	require.Equal(t, []int{demand["10km"], n / 4, n / 4}, fact(t, text, `course 10km\s+([\d,]+) applied, ([\d,]+) places, ([\d,]+) won`))

	// The insurance list opens with the ward's key, is signed by the
	// contractor, and holds one row per participant (who won a place) with
	// the insurance fields only.
	ward := readKey(t, filepath.Join(dir, "ward", "ward.sec.asc"))
	contractor := readKey(t, filepath.Join(dir, "ward", "contractor.pub.asc"))
	rows := decrypt(t, filepath.Join(dir, "ward", "insurance.csv.gpg"), ward, contractor)
	require.Equal(t, []string{"氏名", "住所", "年齢", "性別"}, rows[0])
	participants := wins["5km"] + wins["10km"]
	require.Less(t, participants, n, "those who lost the 10 km draw are not insured")
	require.Len(t, rows, participants+1)
	for _, r := range rows[1:] {
		require.Regexp(t, `^\p{Han}+ [\p{Han}\p{Hiragana}]+$`, r[0], "a name")
		require.Regexp(t, `^東京都新宿区\p{Han}+\d+-\d+-\d+$`, r[1], "an address in the ward")
		age, err := strconv.Atoi(r[2])
		require.NoError(t, err)
		require.GreaterOrEqual(t, age, 18)
		require.Contains(t, []string{"male", "female", ""}, r[3])
	}
	require.Equal(t, []int{participants}, fact(t, text, `insurance list rows\s+([\d,]+)`))
	postal := decrypt(t, filepath.Join(dir, "ward", "postal-list.csv.gpg"), ward, contractor)
	require.Len(t, postal, postcards+1, "one postal row per postcard application")

	// One message per online applicant, one recipient each.
	eml, err := filepath.Glob(filepath.Join(dir, "outbox", "*.eml"))
	require.NoError(t, err)
	require.Len(t, eml, web)
	for _, f := range eml {
		m, err := mail.ReadMessage(bytes.NewReader(readAll(t, f)))
		require.NoError(t, err)
		to, err := m.Header.AddressList("To")
		require.NoError(t, err)
		require.Len(t, to, 1)
	}

	// Check-in: every winner came but one in ten.
	checked := fact(t, text, `checked in\s+([\d,]+) \(no-shows ([\d,]+)\)`)
	require.Equal(t, len(rec.Wins), checked[0]+checked[1])
	require.Equal(t, len(rec.Wins)/10, checked[1])

	// The certificate of erasure: every application, signed and proven.
	signed := readAll(t, filepath.Join(dir, "ward", "erasure-certificate.asc"))
	_, sig, err := pgp.VerifyClearSigned(bytes.NewReader(signed), []*pgp.Key{contractor}, &pgp.Options{Now: atReport})
	require.NoError(t, err)
	require.Equal(t, contractor.Fingerprint(), sig.Signer)
	vkey := readAll(t, filepath.Join(dir, "ward", "audit-log.pub"))
	verifier, err := note.NewVerifier(strings.TrimSpace(string(vkey)))
	require.NoError(t, err)
	var b retention.Bundle
	readJSON(t, filepath.Join(dir, "ward", "erasure-certificate.json"), &b)
	_, err = b.Verify(verifier)
	require.NoError(t, err)
	require.Equal(t, int64(n), b.Certificate.Records())
	require.Regexp(t, `final state\s+purged`, text)

	// No personal value in the output, nor in the database after the erasure.
	db := readAll(t, filepath.Join(dir, "citywalk.db"))
	for _, r := range rows[1:] {
		require.NotContains(t, text, r[0])
		require.False(t, bytes.Contains(db, []byte(r[0])), "a name survived the erasure")
		require.False(t, bytes.Contains(db, []byte(r[1])), "an address survived the erasure")
	}
	require.NotRegexp(t, `@example\.jp|\b0[5789]0-\d{4}-\d{4}\b`, text)

	// The gpg commands the summary prints work with the real GnuPG, and
	// gpg reads the same list.
	gpg := newGPG(t)
	for _, cmd := range []string{"--import " + filepath.Join(dir, "ward", "contractor.pub.asc"),
		"--verify " + filepath.Join(dir, "ward", "erasure-certificate.asc"),
		"--import " + filepath.Join(dir, "ward", "ward.sec.asc")} {
		require.Contains(t, text, "gpg "+cmd, "the summary prints the command")
		gpg(strings.Fields(cmd)...)
	}
	plain := gpg("--decrypt", filepath.Join(dir, "ward", "insurance.csv.gpg"))
	back, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(plain, "\uFEFF"))).ReadAll()
	require.NoError(t, err)
	require.Equal(t, rows, back)
}

// newGPG returns a function running the real gpg (GnuPG 2.2) in a
// throw-away home directory. It fails the test, never skips it, when gpg
// is missing: CI installs it.
func newGPG(t *testing.T) func(args ...string) string {
	_, err := exec.LookPath("gpg")
	require.NoError(t, err, "the interop check needs gpg (GnuPG 2.2): apt-get install gnupg")
	home := t.TempDir()
	require.NoError(t, os.Chmod(home, 0o700))
	t.Cleanup(func() {
		cmd := exec.Command("gpgconf", "--kill", "all")
		cmd.Env = append(os.Environ(), "GNUPGHOME="+home)
		_ = cmd.Run()
	})
	return func(args ...string) string {
		t.Helper()
		cmd := exec.Command("gpg", append([]string{"--homedir", home, "--batch", "--no-tty", "--trust-model", "always"}, args...)...)
		cmd.Env = append(os.Environ(), "GNUPGHOME="+home, "LC_ALL=C")
		var out, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &stderr
		require.NoError(t, cmd.Run(), "gpg %s: %s", strings.Join(args, " "), stderr.String())
		return out.String()
	}
}

func atReport() time.Time { return tReport }

func decrypt(t *testing.T, path string, ward, signer *pgp.Key) [][]string {
	t.Helper()
	pr, err := pgp.Decrypt(bytes.NewReader(readAll(t, path)), []*pgp.Key{ward},
		&pgp.DecryptOptions{Signers: []*pgp.Key{signer}, Now: atReport})
	require.NoError(t, err)
	plain, err := io.ReadAll(pr)
	require.NoError(t, err, "intact and signed by the contractor")
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(plain, []byte("\uFEFF")))).ReadAll()
	require.NoError(t, err)
	return rows
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

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(readAll(t, path), v), path)
}

func readKey(t *testing.T, path string) *pgp.Key {
	t.Helper()
	k, err := pgp.ReadKey(bytes.NewReader(readAll(t, path)), nil)
	require.NoError(t, err)
	return k
}

func readAll(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}
