package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/kuji-go/kuji/adapters"
)

// appColumns reads an application row with its identity keys, search
// keys and the sealed blobs of the classes in $1 (NULL: every class) in
// one statement.
const appColumns = `a.id, a.receipt, a.channel, a.category, a.size, a.prefs, a.weight, a.tier, a.status, a.created,
	ARRAY(SELECT i.mac FROM {s}.identity_keys i WHERE i.event = a.event AND i.application = a.id ORDER BY i.ord),
	ARRAY(SELECT k.kind FROM {s}.search_keys k WHERE k.event = a.event AND k.application = a.id ORDER BY k.ord),
	ARRAY(SELECT k.mac FROM {s}.search_keys k WHERE k.event = a.event AND k.application = a.id ORDER BY k.ord),
	ARRAY(SELECT b.class FROM {s}.sealed_blobs b WHERE b.event = a.event AND b.application = a.id
		AND ($1::text[] IS NULL OR b.class = ANY ($1)) ORDER BY b.class),
	ARRAY(SELECT b.blob FROM {s}.sealed_blobs b WHERE b.event = a.event AND b.application = a.id
		AND ($1::text[] IS NULL OR b.class = ANY ($1)) ORDER BY b.class)`

// scanApp reads appColumns. With sealed false it leaves Sealed nil, as a
// listing that asks for no class does.
func scanApp(r pgx.Row, event string, sealed bool) (adapters.Application, error) {
	a := adapters.Application{Event: event}
	var kinds, classes []string
	var searchMACs, blobs [][]byte
	err := r.Scan(&a.ID, &a.Receipt, &a.Channel, &a.Category, &a.Size, &a.Prefs, &a.Weight, &a.Tier, &a.Status, &a.Created,
		&a.Identity, &kinds, &searchMACs, &classes, &blobs)
	if err != nil {
		return adapters.Application{}, err
	}
	a.Created = a.Created.UTC()
	if a.Identity == nil {
		a.Identity = [][]byte{}
	}
	if len(kinds) != len(searchMACs) || len(classes) != len(blobs) {
		return adapters.Application{}, fmt.Errorf("kuji/postgres: application %s: inconsistent key rows: %w", a.ID, adapters.ErrCorrupt)
	}
	a.Search = make([]adapters.BlindKey, len(kinds))
	for i := range kinds {
		a.Search[i] = adapters.BlindKey{Kind: kinds[i], MAC: searchMACs[i]}
	}
	if sealed {
		a.Sealed = make(map[string][]byte, len(classes))
		for i, c := range classes {
			a.Sealed[c] = blobs[i]
		}
	}
	return a, nil
}

func (t *tx) Application(ctx context.Context, event, id string) (adapters.Application, error) {
	if err := t.check(ctx, false); err != nil {
		return adapters.Application{}, err
	}
	row := t.queryRow(ctx, t.q("SELECT "+appColumns+" FROM {s}.applications a WHERE a.event = $2 AND a.id = $3"), nil, event, id)
	return t.oneApp(ctx, row, event)
}

func (t *tx) ApplicationByReceipt(ctx context.Context, event, receipt string) (adapters.Application, error) {
	if err := t.check(ctx, false); err != nil {
		return adapters.Application{}, err
	}
	row := t.queryRow(ctx, t.q("SELECT "+appColumns+" FROM {s}.applications a WHERE a.event = $2 AND a.receipt = $3"), nil, event, receipt)
	return t.oneApp(ctx, row, event)
}

func (t *tx) oneApp(ctx context.Context, row pgx.Row, event string) (adapters.Application, error) {
	a, err := scanApp(row, event, true)
	if errors.Is(err, pgx.ErrNoRows) {
		return adapters.Application{}, notFound("application")
	}
	if err != nil {
		return adapters.Application{}, translate(ctx, "application", err)
	}
	return a, nil
}

