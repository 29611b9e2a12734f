-- The event log. One row per event; rows are only ever inserted (PostgresEventStore's append
-- statement, which takes positions from chronicle_reserve_positions below).
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

-- Positions come from this sequence, only through chronicle_reserve_positions: the column has no default.
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
-- be the first write of its transaction (chronicle_reserve_positions checks this).

-- Rule 1, and the check that makes it hold: the transaction id and the positions, together.
-- Returns the transaction id and the first of p_count consecutive positions.
CREATE FUNCTION chronicle_reserve_positions(p_count integer, OUT transaction_id xid8, OUT first_position bigint)
LANGUAGE plpgsql AS $fn$
BEGIN
    IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
        RAISE EXCEPTION 'an append must be the first write of its transaction' USING ERRCODE = 'CH002';
    END IF;
    -- The critical section is a session advisory lock held for microseconds, not until commit.
    -- (A two-key advisory lock never collides with applications' one-key locks on bigints.)
    -- The handler releases it if anything fails or the statement is cancelled inside.
    BEGIN
        PERFORM pg_advisory_lock(1128810309, 1);
        transaction_id := pg_current_xact_id();
        first_position := nextval('events_position_seq');
        IF p_count > 1 THEN
            PERFORM setval('events_position_seq', first_position + p_count - 1);
        END IF;
        PERFORM pg_advisory_unlock(1128810309, 1);
    EXCEPTION WHEN OTHERS OR query_canceled THEN
        PERFORM pg_advisory_unlock(1128810309, 1);
        RAISE;
    END;
END
$fn$;
