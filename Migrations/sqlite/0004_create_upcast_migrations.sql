-- Upcasting migrations (see the PostgreSQL migration of the same number for the details).
-- Times are microseconds since 1970-01-01 UTC.
CREATE TABLE upcast_migrations (
    id          TEXT    PRIMARY KEY,
    position    INTEGER NOT NULL DEFAULT 0,
    rewritten   INTEGER NOT NULL DEFAULT 0,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER
) STRICT;

CREATE TABLE event_rewrites (
    migration_id       TEXT    NOT NULL,
    event_id           TEXT    NOT NULL,
    position           INTEGER NOT NULL,
    old_event_type     TEXT    NOT NULL,
    old_schema_version INTEGER NOT NULL,
    old_data           TEXT    NOT NULL,
    rewritten_at       INTEGER NOT NULL,
    PRIMARY KEY (migration_id, event_id)
) STRICT;

CREATE INDEX event_rewrites_event_id ON event_rewrites (event_id);
