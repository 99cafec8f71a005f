package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// Listings read this many rows per query. Reading a page at a time keeps
// memory flat on large events and frees the connection while the caller's
// callback runs, so the callback may use the transaction (for example to
// change the status of each application it is shown).
const (
	pageSize     = 500
	leafPageSize = 4096
)

// forPages runs a keyset-paginated listing: query returns the statement
// for the page after last (nil for the first page), which must order by a
// unique key and read at most size rows; each page is read whole, then fn
// is called for each row. An error from fn stops the listing and is
// returned as it is.
//
// Inside an Update (READ COMMITTED) each page sees the rows committed when
// it is read, so a long listing may include rows committed after it began;
// it never repeats or skips a row that exists throughout. Inside a View
// every page sees the same snapshot.
func forPages[T any](ctx context.Context, t *tx, op string, size int,
	query func(last *T) (string, []any),
	scan func(pgx.CollectableRow) (T, error),
	fn func(T) error,
) error {
	var last *T
	for {
		if err := t.check(ctx, false); err != nil {
			return err
		}
		text, args := query(last)
		rows, err := t.query(ctx, text, args...)
		if err != nil {
			return translate(ctx, op, err)
		}
		page, err := pgx.CollectRows(rows, scan)
		if err != nil {
			return translate(ctx, op, err)
		}
		for _, row := range page {
			if err := fn(row); err != nil {
				return err
			}
		}
		if len(page) < size {
			return nil
		}
		last = &page[len(page)-1]
	}
}
