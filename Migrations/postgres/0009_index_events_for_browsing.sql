-- Indexes for reading the log by what an operator looks for (the event browser, and any
-- application query of the same shape): newest first by event type or entity type, by time,
-- and every event of one correlation id. Each costs appends one more index entry per event
-- (measured in BENCHMARKS.md, "The event browser").
--
-- A time range is read in (created_at, position) order, newest first, and paged by that pair,
-- so its index serves the range and the order at once. meta is json: ->> reads a key without
-- converting the document to jsonb.
CREATE INDEX chronicle_events_event_type ON chronicle_events (event_type, position);
CREATE INDEX chronicle_events_entity_type ON chronicle_events (entity_type, position);
CREATE INDEX chronicle_events_created_at ON chronicle_events (created_at, position);
CREATE INDEX chronicle_events_correlation ON chronicle_events ((meta ->> 'correlation_id'));
