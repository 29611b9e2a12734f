-- A row per process that checks whether the database accepts writes (see the PostgreSQL
-- migration of the same number).
CREATE TABLE chronicle_write_checks (
    checker     TEXT    PRIMARY KEY,
    checked_at  INTEGER NOT NULL
) STRICT;
