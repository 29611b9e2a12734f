-- Into how many partitions each projection's tables were built (see the PostgreSQL migration
-- of the same number).
ALTER TABLE chronicle_projections ADD COLUMN partitions INTEGER NOT NULL DEFAULT 1 CHECK (partitions >= 1);
