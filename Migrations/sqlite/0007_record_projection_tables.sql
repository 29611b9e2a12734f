-- What the read side created, and the event types of inline projections (see the PostgreSQL
-- migration of the same number for the details).
CREATE TABLE chronicle_projection_tables (
    table_name  TEXT    PRIMARY KEY,
    projection  TEXT    NOT NULL,
    generation  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;

ALTER TABLE chronicle_projections ADD COLUMN event_types TEXT;
