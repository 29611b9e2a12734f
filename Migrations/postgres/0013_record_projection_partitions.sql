-- Into how many partitions each projection's tables were built (Projection.partitions). A
-- partitioned projection's partitions keep their checkpoints in chronicle_partition_checkpoints,
-- under the projection's name, as a partitioned reactor's do; its row here keeps the lowest.
--
-- A projection whose code declares another number of partitions than its tables were built
-- with needs a rebuild: its partitions' checkpoints do not say how far each entity has come
-- under the new split.
ALTER TABLE chronicle_projections ADD COLUMN partitions integer NOT NULL DEFAULT 1 CHECK (partitions >= 1);
