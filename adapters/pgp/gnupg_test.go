package pgp

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// gnupg drives the real gpg (GnuPG 2.2) in a throw-away home directory.
// It fails the test, never skips it, when gpg is missing: CI installs it.
type gnupg struct {
	t    testing.TB
	home string
}

func newGnuPG(t testing.TB) *gnupg {
	t.Helper()
	_, err := exec.LookPath("gpg")
	require.NoError(t, err, "the interop tests need gpg (GnuPG 2.2): apt-get install gnupg")
	home := t.TempDir()
	require.NoError(t, os.Chmod(home, 0o700))
	g := &gnupg{t: t, home: home}
	// Registered after TempDir's own cleanup, so it runs first: no agent
	// is left running on a deleted home.
	t.Cleanup(func() {
		cmd := exec.Command("gpgconf", "--kill", "all")
		cmd.Env = append(os.Environ(), "GNUPGHOME="+home)
		_ = cmd.Run()
	})
	return g
}

// on returns g for use in a subtest.
func (g *gnupg) on(t testing.TB) *gnupg { return &gnupg{t: t, home: g.home} }

// run runs gpg with machine-readable status lines on stdout and returns
// them; it fails the test if gpg exits non-zero.
func (g *gnupg) run(stdin []byte, args ...string) string {
	g.t.Helper()
	status, stderr, err := g.try(stdin, args...)
	require.NoError(g.t, err, "gpg %s\n%s\n%s", strings.Join(args, " "), status, stderr)
	return status
}

// try is run without failing: it returns the status lines, gpg's messages
// and the exit error.
func (g *gnupg) try(stdin []byte, args ...string) (status, stderr string, err error) {
	g.t.Helper()
	base := []string{"--homedir", g.home, "--batch", "--no-tty", "--yes",
		"--pinentry-mode", "loopback", "--passphrase", "", "--trust-model", "always", "--status-fd", "1"}
	cmd := exec.Command("gpg", append(base, args...)...)
	cmd.Env = append(os.Environ(), "GNUPGHOME="+g.home, "LC_ALL=C")
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

// file writes data to a file in the home directory and returns its path.
func (g *gnupg) file(name string, data []byte) string {
	g.t.Helper()
	path := filepath.Join(g.home, name)
	require.NoError(g.t, os.WriteFile(path, data, 0o600))
	return path
}

func (g *gnupg) read(path string) []byte {
	g.t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(g.t, err)
	return data
}

// importKey gives gpg a kuji key: its secret part when it has one.
func (g *gnupg) importKey(k *Key) {
	g.t.Helper()
	var buf bytes.Buffer
	if k.HasPrivateKey() {
		require.NoError(g.t, k.WritePrivate(&buf, nil))
	} else {
		require.NoError(g.t, k.WritePublic(&buf))
	}
	g.run(buf.Bytes(), "--import")
}

// generate makes a gpg key with a primary key of algo (usage sign,cert)
// and, unless subAlgo is empty, a subkey of subAlgo with subUsage; expire
// applies to both ("0" for never). extra arguments (e.g.
// --faked-system-time) go before the command. It returns the fingerprint.
func (g *gnupg) generate(uid, algo, subAlgo, subUsage, expire string, extra ...string) string {
	g.t.Helper()
	g.run(nil, append(extra, "--quick-gen-key", uid, algo, "sign,cert", expire)...)
	fpr := g.fingerprint(uid)
	if subAlgo != "" {
		g.run(nil, append(extra, "--quick-add-key", fpr, subAlgo, subUsage, expire)...)
	}
	return fpr
}

var fprLine = regexp.MustCompile(`(?m)^fpr:(?:[^:]*:){8}([0-9A-F]{40}):`)

// fingerprint returns the primary key fingerprint of the only key matching
// uid, as gpg --with-colons prints it.
func (g *gnupg) fingerprint(uid string) string {
	g.t.Helper()
	cmd := exec.Command("gpg", "--homedir", g.home, "--batch", "--with-colons", "--list-keys", uid)
	cmd.Env = append(os.Environ(), "GNUPGHOME="+g.home)
	out, err := cmd.Output()
	require.NoError(g.t, err)
	m := fprLine.FindStringSubmatch(string(out))
	require.NotNil(g.t, m, "no fingerprint in\n%s", out)
	return m[1]
}

// export returns gpg's armored public key (or secret key) for fpr as a
// kuji Key.
func (g *gnupg) export(fpr string, secret bool) *Key {
	g.t.Helper()
	cmd := "--export"
	if secret {
		cmd = "--export-secret-keys"
	}
	out, stderr, err := g.try(nil, "--status-fd", "2", "--armor", cmd, fpr)
	require.NoError(g.t, err, stderr)
	k, err := ReadKey(strings.NewReader(out), nil)
	require.NoError(g.t, err)
	require.Equal(g.t, fpr, k.Fingerprint())
	return k
}

// statusLines returns the status lines of a keyword, without the
// "[GNUPG:] " prefix.
func statusLines(status, keyword string) []string {
	var lines []string
	for _, l := range strings.Split(status, "\n") {
		l = strings.TrimPrefix(l, "[GNUPG:] ")
		if l == keyword || strings.HasPrefix(l, keyword+" ") {
			lines = append(lines, l)
		}
	}
	return lines
}
