-- Which node runs each async projection and reactor, and each of its partitions (see the
-- PostgreSQL migration of the same number). On SQLite one process runs them all; the rows
-- show which, and since when. Times are microseconds since 1970-01-01 UTC.
CREATE TABLE chronicle_leases (
    consumer          TEXT    NOT NULL,
    partition_number  INTEGER NOT NULL,
    holder            TEXT,
    acquired_at       INTEGER NOT NULL,
    heartbeat_at      INTEGER NOT NULL,
    expires_at        INTEGER NOT NULL,
    failovers         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (consumer, partition_number)
) STRICT;
