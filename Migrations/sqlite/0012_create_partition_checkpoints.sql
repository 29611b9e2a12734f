-- The checkpoint of each partition of a partitioned reactor (see the PostgreSQL migration of
-- the same number). Times are microseconds since 1970-01-01 UTC.
CREATE TABLE chronicle_partition_checkpoints (
    consumer          TEXT    NOT NULL,
    partition_number  INTEGER NOT NULL,
    partitions        INTEGER NOT NULL CHECK (partitions > 1),
    position          INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    PRIMARY KEY (consumer, partition_number)
) STRICT;
