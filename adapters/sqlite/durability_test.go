package sqlite_test

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/keydir"
	"github.com/kuji-go/kuji/adapters/sqlite"
	"github.com/kuji-go/kuji/internal/seal"
)

// The child process's role and inputs, passed in its environment.
const (
	envRole  = "KUJI_SQLITE_TEST_ROLE"
	envDB    = "KUJI_SQLITE_TEST_DB"
	envKeys  = "KUJI_SQLITE_TEST_KEYS"
	envKEK   = "KUJI_SQLITE_TEST_KEK"
	envFirst = "KUJI_SQLITE_TEST_FIRST"
)

const (
	crashEvent   = "ev-crash"
	crashWriters = 4
	classes      = 2 // sealed data classes per application
)

// crashApp is application n of the crash test with its plaintexts: two
// sealed classes of realistic size, two identity keys, two search keys.
func crashApp(ctx context.Context, sealer *seal.Sealer, n int) (adapters.Application, [classes][]byte, error) {
	a := app(crashEvent, n)
	a.Receipt = fmt.Sprintf("C-%07d", n)
	var pts [classes][]byte
	a.Sealed = map[string][]byte{}
	for c := range classes {
		class := fmt.Sprintf("class-%d", c)
		pts[c] = []byte(fmt.Sprintf(`{"n":%d,"class":%q,"pad":%q}`, n, class, strings.Repeat("x", 250)))
		blob, err := sealer.Seal(ctx, crashEvent, a.ID, class, pts[c])
		if err != nil {
			return a, pts, err
		}
		a.Sealed[class] = blob
	}
	idx, err := sealer.IndexKey(ctx, crashEvent)
	if err != nil {
		return a, pts, err
	}
	mac := func(v string) []byte {
		m := hmac.New(sha256.New, idx)
		m.Write([]byte(v))
		return m.Sum(nil)
	}
	a.Identity = [][]byte{mac(fmt.Sprintf("id-a-%d", n)), mac(fmt.Sprintf("id-b-%d", n))}
	a.Search = []adapters.BlindKey{{Kind: "kana", MAC: mac(fmt.Sprintf("kana-%d", n))}, {Kind: "phone", MAC: mac(fmt.Sprintf("phone-%d", n))}}
	return a, pts, nil
}

func crashSealer(t *testing.T, keys, kek string) *seal.Sealer {
	t.Helper()
	ks, err := keydir.Open(keys, nil)
	require.NoError(t, err)
	k, err := hex.DecodeString(kek)
	require.NoError(t, err)
	sealer, err := seal.New(k, ks)
	require.NoError(t, err)
	return sealer
}

// TestHelperWriter is the child process of TestCrashDurability, not a test
// of its own: run without its environment it returns at once. As the
// child, it inserts applications from several goroutines, one Update each,
// and prints "ack <n>" for each only after its Update returned nil, until
// it is killed.
func TestHelperWriter(t *testing.T) {
	if os.Getenv(envRole) != "writer" {
		return
	}
	ctx := context.Background()
	sealer := crashSealer(t, os.Getenv(envKeys), os.Getenv(envKEK))
	first, err := strconv.Atoi(os.Getenv(envFirst))
	require.NoError(t, err)
	s, err := sqlite.Open(os.Getenv(envDB), nil)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for w := range crashWriters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := first + w; n < first+100_000; n += crashWriters {
				a, _, err := crashApp(ctx, sealer, n)
				if err == nil {
					err = s.Update(ctx, func(tx adapters.Tx) error {
						if err := tx.InsertApplication(ctx, a); err != nil {
							return err
						}
						return tx.PutConsent(ctx, adapters.Consent{ID: "c-" + a.ID, Event: crashEvent, Application: a.ID, Data: []byte(`{"notice":"v1"}`)})
					})
				}
				if err != nil {
					fmt.Fprintf(os.Stderr, "writer: %v\n", err)
					os.Exit(3)
				}
				fmt.Fprintf(os.Stdout, "ack %d\n", n)
			}
		}()
	}
	wg.Wait()
}

