package sqlite_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
	_ "modernc.org/sqlite" // the driver, to tamper with the file as an intruder would

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/sqlite"
	"github.com/kuji-go/kuji/audit"
)

const tamperOrigin = "kuji.test/tamper"

// tamperLog writes a log of n entries into a fresh database file, signs a
// checkpoint over it, compacts so every byte is in the main file, and
// returns the file and the checkpoint.
func tamperLog(t *testing.T, n int) (string, audit.Checkpoint) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "audit.db")
	s, err := sqlite.Open(path, nil)
	require.NoError(t, err)
	skey, _, err := audit.GenerateKey(rand.Reader, tamperOrigin)
	require.NoError(t, err)
	signer, err := note.NewSigner(skey)
	require.NoError(t, err)
	var cp audit.Checkpoint
	err = s.Update(ctx, func(tx adapters.Tx) error {
		l, err := audit.NewLog(tamperOrigin, tx.AuditLog(tamperOrigin))
		if err != nil {
			return err
		}
		for i := range n {
			_, err := l.Append(ctx, audit.Entry{
				Time: time.Date(2021, 7, 1, 9, 0, i, 0, time.UTC), Actor: "handler-1", Role: audit.RoleHandler,
				Purpose: "reception", Action: audit.ActionView, Event: "ev-1",
				Subjects: []string{fmt.Sprintf("T-ENTRY-%04d", i)}, Outcome: audit.OutcomeAllowed,
			})
			if err != nil {
				return err
			}
		}
		_, cp, err = l.Sign(ctx, signer)
		return err
	})
	require.NoError(t, err)
	require.NoError(t, s.Compact(ctx))
	require.NoError(t, s.Close())
	return path, cp
}

// verify reopens the database and verifies its log against cp.
func verify(t *testing.T, path string, cp audit.Checkpoint) error {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(path, nil)
	require.NoError(t, err)
	defer s.Close()
	return s.View(ctx, func(tx adapters.ReadTx) error {
		l, err := audit.NewLog(tamperOrigin, tx.AuditLog(tamperOrigin))
		if err != nil {
			return err
		}
		_, err = l.Verify(ctx, cp)
		return err
	})
}

func tamperSQL(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	for _, q := range stmts {
		_, err := db.Exec(q)
		require.NoError(t, err, q)
	}
}

// Someone with write access to the SQLite file changes the audit log; the
// ward's last signed checkpoint catches it and names the entry.
func TestAuditTamperingOnTheFile(t *testing.T) {
	t.Parallel()
	const n = 50
	pristine, cp := tamperLog(t, n)
	require.NoError(t, verify(t, pristine, cp), "the untouched log verifies")
	orig, err := os.ReadFile(pristine)
	require.NoError(t, err)

	for _, tc := range []struct {
		name   string
		tamper func(t *testing.T, path string)
		entry  int64
		reason audit.VerifyReason
	}{
		{"one byte of an entry changed in the file", func(t *testing.T, path string) {
			b := bytes.Clone(orig)
			needle := []byte("T-ENTRY-0017")
			i := bytes.Index(b, needle)
			require.GreaterOrEqual(t, i, 0, "the entry is in the main file")
			require.Equal(t, -1, bytes.Index(b[i+1:], needle), "it is there once")
			b[i+len(needle)-1] = '9' // T-ENTRY-0019: a valid entry, but not the one appended
			require.NoError(t, os.WriteFile(path, b, 0o600))
		}, 17, audit.ReasonEntryChanged},
		{"the last entry deleted", func(t *testing.T, path string) {
			tamperSQL(t, path, fmt.Sprintf("DELETE FROM audit_leaves WHERE idx = %d", n-1))
		}, n - 1, audit.ReasonEntryMissing},
		{"the last entry deleted with its hashes", func(t *testing.T, path string) {
			tamperSQL(t, path,
				fmt.Sprintf("DELETE FROM audit_leaves WHERE idx = %d", n-1),
				fmt.Sprintf("DELETE FROM audit_hashes WHERE idx >= %d", tlog.StoredHashIndex(0, n-1)))
		}, n - 1, audit.ReasonEntryMissing},
		{"two entries swapped", func(t *testing.T, path string) {
			tamperSQL(t, path,
				"UPDATE audit_leaves SET idx = -1 WHERE idx = 10",
				"UPDATE audit_leaves SET idx = 10 WHERE idx = 30",
				"UPDATE audit_leaves SET idx = 30 WHERE idx = -1")
		}, 10, audit.ReasonEntryChanged},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "copy.db")
			require.NoError(t, os.WriteFile(path, orig, 0o600))
			tc.tamper(t, path)
			err := verify(t, path, cp)
			var ve *audit.VerifyError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tc.entry, ve.Entry, "the first entry that no longer matches is named")
			require.Equal(t, tc.reason, ve.Reason)
		})
	}
}
