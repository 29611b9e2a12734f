import Chronicle
import Foundation
import PostgresNIO

/// The appends of a group (see `GroupCommit`), to different entities, as one prepared
/// statement: one round trip, one transaction, one critical section for their positions.
///
/// Read it top to bottom:
/// 1. `requested`: one row per append (`k` is its place in the group), with its entity's current
///    version and stored type, from the entity's newest event;
/// 2. `accepted`: the appends whose expected version and type hold, each with the offset of its
///    first position among the accepted appends' events, unless an inline projection handles
///    one of the group's event types (appends through the read side are never grouped; the
///    others are then written alone, which refuses exactly those that would skip it);
/// 3. `reserved`: the transaction id and consecutive positions for all accepted events;
/// 4. the insert of the accepted appends' events. An append with no row returned was refused
///    and is then written alone, which explains the refusal.
///
/// An expected version of -1 means any version.
struct GroupAppendStatement<Layout: LogLayout>: PostgresPreparedStatement {
    static var sql: String {
        """
        WITH requested AS (
            SELECT a.k, a.entity_type, a.entity_id, a.expected, a.event_count,
                   coalesce(n.version, 0) AS version, n.entity_type AS stored_type
            FROM unnest($1::text[], $2::text[], $3::bigint[], $4::integer[])
                     WITH ORDINALITY AS a(entity_type, entity_id, expected, event_count, k)
            LEFT JOIN LATERAL (
                \(Layout.newestEvent(of: "a.entity_id"))
            ) n ON true
        ), accepted AS (
            SELECT k, entity_type, entity_id, version, event_count,
                   sum(event_count) OVER (ORDER BY k) - event_count AS first_offset
            FROM requested
            WHERE (expected < 0 OR version = expected) AND coalesce(stored_type = entity_type, true)
              AND NOT EXISTS (
                  SELECT 1 FROM chronicle_projections p WHERE p.mode = 'inline' AND p.event_types::jsonb ?| $8::text[])
        ), reserved AS (
            SELECT transaction_id, first_position
            FROM chronicle_reserve_positions((SELECT coalesce(sum(event_count), 0) FROM accepted)::integer)
        )
        INSERT INTO chronicle_events (position, transaction_id, event_id, entity_type, entity_id, version,
                            event_type, schema_version, meta, data, created_at)
        SELECT r.first_position + a.first_offset + e.n - 1, r.transaction_id, e.event_id, a.entity_type, a.entity_id,
               a.version + e.n, e.event_type, e.schema_version, e.meta, e.data, e.created_at
        FROM accepted a, reserved r,
             unnest($5::bigint[], $6::integer[], $7::uuid[], $8::text[], $9::integer[], $10::json[], $11::json[], $12::timestamptz[])
                 AS e(k, n, event_id, event_type, schema_version, meta, data, created_at)
        WHERE e.k = a.k
        RETURNING entity_id, position, version
        """
    }

    typealias Row = (entityID: String, position: Int64, version: Int)

    var appends: [PreparedAppend]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 12)
        bindings.append(appends.map(\.stream.entityType))
        bindings.append(appends.map(\.stream.entityID))
        bindings.append(appends.map { Int64($0.expected.requiredVersion ?? -1) })
        bindings.append(appends.map { Int32($0.entries.count) })
        let events = appends.enumerated().flatMap { k, append in
            append.entries.enumerated().map { n, entry in (k: Int64(k + 1), n: Int32(n + 1), entry: entry) }
        }
        bindings.append(events.map(\.k))
        bindings.append(events.map(\.n))
        bindings.append(events.map(\.entry.id))
        bindings.append(events.map(\.entry.eventType))
        bindings.append(events.map { Int32($0.entry.schemaVersion) })  // checked by PreparedAppend
        bindings.append(events.map { PostgresJSON(text: $0.entry.metadataJSON) })
        bindings.append(events.map { PostgresJSON(text: $0.entry.data) })
        bindings.append(events.map { PostgresTimestamp(microsecondsSince1970: Timestamp.microseconds(since1970: $0.entry.createdAt)) })
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode((String, Int64, Int).self)
    }
}

/// The most events in one group of appends (`GroupAppendStatement`): a group's arrays are bound
/// as a few parameters, so this bounds the statement's size, not its parameter count.
let maximumEventsInAGroup = 1_000