func (t *tx) FindApplications(ctx context.Context, event string, key adapters.BlindKey) ([]string, error) {
	if err := t.check(ctx, false); err != nil {
		return nil, err
	}
	rows, err := t.query(ctx, t.q(`SELECT a.id FROM {s}.applications a
		WHERE a.event = $1 AND a.id IN (
			SELECT k.application FROM {s}.search_keys k WHERE k.event = $1 AND k.kind = $2 AND k.mac = $3)
		ORDER BY a.receipt`), event, key.Kind, nonNil(key.MAC))
	if err != nil {
		return nil, translate(ctx, "find applications", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, translate(ctx, "find applications", err)
	}
	if ids == nil {
		ids = []string{}
	}
	return ids, nil
}

func (t *tx) HasIdentity(ctx context.Context, event string, mac []byte) (bool, error) {
	if err := t.check(ctx, false); err != nil {
		return false, err
	}
	var has bool
	err := t.queryRow(ctx, t.q("SELECT EXISTS (SELECT 1 FROM {s}.identity_keys WHERE event = $1 AND mac = $2)"),
		event, nonNil(mac)).Scan(&has)
	if err != nil {
		return false, translate(ctx, "has identity", err)
	}
	return has, nil
}

func (t *tx) ListApplications(ctx context.Context, event string, f adapters.ApplicationFilter, fn func(adapters.Application) error) error {
	if err := t.check(ctx, false); err != nil {
		return err
	}
	const base = "SELECT " + appColumns + ` FROM {s}.applications a
		WHERE a.event = $2 AND ($3::text[] IS NULL OR a.status = ANY ($3))`
	first := t.q(base + " ORDER BY a.receipt LIMIT $4")
	next := t.q(base + " AND a.receipt > $5 ORDER BY a.receipt LIMIT $4")
	// A nil array is SQL NULL: every class, every status.
	classes := []string{} // none
	if f.Classes != nil {
		classes = f.Classes
	}
	var status []string
	if len(f.Status) > 0 {
		status = f.Status
	}
	sealed := f.Classes != nil
	return forPages(ctx, t, "list applications", pageSize,
		func(last *adapters.Application) (string, []any) {
			if last == nil {
				return first, []any{classes, event, status, pageSize}
			}
			return next, []any{classes, event, status, pageSize, last.Receipt}
		},
		func(r pgx.CollectableRow) (adapters.Application, error) { return scanApp(r, event, sealed) },
		fn)
}

func (t *tx) ListSealed(ctx context.Context, event, class string, fn func(string) error) error {
	if err := t.check(ctx, false); err != nil {
		return err
	}
	const base = `SELECT a.receipt FROM {s}.applications a JOIN {s}.sealed_blobs b
		ON b.event = a.event AND b.application = a.id WHERE a.event = $1 AND b.class = $2`
	first := t.q(base + " ORDER BY a.receipt LIMIT $3")
	next := t.q(base + " AND a.receipt > $4 ORDER BY a.receipt LIMIT $3")
	const page = 10_000
	return forPages(ctx, t, "list sealed", page,
		func(last *string) (string, []any) {
			if last == nil {
				return first, []any{event, class, page}
			}
			return next, []any{event, class, page, *last}
		},
		pgx.RowTo[string], fn)
}

// InsertApplication writes the row, its identity keys, sealed blobs,
// search keys and consent receipt in one round trip.
func (t *tx) InsertApplication(ctx context.Context, a adapters.Application) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	// Identity keys are inserted in byte order, so that two applications
	// sharing several keys take their locks in the same order and never
	// deadlock; ord keeps the caller's order for reading back.
	order := make([]int, len(a.Identity))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int { return bytes.Compare(a.Identity[x], a.Identity[y]) })
	idMACs := make([][]byte, len(order))
	idOrd := make([]int32, len(order))
	for j, i := range order {
		idMACs[j], idOrd[j] = nonNil(a.Identity[i]), int32(i)
	}
	classes := slices.Sorted(maps.Keys(a.Sealed))
	blobs := make([][]byte, len(classes))
	for i, c := range classes {
		blobs[i] = nonNil(a.Sealed[c])
	}
	kinds := make([]string, len(a.Search))
	searchMACs := make([][]byte, len(a.Search))
	for i, k := range a.Search {
		kinds[i], searchMACs[i] = k.Kind, nonNil(k.MAC)
	}

	var consentID *string
	var consentData []byte
	if c := a.Consent; c != nil {
		if c.Event != a.Event || c.Application != a.ID {
			return fmt.Errorf("kuji/postgres: the consent receipt is for another application")
		}
		consentID, consentData = &c.ID, nonNil(c.Data)
	}
	// The statements go in one round trip inside a savepoint: a clash (a
	// unique key, a missing event) rolls back to it, and the transaction
	// stays usable, as in the memory store.
	b := &pgx.Batch{}
	b.Queue("SAVEPOINT kuji_insert_application")
	b.Queue(t.q(`INSERT INTO {s}.applications (id, event, receipt, channel, category, size, prefs, weight, tier, status, created)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`),
		a.ID, a.Event, a.Receipt, a.Channel, a.Category, a.Size, a.Prefs, a.Weight, a.Tier, a.Status, a.Created)
	if len(idMACs) > 0 {
		b.Queue(t.q(`INSERT INTO {s}.identity_keys (event, mac, application, ord)
			SELECT $1, k.mac, $2, k.ord FROM unnest($3::bytea[], $4::integer[]) AS k(mac, ord)`),
			a.Event, a.ID, idMACs, idOrd)
	}
	if len(classes) > 0 {
		b.Queue(t.q(`INSERT INTO {s}.sealed_blobs (event, application, class, blob)
			SELECT $1, $2, c.class, c.blob FROM unnest($3::text[], $4::bytea[]) AS c(class, blob)`),
			a.Event, a.ID, classes, blobs)
	}
	if len(kinds) > 0 {
		b.Queue(t.q(`INSERT INTO {s}.search_keys (event, application, ord, kind, mac)
			SELECT $1, $2, k.ord, k.kind, k.mac FROM unnest($3::text[], $4::bytea[]) WITH ORDINALITY AS k(kind, mac, ord)`),
			a.Event, a.ID, kinds, searchMACs)
	}
	if consentID != nil {
		b.Queue(t.q("INSERT INTO {s}.consents (event, application, id, data) VALUES ($1, $2, $3, $4)"),
			a.Event, a.ID, *consentID, consentData)
	}
	b.Queue("RELEASE SAVEPOINT kuji_insert_application")
	err := t.sendBatch(ctx, b)
	if err == nil {
		return nil
	}
	// Only these statements write applications and identity keys, so a
	// clash on those tables is theirs, after the savepoint.
	var clash error
	var pe *pgconn.PgError
	switch {
	case ctx.Err() != nil || !errors.As(err, &pe):
	case pe.Code == codeForeignKeyViolation && pe.TableName == "applications":
		clash = notFound("event")
	case pe.Code == codeUniqueViolation && pe.TableName == "identity_keys":
		clash = duplicate("identity key taken")
	case pe.Code == codeUniqueViolation && pe.TableName == "applications":
		clash = duplicate("application ID or receipt number taken")
	}
	if clash == nil {
		return translate(ctx, "insert application", err)
	}
	// Roll back to the savepoint and release it, so that a batch of
	// postcards with many clashes does not pile up subtransactions. Sent
	// as one simple query (Exec without arguments): an aborted transaction
	// refuses the Parse of the extended protocol.
	if _, err := t.conn.Exec(ctx, "ROLLBACK TO SAVEPOINT kuji_insert_application; RELEASE SAVEPOINT kuji_insert_application"); err != nil {
		return translate(ctx, "insert application", err)
	}
	return clash
}

