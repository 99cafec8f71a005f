-- 0001: the first kuji schema. Run with search_path set to the store's
-- schema, inside the migration transaction.
--
-- Every text column that is sorted or compared uses COLLATE "C" so that
-- ordering is byte order, as in Go, whatever the database's locale.
-- Personal data is only ever in the bytea columns named blob and sealed
-- (AES-256-GCM ciphertext) and mac (HMAC blind indexes).

CREATE TABLE events (
    id      text COLLATE "C" PRIMARY KEY,
    -- seq names the event's receipt-number sequence, receipt_<seq>,
    -- created with the event (see CreateEvent).
    seq     bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    state   text COLLATE "C" NOT NULL,
    version bigint NOT NULL,
    data    bytea,
    updated timestamptz NOT NULL
);

CREATE TABLE applications (
    id       text COLLATE "C" PRIMARY KEY,
    event    text COLLATE "C" NOT NULL REFERENCES events (id),
    receipt  text COLLATE "C" NOT NULL,
    channel  text COLLATE "C" NOT NULL,
    category text COLLATE "C" NOT NULL,
    size     integer NOT NULL,
    prefs    text[] COLLATE "C",
    weight   integer NOT NULL,
    tier     integer NOT NULL,
    status   text COLLATE "C" NOT NULL,
    created  timestamptz NOT NULL,
    UNIQUE (event, receipt),
    -- The target of the children's foreign keys, so that a child row's
    -- event is always its application's event.
    UNIQUE (event, id)
);

CREATE TABLE sealed_blobs (
    event       text COLLATE "C" NOT NULL,
    application text COLLATE "C" NOT NULL,
    class       text COLLATE "C" NOT NULL,
    blob        bytea NOT NULL,
    PRIMARY KEY (event, application, class),
    FOREIGN KEY (event, application) REFERENCES applications (event, id) ON DELETE CASCADE
);

-- Duplicate-identity blind indexes: the unique key is what makes two
-- concurrent applications of one person, on any number of servers, end
-- with exactly one accepted.
CREATE TABLE identity_keys (
    event       text COLLATE "C" NOT NULL,
    mac         bytea NOT NULL,
    application text COLLATE "C" NOT NULL,
    ord         integer NOT NULL,
    PRIMARY KEY (event, mac),
    FOREIGN KEY (event, application) REFERENCES applications (event, id) ON DELETE CASCADE
);
CREATE INDEX identity_keys_application ON identity_keys (event, application, ord);

CREATE TABLE search_keys (
    event       text COLLATE "C" NOT NULL,
    application text COLLATE "C" NOT NULL,
    ord         integer NOT NULL,
    kind        text COLLATE "C" NOT NULL,
    mac         bytea NOT NULL,
    PRIMARY KEY (event, application, ord),
    FOREIGN KEY (event, application) REFERENCES applications (event, id) ON DELETE CASCADE
);
CREATE INDEX search_keys_lookup ON search_keys (event, kind, mac);

CREATE TABLE consents (
    event       text COLLATE "C" NOT NULL,
    application text COLLATE "C" NOT NULL,
    id          text COLLATE "C" NOT NULL,
    data        bytea,
    PRIMARY KEY (event, application),
    FOREIGN KEY (event, application) REFERENCES applications (event, id) ON DELETE CASCADE
);

CREATE TABLE draw_records (
    event  text COLLATE "C" PRIMARY KEY,
    record bytea
);

CREATE TABLE messages (
    key          text COLLATE "C" PRIMARY KEY,
    event        text COLLATE "C" NOT NULL,
    application  text COLLATE "C" NOT NULL,
    kind         text COLLATE "C" NOT NULL,
    status       text COLLATE "C" NOT NULL,
    attempts     integer NOT NULL,
    next_attempt timestamptz NOT NULL,
    claimed_by   text COLLATE "C" NOT NULL,
    lease_until  timestamptz NOT NULL,
    reason       text COLLATE "C" NOT NULL,
    updated      timestamptz NOT NULL,
    FOREIGN KEY (event, application) REFERENCES applications (event, id) ON DELETE CASCADE
);
CREATE INDEX messages_application ON messages (event, application);
CREATE INDEX messages_listing ON messages (event, key);
-- What ClaimMessages scans, oldest first.
CREATE INDEX messages_due ON messages (event, next_attempt, key) WHERE status IN ('pending', 'claimed');

CREATE TABLE check_ins (
    event       text COLLATE "C" NOT NULL,
    application text COLLATE "C" NOT NULL,
    slot        text COLLATE "C" NOT NULL,
    actor       text COLLATE "C" NOT NULL,
    at          timestamptz NOT NULL,
    -- seq keeps insertion order among check-ins at the same instant.
    seq         bigint GENERATED ALWAYS AS IDENTITY,
    PRIMARY KEY (event, application, slot),
    FOREIGN KEY (event, application) REFERENCES applications (event, id) ON DELETE CASCADE
);
CREATE INDEX check_ins_time ON check_ins (event, at, seq);

CREATE TABLE contact_cards (
    id      text COLLATE "C" PRIMARY KEY,
    event   text COLLATE "C" NOT NULL REFERENCES events (id),
    slot    text COLLATE "C" NOT NULL,
    class   text COLLATE "C" NOT NULL,
    sealed  bytea NOT NULL,
    consent bytea,
    created timestamptz NOT NULL
);
CREATE INDEX contact_cards_slot ON contact_cards (event, slot, created, id);
CREATE INDEX contact_cards_class ON contact_cards (event, class);

CREATE TABLE designations (
    event text COLLATE "C" NOT NULL,
    id    text COLLATE "C" NOT NULL,
    data  bytea,
    PRIMARY KEY (event, id)
);

CREATE TABLE erasures (
    id      text COLLATE "C" PRIMARY KEY,
    event   text COLLATE "C" NOT NULL,
    seq     bigint GENERATED ALWAYS AS IDENTITY,
    created timestamptz NOT NULL,
    data    bytea,
    signed  bytea
);
CREATE INDEX erasures_event ON erasures (event, seq);

-- Audit logs. A log is named by its origin; rows carry a 64-bit ID derived
-- from the name (see logID in audit.go) and audit_logs maps it back.
CREATE TABLE audit_logs (
    id   bigint PRIMARY KEY,
    name text COLLATE "C" NOT NULL UNIQUE
);
CREATE TABLE audit_leaves (
    log  bigint NOT NULL,
    n    bigint NOT NULL,
    data bytea NOT NULL,
    PRIMARY KEY (log, n)
);
CREATE TABLE audit_hashes (
    log  bigint NOT NULL,
    n    bigint NOT NULL,
    hash bytea NOT NULL,
    PRIMARY KEY (log, n)
);
CREATE TABLE audit_checkpoints (
    log    bigint NOT NULL,
    size   bigint NOT NULL,
    signed bytea NOT NULL,
    PRIMARY KEY (log, size)
);
