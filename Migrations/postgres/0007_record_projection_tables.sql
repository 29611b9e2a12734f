-- What the read side created, so that it never drops or touches what it did not create.
--
-- chronicle_projection_tables  one row per table a projection's bookkeeping created (its live
--                              tables and an online rebuild's shadow tables): only tables
--                              listed here are ever dropped or renamed by the read side.
-- chronicle_projections.event_types
--                              for an inline projection, the event types it handles (a JSON
--                              array): the store refuses to append those types past the
--                              projection (see the append statement).
CREATE TABLE chronicle_projection_tables (
    table_name  text    PRIMARY KEY,
    projection  text    NOT NULL,
    generation  integer NOT NULL,
    created_at  bigint  NOT NULL
);

ALTER TABLE chronicle_projections ADD COLUMN event_types text;
