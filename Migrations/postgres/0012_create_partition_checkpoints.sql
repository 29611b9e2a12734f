-- The checkpoint of each partition of a partitioned reactor (Reactor.partitions > 1): the last
-- position its runner went past. A partition handles only the events of the entities that hash
-- to it, so its checkpoint moves on its own; the reactor's row in chronicle_reactors keeps the
-- lowest of them, which is as far as every partition has come.
--
-- partitions     how many partitions the reactor had when the row was written; when the
--                reactor declares another number, its partitions start again from the lowest
--                checkpoint, and the receipts keep every effect from running twice.
-- updated_at     microseconds since 1970-01-01 UTC.
CREATE TABLE chronicle_partition_checkpoints (
    consumer          text    NOT NULL,
    partition_number  integer NOT NULL,
    partitions        integer NOT NULL CHECK (partitions > 1),
    position          bigint  NOT NULL,
    updated_at        bigint  NOT NULL,
    PRIMARY KEY (consumer, partition_number)
);
