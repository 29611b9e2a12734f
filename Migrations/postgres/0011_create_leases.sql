-- Which node runs each async projection and reactor (and, for a partitioned one, each of its
-- partitions): a lease row per consumer and partition, renewed by its holder's heartbeats.
--
-- holder            the node running it (ReadSide.Configuration.node), or NULL once released.
-- heartbeat_at      the holder's last renewal; expires_at is heartbeat_at plus the lease's
--                   duration. Another node takes an expired lease over.
-- failovers         how many times a node took the lease over from another whose lease had
--                   expired (a holder that died or lost its connection), not counting releases.
--
-- Times are microseconds since 1970-01-01 UTC, on the database's clock, so that the clocks of
-- the nodes never decide who holds a lease.
CREATE TABLE chronicle_leases (
    consumer          text    NOT NULL,
    partition_number  integer NOT NULL,
    holder            text,
    acquired_at       bigint  NOT NULL,
    heartbeat_at      bigint  NOT NULL,
    expires_at        bigint  NOT NULL,
    failovers         integer NOT NULL DEFAULT 0,
    PRIMARY KEY (consumer, partition_number)
);
