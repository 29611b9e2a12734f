-- The event log. One row per event; rows are only ever inserted, by chronicle_append below.
--
-- position        the global order of the log.
-- transaction_id  the id of the transaction that appended the event (see "Reading in order").
-- version         the entity's version after this event: 1, 2, 3, ... per entity_id.
-- meta            JSON object: actor, correlation_id, causation_id, request_id and application keys.
-- data            JSON object: the event's data in the shape of its schema_version.
--
-- meta and data are json, not jsonb: PostgreSQL checks the syntax and keeps the text byte for
-- byte, so an event reads back exactly as it was appended. Cast to jsonb to query or index:
--   CREATE INDEX ... ON events (((data::jsonb) ->> 'organizer_id'));
CREATE TABLE events (
    position       bigint      PRIMARY KEY,
    transaction_id xid8        NOT NULL,
    event_id       uuid        NOT NULL,
    entity_type    text        NOT NULL,
    entity_id      text        NOT NULL,
    version        bigint      NOT NULL CHECK (version >= 1),
    event_type     text        NOT NULL,
    schema_version integer     NOT NULL CHECK (schema_version >= 1),
    meta           json        NOT NULL,
    data           json        NOT NULL,
    created_at     timestamptz NOT NULL,
    -- The optimistic concurrency guard: two writers cannot both write version n of an entity.
    -- It is also the index that reads one entity in version order.
    CONSTRAINT events_entity_version UNIQUE (entity_id, version),
    CONSTRAINT events_event_id UNIQUE (event_id)
);

-- Positions come from this sequence, and only inside chronicle_append: the column has no default.
CREATE SEQUENCE events_position_seq AS bigint OWNED BY events.position;

-- Reading in order
-- ----------------
-- Sequence values are handed out when a transaction asks, but become visible when it commits,
-- and transactions commit in any order. A reader that simply followed positions could read
-- position 11, committed, while position 10 is still in flight, and never look back.
--
-- Two rules close that gap while appenders still run in parallel:
--
-- 1. An appending transaction takes its transaction id and its positions together, inside one
--    short critical section (a session advisory lock held for microseconds, not until commit).
--    So among appending transactions, a lower transaction id always holds lower positions.
-- 2. Readers only return events whose transaction id is below the oldest transaction still
--    running (pg_snapshot_xmin of the current snapshot). Every such transaction has finished,
--    and by rule 1 every running appender holds positions above all of them.
--
-- Together: when a reader returns position p, no running transaction holds a position below p,
-- and later transactions take higher positions. A reader never skips an event. The price is
-- that a long-running writing transaction (of any kind) delays readers until it ends.
--
-- Rule 1 needs the transaction id to be assigned inside the critical section, so an append must
-- be the first write of its transaction (chronicle_append checks this).

CREATE FUNCTION chronicle_append(
    p_entity_type     text,
    p_entity_id       text,
    p_expected        bigint,        -- the required current version; NULL appends at any version
    p_event_ids       uuid[],
    p_event_types     text[],
    p_schema_versions integer[],
    p_metas           json[],
    p_datas           json[],
    p_created_ats     timestamptz[]
) RETURNS TABLE (event_position bigint, event_version bigint)
LANGUAGE plpgsql AS $fn$
DECLARE
    -- The critical section of rule 1. A two-key advisory lock never collides with the one-key
    -- (bigint) entity locks below.
    lock_space      constant integer := 1128810309;
    position_lock   constant integer := 1;
    event_count     constant integer := cardinality(p_event_ids);
    current_version bigint;
    stored_type     text;
    xid             xid8;
    positions       bigint[];
BEGIN
    IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
        RAISE EXCEPTION 'chronicle_append must be the first write of its transaction'
            USING ERRCODE = 'CH002';
    END IF;

    -- Appends to one entity take turns until commit; appends to different entities do not wait.
    PERFORM pg_advisory_xact_lock(hashtextextended(p_entity_id, 0));

    SELECT e.version, e.entity_type INTO current_version, stored_type
    FROM events e WHERE e.entity_id = p_entity_id
    ORDER BY e.version DESC LIMIT 1;
    current_version := coalesce(current_version, 0);

    IF stored_type IS NOT NULL AND stored_type <> p_entity_type THEN
        RAISE EXCEPTION 'entity % belongs to another entity type', p_entity_id
            USING ERRCODE = 'CH003', DETAIL = stored_type;
    END IF;
    IF p_expected IS NOT NULL AND p_expected <> current_version THEN
        RAISE EXCEPTION 'wrong expected version for entity %', p_entity_id
            USING ERRCODE = 'CH001', DETAIL = current_version::text;
    END IF;

    -- Rule 1: the transaction id and the positions, together.
    BEGIN
        PERFORM pg_advisory_lock(lock_space, position_lock);
        xid := pg_current_xact_id();
        SELECT array_agg(p ORDER BY p) INTO positions
        FROM (SELECT nextval('events_position_seq') AS p FROM generate_series(1, event_count)) AS taken;
        PERFORM pg_advisory_unlock(lock_space, position_lock);
    EXCEPTION WHEN OTHERS OR query_canceled THEN
        PERFORM pg_advisory_unlock(lock_space, position_lock);
        RAISE;
    END;

    INSERT INTO events (position, transaction_id, event_id, entity_type, entity_id, version,
                        event_type, schema_version, meta, data, created_at)
    SELECT positions[i], xid, p_event_ids[i], p_entity_type, p_entity_id, current_version + i,
           p_event_types[i], p_schema_versions[i], p_metas[i], p_datas[i], p_created_ats[i]
    FROM generate_series(1, event_count) AS i;

    RETURN QUERY SELECT positions[i], current_version + i FROM generate_series(1, event_count) AS i;
END
$fn$;