// A writer killed with SIGKILL mid-stream loses nothing it acknowledged
// and leaves no application half-written, at several kill points.
func TestCrashDurability(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "kuji.db")
	keys := filepath.Join(dir, "keys")
	kek := hex.EncodeToString(seal.NewKEK())
	ctx := context.Background()
	s, err := sqlite.Open(path, nil)
	require.NoError(t, err)
	require.NoError(t, s.Update(ctx, func(tx adapters.Tx) error {
		return tx.CreateEvent(ctx, adapters.Event{ID: crashEvent, State: "open"})
	}))
	require.NoError(t, s.Close())
	sealer := crashSealer(t, keys, kek)

	acked := map[int]bool{}
	for run, killAt := range []int{150, 320, 530} {
		first := run * 1_000_000
		got := runWriter(t, path, keys, kek, first, killAt)
		require.GreaterOrEqual(t, len(got), killAt)
		t.Logf("run %d: killed after %d acknowledgements (%d printed in all)", run, killAt, len(got))
		for _, n := range got {
			acked[n] = true
		}
		checkCrashDB(t, sealer, path, acked, crashWriters*(run+1))
	}
}

// runWriter starts the child, kills it after killAt acknowledgements, and
// returns every acknowledgement it printed, including those still in the
// pipe when it died.
func runWriter(t *testing.T, path, keys, kek string, first, killAt int) []int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWriter$", "-test.count=1")
	cmd.Env = append(os.Environ(), envRole+"=writer", envDB+"="+path, envKeys+"="+keys, envKEK+"="+kek, envFirst+"="+strconv.Itoa(first))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	timer := time.AfterFunc(2*time.Minute, func() { cmd.Process.Kill() })
	defer timer.Stop()

	var acks []int
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		v, ok := strings.CutPrefix(line, "ack ")
		if !ok {
			continue // test framework output
		}
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "line %q", line)
		acks = append(acks, n)
		if len(acks) == killAt {
			require.NoError(t, cmd.Process.Kill()) // SIGKILL: no deferred function, no flush, no close
		}
	}
	require.NoError(t, sc.Err())
	err = cmd.Wait()
	require.Error(t, err, "the writer was killed")
	require.Contains(t, err.Error(), "killed", "the writer died by the kill, not by itself: %s", stderr.String())
	return acks
}

// checkCrashDB reopens the database after a crash and checks every
// acknowledged application is there whole, and every application there is
// whole; slack bounds the applications committed but never acknowledged.
func checkCrashDB(t *testing.T, sealer *seal.Sealer, path string, acked map[int]bool, slack int) {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(path, nil)
	require.NoError(t, err)
	defer s.Close()
	stored := map[string]bool{}
	require.NoError(t, s.View(ctx, func(tx adapters.ReadTx) error {
		return tx.ListApplications(ctx, crashEvent, adapters.ApplicationFilter{Classes: []string{"class-0", "class-1"}}, func(a adapters.Application) error {
			stored[a.ID] = true
			n, err := strconv.Atoi(strings.TrimPrefix(a.Receipt, "C-"))
			require.NoError(t, err)
			want, pts, err := crashApp(ctx, sealer, n)
			require.NoError(t, err)
			require.Equal(t, want.ID, a.ID)
			require.Len(t, a.Sealed, classes, "application %d has all its sealed blobs", n)
			for c := range classes {
				class := fmt.Sprintf("class-%d", c)
				pt, err := sealer.Open(ctx, crashEvent, a.ID, class, a.Sealed[class])
				require.NoError(t, err, "application %d, %s opens", n, class)
				require.Equal(t, pts[c], pt)
			}
			require.Equal(t, want.Identity, a.Identity, "application %d has its identity keys", n)
			require.Equal(t, want.Search, a.Search, "application %d has its search keys", n)
			_, err = tx.Consent(ctx, crashEvent, a.ID)
			require.NoError(t, err, "application %d has its consent receipt", n)
			return nil
		})
	}))
	for n := range acked {
		require.True(t, stored[app(crashEvent, n).ID], "acknowledged application %d survived the crash", n)
	}
	require.LessOrEqual(t, len(stored)-len(acked), slack,
		"at most one unacknowledged commit per writer goroutine and run (committed, killed before printing)")
}
