-- The store's tables, indexes, constraints and sequence take the prefix chronicle_, which
-- projections and application migrations may not use: a read table can never take the name of
-- the log or of the store's bookkeeping. Only names change; no row is touched.
--
-- (chronicle_schema_migrations, the record of applied migrations, is renamed by the migration
-- runner itself before it reads that record.)
ALTER TABLE events RENAME TO chronicle_events;
ALTER INDEX events_pkey RENAME TO chronicle_events_pkey;
ALTER TABLE chronicle_events RENAME CONSTRAINT events_entity_version TO chronicle_events_entity_version;
ALTER TABLE chronicle_events RENAME CONSTRAINT events_event_id TO chronicle_events_event_id;
ALTER SEQUENCE events_position_seq RENAME TO chronicle_events_position_seq;

-- The same function as in 0001, with the sequence's new name.
CREATE OR REPLACE FUNCTION chronicle_reserve_positions(p_count integer, OUT transaction_id xid8, OUT first_position bigint)
LANGUAGE plpgsql AS $fn$
BEGIN
    IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
        RAISE EXCEPTION 'an append must be the first write of its transaction' USING ERRCODE = 'CH002';
    END IF;
    BEGIN
        PERFORM pg_advisory_lock(1128810309, 1);
        transaction_id := pg_current_xact_id();
        first_position := nextval('chronicle_events_position_seq');
        IF p_count > 1 THEN
            PERFORM setval('chronicle_events_position_seq', first_position + p_count - 1);
        END IF;
        PERFORM pg_advisory_unlock(1128810309, 1);
    EXCEPTION WHEN OTHERS OR query_canceled THEN
        PERFORM pg_advisory_unlock(1128810309, 1);
        RAISE;
    END;
END
$fn$;

ALTER TABLE snapshots RENAME TO chronicle_snapshots;
ALTER INDEX snapshots_pkey RENAME TO chronicle_snapshots_pkey;

ALTER TABLE projections RENAME TO chronicle_projections;
ALTER INDEX projections_pkey RENAME TO chronicle_projections_pkey;
ALTER TABLE projection_rebuilds RENAME TO chronicle_projection_rebuilds;
ALTER INDEX projection_rebuilds_pkey RENAME TO chronicle_projection_rebuilds_pkey;
ALTER TABLE reactors RENAME TO chronicle_reactors;
ALTER INDEX reactors_pkey RENAME TO chronicle_reactors_pkey;
ALTER TABLE reactor_receipts RENAME TO chronicle_reactor_receipts;
ALTER INDEX reactor_receipts_pkey RENAME TO chronicle_reactor_receipts_pkey;

ALTER TABLE upcast_migrations RENAME TO chronicle_upcast_migrations;
ALTER INDEX upcast_migrations_pkey RENAME TO chronicle_upcast_migrations_pkey;
ALTER TABLE event_rewrites RENAME TO chronicle_event_rewrites;
ALTER INDEX event_rewrites_pkey RENAME TO chronicle_event_rewrites_pkey;
ALTER INDEX event_rewrites_event_id RENAME TO chronicle_event_rewrites_event_id;
