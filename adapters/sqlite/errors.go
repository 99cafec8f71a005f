package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	lib "modernc.org/sqlite/lib"

	"github.com/kuji-go/kuji/adapters"
)

var (
	errClosed   = fmt.Errorf("kuji/sqlite: store closed: %w", adapters.ErrClosed)
	errTxEnded  = fmt.Errorf("kuji/sqlite: transaction used after its function returned: %w", adapters.ErrClosed)
	errReadOnly = fmt.Errorf("kuji/sqlite: write in a read-only transaction: %w", adapters.ErrConflict)
)

// translate maps a database error to the adapters sentinels, saying what
// was being done. SQLite's messages name tables and columns, never values,
// so the driver's error is kept in the chain (errors.As finds
// *sqlite.Error).
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("kuji/sqlite: %s: %w", what, adapters.ErrNotFound)
	}
	if errors.Is(err, adapters.ErrClosed) || errors.Is(err, adapters.ErrCorrupt) ||
		errors.Is(err, adapters.ErrDuplicate) || errors.Is(err, adapters.ErrNotFound) {
		return err // already translated
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case lib.SQLITE_CONSTRAINT_UNIQUE, lib.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("kuji/sqlite: %s: %w: %w", what, adapters.ErrDuplicate, err)
		case lib.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("kuji/sqlite: %s: a referenced record is missing: %w: %w", what, adapters.ErrNotFound, err)
		}
		switch se.Code() & 0xff {
		case lib.SQLITE_CORRUPT, lib.SQLITE_NOTADB:
			return fmt.Errorf("kuji/sqlite: %s: %w: %w", what, adapters.ErrCorrupt, err)
		}
	}
	return fmt.Errorf("kuji/sqlite: %s: %w", what, err)
}

// statementLevel reports whether err left the surrounding transaction
// intact. SQLite undoes only the failing statement after a constraint
// violation, an SQL error or a bad argument, but may roll back the whole
// transaction after an I/O error, a full disk, an interrupt, running out of
// memory or finding corruption; a lost connection loses the transaction
// too. Errors that are not the database's (a value that does not scan, a
// row kuji cannot parse) leave it intact.
func statementLevel(err error) bool {
	if errors.Is(err, sql.ErrConnDone) || errors.Is(err, sql.ErrTxDone) || errors.Is(err, driver.ErrBadConn) {
		return false
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return true
	}
	switch se.Code() & 0xff {
	case lib.SQLITE_CONSTRAINT, lib.SQLITE_ERROR, lib.SQLITE_MISMATCH, lib.SQLITE_TOOBIG, lib.SQLITE_RANGE:
		return true
	}
	return false
}
