-- Snapshots: a cache of aggregate states, the newest per entity. Deleting rows changes no
-- result, only how many events the next load folds.
--
-- schema      the aggregate's tag for the shape of `state`; rows with another tag are ignored.
-- state       JSON of the aggregate's state after `version` events.
-- created_at  microseconds since 1970-01-01 UTC.
CREATE TABLE snapshots (
    entity_id   TEXT    PRIMARY KEY,
    entity_type TEXT    NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    schema      TEXT    NOT NULL,
    state       TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;
