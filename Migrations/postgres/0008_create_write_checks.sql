-- A row per process that checks whether the database accepts writes (readiness): the check
-- writes its time here and commits, so a full disk or a read-only database shows before a
-- command meets it. Times are microseconds since 1970-01-01 UTC.
CREATE TABLE chronicle_write_checks (
    checker     text   PRIMARY KEY,
    checked_at  bigint NOT NULL
);
