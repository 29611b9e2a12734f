-- Personal data and retired entities (see the PostgreSQL migration of the same number).
CREATE TABLE chronicle_subject_keys (
    key_id        TEXT    PRIMARY KEY,
    subject       TEXT    NOT NULL UNIQUE,
    wrapped_key   TEXT    NOT NULL,
    master_key_id TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE chronicle_forgotten_subjects (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    subject      TEXT    NOT NULL,
    actor        TEXT,
    keys_deleted INTEGER NOT NULL,
    forgotten_at INTEGER NOT NULL
) STRICT;

CREATE TABLE chronicle_archived_events (
    position       INTEGER PRIMARY KEY,
    event_id       TEXT    NOT NULL UNIQUE,
    entity_type    TEXT    NOT NULL,
    entity_id      TEXT    NOT NULL,
    version        INTEGER NOT NULL,
    event_type     TEXT    NOT NULL,
    schema_version INTEGER NOT NULL,
    meta           TEXT    NOT NULL,
    data           TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    archived_at    INTEGER NOT NULL
) STRICT;

CREATE INDEX chronicle_archived_events_entity ON chronicle_archived_events (entity_id, version);

CREATE TABLE chronicle_masking_runs (
    id                TEXT    PRIMARY KEY,
    subject           TEXT    NOT NULL,
    position          INTEGER NOT NULL DEFAULT 0,
    archived_position INTEGER NOT NULL DEFAULT 0,
    masked            INTEGER NOT NULL DEFAULT 0,
    actor             TEXT,
    started_at        INTEGER NOT NULL,
    finished_at       INTEGER
) STRICT;