func (t *tx) SetStatus(ctx context.Context, event, id, from, to string) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	var changed, exists bool
	err := t.queryRow(ctx, t.q(`WITH u AS (
			UPDATE {s}.applications SET status = $4 WHERE event = $1 AND id = $2 AND status = $3 RETURNING 1)
		SELECT EXISTS (SELECT 1 FROM u), EXISTS (SELECT 1 FROM {s}.applications WHERE event = $1 AND id = $2)`),
		event, id, from, to).Scan(&changed, &exists)
	switch {
	case err != nil:
		return translate(ctx, "set status", err)
	case changed:
		return nil
	case !exists:
		return notFound("application")
	default:
		return conflict(fmt.Sprintf("application status is not %q", from))
	}
}

func (t *tx) DeleteApplication(ctx context.Context, event, id string) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	// ON DELETE CASCADE removes the sealed blobs, keys, consent receipt,
	// messages and check-ins.
	tag, err := t.exec(ctx, t.q("DELETE FROM {s}.applications WHERE event = $1 AND id = $2"), event, id)
	if err != nil {
		return translate(ctx, "delete application", err)
	}
	if tag.RowsAffected() == 0 {
		return notFound("application")
	}
	return nil
}

// --- consent ---

func (t *tx) Consent(ctx context.Context, event, application string) (adapters.Consent, error) {
	if err := t.check(ctx, false); err != nil {
		return adapters.Consent{}, err
	}
	c := adapters.Consent{Event: event, Application: application}
	err := t.queryRow(ctx, t.q("SELECT id, data FROM {s}.consents WHERE event = $1 AND application = $2"),
		event, application).Scan(&c.ID, &c.Data)
	if errors.Is(err, pgx.ErrNoRows) {
		return adapters.Consent{}, notFound("consent")
	}
	if err != nil {
		return adapters.Consent{}, translate(ctx, "consent", err)
	}
	return c, nil
}

