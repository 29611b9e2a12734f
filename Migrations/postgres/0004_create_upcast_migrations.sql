-- Upcasting migrations rewrite stored events to their types' current schema versions, in place.
-- Only event_type, schema_version and data change: positions, event ids, entity ids, versions,
-- metadata and times stay as they were. Times are microseconds since 1970-01-01 UTC.
--
-- upcast_migrations  one row per migration: how far through the log it has come (it resumes
--                    after `position` when interrupted) and whether it finished.
-- event_rewrites     one row per rewritten event, with what was stored before, so an audit can
--                    tell original from upcast events and recover the original.
CREATE TABLE upcast_migrations (
    id          text    PRIMARY KEY,
    position    bigint  NOT NULL DEFAULT 0,
    rewritten   bigint  NOT NULL DEFAULT 0,
    started_at  bigint  NOT NULL,
    finished_at bigint
);

CREATE TABLE event_rewrites (
    migration_id       text    NOT NULL,
    event_id           uuid    NOT NULL,
    position           bigint  NOT NULL,
    old_event_type     text    NOT NULL,
    old_schema_version integer NOT NULL,
    old_data           json    NOT NULL,
    rewritten_at       bigint  NOT NULL,
    PRIMARY KEY (migration_id, event_id)
);

CREATE INDEX event_rewrites_event_id ON event_rewrites (event_id);
