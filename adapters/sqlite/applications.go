package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/kuji-go/kuji/adapters"
)

const (
	appColumns = `seq, id, event, receipt, channel, category, size, prefs, weight, tier, status, created`

	qAppByID      = `SELECT ` + appColumns + ` FROM applications WHERE event = ? AND id = ?`
	qAppByReceipt = `SELECT ` + appColumns + ` FROM applications WHERE event = ? AND receipt = ?`
	qAppSeq       = `SELECT seq FROM applications WHERE event = ? AND id = ?`
	qAppStatus    = `SELECT status FROM applications WHERE event = ? AND id = ?`
	// Pages of the listing: keyset pagination on (event, receipt), with the
	// status filter as a JSON array ('[]' keeps every status).
	qAppFirstPage = `SELECT ` + appColumns + ` FROM applications
		WHERE event = ? AND (? = '[]' OR status IN (SELECT value FROM json_each(?)))
		ORDER BY receipt LIMIT ?`
	qAppPage = `SELECT ` + appColumns + ` FROM applications
		WHERE event = ? AND receipt > ? AND (? = '[]' OR status IN (SELECT value FROM json_each(?)))
		ORDER BY receipt LIMIT ?`
	qSealedOf       = `SELECT app, class, blob FROM sealed WHERE app = ?`
	qSealedPage     = `SELECT app, class, blob FROM sealed WHERE app IN (SELECT value FROM json_each(?)) AND class IN (SELECT value FROM json_each(?))`
	qIdentityOf     = `SELECT app, mac FROM identity_keys WHERE app = ? ORDER BY pos`
	qIdentityPage   = `SELECT app, mac FROM identity_keys WHERE app IN (SELECT value FROM json_each(?)) ORDER BY app, pos`
	qSearchOf       = `SELECT app, kind, mac FROM search_keys WHERE app = ? ORDER BY pos`
	qSearchPage     = `SELECT app, kind, mac FROM search_keys WHERE app IN (SELECT value FROM json_each(?)) ORDER BY app, pos`
	qFind           = `SELECT a.id FROM search_keys k JOIN applications a ON a.seq = k.app WHERE k.event = ? AND k.kind = ? AND k.mac = ? ORDER BY a.receipt`
	qHasIdentity    = `SELECT EXISTS (SELECT 1 FROM identity_keys WHERE event = ? AND mac = ?)`
	qInsertApp      = `INSERT INTO applications (id, event, receipt, channel, category, size, prefs, weight, tier, status, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	qInsertSealed   = `INSERT INTO sealed (app, class, blob) VALUES (?, ?, ?)`
	qSetStatus      = `UPDATE applications SET status = ? WHERE event = ? AND id = ? AND status = ?`
	qDeleteApp      = `DELETE FROM applications WHERE seq = ?`
	qDeleteApps     = `DELETE FROM applications WHERE event = ?`
	qSealedReceipts = `SELECT a.receipt FROM applications a JOIN sealed s ON s.app = a.seq WHERE a.event = ? AND s.class = ? ORDER BY a.receipt`
	// Purging an event's applications drops the secondary indexes of the
	// application tables, deletes the children in bulk and then the
	// applications, and rebuilds the indexes over what is left: deleting a
	// million rows one index entry at a time, at random places in indexes
	// over random MACs and IDs, is several times slower than rebuilding.
	// Deleting one application deletes its children first, by its seq.
	qDeleteSealed   = `DELETE FROM sealed WHERE app = ?`
	qDeleteIdentity = `DELETE FROM identity_keys WHERE app = ?`
	qDeleteSearch   = `DELETE FROM search_keys WHERE app = ?`
	qDeleteConsent  = `DELETE FROM consents WHERE app = ?`
	qDeleteMessages = `DELETE FROM messages WHERE app = ?`
	qDeleteCheckins = `DELETE FROM checkins WHERE app = ?`
	qEventApps      = `SELECT seq FROM applications WHERE event = ?`
	qPurgeIndexes   = `SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('applications', 'identity_keys', 'search_keys') ORDER BY name`
	qEventSeqs      = `SELECT coalesce(min(seq), 0), coalesce(max(seq), -1) FROM applications WHERE event = ?`
	qOtherSeqs      = `SELECT EXISTS (SELECT 1 FROM applications WHERE seq BETWEEN ? AND ? AND event <> ?)`
	qPurgeSealed    = `DELETE FROM sealed WHERE app IN (` + qEventApps + `)`
	qPurgeIdentity  = `DELETE FROM identity_keys WHERE app IN (` + qEventApps + `)`
	qPurgeSearch    = `DELETE FROM search_keys WHERE app IN (` + qEventApps + `)`
	qPurgeConsents  = `DELETE FROM consents WHERE app IN (` + qEventApps + `)`
	qPurgeMessages  = `DELETE FROM messages WHERE app IN (` + qEventApps + `)`
	qPurgeCheckins  = `DELETE FROM checkins WHERE app IN (` + qEventApps + `)`
	// When no other event's application lies between the event's first
	// and last seq — always, in a database of one event — the children go
	// by range: one ordered walk of each table instead of a seek per
	// application.
	qRangeSealed      = `DELETE FROM sealed WHERE app BETWEEN ? AND ?`
	qRangeIdentity    = `DELETE FROM identity_keys WHERE app BETWEEN ? AND ?`
	qRangeSearch      = `DELETE FROM search_keys WHERE app BETWEEN ? AND ?`
	qRangeConsents    = `DELETE FROM consents WHERE app BETWEEN ? AND ?`
	qRangeMessages    = `DELETE FROM messages WHERE app BETWEEN ? AND ?`
	qRangeCheckins    = `DELETE FROM checkins WHERE app BETWEEN ? AND ?`
	qConsent          = `SELECT c.id, c.data FROM consents c JOIN applications a ON a.seq = c.app WHERE a.event = ? AND a.id = ?`
	qPutConsent       = `INSERT INTO consents (app, id, data) VALUES (?, ?, ?) ON CONFLICT (app) DO UPDATE SET id = excluded.id, data = excluded.data`
	qPurgeClassSealed = `DELETE FROM sealed WHERE class = ? AND app IN (SELECT seq FROM applications WHERE event = ?)`
	qPurgeClassCards  = `DELETE FROM contact_cards WHERE event = ? AND class = ?`
)

// listPage is how many applications ListApplications reads at a time. No
// cursor is open while fn runs, so fn may use the transaction.
const listPage = 256

// appRow scans an application's own row; seq is its key inside the
// database.
func scanApp(r interface{ Scan(...any) error }) (seq int64, a adapters.Application, err error) {
	var prefs string
	var created int64
	err = r.Scan(&seq, &a.ID, &a.Event, &a.Receipt, &a.Channel, &a.Category, &a.Size, &prefs, &a.Weight, &a.Tier, &a.Status, &created)
	if err != nil {
		return 0, a, err
	}
	a.Created = fromMicros(created)
	if err := json.Unmarshal([]byte(prefs), &a.Prefs); err != nil {
		return 0, a, fmt.Errorf("kuji/sqlite: application %s: preferences: %w", a.ID, adapters.ErrCorrupt)
	}
	return seq, a, nil
}

func (t *tx) Application(ctx context.Context, event, id string) (adapters.Application, error) {
	return t.oneApp(ctx, qAppByID, event, id)
}

func (t *tx) ApplicationByReceipt(ctx context.Context, event, receipt string) (adapters.Application, error) {
	return t.oneApp(ctx, qAppByReceipt, event, receipt)
}

func (t *tx) oneApp(ctx context.Context, q, event, key string) (adapters.Application, error) {
	outer := ctx
	ctx, err := t.begin(ctx, false)
	if err != nil {
		return adapters.Application{}, err
	}
	st, err := t.stmt(ctx, q)
	if err != nil {
		return adapters.Application{}, t.fail(err, "application")
	}
	seq, a, err := scanApp(st.QueryRowContext(ctx, event, key))
	if err != nil {
		return adapters.Application{}, t.fail(err, "application")
	}
	byApp := map[int64]*adapters.Application{seq: &a}
	a.Sealed = map[string][]byte{}
	if err := t.loadSealed(outer, ctx, qSealedOf, []any{seq}, byApp); err != nil {
		return adapters.Application{}, err
	}
	if err := t.loadKeys(outer, ctx, []any{seq}, qIdentityOf, qSearchOf, byApp); err != nil {
		return adapters.Application{}, err
	}
	return a, nil
}

func (t *tx) loadSealed(outer, ctx context.Context, q string, args []any, byApp map[int64]*adapters.Application) error {
	return t.rows(outer, ctx, "sealed blobs", q, args, func(r *sql.Rows) error {
		var seq int64
		var class string
		var blob []byte
		if err := r.Scan(&seq, &class, &blob); err != nil {
			return err
		}
		byApp[seq].Sealed[class] = blob
		return nil
	})
}

func (t *tx) loadKeys(outer, ctx context.Context, args []any, qIdentity, qSearch string, byApp map[int64]*adapters.Application) error {
	for _, a := range byApp {
		a.Identity, a.Search = [][]byte{}, []adapters.BlindKey{}
	}
	err := t.rows(outer, ctx, "identity keys", qIdentity, args, func(r *sql.Rows) error {
		var seq int64
		var mac []byte
		if err := r.Scan(&seq, &mac); err != nil {
			return err
		}
		a := byApp[seq]
		a.Identity = append(a.Identity, mac)
		return nil
	})
	if err != nil {
		return err
	}
	return t.rows(outer, ctx, "search keys", qSearch, args, func(r *sql.Rows) error {
		var seq int64
		var k adapters.BlindKey
		if err := r.Scan(&seq, &k.Kind, &k.MAC); err != nil {
			return err
		}
		a := byApp[seq]
		a.Search = append(a.Search, k)
		return nil
	})
}

func (t *tx) FindApplications(ctx context.Context, event string, k adapters.BlindKey) ([]string, error) {
	outer := ctx
	ctx, err := t.begin(ctx, false)
	if err != nil {
		return nil, err
	}
	var ids []string
	err = t.rows(outer, ctx, "find applications", qFind, []any{event, k.Kind, k.MAC}, func(r *sql.Rows) error {
		var id string
		if err := r.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	})
	return ids, err
}

func (t *tx) HasIdentity(ctx context.Context, event string, mac []byte) (bool, error) {
	ctx, err := t.begin(ctx, false)
	if err != nil {
		return false, err
	}
	var has bool
	err = t.row(ctx, "identity", qHasIdentity, []any{event, mac}, &has)
	return has, err
}

// ListApplications reads the listing a page at a time: the applications of
// a page, then the requested sealed classes and the blind keys of that
// page, each in one query; fn is called with no cursor open.
func (t *tx) ListApplications(ctx context.Context, event string, f adapters.ApplicationFilter, fn func(adapters.Application) error) error {
	outer := ctx
	ctx, err := t.begin(ctx, false)
	if err != nil {
		return err
	}
	status := jsonStrings(f.Status)
	classes := jsonStrings(f.Classes)
	q, args := qAppFirstPage, []any{event, status, status, listPage}
	for {
		var seqs []int64
		var page []adapters.Application
		err := t.rows(outer, ctx, "list applications", q, args, func(r *sql.Rows) error {
			seq, a, err := scanApp(r)
			if err != nil {
				return err
			}
			seqs = append(seqs, seq)
			page = append(page, a)
			return nil
		})
		if err != nil {
			return err
		}
		if len(page) == 0 {
			return nil
		}
		byApp := make(map[int64]*adapters.Application, len(page))
		for i := range page {
			byApp[seqs[i]] = &page[i]
		}
		ids := jsonInts(seqs)
		if len(f.Classes) > 0 {
			for i := range page {
				page[i].Sealed = map[string][]byte{}
			}
			if err := t.loadSealed(outer, ctx, qSealedPage, []any{ids, classes}, byApp); err != nil {
				return err
			}
		}
		if err := t.loadKeys(outer, ctx, []any{ids}, qIdentityPage, qSearchPage, byApp); err != nil {
			return err
		}
		for _, a := range page {
			if err := outer.Err(); err != nil {
				return err
			}
			if err := fn(a); err != nil {
				return err
			}
		}
		if len(page) < listPage {
			return nil
		}
		q, args = qAppPage, []any{event, page[len(page)-1].Receipt, status, status, listPage}
		if ctx, err = t.begin(outer, false); err != nil {
			return err
		}
	}
}

func jsonStrings(s []string) string {
	if len(s) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(s) // strings always marshal
	return string(b)
}

func jsonInts(xs []int64) string {
	b := make([]byte, 0, len(xs)*8+2)
	b = append(b, '[')
	for i, x := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, x, 10)
	}
	return string(append(b, ']'))
}

func (t *tx) InsertApplication(ctx context.Context, a adapters.Application) error {
	ctx, err := t.begin(ctx, true)
	if err != nil {
		return err
	}
	prefs, err := json.Marshal(a.Prefs)
	if err != nil {
		return fmt.Errorf("kuji/sqlite: preferences: %w", err)
	}
	return t.atomically(ctx, func() error {
		r, err := t.exec(ctx, "insert application", qInsertApp,
			a.ID, a.Event, a.Receipt, a.Channel, a.Category, a.Size, string(prefs), a.Weight, a.Tier, a.Status, micros(a.Created))
		if err != nil {
			return err
		}
		seq, err := r.LastInsertId()
		if err != nil {
			return t.fail(err, "insert application")
		}
		for class, blob := range a.Sealed {
			if _, err := t.exec(ctx, "insert sealed blob", qInsertSealed, seq, class, nonNil(blob)); err != nil {
				return err
			}
		}
		// The keys go in a few multi-row statements rather than one row
		// at a time: statements, not rows, are what an intake costs here.
		err = t.insertRows(ctx, "insert identity key", qInsertIdentityRows, len(a.Identity), func(i int) []any {
			return []any{seq, i, a.Event, nonNil(a.Identity[i])}
		})
		if err != nil {
			return err
		}
		err = t.insertRows(ctx, "insert search key", qInsertSearchRows, len(a.Search), func(i int) []any {
			k := a.Search[i]
			return []any{seq, i, a.Event, k.Kind, nonNil(k.MAC)}
		})
		if err != nil {
			return err
		}
		if c := a.Consent; c != nil {
			if c.Event != a.Event || c.Application != a.ID {
				return fmt.Errorf("kuji/sqlite: the consent receipt is for another application")
			}
			if _, err := t.exec(ctx, "put consent", qPutConsent, seq, c.ID, c.Data); err != nil {
				return err
			}
		}
		return nil
	})
}

func (t *tx) SetStatus(ctx context.Context, event, id, from, to string) error {
	ctx, err := t.begin(ctx, true)
	if err != nil {
		return err
	}
	n, err := t.affected(ctx, "set status", qSetStatus, to, event, id, from)
	if err != nil || n == 1 {
		return err
	}
	var cur string
	if err := t.row(ctx, "application", qAppStatus, []any{event, id}, &cur); err != nil {
		return err
	}
	return fmt.Errorf("kuji/sqlite: application status is not %q: %w", from, adapters.ErrConflict)
}

func (t *tx) DeleteApplication(ctx context.Context, event, id string) error {
	ctx, err := t.begin(ctx, true)
	if err != nil {
		return err
	}
	var seq int64
	if err := t.row(ctx, "application", qAppSeq, []any{event, id}, &seq); err != nil {
		return err
	}
	return t.atomically(ctx, func() error {
		for _, q := range []string{qDeleteSealed, qDeleteIdentity, qDeleteSearch, qDeleteConsent, qDeleteMessages, qDeleteCheckins, qDeleteApp} {
			if _, err := t.exec(ctx, "delete application", q, seq); err != nil {
				return err
			}
		}
		return nil
	})
}

func (t *tx) Consent(ctx context.Context, event, application string) (adapters.Consent, error) {
	ctx, err := t.begin(ctx, false)
	if err != nil {
		return adapters.Consent{}, err
	}
	c := adapters.Consent{Event: event, Application: application}
	err = t.row(ctx, "consent", qConsent, []any{event, application}, &c.ID, &c.Data)
	return c, err
}

func (t *tx) PutConsent(ctx context.Context, c adapters.Consent) error {
	ctx, err := t.begin(ctx, true)
	if err != nil {
		return err
	}
	var seq int64
	if err := t.row(ctx, "application", qAppSeq, []any{c.Event, c.Application}, &seq); err != nil {
		return err
	}
	_, err = t.exec(ctx, "put consent", qPutConsent, seq, c.ID, c.Data)
	return err
}

func (t *tx) PurgeClass(ctx context.Context, event, class string) (int64, error) {
	ctx, err := t.begin(ctx, true)
	if err != nil {
		return 0, err
	}
	var total int64
	err = t.atomically(ctx, func() error {
		for _, p := range []struct{ q, a, b string }{
			{qPurgeClassSealed, class, event},
			{qPurgeClassCards, event, class},
		} {
			n, err := t.affected(ctx, "purge class", p.q, p.a, p.b)
			if err != nil {
				return err
			}
			total += n
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return total, nil
}

func (t *tx) PurgeApplications(ctx context.Context, event string) (int64, error) {
	outer := ctx
	ctx, err := t.begin(ctx, true)
	if err != nil {
		return 0, err
	}
	var n int64
	err = t.atomically(ctx, func() error {
		type index struct{ name, sql string }
		var indexes []index
		err := t.rows(outer, ctx, "purge applications", qPurgeIndexes, nil, func(r *sql.Rows) error {
			var x index
			if err := r.Scan(&x.name, &x.sql); err != nil {
				return err
			}
			indexes = append(indexes, x)
			return nil
		})
		if err != nil {
			return err
		}
		var lo, hi int64
		var others bool
		if err := t.row(ctx, "purge applications", qEventSeqs, []any{event}, &lo, &hi); err != nil {
			return err
		}
		if err := t.row(ctx, "purge applications", qOtherSeqs, []any{lo, hi, event}, &others); err != nil {
			return err
		}
		// Index DDL is not one of the prepared statements: it runs on the
		// transaction directly.
		ddl := func(q string) error {
			_, err := t.sql().ExecContext(ctx, q)
			return t.fail(err, "purge applications")
		}
		for _, x := range indexes {
			if err := ddl(`DROP INDEX "` + x.name + `"`); err != nil {
				return err
			}
		}
		// A bigger page cache for the bulk delete, so that it does not
		// spill dirty pages to the log half-way; back to the usual size
		// afterwards.
		if err := ddl(fmt.Sprintf("PRAGMA cache_size = -%d", purgeCacheKiB)); err != nil {
			return err
		}
		defer t.sql().ExecContext(context.WithoutCancel(ctx), fmt.Sprintf("PRAGMA cache_size = -%d", writerCacheKiB))
		children, args := []string{qRangeSealed, qRangeIdentity, qRangeSearch, qRangeConsents, qRangeMessages, qRangeCheckins}, []any{lo, hi}
		if others {
			children, args = []string{qPurgeSealed, qPurgeIdentity, qPurgeSearch, qPurgeConsents, qPurgeMessages, qPurgeCheckins}, []any{event}
		}
		for _, q := range children {
			if _, err := t.exec(ctx, "purge applications", q, args...); err != nil {
				return err
			}
		}
		if n, err = t.affected(ctx, "purge applications", qDeleteApps, event); err != nil {
			return err
		}
		for _, x := range indexes {
			if err := ddl(x.sql); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

func (t *tx) ListSealed(ctx context.Context, event, class string, fn func(string) error) error {
	outer := ctx
	ctx, err := t.begin(ctx, false)
	if err != nil {
		return err
	}
	var receipts []string
	err = t.rows(outer, ctx, "list sealed", qSealedReceipts, []any{event, class}, func(r *sql.Rows) error {
		var receipt string
		if err := r.Scan(&receipt); err != nil {
			return err
		}
		receipts = append(receipts, receipt)
		return nil
	})
	return each(outer, receipts, err, fn)
}

// insertRows inserts n rows with the multi-row statements stmts (stmts[k]
// inserts k+1 rows), as few statements as it takes; row gives the values
// of row i.
func (t *tx) insertRows(ctx context.Context, what string, stmts []string, n int, row func(i int) []any) error {
	for i := 0; i < n; {
		k := min(n-i, len(stmts))
		var args []any
		for j := range k {
			args = append(args, row(i+j)...)
		}
		if _, err := t.exec(ctx, what, stmts[k-1], args...); err != nil {
			return err
		}
		i += k
	}
	return nil
}

// multiRow returns the statements inserting 1, 2, ... max rows into table.
func multiRow(table string, columns, max int) []string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", columns), ", ") + ")"
	out := make([]string, max)
	for k := range out {
		out[k] = "INSERT INTO " + table + " VALUES " + strings.TrimSuffix(strings.Repeat(one+", ", k+1), ", ")
	}
	return out
}

// The multi-row key inserts, up to 8 rows a statement.
var (
	qInsertIdentityRows = multiRow("identity_keys (app, pos, event, mac)", 4, 8)
	qInsertSearchRows   = multiRow("search_keys (app, pos, event, kind, mac)", 5, 8)
)