func (t *tx) PutConsent(ctx context.Context, c adapters.Consent) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	tag, err := t.exec(ctx, t.q(`INSERT INTO {s}.consents (event, application, id, data)
		SELECT $1, $2, $3, $4::bytea WHERE EXISTS (SELECT 1 FROM {s}.applications WHERE event = $1 AND id = $2)
		ON CONFLICT (event, application) DO UPDATE SET id = EXCLUDED.id, data = EXCLUDED.data`),
		c.Event, c.Application, c.ID, c.Data)
	if err != nil {
		return translate(ctx, "put consent", err)
	}
	if tag.RowsAffected() == 0 {
		return notFound("application")
	}
	return nil
}

// --- purge ---

func (t *tx) PurgeClass(ctx context.Context, event, class string) (int64, error) {
	if err := t.check(ctx, true); err != nil {
		return 0, err
	}
	var n int64
	err := t.queryRow(ctx, t.q(`WITH b AS (
			DELETE FROM {s}.sealed_blobs WHERE event = $1 AND class = $2 RETURNING 1
		), c AS (
			DELETE FROM {s}.contact_cards WHERE event = $1 AND class = $2 RETURNING 1
		)
		SELECT (SELECT count(*) FROM b) + (SELECT count(*) FROM c)`), event, class).Scan(&n)
	if err != nil {
		return 0, translate(ctx, "purge class", err)
	}
	return n, nil
}

func (t *tx) PurgeApplications(ctx context.Context, event string) (int64, error) {
	if err := t.check(ctx, true); err != nil {
		return 0, err
	}
	tag, err := t.exec(ctx, t.q("DELETE FROM {s}.applications WHERE event = $1"), event)
	if err != nil {
		return 0, translate(ctx, "purge applications", err)
	}
	return tag.RowsAffected(), nil
}

// nonNil maps a nil slice to an empty one: pgx sends nil as SQL NULL, and
// the key and blob columns are NOT NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
