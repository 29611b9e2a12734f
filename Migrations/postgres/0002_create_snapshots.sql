-- Snapshots: a cache of aggregate states, the newest per entity. Deleting rows changes no
-- result, only how many events the next load folds.
--
-- schema  the aggregate's tag for the shape of `state`; rows with another tag are ignored.
-- state   JSON of the aggregate's state after `version` events.
CREATE TABLE snapshots (
    entity_id   text        PRIMARY KEY,
    entity_type text        NOT NULL,
    version     bigint      NOT NULL CHECK (version >= 1),
    schema      text        NOT NULL,
    state       json        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
