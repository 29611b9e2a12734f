-- The store's tables and indexes take the prefix chronicle_, which projections and application
-- migrations may not use: a read table can never take the name of the log or of the store's
-- bookkeeping. Only names change; no row is touched. SQLite renames a table's automatic indexes
-- and its AUTOINCREMENT counter with it; named indexes are made again under their new names.
--
-- (chronicle_schema_migrations, the record of applied migrations, is renamed by the migration
-- runner itself before it reads that record.)
ALTER TABLE events RENAME TO chronicle_events;
DROP INDEX events_entity_version;
CREATE UNIQUE INDEX chronicle_events_entity_version ON chronicle_events (entity_id, version);
DROP INDEX events_event_id;
CREATE UNIQUE INDEX chronicle_events_event_id ON chronicle_events (event_id);

ALTER TABLE snapshots RENAME TO chronicle_snapshots;

ALTER TABLE projections RENAME TO chronicle_projections;
ALTER TABLE projection_rebuilds RENAME TO chronicle_projection_rebuilds;
ALTER TABLE reactors RENAME TO chronicle_reactors;
ALTER TABLE reactor_receipts RENAME TO chronicle_reactor_receipts;

ALTER TABLE upcast_migrations RENAME TO chronicle_upcast_migrations;
ALTER TABLE event_rewrites RENAME TO chronicle_event_rewrites;
DROP INDEX event_rewrites_event_id;
CREATE INDEX chronicle_event_rewrites_event_id ON chronicle_event_rewrites (event_id);
