-- Events a projection or reactor went past by its error policy, and the audit of operators'
-- retries and skips (see the PostgreSQL migration of the same number for the details).
-- Times are microseconds since 1970-01-01 UTC.
CREATE TABLE chronicle_parked_events (
    consumer    TEXT    NOT NULL,
    generation  INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    event_id    TEXT    NOT NULL,
    event_type  TEXT    NOT NULL,
    entity_type TEXT    NOT NULL,
    entity_id   TEXT    NOT NULL,
    error       TEXT    NOT NULL,
    attempts    INTEGER NOT NULL,
    parked_at   INTEGER NOT NULL,
    state       TEXT    NOT NULL CHECK (state IN ('parked', 'skipped', 'retried')),
    resolved_at INTEGER,
    resolved_by TEXT,
    PRIMARY KEY (consumer, generation, position)
) STRICT;

CREATE TABLE chronicle_read_side_actions (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    acted_at  INTEGER NOT NULL,
    actor     TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    consumer  TEXT    NOT NULL,
    position  INTEGER,
    outcome   TEXT    NOT NULL
) STRICT;
