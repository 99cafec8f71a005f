-- kuji SQLite schema, version 1.
--
-- No column holds a personal value in the clear: personal data is in the
-- sealed BLOB columns (AES-256-GCM, sealed by the core before it reaches the
-- store), lookups by name or phone go through keyed blind indexes (HMAC,
-- BLOB), and every other column is non-personal (IDs, receipt numbers,
-- slots, states, times as Unix microseconds).
--
-- Applications are referenced by their integer seq inside the database, so
-- child rows stay small. Child rows carry no foreign key to applications:
-- the store deletes them itself, explicitly and in bulk (a foreign key
-- makes every deleted application probe six child tables, which cost a
-- purge of a million applications a third of its time), and checks that
-- the application exists before writing a child row.

CREATE TABLE events (
	id      TEXT    PRIMARY KEY,
	state   TEXT    NOT NULL,
	version INTEGER NOT NULL,
	data    BLOB,
	updated INTEGER NOT NULL
) STRICT;

-- Receipt-number counters, one small row per event: counting in the
-- events row would rewrite the event's whole configuration with every
-- application.
CREATE TABLE receipt_seqs (
	event TEXT    PRIMARY KEY REFERENCES events (id),
	seq   INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE applications (
	seq      INTEGER PRIMARY KEY,
	id       TEXT    NOT NULL,
	event    TEXT    NOT NULL REFERENCES events (id),
	receipt  TEXT    NOT NULL,
	channel  TEXT    NOT NULL,
	category TEXT    NOT NULL,
	size     INTEGER NOT NULL,
	prefs    TEXT    NOT NULL, -- JSON array of slot IDs, most wanted first
	weight   INTEGER NOT NULL,
	tier     INTEGER NOT NULL,
	status   TEXT    NOT NULL,
	created  INTEGER NOT NULL
) STRICT;

-- The indexes of the application tables are named indexes rather than
-- UNIQUE constraints, so that a purge can drop them, delete an event's rows
-- and rebuild them over what is left (see PurgeApplications).
CREATE UNIQUE INDEX applications_id ON applications (id);
CREATE UNIQUE INDEX applications_receipt ON applications (event, receipt);
CREATE INDEX applications_status ON applications (event, status, receipt);

-- One sealed blob per application and data class.
CREATE TABLE sealed (
	app   INTEGER NOT NULL,
	class TEXT    NOT NULL,
	blob  BLOB    NOT NULL,
	PRIMARY KEY (app, class)
) STRICT, WITHOUT ROWID;

-- Duplicate-identity blind indexes: unique within an event.
CREATE TABLE identity_keys (
	app   INTEGER NOT NULL,
	pos   INTEGER NOT NULL,
	event TEXT    NOT NULL,
	mac   BLOB    NOT NULL,
	PRIMARY KEY (app, pos)
) STRICT, WITHOUT ROWID;

CREATE UNIQUE INDEX identity_keys_mac ON identity_keys (event, mac);

-- Reception-desk search keys: not unique.
CREATE TABLE search_keys (
	app   INTEGER NOT NULL,
	pos   INTEGER NOT NULL,
	event TEXT    NOT NULL,
	kind  TEXT    NOT NULL,
	mac   BLOB    NOT NULL,
	PRIMARY KEY (app, pos)
) STRICT, WITHOUT ROWID;

CREATE INDEX search_keys_lookup ON search_keys (event, kind, mac);

CREATE TABLE consents (
	app  INTEGER PRIMARY KEY,
	id   TEXT    NOT NULL,
	data BLOB
) STRICT;

CREATE TABLE draw_records (
	event  TEXT PRIMARY KEY,
	record BLOB
) STRICT;

CREATE TABLE messages (
	key          TEXT    PRIMARY KEY,
	event        TEXT    NOT NULL,
	app          INTEGER NOT NULL,
	kind         TEXT    NOT NULL,
	status       TEXT    NOT NULL,
	attempts     INTEGER NOT NULL,
	next_attempt INTEGER NOT NULL,
	claimed_by   TEXT    NOT NULL,
	lease_until  INTEGER NOT NULL,
	reason       TEXT    NOT NULL,
	updated      INTEGER NOT NULL
) STRICT;

CREATE INDEX messages_app ON messages (app);
CREATE INDEX messages_due ON messages (event, status, next_attempt);

CREATE TABLE checkins (
	seq   INTEGER PRIMARY KEY,
	app   INTEGER NOT NULL,
	slot  TEXT    NOT NULL,
	event TEXT    NOT NULL,
	actor TEXT    NOT NULL,
	at    INTEGER NOT NULL,
	UNIQUE (app, slot)
) STRICT;

CREATE INDEX checkins_event ON checkins (event, at);

CREATE TABLE contact_cards (
	seq     INTEGER PRIMARY KEY,
	id      TEXT    NOT NULL UNIQUE,
	event   TEXT    NOT NULL REFERENCES events (id),
	slot    TEXT    NOT NULL,
	class   TEXT    NOT NULL,
	sealed  BLOB    NOT NULL,
	consent BLOB,
	created INTEGER NOT NULL
) STRICT;

CREATE INDEX contact_cards_event ON contact_cards (event, slot, created);

CREATE TABLE designations (
	event TEXT NOT NULL,
	id    TEXT NOT NULL,
	data  BLOB,
	PRIMARY KEY (event, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE erasures (
	seq     INTEGER PRIMARY KEY,
	id      TEXT    NOT NULL UNIQUE,
	event   TEXT    NOT NULL,
	created INTEGER NOT NULL,
	data    BLOB,
	signed  BLOB
) STRICT;

CREATE INDEX erasures_event ON erasures (event, seq);

-- Audit logs (RFC 6962 trees, see package audit): leaves and stored hashes
-- by index, signed checkpoints by tree size.
CREATE TABLE audit_leaves (
	log  TEXT    NOT NULL,
	idx  INTEGER NOT NULL,
	data BLOB    NOT NULL,
	PRIMARY KEY (log, idx)
) STRICT, WITHOUT ROWID;

CREATE TABLE audit_hashes (
	log  TEXT    NOT NULL,
	idx  INTEGER NOT NULL,
	hash BLOB    NOT NULL,
	PRIMARY KEY (log, idx)
) STRICT, WITHOUT ROWID;

CREATE TABLE audit_checkpoints (
	log    TEXT    NOT NULL,
	size   INTEGER NOT NULL,
	signed BLOB    NOT NULL,
	PRIMARY KEY (log, size)
) STRICT, WITHOUT ROWID;
