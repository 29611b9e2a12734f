-- The read side's bookkeeping (see the PostgreSQL migration of the same number for the details).
-- Times are microseconds since 1970-01-01 UTC.
CREATE TABLE projections (
    name           TEXT    PRIMARY KEY,
    version        INTEGER NOT NULL,
    mode           TEXT    NOT NULL CHECK (mode IN ('inline', 'async')),
    position       INTEGER NOT NULL DEFAULT 0,
    generation     INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT,
    error_position INTEGER,
    failed_at      INTEGER,
    updated_at     INTEGER NOT NULL
) STRICT;

CREATE TABLE projection_rebuilds (
    name        TEXT    PRIMARY KEY,
    version     INTEGER NOT NULL,
    generation  INTEGER NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0,
    started_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE reactors (
    name                TEXT    PRIMARY KEY,
    position            INTEGER NOT NULL,
    registered_position INTEGER NOT NULL,
    last_error          TEXT,
    error_position      INTEGER,
    failed_at           INTEGER,
    updated_at          INTEGER NOT NULL
) STRICT;

CREATE TABLE reactor_receipts (
    reactor  TEXT    NOT NULL,
    event_id TEXT    NOT NULL,
    done_at  INTEGER NOT NULL,
    PRIMARY KEY (reactor, event_id)
) STRICT;
