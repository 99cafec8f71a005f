package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/kuji-go/kuji/adapters"
)

// ErrSchemaTooNew: the database was migrated by a newer version of this
// package than the running one. Open refuses it rather than write to
// tables it does not know.
var ErrSchemaTooNew = errors.New("kuji/postgres: the database schema is newer than this library")

// SQLSTATE codes the store translates.
const (
	codeUniqueViolation      = "23505"
	codeForeignKeyViolation  = "23503"
	codeSerializationFailure = "40001"
	codeDeadlockDetected     = "40P01"
)

// translate turns a pgx error into one of the adapters sentinels where one
// applies. The server's error detail is never included: it may quote the
// values of a row.
func translate(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil {
		// Whatever the driver reports (a cancelled statement, a closed
		// connection), the cause is the context.
		return fmt.Errorf("kuji/postgres: %s: %w", op, cerr)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("kuji/postgres: %s: %w", op, err)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case codeUniqueViolation:
			return fmt.Errorf("kuji/postgres: %s: unique constraint %s: %w", op, pe.ConstraintName, adapters.ErrDuplicate)
		case codeForeignKeyViolation:
			return fmt.Errorf("kuji/postgres: %s: missing parent row (%s): %w", op, pe.ConstraintName, adapters.ErrNotFound)
		case codeSerializationFailure, codeDeadlockDetected:
			return fmt.Errorf("kuji/postgres: %s: %s (SQLSTATE %s): %w", op, pe.Message, pe.Code, adapters.ErrConflict)
		}
		return fmt.Errorf("kuji/postgres: %s: %s (SQLSTATE %s)", op, pe.Message, pe.Code)
	}
	if errors.Is(err, pgx.ErrTxClosed) {
		return fmt.Errorf("kuji/postgres: %s: %w", op, adapters.ErrClosed)
	}
	return fmt.Errorf("kuji/postgres: %s: %w", op, err)
}

func notFound(what string) error {
	return fmt.Errorf("kuji/postgres: %s: %w", what, adapters.ErrNotFound)
}

func duplicate(what string) error {
	return fmt.Errorf("kuji/postgres: %s: %w", what, adapters.ErrDuplicate)
}

func conflict(what string) error {
	return fmt.Errorf("kuji/postgres: %s: %w", what, adapters.ErrConflict)
}
