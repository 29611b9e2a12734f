-- The event log. One row per event; rows are only ever inserted.
--
-- position   the global order of the log, assigned at insert. AUTOINCREMENT never reuses a
--            position. SQLite has one writer at a time, so positions become visible in order.
-- version    the entity's version after this event: 1, 2, 3, ... per entity_id.
-- meta       JSON object: actor, correlation_id, causation_id, request_id and application keys.
-- data       JSON object: the event's data in the shape of its schema_version.
-- created_at microseconds since 1970-01-01 UTC: datetime(created_at / 1e6, 'unixepoch').
CREATE TABLE events (
    position       INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id       TEXT    NOT NULL,
    entity_type    TEXT    NOT NULL,
    entity_id      TEXT    NOT NULL,
    version        INTEGER NOT NULL CHECK (version >= 1),
    event_type     TEXT    NOT NULL,
    schema_version INTEGER NOT NULL CHECK (schema_version >= 1),
    meta           TEXT    NOT NULL,
    data           TEXT    NOT NULL,
    created_at     INTEGER NOT NULL
) STRICT;

-- The optimistic concurrency guard: two writers cannot both write version n of an entity.
-- It is also the index that reads one entity in version order.
CREATE UNIQUE INDEX events_entity_version ON events (entity_id, version);

CREATE UNIQUE INDEX events_event_id ON events (event_id);
