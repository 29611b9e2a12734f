-- The log as a table partitioned by position range, for a new store: opt in with
-- `PostgresEventStore.Configuration.logPartitions`. Only an empty log is converted.
--
-- PostgreSQL needs the partition key in every unique index, so the two guards of 0001 that do
-- not hold the position become:
-- - (entity_id, version): the append statement reads an entity's newest version through
--   chronicle_lock_entity_head, which first takes a transaction lock on the entity. A second
--   writer of the entity waits for the first to commit and then reads its version: it appends
--   after it, or is refused at its expected version, as the unique index refused it before.
-- - event_id: chronicle_event_ids, unpartitioned, keeps every id of the log; a statement trigger
--   writes the ids each insert appends, and its primary key refuses one that is stored.
--
-- Partitions hold positions_per_partition positions each and are named chronicle_events_<n>,
-- n = position / positions_per_partition. chronicle_create_event_partitions makes them ahead
-- of the head (the store calls it as the head nears the last one); an old one can be detached
-- for archiving (ALTER TABLE chronicle_events DETACH PARTITION chronicle_events_<n>), and its
-- ids stay in chronicle_event_ids, so they are never appended again.
DO $check$
BEGIN
    IF EXISTS (SELECT 1 FROM chronicle_events) THEN
        RAISE EXCEPTION 'The log holds events: only a new store''s log can be partitioned.' USING ERRCODE = 'CH003';
    END IF;
END
$check$;

-- The same columns, NOT NULL and CHECK constraints as the single table, which it replaces.
ALTER SEQUENCE chronicle_events_position_seq OWNED BY NONE;
ALTER TABLE chronicle_events RENAME TO chronicle_events_single;
CREATE TABLE chronicle_events (LIKE chronicle_events_single INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
    PARTITION BY RANGE (position);
DROP TABLE chronicle_events_single;
ALTER TABLE chronicle_events ADD CONSTRAINT chronicle_events_pkey PRIMARY KEY (position);

ALTER SEQUENCE chronicle_events_position_seq OWNED BY chronicle_events.position;

-- Reads of one entity in version order, and of an event by id (no longer unique indexes).
CREATE INDEX chronicle_events_entity_version ON chronicle_events (entity_id, version);
CREATE INDEX chronicle_events_by_event_id ON chronicle_events (event_id);
-- The browsing indexes of 0009.
CREATE INDEX chronicle_events_event_type ON chronicle_events (event_type, position);
CREATE INDEX chronicle_events_entity_type ON chronicle_events (entity_type, position);
CREATE INDEX chronicle_events_created_at ON chronicle_events (created_at, position);
CREATE INDEX chronicle_events_correlation ON chronicle_events ((meta ->> 'correlation_id'));

CREATE TABLE chronicle_event_ids (
    event_id uuid CONSTRAINT chronicle_events_event_id PRIMARY KEY
);

CREATE FUNCTION chronicle_keep_event_ids() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO chronicle_event_ids (event_id) SELECT event_id FROM appended;
    ELSE
        DELETE FROM chronicle_event_ids WHERE event_id IN (SELECT event_id FROM removed);
    END IF;
    RETURN NULL;
END
$fn$;

CREATE TRIGGER chronicle_events_ids_appended AFTER INSERT ON chronicle_events
    REFERENCING NEW TABLE AS appended FOR EACH STATEMENT EXECUTE FUNCTION chronicle_keep_event_ids();
CREATE TRIGGER chronicle_events_ids_removed AFTER DELETE ON chronicle_events
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION chronicle_keep_event_ids();

-- The newest event's version and type of an entity, read after taking the entity's transaction
-- lock (class 1128810310: apart from chronicle_reserve_positions' 1128810309). The function is
-- volatile, so its query sees what committed while it waited. Taking the lock assigns no
-- transaction id: an append is still the first write of its transaction.
CREATE FUNCTION chronicle_lock_entity_head(p_entity_id text, OUT version bigint, OUT entity_type text)
RETURNS SETOF record LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
    PERFORM pg_advisory_xact_lock(1128810310, hashtext(p_entity_id));
    RETURN QUERY SELECT e.version, e.entity_type FROM chronicle_events e
        WHERE e.entity_id = p_entity_id ORDER BY e.version DESC LIMIT 1;
END
$fn$;

CREATE TABLE chronicle_log_partitioning (
    positions_per_partition bigint NOT NULL CHECK (positions_per_partition > 0),
    -- Positions below this one have partitions.
    partitioned_below bigint NOT NULL
);

-- Makes the partitions up to `p_through` (at least), each made apart and then attached, which
-- blocks no append or read of the log; returns the first position without a partition. Its
-- callers take turns on a transaction lock.
CREATE FUNCTION chronicle_create_event_partitions(p_through bigint) RETURNS bigint
LANGUAGE plpgsql AS $fn$
DECLARE
    v_size bigint;
    v_below bigint;
    v_name text;
BEGIN
    PERFORM pg_advisory_xact_lock(1128810311, 0);
    SELECT positions_per_partition, partitioned_below INTO v_size, v_below FROM chronicle_log_partitioning FOR UPDATE;
    WHILE v_below <= p_through LOOP
        v_name := format('chronicle_events_%s', lpad((v_below / v_size)::text, 10, '0'));
        EXECUTE format('CREATE TABLE %I (LIKE chronicle_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', v_name);
        EXECUTE format('ALTER TABLE chronicle_events ATTACH PARTITION %I FOR VALUES FROM (%s) TO (%s)', v_name, v_below, v_below + v_size);
        v_below := v_below + v_size;
    END LOOP;
    UPDATE chronicle_log_partitioning SET partitioned_below = v_below;
    RETURN v_below;
END
$fn$;
