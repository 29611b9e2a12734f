-- Indexes for reading the log by what an operator looks for (see the PostgreSQL migration of
-- the same number). A query uses the correlation index when it names the same expression:
--   WHERE json_extract(meta, '$.correlation_id') = ?
CREATE INDEX chronicle_events_event_type ON chronicle_events (event_type, position);
CREATE INDEX chronicle_events_entity_type ON chronicle_events (entity_type, position);
CREATE INDEX chronicle_events_created_at ON chronicle_events (created_at, position);
CREATE INDEX chronicle_events_correlation ON chronicle_events (json_extract(meta, '$.correlation_id'));
